package code

/*
#include <stddef.h>
void ts_set_allocator(void *(*)(size_t), void *(*)(size_t, size_t), void *(*)(void *, size_t), void (*)(void *));
static void ward_ts_default_allocator(void) { ts_set_allocator(NULL, NULL, NULL, NULL); }
*/
import "C"

// The Go bindings route every allocation of the tree-sitter runtime through
// a Go callback that calls C.malloc: one cgo round trip per malloc, which
// made parsing several times slower. Restoring the runtime's own default
// (the same libc malloc and free) removes the round trips; memory
// allocated before the switch is freed by the same free.
func init() { C.ward_ts_default_allocator() }

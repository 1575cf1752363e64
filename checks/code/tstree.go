package code

/*
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

// The tree-sitter C API this file uses, declared here with the layouts of
// tree_sitter/api.h (ABI 15, go-tree-sitter v0.25): the runtime is linked
// in by the go-tree-sitter package. TestFlatLayout checks the node and
// cursor sizes against the bindings' own.
typedef struct TSParser TSParser;
typedef struct TSTree TSTree;
typedef struct TSLanguage TSLanguage;
typedef struct { uint32_t row; uint32_t column; } TSPoint;
typedef struct { uint32_t context[4]; const void *id; const TSTree *tree; } TSNode;
typedef struct { const void *tree; const void *id; uint32_t context[3]; } TSTreeCursor;
typedef struct {
	void *payload;
	const char *(*read)(void *payload, uint32_t byte_index, TSPoint position, uint32_t *bytes_read);
	int encoding;
	void *decode;
} TSInput;
typedef struct { void *payload; uint32_t current_byte_offset; bool has_error; } TSParseState;
typedef struct { void *payload; bool (*progress_callback)(TSParseState *state); } TSParseOptions;

TSParser *ts_parser_new(void);
void ts_parser_delete(TSParser *);
bool ts_parser_set_language(TSParser *, const TSLanguage *);
TSTree *ts_parser_parse_with_options(TSParser *, const TSTree *, TSInput, TSParseOptions);
void ts_tree_delete(TSTree *);
TSNode ts_tree_root_node(const TSTree *);
uint32_t ts_node_descendant_count(TSNode);
uint16_t ts_node_symbol(TSNode);
uint32_t ts_node_start_byte(TSNode);
uint32_t ts_node_end_byte(TSNode);
bool ts_node_is_named(TSNode);
bool ts_node_is_missing(TSNode);
bool ts_node_is_error(TSNode);
TSTreeCursor ts_tree_cursor_new(TSNode);
void ts_tree_cursor_delete(TSTreeCursor *);
TSNode ts_tree_cursor_current_node(const TSTreeCursor *);
uint16_t ts_tree_cursor_current_field_id(const TSTreeCursor *);
bool ts_tree_cursor_goto_first_child(TSTreeCursor *);
bool ts_tree_cursor_goto_next_sibling(TSTreeCursor *);
bool ts_tree_cursor_goto_parent(TSTreeCursor *);

// ward_node is one syntax node in pre-order; links are indexes, -1 = none.
typedef struct {
	uint32_t sb, eb;
	int32_t parent, next, first;
	uint16_t sym, field;
	uint8_t flags;
} ward_node;

enum { WARD_NAMED = 1, WARD_ERROR = 2, WARD_MISSING = 4 };

typedef struct {
	const char *src;
	uint32_t len;
	const int32_t *cancel; // set to 1 by Go when the context ends
	int64_t deadline_ns;   // CLOCK_MONOTONIC; 0 = none
} ward_input;

static const char *ward_read(void *payload, uint32_t at, TSPoint pos, uint32_t *n) {
	const ward_input *in = payload;
	(void)pos;
	if (at >= in->len) { *n = 0; return ""; }
	*n = in->len - at;
	return in->src + at;
}

static bool ward_progress(TSParseState *st) {
	const ward_input *in = st->payload;
	if (in->cancel && __atomic_load_n(in->cancel, __ATOMIC_RELAXED)) return true;
	if (in->deadline_ns) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec > in->deadline_ns) return true;
	}
	return false;
}

// ward_parse parses src and writes the whole tree, flattened, to the
// caller's malloc'd array (*buf, *cap), growing it when it is too small;
// the tree-sitter parser and tree are freed before returning. It returns
// 0, or 1 when the parse was cancelled, 2 when out of memory.
static int ward_parse(const TSLanguage *lang, const char *src, uint32_t len, const int32_t *cancel,
		int64_t deadline_ns, ward_node **buf, uint32_t *cap, uint32_t *count) {
	*count = 0;
	TSParser *p = ts_parser_new();
	if (!p) return 2;
	if (!ts_parser_set_language(p, lang)) { ts_parser_delete(p); return 2; }
	ward_input in = { src, len, cancel, deadline_ns };
	TSInput input = { &in, ward_read, 0, NULL };
	TSParseOptions opts = { &in, ward_progress };
	TSTree *tree = ts_parser_parse_with_options(p, NULL, input, opts);
	ts_parser_delete(p);
	if (!tree) return 1;
	TSNode root = ts_tree_root_node(tree);
	uint32_t n = ts_node_descendant_count(root);
	if (n > *cap) {
		ward_node *grown = realloc(*buf, (size_t)n * sizeof(ward_node));
		if (!grown) { ts_tree_delete(tree); return 2; }
		*buf = grown;
		*cap = n;
	}
	ward_node *nodes = *buf;
	TSTreeCursor c = ts_tree_cursor_new(root);
	uint32_t i = 0;
	int32_t parent = -1, prev = -1;
	while (i < n) {
		TSNode x = ts_tree_cursor_current_node(&c);
		ward_node *w = &nodes[i];
		w->sb = ts_node_start_byte(x);
		w->eb = ts_node_end_byte(x);
		w->parent = parent;
		w->next = -1;
		w->first = -1;
		w->sym = ts_node_symbol(x);
		w->field = ts_tree_cursor_current_field_id(&c);
		w->flags = (ts_node_is_named(x) ? WARD_NAMED : 0) | (ts_node_is_error(x) ? WARD_ERROR : 0) |
			(ts_node_is_missing(x) ? WARD_MISSING : 0);
		if (prev >= 0) nodes[prev].next = (int32_t)i;
		else if (parent >= 0) nodes[parent].first = (int32_t)i;
		int32_t self = (int32_t)i++;
		if (ts_tree_cursor_goto_first_child(&c)) {
			parent = self;
			prev = -1;
			continue;
		}
		prev = self;
		while (!ts_tree_cursor_goto_next_sibling(&c)) {
			if (!ts_tree_cursor_goto_parent(&c)) goto done;
			prev = parent;
			parent = nodes[parent].parent;
		}
	}
done:
	ts_tree_cursor_delete(&c);
	ts_tree_delete(tree);
	*count = i;
	return 0;
}
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
	"unsafe"
)

// fnode is ward_node on the Go side (same field order and sizes).
type fnode struct {
	sb, eb              uint32
	parent, next, first int32
	sym, field          uint16
	flags               uint8
}

const (
	fNamed   = 1
	fError   = 2
	fMissing = 4
)

// tn is a node of a flat tree: an index into its nodes, -1 for none.
type tn = int32

const none tn = -1

// flatTree is a parsed file as a flat pre-order array of nodes held in C
// memory, which release returns for the next file: parsing a file then
// costs no fresh pages, and walking it no cgo call.
type flatTree struct {
	nodes []fnode
	buf   *flatBuf
}

// flatBuf is a reusable C array of ward_node.
type flatBuf struct {
	p   *C.ward_node
	cap C.uint32_t
}

// flatBufs keeps a few buffers for reuse; more, or larger than
// maxKeptNodes (1.8 MB, a ~100 KB source file), are freed, so a server
// holds at most ~7 MB of them between reviews.
var flatBufs = make(chan *flatBuf, 4)

const maxKeptNodes = 1 << 16

func (t *flatTree) release() {
	if t == nil || t.buf == nil {
		return
	}
	b := t.buf
	t.buf, t.nodes = nil, nil
	if b.cap <= maxKeptNodes {
		select {
		case flatBufs <- b:
			return
		default:
		}
	}
	C.free(unsafe.Pointer(b.p))
}

// errParseStalled is a parse that ran past its budget: tree-sitter's
// grammars have inputs on which they never finish (a 71-byte TSX file
// found by FuzzRules spins forever in tree-sitter-typescript 0.23.2).
var errParseStalled = errors.New("tree-sitter did not finish parsing within its budget")

// parseBudget is how long a parse may take: parsing runs at ~5 MB/s, so
// this leaves a margin of more than 40x before a parse counts as stalled.
func parseBudget(size int) time.Duration {
	return 2*time.Second + time.Duration(size/(256<<10))*time.Second
}

// parseFlat parses src with tree-sitter in one C call and returns the tree
// as a flat pre-order array. Walking the tree node by node through cgo cost
// more than the parse itself; one call per file does not. The caller
// releases the tree. A parse stops at the context's deadline or at its own
// budget (errParseStalled), whichever comes first.
func parseFlat(ctx context.Context, l *grammar, src []byte) (*flatTree, error) {
	budget := parseBudget(len(src))
	stalled := true
	if d, ok := ctx.Deadline(); ok && time.Until(d) < budget {
		budget, stalled = time.Until(d), false
	}
	deadline := C.int64_t(monoNow() + budget.Nanoseconds())
	var cancel *C.int32_t
	if ctx.Done() != nil {
		// The flag is C memory freed only after the watcher has stopped,
		// so a late cancellation never writes to freed memory.
		cancel = (*C.int32_t)(C.calloc(1, 4))
		stop, stopped := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(stopped)
			select {
			case <-ctx.Done():
				atomic.StoreInt32((*int32)(unsafe.Pointer(cancel)), 1)
			case <-stop:
			}
		}()
		defer func() {
			close(stop)
			<-stopped
			C.free(unsafe.Pointer(cancel))
		}()
	}
	var buf *flatBuf
	select {
	case buf = <-flatBufs:
	default:
		buf = &flatBuf{}
	}
	t := &flatTree{buf: buf}
	var count C.uint32_t
	var srcPtr *C.char
	if len(src) > 0 {
		srcPtr = (*C.char)(unsafe.Pointer(&src[0]))
	}
	rc := C.ward_parse((*C.TSLanguage)(l.raw), srcPtr, C.uint32_t(len(src)), cancel, deadline, &buf.p, &buf.cap, &count)
	if rc != 0 || count == 0 {
		t.release()
		switch {
		case rc == 1 && ctx.Err() != nil:
			return nil, ctx.Err()
		case rc == 1 && stalled:
			return nil, errParseStalled
		case rc == 1:
			return nil, context.DeadlineExceeded
		case rc == 2:
			return nil, fmt.Errorf("tree-sitter: out of memory")
		}
		return nil, fmt.Errorf("tree-sitter returned an empty tree")
	}
	t.nodes = unsafe.Slice((*fnode)(unsafe.Pointer(buf.p)), int(count))
	return t, nil
}

// monoNow is CLOCK_MONOTONIC in nanoseconds, the clock ward_progress reads.
func monoNow() int64 {
	var ts C.struct_timespec
	C.clock_gettime(C.CLOCK_MONOTONIC, &ts)
	return int64(ts.tv_sec)*1e9 + int64(ts.tv_nsec)
}

// flatSizes reports the C sizes TestFlatLayout compares with the Go side.
func flatSizes() (node, tsnode, cursor uintptr) {
	return uintptr(C.sizeof_ward_node), uintptr(C.sizeof_TSNode), uintptr(C.sizeof_TSTreeCursor)
}

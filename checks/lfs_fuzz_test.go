package checks

import (
	"fmt"
	"strings"
	"testing"
)

// FuzzParseLFSPointer: any input either is a pointer with a 64-hex oid and a
// size, or is not one; never a panic, and a parsed pointer round-trips.
func FuzzParseLFSPointer(f *testing.F) {
	f.Add([]byte("version https://git-lfs.github.com/spec/v1\noid sha256:" + strings.Repeat("ab", 32) + "\nsize 12345\n"))
	f.Add([]byte("version https://git-lfs.github.com/spec/v1\noid sha256:xyz\nsize -1\n"))
	f.Add([]byte("version https://git-lfs.github.com/spec/v1\nsize 99999999999999999999\n"))
	f.Add([]byte("not a pointer"))
	f.Fuzz(func(t *testing.T, b []byte) {
		oid, size, ok := ParseLFSPointer(b)
		if !ok {
			return
		}
		if len(oid) != 64 || size < 0 || len(b) > 1024 {
			t.Fatalf("accepted oid %q size %d from %d bytes", oid, size, len(b))
		}
		again := fmt.Sprintf("version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %d\n", oid, size)
		if o2, s2, ok2 := ParseLFSPointer([]byte(again)); !ok2 || o2 != oid || s2 != size {
			t.Fatalf("round trip: %q %d %v", o2, s2, ok2)
		}
	})
}

package checks

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
)

// ParseLFSPointer reads a Git LFS pointer file (spec v1): its sha256 oid and
// object size. Pointers are small text files; anything else is not one.
func ParseLFSPointer(b []byte) (oid string, size int64, ok bool) {
	if !bytes.HasPrefix(b, []byte("version https://git-lfs.github.com/spec/v1\n")) || len(b) > 1024 {
		return "", 0, false
	}
	size = -1
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), " ")
		switch k {
		case "oid":
			h, found := strings.CutPrefix(v, "sha256:")
			if !found || len(h) != 64 {
				return "", 0, false
			}
			oid = h
		case "size":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return "", 0, false
			}
			size = n
		}
	}
	return oid, size, oid != "" && size >= 0
}

package pickle

import (
	"bytes"
	"encoding/binary"
	"io"
	"strings"
)

// legacyMagic is how torch.save's legacy format starts: the pickled magic
// number 0x1950a86a20f9469cfc6c, protocol 2.
var legacyMagic = []byte("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.")

// storageElem is the element size of each PyTorch storage type.
var storageElem = map[string]int64{
	"Float": 4, "Double": 8, "Half": 2, "BFloat16": 2, "Long": 8, "Int": 4, "Short": 2, "Char": 1,
	"Byte": 1, "Bool": 1, "ComplexFloat": 8, "ComplexDouble": 16, "QUInt8": 1, "QInt8": 1, "QInt32": 4,
	"QUInt4x2": 1, "QUInt2x4": 1,
}

const maxStorages = 1 << 16

// storageRef records a ('storage', torch.FloatStorage, key, location, numel)
// persistent id: the legacy format's data region holds one record per key.
func (m *machine) storageRef(pid value) {
	its := m.items(pid)
	if len(its) < 5 || len(m.res.storages) >= maxStorages {
		return
	}
	if tag, _ := m.str(its[0]); tag != "storage" || its[1].k != kGlobal || its[1].ref < 0 {
		return
	}
	key, ok := m.str(its[2])
	if !ok || its[4].k != kInt || its[4].ref < 0 || its[4].n < 0 {
		return
	}
	g := m.res.Globals[its[1].ref]
	elem := storageElem[strings.TrimSuffix(g.Name, "Storage")]
	if g.Module != "torch" && g.Module != "torch.cuda" || elem == 0 {
		return
	}
	m.res.storages = append(m.res.storages, storageRef{key: key, numel: its[4].n, elem: elem})
}

// skipLegacyData returns the offset just after the storage data that
// follows the five pickles of torch.save's legacy format, reading only the
// 8-byte size of each record; -1 when the layout does not check out (the
// caller then scans the data instead).
func skipLegacyData(ra io.ReaderAt, size int64, head []byte, res *Result) int64 {
	if !bytes.HasPrefix(head, legacyMagic) || res.Streams != 5 || len(res.storages) == 0 {
		return -1
	}
	elems := map[int64]int64{} // numel → element size, when unambiguous
	keys := map[string]bool{}
	for _, s := range res.storages {
		if e, ok := elems[s.numel]; ok && e != s.elem {
			elems[s.numel] = -1
		} else if !ok {
			elems[s.numel] = s.elem
		}
		keys[s.key] = true
	}
	pos := res.EndOffset
	var b [8]byte
	for range keys {
		if _, err := ra.ReadAt(b[:], pos); err != nil {
			return -1
		}
		numel := int64(binary.LittleEndian.Uint64(b[:]))
		elem, ok := elems[numel]
		if !ok || elem <= 0 || numel < 0 || numel > size {
			return -1
		}
		pos += 8 + numel*elem
		if pos > size {
			return -1
		}
	}
	return pos
}

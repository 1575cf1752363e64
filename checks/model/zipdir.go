package model

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// zipEntry is one member as the central directory and its local header
// describe it. PyTorch's reader (miniz) locates data through the local
// header; Python's zipfile trusts the central directory. Both views are kept
// so that disagreements can be reported.
type zipEntry struct {
	name          string
	flags, method uint16
	crc           uint32
	csize, usize  uint64
	localOff      uint64
	dataOff       int64 // from the local header
	localName     string
	localFlags    uint16
	localMethod   uint16
	localCRC      uint32
	localCSize    uint64
	localUSize    uint64
	localErr      string
	head          []byte // first bytes of the data, read with the local header
}

func (e *zipEntry) encrypted() bool { return e.flags&1 != 0 || e.localFlags&1 != 0 }
func (e *zipEntry) isDir() bool {
	return len(e.name) > 0 && e.name[len(e.name)-1] == '/' && e.usize == 0
}

// localSlack is how much is read after a local header's fixed part: the
// name, extra field and the start of the data, enough to sniff a member.
const localSlack = 1024

var errNotZip = errors.New("no end of central directory record")

// findEOCD returns the position of the last end-of-central-directory
// signature whose comment fits in b, or -1.
func findEOCD(b []byte) int {
	for i := len(b) - 22; i >= 0; i-- {
		if b[i] == 'P' && b[i+1] == 'K' && b[i+2] == 5 && b[i+3] == 6 {
			clen := int(binary.LittleEndian.Uint16(b[i+20:]))
			if i+22+clen <= len(b) {
				return i
			}
		}
	}
	return -1
}

// readZipDir reads the central directory from r without trusting any
// length: every count and offset is checked against the file size, and at
// most maxMembers entries are read (more → truncated is true).
func readZipDir(r io.ReaderAt, size int64, maxMembers int) (entries []zipEntry, truncated bool, err error) {
	tailLen := int64(22 + 65535)
	if tailLen > size {
		tailLen = size
	}
	tail := readAtMost(r, size-tailLen, tailLen, size)
	p := findEOCD(tail)
	if p < 0 {
		return nil, false, errNotZip
	}
	eocdPos := size - tailLen + int64(p)
	e := tail[p:]
	count := uint64(binary.LittleEndian.Uint16(e[10:]))
	cdSize := uint64(binary.LittleEndian.Uint32(e[12:]))
	cdOff := uint64(binary.LittleEndian.Uint32(e[16:]))
	dirEnd := eocdPos
	// a zip64 end record sits before the locator that precedes the end
	// record; PyTorch writes one even for small archives
	if loc := readAtMost(r, eocdPos-20, 20, size); eocdPos >= 20 && len(loc) == 20 && bytes.HasPrefix(loc, []byte("PK\x06\x07")) {
		z64 := int64(binary.LittleEndian.Uint64(loc[8:]))
		rec := readAtMost(r, z64, 56, size)
		if z64 >= 0 && len(rec) == 56 && bytes.HasPrefix(rec, []byte("PK\x06\x06")) {
			if count == 0xffff || cdSize == 0xffffffff || cdOff == 0xffffffff {
				count = binary.LittleEndian.Uint64(rec[32:])
				cdSize = binary.LittleEndian.Uint64(rec[40:])
				cdOff = binary.LittleEndian.Uint64(rec[48:])
			}
			dirEnd = z64
		}
	}
	if cdSize > uint64(size) || cdOff > uint64(size) {
		return nil, false, fmt.Errorf("central directory out of bounds (offset %d, size %d)", cdOff, cdSize)
	}
	// an archive with a prefix: the directory is where the end record says
	// it ends, not where its offset field points (as archive/zip does)
	base := int64(0)
	if b := dirEnd - int64(cdSize) - int64(cdOff); b > 0 {
		if h := readAtMost(r, int64(cdOff), 4, size); !bytes.Equal(h, []byte("PK\x01\x02")) {
			base = b
		}
	}
	if cdSize > 256<<20 {
		return nil, false, fmt.Errorf("central directory of %d bytes", cdSize)
	}
	cd := readAtMost(r, base+int64(cdOff), int64(cdSize), size)
	if uint64(len(cd)) < cdSize {
		return nil, false, fmt.Errorf("central directory truncated")
	}
	for len(cd) >= 46 && bytes.HasPrefix(cd, []byte("PK\x01\x02")) {
		if len(entries) >= maxMembers {
			return entries, true, nil
		}
		var z zipEntry
		z.flags = binary.LittleEndian.Uint16(cd[8:])
		z.method = binary.LittleEndian.Uint16(cd[10:])
		z.crc = binary.LittleEndian.Uint32(cd[16:])
		z.csize = uint64(binary.LittleEndian.Uint32(cd[20:]))
		z.usize = uint64(binary.LittleEndian.Uint32(cd[24:]))
		nl := int(binary.LittleEndian.Uint16(cd[28:]))
		el := int(binary.LittleEndian.Uint16(cd[30:]))
		cl := int(binary.LittleEndian.Uint16(cd[32:]))
		z.localOff = uint64(binary.LittleEndian.Uint32(cd[42:]))
		if 46+nl+el+cl > len(cd) {
			return entries, false, fmt.Errorf("central directory entry %d overruns the directory", len(entries))
		}
		z.name = string(cd[46 : 46+nl])
		zip64Extra(cd[46+nl:46+nl+el], &z.usize, &z.csize, &z.localOff)
		z.localOff += uint64(base)
		readLocal(r, size, &z)
		entries = append(entries, z)
		cd = cd[46+nl+el+cl:]
	}
	if uint64(len(entries)) < count && len(entries) < maxMembers && count != 0xffff {
		return entries, false, fmt.Errorf("central directory lists %d entries, %d readable", count, len(entries))
	}
	return entries, false, nil
}

// zip64Extra applies a zip64 extended-information field to the values that
// were saturated in the fixed header.
func zip64Extra(extra []byte, usize, csize, off *uint64) {
	for len(extra) >= 4 {
		id := binary.LittleEndian.Uint16(extra)
		n := int(binary.LittleEndian.Uint16(extra[2:]))
		if 4+n > len(extra) {
			return
		}
		if id == 1 {
			f := extra[4 : 4+n]
			for _, p := range []*uint64{usize, csize, off} {
				if *p == 0xffffffff && len(f) >= 8 {
					*p = binary.LittleEndian.Uint64(f)
					f = f[8:]
				}
			}
		}
		extra = extra[4+n:]
	}
}

// readLocal reads the entry's local header: where its data starts, and the
// fields a reader that walks local headers would use.
func readLocal(r io.ReaderAt, size int64, z *zipEntry) {
	if z.localOff > uint64(size) {
		z.localErr = "local header offset is past the end of the file"
		return
	}
	// one read for the header, the name and the first bytes of the data:
	// on a remote file every ReadAt is a range request
	h := readAtMost(r, int64(z.localOff), 30+localSlack, size)
	if len(h) < 30 || !bytes.HasPrefix(h, []byte("PK\x03\x04")) {
		z.localErr = "no local header at the offset the central directory gives"
		return
	}
	z.localFlags = binary.LittleEndian.Uint16(h[6:])
	z.localMethod = binary.LittleEndian.Uint16(h[8:])
	z.localCRC = binary.LittleEndian.Uint32(h[14:])
	z.localCSize = uint64(binary.LittleEndian.Uint32(h[18:]))
	z.localUSize = uint64(binary.LittleEndian.Uint32(h[22:]))
	nl := int64(binary.LittleEndian.Uint16(h[26:]))
	el := int64(binary.LittleEndian.Uint16(h[28:]))
	var name []byte
	if int64(len(h)) >= 30+nl+el {
		name = h[30 : 30+nl+el]
		z.head = h[30+nl+el:]
		if uint64(len(z.head)) > z.csize {
			z.head = z.head[:z.csize]
		}
	} else {
		name = readAtMost(r, int64(z.localOff)+30, nl+el, size)
	}
	if int64(len(name)) < nl+el {
		z.localErr = "local header truncated"
		return
	}
	z.localName = string(name[:nl])
	zip64Extra(name[nl:], &z.localUSize, &z.localCSize, new(uint64))
	z.dataOff = int64(z.localOff) + 30 + nl + el
	if z.dataOff+int64(z.csize) > size {
		z.localErr = "member data runs past the end of the file"
	}
}

// disagreements lists how the local header contradicts the central directory.
func (z *zipEntry) disagreements() []string {
	if z.localErr != "" {
		return []string{z.localErr}
	}
	var out []string
	if z.localName != z.name {
		out = append(out, fmt.Sprintf("local header names it %q", z.localName))
	}
	if z.localMethod != z.method {
		out = append(out, fmt.Sprintf("compression method %d in the local header, %d in the central directory", z.localMethod, z.method))
	}
	if z.localFlags&^8 != z.flags&^8 {
		out = append(out, fmt.Sprintf("flags 0x%x in the local header, 0x%x in the central directory", z.localFlags, z.flags))
	}
	if z.localFlags&8 == 0 && (z.localCRC != z.crc || z.localCSize != z.csize || z.localUSize != z.usize) {
		out = append(out, "CRC or sizes differ between the local header and the central directory")
	}
	return out
}

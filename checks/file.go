package checks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
)

// ErrTooLarge is returned by File.ReadAll when a file is over the byte budget.
var ErrTooLarge = errors.New("file is over the byte limit")

// Status says how a PR changed a file. In `ward scan` every file is StatusAdded.
type Status string

// File statuses, as GitHub names them.
const (
	StatusAdded    Status = "added"
	StatusModified Status = "modified"
	StatusRenamed  Status = "renamed"
)

// Blob is the content of one version of a file. Content may be remote
// (HTTP range reads), so read only what you need.
type Blob struct {
	Size    int64
	Content io.ReaderAt
}

// Tree gives a check read access to other files of the same snapshot (for
// example ONNX external data, or a manifest that pins torch). It may be nil.
type Tree interface {
	// Paths lists the snapshot's files, slash-separated.
	Paths() []string
	// Open returns a file's content, or an error wrapping fs.ErrNotExist.
	Open(ctx context.Context, path string) (*Blob, error)
}

// File is one file to analyse: the head version, and the base version when
// the PR modified it.
type File struct {
	Path   string // slash-separated, relative to the repository or scan root
	Status Status
	Blob
	// Base is the version on the base branch; nil for new files and in scan.
	Base *Blob
	// Binary is true when GitHub showed no text patch (or, in scan, when the
	// content looks binary). Such a file that no check understands is
	// reported as not analysed.
	Binary bool
	// Tree is the rest of the snapshot; may be nil.
	Tree   Tree
	Limits Limits
}

// ReadAll returns the whole head content, or ErrTooLarge when it is over max
// bytes (max <= 0 means Limits.MaxFileBytes).
func (f *File) ReadAll(max int64) ([]byte, error) {
	return f.Blob.ReadAll(max, f.Limits)
}

// ReadAll reads the whole blob if it fits in max bytes.
func (b *Blob) ReadAll(max int64, l Limits) ([]byte, error) {
	if max <= 0 {
		max = l.withDefaults().MaxFileBytes
	}
	if b.Size > max {
		return nil, fmt.Errorf("%w (%d > %d bytes)", ErrTooLarge, b.Size, max)
	}
	buf := make([]byte, b.Size)
	n, err := b.Content.ReadAt(buf, 0)
	if err != nil && !(errors.Is(err, io.EOF) && int64(n) == b.Size) {
		return nil, fmt.Errorf("read: %w", err)
	}
	return buf[:n], nil
}

// Head returns up to n bytes from the start of the head content, for sniffing.
func (f *File) Head(n int) []byte {
	if int64(n) > f.Size {
		n = int(f.Size)
	}
	buf := make([]byte, n)
	m, _ := f.Content.ReadAt(buf, 0)
	return buf[:m]
}

// NewBytesFile is a convenience for tests and in-memory content.
func NewBytesFile(path string, content []byte) *File {
	return &File{
		Path:   path,
		Status: StatusAdded,
		Blob:   Blob{Size: int64(len(content)), Content: bytes.NewReader(content)},
		Binary: LooksBinary(content),
	}
}

// LooksBinary reports whether content looks like a binary file the way git
// decides it: a NUL byte in the first 8000 bytes.
func LooksBinary(content []byte) bool {
	if len(content) > 8000 {
		content = content[:8000]
	}
	return bytes.IndexByte(content, 0) >= 0
}

package onnx

import (
	"context"
	"io"
)

// Describe decodes an ONNX model's operators and initializers for a
// human-readable summary (review's "Model changes"), within the same bounds
// as the check. It returns what it read before an error; a nil model means
// the content is not an ONNX model.
func Describe(ctx context.Context, r io.ReaderAt, size, maxBytes int64) (*Model, error) {
	head := make([]byte, 16)
	n, _ := r.ReadAt(head, 0)
	if !Sniff(head[:n]) {
		return nil, nil
	}
	m, err := decodeModel(ctx, newBlockReader(r, size, maxBytes))
	if m == nil || !m.HasGraph {
		return nil, err
	}
	return m, err
}

package onnx

import (
	"context"
	"path"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// weightsOfSiblingModel reports whether the file is the external data of
// an ONNX model next to it (model.onnx.data, model.onnx_data, model.data
// for model.onnx) that names it in an external_data location. Such a file
// is raw tensor bytes: it cannot run code, and the model's own analysis
// covers how it is referenced. Only a few sibling names are opened.
func weightsOfSiblingModel(ctx context.Context, f *checks.File) bool {
	if f.Tree == nil {
		return false
	}
	dir, base := path.Split(f.Path)
	var candidates []string
	for _, suffix := range []string{".data", "_data", ".bin", ".weights", ".weight"} {
		if stem, ok := strings.CutSuffix(base, suffix); ok && stem != "" {
			candidates = append(candidates, stem)
			if !strings.HasSuffix(stem, ".onnx") {
				candidates = append(candidates, stem+".onnx")
			}
		}
	}
	// any other model in the same folder may name it (model.onnx + weights.bin)
	seen := map[string]bool{}
	for _, c := range candidates {
		seen[c] = true
	}
	others := 0
	for _, p := range f.Tree.Paths() {
		if d, b := path.Split(p); d == dir && strings.HasSuffix(strings.ToLower(b), ".onnx") && !seen[b] && others < 16 {
			candidates = append(candidates, b)
			others++
		}
	}
	lim := f.Limits.Effective()
	for _, c := range candidates {
		blob, err := f.Tree.Open(ctx, dir+c)
		if err != nil || blob == nil || blob.Size < 4 {
			continue
		}
		head := make([]byte, 16)
		n, _ := blob.Content.ReadAt(head, 0)
		if !Sniff(head[:n]) {
			continue
		}
		m, _ := decodeModel(ctx, newBlockReader(blob.Content, blob.Size, lim.MaxFileBytes))
		for _, t := range m.Tensors {
			if loc := t.External["location"]; loc != "" && path.Clean(dir+loc) == path.Clean(f.Path) {
				return true
			}
		}
	}
	return false
}

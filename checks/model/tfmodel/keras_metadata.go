package tfmodel

import (
	"bytes"
	"context"
	"fmt"

	"github.com/ward-sec/ward/checks"
)

// kerasMetadata returns the layer metadata JSON of each SavedObject of a
// keras_metadata.pb (SavedMetadata.nodes[].metadata).
func kerasMetadata(b []byte) ([]string, error) {
	var out []string
	err := eachField(b, func(f field) error {
		if f.Num != 1 || f.Type != 2 {
			return fmt.Errorf("unexpected SavedMetadata field %d", f.Num)
		}
		return eachField(f.Bytes, func(o field) error {
			if o.Num == 5 && o.Type == 2 && bytes.HasPrefix(bytes.TrimSpace(o.Bytes), []byte("{")) {
				out = append(out, string(o.Bytes))
			}
			return nil
		})
	})
	return out, err
}

// kerasFindings is replaced once the keras package analyses layer configs.
var kerasFindings = func(ctx context.Context, configs []string, prefix string) []checks.Finding { return nil }

package tfmodel

import (
	"bytes"
	"context"
	"fmt"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model/keras"
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

// kerasFindings analyses each layer's metadata as a Keras configuration:
// a Lambda layer or a foreign module in a SavedModel-format Keras model is
// as dangerous as in an HDF5 one.
func kerasFindings(ctx context.Context, configs []string, prefix string) []checks.Finding {
	var out []checks.Finding
	for i, c := range configs {
		if ctx.Err() != nil {
			break
		}
		probs, err := keras.AnalyseConfig([]byte(c), fmt.Sprintf("keras_metadata.pb object %d", i))
		for _, p := range probs {
			out = append(out, checks.Finding{RuleID: p.Rule, Severity: p.Severity, Message: prefix + p.Message, Evidence: p.Evidence})
		}
		if err != nil {
			out = append(out, checks.Finding{RuleID: keras.RuleMalformed, Severity: checks.SeverityMedium,
				Message: prefix + err.Error() + ".", Evidence: "keras_metadata.pb"})
		}
	}
	return out
}

package keras

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model"
)

// torchModule reports a TorchModuleWrapper: Keras rebuilds it with
// torch.load(weights_only=False) of the base64 pickle in its config, even
// with safe_mode=True (CVE-2025-49655). The pickle is decoded and analysed
// with ward's pickle analyser, so the finding names what it would run.
func (w *walker) torchModule(cfg map[string]any, at string) {
	var raw []byte
	switch m := cfg["module"].(type) {
	case string:
		s := strings.Map(func(r rune) rune {
			if r == '\n' || r == '\r' || r == ' ' {
				return -1
			}
			return r
		}, m)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(s); err == nil {
				raw = b
				break
			}
		}
	case map[string]any: // {"class_name": "__bytes__", "config": {"value": …}}
		if c, ok := m["config"].(map[string]any); ok {
			if v, ok := c["value"].(string); ok {
				raw = []byte(v)
			}
		}
	}
	sev := checks.SeverityHigh
	var evs []string
	if len(raw) > 0 {
		fs, _ := model.Analyse(context.Background(), "TorchModuleWrapper.module", bytes.NewReader(raw), int64(len(raw)), checks.Limits{})
		for _, f := range fs {
			sev = max(sev, f.Severity)
			if f.Severity >= checks.SeverityMedium && len(evs) < 6 {
				evs = append(evs, strings.TrimPrefix(f.Evidence, ": "))
			}
		}
	}
	what := "no decodable module"
	if len(raw) > 0 {
		what = fmt.Sprintf("a %d-byte torch.save pickle", len(raw))
		if len(evs) > 0 {
			what += " that imports " + strings.Join(evs, ", ")
		}
	}
	w.add(RuleModule, sev, "TorchModuleWrapper "+strings.Join(evs, " "),
		"%s: TorchModuleWrapper holds %s; Keras rebuilds it with torch.load(weights_only=False) while loading the "+
			"model, even with safe_mode=True (CVE-2025-49655): the pickle's code runs.", at, what)
}

package modeldiff

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ward-sec/ward/checks"
)

// FuzzDescribe: any bytes are described or refused within the bounds,
// never a panic, and a description always compares with itself as "no
// change".
func FuzzDescribe(f *testing.F) {
	for _, dir := range []string{"testdata", "../testdata/benign", "../testdata/formats"} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
	}
	lim := checks.Limits{MaxFileBytes: 1 << 20, Timeout: time.Second}
	f.Fuzz(func(t *testing.T, b []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		s := Describe(ctx, "x", bytes.NewReader(b), int64(len(b)), lim)
		if s == nil {
			return
		}
		c := Compare(s, s)
		if len(c.Added)+len(c.Removed)+len(c.Reshaped)+len(c.Retyped)+len(c.ImportsAdded)+len(c.Metadata) != 0 || c.TemplateDiff != "" {
			t.Fatalf("a file differs from itself: %+v", c)
		}
		_ = c.Markdown(nil)
	})
}

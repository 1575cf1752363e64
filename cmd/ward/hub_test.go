package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-sec/ward/internal/fakehub"
)

// `ward scan --hub` looks up the models the code loads; without --hub it
// sends nothing to the Hub.
func TestScanHub(t *testing.T) {
	payload, err := os.ReadFile(filepath.Join("..", "..", "checks", "model", "modeldiff", "testdata", "payload.pt"))
	if err != nil {
		t.Fatal(err)
	}
	h := fakehub.New()
	defer h.Close()
	h.AddCommit("acme/evil", "main", map[string][]byte{"pytorch_model.bin": payload})
	t.Setenv("WARD_HF_ENDPOINT", h.URL)
	dir := writeTree(t, map[string][]byte{
		"app.js": []byte("import { AutoModel } from '@huggingface/transformers';\nconst m = await AutoModel.from_pretrained('acme/evil');\n"),
	})
	code, out, errs := runWard(t, "scan", "--hub", "--root", dir, dir)
	if code != 1 || !strings.Contains(out, "app.js:2") || !strings.Contains(out, "hub-model-unsafe") ||
		!strings.Contains(out, "posix.system") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	before, _, _, _ := h.Stats()
	code, out, _ = runWard(t, "scan", "--root", dir, dir)
	if after, _, _, _ := h.Stats(); after != before || strings.Contains(out, "hub-model") {
		t.Errorf("without --hub: %d Hub requests, output:\n%s", after-before, out)
	}
	_ = code
}

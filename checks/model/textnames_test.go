package model

import (
	"context"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// Plain text files of real repositories (openai-node's examples/.gitignore,
// langgraph's and peft's requirements files) hold words that parse as
// protocol-0 pickle opcodes; no loader reads them as pickles behind a
// header, so they give nothing. The same bytes under a model's name are
// still hunted through.
func TestTextFilesAreNotHuntedForPickles(t *testing.T) {
	for name, content := range map[string]string{
		"examples/.gitignore":                     "yarn.lock\nnode_modules\n",
		"libs/cli/examples/reqs/requirements.txt": "requests\nlangchain_anthropic\nlangchain_openai\nlangchain_community\n",
		"method_comparison/requirements-app.txt":  "dash\ndatasets\ngradio>=6.0.2\nhuggingface_hub\npandas\n",
	} {
		if fs := checks.ScanFile(context.Background(), checks.NewBytesFile(name, []byte(content)), []checks.Check{check{}}); len(fs) != 0 {
			t.Errorf("%s: want nothing, got %+v", name, fs)
		}
	}
	junk := "# exported weights\n" + "cos\nsystem\n(S'echo pwned'\ntR."
	fs := checks.ScanFile(context.Background(), checks.NewBytesFile("weights/model.bin", []byte(junk)), []checks.Check{check{}})
	if len(fs) == 0 {
		t.Error("a protocol-0 pickle behind a text header in model.bin was not found")
	}
}

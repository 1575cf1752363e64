package code

import (
	"context"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RuleTorchLoad is torch.load without weights_only=True.
const RuleTorchLoad = "code-torch-load-unsafe"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleTorchLoad, Title: "torch.load without weights_only=True", Severity: checks.SeverityHigh,
		Why: "torch.load unpickles the file. A checkpoint downloaded from a hub, a bucket or a PR can carry a " +
			"pickle payload that runs arbitrary code the moment it is loaded. With weights_only=True, " +
			"PyTorch only accepts tensors and plain containers. PyTorch 2.6 made weights_only=True the " +
			"default; weights_only=False switches the protection off explicitly.",
		Fix:        "Pass weights_only=True (and convert old checkpoints to safetensors where you can).",
		FixExample: "state = torch.load(path, map_location=\"cpu\", weights_only=True)",
		References: []string{"CWE-502", "LLM03:2025", "CVE-2025-32434"},
	},
	langs: pyOnly,
	onCall: func(c *ctx, call *node) {
		if c.callee(call) != "torch.load" {
			return
		}
		wo := call.kwarg("weights_only")
		switch {
		case wo == nil:
			h := c.report(call, "torch.load unpickles this file without weights_only=True: a malicious "+
				"checkpoint runs code on the machine that loads it.")
			if e, ok := c.addKeyword(call, "weights_only=True"); ok {
				h.sugg = c.suggest(call, e)
			}
			if c.torchSafeByDefault() {
				h.sev = checks.SeverityLow
				h.msg = "torch.load without weights_only: the repository pins torch>=2.6, where weights_only=True " +
					"is the default, so this is safe today; pass it explicitly so that a downgrade or a " +
					"copy of this code elsewhere stays safe."
			}
		case wo.isFalse():
			h := c.report(call, "torch.load with weights_only=False explicitly allows arbitrary pickle objects: "+
				"a malicious checkpoint runs code on the machine that loads it.")
			h.sev = checks.SeverityCritical
			h.sugg = c.suggest(call, replaceNode(wo, "True"))
		}
	},
})

var torchPin = regexp.MustCompile(`(?m)^[\s"']*torch\s*(?:\[[^\]]*\])?\s*(==|>=|~=|===)\s*v?(\d+)\.(\d+)`)

// torchSafeByDefault reports whether a manifest of the repository pins
// torch at 2.6 or later (requirements*.txt, constraints*.txt,
// pyproject.toml, setup.cfg), where torch.load defaults to weights_only=True.
func (c *ctx) torchSafeByDefault() bool {
	if c.file == nil || c.file.Tree == nil {
		return false
	}
	read := 0
	for _, p := range c.file.Tree.Paths() {
		base := path.Base(p)
		if dir := path.Dir(p); dir != "." && !strings.HasPrefix(path.Dir(c.file.Path)+"/", dir+"/") {
			continue // a manifest of another project in the same repository
		}
		if !(strings.HasPrefix(base, "requirements") && strings.HasSuffix(base, ".txt") ||
			strings.HasPrefix(base, "constraints") && strings.HasSuffix(base, ".txt") ||
			base == "pyproject.toml" || base == "setup.cfg") {
			continue
		}
		if read++; read > 50 {
			break
		}
		blob, err := c.file.Tree.Open(context.Background(), p)
		if err != nil {
			continue
		}
		b, err := blob.ReadAll(1<<20, c.file.Limits)
		if err != nil {
			continue
		}
		for _, m := range torchPin.FindAllStringSubmatch(string(b), -1) {
			major, _ := strconv.Atoi(m[2])
			minor, _ := strconv.Atoi(m[3])
			if major > 2 || major == 2 && minor >= 6 {
				return true
			}
		}
	}
	return false
}

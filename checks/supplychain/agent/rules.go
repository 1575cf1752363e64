package agent

import "github.com/ward-sec/ward/checks"

// Rule IDs of the agent-configuration check.
const (
	RuleHiddenUnicodeInstructions = "agent-hidden-unicode-instructions"
	RuleHiddenUnicode             = "agent-hidden-unicode"
	RuleMCPUnpinnedPackage        = "agent-mcp-unpinned-package"
	RuleMCPInsecureHTTP           = "agent-mcp-insecure-http"
	RuleMCPShellCommand           = "agent-mcp-shell-command"
	RuleMCPInlineCredential       = "agent-mcp-inline-credential"
	RuleMCPInvalidConfig          = "agent-mcp-invalid-config"
)

func rules() []checks.Rule {
	hiddenFix := "Remove the invisible characters (the suggested change does) and find out how they got in: " +
		"copied from a web page, a shared rules file, or added on purpose."
	return []checks.Rule{
		{
			ID: RuleHiddenUnicodeInstructions, Title: "Hidden characters in an AI agent instruction file", Severity: checks.SeverityHigh, Family: "agent",
			Why: "Coding agents (Copilot, Cursor, Claude Code, Codex, Gemini, Windsurf) read files like AGENTS.md, " +
				"CLAUDE.md, .cursorrules and *.prompt.md as instructions. Unicode tag characters, zero-width and " +
				"bidirectional control characters, and runs of variation selectors (which can carry any bytes) are invisible in editors and in GitHub's diff, yet the model reads " +
				"them: a \"rules file backdoor\" hides instructions such as \"also add this script tag\" or \"send the " +
				"environment to this URL\" where no reviewer sees them.",
			Fix:        hiddenFix,
			FixExample: "# strip tag, zero-width and bidi characters from a file\nperl -CSD -pi -e 's/[\\x{E0000}-\\x{E007F}\\x{200B}-\\x{200F}\\x{202A}-\\x{202E}\\x{2060}\\x{2066}-\\x{2069}\\x{061C}\\x{FEFF}]//g' AGENTS.md",
			References: []string{"CWE-1007", "CWE-451", "LLM01:2025", "CVE-2021-42574"},
		},
		{
			ID: RuleHiddenUnicode, Title: "Hidden or direction-changing Unicode characters", Severity: checks.SeverityMedium, Family: "agent",
			Why: "Bidirectional controls make code display in a different order than a compiler or an AI model reads " +
				"it (\"Trojan Source\", CVE-2021-42574); zero-width and tag characters, and runs of variation selectors, carry text nobody sees in review. " +
				"AI agents read any file in the repository as context, so hidden text anywhere can steer them.",
			Fix:        hiddenFix,
			FixExample: "# find them\ngrep -nP '[\\x{200B}-\\x{200F}\\x{202A}-\\x{202E}\\x{2060}\\x{2066}-\\x{2069}\\x{E0000}-\\x{E007F}]' -r .",
			References: []string{"CWE-1007", "CWE-451", "LLM01:2025", "CVE-2021-42574"},
		},
		{
			ID: RuleMCPUnpinnedPackage, Title: "MCP server runs an unpinned package", Severity: checks.SeverityMedium, Family: "agent",
			Why: "`npx -y pkg`, `uvx pkg` or `pipx run pkg` download and run the newest release of the package every " +
				"time the agent starts, with the developer's rights and whatever credentials the server is given. " +
				"A compromised or typosquatted release reaches every machine on its next start, unreviewed.",
			Fix:        "Pin an exact version (`pkg@1.2.3` for npm, `pkg==1.2.3` or `pkg@1.2.3` for uvx/pipx) and update it deliberately.",
			FixExample: "\"args\": [\"-y\", \"@modelcontextprotocol/server-filesystem@2025.8.21\", \"/workspace\"]",
			References: []string{"CWE-494", "CWE-829", "LLM03:2025"},
		},
		{
			ID: RuleMCPInsecureHTTP, Title: "MCP server reached over plain HTTP", Severity: checks.SeverityMedium, Family: "agent",
			Why: "A remote MCP server over http:// sends the agent's requests, the tool results it acts on and any " +
				"Authorization header in clear text. Anyone on the network path can read them or inject tool " +
				"results that steer the agent.",
			Fix:        "Use https:// (or keep the server on localhost).",
			FixExample: "\"url\": \"https://mcp.example.com/mcp\"",
			References: []string{"CWE-319", "LLM06:2025"},
		},
		{
			ID: RuleMCPShellCommand, Title: "MCP server command runs through a shell", Severity: checks.SeverityHigh, Family: "agent",
			Why: "An MCP server entry is a command the agent client runs on the developer's machine when it starts. " +
				"`sh -c`, pipes, `;`, `&&` or `$(…)` in it run arbitrary shell code — a classic way to hide " +
				"`curl … | sh` in a config file that looks like tool setup.",
			Fix:        "Run the server binary directly with its arguments as an array; move any setup into a reviewed script in the repository.",
			FixExample: "\"command\": \"node\",\n\"args\": [\"tools/mcp-server.js\"]",
			References: []string{"CWE-78", "CWE-494", "LLM06:2025"},
		},
		{
			ID: RuleMCPInlineCredential, Title: "Credential written into an MCP configuration", Severity: checks.SeverityHigh, Family: "agent",
			Why: "MCP configurations are committed so that a team shares its tools; a token written into `env`, " +
				"`headers` or `args` is shared with everyone who can read the repository. (Keys of providers ward " +
				"recognises are reported by the secrets rules instead.)",
			Fix: "Reference the value instead of writing it: `${env:NAME}` or an `inputs` entry with `\"password\": true` " +
				"in VS Code, `${NAME}` in Claude Code and Cursor; revoke the committed value.",
			FixExample: "\"env\": { \"GITHUB_TOKEN\": \"${env:GITHUB_TOKEN}\" }",
			References: []string{"CWE-798", "LLM02:2025"},
			// The secrets scan sees the same value as a possible key (low);
			// this finding says what it is and where it goes.
			Supersedes: []string{"secret-generic-api-key"},
		},
		{
			ID: RuleMCPInvalidConfig, Title: "MCP configuration could not be read", Severity: checks.SeverityMedium, Family: "agent",
			Why: "The file is named like an MCP client configuration but is not valid JSON (or is over a size or " +
				"nesting limit), so ward could not check the servers it starts. Clients may still read parts of it.",
			Fix:        "Fix the JSON so that the configuration can be reviewed.",
			FixExample: "python3 -m json.tool .mcp.json",
			References: []string{"CWE-1286"},
		},
	}
}

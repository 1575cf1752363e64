package agent

import (
	"path"
	"strings"
)

// instructionFiles are files that AI coding agents read as instructions.
var instructionFiles = map[string]bool{
	"agents.md": true, "claude.md": true, "claude.local.md": true, "gemini.md": true,
	".cursorrules": true, ".windsurfrules": true, ".clinerules": true,
}

// isInstructionFile reports whether an agent reads p as instructions, where
// hidden text steers the agent without a reviewer seeing it.
func isInstructionFile(p string) bool {
	p = strings.ToLower(p)
	base := path.Base(p)
	dir := path.Dir(p)
	switch {
	case instructionFiles[base]:
		return true
	case p == ".github/copilot-instructions.md" || strings.HasSuffix(p, "/.github/copilot-instructions.md"):
		return true
	case hasDirSuffix(dir, ".cursor/rules"):
		return true
	case hasDirSuffix(dir, ".github/instructions") && strings.HasSuffix(base, ".instructions.md"):
		return true
	case strings.Contains(base, ".prompt"): // *.prompt*, e.g. review.prompt.md
		return true
	}
	return false
}

// hasDirSuffix is true when dir is suffix or lies under a directory named so.
func hasDirSuffix(dir, suffix string) bool {
	return dir == suffix || strings.HasSuffix(dir, "/"+suffix) ||
		strings.HasPrefix(dir, suffix+"/") || strings.Contains(dir, "/"+suffix+"/")
}

// mcpConfigNames are the files MCP clients read their server list from.
var mcpConfigNames = map[string]bool{".mcp.json": true, "claude_desktop_config.json": true}

// isKnownMCPConfig reports whether p is an MCP client configuration by name.
func isKnownMCPConfig(p string) bool {
	p = strings.ToLower(p)
	base := path.Base(p)
	dir := path.Dir(p)
	return mcpConfigNames[base] ||
		(base == "mcp.json" && (hasDirSuffix(dir, ".cursor") || hasDirSuffix(dir, ".vscode") ||
			dir == ".cursor" || dir == ".vscode"))
}

package agent

import (
	"net/url"
	"strings"

	"github.com/ward-sec/ward/checks/secrets"
)

// MCPServer is one server an MCP client configuration starts or connects
// to, for inventories (the AI-BOM). Secrets in it are masked.
type MCPServer struct {
	Name    string
	Command []string // a stdio server's command line
	URL     string   // a remote server's address, without credentials
}

// IsMCPConfig reports whether p is a file MCP clients read their servers from.
func IsMCPConfig(p string) bool { return isKnownMCPConfig(p) }

// IsInstructionFile reports whether AI coding agents read p as instructions.
func IsInstructionFile(p string) bool { return isInstructionFile(p) }

// MCPServers lists the servers of an MCP configuration (JSON with comments).
func MCPServers(content []byte) ([]MCPServer, error) {
	root, err := parseJSON(content)
	if err != nil {
		return nil, err
	}
	found, _ := mcpServers(root)
	out := make([]MCPServer, 0, len(found))
	for _, s := range found {
		m := MCPServer{Name: s.Name}
		for _, a := range s.argv() {
			m.Command = append(m.Command, secrets.MaskText(a))
		}
		if s.URL != nil {
			m.URL = withoutCredentials(s.URL.Str)
		}
		out = append(out, m)
	}
	return out, nil
}

// withoutCredentials drops a URL's user info and masks secrets in the rest
// (a token in the query string).
func withoutCredentials(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		u.User = nil
		raw = u.String()
	}
	return strings.TrimSpace(secrets.MaskText(raw))
}

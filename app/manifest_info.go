package app

import (
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Why ward asks for each permission and event of app.yml, shown on the setup
// page. A test keeps every entry of app.yml explained.
var permissionWhy = map[string]string{
	"checks":          "create the check run named ward on each head commit and conclude it; the Re-run buttons",
	"pull_requests":   "list a PR's changed files, post one review with inline comments, resolve fixed threads",
	"contents":        "read changed files and the base branch's .github/ward.yml at exact commits (never written)",
	"issues":          "answer /rescan, /ignore and /explain comments and react to them",
	"metadata":        "required by GitHub for every App: repository names and ids",
	"members":         "check who belongs to a team allowed to grant exceptions on critical findings",
	"merge_queues":    "review the combined change of a merge queue group before it merges",
	"security_events": "upload each review's findings as SARIF to code scanning, when the repository turns it on",
}

var eventWhy = map[string]string{
	"pull_request":  "review each push, reopen, base change and ready-for-review",
	"issue_comment": "commands in PR comments: /rescan, /ignore, /unignore, /explain, /help",
	"check_run":     "GitHub's Re-run and ward's own buttons",
	"check_suite":   "Re-run all checks",
	"merge_group":   "gate merge queue groups",
}

type manifestEntry struct{ Name, Access, Why string }

// manifestInfo lists app.yml's permissions and events with their reasons.
func manifestInfo(appYML []byte) (perms, events []manifestEntry, err error) {
	var m struct {
		Permissions map[string]string `yaml:"default_permissions"`
		Events      []string          `yaml:"default_events"`
	}
	if err := yaml.Unmarshal(appYML, &m); err != nil {
		return nil, nil, fmt.Errorf("parse app.yml: %w", err)
	}
	for name, access := range m.Permissions {
		perms = append(perms, manifestEntry{Name: name, Access: access, Why: orUnexplained(permissionWhy[name])})
	}
	sort.Slice(perms, func(i, j int) bool { return perms[i].Name < perms[j].Name })
	for _, e := range m.Events {
		events = append(events, manifestEntry{Name: e, Why: orUnexplained(eventWhy[e])})
	}
	return perms, events, nil
}

func orUnexplained(s string) string {
	if s == "" {
		return "(not explained: see app.yml)"
	}
	return s
}

// unreachable says why GitHub could not deliver webhooks to a public URL, or
// "" when it may: loopback, private and link-local addresses, and names that
// only resolve locally, are out of GitHub's reach.
func unreachable(public string) string {
	u, err := url.Parse(public)
	if err != nil || u.Hostname() == "" {
		return "which is not a valid address"
	}
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || strings.HasSuffix(host, ".local") ||
		strings.HasSuffix(host, ".internal") || strings.HasSuffix(host, ".lan") || !strings.Contains(host, ".") && net.ParseIP(host) == nil {
		return "a name that only resolves on your network"
	}
	if ip := net.ParseIP(host); ip != nil && (ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified()) {
		return "an address that is not on the internet"
	}
	return ""
}

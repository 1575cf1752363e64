package agent

import (
	"context"
	"fmt"
	"strings"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/secrets"
)

// mcpFindings checks every server entry of an MCP configuration.
func mcpFindings(ctx context.Context, p string, content []byte) ([]checks.Finding, error) {
	root, err := parseJSON(content)
	if err != nil {
		if !isKnownMCPConfig(p) {
			return nil, nil // some other JSON file; not ours to judge
		}
		return []checks.Finding{{
			RuleID: RuleMCPInvalidConfig, Severity: checks.SeverityMedium,
			Message: fmt.Sprintf("This MCP configuration could not be read (%v), so the servers it starts "+
				"were not checked.", err),
			Evidence: "invalid MCP config",
		}}, nil
	}
	servers, _ := mcpServers(root)
	det, err := secrets.Default()
	if err != nil {
		return nil, err
	}
	var out []checks.Finding
	for _, s := range servers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out = append(out, serverFindings(ctx, det, s, content)...)
	}
	return out, nil
}

func serverFindings(ctx context.Context, det *secrets.Detector, s mcpServer, content []byte) []checks.Finding {
	var out []checks.Finding
	cmdLine := s.Line
	if s.Command != nil {
		cmdLine = s.Command.Line
	}
	argv := s.argv()
	shown := secrets.MaskText(shorten(strings.Join(argv, " ")))
	add := func(f checks.Finding) {
		if f.EndLine == 0 {
			f.EndLine = f.StartLine
		}
		out = append(out, f)
	}

	if script, ok := shellScript(argv); ok {
		add(checks.Finding{RuleID: RuleMCPShellCommand, Severity: checks.SeverityHigh, StartLine: cmdLine,
			Message: fmt.Sprintf("MCP server %q starts a shell with an inline script: `%s`. The agent client runs it "+
				"on the machine of everyone who opens this project with MCP enabled; the script can do anything.",
				s.Name, secrets.MaskText(shorten(script))),
			Evidence: "server " + s.Name + ": " + shown})
	} else if c := s.Command.str(); c != "" && shellMeta.MatchString(c) {
		add(checks.Finding{RuleID: RuleMCPShellCommand, Severity: checks.SeverityHigh, StartLine: cmdLine,
			Message: fmt.Sprintf("MCP server %q has shell syntax in its command: `%s`. Clients that start it "+
				"through a shell run every part of it on the developer's machine.", s.Name, secrets.MaskText(shorten(c))),
			Evidence: "server " + s.Name + ": " + shown})
	}

	if runner, spec, ok := unpinnedPackage(argv); ok {
		line := cmdLine
		for _, a := range s.Args {
			if a.Str == spec || strings.HasSuffix(a.Str, "="+spec) {
				line = a.Line
				break
			}
		}
		add(checks.Finding{RuleID: RuleMCPUnpinnedPackage, Severity: checks.SeverityMedium, StartLine: line,
			Message: fmt.Sprintf("MCP server %q runs `%s %s` without a pinned version: every start downloads and "+
				"runs whatever release is newest, with the developer's rights and the server's credentials.",
				s.Name, runner, spec),
			Evidence: "server " + s.Name + ": " + runner + " " + spec})
	}

	remotes := []*node{}
	if s.URL != nil {
		remotes = append(remotes, s.URL)
	}
	for _, a := range s.Args {
		if strings.HasPrefix(strings.ToLower(a.Str), "http://") {
			remotes = append(remotes, a) // e.g. npx mcp-remote http://…
		}
	}
	for _, u := range remotes {
		host, insecure := insecureRemote(u.Str)
		if !insecure {
			continue
		}
		f := checks.Finding{RuleID: RuleMCPInsecureHTTP, Severity: checks.SeverityMedium, StartLine: u.Line,
			Message: fmt.Sprintf("MCP server %q is reached over plain HTTP at %s: the agent's requests, the tool "+
				"results it acts on and any credentials are readable and changeable on the network.", s.Name, host),
			Evidence: "server " + s.Name + ": http://" + host}
		if l := lineOf(content, u.Line); strings.Count(l, u.Str) == 1 && strings.HasPrefix(u.Str, "http://") {
			f.Suggestion = &checks.Suggestion{StartLine: u.Line, EndLine: u.Line,
				Replacement: strings.Replace(l, u.Str, "https://"+strings.TrimPrefix(u.Str, "http://"), 1)}
		}
		add(f)
	}

	for _, c := range inlineCredentials(s) {
		if len(det.Find(ctx, "", c.value)) > 0 {
			continue // a recognised key: the secrets rules report it, with the provider's fix
		}
		add(checks.Finding{RuleID: RuleMCPInlineCredential, Severity: checks.SeverityHigh, StartLine: c.line,
			Message: fmt.Sprintf("MCP server %q is given %s `%s` as a literal value in a committed file: everyone "+
				"who can read the repository can use it.", s.Name, c.where, secrets.Mask(c.value)),
			Evidence: "server " + s.Name + ": " + c.where + " " + secrets.Mask(c.value)})
	}
	return out
}

type credential struct {
	where string // "env GITHUB_TOKEN", "header Authorization", "argument --api-key"
	value string
	line  int
}

// inlineCredentials lists literal values given to a server under names that
// say they are credentials.
func inlineCredentials(s mcpServer) []credential {
	var out []credential
	for _, group := range []struct {
		n    *node
		kind string
	}{{s.Env, "env"}, {s.Headers, "header"}} {
		if group.n == nil || group.n.Kind != kindObject {
			continue
		}
		for _, m := range group.n.Members {
			if m.Value.Kind == kindString && credentialName.MatchString(m.Key) && literalCredential(m.Value.Str) {
				out = append(out, credential{group.kind + " " + m.Key, credentialPart(m.Value.Str), m.Value.Line})
			}
		}
	}
	for i, a := range s.Args {
		if !strings.HasPrefix(a.Str, "-") {
			continue
		}
		name, value, hasValue := strings.Cut(a.Str, "=")
		line := a.Line
		if !hasValue && i+1 < len(s.Args) && !strings.HasPrefix(s.Args[i+1].Str, "-") {
			value, line = s.Args[i+1].Str, s.Args[i+1].Line
		}
		if value != "" && credentialName.MatchString(name) && literalCredential(value) {
			out = append(out, credential{"argument " + name, value, line})
		}
	}
	return out
}

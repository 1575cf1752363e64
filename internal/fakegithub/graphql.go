package fakegithub

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// The GraphQL handler understands exactly two shapes: a pull request's
// reviewThreads query and the resolveReviewThread / unresolveReviewThread
// mutations. Arguments may be variables or inline literals. It answers every
// field those shapes may ask for.
var (
	reOwner    = regexp.MustCompile(`owner\s*:\s*"([^"]+)"`)
	reName     = regexp.MustCompile(`name\s*:\s*"([^"]+)"`)
	reNumber   = regexp.MustCompile(`pullRequest\s*\(\s*number\s*:\s*(\d+)`)
	reThreadID = regexp.MustCompile(`threadId\s*:\s*"([^"]+)"`)
	reVarRef   = regexp.MustCompile(`(owner|name|number|threadId)\s*:\s*\$(\w+)`)
)

type gqlRequest struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

// arg reads argument key from an inline literal or the variable it names.
func (q *gqlRequest) arg(key string, literal *regexp.Regexp) string {
	if m := literal.FindStringSubmatch(q.Query); m != nil {
		return m[1]
	}
	for _, m := range reVarRef.FindAllStringSubmatch(q.Query, -1) {
		if m[1] == key {
			switch v := q.Variables[m[2]].(type) {
			case string:
				return v
			case float64:
				return strconv.FormatInt(int64(v), 10)
			}
		}
	}
	return ""
}

func gqlError(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusOK, map[string]any{"data": nil, "errors": []map[string]any{{"message": msg, "type": "NOT_FOUND"}}})
}

func (s *Server) handleGraphQL(w http.ResponseWriter, r *http.Request) {
	var q gqlRequest
	if !decodeBody(w, r, &q) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.installationForLocked(w, r, nil)
	if !ok {
		return
	}
	needed := "read"
	if strings.Contains(q.Query, "resolveReviewThread") {
		needed = "write"
	}
	if levels[s.perms["pull_requests"]] < levels[needed] {
		gqlError(w, "Resource not accessible by integration")
		return
	}
	switch {
	case strings.Contains(q.Query, "resolveReviewThread"):
		s.gqlResolve(w, &q, at, !strings.Contains(q.Query, "unresolveReviewThread"))
	case strings.Contains(q.Query, "reviewThreads"):
		s.gqlThreads(w, &q, at)
	default:
		gqlError(w, "fakegithub: only reviewThreads and resolveReviewThread are implemented")
	}
}

func (s *Server) gqlResolve(w http.ResponseWriter, q *gqlRequest, at *accessToken, resolve bool) {
	id := q.arg("threadId", reThreadID)
	rootID, err := strconv.ParseInt(strings.TrimPrefix(id, "PRRT_"), 10, 64)
	root := s.reviewComms[rootID]
	if err != nil || root == nil || root.inReplyTo != 0 || !s.tokenSeesLocked(at, root.repo) {
		gqlError(w, fmt.Sprintf("Could not resolve to a node with the global id of '%s'", id))
		return
	}
	root.resolved = resolve
	field := "resolveReviewThread"
	if !resolve {
		field = "unresolveReviewThread"
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{field: map[string]any{
		"thread": map[string]any{"id": id, "isResolved": resolve},
	}}})
}

func (s *Server) tokenSeesLocked(at *accessToken, repoKey string) bool {
	rp := s.repos[repoKey]
	in := s.installations[at.installationID]
	return rp != nil && in != nil && strings.EqualFold(in.owner, rp.owner) && (at.repos == nil || at.repos[strings.ToLower(rp.name)])
}

func (s *Server) gqlThreads(w http.ResponseWriter, q *gqlRequest, at *accessToken) {
	owner, name := q.arg("owner", reOwner), q.arg("name", reName)
	number, _ := strconv.Atoi(q.arg("number", reNumber))
	rp := s.repoLocked(owner + "/" + name)
	if rp == nil || !s.tokenSeesLocked(at, strings.ToLower(rp.fullName())) {
		gqlError(w, fmt.Sprintf("Could not resolve to a Repository with the name '%s/%s'.", owner, name))
		return
	}
	if rp.prs[number] == nil {
		gqlError(w, fmt.Sprintf("Could not resolve to a PullRequest with the number of %d.", number))
		return
	}
	comments := s.commentsLocked(rp, number, 0)
	var threads []map[string]any
	for _, root := range comments {
		if root.inReplyTo != 0 || root.deleted {
			continue
		}
		var nodes []map[string]any
		for _, c := range comments {
			if (c.id == root.id || c.inReplyTo == root.id) && !c.deleted {
				u := s.userLocked(c.user)
				login := u.login
				if u.typ == "Bot" { // GraphQL names bots without the [bot] suffix
					login = strings.TrimSuffix(login, "[bot]")
				}
				nodes = append(nodes, map[string]any{
					"id": fmt.Sprintf("PRRC_%d", c.id), "databaseId": c.id, "body": c.body, "path": c.path,
					"author": map[string]any{"login": login, "__typename": u.typ},
				})
			}
		}
		var line any
		if root.line != 0 && !root.outdated {
			line = root.line
		}
		threads = append(threads, map[string]any{
			"id": threadID(root.id), "isResolved": root.resolved, "isOutdated": root.outdated, "path": root.path, "line": line,
			"comments": map[string]any{"totalCount": len(nodes), "nodes": nodes, "pageInfo": map[string]any{"hasNextPage": false, "endCursor": nil}},
		})
	}
	if threads == nil {
		threads = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"repository": map[string]any{"pullRequest": map[string]any{
		"reviewThreads": map[string]any{"totalCount": len(threads), "nodes": threads, "pageInfo": map[string]any{"hasNextPage": false, "endCursor": nil}},
	}}}})
}

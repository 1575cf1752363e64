package fakegithub

import "net/http"

// routes registers every endpoint. ServeHTTP has already stripped /api/v3
// and rewritten .../pulls/comments/{id} to .../pulls-comments/{id} (and the
// same for issues) so that these patterns do not overlap .../pulls/{number}/...
func (s *Server) routes() {
	m := s.mux
	repoRoute := func(pattern string, fn func(http.ResponseWriter, *http.Request, *repo)) {
		m.HandleFunc(pattern, s.repoHandler(fn))
	}
	reader := func(pattern string, fn func(http.ResponseWriter, *http.Request, *repo)) {
		m.HandleFunc(pattern, s.repoReader(fn))
	}

	// App (JWT).
	m.HandleFunc("GET /app", s.handleGetApp)
	m.HandleFunc("GET /app/installations", s.handleListInstallations)
	m.HandleFunc("GET /app/installations/{id}", s.handleGetInstallation)
	m.HandleFunc("POST /app/installations/{id}/access_tokens", s.handleAccessToken)
	m.HandleFunc("GET /repos/{owner}/{repo}/installation", s.handleRepoInstallation)
	m.HandleFunc("GET /installation/repositories", s.handleInstallationRepos)

	// Manifest flow (no auth).
	m.HandleFunc("POST /app-manifests/{code}/conversions", s.handleManifestConversion)
	m.HandleFunc("POST /settings/apps/new", s.handleManifestForm)
	m.HandleFunc("POST /organizations/{org}/settings/apps/new", s.handleManifestForm)

	// OAuth web flow of the App's client, and the user-to-server API.
	m.HandleFunc("GET /login/oauth/authorize", s.handleOAuthAuthorize)
	m.HandleFunc("POST /login/oauth/access_token", s.handleOAuthToken)
	m.HandleFunc("GET /user", s.handleGetUser)
	m.HandleFunc("GET /user/installations", s.handleUserInstallations)
	m.HandleFunc("GET /user/installations/{id}/repositories", s.handleUserInstallationRepos)

	// Repositories and pull requests.
	repoRoute("GET /repos/{owner}/{repo}", s.handleGetRepo)
	repoRoute("GET /repos/{owner}/{repo}/pulls", s.handleListPulls)
	repoRoute("GET /repos/{owner}/{repo}/pulls/{number}", s.handleGetPull)
	repoRoute("GET /repos/{owner}/{repo}/pulls/{number}/files", s.handleListFiles)
	repoRoute("PUT /repos/{owner}/{repo}/pulls/{number}/merge", s.handleMerge)
	repoRoute("GET /repos/{owner}/{repo}/commits/{ref}/pulls", s.handleCommitPulls)
	repoRoute("GET /repos/{owner}/{repo}/collaborators/{user}/permission", s.handlePermission)
	reader("GET /repos/{owner}/{repo}/git/blobs/{sha}", s.handleBlob)
	reader("GET /repos/{owner}/{repo}/contents/{path...}", s.handleContents)
	reader("GET /repos/{owner}/{repo}/compare/{basehead}", s.handleCompare)
	reader("GET /repos/{owner}/{repo}/commits/{ref}", s.handleGetCommit)
	reader("GET /repos/{owner}/{repo}/git/trees/{sha}", s.handleTree)
	repoRoute("GET /repos/{owner}/{repo}/pulls/{number}/commits", s.handlePullCommits)
	m.HandleFunc("GET /orgs/{org}/members/{user}", s.handleOrgMember)
	m.HandleFunc("GET /orgs/{org}/teams/{slug}/memberships/{user}", s.handleTeamMembership)
	m.HandleFunc("GET /rate_limit", s.handleRateLimit)
	reader("GET /_raw/{owner}/{repo}/{ref}/{path...}", s.handleRawDownload)

	// Check runs.
	repoRoute("POST /repos/{owner}/{repo}/check-runs", s.handleCreateCheckRun)
	repoRoute("GET /repos/{owner}/{repo}/check-runs/{id}", s.handleGetCheckRun)
	repoRoute("PATCH /repos/{owner}/{repo}/check-runs/{id}", s.handleUpdateCheckRun)
	repoRoute("GET /repos/{owner}/{repo}/check-runs/{id}/annotations", s.handleListAnnotations)
	repoRoute("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", s.handleListRunsForRef)

	// Code scanning.
	repoRoute("POST /repos/{owner}/{repo}/code-scanning/sarifs", s.handleUploadSARIF)

	// Reviews and review comments.
	repoRoute("POST /repos/{owner}/{repo}/pulls/{number}/reviews", s.handleCreateReview)
	repoRoute("GET /repos/{owner}/{repo}/pulls/{number}/reviews", s.handleListReviews)
	repoRoute("GET /repos/{owner}/{repo}/pulls/{number}/reviews/{id}", s.handleGetReview)
	repoRoute("GET /repos/{owner}/{repo}/pulls/{number}/reviews/{id}/comments", s.handleReviewComments)
	repoRoute("POST /repos/{owner}/{repo}/pulls/{number}/reviews/{id}/events", s.handleSubmitReview)
	repoRoute("GET /repos/{owner}/{repo}/pulls/{number}/comments", s.handleListComments)
	repoRoute("POST /repos/{owner}/{repo}/pulls/{number}/comments", s.handleCreateComment)
	repoRoute("POST /repos/{owner}/{repo}/pulls/{number}/comments/{id}/replies", s.handleReply)
	repoRoute("GET /repos/{owner}/{repo}/pulls-comments/{id}", s.handleGetComment)
	repoRoute("PATCH /repos/{owner}/{repo}/pulls-comments/{id}", s.handleEditComment)
	repoRoute("DELETE /repos/{owner}/{repo}/pulls-comments/{id}", s.handleDeleteComment)
	repoRoute("POST /repos/{owner}/{repo}/pulls-comments/{id}/reactions", s.handleCreateReaction(true))
	repoRoute("GET /repos/{owner}/{repo}/pulls-comments/{id}/reactions", s.handleListReactions(true))

	// Issue comments and reactions.
	repoRoute("GET /repos/{owner}/{repo}/issues/{number}", s.handleGetIssue)
	repoRoute("GET /repos/{owner}/{repo}/issues/{number}/comments", s.handleListIssueComments)
	repoRoute("POST /repos/{owner}/{repo}/issues/{number}/comments", s.handleCreateIssueComment)
	repoRoute("GET /repos/{owner}/{repo}/issues-comments/{id}", s.handleGetIssueComment)
	repoRoute("PATCH /repos/{owner}/{repo}/issues-comments/{id}", s.handleEditIssueComment)
	repoRoute("DELETE /repos/{owner}/{repo}/issues-comments/{id}", s.handleDeleteIssueComment)
	repoRoute("POST /repos/{owner}/{repo}/issues-comments/{id}/reactions", s.handleCreateReaction(false))
	repoRoute("GET /repos/{owner}/{repo}/issues-comments/{id}/reactions", s.handleListReactions(false))
	repoRoute("DELETE /repos/{owner}/{repo}/issues-comments/{id}/reactions/{rid}", s.handleDeleteReaction)

	// GraphQL and Git LFS downloads (the batch API is routed in ServeHTTP).
	m.HandleFunc("POST /graphql", s.handleGraphQL)
	m.HandleFunc("GET /_lfs/{oid}", s.handleLFSDownload)

	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { notFound(w) })
}

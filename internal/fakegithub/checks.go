package fakegithub

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v66/github"
)

// GitHub's limits on check runs.
const (
	maxOutputChars        = 65535
	maxAnnotationsPerCall = 50
	maxActions            = 3
	maxActionLabel        = 20
	maxActionDescription  = 40
	maxActionIdentifier   = 20
	maxAnnotationMessage  = 64 * 1024
	maxAnnotationTitle    = 255
)

type checkRun struct {
	id                     int64
	repo                   string
	name, headSHA          string
	externalID, detailsURL string
	status, conclusion     string
	startedAt, completedAt time.Time
	hasOutput              bool
	title, summary, text   string
	annotations            []Annotation
	actions                []Action
	suiteID                int64
	writes                 int
}

// Annotation is a check-run annotation as stored by the fake.
type Annotation struct {
	Path                   string
	StartLine, EndLine     int
	StartColumn, EndColumn int
	Level                  string // notice, warning, failure
	Message, Title         string
	RawDetails             string
}

// Action is a requested_action button of a check run.
type Action struct{ Label, Description, Identifier string }

// CheckRun is the state of one check run, for assertions.
type CheckRun struct {
	ID                     int64
	Name, HeadSHA          string
	Status, Conclusion     string
	ExternalID, DetailsURL string
	Title, Summary, Text   string
	Annotations            []Annotation // every annotation, appended across requests
	Actions                []Action
	StartedAt, CompletedAt time.Time
	Writes                 int // successful POST + PATCH requests
}

type annotationInput struct {
	Path            *string `json:"path"`
	StartLine       *int    `json:"start_line"`
	EndLine         *int    `json:"end_line"`
	StartColumn     *int    `json:"start_column"`
	EndColumn       *int    `json:"end_column"`
	AnnotationLevel *string `json:"annotation_level"`
	Message         *string `json:"message"`
	Title           *string `json:"title"`
	RawDetails      *string `json:"raw_details"`
}

type checkRunInput struct {
	Name        *string `json:"name"`
	HeadSHA     *string `json:"head_sha"`
	DetailsURL  *string `json:"details_url"`
	ExternalID  *string `json:"external_id"`
	Status      *string `json:"status"`
	Conclusion  *string `json:"conclusion"`
	StartedAt   *string `json:"started_at"`
	CompletedAt *string `json:"completed_at"`
	Output      *struct {
		Title       *string           `json:"title"`
		Summary     *string           `json:"summary"`
		Text        *string           `json:"text"`
		Annotations []annotationInput `json:"annotations"`
	} `json:"output"`
	Actions []struct {
		Label       *string `json:"label"`
		Description *string `json:"description"`
		Identifier  *string `json:"identifier"`
	} `json:"actions"`
}

// validate applies GitHub's rules to a create (create=true) or update
// request and returns the message of the 422, or "".
func (in *checkRunInput) validate(create bool) string {
	prop := func(name, what string) string { return fmt.Sprintf("For 'properties/%s', %s", name, what) }
	if create && (in.Name == nil || *in.Name == "") {
		return prop("name", "nil is not a string.")
	}
	if create && (in.HeadSHA == nil || *in.HeadSHA == "") {
		return prop("head_sha", "nil is not a string.")
	}
	if in.Status != nil {
		switch *in.Status {
		case "queued", "in_progress", "completed":
		case "waiting", "requested", "pending":
			return "Only GitHub Actions can set a status of waiting, pending, or requested."
		default:
			return prop("status", fmt.Sprintf("%q is not a member of [\"queued\", \"in_progress\", \"completed\"].", *in.Status))
		}
	}
	if in.Conclusion != nil {
		switch *in.Conclusion {
		case "action_required", "cancelled", "failure", "neutral", "success", "skipped", "timed_out":
		case "stale":
			return "Only GitHub can set a check run conclusion to stale."
		default:
			return prop("conclusion", fmt.Sprintf("%q is not a member of the allowed conclusions.", *in.Conclusion))
		}
	} else if in.Status != nil && *in.Status == "completed" {
		return "conclusion is required when status is completed."
	} else if in.CompletedAt != nil {
		return "conclusion is required when completed_at is provided."
	}
	for _, ts := range []*string{in.StartedAt, in.CompletedAt} {
		if ts != nil {
			if _, err := time.Parse(time.RFC3339, *ts); err != nil {
				return prop("started_at", fmt.Sprintf("%q is not a valid ISO 8601 timestamp.", *ts))
			}
		}
	}
	if o := in.Output; o != nil {
		if o.Title == nil {
			return prop("output/title", "nil is not a string.")
		}
		if o.Summary == nil {
			return prop("output/summary", "nil is not a string.")
		}
		for _, field := range []*string{o.Summary, o.Text} {
			if field != nil && runeLen(*field) > maxOutputChars {
				return fmt.Sprintf("Only %d characters are allowed; %d were supplied.", maxOutputChars, runeLen(*field))
			}
		}
		if len(o.Annotations) > maxAnnotationsPerCall {
			return fmt.Sprintf("No more than %d items are allowed; %d were supplied.", maxAnnotationsPerCall, len(o.Annotations))
		}
		for i, a := range o.Annotations {
			if msg := a.validate(); msg != "" {
				return prop(fmt.Sprintf("output/annotations/%d", i), msg)
			}
		}
	}
	if len(in.Actions) > maxActions {
		return prop("actions", fmt.Sprintf("has %d items; at most %d actions are allowed.", len(in.Actions), maxActions))
	}
	for i, a := range in.Actions {
		field := func(name string, v *string, limit int) string {
			if v == nil || *v == "" {
				return prop(fmt.Sprintf("actions/%d/%s", i, name), "nil is not a string.")
			}
			if runeLen(*v) > limit {
				return prop(fmt.Sprintf("actions/%d/%s", i, name), fmt.Sprintf("%q is too long (maximum is %d characters).", *v, limit))
			}
			return ""
		}
		for _, msg := range []string{field("label", a.Label, maxActionLabel), field("description", a.Description, maxActionDescription), field("identifier", a.Identifier, maxActionIdentifier)} {
			if msg != "" {
				return msg
			}
		}
	}
	return ""
}

func (a *annotationInput) validate() string {
	switch {
	case a.Path == nil || *a.Path == "":
		return "path is required."
	case a.StartLine == nil || *a.StartLine < 1:
		return "start_line is required and must be a positive integer."
	case a.EndLine == nil || *a.EndLine < 1:
		return "end_line is required and must be a positive integer."
	case *a.EndLine < *a.StartLine:
		return "end_line must be greater than or equal to start_line."
	case a.AnnotationLevel == nil:
		return "annotation_level is required."
	case *a.AnnotationLevel != "notice" && *a.AnnotationLevel != "warning" && *a.AnnotationLevel != "failure":
		return fmt.Sprintf("%q is not a member of [\"notice\", \"warning\", \"failure\"].", *a.AnnotationLevel)
	case a.Message == nil || *a.Message == "":
		return "message is required."
	case len(*a.Message) > maxAnnotationMessage:
		return "message is too long (maximum is 64 KB)."
	case a.Title != nil && runeLen(*a.Title) > maxAnnotationTitle:
		return "title is too long (maximum is 255 characters)."
	case a.RawDetails != nil && len(*a.RawDetails) > maxAnnotationMessage:
		return "raw_details is too long (maximum is 64 KB)."
	case (a.StartColumn != nil || a.EndColumn != nil) && *a.StartLine != *a.EndLine:
		return "start_column and end_column may only be used when start_line and end_line are the same."
	}
	return ""
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func num(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// bytesizeError is GitHub's second limit on summary and text: 65,535 bytes
// of UTF-8, checked after the character count (so multi-byte text that fits
// in characters can still be refused).
func (in *checkRunInput) bytesizeError() *validationError {
	if in.Output == nil {
		return nil
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"summary", in.Output.Summary}, {"text", in.Output.Text}} {
		if f.v != nil && len(*f.v) > maxOutputChars {
			return &validationError{Resource: "CheckRun", Code: "custom", Field: f.name,
				Message: fmt.Sprintf("%s exceeds a maximum bytesize of %d", f.name, maxOutputChars)}
		}
	}
	return nil
}

// apply copies a validated request onto the run; annotations are appended.
func (cr *checkRun) apply(in *checkRunInput) {
	if in.Name != nil {
		cr.name = *in.Name
	}
	if in.DetailsURL != nil {
		cr.detailsURL = *in.DetailsURL
	}
	if in.ExternalID != nil {
		cr.externalID = *in.ExternalID
	}
	if in.Status != nil {
		cr.status = *in.Status
	}
	if in.StartedAt != nil {
		cr.startedAt, _ = time.Parse(time.RFC3339, *in.StartedAt)
	}
	if in.Conclusion != nil {
		cr.conclusion, cr.status = *in.Conclusion, "completed"
		cr.completedAt = now()
	}
	if in.CompletedAt != nil {
		cr.completedAt, _ = time.Parse(time.RFC3339, *in.CompletedAt)
	}
	if o := in.Output; o != nil {
		cr.hasOutput = true
		cr.title, cr.summary = str(o.Title), str(o.Summary)
		if o.Text != nil {
			cr.text = *o.Text
		}
		for _, a := range o.Annotations {
			cr.annotations = append(cr.annotations, Annotation{
				Path: str(a.Path), StartLine: num(a.StartLine), EndLine: num(a.EndLine),
				StartColumn: num(a.StartColumn), EndColumn: num(a.EndColumn),
				Level: str(a.AnnotationLevel), Message: str(a.Message), Title: str(a.Title), RawDetails: str(a.RawDetails),
			})
		}
	}
	if in.Actions != nil {
		cr.actions = nil
		for _, a := range in.Actions {
			cr.actions = append(cr.actions, Action{Label: str(a.Label), Description: str(a.Description), Identifier: str(a.Identifier)})
		}
	}
	cr.writes++
}

// handleCreateCheckRun is POST /repos/{o}/{r}/check-runs.
func (s *Server) handleCreateCheckRun(w http.ResponseWriter, r *http.Request, rp *repo) {
	var in checkRunInput
	if !decodeBody(w, r, &in) {
		return
	}
	if msg := in.validate(true); msg != "" {
		writeInvalidRequest(w, msg)
		return
	}
	if ve := in.bytesizeError(); ve != nil {
		writeValidation(w, *ve)
		return
	}
	sha := *in.HeadSHA
	if len(sha) != 40 || (!rp.knownCommit(sha) && commitSHA(rp.gitDir, sha) != sha) {
		writeValidation(w, validationError{Resource: "CheckRun", Field: "head_sha", Code: "invalid", Message: "No commit found for SHA: " + sha})
		return
	}
	suiteKey := rp.fullName() + "|" + sha
	if s.suites[suiteKey] == 0 {
		s.suites[suiteKey] = s.newID()
	}
	cr := &checkRun{id: s.newID(), repo: strings.ToLower(rp.fullName()), headSHA: sha, status: "queued", suiteID: s.suites[suiteKey], startedAt: now()}
	cr.apply(&in)
	s.checkRuns[cr.id] = cr
	writeJSON(w, http.StatusCreated, s.checkRunJSONLocked(rp, cr))
}

func (s *Server) runFromPath(w http.ResponseWriter, r *http.Request, rp *repo) *checkRun {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	cr := s.checkRuns[id]
	if cr == nil || cr.repo != strings.ToLower(rp.fullName()) {
		notFound(w)
		return nil
	}
	return cr
}

// handleUpdateCheckRun is PATCH /repos/{o}/{r}/check-runs/{id}.
func (s *Server) handleUpdateCheckRun(w http.ResponseWriter, r *http.Request, rp *repo) {
	cr := s.runFromPath(w, r, rp)
	if cr == nil {
		return
	}
	var in checkRunInput
	if !decodeBody(w, r, &in) {
		return
	}
	if msg := in.validate(false); msg != "" {
		writeInvalidRequest(w, msg)
		return
	}
	if ve := in.bytesizeError(); ve != nil {
		writeValidation(w, *ve)
		return
	}
	cr.apply(&in)
	writeJSON(w, http.StatusOK, s.checkRunJSONLocked(rp, cr))
}

func (s *Server) handleGetCheckRun(w http.ResponseWriter, r *http.Request, rp *repo) {
	if cr := s.runFromPath(w, r, rp); cr != nil {
		writeJSON(w, http.StatusOK, s.checkRunJSONLocked(rp, cr))
	}
}

// handleListAnnotations is GET /repos/{o}/{r}/check-runs/{id}/annotations.
func (s *Server) handleListAnnotations(w http.ResponseWriter, r *http.Request, rp *repo) {
	cr := s.runFromPath(w, r, rp)
	if cr == nil {
		return
	}
	out := make([]*github.CheckRunAnnotation, len(cr.annotations))
	for i, a := range cr.annotations {
		out[i] = annotationJSON(a)
	}
	writeJSON(w, http.StatusOK, paginate(w, r, out))
}

func annotationJSON(a Annotation) *github.CheckRunAnnotation {
	ga := &github.CheckRunAnnotation{
		Path: github.String(a.Path), StartLine: github.Int(a.StartLine), EndLine: github.Int(a.EndLine),
		AnnotationLevel: github.String(a.Level), Message: github.String(a.Message),
	}
	if a.StartColumn != 0 {
		ga.StartColumn = github.Int(a.StartColumn)
	}
	if a.EndColumn != 0 {
		ga.EndColumn = github.Int(a.EndColumn)
	}
	if a.Title != "" {
		ga.Title = github.String(a.Title)
	}
	if a.RawDetails != "" {
		ga.RawDetails = github.String(a.RawDetails)
	}
	return ga
}

// handleListRunsForRef is GET /repos/{o}/{r}/commits/{ref}/check-runs with
// check_name, status and filter (latest by default) parameters.
func (s *Server) handleListRunsForRef(w http.ResponseWriter, r *http.Request, rp *repo) {
	ref := r.PathValue("ref")
	sha := ref
	if len(ref) != 40 {
		sha = commitSHA(rp.gitDir, ref)
	}
	q := r.URL.Query()
	runs := s.runsLocked(rp, sha)
	if q.Get("filter") != "all" {
		runs = latestPerName(runs)
	}
	var out []*github.CheckRun
	for _, cr := range runs {
		if n := q.Get("check_name"); n != "" && cr.name != n {
			continue
		}
		if st := q.Get("status"); st != "" && cr.status != st {
			continue
		}
		out = append(out, s.checkRunJSONLocked(rp, cr))
	}
	page := paginate(w, r, out)
	writeJSON(w, http.StatusOK, map[string]any{"total_count": len(out), "check_runs": page})
}

// runsLocked lists the runs of rp on sha, newest first (GitHub's order).
func (s *Server) runsLocked(rp *repo, sha string) []*checkRun {
	var runs []*checkRun
	for _, cr := range s.checkRuns {
		if cr.repo == strings.ToLower(rp.fullName()) && (sha == "" || cr.headSHA == sha) {
			runs = append(runs, cr)
		}
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].id > runs[j].id })
	return runs
}

func latestPerName(runs []*checkRun) []*checkRun {
	seen := map[string]bool{}
	var out []*checkRun
	for _, cr := range runs {
		if !seen[cr.name] {
			seen[cr.name] = true
			out = append(out, cr)
		}
	}
	return out
}

func (s *Server) latestRunLocked(rp *repo, sha, name string) *checkRun {
	for _, cr := range s.runsLocked(rp, sha) {
		if cr.name == name {
			return cr
		}
	}
	return nil
}

func (s *Server) checkRunJSONLocked(rp *repo, cr *checkRun) *github.CheckRun {
	api := fmt.Sprintf("%s/repos/%s/check-runs/%d", s.ts.URL, rp.fullName(), cr.id)
	out := &github.CheckRun{
		ID: github.Int64(cr.id), NodeID: github.String(fmt.Sprintf("CR_%d", cr.id)),
		HeadSHA: github.String(cr.headSHA), Name: github.String(cr.name), Status: github.String(cr.status),
		URL: github.String(api), HTMLURL: github.String(fmt.Sprintf("%s/%s/runs/%d", s.ts.URL, rp.fullName(), cr.id)),
		StartedAt:  &github.Timestamp{Time: cr.startedAt},
		CheckSuite: &github.CheckSuite{ID: github.Int64(cr.suiteID)},
		App:        &github.App{ID: github.Int64(s.opts.AppID), Slug: github.String(s.opts.AppSlug), Name: github.String(s.opts.AppSlug)},
		Output: &github.CheckRunOutput{
			Title: github.String(cr.title), Summary: github.String(cr.summary), Text: github.String(cr.text),
			AnnotationsCount: github.Int(len(cr.annotations)), AnnotationsURL: github.String(api + "/annotations"),
		},
		PullRequests: []*github.PullRequest{},
	}
	if !cr.hasOutput {
		out.Output.Title, out.Output.Summary, out.Output.Text = nil, nil, nil
	}
	if cr.externalID != "" {
		out.ExternalID = github.String(cr.externalID)
	}
	if cr.detailsURL != "" {
		out.DetailsURL = github.String(cr.detailsURL)
	}
	if cr.conclusion != "" {
		out.Conclusion = github.String(cr.conclusion)
		out.CompletedAt = &github.Timestamp{Time: cr.completedAt}
	}
	for _, p := range sortedPulls(rp) {
		if p.headSHA == cr.headSHA && p.fork == "" {
			out.PullRequests = append(out.PullRequests, &github.PullRequest{
				ID: github.Int64(int64(rp.id)*100000 + int64(p.number)), Number: github.Int(p.number),
				URL:  github.String(fmt.Sprintf("%s/repos/%s/pulls/%d", s.ts.URL, rp.fullName(), p.number)),
				Head: &github.PullRequestBranch{Ref: github.String(p.headRef), SHA: github.String(p.headSHA)},
				Base: &github.PullRequestBranch{Ref: github.String(p.baseRef), SHA: github.String(p.baseSHA)},
			})
		}
	}
	return out
}

// CheckRuns returns every check run of repo, oldest first.
func (s *Server) CheckRuns(fullName string) []CheckRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepoLocked(fullName)
	runs := s.runsLocked(rp, "")
	out := make([]CheckRun, 0, len(runs))
	for i := len(runs) - 1; i >= 0; i-- {
		cr := runs[i]
		out = append(out, CheckRun{
			ID: cr.id, Name: cr.name, HeadSHA: cr.headSHA, Status: cr.status, Conclusion: cr.conclusion,
			ExternalID: cr.externalID, DetailsURL: cr.detailsURL, Title: cr.title, Summary: cr.summary, Text: cr.text,
			Annotations: append([]Annotation(nil), cr.annotations...), Actions: append([]Action(nil), cr.actions...),
			StartedAt: cr.startedAt, CompletedAt: cr.completedAt, Writes: cr.writes,
		})
	}
	return out
}

// LatestCheckRun returns the newest run named name on sha, or false.
func (s *Server) LatestCheckRun(fullName, sha, name string) (CheckRun, bool) {
	var found CheckRun
	ok := false
	for _, cr := range s.CheckRuns(fullName) {
		if cr.HeadSHA == sha && cr.Name == name {
			found, ok = cr, true
		}
	}
	return found, ok
}

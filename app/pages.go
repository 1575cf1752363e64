package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/ward-sec/ward/app/web"
)

// The organisation view: recent reviews, exceptions, findings by rule and
// health, for the repositories the signed-in user can access on GitHub.

const overviewDays = 14

type overviewData struct {
	web.Page
	Orgs        []string
	Repos       []string
	Reviews     []ReviewRecord
	Stats       struct{ Reviews, Failed, Exceptions int }
	Health      health
	Chart       any
	NotAnalysed []notAnalysedRow
}

type notAnalysedRow struct {
	Repo   string
	PR     int
	Path   string
	Reason string
}

type health struct {
	QueueDepth string
	Failures   string
	RateLimit  string
}

type signinData struct {
	web.Page
	OAuth bool
	Error string
}

func (s *Server) renderSignin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	id, secret := s.oauthClient()
	web.Render(w, status, "signin", signinData{Page: web.Page{Title: "Sign in"}, OAuth: id != "" && secret != "", Error: msg})
}

// signedIn returns the session and what the user may see, or renders the
// sign-in page and returns false.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request) (session, access, bool) {
	ss, ok := s.currentSession(r)
	if !ok {
		s.renderSignin(w, r, http.StatusOK, "")
		return ss, access{}, false
	}
	a, err := s.userAccess(r.Context(), ss)
	if err != nil {
		s.log.WarnContext(r.Context(), "could not ask GitHub what the user can access", "login", ss.Login, "err", err)
		s.setCookie(w, r, sessionCookie, "", -1)
		s.renderSignin(w, r, http.StatusOK, "GitHub did not confirm your access (the sign-in may have been revoked). Sign in again.")
		return ss, access{}, false
	}
	return ss, a, true
}

// handleOverview is / once ward serves an App.
func (s *Server) handleOverview(w http.ResponseWriter, r *http.Request) {
	ss, a, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	since := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -(overviewDays - 1))
	reviews, err := s.store.RecentReviews(ctx, a.Repos, since, 2000)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	exc, err := s.exceptionRows(ctx, a.Repos, reviews)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	d := overviewData{Page: web.Page{Title: "Overview", User: ss.Login, CSRF: ss.CSRF}, Orgs: a.Orgs, Repos: a.Repos}
	d.Stats.Reviews, d.Stats.Exceptions = len(reviews), len(exc)
	days := make([]web.DayCounts, overviewDays)
	for i := range days {
		days[i] = web.DayCounts{Day: since.AddDate(0, 0, i), Rules: map[string]int{}}
	}
	for _, rv := range reviews {
		if rv.Conclusion == "failure" {
			d.Stats.Failed++
		}
		if i := int(rv.FinishedAt.UTC().Sub(since) / (24 * time.Hour)); i >= 0 && i < overviewDays {
			for rule, n := range rv.Rules {
				days[i].Rules[rule] += n
			}
		}
		for _, na := range rv.NotAnalysed {
			if len(d.NotAnalysed) < 50 {
				d.NotAnalysed = append(d.NotAnalysed, notAnalysedRow{rv.Repo, rv.PR, na.Path, na.Reason})
			}
		}
	}
	d.Reviews = reviews[:min(len(reviews), 50)]
	d.Chart = web.FindingsChart(days)
	d.Health = s.health(ctx)
	web.Render(w, http.StatusOK, "overview", d)
}

func (s *Server) health(ctx context.Context) health {
	h := health{QueueDepth: "unknown", Failures: "unknown", RateLimit: "unknown"}
	if n, err := s.store.QueueDepth(ctx); err == nil {
		h.QueueDepth = fmt.Sprint(n)
	}
	if n, err := s.store.FailedJobs(ctx, time.Now().Add(-24*time.Hour)); err == nil {
		h.Failures = fmt.Sprint(n)
	}
	if s.metrics != nil {
		var m dto.Metric
		if s.metrics.rateLimit.Write(&m) == nil && m.GetGauge() != nil && m.GetGauge().GetValue() > 0 {
			h.RateLimit = fmt.Sprint(int(m.GetGauge().GetValue()))
		}
	}
	return h
}

type exceptionsData struct {
	web.Page
	Repos      []string
	Exceptions []web.Exception
	Filter     struct{ Repo, Rule, Q string }
	CSVQuery   string
}

// handleExceptions lists every exception in force in the user's repositories,
// filtered by repository, rule and free text; ?format=csv exports them.
func (s *Server) handleExceptions(w http.ResponseWriter, r *http.Request) {
	ss, a, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	reviews, err := s.store.RecentReviews(ctx, a.Repos, time.Time{}, 5000)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	rows, err := s.exceptionRows(ctx, a.Repos, reviews)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	q := r.URL.Query()
	d := exceptionsData{Page: web.Page{Title: "Exceptions", User: ss.Login, CSRF: ss.CSRF}, Repos: a.Repos}
	d.Filter.Repo, d.Filter.Rule, d.Filter.Q = q.Get("repo"), strings.TrimSpace(q.Get("rule")), strings.TrimSpace(q.Get("q"))
	needle := strings.ToLower(d.Filter.Q)
	for _, e := range rows {
		if d.Filter.Repo != "" && !strings.EqualFold(e.Repo, d.Filter.Repo) ||
			d.Filter.Rule != "" && !strings.EqualFold(e.Rule, d.Filter.Rule) ||
			needle != "" && !strings.Contains(strings.ToLower(e.Path+" "+e.Reason+" "+e.Who+" "+e.Rule+" "+e.Where), needle) {
			continue
		}
		d.Exceptions = append(d.Exceptions, e)
	}
	if q.Get("format") == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="ward-exceptions.csv"`)
		if err := web.WriteExceptionsCSV(w, d.Exceptions); err != nil {
			s.log.WarnContext(ctx, "exceptions export failed", "err", err)
		}
		return
	}
	cq := url.Values{"format": {"csv"}}
	for k, v := range map[string]string{"repo": d.Filter.Repo, "rule": d.Filter.Rule, "q": d.Filter.Q} {
		if v != "" {
			cq.Set(k, v)
		}
	}
	d.CSVQuery = cq.Encode()
	web.Render(w, http.StatusOK, "exceptions", d)
}

// exceptionRows joins maintainers' /ignore records with the `ignore:`
// entries of each repository's newest review.
func (s *Server) exceptionRows(ctx context.Context, repos []string, reviews []ReviewRecord) ([]web.Exception, error) {
	recs, err := s.store.Exceptions(ctx, repos)
	if err != nil {
		return nil, err
	}
	var out []web.Exception
	for _, e := range recs {
		out = append(out, web.Exception{Repo: e.Repo, Where: fmt.Sprintf("PR #%d", e.PR), Rule: e.Rule, Path: e.Path,
			Covers: coverage(e), Reason: e.Reason, Who: "@" + e.Author, When: e.At.UTC().Format("2006-01-02 15:04 UTC")})
	}
	seen := map[string]bool{}
	for _, rv := range reviews { // newest first: the first review of a repo holds its config in force
		key := strings.ToLower(rv.Repo)
		if seen[key] {
			continue
		}
		seen[key] = true
		today := time.Now().UTC().Format(time.DateOnly)
		for _, c := range rv.ConfigIgnores {
			if c.Expires != "" && c.Expires < today {
				continue // expired: no longer in force (the review says so)
			}
			covers := "any content"
			if c.SHA256 != "" {
				covers = "sha256 " + shortHash(c.SHA256)
			}
			out = append(out, web.Exception{Repo: rv.Repo, Where: ".github/ward.yml", Rule: c.Rule, Path: c.Path,
				Covers: covers, Reason: c.Reason, Who: "the base branch", When: "as of " + shortHash(rv.HeadSHA), Expires: c.Expires})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Repo) < strings.ToLower(out[j].Repo) })
	return out, nil
}

// coverage says which content an /ignore was granted for.
func coverage(e ExceptionRecord) string {
	if e.HeadSHA != "" {
		return "as reviewed at " + shortHash(e.HeadSHA)
	}
	return "any content"
}

func shortHash(h string) string { return h[:min(len(h), 7)] }

// pageError logs the cause and tells the browser only that something failed:
// database hosts and users are not for the public.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.ErrorContext(r.Context(), "page failed", "path", r.URL.Path, "err", err)
	http.Error(w, "ward could not load this page (database unavailable?); the log says why", http.StatusServiceUnavailable)
}

// requireApp serves a page only once ward serves an App: before that, every
// page but the setup page is a redirect to it.
func (s *Server) requireApp(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, err := s.githubClients(); err != nil {
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		h(w, r)
	}
}

package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/review"
)

// The review log keeps one row per published review, for ward's pages: what
// was reviewed, what it concluded, which rules fired and which files could not
// be analysed, and the repository's `ignore:` entries in force at the time.
const reviewLogSchema = `CREATE TABLE IF NOT EXISTS ward_review_log (
	check_run_id BIGINT PRIMARY KEY,
	installation_id BIGINT NOT NULL,
	repo TEXT NOT NULL,
	pr INTEGER NOT NULL,
	head_sha TEXT NOT NULL,
	conclusion TEXT NOT NULL,
	counts TEXT NOT NULL,
	rules TEXT NOT NULL,
	not_analysed TEXT NOT NULL,
	config_ignores TEXT NOT NULL,
	duration_ms BIGINT NOT NULL,
	check_url TEXT NOT NULL,
	finished_at TIMESTAMP NOT NULL)`

func init() { wardSchema = append(wardSchema, reviewLogSchema) }

// ReviewRecord is one published review as the pages show it.
type ReviewRecord struct {
	CheckRunID     int64
	InstallationID int64
	Repo           string
	PR             int
	HeadSHA        string
	Conclusion     string
	// Counts is the number of unsuppressed findings by severity name.
	Counts map[string]int
	// Rules is the number of unsuppressed findings by rule id.
	Rules         map[string]int
	NotAnalysed   []NotAnalysed
	ConfigIgnores []ConfigIgnore
	Duration      time.Duration
	CheckURL      string
	FinishedAt    time.Time
}

// NotAnalysed is a file a review could not analyse, and why.
type NotAnalysed struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// ConfigIgnore is an `ignore:` entry of a repository's base-branch ward.yml.
type ConfigIgnore struct {
	Rule    string `json:"rule"`
	Path    string `json:"path,omitempty"`
	Reason  string `json:"reason"`
	SHA256  string `json:"sha256,omitempty"`
	Expires string `json:"expires,omitempty"`
}

// RecordReview stores a published review; a second record of the same check
// run (a retried attempt) replaces nothing.
func (s *Store) RecordReview(ctx context.Context, r ReviewRecord) error {
	counts, _ := json.Marshal(r.Counts)
	rules, _ := json.Marshal(r.Rules)
	na, _ := json.Marshal(r.NotAnalysed)
	ci, _ := json.Marshal(r.ConfigIgnores)
	_, err := s.db.ExecContext(ctx, `INSERT INTO ward_review_log (check_run_id, installation_id, repo, pr, head_sha,
		conclusion, counts, rules, not_analysed, config_ignores, duration_ms, check_url, finished_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (check_run_id) DO NOTHING`,
		r.CheckRunID, r.InstallationID, r.Repo, r.PR, r.HeadSHA, r.Conclusion, string(counts), string(rules),
		string(na), string(ci), r.Duration.Milliseconds(), r.CheckURL, r.FinishedAt.UTC())
	if err != nil {
		return fmt.Errorf("record review of %s#%d: %w", r.Repo, r.PR, err)
	}
	return nil
}

// RecentReviews returns the newest reviews of the given repositories (full
// names, compared case-insensitively), newest first, at most limit, finished
// after since.
func (s *Store) RecentReviews(ctx context.Context, repos []string, since time.Time, limit int) ([]ReviewRecord, error) {
	if len(repos) == 0 {
		return nil, nil
	}
	args := []any{since.UTC()}
	var in strings.Builder
	for i, r := range repos {
		if i > 0 {
			in.WriteString(", ")
		}
		args = append(args, strings.ToLower(r))
		fmt.Fprintf(&in, "$%d", len(args))
	}
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, `SELECT check_run_id, installation_id, repo, pr, head_sha, conclusion, counts, rules,
		not_analysed, config_ignores, duration_ms, check_url, finished_at FROM ward_review_log
		WHERE finished_at >= $1 AND lower(repo) IN (`+in.String()+`) ORDER BY finished_at DESC, check_run_id DESC LIMIT $`+fmt.Sprint(len(args)),
		args...)
	if err != nil {
		return nil, fmt.Errorf("list reviews: %w", err)
	}
	defer rows.Close()
	var out []ReviewRecord
	for rows.Next() {
		var r ReviewRecord
		var counts, rules, na, ci string
		var ms int64
		if err := rows.Scan(&r.CheckRunID, &r.InstallationID, &r.Repo, &r.PR, &r.HeadSHA, &r.Conclusion, &counts, &rules,
			&na, &ci, &ms, &r.CheckURL, &r.FinishedAt); err != nil {
			return nil, fmt.Errorf("list reviews: %w", err)
		}
		r.Duration = time.Duration(ms) * time.Millisecond
		// Written by RecordReview from typed values: a row that does not
		// decode shows as empty rather than hiding the review.
		_ = json.Unmarshal([]byte(counts), &r.Counts)
		_ = json.Unmarshal([]byte(rules), &r.Rules)
		_ = json.Unmarshal([]byte(na), &r.NotAnalysed)
		_ = json.Unmarshal([]byte(ci), &r.ConfigIgnores)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ExceptionRecord is one maintainer's /ignore in force on a PR.
type ExceptionRecord struct {
	Repo    string
	PR      int
	Rule    string
	Path    string
	Reason  string
	Author  string
	HeadSHA string
	At      time.Time
}

// Exceptions lists the /ignore records of the given repositories, newest first.
func (s *Store) Exceptions(ctx context.Context, repos []string) ([]ExceptionRecord, error) {
	if len(repos) == 0 {
		return nil, nil
	}
	var args []any
	var in strings.Builder
	for i, r := range repos {
		if i > 0 {
			in.WriteString(", ")
		}
		args = append(args, strings.ToLower(r))
		fmt.Fprintf(&in, "$%d", len(args))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT repo, pr, rule, path, reason, author, head_sha, created_at FROM ward_ignore
		WHERE lower(repo) IN (`+in.String()+`) ORDER BY created_at DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list exceptions: %w", err)
	}
	defer rows.Close()
	var out []ExceptionRecord
	for rows.Next() {
		var e ExceptionRecord
		if err := rows.Scan(&e.Repo, &e.PR, &e.Rule, &e.Path, &e.Reason, &e.Author, &e.HeadSHA, &e.At); err != nil {
			return nil, fmt.Errorf("list exceptions: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// FailedJobs counts review jobs that ended without finishing since a time.
func (s *Store) FailedJobs(ctx context.Context, since time.Time) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx,
		`SELECT count(*) FROM river_job WHERE state IN ('discarded','cancelled') AND finalized_at >= $1`, since.UTC()).Scan(&n)
	return n, err
}

// recordReview keeps a published review for the pages; failing to record it
// changes nothing about the review itself.
func (s *Server) recordReview(ctx context.Context, a ReviewArgs, res *review.Result, took time.Duration, log *slog.Logger) {
	if res == nil || res.CheckRunID == 0 {
		return
	}
	rec := ReviewRecord{CheckRunID: res.CheckRunID, InstallationID: a.InstallationID, Repo: a.Repo, PR: a.PR,
		HeadSHA: a.HeadSHA, Conclusion: res.Conclusion, Counts: map[string]int{}, Rules: map[string]int{},
		Duration: took, FinishedAt: time.Now(),
		CheckURL: fmt.Sprintf("%s/%s/runs/%d", webURL(s.cfg.APIURL), a.Repo, res.CheckRunID)}
	for _, f := range res.Findings {
		if f.Suppressed {
			continue
		}
		rec.Counts[f.Severity.String()]++
		rec.Rules[f.RuleID]++
		if f.RuleID == checks.RuleNotAnalysed && len(rec.NotAnalysed) < 100 {
			rec.NotAnalysed = append(rec.NotAnalysed, NotAnalysed{Path: f.Path, Reason: f.Message})
		}
	}
	for _, e := range res.ConfigIgnores {
		rec.ConfigIgnores = append(rec.ConfigIgnores, ConfigIgnore{Rule: e.Rule, Path: e.Path, Reason: e.Reason,
			SHA256: e.SHA256, Expires: e.Expires})
	}
	if err := s.store.RecordReview(context.WithoutCancel(ctx), rec); err != nil {
		log.WarnContext(ctx, "could not record the review for ward's pages", "err", err)
	}
}

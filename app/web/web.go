// Package web renders ward's pages: server-side Go templates with one
// stylesheet, no front-end build, and charts drawn as inline SVG.
package web

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"time"
)

//go:embed templates/*.html
var files embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"short": func(sha string) string {
		if len(sha) > 7 {
			return sha[:7]
		}
		return sha
	},
	"dur": func(d time.Duration) string {
		if d < time.Second {
			return fmt.Sprintf("%d ms", d.Milliseconds())
		}
		return d.Round(100 * time.Millisecond).String()
	},
	"when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
}).ParseFS(files, "templates/*.html"))

// Page is what every page shows in its frame.
type Page struct {
	Title string
	User  string // signed-in login; "" shows no navigation
	CSRF  string // the session's token, for the sign-out form
	// FormTarget is another origin a form on the page posts to (GitHub's
	// app creation page); forms may post only to ward itself otherwise.
	FormTarget string
}

func (p Page) page() Page { return p }

// framed is any page's data: it embeds Page.
type framed interface{ page() Page }

// Render writes the named page; a template error is answered 500 without
// a half-written page.
func Render(w http.ResponseWriter, status int, name string, data any) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		http.Error(w, "page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	formAction := "'self'"
	if f, ok := data.(framed); ok && f.page().FormTarget != "" {
		formAction += " " + f.page().FormTarget
	}
	// No script at all; forms post to ward (and GitHub on the setup page).
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action "+formAction+"; frame-ancestors 'none'; base-uri 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	_, _ = b.WriteTo(w)
}

// Exception is one row of the exceptions table and CSV.
type Exception struct {
	Repo    string
	Where   string // "PR #12" for an /ignore, ".github/ward.yml" for a config entry
	Rule    string
	Path    string
	Covers  string // the content it was granted for
	Reason  string
	Who     string
	When    string
	Expires string
}

// WriteExceptionsCSV writes exceptions as CSV with a header row. Cells that
// a spreadsheet would run as a formula are prefixed with a quote.
func WriteExceptionsCSV(w io.Writer, rows []Exception) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"repository", "where", "rule", "path", "covers", "reason", "who", "when", "expires"})
	for _, e := range rows {
		rec := []string{e.Repo, e.Where, e.Rule, e.Path, e.Covers, e.Reason, e.Who, e.When, e.Expires}
		for i, c := range rec {
			rec[i] = defuseFormula(c)
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write exceptions csv: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuseFormula keeps a PR author's text (a reason, a path) from running as a
// spreadsheet formula when the export is opened (CWE-1236).
func defuseFormula(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

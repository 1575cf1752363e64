package fakegithub

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

const docsURL = "https://docs.github.com/rest"

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError answers GitHub's error shape {"message", "documentation_url"}.
func writeError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]any{"message": message, "documentation_url": docsURL, "status": strconv.Itoa(status)})
}

func notFound(w http.ResponseWriter) { writeError(w, http.StatusNotFound, "Not Found") }

// validationError is one entry of a 422's "errors" array.
type validationError struct {
	Resource string `json:"resource,omitempty"`
	Field    string `json:"field,omitempty"`
	Code     string `json:"code,omitempty"`
	Message  string `json:"message,omitempty"`
}

// writeValidation answers 422 "Validation Failed" with structured errors.
func writeValidation(w http.ResponseWriter, errs ...validationError) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
		"message": "Validation Failed", "errors": errs, "documentation_url": docsURL, "status": "422",
	})
}

// writeInvalidRequest answers 422 the way GitHub reports JSON-schema
// violations: "Invalid request.\n\nFor 'properties/summary', ... ".
func writeInvalidRequest(w http.ResponseWriter, detail string) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
		"message": "Invalid request.\n\n" + detail, "documentation_url": docsURL, "status": "422",
	})
}

// writeUnprocessable answers 422 with string errors, as the pulls API does.
func writeUnprocessable(w http.ResponseWriter, errs ...string) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
		"message": "Unprocessable Entity", "errors": errs, "documentation_url": docsURL, "status": "422",
	})
}

// decodeBody reads a JSON body (max 25 MiB). It answers 400 for malformed
// JSON and 422 for a value of the wrong type, as GitHub does, and reports
// whether decoding succeeded.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, 25<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON")
		return false
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return true
	}
	if err := json.Unmarshal(b, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			writeInvalidRequest(w, fmt.Sprintf("For 'properties/%s', value is not a %s.", te.Field, te.Type.Kind()))
			return false
		}
		writeError(w, http.StatusBadRequest, "Problems parsing JSON")
		return false
	}
	return true
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// pageParams reads page and per_page (default 30, max 100) as GitHub does.
func pageParams(r *http.Request) (page, perPage int) {
	page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	perPage, _ = strconv.Atoi(r.URL.Query().Get("per_page"))
	if page < 1 {
		page = 1
	}
	if perPage < 1 {
		perPage = 30
	}
	if perPage > 100 {
		perPage = 100
	}
	return page, perPage
}

// paginate returns the requested page of items and sets an RFC 5988 Link
// header (first/prev/next/last) built from the URL the client asked for, so
// the /api/v3 prefix is preserved.
func paginate[T any](w http.ResponseWriter, r *http.Request, items []T) []T {
	page, perPage := pageParams(r)
	total := len(items)
	last := (total + perPage - 1) / perPage
	if last < 1 {
		last = 1
	}
	var links []string
	link := func(p int, rel string) {
		links = append(links, fmt.Sprintf("<%s>; rel=%q", pageURL(r, p, perPage), rel))
	}
	if page > 1 {
		link(page-1, "prev")
	}
	if page < last {
		link(page+1, "next")
		link(last, "last")
	}
	if page > 1 {
		link(1, "first")
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	start := (page - 1) * perPage
	if start >= total {
		return []T{}
	}
	return items[start:min(start+perPage, total)]
}

func pageURL(r *http.Request, page, perPage int) string {
	u, err := url.ParseRequestURI(r.RequestURI)
	if err != nil {
		u = &url.URL{Path: r.URL.Path}
	}
	q := r.URL.Query()
	q.Set("page", strconv.Itoa(page))
	q.Set("per_page", strconv.Itoa(perPage))
	return (&url.URL{Scheme: "http", Host: r.Host, Path: u.Path, RawQuery: q.Encode()}).String()
}

package fakegithub

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"
)

const (
	// contentsJSONLimit: above this the contents API returns no content in
	// its JSON (encoding "none"); the raw media type still works.
	contentsJSONLimit = 1 << 20
	// apiFileLimit: the contents and blob APIs refuse files above 100 MB.
	apiFileLimit = 100 << 20
	// maxDirEntries: a directory listing stops at 1,000 entries.
	maxDirEntries = 1000
)

// wantsRaw reports whether Accept asks for application/vnd.github.raw (also
// the v3 and +json spellings).
func wantsRaw(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "application/vnd.github.raw") || strings.Contains(a, "application/vnd.github.v3.raw")
}

// base64Lines encodes like GitHub: base64 broken into 60-character lines.
func base64Lines(b []byte) string {
	enc := base64.StdEncoding.EncodeToString(b)
	var sb strings.Builder
	for len(enc) > 60 {
		sb.WriteString(enc[:60])
		sb.WriteByte('\n')
		enc = enc[60:]
	}
	sb.WriteString(enc)
	sb.WriteByte('\n')
	return sb.String()
}

// serveRaw answers raw bytes, honouring Range requests unless the test
// made the server ignore them (IgnoreRange).
func (s *Server) serveRaw(w http.ResponseWriter, r *http.Request, name string, b []byte) {
	w.Header().Set("Content-Type", "application/octet-stream")
	s.mu.Lock()
	ignore := s.ignoreRange
	s.mu.Unlock()
	if ignore {
		r = r.Clone(r.Context())
		r.Header.Del("Range")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

// IgnoreRange makes the blob, contents, raw and LFS downloads answer every
// ranged read with 200 and the whole object, as a server may: nothing in
// HTTP obliges it to honour Range.
func (s *Server) IgnoreRange(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ignoreRange = on
}

// handleBlob is GET /repos/{o}/{r}/git/blobs/{sha}.
func (s *Server) handleBlob(w http.ResponseWriter, r *http.Request, rp *repo) {
	sha := r.PathValue("sha")
	if len(sha) != 40 {
		notFound(w)
		return
	}
	b, ok := s.blob(rp.gitDir, sha)
	if !ok {
		notFound(w)
		return
	}
	if len(b) > apiFileLimit {
		writeError(w, http.StatusForbidden, "This API returns blobs up to 100 MB in size. The requested blob is too large to fetch via the API, but you can use the Git Data API to retrieve it.")
		return
	}
	if wantsRaw(r) {
		s.serveRaw(w, r, sha, b)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"sha": sha, "node_id": "B_" + sha, "size": len(b), "encoding": "base64", "content": base64Lines(b),
		"url": fmt.Sprintf("%s/repos/%s/git/blobs/%s", s.ts.URL, rp.fullName(), sha),
	})
}

// handleContents is GET /repos/{o}/{r}/contents/{path...}?ref=.
func (s *Server) handleContents(w http.ResponseWriter, r *http.Request, rp *repo) {
	p := strings.Trim(r.PathValue("path"), "/")
	ref := r.URL.Query().Get("ref")
	if ref == "" {
		ref = rp.defaultBranch
	}
	commit := s.commitOf(rp, ref)
	if commit == "" {
		writeError(w, http.StatusNotFound, fmt.Sprintf("No commit found for the ref %s", ref))
		return
	}
	obj := commit + ":" + p
	sha, typ, _, _ := objectInfo(rp.gitDir, obj)
	switch typ {
	case "blob":
		b, ok := s.blob(rp.gitDir, sha)
		if !ok {
			writeError(w, http.StatusInternalServerError, "cannot read blob "+sha)
			return
		}
		if len(b) > apiFileLimit {
			writeError(w, http.StatusForbidden, "This API returns blobs up to 100 MB in size.")
			return
		}
		if wantsRaw(r) {
			s.serveRaw(w, r, path.Base(p), b)
			return
		}
		out := s.contentEntry(rp, commit, p, "file", sha, int64(len(b)))
		if len(b) <= contentsJSONLimit {
			out["encoding"], out["content"] = "base64", base64Lines(b)
		} else {
			out["encoding"], out["content"] = "none", ""
		}
		writeJSON(w, http.StatusOK, out)
	case "tree":
		entries, err := lsTree(rp.gitDir, obj)
		if err != nil {
			writeError(w, http.StatusInternalServerError, err.Error())
			return
		}
		if len(entries) > maxDirEntries { // GitHub lists the first 1,000 only
			entries = entries[:maxDirEntries]
		}
		list := make([]map[string]any, 0, len(entries))
		for _, e := range entries {
			typ := map[string]string{"blob": "file", "tree": "dir", "commit": "submodule"}[e.typ]
			if e.mode == "120000" {
				typ = "symlink"
			}
			list = append(list, s.contentEntry(rp, commit, path.Join(p, e.name), typ, e.sha, e.size))
		}
		writeJSON(w, http.StatusOK, list)
	default:
		notFound(w)
	}
}

func (s *Server) contentEntry(rp *repo, commit, p, typ, sha string, size int64) map[string]any {
	self := fmt.Sprintf("%s/repos/%s/contents/%s?ref=%s", s.ts.URL, rp.fullName(), p, commit)
	git := fmt.Sprintf("%s/repos/%s/git/blobs/%s", s.ts.URL, rp.fullName(), sha)
	html := fmt.Sprintf("%s/%s/blob/%s/%s", s.ts.URL, rp.fullName(), commit, p)
	out := map[string]any{
		"type": typ, "name": path.Base(p), "path": p, "sha": sha, "size": size,
		"url": self, "git_url": git, "html_url": html,
		"_links": map[string]string{"self": self, "git": git, "html": html},
	}
	if typ == "file" {
		out["download_url"] = fmt.Sprintf("%s/_raw/%s/%s/%s", s.ts.URL, rp.fullName(), commit, p)
	}
	return out
}

// commitOf resolves ref to a commit id, without a git process when ref is
// already a full commit id the PR snapshot knows.
func (s *Server) commitOf(rp *repo, ref string) string {
	if len(ref) == 40 {
		s.mu.Lock()
		for _, p := range rp.prs {
			if p.headSHA == ref || p.baseSHA == ref {
				s.mu.Unlock()
				return ref
			}
		}
		s.mu.Unlock()
	}
	return commitSHA(rp.gitDir, ref)
}

// handleRawDownload serves download_url: GET /_raw/{owner}/{repo}/{ref}/{path...}
// with the installation token in the Authorization header.
func (s *Server) handleRawDownload(w http.ResponseWriter, r *http.Request, rp *repo) {
	commit := s.commitOf(rp, r.PathValue("ref"))
	if commit == "" {
		notFound(w)
		return
	}
	sha, typ, _, _ := objectInfo(rp.gitDir, commit+":"+r.PathValue("path"))
	b, ok := s.blob(rp.gitDir, sha)
	if typ != "blob" || !ok {
		notFound(w)
		return
	}
	s.serveRaw(w, r, path.Base(r.PathValue("path")), b)
}

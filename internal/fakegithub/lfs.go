package fakegithub

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// AddLFSObject stores a Git LFS object (oid is its SHA-256 in hex).
func (s *Server) AddLFSObject(oid string, content []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lfsObjects[oid] = append([]byte(nil), content...)
}

// LFSBytesServed counts the object bytes sent by LFS downloads (after Range).
func (s *Server) LFSBytesServed() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lfsBytes
}

// lfsBatchPath matches /{owner}/{repo}.git/info/lfs/objects/batch.
func lfsBatchPath(path string) (owner, name string, ok bool) {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(parts) != 6 || !strings.HasSuffix(parts[1], ".git") || strings.Join(parts[2:], "/") != "info/lfs/objects/batch" {
		return "", "", false
	}
	return parts[0], strings.TrimSuffix(parts[1], ".git"), true
}

type lfsError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func writeLFS(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/vnd.git-lfs+json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// handleLFSBatch is the Git LFS batch API. It authenticates with the
// installation token (Basic auth with the token as password, or a token
// header) and answers download actions whose href and header point back at
// the fake.
func (s *Server) handleLFSBatch(w http.ResponseWriter, r *http.Request, owner, name string) {
	var req struct {
		Operation string `json:"operation"`
		Objects   []struct {
			OID  string `json:"oid"`
			Size int64  `json:"size"`
		} `json:"objects"`
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.repoLocked(owner + "/" + name)
	tok := s.tokens[credential(r)]
	if tok == nil || !time.Now().Before(tok.expiresAt) {
		w.Header().Set("LFS-Authenticate", `Basic realm="GitHub"`)
		writeLFS(w, http.StatusUnauthorized, map[string]string{"message": "Credentials needed"})
		return
	}
	if in := s.installations[tok.installationID]; rp == nil || in == nil || !strings.EqualFold(in.owner, rp.owner) {
		writeLFS(w, http.StatusNotFound, map[string]string{"message": "Repository not found"})
		return
	}
	if levels[s.perms["contents"]] < levels["read"] {
		writeLFS(w, http.StatusForbidden, map[string]string{"message": "Resource not accessible by integration"})
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if json.Unmarshal(body, &req) != nil {
		writeLFS(w, http.StatusUnprocessableEntity, map[string]string{"message": "Invalid request"})
		return
	}
	if req.Operation != "download" {
		writeLFS(w, http.StatusForbidden, map[string]string{"message": "The fake only serves downloads"})
		return
	}
	var objects []map[string]any
	for _, o := range req.Objects {
		content, ok := s.lfsObjects[o.OID]
		if !ok {
			objects = append(objects, map[string]any{"oid": o.OID, "size": o.Size, "error": lfsError{404, "Object does not exist"}})
			continue
		}
		auth := "RemoteAuth " + randomHex(12)
		s.lfsAuth[auth] = true
		objects = append(objects, map[string]any{
			"oid": o.OID, "size": len(content), "authenticated": true,
			"actions": map[string]any{"download": map[string]any{
				"href":       s.ts.URL + "/_lfs/" + o.OID,
				"header":     map[string]string{"Authorization": auth},
				"expires_in": 3600,
			}},
		})
	}
	writeLFS(w, http.StatusOK, map[string]any{"transfer": "basic", "objects": objects, "hash_algo": "sha256"})
}

// countingWriter counts the body bytes of a response.
type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.n += int64(n)
	return n, err
}

// handleLFSDownload serves an object to a client that presents the header
// the batch API handed out, honouring Range requests.
func (s *Server) handleLFSDownload(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	content, ok := s.lfsObjects[r.PathValue("oid")]
	authorised := s.lfsAuth[r.Header.Get("Authorization")]
	s.mu.Unlock()
	if !authorised {
		writeError(w, http.StatusUnauthorized, "Bad credentials")
		return
	}
	if !ok {
		notFound(w)
		return
	}
	cw := &countingWriter{ResponseWriter: w}
	s.serveRaw(cw, r, r.PathValue("oid"), content)
	s.mu.Lock()
	s.lfsBytes += cw.n
	s.mu.Unlock()
}

package fakegithub

import (
	"sync"
)

// blobCache keeps blob contents by repository and SHA. Blobs are immutable,
// so a hit is always right; it saves a git process per request, which
// otherwise dominates the cost of a review against the fake.
type blobCache struct {
	mu    sync.Mutex
	blobs map[string][]byte // gitDir + "\x00" + sha
	bytes int64
	limit int64
}

const (
	blobCacheLimit  = 512 << 20
	blobCacheMaxOne = 16 << 20
)

func (c *blobCache) get(dir, sha string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.blobs[dir+"\x00"+sha]
	return b, ok
}

// put stores content unless it is too large or the cache is full; it
// reports whether there is room for more.
func (c *blobCache) put(dir, sha string, content []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.blobs == nil {
		c.blobs, c.limit = map[string][]byte{}, blobCacheLimit
	}
	key := dir + "\x00" + sha
	if _, ok := c.blobs[key]; ok {
		return true
	}
	if len(content) > blobCacheMaxOne || c.bytes+int64(len(content)) > c.limit {
		return c.bytes < c.limit
	}
	c.blobs[key] = append([]byte(nil), content...)
	c.bytes += int64(len(content))
	return true
}

// blob returns a blob's content, or ok=false when sha is not a blob of dir.
func (s *Server) blob(dir, sha string) ([]byte, bool) {
	if b, ok := s.cache.get(dir, sha); ok {
		return b, true
	}
	b, err := readBlob(dir, sha)
	if err != nil {
		return nil, false
	}
	s.cache.put(dir, sha, b)
	return b, true
}

// prefetch loads the blobs of a PR's files with one git process.
func (s *Server) prefetch(dir string, files []prFile) {
	var shas []string
	for _, f := range files {
		if f.status != "removed" && f.sha != "" {
			shas = append(shas, f.sha)
		}
	}
	_ = readBlobs(dir, shas, func(sha string, content []byte) bool { return s.cache.put(dir, sha, content) })
}

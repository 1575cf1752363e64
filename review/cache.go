package review

import (
	"context"
	"sync"

	"github.com/ward-sec/ward/checks"
)

// cacheBatch is how many new results a review writes to the cache at once.
// Writing file by file cost a database commit (an fsync on SQLite) per
// file, which dominated the review of a large PR.
const cacheBatch = 200

// cacheWriter buffers a review's new cache entries and writes them in
// batches of size: the file that fills a batch writes it, and analyse
// flushes the rest at its end. Entries still buffered when the process dies
// are lost, which only costs a re-analysis of those files.
type cacheWriter struct {
	cache Cache
	size  int

	mu  sync.Mutex
	buf []CacheEntry
}

// put buffers one entry, writing the batch when it is full.
func (w *cacheWriter) put(ctx context.Context, key string, fs []checks.Finding) {
	w.mu.Lock()
	w.buf = append(w.buf, CacheEntry{Key: key, Findings: fs})
	var full []CacheEntry
	if len(w.buf) >= w.size {
		full, w.buf = w.buf, make([]CacheEntry, 0, w.size)
	}
	w.mu.Unlock()
	if full != nil {
		w.cache.PutMany(ctx, full)
	}
}

// flush writes what is buffered, unless ctx is already done.
func (w *cacheWriter) flush(ctx context.Context) {
	w.mu.Lock()
	rest := w.buf
	w.buf = nil
	w.mu.Unlock()
	if len(rest) > 0 && ctx.Err() == nil {
		w.cache.PutMany(ctx, rest)
	}
}

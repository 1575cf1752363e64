package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
)

// rangedReader is an io.ReaderAt over a remote object (a large git blob or a
// Git LFS object) read in rangeBlock blocks, keeping a bounded number of
// blocks. It works whatever the server does with Range: a 206 is a block; a
// 200 is the whole object, which is spooled once to an unlinked temporary
// file of at most spoolMax bytes and read from there. Nothing guarantees
// Range on GitHub's blob API, and a reader that failed on a 200 made every
// model check silent.
type rangedReader struct {
	ctx      context.Context
	size     int64
	spoolMax int64
	fetch    func(ctx context.Context, start, end int64) (*http.Response, error)
	mu       sync.Mutex
	cache    map[int64][]byte
	spool    *os.File // the whole object, once a server answered 200
}

func newRangedReader(ctx context.Context, size, spoolMax int64, fetch func(context.Context, int64, int64) (*http.Response, error)) *rangedReader {
	return &rangedReader{ctx: ctx, size: size, spoolMax: spoolMax, fetch: fetch, cache: map[int64][]byte{}}
}

func (r *rangedReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= r.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && off+int64(n) < r.size {
		pos := off + int64(n)
		blk, err := r.block(pos / rangeBlock)
		if err != nil {
			return n, err
		}
		if pos%rangeBlock >= int64(len(blk)) {
			return n, io.ErrUnexpectedEOF
		}
		n += copy(p[n:], blk[pos%rangeBlock:])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (r *rangedReader) block(i int64) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if b, ok := r.cache[i]; ok {
		return b, nil
	}
	start := i * rangeBlock
	end := min(start+rangeBlock, r.size) - 1
	var b []byte
	if r.spool != nil {
		b = make([]byte, end-start+1)
		if _, err := r.spool.ReadAt(b, start); err != nil {
			return nil, fmt.Errorf("read spooled copy: %w", err)
		}
	} else {
		var err error
		if b, err = r.fetchBlock(start, end); err != nil {
			return nil, err
		}
	}
	if len(r.cache) >= 64 {
		clear(r.cache)
	}
	r.cache[i] = b
	return b, nil
}

// fetchBlock asks for bytes start..end; a server that ignores Range gets
// its whole answer spooled (r.spool) and the block read from there.
func (r *rangedReader) fetchBlock(start, end int64) ([]byte, error) {
	resp, err := r.fetch(r.ctx, start, end)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusPartialContent:
		b, err := io.ReadAll(io.LimitReader(resp.Body, end-start+2))
		if err != nil {
			return nil, fmt.Errorf("read bytes %d-%d: %w", start, end, err)
		}
		if int64(len(b)) != end-start+1 {
			return nil, fmt.Errorf("read bytes %d-%d: the server sent %d bytes", start, end, len(b))
		}
		return b, nil
	case http.StatusOK:
		if err := r.spoolBody(resp.Body); err != nil {
			return nil, err
		}
		b := make([]byte, end-start+1)
		if _, err := r.spool.ReadAt(b, start); err != nil {
			return nil, fmt.Errorf("read spooled copy: %w", err)
		}
		return b, nil
	default:
		return nil, fmt.Errorf("read bytes %d-%d: HTTP %d", start, end, resp.StatusCode)
	}
}

// spoolBody copies a whole-object answer to an unlinked temporary file: it
// is read once, and disappears with the reader.
func (r *rangedReader) spoolBody(body io.Reader) error {
	if r.size > r.spoolMax {
		return fmt.Errorf("the server ignored the byte range, and the object (%d bytes) is over the %d bytes ward copies whole", r.size, r.spoolMax)
	}
	f, err := os.CreateTemp("", "ward-object-*")
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	os.Remove(f.Name()) // unlinked: the space is freed when the file is closed or collected
	n, err := io.Copy(f, io.LimitReader(body, r.size+1))
	if err != nil {
		f.Close()
		return fmt.Errorf("spool: %w", err)
	}
	if n != r.size {
		f.Close()
		return fmt.Errorf("spool: the server sent %d bytes of a %d-byte object", n, r.size)
	}
	r.spool = f
	return nil
}

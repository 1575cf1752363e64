package deps

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Bounds for reading an OSV export.
const (
	maxOSVRecordBytes = 4 << 20
	maxOSVRecords     = 3_000_000
)

// osvIndex holds advisories by ecosystem and normalised package name.
type osvIndex map[Ecosystem]map[string][]*Advisory

func (ix osvIndex) add(a *Advisory) {
	for _, af := range a.Affected {
		if ix[af.Eco] == nil {
			ix[af.Eco] = map[string][]*Advisory{}
		}
		n := Normalize(af.Eco, af.Name)
		list := ix[af.Eco][n]
		if len(list) > 0 && list[len(list)-1] == a {
			continue
		}
		ix[af.Eco][n] = append(list, a)
	}
}

// lookup returns the advisories that affect a dependency.
func (ix osvIndex) lookup(eco Ecosystem, name, version string) []*Advisory {
	var out []*Advisory
	for _, a := range ix[eco][Normalize(eco, name)] {
		if a.Match(eco, name, version) {
			out = append(out, a)
		}
	}
	return out
}

// osvDir reads OSV's export layout, <dir>/<Ecosystem>/all.zip or unpacked
// <dir>/<Ecosystem>/*.json, one ecosystem at a time on first use.
type osvDir struct {
	dir string
	mu  sync.Mutex
	eco map[Ecosystem]*osvEcoLoad
}

type osvEcoLoad struct {
	once    sync.Once
	done    chan struct{} // closed when index, records and err are set
	index   osvIndex
	records int
	err     error
}

func newOSVDir(dir string) *osvDir {
	return &osvDir{dir: dir, eco: map[Ecosystem]*osvEcoLoad{}}
}

// load returns the index for one ecosystem. The first call starts reading
// it in the background (a full export takes a while); a caller whose context
// ends first gets an error and a later scan gets the index.
func (d *osvDir) load(ctx context.Context, eco Ecosystem) (osvIndex, error) {
	d.mu.Lock()
	l := d.eco[eco]
	if l == nil {
		l = &osvEcoLoad{done: make(chan struct{})}
		d.eco[eco] = l
	}
	d.mu.Unlock()
	l.once.Do(func() {
		go func() {
			defer close(l.done)
			// A missing ecosystem folder is normal (the export may cover
			// only some); a missing export is a misconfiguration to report.
			if info, err := os.Stat(d.dir); err != nil || !info.IsDir() {
				l.err = fmt.Errorf("OSV export directory %s is not readable", d.dir)
				return
			}
			l.index, l.records, l.err = readOSVEcosystem(filepath.Join(d.dir, string(eco)))
		}()
	})
	select {
	case <-l.done:
		return l.index, l.err
	case <-ctx.Done():
		return nil, fmt.Errorf("OSV export for %s still loading: %w", eco, ctx.Err())
	}
}

// readOSVEcosystem reads all.zip if present, else every *.json below dir. A
// missing ecosystem folder is an empty index: the export may cover only some.
func readOSVEcosystem(dir string) (osvIndex, int, error) {
	ix := osvIndex{}
	n := 0
	add := func(name string, b []byte) error {
		n++
		if n > maxOSVRecords {
			return fmt.Errorf("more than %d records", maxOSVRecords)
		}
		a, err := parseAdvisory(b)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if a != nil {
			ix.add(a)
		}
		return nil
	}
	zipPath := filepath.Join(dir, "all.zip")
	if zr, err := zip.OpenReader(zipPath); err == nil {
		defer zr.Close()
		for _, zf := range zr.File {
			if !strings.HasSuffix(zf.Name, ".json") {
				continue
			}
			if zf.UncompressedSize64 > maxOSVRecordBytes {
				return ix, n, fmt.Errorf("%s: %s is over %d bytes", zipPath, zf.Name, maxOSVRecordBytes)
			}
			rc, err := zf.Open()
			if err != nil {
				return ix, n, fmt.Errorf("%s: %w", zipPath, err)
			}
			b, err := io.ReadAll(io.LimitReader(rc, maxOSVRecordBytes+1))
			rc.Close()
			if err != nil {
				return ix, n, fmt.Errorf("%s: %s: %w", zipPath, zf.Name, err)
			}
			if err := add(zf.Name, b); err != nil {
				return ix, n, fmt.Errorf("%s: %w", zipPath, err)
			}
		}
		return ix, n, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return ix, n, fmt.Errorf("open %s: %w", zipPath, err)
	}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
				return fs.SkipDir
			}
			return err
		}
		if e.IsDir() || !strings.HasSuffix(p, ".json") {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		if info.Size() > maxOSVRecordBytes {
			return fmt.Errorf("%s is over %d bytes", p, maxOSVRecordBytes)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return add(p, b)
	})
	if err != nil {
		return ix, n, fmt.Errorf("read OSV export %s: %w", dir, err)
	}
	return ix, n, nil
}

package extract

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
)

func Unzip(src, dest string) error {
	r, err := zip.OpenReader(src)
	if err != nil {
		return err
	}
	for _, f := range r.File {
		// ruleid: code-archive-extract-unfiltered
		target := filepath.Join(dest, f.Name)
		_ = os.MkdirAll(filepath.Dir(target), 0o755)
	}
	return nil
}

func SafeUnzip(src, dest string) error {
	r, err := zip.OpenReader(src)
	if err != nil {
		return err
	}
	for _, f := range r.File {
		// ok: code-archive-extract-unfiltered
		target := filepath.Join(dest, f.Name)
		if !strings.HasPrefix(target, filepath.Clean(dest)+string(os.PathSeparator)) {
			continue
		}
	}
	// ok: code-archive-extract-unfiltered
	_ = filepath.Join(dest, "manifest.json")
	return nil
}

func ReadOnly(src, dir string) error {
	r, err := zip.OpenReader(src)
	if err != nil {
		return err
	}
	for _, f := range r.File {
		// ok: code-archive-extract-unfiltered
		_, _ = os.Stat(filepath.Join(dir, f.Name))
	}
	return nil
}

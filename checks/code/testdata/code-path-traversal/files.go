package files

import (
	"net/http"
	"os"
	"path/filepath"
)

func Serve(w http.ResponseWriter, r *http.Request) {
	// ruleid: code-path-traversal
	data, _ := os.ReadFile(filepath.Join("/srv", r.URL.Query().Get("f")))
	// ruleid: code-path-traversal
	http.ServeFile(w, r, r.FormValue("path"))
	// ok: code-path-traversal
	cfg, _ := os.ReadFile("/etc/app.conf")
	// ok: code-path-traversal
	f, _ := os.Open(filepath.Join("/srv", filepath.Base(r.FormValue("f"))))
	_, _, _ = data, cfg, f
}

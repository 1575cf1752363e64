package fetch

import "net/http"

func Proxy(w http.ResponseWriter, r *http.Request) {
	target := r.URL.Query().Get("url")
	// ruleid: code-ssrf
	resp, _ := http.Get(target)
	// ruleid: code-ssrf
	req, _ := http.NewRequestWithContext(r.Context(), "GET", r.FormValue("u"), nil)
	// ok: code-ssrf
	ok, _ := http.Get("https://example.com/health")
	// ok: code-ssrf
	ok2, _ := http.Get("https://api.example.com/items/" + r.FormValue("id"))
	_, _, _, _ = resp, req, ok, ok2
}

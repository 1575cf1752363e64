package server

import (
	"crypto/tls"
	"net/http"
	"os"
)

func Handle(w http.ResponseWriter, r *http.Request) {
	data, _ := os.ReadFile(r.URL.Query().Get("file"))
	_, _ = w.Write(data)
}

var Insecure = &tls.Config{InsecureSkipVerify: true}

package tlsconf

import (
	"crypto/tls"
	"net/http"
)

func Client(insecure bool) *http.Client {
	// ruleid: code-tls-verify-disabled
	t := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		// ruleid: code-tls-verify-disabled
		InsecureSkipVerify: true,
	}
	// ok: code-tls-verify-disabled
	ok := &tls.Config{MinVersion: tls.VersionTLS13}
	// ok: code-tls-verify-disabled
	flagged := &tls.Config{InsecureSkipVerify: insecure}
	_, _, _ = cfg, ok, flagged
	return &http.Client{Transport: t}
}

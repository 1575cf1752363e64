package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// healthcheckCmd asks a running ward for /healthz. Distroless images have no
// shell or curl, so the container HEALTHCHECK calls ward itself.
func healthcheckCmd(ctx context.Context, args []string, stderr io.Writer) int {
	url := "http://127.0.0.1" + portOf(envOr("WARD_ADDR", ":3000")) + "/healthz"
	if len(args) > 0 {
		url = args[0]
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintf(stderr, "ward healthcheck: %v\n", err)
		return 2
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "ward healthcheck: %v\n", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "ward healthcheck: %s answered HTTP %d\n", url, resp.StatusCode)
		return 1
	}
	return 0
}

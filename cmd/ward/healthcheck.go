package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"
)

// healthcheckCmd asks a running ward for /healthz. Distroless images have no
// shell or curl, so the container HEALTHCHECK calls ward itself.
func healthcheckCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprint(fl.Output(), "Usage: ward healthcheck [URL]\n\nExits 0 when a running ward answers URL "+
			"(default http://127.0.0.1$WARD_ADDR/healthz) with 200 within 3 s, 1 otherwise.\n")
	}
	pos, help, err := parseArgs(fl, args)
	if help {
		fl.SetOutput(stdout)
		fl.Usage()
		return 0
	}
	if err == nil && len(pos) > 1 {
		err = fmt.Errorf("one URL at most, got %d", len(pos))
	}
	if err != nil {
		return usageError(fl, stderr, err)
	}
	url := "http://127.0.0.1" + portOf(envOr("WARD_ADDR", ":3000")) + "/healthz"
	if len(pos) > 0 {
		url = pos[0]
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

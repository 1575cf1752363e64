package main

import (
	"os"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/hub"
)

// hubFromEnv builds the Hub client of `ward serve` and `ward scan --hub`:
// WARD_HF_ENDPOINT (default the public Hub) and WARD_HF_TOKEN (gated and
// private models). Repositories still opt in with `hub_check: on`.
func hubFromEnv(lim checks.Limits) *hub.Checker {
	return &hub.Checker{
		Client: hub.NewClient(os.Getenv("WARD_HF_ENDPOINT"), os.Getenv("WARD_HF_TOKEN"), nil),
		Limits: lim,
	}
}

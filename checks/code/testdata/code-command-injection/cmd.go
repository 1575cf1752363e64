package cmd

import (
	"net/http"
	"os/exec"
)

func Run(w http.ResponseWriter, r *http.Request) {
	host := r.URL.Query().Get("host")
	// ruleid: code-command-injection (high)
	_ = exec.Command("sh", "-c", "ping -c 1 "+host).Run()
	// ruleid: code-command-injection (high)
	_ = exec.Command(r.FormValue("tool")).Run()
	// ok: code-command-injection
	_ = exec.Command("ping", "-c", "1", host).Run()
	// ok: code-command-injection
	_ = exec.Command("sh", "-c", "uptime").Run()
}

package app

import (
	"context"
	"testing"
	"time"
)

// A running job whose lease lapsed is made runnable again; one whose lease
// is fresh is left to its replica; and the record of the dead attempt is
// counted by the next one.
func TestLapsedLeaseReleased(t *testing.T) {
	s := newTestServer(t, "sekret")
	ctx := context.Background()
	for _, a := range []ReviewArgs{{InstallationID: 7, Repo: "acme/app", PR: 1, HeadSHA: "dead", Trigger: "push"},
		{InstallationID: 7, Repo: "acme/app", PR: 2, HeadSHA: "alive", Trigger: "push"}} {
		if err := s.Store().Insert(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.store.db.ExecContext(ctx, `UPDATE river_job SET state = 'running', attempt = 1`); err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	rows, err := s.store.db.QueryContext(ctx, `SELECT id, json_extract(args, '$.head_sha') FROM river_job`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var sha string
		rows.Scan(&id, &sha)
		ids[sha] = id
	}
	rows.Close()
	if _, err := s.store.beginAttempt(ctx, ids["dead"], 1, -time.Second); err != nil { // lapsed a second ago
		t.Fatal(err)
	}
	if _, err := s.store.beginAttempt(ctx, ids["alive"], 1, time.Minute); err != nil {
		t.Fatal(err)
	}
	n, err := s.store.releaseLapsed(ctx)
	if err != nil || n != 1 {
		t.Fatalf("released %d (%v), want the one job whose lease lapsed", n, err)
	}
	var state string
	s.store.db.QueryRowContext(ctx, `SELECT state FROM river_job WHERE id = $1`, ids["dead"]).Scan(&state)
	if state != "available" {
		t.Fatalf("lapsed job is %s", state)
	}
	s.store.db.QueryRowContext(ctx, `SELECT state FROM river_job WHERE id = $1`, ids["alive"]).Scan(&state)
	if state != "running" {
		t.Fatalf("job with a fresh lease is %s", state)
	}
	died, err := s.store.beginAttempt(ctx, ids["dead"], 2, time.Minute)
	if err != nil || died != 1 {
		t.Fatalf("the next attempt counts %d dead ones (%v), want 1", died, err)
	}
}

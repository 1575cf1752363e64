package app

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func openGateStores(t *testing.T) map[string]*Store {
	t.Helper()
	urls := map[string]string{"sqlite": "sqlite://" + filepath.Join(t.TempDir(), "ward.db")}
	if u := os.Getenv("WARD_TEST_POSTGRES_URL"); u != "" {
		urls["postgres"] = u
	}
	out := map[string]*Store{}
	for kind, u := range urls {
		s, err := OpenStore(context.Background(), u, QueueConfig{})
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		t.Cleanup(func() { s.Close() })
		out[kind] = s
	}
	return out
}

func TestCommandRateLimitIsAtomic(t *testing.T) {
	for kind, s := range openGateStores(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			repo := "acme/rate-" + time.Now().Format("150405.000000") // distinct on a shared database
			now := time.Now()
			var granted atomic.Int32
			var wg sync.WaitGroup
			for range 25 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ok, err := s.AllowCommand(ctx, repo, 1, map[string]int{"readers": 10}, time.Minute, now)
					if err != nil {
						t.Error(err)
					}
					if ok {
						granted.Add(1)
					}
				}()
			}
			wg.Wait()
			if granted.Load() != 10 {
				t.Fatalf("%d of 25 concurrent commands allowed, want 10", granted.Load())
			}
			// Another PR has its own budget; the window slides.
			if ok, _ := s.AllowCommand(ctx, repo, 2, map[string]int{"readers": 10}, time.Minute, now); !ok {
				t.Error("another PR was limited")
			}
			if ok, _ := s.AllowCommand(ctx, repo, 1, map[string]int{"readers": 10}, time.Minute, now.Add(61*time.Second)); !ok {
				t.Error("still limited after the window")
			}
			// A full bucket refuses without spending the others.
			if ok, _ := s.AllowCommand(ctx, repo, 1, map[string]int{"readers": 10, "user:a": 5}, time.Minute, now); ok {
				t.Error("allowed with the readers' bucket full")
			}
			if ok, _ := s.AllowCommand(ctx, repo, 1, map[string]int{"user:a": 1}, time.Minute, now); !ok {
				t.Error("a refused command spent user:a's budget")
			}
		})
	}
}

func TestIgnoreRecords(t *testing.T) {
	for kind, s := range openGateStores(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			repo := "acme/ign-" + time.Now().Format("150405.000000")
			rec := IgnoreRecord{Repo: repo, PR: 3, Rule: "code-pickle-load", Path: "src/a.py", Reason: "fixture", Author: "maint", HeadSHA: "abc", At: time.Now()}
			if err := s.AddIgnore(ctx, rec); err != nil {
				t.Fatal(err)
			}
			rec.Reason = "our own cache" // a second /ignore replaces the first
			if err := s.AddIgnore(ctx, rec); err != nil {
				t.Fatal(err)
			}
			got, err := s.Ignores(ctx, repo, 3)
			if err != nil || len(got) != 1 || got[0].Reason != "@maint: our own cache" || got[0].Path != "src/a.py" ||
				got[0].Author != "maint" || got[0].HeadSHA != "abc" {
				t.Fatalf("ignores = %+v, %v", got, err)
			}
			if removed, err := s.RemoveIgnore(ctx, repo, 3, "code-pickle-load", ""); err != nil || removed {
				t.Fatalf("unignore without the path removed %v (%v)", removed, err)
			}
			if removed, err := s.RemoveIgnore(ctx, repo, 3, "code-pickle-load", "src/a.py"); err != nil || !removed {
				t.Fatalf("unignore: %v %v", removed, err)
			}
			if got, _ := s.Ignores(ctx, repo, 3); len(got) != 0 {
				t.Fatalf("ignores after unignore: %+v", got)
			}
		})
	}
}

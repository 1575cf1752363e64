package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func openLLMStores(t *testing.T) map[string]*Store {
	t.Helper()
	ctx := context.Background()
	urls := map[string]string{"sqlite": "sqlite://" + filepath.Join(t.TempDir(), "ward.db")}
	if u := os.Getenv("WARD_TEST_POSTGRES_URL"); u != "" {
		urls["postgres"] = u
	}
	out := map[string]*Store{}
	for kind, u := range urls {
		// Twice: the migration is idempotent.
		for range 2 {
			s, err := OpenStore(ctx, u, QueueConfig{})
			if err != nil {
				t.Fatalf("%s: %v", kind, err)
			}
			if out[kind] != nil {
				out[kind].Close()
			}
			out[kind] = s
		}
		t.Cleanup(func() { out[kind].Close() })
	}
	return out
}

func TestOpinionStoreBudget(t *testing.T) {
	for kind, s := range openLLMStores(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			o := OpinionStore{s}
			inst := time.Now().UnixNano() // distinct per run on a shared database
			day := "2026-11-25"
			var granted atomic.Int32
			var wg sync.WaitGroup
			for range 10 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ok, err := o.ReserveLLMCall(ctx, inst, day, 3, 1000)
					if err != nil {
						t.Error(err)
					}
					if ok {
						granted.Add(1)
					}
				}()
			}
			wg.Wait()
			if granted.Load() != 3 {
				t.Fatalf("%d calls granted of a budget of 3", granted.Load())
			}
			if ok, _ := o.ReserveLLMCall(ctx, inst, "2026-11-26", 3, 1000); !ok {
				t.Error("the next day has a fresh budget")
			}
			if err := o.AddLLMTokens(ctx, inst+1, day, 0); err != nil {
				t.Fatal(err)
			}
			ok, _ := o.ReserveLLMCall(ctx, inst+1, day, 100, 1000)
			if !ok {
				t.Fatal("first call refused")
			}
			if err := o.AddLLMTokens(ctx, inst+1, day, 1200); err != nil {
				t.Fatal(err)
			}
			if ok, _ := o.ReserveLLMCall(ctx, inst+1, day, 100, 1000); ok {
				t.Error("a call was granted with the day's tokens spent")
			}
			calls, tokens, err := o.LLMUsage(ctx, inst+1, day)
			if err != nil || calls != 1 || tokens != 1200 {
				t.Errorf("usage %d calls %d tokens (%v)", calls, tokens, err)
			}
		})
	}
}

func TestOpinionStoreCache(t *testing.T) {
	for kind, s := range openLLMStores(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			o := OpinionStore{s}
			key := fmt.Sprintf("llm:test:%s:%d", t.Name(), time.Now().UnixNano()) // distinct per run on a shared database
			if _, ok := o.CachedOpinion(ctx, key); ok {
				t.Fatal("hit on an empty cache")
			}
			o.CacheOpinion(ctx, key, []byte(`{"a":1}`))
			o.CacheOpinion(ctx, key, []byte(`{"a":2}`)) // a forced rescan replaces it
			got, ok := o.CachedOpinion(ctx, key)
			if !ok || string(got) != `{"a":2}` {
				t.Fatalf("cached %q, %v", got, ok)
			}
		})
	}
}

// A user's forced second opinions stop at the daily budget, also when asked
// for concurrently; other users and other days have their own.
func TestUserSecondOpinionBudget(t *testing.T) {
	for kind, s := range openLLMStores(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			day := fmt.Sprintf("2026-01-%02d", time.Now().Nanosecond()%28+1)
			login := fmt.Sprintf("user-%d", time.Now().UnixNano())
			var granted atomic.Int32
			var wg sync.WaitGroup
			for range 12 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ok, err := s.ReserveUserLLM(ctx, 7, login, day, secondOpinionsPerUser)
					if err != nil {
						t.Error(err)
					}
					if ok {
						granted.Add(1)
					}
				}()
			}
			wg.Wait()
			if granted.Load() != secondOpinionsPerUser {
				t.Fatalf("%d of 12 granted, want %d", granted.Load(), secondOpinionsPerUser)
			}
			if ok, _ := s.ReserveUserLLM(ctx, 7, login+"-other", day, secondOpinionsPerUser); !ok {
				t.Error("another user was refused")
			}
			if ok, _ := s.ReserveUserLLM(ctx, 7, login, "2099-01-01", secondOpinionsPerUser); !ok {
				t.Error("the next day was refused")
			}
		})
	}
}

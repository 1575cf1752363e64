package app

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/review"
)

func TestResultCacheBatches(t *testing.T) {
	for kind, s := range openGateStores(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			c := ResultCache{s}
			prefix := fmt.Sprintf("test-%d|", time.Now().UnixNano()) // distinct on a shared database
			entry := func(k, rule string) review.CacheEntry {
				return review.CacheEntry{Key: prefix + k, Findings: []checks.Finding{{RuleID: rule, Severity: checks.SeverityHigh, Path: k}}}
			}
			c.PutMany(ctx, []review.CacheEntry{entry("kept", "first")})
			many := []review.CacheEntry{entry("kept", "second"), entry("dup", "one"), entry("dup", "two"),
				{Key: prefix + "clean"}}
			n := max(cacheRowsPerInsert, cacheKeysPerSelect) + 10 // more than one statement
			for i := range n {
				many = append(many, entry(fmt.Sprint(i), "r"))
			}
			c.PutMany(ctx, many)
			var keys []string
			for i := range n {
				keys = append(keys, prefix+fmt.Sprint(i))
			}
			keys = append(keys, prefix+"kept", prefix+"dup", prefix+"clean", prefix+"missing")
			got := c.GetMany(ctx, keys) // more keys than one query takes
			if len(got) != len(keys)-1 {
				t.Errorf("GetMany found %d of %d keys, want all but the missing one", len(got), len(keys))
			}
			if _, ok := got[prefix+"missing"]; ok {
				t.Error("a key never written is cached")
			}
			for _, tc := range []struct {
				key, rule string
				empty     bool
			}{
				{key: "kept", rule: "first"}, // an existing key is kept
				{key: "dup", rule: "one"},    // the first of a batch's duplicates wins
				{key: "clean", empty: true},  // no findings is a result too
				{key: "0", rule: "r"},
				{key: fmt.Sprint(n - 1), rule: "r"},
			} {
				fs, ok := got[prefix+tc.key]
				switch {
				case !ok:
					t.Errorf("%s: not cached", tc.key)
				case tc.empty && len(fs) != 0:
					t.Errorf("%s: %d findings, want none", tc.key, len(fs))
				case !tc.empty && (len(fs) != 1 || fs[0].RuleID != tc.rule):
					t.Errorf("%s: %+v, want one finding of rule %s", tc.key, fs, tc.rule)
				}
			}
		})
	}
}

// Replicas writing overlapping batches at once, each in its own order, all
// succeed: rows are inserted in key order, so PostgreSQL does not deadlock.
func TestResultCacheConcurrentOverlappingBatches(t *testing.T) {
	for kind, s := range openGateStores(t) {
		t.Run(kind, func(t *testing.T) {
			var logs syncBuffer
			s.log = slog.New(slog.NewTextHandler(&logs, nil))
			c := ResultCache{s}
			prefix := fmt.Sprintf("conc-%d|", time.Now().UnixNano())
			var keys []review.CacheEntry
			for i := range 250 {
				keys = append(keys, review.CacheEntry{Key: fmt.Sprintf("%s%03d", prefix, i)})
			}
			var wg sync.WaitGroup
			for w := range 8 {
				batch := append([]review.CacheEntry(nil), keys...)
				rand.New(rand.NewPCG(uint64(w), 1)).Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
				wg.Add(1)
				go func() {
					defer wg.Done()
					c.PutMany(context.Background(), batch)
				}()
			}
			wg.Wait()
			if out := logs.String(); out != "" {
				t.Fatalf("concurrent writes failed:\n%s", out)
			}
			var want []string
			for _, e := range keys {
				want = append(want, e.Key)
			}
			if got := c.GetMany(context.Background(), want); len(got) != len(want) {
				t.Fatalf("%d of %d keys cached", len(got), len(want))
			}
		})
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

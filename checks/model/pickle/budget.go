package pickle

import (
	"context"
	"sync"
	"time"
)

// budget is the memory one analysis may hold: memo, stack and marks,
// retained strings, tracked containers, call records, globals and nested
// payloads, across every stream and nested analysis of one file. Charges are
// estimates of what the Go structures cost (slice headers and map buckets
// included), so that a pickle cannot make ward allocate more than the budget
// however it combines opcodes; going over stops the analysis with
// LimitMemory, which is reported as "not fully analysed".
//
// A file's budget bounds one analysis; the process pool bounds all of them
// together, so that a pull request of eight memory bombs, each within its
// own budget, cannot hold eight budgets at once.
type budget struct {
	used, max int64

	pool     *memoryPool // nil: only max applies
	ctx      context.Context
	reserved int64 // taken from pool, beyond poolFree
	denied   bool  // the pool could not supply more in time
}

func newBudget(max int64) *budget { return &budget{max: max} }

// newPooledBudget makes a file's budget that also draws on the process pool.
// Its owner must close it.
func newPooledBudget(ctx context.Context, max int64) *budget {
	b := newBudget(max)
	if p := processPool(); p != nil {
		b.pool, b.ctx = p, ctx
	}
	return b
}

func (b *budget) charge(n int64) {
	b.used += n
	if b.pool != nil && b.used > b.reserved+poolFree && !b.denied {
		b.reserve()
	}
}

func (b *budget) release(n int64) { b.used -= n }
func (b *budget) over() bool      { return b.used > b.max || b.denied }

// reserve takes from the pool what used needs beyond the free allowance, in
// chunks, waiting a while for other analyses to return memory.
func (b *budget) reserve() {
	need := b.used - poolFree - b.reserved
	need = (need + poolChunk - 1) / poolChunk * poolChunk
	if b.reserved+need > b.max {
		need = max(b.max-b.reserved, 0)
	}
	if need == 0 || !b.pool.take(b.ctx, need) {
		b.denied = b.used > b.reserved+poolFree
		return
	}
	b.reserved += need
}

// close returns what the budget took from the pool.
func (b *budget) close() {
	if b.pool != nil && b.reserved > 0 {
		b.pool.give(b.reserved)
		b.reserved = 0
	}
}

const (
	// poolFree is what an analysis may hold before it draws on the pool:
	// nearly every real file stays below it and never touches the lock.
	poolFree = 16 << 20
	// poolChunk is how much an analysis takes from the pool at a time.
	poolChunk = 8 << 20
	// poolWaitDefault is how long an analysis waits for the pool before it
	// stops as over its budget (reported as not fully analysed): memory
	// bombs reach their own budget within seconds and give theirs back.
	poolWaitDefault = 10 * time.Second
	// DefaultProcessMemory is the pool's size unless SetProcessMemory says
	// otherwise: two analyses at the default per-file budget.
	DefaultProcessMemory = 1 << 30
)

// memoryPool is the memory all pickle analyses of the process may hold
// together beyond their free allowance.
type memoryPool struct {
	mu    sync.Mutex
	max   int64
	used  int64
	freed chan struct{} // closed and replaced whenever memory returns
}

var (
	poolWait = poolWaitDefault // tests shorten it
	poolMu   sync.Mutex
	pool     = &memoryPool{max: DefaultProcessMemory, freed: make(chan struct{})}
)

// SetProcessMemory sets how many bytes all pickle analyses of this process
// may hold at once beyond a small allowance each (DefaultProcessMemory
// unless set; n <= 0: no shared bound, only each file's budget). Analyses
// already running keep the pool they started with.
func SetProcessMemory(n int64) {
	poolMu.Lock()
	defer poolMu.Unlock()
	if n <= 0 {
		pool = nil
		return
	}
	pool = &memoryPool{max: n, freed: make(chan struct{})}
}

func processPool() *memoryPool {
	poolMu.Lock()
	defer poolMu.Unlock()
	return pool
}

// take reserves n bytes, waiting up to poolWait (or until ctx ends) for
// other analyses to return enough.
func (p *memoryPool) take(ctx context.Context, n int64) bool {
	if n > p.max {
		return false // no amount of waiting makes it fit
	}
	var timer <-chan time.Time
	for {
		p.mu.Lock()
		if p.used+n <= p.max {
			p.used += n
			p.mu.Unlock()
			return true
		}
		freed := p.freed
		p.mu.Unlock()
		if timer == nil {
			t := time.NewTimer(poolWait)
			defer t.Stop()
			timer = t.C
		}
		select {
		case <-freed:
		case <-timer:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

func (p *memoryPool) give(n int64) {
	p.mu.Lock()
	p.used -= n
	close(p.freed)
	p.freed = make(chan struct{})
	p.mu.Unlock()
}

// Approximate costs of the machine's records, in bytes.
const (
	costValue  = 16  // one abstract value
	costSeq    = 72  // a tracked container's header (with its share of the table's growth)
	costString = 48  // a retained string's header, rounding and share of the table's growth
	costCall   = 192 // a call record with its share of the table's growth
	costGlobal = 256 // a Global with its map key
	costCallOf = 96  // a recorded Call of a Global, besides its rendered arguments
)

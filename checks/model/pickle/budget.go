package pickle

// budget is the memory one analysis may hold: memo, stack and marks,
// retained strings, tracked containers, call records, globals and nested
// payloads, across every stream and nested analysis of one file. Charges are
// estimates of what the Go structures cost (slice headers and map buckets
// included), so that a pickle cannot make ward allocate more than the budget
// however it combines opcodes; going over stops the analysis with
// LimitMemory, which is reported as "not fully analysed".
type budget struct {
	used, max int64
}

func newBudget(max int64) *budget { return &budget{max: max} }

func (b *budget) charge(n int64)  { b.used += n }
func (b *budget) release(n int64) { b.used -= n }
func (b *budget) over() bool      { return b.used > b.max }

// Approximate costs of the machine's records, in bytes.
const (
	costValue  = 16  // one abstract value
	costSeq    = 72  // a tracked container's header (with its share of the table's growth)
	costString = 48  // a retained string's header, rounding and share of the table's growth
	costCall   = 192 // a call record with its share of the table's growth
	costGlobal = 256 // a Global with its map key
	costCallOf = 96  // a recorded Call of a Global, besides its rendered arguments
)

package checks

import "time"

// Limits bound the work spent on one file. Going over one is a finding
// ("could not be fully analysed"), never a crash and never a silent pass.
type Limits struct {
	MaxFileBytes         int64         // bytes a check may read of one file
	MaxDecompressedBytes int64         // bytes out of one decompressor
	MaxCompressionRatio  int64         // decompressed/compressed before it is a bomb
	MaxDepth             int           // nesting of archives and payloads
	MaxMembers           int           // members of one archive
	MaxOpcodes           int64         // pickle opcodes per stream
	MaxMemo              int           // pickle memo entries
	MaxMemoryBytes       int64         // memory one file's model analysis may hold (memo, stacks, tables)
	MaxSourceBytes       int64         // source files above this are skipped with a note
	Timeout              time.Duration // wall time per file
}

// DefaultLimits are generous enough for real checkpoints and tight enough for
// one review not to starve the others.
var DefaultLimits = Limits{
	MaxFileBytes:         1 << 30,
	MaxDecompressedBytes: 2 << 30,
	MaxCompressionRatio:  200,
	MaxDepth:             8,
	MaxMembers:           100_000,
	MaxOpcodes:           200_000_000,
	MaxMemo:              64_000_000,
	MaxMemoryBytes:       512 << 20,
	MaxSourceBytes:       2 << 20,
	Timeout:              60 * time.Second,
}

// withDefaults fills zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxFileBytes > 0 {
		d.MaxFileBytes = l.MaxFileBytes
	}
	if l.MaxDecompressedBytes > 0 {
		d.MaxDecompressedBytes = l.MaxDecompressedBytes
	}
	if l.MaxCompressionRatio > 0 {
		d.MaxCompressionRatio = l.MaxCompressionRatio
	}
	if l.MaxDepth > 0 {
		d.MaxDepth = l.MaxDepth
	}
	if l.MaxMembers > 0 {
		d.MaxMembers = l.MaxMembers
	}
	if l.MaxOpcodes > 0 {
		d.MaxOpcodes = l.MaxOpcodes
	}
	if l.MaxMemo > 0 {
		d.MaxMemo = l.MaxMemo
	}
	if l.MaxMemoryBytes > 0 {
		d.MaxMemoryBytes = l.MaxMemoryBytes
	}
	if l.MaxSourceBytes > 0 {
		d.MaxSourceBytes = l.MaxSourceBytes
	}
	if l.Timeout > 0 {
		d.Timeout = l.Timeout
	}
	return d
}

// Effective returns the limits with zero fields filled from DefaultLimits.
func (l Limits) Effective() Limits { return l.withDefaults() }

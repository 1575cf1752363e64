package tfmodel

import (
	"context"
	"encoding/binary"
	"path"
	"regexp"

	"github.com/ward-sec/ward/checks"
	"google.golang.org/protobuf/encoding/protowire"
)

// tableMagic ends every TensorFlow checkpoint index (a LevelDB-format
// table): variables/variables.index in a SavedModel.
const tableMagic = 0xdb4775248b80fb57

// isCheckpointIndex recognises a checkpoint index by its footer magic.
func isCheckpointIndex(f *checks.File) bool {
	if f.Size < 48 {
		return false
	}
	var tail [8]byte
	if _, err := f.Content.ReadAt(tail[:], f.Size-8); err != nil {
		return false
	}
	return binary.LittleEndian.Uint64(tail[:]) == tableMagic
}

var shardName = regexp.MustCompile(`^(.+)\.data-[0-9]{5}-of-[0-9]{5}$`)

// isCheckpointShard recognises a checkpoint data shard (raw tensor bytes,
// no structure of its own) by the index next to it in the snapshot: the
// shard of prefix P is P.data-NNNNN-of-MMMMM and P.index must be a
// checkpoint index.
func isCheckpointShard(ctx context.Context, f *checks.File) bool {
	if f.Tree == nil {
		return false
	}
	m := shardName.FindStringSubmatch(path.Base(f.Path))
	if m == nil {
		return false
	}
	blob, err := f.Tree.Open(ctx, path.Join(path.Dir(f.Path), m[1]+".index"))
	if err != nil || blob == nil {
		return false
	}
	return isCheckpointIndex(&checks.File{Blob: *blob})
}

// isFingerprint recognises fingerprint.pb (FingerprintDef: four uint64
// hashes, a checkpoint hash and a VersionDef).
func isFingerprint(b []byte) bool {
	if len(b) > 4096 || len(b) < 4 {
		return false
	}
	seen := 0
	err := eachField(b, func(f field) error {
		switch {
		case f.Num >= 1 && f.Num <= 5 && f.Type == protowire.VarintType:
			seen++
		case f.Num == 6 && f.Type == protowire.BytesType:
		default:
			return errLimit
		}
		return nil
	})
	return err == nil && seen >= 3
}

package storetest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Damage alters the files of a stopped embedded server's stream, as a
// failing disk or a careless hand would. Every method works on the files
// only: the server holding dataDir must be shut down first, and started
// again afterwards to see the damage.
type Damage struct {
	// Dir is the stream's folder: <data>/jetstream/$G/streams/<stream>.
	Dir string
}

// DamageOf returns the Damage of stream's files in the embedded server's
// data folder dataDir.
func DamageOf(dataDir, stream string) Damage {
	return Damage{Dir: filepath.Join(dataDir, "jetstream", "$G", "streams", stream)}
}

// Blocks returns the stream's message block files, in order.
func (d Damage) Blocks() ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(d.Dir, "msgs", "*.blk"))
	if err != nil {
		return nil, err
	}
	slices.SortFunc(paths, func(a, b string) int {
		return cmpBlock(filepath.Base(a), filepath.Base(b))
	})
	return paths, nil
}

func cmpBlock(a, b string) int {
	var x, y int
	_, _ = fmt.Sscanf(a, "%d.blk", &x)
	_, _ = fmt.Sscanf(b, "%d.blk", &y)
	return x - y
}

// FlipByte changes one byte inside the first occurrence of needle in the
// stream's message blocks (the byte at offset within it), and returns the
// block it changed. needle must occur.
func (d Damage) FlipByte(needle []byte, offset int) (string, error) {
	return d.flip(needle, offset, false)
}

// TruncateLastBlock cuts the stream's last message block to the fraction
// keep of its size (0.5: its first half).
func (d Damage) TruncateLastBlock(keep float64) error {
	blocks, err := d.Blocks()
	if err != nil || len(blocks) == 0 {
		return fmt.Errorf("no block in %s: %v", d.Dir, err)
	}
	p := blocks[len(blocks)-1]
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	return os.Truncate(p, int64(float64(fi.Size())*keep))
}

// RemoveBlock removes the stream's i-th message block (0: the first).
func (d Damage) RemoveBlock(i int) error {
	blocks, err := d.Blocks()
	if err != nil {
		return err
	}
	if i >= len(blocks) {
		return fmt.Errorf("%s has %d blocks, no block %d", d.Dir, len(blocks), i)
	}
	return os.Remove(blocks[i])
}

// RemoveIndex removes the stream's index and per-block index files, which
// the server rebuilds from the blocks.
func (d Damage) RemoveIndex() error {
	entries, err := os.ReadDir(filepath.Join(d.Dir, "msgs"))
	if err != nil {
		return err
	}
	for _, e := range entries {
		if n := e.Name(); n == "index.db" || strings.HasSuffix(n, ".idx") || strings.HasSuffix(n, ".fss") {
			if err := os.Remove(filepath.Join(d.Dir, "msgs", n)); err != nil {
				return err
			}
		}
	}
	return nil
}

// FlipLastByte is FlipByte at the last occurrence of needle in the
// stream's last block that holds it.
func (d Damage) FlipLastByte(needle []byte, offset int) (string, error) {
	return d.flip(needle, offset, true)
}

// flip changes the byte at offset within needle's first occurrence in the
// blocks, or with last its last occurrence in the last block holding it.
func (d Damage) flip(needle []byte, offset int, last bool) (string, error) {
	blocks, err := d.Blocks()
	if err != nil {
		return "", err
	}
	if last {
		slices.Reverse(blocks)
	}
	for _, p := range blocks {
		b, err := os.ReadFile(p)
		if err != nil {
			return "", err
		}
		at := bytes.Index(b, needle)
		if last {
			at = bytes.LastIndex(b, needle)
		}
		if at < 0 {
			continue
		}
		b[at+offset] ^= 0x01
		return p, os.WriteFile(p, b, 0o600)
	}
	return "", fmt.Errorf("%q is in no block of %s", needle, d.Dir)
}

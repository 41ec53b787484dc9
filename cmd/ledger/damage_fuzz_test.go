//go:build unix

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain/testday"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/storetest"
)

// The damages FuzzDamagedStoreReaders does to the stream's files, by op % 3.
const (
	damageXORBlock  = iota // XOR mask into one byte of the message blocks
	damageCutBlock         // cut the block holding offset short at offset
	damageIndexByte        // overwrite one byte of index.db, a .idx or a .fss file with mask
	damageKinds
)

// commandTimeout is how long one command may take on a damaged store
// before the target calls it hung.
const commandTimeout = 20 * time.Second

// FuzzDamagedStoreReaders damages the demo store's stream files (a stopped
// server's) at an offset chosen by the fuzzer, then runs the readers and a
// write on it. Every command returns, exits 0 or 1 without a panic, and
// fails in one line with one "ledger: " prefix. If verify --all passes,
// history DEMO-1 lists every one of the demo's DEMO-1 events and record
// stores exactly one message; if verify DEMO-1 fails, record stores
// nothing.
func FuzzDamagedStoreReaders(f *testing.F) {
	// A fraction of a second each; damage to the last message would make
	// the readers wait seconds for it, so no seed does that.
	f.Add(uint32(0), byte(0), byte(damageXORBlock))       // no damage at all
	f.Add(uint32(3000), byte(0), byte(damageCutBlock))    // a block cut short
	f.Add(uint32(0), byte(0), byte(damageCutBlock))       // a block cut to nothing
	f.Add(uint32(0), byte(0xff), byte(damageIndexByte))   // the index's first byte
	f.Add(uint32(100), byte(0x5a), byte(damageIndexByte)) // a byte inside the index

	// The demo runs once per fuzzing process, into the target's folder.
	tmpl := &cli{dir: f.TempDir(), clock: testday.Clock(f)}
	code, _, errs := tmpl.run("demo")
	require.Equal(f, 0, code, "demo: %s", errs)
	code, out, errs := tmpl.run("history", "DEMO-1", "--json")
	require.Equal(f, 0, code, "history: %s", errs)
	var demo1 []seqSummary
	require.NoError(f, json.Unmarshal([]byte(out), &demo1))
	require.NotEmpty(f, demo1)

	f.Fuzz(func(t *testing.T, offset uint32, mask, op byte) {
		c := newDemoCLI(t)
		c.clock = tmpl.clock
		require.NoError(t, os.CopyFS(c.dir, os.DirFS(tmpl.dir)))
		what := damageStream(t, storetest.DamageOf(c.dir, eventstore.DefaultStream), offset, mask, op)
		bundle := filepath.Join(t.TempDir(), "bundle.json")

		verified := runChecked(t, c, what, "verify", "--all")
		history := runChecked(t, c, what, "history", "DEMO-1", "--json")
		if verified.code == 0 {
			require.Equal(t, 0, history.code, "%s: verify --all passed, history DEMO-1 failed: %s", what, history.stderr)
			var got []seqSummary
			require.NoError(t, json.Unmarshal([]byte(history.stdout), &got), "%s: history --json", what)
			require.Len(t, got, len(demo1), "%s: verify --all passed, history DEMO-1 lists %d of the demo's %d events", what, len(got), len(demo1))
		}
		runChecked(t, c, what, "status")
		runChecked(t, c, what, "audit", "bundle", "DEMO-1", "-o", bundle)

		// A write reads its own project and the stream's state, not every
		// event: damage inside another project's event is verify --all's
		// to find, so the write is judged by verify DEMO-1.
		project := runChecked(t, c, what, "verify", "DEMO-1")
		before := streamCount(t, c.dir)
		runChecked(t, c, what, "record", "commissioned", "DEMO-1", "--on", "2026-11-29")
		after := streamCount(t, c.dir)
		switch {
		case verified.code == 0:
			require.Equal(t, before+1, after, "%s: verify --all passed, record must store one message", what)
		case project.code != 0:
			require.Equal(t, before, after, "%s: verify DEMO-1 failed (%s), record must store nothing", what, strings.TrimSpace(project.stderr))
		}
	})
}

// fuzzOutcome is what one command did.
type fuzzOutcome struct {
	code   int
	stdout string
	stderr string
}

// runChecked runs one command in-process under commandTimeout and fails
// the test if it hangs, panics, exits other than 0 or 1, or fails with
// other than one line carrying one "ledger: " prefix.
func runChecked(t *testing.T, c *cli, what string, args ...string) (r fuzzOutcome) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	done := make(chan fuzzOutcome, 1)
	panicked := make(chan any, 1)
	start := time.Now()
	go func() {
		defer func() {
			if p := recover(); p != nil {
				panicked <- p
			}
		}()
		var o fuzzOutcome
		o.code, o.stdout, o.stderr = c.run(args...)
		done <- o
	}()
	select {
	case r = <-done:
	case p := <-panicked:
		t.Fatalf("%s: ledger %s panicked: %v", what, strings.Join(args, " "), p)
	case <-ctx.Done():
		t.Fatalf("%s: ledger %s did not return within %s", what, strings.Join(args, " "), commandTimeout)
	}
	if took := time.Since(start); took > time.Second {
		t.Logf("%s: ledger %s took %s", what, strings.Join(args, " "), took.Round(time.Millisecond))
	}
	cmd := strings.Join(args, " ")
	assert.Contains(t, []int{0, 1}, r.code, "%s: ledger %s exit code", what, cmd)
	if r.code != 0 {
		assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "%s: ledger %s: one line: %q", what, cmd, r.stderr)
		assert.True(t, strings.HasSuffix(r.stderr, "\n"), "%s: ledger %s: the line ends: %q", what, cmd, r.stderr)
		assert.Equal(t, 1, strings.Count(r.stderr, "ledger: "), "%s: ledger %s: one prefix: %q", what, cmd, r.stderr)
		assert.True(t, strings.HasPrefix(r.stderr, "ledger: "), "%s: ledger %s: the prefix first: %q", what, cmd, r.stderr)
	}
	return r
}

// damageStream does the damage op chooses at offset (modulo the size of
// the files it damages, taken end to end in order), and says what it did.
func damageStream(t *testing.T, d storetest.Damage, offset uint32, mask, op byte) string {
	t.Helper()
	var files []string
	switch op % damageKinds {
	case damageXORBlock, damageCutBlock:
		blocks, err := d.Blocks()
		require.NoError(t, err)
		files = blocks
	case damageIndexByte:
		entries, err := os.ReadDir(filepath.Join(d.Dir, "msgs"))
		require.NoError(t, err)
		for _, e := range entries {
			if n := e.Name(); n == "index.db" || strings.HasSuffix(n, ".idx") || strings.HasSuffix(n, ".fss") {
				files = append(files, filepath.Join(d.Dir, "msgs", n))
			}
		}
		slices.Sort(files)
	}
	var total int64
	sizes := make([]int64, len(files))
	for i, p := range files {
		fi, err := os.Stat(p)
		require.NoError(t, err)
		sizes[i] = fi.Size()
		total += fi.Size()
	}
	if total == 0 {
		return fmt.Sprintf("op %d: no file to damage", op%damageKinds)
	}
	at := int64(offset) % total
	i := 0
	for at >= sizes[i] {
		at -= sizes[i]
		i++
	}
	p, name := files[i], filepath.Base(files[i])
	if op%damageKinds == damageCutBlock {
		require.NoError(t, os.Truncate(p, at))
		return fmt.Sprintf("%s cut to %d of %d bytes", name, at, sizes[i])
	}
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	if op%damageKinds == damageXORBlock {
		b[at] ^= mask
	} else {
		b[at] = mask
	}
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return fmt.Sprintf("%s byte %d of %d %s %#02x", name, at, sizes[i], map[bool]string{true: "xor", false: "set to"}[op%damageKinds == damageXORBlock], mask)
}

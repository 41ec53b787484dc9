//go:build unix

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/storetest"
)

// demoStore runs the demo once into a data folder and returns a function
// that copies it into a fresh cli for each case, with the stream
// sequences of DEMO-1's events.
func demoStore(t *testing.T) (copyTo func(t *testing.T) *cli, demo1 []seqSummary) {
	t.Helper()
	tmpl := newDemoCLI(t)
	tmpl.ok("demo")
	require.NoError(t, json.Unmarshal([]byte(tmpl.ok("history", "DEMO-1", "--json")), &demo1))
	return func(t *testing.T) *cli {
		c := newDemoCLI(t)
		c.clock = tmpl.clock
		require.NoError(t, os.CopyFS(c.dir, os.DirFS(tmpl.dir)))
		return c
	}, demo1
}

// seqSummary is what the damage tests read of an event in history --json.
type seqSummary struct {
	Sequence uint64 `json:"sequence"`
	Summary  string `json:"summary"`
}

// streamCount counts the ledger stream's messages without the ledger's
// checks, as the server holds them.
func streamCount(t *testing.T, dir string) uint64 {
	t.Helper()
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: dir, DontListen: true})
	require.NoError(t, err)
	defer srv.Shutdown()
	nc, err := srv.Connect()
	require.NoError(t, err)
	defer nc.Close()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	st, err := js.Stream(context.Background(), eventstore.DefaultStream)
	if err != nil {
		return 0
	}
	return st.CachedInfo().State.Msgs
}

// A store damaged on disk (one byte inside an event, the last event, a
// block cut short or removed) is named by every command that reads what
// was lost, with the stream sequence where it can be known, in one line
// and a non-zero exit; nothing is recorded on it. Damage the server
// repairs without loss (its index removed) changes nothing. status reads
// the projections the demo brought current before the damage, whole rows
// of every event, so a byte damaged inside an event leaves it answering;
// a store cut short is refused by it too.
func TestDamagedStoreIsNamedNeverHidden(t *testing.T) {
	fresh, demo1 := demoStore(t)
	seqOf := func(detail string) string {
		for _, r := range demo1 {
			if strings.Contains(r.Summary, detail) {
				return fmt.Sprint(r.Sequence)
			}
		}
		t.Fatalf("no DEMO-1 event says %q", detail)
		return ""
	}
	eia := seqOf("环审〔2026〕12号")
	last := fmt.Sprint(demo1[len(demo1)-1].Sequence)
	beforeLast := fmt.Sprint(demo1[len(demo1)-2].Sequence)

	type expect map[string]string // command -> what its error names ("" : it succeeds)
	commands := []string{"history DEMO-1", "verify DEMO-1", "verify --all", "audit bundle DEMO-1 -o bundle.json",
		"record commissioned DEMO-1 --on 2026-11-29", "backup backup-folder", "status"}
	// Where the commands write: in the case's own folder.
	place := func(c *cli, args []string) []string {
		out := append([]string(nil), args...)
		for i, a := range out {
			if a == "bundle.json" || a == "backup-folder" {
				out[i] = filepath.Join(c.dir, "..", a)
			}
		}
		return out
	}
	lost := "has lost events"
	cases := []struct {
		name   string
		damage func(storetest.Damage) error
		want   expect
	}{
		{"one byte inside an event", func(d storetest.Damage) error {
			_, err := d.FlipByte([]byte("环审〔2026〕12号"), len("环审〔2026〕"))
			return err
		}, expect{
			"history DEMO-1": "sequence " + eia, "verify DEMO-1": "sequence " + eia, "verify --all": "sequence " + eia,
			"audit bundle DEMO-1 -o bundle.json": "sequence " + eia, "record commissioned DEMO-1 --on 2026-11-29": "sequence " + eia,
			"backup backup-folder": "sequence " + eia,
		}},
		{"one byte inside the last event", func(d storetest.Damage) error {
			_, err := d.FlipLastByte([]byte("DEMO-1"), 2)
			return err
		}, expect{
			"history DEMO-1": "after stream sequence " + beforeLast, "verify DEMO-1": "after stream sequence " + beforeLast,
			"verify --all": "sequence " + last, "audit bundle DEMO-1 -o bundle.json": "after stream sequence " + beforeLast,
			"record commissioned DEMO-1 --on 2026-11-29": "after stream sequence " + beforeLast,
			"backup backup-folder":                       "sequence " + last,
		}},
		{"a block cut short", func(d storetest.Damage) error { return d.TruncateLastBlock(0.9) }, expect{
			"history DEMO-1": lost, "verify DEMO-1": lost, "verify --all": lost, "audit bundle DEMO-1 -o bundle.json": lost,
			"record commissioned DEMO-1 --on 2026-11-29": lost, "backup backup-folder": lost, "status": lost,
		}},
		{"a block removed", func(d storetest.Damage) error { return d.RemoveBlock(0) }, expect{
			"history DEMO-1": lost, "verify DEMO-1": lost, "verify --all": lost, "audit bundle DEMO-1 -o bundle.json": lost,
			"record commissioned DEMO-1 --on 2026-11-29": lost, "backup backup-folder": lost, "status": lost,
		}},
		{"the index removed", func(d storetest.Damage) error { return d.RemoveIndex() }, expect{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := fresh(t)
			require.NoError(t, tc.damage(storetest.DamageOf(c.dir, eventstore.DefaultStream)))
			before := streamCount(t, c.dir)
			for _, args := range commands {
				code, _, errs := c.run(place(c, strings.Fields(args))...)
				want, fails := tc.want[args]
				if !fails {
					assert.Equal(t, 0, code, "%s: %s", args, errs)
					continue
				}
				assert.Equal(t, 1, code, "%s must fail", args)
				assert.Contains(t, errs, want, "%s names the damage", args)
				assert.Equal(t, 1, strings.Count(errs, "\n"), "%s: one line: %s", args, errs)
				assert.Equal(t, 1, strings.Count(errs, "ledger: "), "%s: one prefix: %s", args, errs)
			}
			after := streamCount(t, c.dir)
			if len(tc.want) > 0 {
				assert.Equal(t, before, after, "nothing is recorded on a damaged store")
			} else {
				assert.Equal(t, before+1, after, "the step is recorded")
			}
		})
	}
}

// SIGINT or SIGTERM ends a command that waits on the store at once, with a
// non-zero exit saying so: here verify and a rebuild of the projections,
// which wait a few seconds for the last message of a store that cannot
// deliver it before they report it lost.
func TestSignalEndsAWaitingCommandPromptly(t *testing.T) {
	fresh, _ := demoStore(t)
	bin := buildLedger(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		for _, args := range [][]string{{"verify", "--all"}, {"projections", "rebuild"}} {
			t.Run(fmt.Sprintf("%s %s", sig, strings.Join(args, " ")), func(t *testing.T) {
				c := fresh(t)
				_, err := storetest.DamageOf(c.dir, eventstore.DefaultStream).FlipLastByte([]byte("DEMO-1"), 2)
				require.NoError(t, err)
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				cmd := exec.CommandContext(ctx, bin, append([]string{"--data", c.dir}, args...)...)
				var stderr strings.Builder
				cmd.Stderr = &stderr
				require.NoError(t, cmd.Start())
				time.Sleep(300 * time.Millisecond) // the wait for the lost message lasts seconds
				require.NoError(t, cmd.Process.Signal(sig))
				err = cmd.Wait()
				require.NoError(t, ctx.Err(), "the command ended by itself")
				var exit *exec.ExitError
				require.ErrorAs(t, err, &exit)
				assert.Equal(t, 1, exit.ExitCode())
				assert.Contains(t, stderr.String(), "interrupted")
			})
		}
	}
}

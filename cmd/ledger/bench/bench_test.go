package bench_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/cmd/ledger/bench"
	"github.com/keyprojects/ledger/cmd/ledger/board"
	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/testday"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/query"
)

// The suite at a tiny size, so that it never rots: every row is produced
// with a measurement, including the ones that run the ledger binary as a
// process. Timings are not judged here; docs/benchmarks.md is.
func TestSuiteProducesEveryRow(t *testing.T) {
	ledger := filepath.Join(t.TempDir(), "ledger")
	out, err := exec.Command("go", "build", "-o", ledger, "github.com/keyprojects/ledger/cmd/ledger").CombinedOutput()
	require.NoError(t, err, "%s", out)

	dir, profiles := t.TempDir(), t.TempDir()
	rows, err := bench.Run(context.Background(), bench.Config{Projects: 60, Events: 900, Samples: 5, Writers: 4,
		Dir: dir, Ledger: ledger, Clock: testday.Flowing(t), Board: serveBoard, ProfileDir: profiles})
	require.NoError(t, err)
	// A CPU profile of each row, named after it: gzip-compressed, as pprof
	// writes them.
	written, err := filepath.Glob(filepath.Join(profiles, "*.pprof"))
	require.NoError(t, err)
	require.Len(t, written, len(rows))
	assert.FileExists(t, filepath.Join(profiles, "07-rebuild.pprof"))
	for _, f := range written {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		require.Greater(t, len(data), 2, f)
		assert.Equal(t, []byte{0x1f, 0x8b}, data[:2], f)
	}
	paths := []string{"append, many projects, concurrent", "append, one command at a time", "plan import", "fill:",
		"storage: bytes per event on disk", "storage: a year of a 20000-project province",
		"rebuild all projections", "projection runner holding 60 projects", "one project's history", "ledger status", "verify --all",
		"deadline_missed", "web board: status page", "web board: overview page", "web board: project card", "web board: live miss"}
	// Each judged row's target, with its baseline named.
	targets := map[string]string{
		"append, many projects, concurrent": ">= 0.9 of floor",
		"append, one command at a time":     "median <= 1.3x raw sync publish",
		"plan import":                       ">= 0.9 of floor",
		"rebuild all projections":           ">= 0.7 of raw ordered read",
		"projection runner holding":         "peak RSS <= 300 MB",
		"one project's history":             "median <= 1.1x raw read of the same messages",
		"ledger status":                     "median, end to end <= 50 ms",
		"verify --all":                      ">= 0.7 of raw ordered read",
		"web board: project card":           "median <= 20 ms",
	}
	require.Len(t, rows, len(paths))
	judged := 0
	for i, r := range rows {
		assert.Contains(t, r.Path, paths[i])
		assert.NotContains(t, r.Path, "skipped")
		assert.Positive(t, r.Ours, r.Path)
		assert.Positive(t, r.PeakMB, r.Path)
		assert.NotEmpty(t, r.Target, r.Path)
		if r.Raw > 0 {
			assert.Positive(t, r.Ratio, r.Path)
		}
		for prefix, target := range targets {
			if strings.HasPrefix(r.Path, prefix) {
				assert.True(t, strings.HasPrefix(r.Target, target), "%s: target %q, want %q", r.Path, r.Target, target)
				judged++
			}
		}
	}
	assert.Equal(t, len(targets), judged, "every judged row is there once")
	byPath := func(prefix string) bench.Row {
		for _, r := range rows {
			if strings.HasPrefix(r.Path, prefix) {
				return r
			}
		}
		t.Fatalf("no row %q", prefix)
		return bench.Row{}
	}
	// The rows judged against a baseline have it measured, and say which.
	for prefix, base := range map[string]string{"append, many projects": "floor", "plan import": "floor",
		"append, one command": "raw", "rebuild all": "raw", "verify --all": "raw", "one project's history": "raw"} {
		r := byPath(prefix)
		assert.Equal(t, base, r.Baseline, r.Path)
		assert.Positive(t, r.Raw, r.Path)
	}
	// The paths whose raw baseline gives fewer guarantees also have raw
	// JetStream measured giving them, and ours against it.
	for _, prefix := range []string{"append, many projects", "plan import"} {
		r := byPath(prefix)
		assert.Positive(t, r.Floor, r.Path)
		assert.InDelta(t, r.Floor/r.Raw, r.FloorRatio, 1e-9, r.Path)
		assert.InDelta(t, r.Ours/r.Floor, r.VsFloor, 1e-9, r.Path)
	}
	// The storage rows: bytes per event, and the year computed from it.
	perEvent, year := byPath("storage: bytes per event"), byPath("storage: a year")
	assert.Equal(t, "bytes/event", perEvent.Unit)
	assert.Equal(t, "GB", year.Unit)
	assert.InDelta(t, perEvent.Ours*20000*52*2/1e9, year.Ours, 1e-9)
	// The board's rows report a median and a p95 each.
	for _, r := range rows {
		if strings.HasPrefix(r.Path, "web board:") {
			assert.Positive(t, r.Median, r.Path)
			assert.GreaterOrEqual(t, r.P95, r.Median, r.Path)
		}
	}

	// The raw baselines' streams are gone: the ledger's and the
	// projections' are what the server still holds.
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: dir, Port: -1})
	require.NoError(t, err)
	defer srv.Shutdown()
	nc, err := srv.Connect()
	require.NoError(t, err)
	defer nc.Close()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	names := js.StreamNames(context.Background())
	var streams []string
	for name := range names.Name() {
		streams = append(streams, name)
	}
	require.NoError(t, names.Err())
	assert.Contains(t, streams, eventstore.DefaultStream)
	for _, name := range streams {
		assert.False(t, strings.HasPrefix(name, "RAW"), "raw stream %s left behind", name)
	}
}

// serveBoard wires the board as `ledger bench` does.
func serveBoard(ctx context.Context, store *eventstore.Store, clock domain.Clock) (http.Handler, error) {
	b, err := board.New(query.New(store, query.WithClock(clock)), board.WithStore(store))
	if err != nil {
		return nil, err
	}
	go func() { _ = board.Feed(ctx, store, b.Hub()) }()
	return b, nil
}

// A brief load run against a server with its projection runner going:
// the clients work, no error but designed conflicts, every acknowledged
// command stored once.
func TestLoadRunsAndChecksWhatItStored(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: t.TempDir(), Port: -1})
	require.NoError(t, err)
	defer srv.Shutdown()
	nc, err := srv.Connect()
	require.NoError(t, err)
	defer nc.Close()
	store, err := eventstore.Open(ctx, nc)
	require.NoError(t, err)
	go func() { _ = projections.NewRunner(store).Run(ctx) }()

	res, err := bench.Load(ctx, bench.LoadConfig{URL: srv.ClientURL(), Clients: 6, Duration: time.Second, Clock: testday.Clock(t)})
	require.NoError(t, err)
	assert.Zero(t, res.Errors, "%v", res.FirstError)
	assert.Positive(t, res.Acknowledged)
	assert.Equal(t, res.Acknowledged, res.Stored, "every acknowledged command stored, once")
	require.Len(t, res.Ops, 4)
	for _, op := range res.Ops {
		assert.Positive(t, op.Count, op.Op)
		assert.GreaterOrEqual(t, op.P99ms, op.P50ms, op.Op)
	}
}

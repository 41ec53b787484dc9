package bench_test

import (
	"context"
	"net/http"
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

	dir := t.TempDir()
	rows, err := bench.Run(context.Background(), bench.Config{Projects: 60, Events: 900, Samples: 5, Writers: 4,
		Dir: dir, Ledger: ledger, Clock: testday.Flowing(t), Board: serveBoard})
	require.NoError(t, err)
	paths := []string{"append, many projects, concurrent", "append, one command at a time", "plan import", "fill:", "rebuild all projections",
		"projection runner holding 60 projects", "one project's history", "ledger status", "verify --all", "deadline_missed",
		"web board: status page", "web board: overview page", "web board: live miss"}
	require.Len(t, rows, len(paths))
	for i, r := range rows {
		assert.Contains(t, r.Path, paths[i])
		assert.NotContains(t, r.Path, "skipped")
		assert.Positive(t, r.Ours, r.Path)
		assert.Positive(t, r.PeakMB, r.Path)
		if r.Raw > 0 {
			assert.Positive(t, r.Ratio, r.Path)
		}
	}
	// The board's rows report a median and a p95 each.
	for _, r := range rows[10:] {
		assert.Positive(t, r.Median, r.Path)
		assert.GreaterOrEqual(t, r.P95, r.Median, r.Path)
	}
	// The paths whose raw baseline gives fewer guarantees also have raw
	// JetStream measured giving them.
	for _, i := range []int{0, 2} {
		assert.Positive(t, rows[i].Floor, rows[i].Path)
		assert.InDelta(t, rows[i].Floor/rows[i].Raw, rows[i].FloorRatio, 1e-9, rows[i].Path)
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

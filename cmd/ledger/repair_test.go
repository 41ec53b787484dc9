//go:build unix

package main

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/eventstore"
)

// editStream changes the ledger stream's settings in the data folder dir
// as its admin would with the stock nats CLI, with no ledger process
// running.
func editStream(t *testing.T, dir string, edit func(*jetstream.StreamConfig)) {
	t.Helper()
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: dir, DontListen: true, RequireLogin: true})
	require.NoError(t, err)
	defer srv.Shutdown()
	creds, err := eventstore.ReadCredentials(dir)
	require.NoError(t, err)
	nc, err := srv.Connect(creds.AdminLogin())
	require.NoError(t, err)
	defer nc.Close()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	ctx := context.Background()
	st, err := js.Stream(ctx, eventstore.DefaultStream)
	require.NoError(t, err)
	cfg := st.CachedInfo().Config
	edit(&cfg)
	_, err = js.UpdateStream(ctx, cfg)
	require.NoError(t, err)
}

// On the embedded default, a stream re-configured outside the ledger is
// refused by every command, with advice that works there: `ledger repair
// stream-config` puts the settings back; when the change cost events, the
// loss stays reported and nothing is recorded.
func TestRepairStreamConfigOnTheEmbeddedDefault(t *testing.T) {
	t.Run("settings changed, nothing lost", func(t *testing.T) {
		c := newCLI(t)
		c.ok("project", "register", "P-1", "--name", "n", "--investment", "100", "--unit", "u", "--leader", "l")
		editStream(t, c.dir, func(cfg *jetstream.StreamConfig) { cfg.Discard = jetstream.DiscardOld })
		before := streamCount(t, c.dir)
		for _, args := range [][]string{{"status"}, {"record", "signed", "P-1"}, {"history", "P-1"}} {
			code, _, errs := c.run(args...)
			assert.Equal(t, 1, code, "%v", args)
			assert.Contains(t, errs, "discard policy is old, expected new")
			assert.Contains(t, errs, "ledger repair stream-config")
		}
		assert.Equal(t, before, streamCount(t, c.dir), "nothing recorded on a drifted stream")
		assert.Contains(t, c.ok("repair", "stream-config"), "put back: discard policy is old, expected new")
		c.ok("record", "signed", "P-1")
		assert.Contains(t, c.ok("history", "P-1"), "signed")
		assert.Contains(t, c.ok("repair", "stream-config"), "already has the ledger's configuration")
	})
	t.Run("settings changed, events expired", func(t *testing.T) {
		c := newCLI(t)
		c.ok("project", "register", "P-1", "--name", "n", "--investment", "100", "--unit", "u", "--leader", "l")
		c.ok("status")
		editStream(t, c.dir, func(cfg *jetstream.StreamConfig) { cfg.MaxAge, cfg.Duplicates = time.Second, 500*time.Millisecond })
		require.Eventually(t, func() bool { return streamCount(t, c.dir) == 0 }, 20*time.Second, 200*time.Millisecond)
		code, out, errs := c.run("repair", "stream-config")
		assert.Equal(t, 1, code)
		assert.Contains(t, out, "put back: limits drop events (max_age 1s")
		assert.Contains(t, errs, "has lost events: its first message is sequence 2, expected 1")
		for _, args := range [][]string{{"status"}, {"project", "register", "P-1", "--name", "n", "--investment", "100", "--unit", "u", "--leader", "l"}} {
			code, _, errs := c.run(args...)
			assert.Equal(t, 1, code, "%v", args)
			assert.Contains(t, errs, "has lost events", "restoring the settings does not silence the loss")
		}
		assert.Zero(t, streamCount(t, c.dir), "the wiped project is not registered again")
	})
}

// A running `ledger serve` whose stream is re-configured under it stops,
// saying what changed, rather than go on recording missed deadlines on it.
func TestServeStopsWhenItsStreamIsReconfigured(t *testing.T) {
	c := newCLI(t)
	ready := make(chan struct{})
	out := &strings.Builder{}
	errs := &syncBuilder{}
	signal := &lineSignal{w: out, match: "Ctrl-C", ready: ready}
	ctx, stop := context.WithTimeout(context.Background(), time.Minute)
	defer stop()
	var wg sync.WaitGroup
	code := -1
	wg.Go(func() {
		a := newApp(signal, errs)
		a.clock = c.clock
		code = a.run(ctx, []string{"--data", c.dir, "serve", "--listen", "127.0.0.1:0", "--board", "127.0.0.1:0"})
	})
	select {
	case <-ready:
	case <-ctx.Done():
		t.Fatalf("serve did not start: %s", errs.String())
	}
	url, ok := eventstore.RunningURL(c.dir)
	require.True(t, ok)
	creds, err := eventstore.ReadCredentials(c.dir)
	require.NoError(t, err)
	nc, err := nats.Connect(url, creds.AdminLogin())
	require.NoError(t, err)
	defer nc.Close()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	st, err := js.Stream(ctx, eventstore.DefaultStream)
	require.NoError(t, err)
	cfg := st.CachedInfo().Config
	cfg.Discard = jetstream.DiscardOld
	_, err = js.UpdateStream(ctx, cfg)
	require.NoError(t, err)
	wg.Wait()
	require.NoError(t, ctx.Err(), "serve stopped by itself")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs.String(), "so the server stopped too")
	assert.Contains(t, errs.String(), "discard policy is old, expected new")
}

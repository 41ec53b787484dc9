package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
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

// TestServeListensOnLoopbackByDefaultAndSaysSo starts serve with no
// --listen host (":0": the default host, a free port) and checks the
// address it prints and what it bound.
func TestServeListensOnLoopbackByDefaultAndSaysSo(t *testing.T) {
	c := newCLI(t)
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	ready := make(chan struct{})
	out := &strings.Builder{}
	errs := &syncBuilder{}
	signal := &lineSignal{w: out, match: "Ctrl-C", ready: ready}
	wg.Go(func() {
		a := newApp(signal, errs)
		a.clock = c.clock
		a.run(ctx, []string{"--data", c.dir, "serve", "--listen", ":0", "--board", "127.0.0.1:0"})
	})
	<-ready
	signal.mu.Lock()
	printed := out.String()
	signal.mu.Unlock()
	stop()
	wg.Wait()

	first, _, _ := strings.Cut(printed, "\n")
	require.True(t, strings.HasPrefix(first, "ledger: listening on 127.0.0.1:"), "the first line says where: %q", first)
	assert.True(t, strings.HasSuffix(first, ", loopback only: no other machine can connect"), first)
	addr := strings.Fields(first)[3]
	host, _, err := net.SplitHostPort(strings.TrimSuffix(addr, ","))
	require.NoError(t, err)
	assert.True(t, net.ParseIP(host).IsLoopback())
	assert.NotContains(t, errs.String(), "warning")
}

func TestListenNoticeWarnsWhenOtherMachinesCanConnect(t *testing.T) {
	for _, c := range []struct {
		host string
		warn bool
	}{
		{"127.0.0.1", false}, {"127.0.0.2", false}, {"::1", false}, {"localhost", false},
		{"0.0.0.0", true}, {"::", true}, {"192.168.1.20", true}, {"ledger.county.gov.cn", true},
	} {
		line, warning := listenNotice(c.host, net.JoinHostPort(c.host, "4222"))
		assert.Contains(t, line, "ledger: listening on "+net.JoinHostPort(c.host, "4222"), c.host)
		if c.warn {
			assert.Contains(t, line, "open to other machines", c.host)
			assert.Contains(t, warning, "its passwords and the events cross the network in clear", c.host)
		} else {
			assert.Contains(t, line, "loopback only", c.host)
			assert.Empty(t, warning, c.host)
		}
	}
}

// TestServeRequiresALoginThatOtherCommandsFindInTheDataFolder runs serve
// on a data folder and checks that a client without a login is refused,
// that other ledger commands on the folder log in with the credentials
// serve made there, and that the ledger user cannot shorten the stream's
// retention while the admin user can read its settings.
func TestServeRequiresALoginThatOtherCommandsFindInTheDataFolder(t *testing.T) {
	c := newCLI(t)
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer stop()
	ready := make(chan struct{})
	out := &strings.Builder{}
	errs := &syncBuilder{}
	signal := &lineSignal{w: out, match: "Ctrl-C", ready: ready}
	wg.Go(func() {
		a := newApp(signal, errs)
		a.clock = c.clock
		a.run(ctx, []string{"--data", c.dir, "serve", "--listen", "127.0.0.1:0", "--board", "127.0.0.1:0"})
	})
	select {
	case <-ready:
	case <-time.After(time.Minute):
		t.Fatalf("serve did not start: %s", errs.String())
	}
	signal.mu.Lock()
	printed := out.String()
	signal.mu.Unlock()
	url, ok := eventstore.RunningURL(c.dir)
	require.True(t, ok, printed)
	credsFile := filepath.Join(c.dir, eventstore.CredentialsFile)
	assert.Contains(t, printed, "logins: users ledger and admin, passwords in "+credsFile)
	fi, err := os.Stat(credsFile)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	_, err = nats.Connect(url, nats.Timeout(5*time.Second))
	assert.ErrorIs(t, err, nats.ErrAuthorization, "no login, no connection")

	// Other commands on the same folder go through the running server,
	// logged in as the ledger user.
	c.ok("project", "register", "P-1", "--name", "n", "--investment", "100", "--unit", "u", "--leader", "l")
	c.ok("record", "signed", "P-1")
	assert.Contains(t, c.ok("history", "P-1"), "signed")

	creds, err := eventstore.ReadCredentials(c.dir)
	require.NoError(t, err)
	refusals := make(chan error, 1)
	nc, err := nats.Connect(url, creds.LedgerLogin(), nats.Timeout(5*time.Second),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			select {
			case refusals <- err:
			default:
			}
		}))
	require.NoError(t, err)
	defer nc.Close()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	st, err := js.Stream(context.Background(), eventstore.DefaultStream)
	require.NoError(t, err)
	cfg := st.CachedInfo().Config
	cfg.MaxAge = 3 * time.Second
	short, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err = js.UpdateStream(short, cfg)
	require.Error(t, err, "the ledger user cannot change the stream")
	select {
	case r := <-refusals:
		assert.ErrorIs(t, r, nats.ErrPermissionViolation)
	case <-time.After(5 * time.Second):
		t.Fatal("no refusal from the server")
	}

	admin, err := nats.Connect(url, creds.AdminLogin(), nats.Timeout(5*time.Second))
	require.NoError(t, err)
	defer admin.Close()
	ajs, err := jetstream.New(admin)
	require.NoError(t, err)
	info, err := ajs.Stream(context.Background(), eventstore.DefaultStream)
	require.NoError(t, err)
	assert.Zero(t, info.CachedInfo().Config.MaxAge, "the stream keeps its events")
	assert.Equal(t, uint64(2), info.CachedInfo().State.Msgs, "registered and signed")

	stop()
	wg.Wait()
	assert.Contains(t, signal.w.String(), "ledger: stopped cleanly", errs.String())
}

package eventstore_test

import (
	"context"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/eventstore"
)

func TestEmbeddedServerListensOnLoopbackUnlessTold(t *testing.T) {
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: t.TempDir(), Port: -1})
	require.NoError(t, err)
	defer srv.Shutdown()
	host, _, err := net.SplitHostPort(srv.ListenAddr())
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1", host, "no Host: loopback only")
	assert.Contains(t, srv.ClientURL(), "nats://127.0.0.1:")

	quiet, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: t.TempDir(), DontListen: true})
	require.NoError(t, err)
	defer quiet.Shutdown()
	assert.Empty(t, quiet.ListenAddr(), "DontListen: no port at all")
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.1.2.3": true, "::1": true, "localhost": true,
		"0.0.0.0": false, "::": false, "": false, "10.0.0.5": false, "example.org": false,
	} {
		assert.Equal(t, want, eventstore.IsLoopback(host), host)
	}
}

// Other ledger commands find a running server through the URL it leaves in
// its data folder; a server killed without cleaning up leaves the URL but
// not its lock, and the URL is then not taken for a running server.
func TestRunningURLIsTheLiveServersOnly(t *testing.T) {
	dir := t.TempDir()
	_, ok := eventstore.RunningURL(dir)
	assert.False(t, ok, "no server yet")

	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: dir, Port: -1})
	require.NoError(t, err)
	url, ok := eventstore.RunningURL(dir)
	assert.True(t, ok)
	assert.Equal(t, srv.ClientURL(), url)
	srv.Shutdown()
	_, ok = eventstore.RunningURL(dir)
	assert.False(t, ok, "shut down")

	// What a killed server leaves: the URL file, no lock holder.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "server.url"), []byte(url+"\n"), 0o644))
	_, ok = eventstore.RunningURL(dir)
	assert.False(t, ok, "a URL left by a dead server")
}

// startWithLogin starts a listening server that requires a login, with
// the ledger stream created by the ledger's own user.
func startWithLogin(t *testing.T) (*eventstore.Embedded, eventstore.Credentials) {
	t.Helper()
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: t.TempDir(), Port: -1, RequireLogin: true})
	require.NoError(t, err)
	t.Cleanup(srv.Shutdown)
	nc, err := srv.Connect()
	require.NoError(t, err)
	defer nc.Close()
	_, err = eventstore.Open(context.Background(), nc)
	require.NoError(t, err, "the in-process connection logs in as the ledger user, which creates the stream and its buckets")
	creds, err := eventstore.ReadCredentials(srv.DataDir())
	require.NoError(t, err)
	return srv, creds
}

func TestEmbeddedServerWithLoginRefusesAnUnauthenticatedClient(t *testing.T) {
	srv, creds := startWithLogin(t)

	_, err := nats.Connect(srv.ClientURL(), nats.Timeout(5*time.Second))
	require.Error(t, err, "no user, no connection")
	assert.ErrorIs(t, err, nats.ErrAuthorization)

	_, err = nats.Connect(srv.ClientURL(), nats.UserInfo(eventstore.AdminUser, creds.Ledger), nats.Timeout(5*time.Second))
	assert.ErrorIs(t, err, nats.ErrAuthorization, "the admin user with the ledger user's password")
}

func TestEmbeddedServerLedgerUserCannotChangeOrPurgeTheStream(t *testing.T) {
	srv, creds := startWithLogin(t)
	ctx := context.Background()
	refusals := make(chan error, 10)
	nc, err := nats.Connect(srv.ClientURL(), creds.LedgerLogin(), nats.Timeout(5*time.Second),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { refusals <- err }))
	require.NoError(t, err)
	defer nc.Close()
	js, err := jetstream.New(nc)
	require.NoError(t, err)

	// What the ledger does is allowed.
	_, err = js.AccountInfo(ctx)
	require.NoError(t, err, "$JS.API.INFO")
	st, err := js.Stream(ctx, eventstore.DefaultStream)
	require.NoError(t, err, "stream info")
	cfg := st.CachedInfo().Config

	// What changes the stream is not: the server refuses the request
	// (reported on the connection), which then fails.
	refused := func(what string, request func(context.Context) error) {
		t.Helper()
		short, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		defer cancel()
		err := request(short)
		require.Error(t, err, what)
		select {
		case r := <-refusals:
			require.ErrorIs(t, r, nats.ErrPermissionViolation, what)
			assert.Contains(t, r.Error(), `Permissions Violation for Publish to "$JS.API.STREAM.`+what+`.LEDGER"`)
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: no refusal from the server; the request failed with %v", what, err)
		}
	}
	changed := cfg
	changed.MaxAge = 3 * time.Second
	refused("UPDATE", func(ctx context.Context) error { _, err := js.UpdateStream(ctx, changed); return err })
	refused("PURGE", func(ctx context.Context) error { return st.Purge(ctx) })
	refused("MSG.DELETE", func(ctx context.Context) error { return st.DeleteMsg(ctx, 1) })
	refused("DELETE", func(ctx context.Context) error { return js.DeleteStream(ctx, eventstore.DefaultStream) })

	info, err := js.Stream(ctx, eventstore.DefaultStream)
	require.NoError(t, err)
	assert.Equal(t, cfg.MaxAge, info.CachedInfo().Config.MaxAge, "unchanged")
}

func TestEmbeddedServerAdminUserCanChangeTheStream(t *testing.T) {
	srv, creds := startWithLogin(t)
	ctx := context.Background()
	nc, err := nats.Connect(srv.ClientURL(), creds.AdminLogin(), nats.Timeout(5*time.Second))
	require.NoError(t, err)
	defer nc.Close()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	st, err := js.Stream(ctx, eventstore.DefaultStream)
	require.NoError(t, err)
	cfg := st.CachedInfo().Config
	cfg.Description = "changed by the admin"
	info, err := js.UpdateStream(ctx, cfg)
	require.NoError(t, err)
	assert.Equal(t, "changed by the admin", info.CachedInfo().Config.Description)
}

func TestEmbeddedServerCredentialsAreTheOwnersOnlyAndKept(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "ledger-data")
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: dir, DontListen: true, RequireLogin: true})
	require.NoError(t, err)
	first, err := eventstore.ReadCredentials(dir)
	require.NoError(t, err)
	srv.Shutdown()

	fi, err := os.Stat(filepath.Join(dir, eventstore.CredentialsFile))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the credentials file")
	fi, err = os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), "the data folder it created")
	assert.NotEqual(t, first.Ledger, first.Admin)
	assert.Len(t, first.Admin, 32, "24 random bytes")

	srv, err = eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: dir, DontListen: true, RequireLogin: true})
	require.NoError(t, err)
	defer srv.Shutdown()
	again, err := eventstore.ReadCredentials(dir)
	require.NoError(t, err)
	assert.Equal(t, first, again, "a restart keeps the passwords")
	nc, err := srv.Connect()
	require.NoError(t, err, "the in-process connection logs in")
	nc.Close()
}

// A data folder made by a server without users gets its credentials on
// the first start that requires a login.
func TestEmbeddedServerGivesAnOlderDataFolderCredentials(t *testing.T) {
	dir := t.TempDir()
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: dir, DontListen: true})
	require.NoError(t, err)
	nc, err := srv.Connect()
	require.NoError(t, err)
	_, err = eventstore.Open(context.Background(), nc)
	require.NoError(t, err)
	nc.Close()
	srv.Shutdown()
	_, err = eventstore.ReadCredentials(dir)
	require.ErrorIs(t, err, fs.ErrNotExist, "a server without users writes none")

	srv, err = eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: dir, Port: -1, RequireLogin: true})
	require.NoError(t, err)
	defer srv.Shutdown()
	creds, err := eventstore.ReadCredentials(dir)
	require.NoError(t, err)
	nc, err = nats.Connect(srv.ClientURL(), creds.LedgerLogin(), nats.Timeout(5*time.Second))
	require.NoError(t, err)
	defer nc.Close()
	store, err := eventstore.Open(context.Background(), nc)
	require.NoError(t, err, "the old stream opens as the ledger user")
	assert.Equal(t, eventstore.DefaultStream, store.StreamName())
}

func TestATakenPortIsRefusedAtOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	_, err = eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: t.TempDir(), Port: port})
	require.ErrorIs(t, err, eventstore.ErrPortInUse)
	assert.Contains(t, err.Error(), fmt.Sprintf("127.0.0.1:%d", port))
	assert.Contains(t, err.Error(), "--listen")
}

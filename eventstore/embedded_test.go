package eventstore_test

import (
	"net"
	"os"
	"path/filepath"
	"testing"

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

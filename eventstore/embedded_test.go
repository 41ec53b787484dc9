package eventstore_test

import (
	"net"
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

// Package storetest starts a real ledger event store for tests: an embedded
// NATS server with JetStream file storage in the test's temp folder. No
// mocks: tests that use it talk to JetStream.
package storetest

import (
	"context"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// Env is a running embedded server and a store on it.
type Env struct {
	Dir    string
	Server *eventstore.Embedded
	Conn   *nats.Conn
	Store  *eventstore.Store
}

// Start runs an embedded server that also listens on a free loopback port
// (so a test can connect a second, separate client with Connect), opens a
// store deciding commands by clock, and stops both when the test ends.
func Start(t testing.TB, clock domain.Clock, opts ...eventstore.Option) *Env {
	t.Helper()
	dir := t.TempDir()
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: dir, Port: -1})
	require.NoError(t, err)
	t.Cleanup(srv.Shutdown)
	nc, err := srv.Connect()
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	store, err := eventstore.Open(context.Background(), nc, append([]eventstore.Option{eventstore.WithClock(clock)}, opts...)...)
	require.NoError(t, err)
	return &Env{Dir: dir, Server: srv, Conn: nc, Store: store}
}

// Connect returns a new TCP client connection to the server, as another
// process would have.
func (e *Env) Connect(t testing.TB) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(e.Server.ClientURL(), eventstore.ConnectOptions()...)
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	return nc
}

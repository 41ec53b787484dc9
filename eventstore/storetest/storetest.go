// Package storetest starts a real ledger event store for tests: an embedded
// NATS server with JetStream file storage in the test's temp folder. No
// mocks: tests that use it talk to JetStream.
package storetest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

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

// PublishRaw publishes one message over a plain TCP connection speaking
// the NATS client protocol itself, so that the header block goes out
// byte for byte as given, even one no NATS client library would write
// (an empty header: no header block at all). It waits for JetStream's
// answer and returns the stream sequence the message was stored at, or 0
// when no stream took the subject. It fails the test if the server
// answers with an error.
func (e *Env) PublishRaw(t testing.TB, subject string, header, body []byte) uint64 {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.Server.ClientURL(), "nats://"))
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	r := bufio.NewReader(conn)
	info, err := r.ReadString('\n')
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(info, "INFO "), "server greeting %q", info)
	const inbox = "_INBOX.storetest.raw"
	var b bytes.Buffer
	b.WriteString(`CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true,"protocol":1}` + "\r\n")
	b.WriteString("SUB " + inbox + " 1\r\n")
	if len(header) == 0 {
		fmt.Fprintf(&b, "PUB %s %s %d\r\n", subject, inbox, len(body))
	} else {
		fmt.Fprintf(&b, "HPUB %s %s %d %d\r\n", subject, inbox, len(header), len(header)+len(body))
		b.Write(header)
	}
	b.Write(body)
	b.WriteString("\r\n")
	_, err = conn.Write(b.Bytes())
	require.NoError(t, err)
	for {
		line, err := r.ReadString('\n')
		require.NoError(t, err)
		require.False(t, strings.HasPrefix(line, "-ERR"), "the server refused the publish of %s: %s", subject, line)
		f := strings.Fields(line)
		if len(f) < 4 || (f[0] != "MSG" && f[0] != "HMSG") {
			continue // PING, PONG, +OK
		}
		size, err := strconv.Atoi(f[len(f)-1])
		require.NoError(t, err)
		hdrSize := 0
		if f[0] == "HMSG" {
			hdrSize, err = strconv.Atoi(f[len(f)-2])
			require.NoError(t, err)
		}
		payload := make([]byte, size+2)
		_, err = io.ReadFull(r, payload)
		require.NoError(t, err)
		if strings.HasPrefix(string(payload[:hdrSize]), "NATS/1.0 503") {
			return 0 // no stream listens on the subject
		}
		var ack struct {
			Stream string `json:"stream"`
			Seq    uint64 `json:"seq"`
			Error  *struct {
				Description string `json:"description"`
			} `json:"error"`
		}
		require.NoError(t, json.Unmarshal(payload[hdrSize:size], &ack), "%q", payload)
		require.Nil(t, ack.Error, "JetStream refused the publish of %s", subject)
		return ack.Seq
	}
}

package main

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
		a.run(ctx, []string{"--data", c.dir, "serve", "--listen", ":0"})
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
			assert.Contains(t, warning, "anyone who reaches it can read and write the ledger", c.host)
		} else {
			assert.Contains(t, line, "loopback only", c.host)
			assert.Empty(t, warning, c.host)
		}
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/keyprojects/ledger/cmd/ledger/board"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections/query"
)

// defaultBoardAddr is where serve serves the board unless --board says
// otherwise: loopback, so nobody else on the network reads the ledger.
const defaultBoardAddr = "127.0.0.1:8480"

// startBoard serves the web board on a.boardAddr until ctx ends, feeding
// it the misses the watcher records; an error of the server ends up on
// done. The returned func stops it.
func (a *app) startBoard(ctx context.Context, store *eventstore.Store, done chan<- error) (func(), error) {
	host, _, err := net.SplitHostPort(a.boardAddr)
	if err != nil {
		return nil, usageError{fmt.Errorf("--board %q: expected HOST:PORT, e.g. 127.0.0.1:8480, or off", a.boardAddr)}
	}
	qs := query.New(store, query.WithClock(a.clock), query.WithZone(shanghai()))
	b, err := board.New(qs, board.WithStore(store), board.WithLogger(slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", a.boardAddr)
	if err != nil {
		return nil, fmt.Errorf("the web board cannot listen on %s (%w); give another address with --board HOST:PORT (port 0 picks a free one), or --board off", a.boardAddr, err)
	}
	srv := &http.Server{Handler: b, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(a.stdout, "  web board: %s (Chinese first; ?lang=en for English)\n", url)
	if !eventstore.IsLoopback(host) {
		fmt.Fprintf(a.stderr, "ledger: warning: the web board on %s is reachable from other machines\n", ln.Addr())
	}
	shutdown := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}
	go func() {
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		} else if err != nil {
			err = fmt.Errorf("web board: %w", err)
		}
		<-ctx.Done()
		done <- err
	}()
	go func() {
		<-ctx.Done()
		shutdown()
	}()
	go func() { _ = board.Feed(ctx, store, b.Hub()) }()
	if a.onBoard != nil {
		a.onBoard(url)
	}
	return shutdown, nil
}

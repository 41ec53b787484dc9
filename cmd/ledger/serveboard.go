package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/keyprojects/ledger/cmd/ledger/board"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/access"
	"github.com/keyprojects/ledger/eventstore/evidence"
	"github.com/keyprojects/ledger/projections/query"
)

// defaultBoardAddr is where serve serves the board unless --board says
// otherwise: loopback, so nobody else on the network reads the ledger.
const defaultBoardAddr = "127.0.0.1:8480"

// boardStaleFor is how old an overview or a list of filter choices the
// board may show while it computes a newer one in the background, once
// the ledger has moved: computing takes milliseconds for a county and
// tens of seconds at 100,000 projects.
const boardStaleFor = 2 * time.Minute

// startBoard serves the web board on a.boardAddr until ctx ends, feeding
// it the misses the watcher records; an error of the server ends up on
// done. The returned func stops it.
func (a *app) startBoard(ctx context.Context, store *eventstore.Store, done chan<- error, opts ...board.Option) (func(), error) {
	host, _, err := net.SplitHostPort(a.boardAddr)
	if err != nil {
		return nil, usageError{fmt.Errorf("--board %q: expected HOST:PORT, e.g. 127.0.0.1:8480, or off", a.boardAddr)}
	}
	if (a.boardCert == "") != (a.boardKey == "") {
		return nil, usageError{errors.New("--board-tls-cert and --board-tls-key go together")}
	}
	var cert *tls.Certificate
	if a.boardCert != "" {
		c, err := tls.LoadX509KeyPair(a.boardCert, a.boardKey)
		if err != nil {
			return nil, fmt.Errorf("--board-tls-cert %s, --board-tls-key %s: %w", a.boardCert, a.boardKey, err)
		}
		cert = &c
	}
	users, err := access.OpenUsers(ctx, store.JetStream(), a.stream, true, a.passwordCost)
	if err != nil {
		return nil, fmt.Errorf("the web board's users: %w", err)
	}
	anybody, err := users.Any(ctx)
	if err != nil {
		return nil, fmt.Errorf("the web board's users: %w", err)
	}
	if !eventstore.IsLoopback(host) && !anybody {
		return nil, usageError{fmt.Errorf("--board %s would show the ledger to anyone who reaches it: first register who may sign in (ledger auth user add LOGIN --role viewer), or keep the board on loopback", a.boardAddr)}
	}
	ev, err := evidence.New(ctx, store)
	if err != nil {
		return nil, fmt.Errorf("the web board's evidence store: %w", err)
	}
	qs := query.New(store, query.WithClock(a.clock), query.WithZone(shanghai()))
	b, err := board.New(qs, append([]board.Option{board.WithStore(store), board.WithUsers(users), board.WithClock(a.clock), board.WithEvidence(ev),
		board.WithSecureCookies(cert != nil || a.boardSecure), board.WithStaleFor(boardStaleFor),
		board.WithLogger(slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))}, opts...)...)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", a.boardAddr)
	if err != nil {
		return nil, fmt.Errorf("the web board cannot listen on %s (%w); give another address with --board HOST:PORT (port 0 picks a free one), or --board off", a.boardAddr, err)
	}
	srv := &http.Server{Handler: b, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	scheme := "http"
	if cert != nil {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12}
		scheme = "https"
	}
	url := scheme + "://" + ln.Addr().String() + "/"
	signIn := "no sign-in: nobody is registered (ledger auth user add)"
	if anybody {
		signIn = "sign-in required"
	}
	fmt.Fprintf(a.stdout, "  web board: %s (Chinese first; ?lang=en for English; %s)\n", url, signIn)
	if !eventstore.IsLoopback(host) && cert == nil {
		fmt.Fprintf(a.stderr, "ledger: warning: the web board on %s is reachable from other machines without TLS: passwords cross the network in clear; give --board-tls-cert and --board-tls-key, or serve it behind an HTTPS proxy with --board-secure-cookies\n", ln.Addr())
	}
	shutdown := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}
	go func() {
		var err error
		if cert != nil {
			err = srv.ServeTLS(ln, "", "")
		} else {
			err = srv.Serve(ln)
		}
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
	go func() { _ = b.Warm(ctx) }()
	if a.onBoard != nil {
		a.onBoard(url)
	}
	return shutdown, nil
}

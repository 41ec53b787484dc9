package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/cmd/ledger/board"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections"
)

func (a *app) serveCommand() *cobra.Command {
	var listen, sync string
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run the embedded NATS server on the data folder until Ctrl-C (or, with --server, the ledger's service on that server)",
		Long: `serve runs the ledger's embedded NATS server with JetStream on the data
folder and listens on loopback (127.0.0.1) unless --listen says otherwise, so
other ledger commands and the stock nats CLI on this machine can connect. It
keeps the projections current and watches deadlines. Ctrl-C (or SIGTERM)
stops it cleanly.

The server refuses clients that do not log in. It has two users, whose
passwords it makes on its first start and keeps in credentials.json in the
data folder (readable by its owner only): ledger, which the ledger's own
commands use and which may do everything but change, purge or delete the
stream, and admin, which may do that too (docs/security.md).

With --server (or NATS_URL) it runs no server of its own: it keeps the
projections current and watches deadlines on that server, logged in as the
ledger service's user (docs/security.md).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if a.server != "" {
				if cmd.Flags().Changed("listen") || cmd.Flags().Changed("sync") {
					return usageError{errors.New("--listen and --sync are for the embedded server; with --server (or NATS_URL) serve runs no server of its own")}
				}
				return a.serveRemote(cmd.Context())
			}
			host, portText, err := net.SplitHostPort(listen)
			if err != nil {
				return usageError{fmt.Errorf("--listen %q: expected HOST:PORT, e.g. 127.0.0.1:4222", listen)}
			}
			port, err := strconv.Atoi(portText)
			if err != nil {
				return usageError{fmt.Errorf("--listen %q: port %q is not a number", listen, portText)}
			}
			if port == 0 {
				port = -1 // any free port
			}
			if host == "" {
				host = "127.0.0.1" // every interface only when asked for by name (0.0.0.0)
			}
			if sync != "always" && sync != "interval" {
				return usageError{fmt.Errorf("--sync %q: expected always or interval", sync)}
			}
			srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: a.dataDir, Host: host, Port: port, SyncAlways: sync == "always",
				RequireLogin: true, Stream: a.stream})
			if err != nil {
				return err
			}
			defer srv.Shutdown()
			nc, err := srv.Connect()
			if err != nil {
				return err
			}
			defer nc.Close()
			store, err := eventstore.Open(cmd.Context(), nc, eventstore.WithClock(a.clock), eventstore.WithStream(eventstore.StreamSpec{Name: a.stream}))
			if err != nil {
				return err
			}
			line, warning := listenNotice(host, srv.ListenAddr())
			fmt.Fprintln(a.stdout, line)
			if warning != "" {
				fmt.Fprintln(a.stderr, warning)
			}
			url := srv.ClientURL()
			fmt.Fprintf(a.stdout, "ledger: serving %s at %s\n", srv.DataDir(), url)
			fmt.Fprintf(a.stdout, "  stream %s, subjects ledger.<project>.<event_type>, fsync %s\n", store.StreamName(), sync)
			creds := filepath.Join(srv.DataDir(), eventstore.CredentialsFile)
			fmt.Fprintf(a.stdout, "  logins: users %s and %s, passwords in %s (owner only); only %s may change or delete the stream\n",
				eventstore.LedgerUser, eventstore.AdminUser, creds, eventstore.AdminUser)
			fmt.Fprintf(a.stdout, "  follow it:  nats --server %s --user %s --password \"$(jq -r .%s %s)\" sub 'ledger.>'\n",
				url, eventstore.LedgerUser, eventstore.LedgerUser, creds)
			err = a.runService(cmd.Context(), store, "server")
			nc.Close()
			srv.Shutdown()
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, "ledger: stopped cleanly")
			return nil
		},
	}
	c.Flags().StringVar(&a.boardAddr, "board", defaultBoardAddr, "HOST:PORT of the web board: loopback by default; port 0 picks a free one; off serves none")
	c.Flags().StringVar(&a.boardCert, "board-tls-cert", "", "PEM certificate: the web board serves HTTPS (with --board-tls-key)")
	c.Flags().StringVar(&a.boardKey, "board-tls-key", "", "PEM private key of --board-tls-cert")
	c.Flags().BoolVar(&a.boardSecure, "board-secure-cookies", false, "mark the web board's cookies Secure: it is served over HTTPS by a proxy in front of it")
	c.Flags().StringVar(&listen, "listen", "127.0.0.1:4222", "HOST:PORT to listen on: loopback by default; 0.0.0.0:4222 opens it to other machines (port 0 picks a free one)")
	c.Flags().StringVar(&sync, "sync", "interval", "fsync policy: interval (every 2 minutes; survives a process crash) or always (every write; survives power loss)")
	a.addServeNotify(c)
	a.addServeCadence(c) // --cadence FILE: the reporting cadence inside serve (cadence.go)
	return c
}

// listenNotice is the line serve prints about where it listens, and a
// warning when that is reachable from other machines.
func listenNotice(host, addr string) (line, warning string) {
	if eventstore.IsLoopback(host) {
		return fmt.Sprintf("ledger: listening on %s, loopback only: no other machine can connect", addr), ""
	}
	return fmt.Sprintf("ledger: listening on %s, open to other machines", addr),
		fmt.Sprintf("ledger: warning: %s is reachable from other machines, and the embedded server has no TLS: "+
			"its passwords and the events cross the network in clear; on a network, run nats-server with `ledger auth init` and `ledger serve --server` instead", addr)
}

// serveRemote runs the ledger's service (the projection runner and the
// deadline watcher) on the NATS server at --server.
func (a *app) serveRemote(ctx context.Context) error {
	nc, err := a.dial(a.server)
	if err != nil {
		return err
	}
	defer nc.Close()
	store, err := eventstore.Open(ctx, nc, eventstore.WithClock(a.clock),
		eventstore.WithStream(eventstore.StreamSpec{Name: a.stream, Replicas: a.replicas}))
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "ledger: serving stream %s on %s (no server of its own)\n", store.StreamName(), nc.ConnectedUrlRedacted())
	if err := a.runService(ctx, store, "service"); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, "ledger: stopped cleanly")
	return nil
}

// runService keeps the projections current and watches deadlines until
// ctx ends; what names what stops with them in messages.
func (a *app) runService(ctx context.Context, store *eventstore.Store, what string) error {
	runner := projections.NewRunner(store, projections.WithReport(func(err error) {
		fmt.Fprintln(a.stderr, "ledger: projections skip a message: "+oneLine(err.Error()))
	}))
	workCtx, stopWork := context.WithCancel(ctx)
	defer stopWork()
	runnerDone := make(chan error, 3)
	go func() { runnerDone <- runner.Run(workCtx) }()
	go func() { runnerDone <- a.newWatcher(store).Run(workCtx) }()
	go func() { runnerDone <- a.guardStream(workCtx, store) }()
	pending := 3
	var boardOpts []board.Option
	if started, metrics := a.startServeNotifier(workCtx, store, runnerDone); started {
		pending++
		if metrics != nil {
			boardOpts = append(boardOpts, board.WithMetrics(metrics))
		}
	}
	// The reporting cadence, with --cadence (cadence.go).
	if a.startServeCadence(workCtx, store, runnerDone) {
		pending++
	}
	if a.boardAddr != "off" {
		stopBoard, err := a.startBoard(workCtx, store, runnerDone, boardOpts...)
		if err != nil {
			stopWork()
			for ; pending > 0; pending-- {
				<-runnerDone
			}
			return err
		}
		defer stopBoard()
		pending++
	}

	fmt.Fprintf(a.stdout, "  projections: kept current in KV buckets %s_PROJ_*\n", store.StreamName())
	fmt.Fprintf(a.stdout, "  deadlines: watched; misses on ledger.*.deadline_missed (ledger inspect follow)\n")
	fmt.Fprintf(a.stdout, "  Ctrl-C stops the %s.\n", what)
	// The projection runner, the deadline watcher and the stream's guard
	// end with the context; one that stops on its own (the guard: on a
	// store re-configured or cut under it) stops the server too.
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-runnerDone:
		pending--
		if runErr == nil {
			runErr = errors.New("stopped without an error")
		}
	}
	stopWork()
	for ; pending > 0; pending-- {
		<-runnerDone
	}
	fmt.Fprintln(a.stdout, "ledger: stopping")
	if runErr != nil {
		return fmt.Errorf("the projection runner, the deadline watcher or the stream's guard stopped, so the %s stopped too: %w", what, runErr)
	}
	return nil
}

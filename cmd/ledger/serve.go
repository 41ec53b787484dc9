package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections"
)

func (a *app) serveCommand() *cobra.Command {
	var listen, sync string
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run the embedded NATS server on the data folder until Ctrl-C",
		Long: `serve runs the ledger's embedded NATS server with JetStream on the data
folder and listens on loopback, so other ledger commands and the stock nats
CLI can connect. Ctrl-C (or SIGTERM) stops it cleanly.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if a.server != "" {
				return usageError{errors.New("serve runs the embedded server; it does not take --server or NATS_URL")}
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
			if sync != "always" && sync != "interval" {
				return usageError{fmt.Errorf("--sync %q: expected always or interval", sync)}
			}
			srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: a.dataDir, Host: host, Port: port, SyncAlways: sync == "always"})
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
			runner := projections.NewRunner(store, projections.WithReport(func(err error) {
				fmt.Fprintln(a.stderr, "ledger: projections skip a message: "+oneLine(err.Error()))
			}))
			workCtx, stopWork := context.WithCancel(cmd.Context())
			defer stopWork()
			runnerDone := make(chan error, 2)
			go func() { runnerDone <- runner.Run(workCtx) }()
			go func() { runnerDone <- a.newWatcher(store).Run(workCtx) }()

			url := srv.ClientURL()
			fmt.Fprintf(a.stdout, "ledger: serving %s at %s\n", srv.DataDir(), url)
			fmt.Fprintf(a.stdout, "  stream %s, subjects ledger.<project>.<event_type>, fsync %s\n", store.StreamName(), sync)
			fmt.Fprintf(a.stdout, "  follow it:  nats --server %s sub 'ledger.>'\n", url)
			fmt.Fprintf(a.stdout, "  projections: kept current in KV buckets %s_PROJ_*\n", store.StreamName())
			fmt.Fprintf(a.stdout, "  deadlines: watched; misses on ledger.*.deadline_missed (ledger inspect follow)\n")
			fmt.Fprintf(a.stdout, "  Ctrl-C stops the server.\n")
			// The projection runner and the deadline watcher end with the
			// context; one that stops on its own stops the server too.
			pending := 2
			var runErr error
			select {
			case <-cmd.Context().Done():
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
			nc.Close()
			srv.Shutdown()
			if runErr != nil {
				return fmt.Errorf("the projection runner or the deadline watcher stopped, so the server stopped too: %w", runErr)
			}
			fmt.Fprintln(a.stdout, "ledger: stopped cleanly")
			return nil
		},
	}
	c.Flags().StringVar(&listen, "listen", "127.0.0.1:4222", "address to listen on (loopback by default; port 0 picks a free one)")
	c.Flags().StringVar(&sync, "sync", "interval", "fsync policy: interval (every 2 minutes; survives a process crash) or always (every write; survives power loss)")
	return c
}

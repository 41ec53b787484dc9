package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/cmd/ledger/bench"
	"github.com/keyprojects/ledger/cmd/ledger/board"
	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections/query"
)

func (a *app) benchCommand() *cobra.Command {
	var cfg bench.Config
	var keep string
	c := &cobra.Command{
		Use:   "bench",
		Short: "Measure the ledger's paths against raw JetStream in one run, on a fresh embedded server",
		Long: `bench starts an embedded server in a temporary folder and measures, in one
run, each of the ledger's paths and the raw JetStream operation it stands on,
with messages of the same size: ours, raw, the ratio, and the peak memory of
this process. Where the raw baseline gives fewer guarantees than the path
(Msg-Id, expected sequence, acknowledged commands, atomic batches), it also
measures raw JetStream giving them, with no ledger code: the most any such
path reaches here (the floor). Each row is judged by the product's target
for its path, as a ratio to the baseline the target names (the floor, or
the raw operation), or as a limit in its own unit; the target column
states which. It also reports the stream's bytes per event on disk and
what a year of a 20,000-project province reporting weekly takes, and
times the web board over HTTP: a unit's status page, the overview, a
project's card, and a miss reaching a page's live stream. --projects and
--events set the scale: seconds at the defaults, full size at --projects
100000 --events 1000000.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir := keep
			if dir == "" {
				d, err := os.MkdirTemp("", "ledger-bench-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(d)
				dir = d
			} else if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
				return fmt.Errorf("--keep %s: the folder is not empty; give a new or empty one", dir)
			}
			cfg.Dir = dir
			if exe, err := os.Executable(); err == nil {
				cfg.Ledger = exe
			}
			cfg.Progress = func(s string) { fmt.Fprintln(a.stderr, "ledger bench: "+s) }
			cfg.Clock = a.clock
			cfg.Board = benchBoard
			rows, err := bench.Run(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			if a.asJSON {
				return a.printJSON(rows)
			}
			t := a.newTable("path", "ours", "raw", "ratio", "raw, same guarantees (to raw)", "ours to floor", "target", "met", "peak RSS MB")
			for _, r := range rows {
				raw, ratio := "-", "-"
				if r.Raw > 0 {
					raw, ratio = fmt.Sprintf("%.0f %s", r.Raw, r.Unit), fmt.Sprintf("%.2f", r.Ratio)
				}
				ours := fmt.Sprintf("%.0f %s", r.Ours, r.Unit)
				if r.Unit == "GB" {
					ours = fmt.Sprintf("%.2f GB", r.Ours)
				}
				if r.Unit == "ms" {
					ours = fmt.Sprintf("%.3f ms", r.Ours)
					if r.P95 > 0 && r.Median > 0 {
						ours = fmt.Sprintf("p95 %.3f ms, median %.3f ms", r.P95, r.Median)
					}
					if r.Raw > 0 {
						raw = fmt.Sprintf("%.3f ms", r.Raw)
					}
				}
				met := "NO"
				if r.Met {
					met = "yes"
				}
				floor, vsFloor := "-", "-"
				if r.Floor > 0 {
					floor = fmt.Sprintf("%.0f %s (%.2f)", r.Floor, r.Unit, r.FloorRatio)
					vsFloor = fmt.Sprintf("%.2f", r.VsFloor)
				}
				t.AppendRow(table.Row{r.Path, ours, raw, ratio, floor, vsFloor, r.Target, met, fmt.Sprintf("%.0f", r.PeakMB)})
			}
			t.Render()
			return nil
		},
	}
	c.AddCommand(a.benchLoadCommand())
	f := c.Flags()
	f.IntVar(&cfg.Projects, "projects", 2000, "projects in the big stream (100000 for the targets)")
	f.IntVar(&cfg.Events, "events", 20000, "events in the big stream (1000000 for the targets)")
	f.IntVar(&cfg.Samples, "samples", 50, "samples of each latency")
	f.IntVar(&cfg.Writers, "writers", 32, "concurrent writers on the append path")
	f.StringVar(&keep, "keep", "", "run in this new or empty folder and keep it: a ledger data folder to look at the run's stream with --data")
	f.StringVar(&cfg.ProfileDir, "cpuprofile", "", "folder to write a CPU profile of each row into (NN-row.pprof), for go tool pprof")
	return c
}

// benchBoard serves the web board over store for the bench's board rows,
// wired as startBoard wires it for serve: reports on clock in the
// county's zone, the audit page verifying store, misses fed from now on.
func benchBoard(ctx context.Context, store *eventstore.Store, clock domain.Clock) (http.Handler, error) {
	qs := query.New(store, query.WithClock(clock), query.WithZone(shanghai()))
	b, err := board.New(qs, board.WithStore(store), board.WithStaleFor(boardStaleFor))
	if err != nil {
		return nil, err
	}
	go func() { _ = board.Feed(ctx, store, b.Hub()) }()
	return b, nil
}

func (a *app) benchLoadCommand() *cobra.Command {
	cfg := bench.LoadConfig{}
	c := &cobra.Command{
		Use:   "load",
		Short: "Run many clients recording and reading against a running ledger server for a while",
		Long: `load runs --clients clients, each on its own connection, against a running
server (--server, or the ` + "`ledger serve`" + ` of the data folder) for --duration:
issues raised on a project of their own and on projects they all share,
histories read, a unit's projection rows read. It prints throughput and
latency per kind of operation, and checks that every acknowledged command
was stored exactly once. Any error other than a designed conflict fails it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg.URL = a.server
			if cfg.URL == "" {
				url, ok := eventstore.RunningURL(a.dataDir)
				if !ok {
					return fmt.Errorf("no running server: start ledger serve on %s, or give --server URL", a.dataDir)
				}
				cfg.URL = url
				login, err := a.dataDirLogin(eventstore.LedgerUser)
				if err != nil {
					return err
				}
				cfg.Options = append(cfg.Options, login...)
			}
			if a.creds != "" {
				cfg.Options = append(cfg.Options, nats.UserCredentials(a.creds))
			}
			cfg.Progress = func(s string) { fmt.Fprintln(a.stderr, "ledger bench load: "+s) }
			cfg.Clock = a.clock
			res, err := bench.Load(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			if a.asJSON {
				if err := a.printJSON(res); err != nil {
					return err
				}
			} else {
				t := a.newTable("operation", "count", "per second", "p50 ms", "p99 ms")
				for _, op := range res.Ops {
					t.AppendRow(table.Row{op.Op, op.Count, fmt.Sprintf("%.0f", op.PerS), fmt.Sprintf("%.2f", op.P50ms), fmt.Sprintf("%.2f", op.P99ms)})
				}
				t.Render()
				fmt.Fprintf(a.stdout, "%d clients for %s: %d errors, %d designed conflicts; %d commands acknowledged, %d stored\n",
					res.Clients, res.Duration.Round(time.Millisecond), res.Errors, res.Conflicts, res.Acknowledged, res.Stored)
			}
			if res.Errors > 0 {
				return fmt.Errorf("%d operations failed, the first: %s", res.Errors, res.FirstError[0])
			}
			return nil
		},
	}
	c.Flags().IntVar(&cfg.Clients, "clients", 50, "concurrent clients")
	c.Flags().DurationVar(&cfg.Duration, "duration", time.Minute, "how long the clients work")
	return c
}

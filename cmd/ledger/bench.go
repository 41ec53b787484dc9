package main

import (
	"fmt"
	"os"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/projections/bench"
)

func (a *app) benchCommand() *cobra.Command {
	var cfg bench.Config
	c := &cobra.Command{
		Use:   "bench",
		Short: "Measure the ledger's paths against raw JetStream in one run, on a fresh embedded server",
		Long: `bench starts an embedded server in a temporary folder and measures, in one
run, each of the ledger's paths and the raw JetStream operation it stands on,
with messages of the same size: ours, raw, the ratio, and the peak memory of
this process. --projects and --events set the scale: seconds at the
defaults, the issue's targets at --projects 100000 --events 1000000.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := os.MkdirTemp("", "ledger-bench-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			cfg.Dir = dir
			if exe, err := os.Executable(); err == nil {
				cfg.Ledger = exe
			}
			cfg.Progress = func(s string) { fmt.Fprintln(a.stderr, "ledger bench: "+s) }
			rows, err := bench.Run(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			if a.asJSON {
				return a.printJSON(rows)
			}
			t := a.newTable("path", "ours", "raw", "ratio", "target", "met", "peak RSS MB")
			for _, r := range rows {
				raw, ratio := "-", "-"
				if r.Raw > 0 {
					raw, ratio = fmt.Sprintf("%.0f %s", r.Raw, r.Unit), fmt.Sprintf("%.2f", r.Ratio)
				}
				ours := fmt.Sprintf("%.0f %s", r.Ours, r.Unit)
				if r.Unit == "ms" {
					ours = fmt.Sprintf("%.3f ms", r.Ours)
					if r.Raw > 0 {
						raw = fmt.Sprintf("%.3f ms", r.Raw)
					}
				}
				met := "NO"
				if r.Met {
					met = "yes"
				}
				t.AppendRow(table.Row{r.Path, ours, raw, ratio, r.Target, met, fmt.Sprintf("%.0f", r.PeakMB)})
			}
			t.Render()
			return nil
		},
	}
	f := c.Flags()
	f.IntVar(&cfg.Projects, "projects", 2000, "projects in the big stream (100000 for the targets)")
	f.IntVar(&cfg.Events, "events", 20000, "events in the big stream (1000000 for the targets)")
	f.IntVar(&cfg.Samples, "samples", 50, "samples of each latency")
	f.IntVar(&cfg.Writers, "writers", 32, "concurrent writers on the append path")
	return c
}

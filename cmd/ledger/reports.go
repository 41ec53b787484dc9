package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/report"
)

// The reporting job's commands: each reads the stored projection rows,
// computes its read model for an as-of date and prints it.

// reportFlags are the flags every report command shares.
type reportFlags struct {
	asOf     string
	recorded string
	lang     string
	csv, bom bool
	md       bool
	xlsx     string
	bands    projections.Bands
}

func (f *reportFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&f.asOf, "as-of", "", "the business date to report on, YYYY-MM-DD (default today): days late and colours are computed for it; a past date counts only what had happened by then")
	fs.StringVar(&f.recorded, "as-of-recorded", "", "count only what the ledger knew at this time: YYYY-MM-DD (end of that day), 'YYYY-MM-DD HH:MM' (Asia/Shanghai) or RFC 3339")
	fs.StringVar(&f.lang, "lang", "en", "column labels: en or zh")
	fs.BoolVar(&f.csv, "csv", false, "print CSV")
	fs.BoolVar(&f.bom, "bom", false, "with --csv: start with a UTF-8 byte order mark, for Excel on Chinese Windows")
	fs.BoolVar(&f.md, "md", false, "print Markdown")
	fs.StringVar(&f.xlsx, "xlsx", "", "write an Excel workbook with one sheet per read model to this file")
	fs.IntVar(&f.bands.YellowDueWithin, "yellow-within", projections.DefaultBands.YellowDueWithin, "yellow light when a deadline is due within this many days")
	fs.IntVar(&f.bands.YellowLateFrom, "yellow-late", projections.DefaultBands.YellowLateFrom, "yellow light from this many days late")
	fs.IntVar(&f.bands.RedLateFrom, "red-late", projections.DefaultBands.RedLateFrom, "red light from this many days late")
}

// options resolves the as-of date and the bands.
func (a *app) options(f *reportFlags) (projections.Options, projections.Cut, report.Lang, error) {
	lang, err := report.ParseLang(f.lang)
	if err != nil {
		return projections.Options{}, projections.Cut{}, 0, usageError{fmt.Errorf("--lang: %w", err)}
	}
	if err := f.bands.Validate(); err != nil {
		return projections.Options{}, projections.Cut{}, 0, usageError{err}
	}
	if formats := countTrue(f.csv, f.md, f.xlsx != "", a.asJSON); formats > 1 {
		return projections.Options{}, projections.Cut{}, 0, usageError{errors.New("choose one of --json, --csv, --md and --xlsx")}
	}
	cut, asOf, err := a.cut(f.asOf, f.recorded)
	if err != nil {
		return projections.Options{}, projections.Cut{}, 0, err
	}
	return projections.Options{AsOf: asOf, Bands: f.bands}, cut, lang, nil
}

// cut resolves --as-of and --as-of-recorded: the events that count and the
// business date to report on. A past --as-of counts only what had happened
// by then; --as-of-recorded only what had been recorded by then, and
// reports on that day unless --as-of says otherwise.
func (a *app) cut(asOfFlag, recordedFlag string) (projections.Cut, domain.Date, error) {
	var cut projections.Cut
	today := a.today()
	asOf := today
	if recordedFlag != "" {
		t, err := parseInstant(recordedFlag)
		if err != nil {
			return cut, 0, err
		}
		cut.Recorded = t
		asOf = domain.DateOf(t, shanghai())
	}
	if asOfFlag != "" {
		d, err := a.date("--as-of", asOfFlag)
		if err != nil {
			return cut, 0, err
		}
		asOf = d
		if d < today {
			cut.Occurred = d
		}
	}
	return cut, asOf, nil
}

// parseInstant reads --as-of-recorded: an instant in the years a
// project's dates may have. (Year 1 would also be the zero time, which
// means no cut at all.)
func parseInstant(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t, err = time.ParseInLocation("2006-01-02 15:04", s, shanghai())
	}
	if err != nil {
		d, derr := domain.ParseDate(s)
		if derr != nil {
			return time.Time{}, fmt.Errorf("--as-of-recorded: %q is not a time; expected YYYY-MM-DD, 'YYYY-MM-DD HH:MM' (Asia/Shanghai) or RFC 3339", s)
		}
		t = d.End(shanghai()).Add(-time.Nanosecond)
	}
	if y := t.In(shanghai()).Year(); y < domain.MinYear || y > domain.MaxYear {
		return time.Time{}, fmt.Errorf("--as-of-recorded: %q is not a plausible time; expected a year from %d to %d", s, domain.MinYear, domain.MaxYear)
	}
	return t, nil
}

func countTrue(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// readRows returns the current projection rows. A process that opened the
// data folder itself brings them up to date first; one connected to a
// server waits briefly for the server's runner, and says so on stderr if
// the rows are still behind the stream.
func (a *app) readRows(ctx context.Context, unit string) (projections.Snapshot, error) {
	s, err := a.open(ctx)
	if err != nil {
		return projections.Snapshot{}, err
	}
	defer s.close()
	runner := projections.NewRunner(s.store)
	switch {
	case s.owned:
		if _, err := runner.CatchUp(ctx); err != nil {
			return projections.Snapshot{}, fmt.Errorf("bring projections up to date: %w", err)
		}
	case !s.rights.CanReadStreamInfo(a.stream):
		// A user who may read the projections only (the reporting job)
		// cannot see how far the stream has gone: the rows are read as
		// the server's runner last wrote them.
	default:
		behind, err := waitCaughtUp(ctx, runner, 2*time.Second)
		if errors.Is(err, projections.ErrNoProjections) {
			return projections.Snapshot{}, err
		}
		if err != nil {
			return projections.Snapshot{}, err
		}
		if behind > 0 {
			fmt.Fprintf(a.stderr, "ledger: note: the projections are %d events behind the stream; is `ledger serve` running?\n", behind)
		}
	}
	if unit != "" {
		return runner.Storage().ReadUnit(ctx, unit)
	}
	return runner.Storage().Read(ctx)
}

// rowsFor returns the rows to report on: the stored projection rows (only
// one unit's, when unit is set), or, for a cut in the past, the stream
// folded again up to the cut.
func (a *app) rowsFor(ctx context.Context, cut projections.Cut, unit string) ([]*projections.Row, error) {
	if cut.IsZero() {
		snap, err := a.readRows(ctx, unit)
		return snap.Rows, err
	}
	var rows []*projections.Row
	err := a.withSession(ctx, func(s *session) error {
		if !s.rights.CanReadStreamInfo(a.stream) {
			return fmt.Errorf("a report on a past date or as recorded at a time reads the event stream %s again, which %s may not read; it reads the current projections only", a.stream, userName(s.rights))
		}
		var err error
		rows, err = projections.RowsAsOf(ctx, s.store, cut)
		return err
	})
	return rows, err
}

// waitCaughtUp waits up to limit for the projections to reach the stream's
// end and returns how far behind they still are.
func waitCaughtUp(ctx context.Context, r *projections.Runner, limit time.Duration) (uint64, error) {
	deadline := time.Now().Add(limit)
	for {
		p, err := r.Progress(ctx)
		starting := errors.Is(err, projections.ErrNoProjections) // a server's runner may not have begun yet
		if (err != nil && !starting) || (err == nil && p.Behind == 0) || time.Now().After(deadline) {
			return p.Behind, err
		}
		select {
		case <-ctx.Done():
			return p.Behind, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// render prints tables in the chosen format; data is what --json prints.
func (a *app) render(f *reportFlags, lang report.Lang, data any, tables []report.Table, workbook func() []report.Table) error {
	switch {
	case a.asJSON:
		return a.printJSON(data)
	case f.xlsx != "":
		all := workbook()
		if err := report.XLSX(f.xlsx, all, lang); err != nil {
			return err
		}
		names := make([]string, len(all))
		for i, t := range all {
			names[i] = t.Name
		}
		fmt.Fprintf(a.stdout, "wrote %s (sheets: %v)\n", f.xlsx, names)
		return nil
	case f.csv:
		// Several tables (the bulletin's) follow one another, each with its
		// title on a line of its own and a blank line before the next; the
		// byte order mark, when asked for, starts the file only.
		for i, t := range tables {
			if i > 0 {
				fmt.Fprintln(a.stdout)
			}
			if len(tables) > 1 {
				if i == 0 && f.bom {
					fmt.Fprint(a.stdout, "\ufeff")
				}
				fmt.Fprintln(a.stdout, t.Title.In(lang))
			}
			if err := report.CSV(a.stdout, t, lang, report.CSVOptions{BOM: f.bom && len(tables) == 1}); err != nil {
				return err
			}
		}
		return nil
	case f.md:
		return report.Markdown(a.stdout, tables, lang)
	}
	for i, t := range tables {
		if i > 0 {
			fmt.Fprintln(a.stdout)
		}
		if err := report.Text(a.stdout, t, lang); err != nil {
			return err
		}
	}
	return nil
}

// filters narrows the read models to what the clerk asked for.
type filters struct {
	unit, leader, light, stage, kind string
}

func (fl *filters) add(fs *pflag.FlagSet, which ...string) {
	for _, w := range which {
		switch w {
		case "unit":
			fs.StringVar(&fl.unit, "unit", "", "only this responsible unit")
		case "leader":
			fs.StringVar(&fl.leader, "leader", "", "only this responsible leader")
		case "light":
			fs.StringVar(&fl.light, "light", "", "only this light: green, yellow, red or suspended")
		case "stage":
			fs.StringVar(&fl.stage, "stage", "", "only this stage: registered, negotiating, signed, started, completed, commissioned, full_capacity")
		case "kind":
			fs.StringVar(&fl.kind, "kind", "", "only this kind: new or continuing")
		}
	}
}

func match(filter, value string) bool { return filter == "" || filter == value }

// validate refuses filter values that can match nothing, rather than print
// an empty table.
func (fl filters) validate() error {
	check := func(flag, value string, allowed ...string) error {
		if value == "" || slices.Contains(allowed, value) {
			return nil
		}
		return usageError{fmt.Errorf("--%s %q: expected one of %s", flag, value, strings.Join(allowed, ", "))}
	}
	stages := []string{string(domain.Registered)}
	for _, st := range []domain.EventType{domain.Negotiating, domain.Signed, domain.Started, domain.Completed, domain.Commissioned, domain.FullCapacity} {
		stages = append(stages, string(st))
	}
	return errors.Join(
		check("light", fl.light, string(projections.LightGreen), string(projections.LightYellow), string(projections.LightRed), string(projections.LightSuspended)),
		check("stage", fl.stage, stages...),
		check("kind", fl.kind, string(domain.KindNew), string(domain.KindContinuing)),
	)
}

func (fl filters) status(rows []projections.StatusRow) []projections.StatusRow {
	return slices.DeleteFunc(rows, func(r projections.StatusRow) bool {
		return !match(fl.unit, r.Unit) || !match(fl.leader, r.Leader) || !match(fl.light, string(r.Light)) ||
			!match(fl.stage, r.Stage) || !match(fl.kind, string(r.Kind))
	})
}

func (fl filters) overdue(rows []projections.OverdueRow) []projections.OverdueRow {
	return slices.DeleteFunc(rows, func(r projections.OverdueRow) bool {
		return !match(fl.unit, r.Unit) || !match(fl.light, string(r.Light)) ||
			(fl.leader != "" && fl.leader != r.LeaderThen && fl.leader != r.LeaderNow)
	})
}

func (fl filters) scores(rows []projections.ScoreRow) []projections.ScoreRow {
	return slices.DeleteFunc(rows, func(r projections.ScoreRow) bool {
		return (r.By == "unit" && !match(fl.unit, r.Name)) || (r.By == "leader" && !match(fl.leader, r.Name))
	})
}

func (fl filters) investment(rows []projections.InvestmentRow) []projections.InvestmentRow {
	return slices.DeleteFunc(rows, func(r projections.InvestmentRow) bool { return !match(fl.unit, r.Unit) })
}

func (fl filters) unitInvestment(rows []projections.UnitInvestmentRow) []projections.UnitInvestmentRow {
	return slices.DeleteFunc(rows, func(r projections.UnitInvestmentRow) bool { return !match(fl.unit, r.Unit) })
}

func (fl filters) supervision(rows []projections.SupervisionRow) []projections.SupervisionRow {
	return slices.DeleteFunc(rows, func(r projections.SupervisionRow) bool { return !match(fl.unit, r.Unit) })
}

// workbook returns every read model as a table, for --xlsx: one sheet each.
func workbook(rows []*projections.Row, o projections.Options, fl filters) []report.Table {
	return []report.Table{
		report.StatusTable(fl.status(projections.Status(rows, o))),
		report.OverdueTable(fl.overdue(projections.Overdue(rows, o))),
		report.ScoreboardTable(fl.scores(projections.Scoreboard(rows, o))),
		report.InvestmentTable(fl.investment(projections.Investment(rows, o))),
		report.UnitInvestmentTable(fl.unitInvestment(projections.InvestmentByUnit(rows, o))),
		report.SupervisionTable(fl.supervision(projections.Supervision(rows, o))),
	}
}

// reportCommand builds one report command: its flags, then run computes
// the tables from the rows. Its --xlsx workbook holds every read model, or,
// when ownSheets is set, the command's own tables. perProject says the
// report's rows depend only on each project's own row, so --unit may read
// just that unit's rows.
func (a *app) reportCommand(use, short string, ownSheets, perProject bool, filterFlags []string, extra func(*pflag.FlagSet),
	run func(rows []*projections.Row, o projections.Options, fl filters) (data any, tables []report.Table, err error)) *cobra.Command {
	var rf reportFlags
	var fl filters
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, cut, lang, err := a.options(&rf)
			if err != nil {
				return err
			}
			if err := fl.validate(); err != nil {
				return err
			}
			// A report on one unit's projects reads only them, through the
			// unit index, unless the workbook needs every read model.
			unit := ""
			if perProject && rf.xlsx == "" {
				unit = fl.unit
			}
			rows, err := a.rowsFor(cmd.Context(), cut, unit)
			if err != nil {
				return err
			}
			data, tables, err := run(rows, o, fl)
			if err != nil {
				return err
			}
			return a.render(&rf, lang, data, tables, func() []report.Table {
				if ownSheets {
					return tables
				}
				return workbook(rows, o, fl)
			})
		},
	}
	rf.add(c.Flags())
	fl.add(c.Flags(), filterFlags...)
	if extra != nil {
		extra(c.Flags())
	}
	return c
}

func (a *app) statusCommand() *cobra.Command {
	var sortBy string
	return a.reportCommand("status", "The status table: one row per project, its stage, next deadline and light",
		false,
		true,
		[]string{"unit", "leader", "light", "stage", "kind"},
		func(fs *pflag.FlagSet) {
			fs.StringVar(&sortBy, "sort", "project", "order: project, light (worst first), late (most days late first) or unit")
		},
		func(rows []*projections.Row, o projections.Options, fl filters) (any, []report.Table, error) {
			st := fl.status(projections.Status(rows, o))
			if err := sortStatus(st, sortBy); err != nil {
				return nil, nil, err
			}
			return st, []report.Table{report.StatusTable(st)}, nil
		})
}

func sortStatus(rows []projections.StatusRow, by string) error {
	var f func(a, b projections.StatusRow) int
	switch by {
	case "project":
		return nil
	case "light":
		f = func(a, b projections.StatusRow) int {
			return cmp.Or(cmp.Compare(b.Light.Rank(), a.Light.Rank()), cmp.Compare(b.DaysLate, a.DaysLate), cmp.Compare(a.Project, b.Project))
		}
	case "late":
		f = func(a, b projections.StatusRow) int {
			return cmp.Or(cmp.Compare(b.DaysLate, a.DaysLate), cmp.Compare(a.Project, b.Project))
		}
	case "unit":
		f = func(a, b projections.StatusRow) int {
			return cmp.Or(cmp.Compare(a.Unit, b.Unit), cmp.Compare(a.Project, b.Project))
		}
	default:
		return usageError{fmt.Errorf("--sort %q: expected project, light, late or unit", by)}
	}
	slices.SortStableFunc(rows, f)
	return nil
}

func (a *app) overdueCommand() *cobra.Command {
	return a.reportCommand("overdue", "The overdue list: every deadline past and not reached, most days late first",
		false,
		true,
		[]string{"unit", "leader", "light"}, nil,
		func(rows []*projections.Row, o projections.Options, fl filters) (any, []report.Table, error) {
			ov := fl.overdue(projections.Overdue(rows, o))
			return ov, []report.Table{report.OverdueTable(ov)}, nil
		})
}

func (a *app) scoreboardCommand() *cobra.Command {
	var by, sortBy string
	return a.reportCommand("scoreboard", "Units and leaders: deadlines met on time, late and still overdue, worst first",
		false,
		false,
		[]string{"unit", "leader"},
		func(fs *pflag.FlagSet) {
			fs.StringVar(&by, "by", "both", "unit, leader or both")
			fs.StringVar(&sortBy, "sort", "worst", "order: worst, overdue, name or projects")
		},
		func(rows []*projections.Row, o projections.Options, fl filters) (any, []report.Table, error) {
			order, err := projections.ParseScoreSort(sortBy)
			if err != nil {
				return nil, nil, usageError{fmt.Errorf("--sort: %w", err)}
			}
			if by != "unit" && by != "leader" && by != "both" {
				return nil, nil, usageError{fmt.Errorf("--by %q: expected unit, leader or both", by)}
			}
			var units, leaders []projections.ScoreRow
			for _, s := range fl.scores(projections.Scoreboard(rows, o)) {
				if s.By == "unit" {
					units = append(units, s)
				} else {
					leaders = append(leaders, s)
				}
			}
			projections.SortScores(units, order)
			projections.SortScores(leaders, order)
			var out []projections.ScoreRow
			if by != "leader" {
				out = append(out, units...)
			}
			if by != "unit" {
				out = append(out, leaders...)
			}
			return out, []report.Table{report.ScoreboardTable(out)}, nil
		})
}

func (a *app) investmentCommand() *cobra.Command {
	var by string
	return a.reportCommand("investment", "Investment completed per project and month, year to date, against the annual plan",
		false,
		true,
		[]string{"unit"},
		func(fs *pflag.FlagSet) {
			fs.StringVar(&by, "by", "project", "project (per project and month) or unit (totals per unit)")
		},
		func(rows []*projections.Row, o projections.Options, fl filters) (any, []report.Table, error) {
			switch by {
			case "project":
				inv := fl.investment(projections.Investment(rows, o))
				return inv, []report.Table{report.InvestmentTable(inv)}, nil
			case "unit":
				inv := fl.unitInvestment(projections.InvestmentByUnit(rows, o))
				return inv, []report.Table{report.UnitInvestmentTable(inv)}, nil
			}
			return nil, nil, usageError{fmt.Errorf("--by %q: expected project or unit", by)}
		})
}

func (a *app) supervisionCommand() *cobra.Command {
	var openOnly bool
	return a.reportCommand("supervision", "The supervision ledger (挂账督办): issues raised, open and closed",
		false,
		true,
		[]string{"unit"},
		func(fs *pflag.FlagSet) { fs.BoolVar(&openOnly, "open", false, "only issues still open") },
		func(rows []*projections.Row, o projections.Options, fl filters) (any, []report.Table, error) {
			sv := fl.supervision(projections.Supervision(rows, o))
			if openOnly {
				sv = slices.DeleteFunc(sv, func(r projections.SupervisionRow) bool { return !r.Open })
			}
			return sv, []report.Table{report.SupervisionTable(sv)}, nil
		})
}

func (a *app) bulletinCommand() *cobra.Command {
	var period string
	return a.reportCommand("bulletin", "The dispatch or bulletin for a period: reached, missed, overdue, investment, units ranked",
		true,
		true,
		[]string{"unit"},
		func(fs *pflag.FlagSet) {
			fs.StringVar(&period, "period", "month", "week, month, quarter, half or year (the one containing --as-of)")
		},
		func(rows []*projections.Row, o projections.Options, fl filters) (any, []report.Table, error) {
			p, err := projections.ParsePeriod(period)
			if err != nil {
				return nil, nil, usageError{fmt.Errorf("--period: %w", err)}
			}
			if fl.unit != "" {
				rows = slices.DeleteFunc(slices.Clone(rows), func(r *projections.Row) bool { return r.Unit != fl.unit })
			}
			b := projections.MakeBulletin(rows, p, o)
			return b, report.BulletinTables(b), nil
		})
}

func (a *app) projectionsCommand() *cobra.Command {
	c := &cobra.Command{Use: "projections", Short: "Rebuild the projections, or see how far behind the stream they are"}
	rebuild := &cobra.Command{
		Use:   "rebuild",
		Short: "Build the projections again from the first event, then switch readers to them",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return a.withStore(ctx, func(s *eventstore.Store) error {
				start := time.Now()
				g, cp, err := projections.NewRunner(s).Rebuild(ctx)
				if err != nil {
					return err
				}
				if a.asJSON {
					return a.printJSON(map[string]any{"generation": g, "checkpoint": cp, "seconds": time.Since(start).Seconds()})
				}
				fmt.Fprintf(a.stdout, "rebuilt projections generation %d (bucket %s) up to stream sequence %d in %.2fs; readers use it now\n",
					g.Number, g.Bucket, cp.LastSeq, time.Since(start).Seconds())
				return nil
			})
		},
	}
	status := &cobra.Command{
		Use:   "status",
		Short: "Which generation readers use, how many events it is behind the stream, how many foreign messages it skipped",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return a.withSession(ctx, func(s *session) error {
				var p projections.Progress
				var err error
				if s.rights.CanReadStreamInfo(a.stream) {
					p, err = projections.NewRunner(s.store).Progress(ctx)
				} else {
					// A reporter reads the projections, not the stream.
					p, err = projections.NewStorage(s.store.JetStream(), a.stream).Progress(ctx)
				}
				if err != nil {
					return err
				}
				if a.asJSON {
					return a.printJSON(p)
				}
				t := a.newTable("projection", "generation", "bucket", "applied up to", "stream last", "behind", "skipped", "updated")
				updated := "-"
				if !p.Checkpoint.UpdatedAt.IsZero() {
					updated = p.Checkpoint.UpdatedAt.In(shanghai()).Format("2006-01-02 15:04:05")
				}
				var last, behind any = p.StreamLast, p.Behind
				if p.StreamUnread {
					last, behind = "-", "unknown"
				}
				t.AppendRow(table.Row{"status, overdue, scoreboard, investment, supervision", p.Generation.Number, p.Generation.Bucket,
					p.Checkpoint.LastSeq, last, behind, p.Checkpoint.Skipped, updated})
				t.Render()
				if p.StreamUnread {
					fmt.Fprintf(a.stdout, "behind: unknown, %s may not read the stream %s; updated is when the runner last wrote\n", userName(s.rights), a.stream)
				}
				return nil
			})
		},
	}
	c.AddCommand(rebuild, status)
	return c
}

func shanghai() *time.Location {
	loc, _ := domain.LoadZone("")
	return loc
}

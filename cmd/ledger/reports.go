package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/query"
	"github.com/keyprojects/ledger/projections/report"
)

// The reporting job's commands: each parses its flags, asks the query
// service (projections/query) for its read model and prints it.

// reportFlags are the flags every report command shares.
type reportFlags struct {
	asOf     string
	recorded string
	lang     string
	csv, bom bool
	md       bool
	xlsx     string
	// layout, title and issuer shape the --xlsx workbook; workbook is
	// them parsed.
	layout, title, issuer string
	workbook              report.XLSXOptions
	// docx is the bulletin's --docx file (bulletin_docx.go), which
	// --title and --issuer shape too; other reports leave it empty.
	docx  string
	bands projections.Bands
	// chart is the --chart SVG file (chart.go); xlsxChart asks for the
	// chart in the --xlsx workbook too; charts is the chart the command
	// draws.
	chart     string
	xlsxChart bool
	charts    chartKind
}

func (f *reportFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&f.asOf, "as-of", "", "the business date to report on, YYYY-MM-DD (default today): days late and colours are computed for it; a past date counts only what had happened by then")
	fs.StringVar(&f.recorded, "as-of-recorded", "", "count only what the ledger knew at this time: YYYY-MM-DD (end of that day), 'YYYY-MM-DD HH:MM' (Asia/Shanghai) or RFC 3339")
	fs.StringVar(&f.lang, "lang", defaultLang(), "column labels: zh or en (default from LC_ALL, LC_MESSAGES or LANG: zh_CN... is zh)")
	fs.BoolVar(&f.csv, "csv", false, "print CSV")
	fs.BoolVar(&f.bom, "bom", false, "with --csv: start with a UTF-8 byte order mark, for Excel on Chinese Windows")
	fs.BoolVar(&f.md, "md", false, "print Markdown")
	fs.StringVar(&f.xlsx, "xlsx", "", "write an Excel workbook with one sheet per read model to this file")
	fs.StringVar(&f.layout, "layout", "form", "with --xlsx: form (to print and send: a heading, the 填报单位 line, 序号, a 合计 row, money cells in 万元) or plain (the header in row 1, a sheet row per table row)")
	fs.StringVar(&f.title, "title", "", "with --xlsx: the heading of the first sheet (default its table's title); the as-of date is added; with the bulletin's --docx: the notice's title")
	fs.StringVar(&f.issuer, "issuer", "", "with --xlsx: the office reporting the figures (填报单位), printed under the heading; with the bulletin's --docx: the issuing office (发文机关)")
	fs.StringVar(&f.chart, "chart", "", "write the report's bar chart to this SVG file (status: projects by stage; investment --by unit: plan and completed by unit; bulletin: on-time rate by unit)")
	fs.BoolVar(&f.xlsxChart, "xlsx-chart", false, "with --xlsx: add the report's chart, a native Excel chart on a data sheet (图表数据) after the tables")
	fs.IntVar(&f.bands.YellowDueWithin, "yellow-within", projections.DefaultBands.YellowDueWithin, "yellow light when a deadline is due within this many days")
	fs.IntVar(&f.bands.YellowLateFrom, "yellow-late", projections.DefaultBands.YellowLateFrom, "yellow light from this many days late")
	fs.IntVar(&f.bands.RedLateFrom, "red-late", projections.DefaultBands.RedLateFrom, "red light from this many days late")
}

// options resolves the language, the bands and the cut.
func (a *app) options(f *reportFlags) (query.Report, report.Lang, error) {
	lang, err := report.ParseLang(f.lang)
	if err != nil {
		return query.Report{}, 0, usageError{fmt.Errorf("--lang: %w", err)}
	}
	if err := f.bands.Validate(); err != nil {
		return query.Report{}, 0, usageError{err}
	}
	if f.docx != "" && countTrue(f.csv, f.md, f.xlsx != "", a.asJSON) > 0 {
		return query.Report{}, 0, usageError{errors.New("--docx writes the document alone: leave out --json, --csv, --md and --xlsx")}
	}
	if formats := countTrue(f.csv, f.md, f.xlsx != "", a.asJSON); formats > 1 {
		return query.Report{}, 0, usageError{errors.New("choose one of --json, --csv, --md and --xlsx")}
	}
	layout, err := report.ParseLayout(f.layout)
	if err != nil {
		return query.Report{}, 0, usageError{fmt.Errorf("--layout: %w", err)}
	}
	if f.docx != "" && layout != report.LayoutForm {
		return query.Report{}, 0, usageError{errors.New("--layout shapes the workbook, not the --docx document")}
	}
	if f.xlsx == "" && f.docx == "" && (layout != report.LayoutForm || f.title != "" || f.issuer != "") {
		return query.Report{}, 0, usageError{errors.New("--layout, --title and --issuer shape the workbook: give --xlsx FILE")}
	}
	f.workbook = report.XLSXOptions{Title: f.title, Issuer: f.issuer, Layout: layout}
	cut, err := a.cut(f.asOf, f.recorded)
	if err != nil {
		return query.Report{}, 0, err
	}
	return query.Report{Cut: cut, Bands: f.bands}, lang, nil
}

// cut reads --as-of and --as-of-recorded; query.Service.Resolve says what
// they count.
func (a *app) cut(asOfFlag, recordedFlag string) (query.Cut, error) {
	var cut query.Cut
	if recordedFlag != "" {
		t, err := parseInstant(recordedFlag)
		if err != nil {
			return cut, err
		}
		cut.Recorded = t
	}
	if asOfFlag != "" {
		d, err := a.date("--as-of", asOfFlag)
		if err != nil {
			return cut, err
		}
		cut.AsOf = d
	}
	return cut, nil
}

// parseInstant reads --as-of-recorded.
func parseInstant(s string) (time.Time, error) {
	t, err := query.ParseRecorded(s, shanghai())
	if err != nil {
		return time.Time{}, fmt.Errorf("--as-of-recorded: %w", err)
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

// queries returns the query service on an open session: a process that
// opened the data folder itself brings the projections up to date first;
// one connected to a server waits briefly for the server's runner; a user
// who may read the projections only reads them as the runner last wrote
// them.
func (a *app) queries(s *session) *query.Service {
	opts := []query.Option{query.WithClock(a.clock), query.WithZone(shanghai())}
	switch {
	case s.owned:
		opts = append(opts, query.WithCatchUp())
	case !s.rights.CanReadStreamInfo(a.stream):
		opts = append(opts, query.WithoutStream(userName(s.rights)))
	}
	return query.New(s.store, opts...)
}

// withQueries runs fn with the query service on an open ledger.
func (a *app) withQueries(ctx context.Context, fn func(*query.Service) error) error {
	return a.withSession(ctx, func(s *session) error { return fn(a.queries(s)) })
}

// withProject reads arg as a project id and runs fn with it and the query
// service.
func (a *app) withProject(ctx context.Context, arg string, fn func(*query.Service, domain.ProjectID) error) error {
	id, err := domain.ParseProjectID(arg)
	if err != nil {
		return err
	}
	return a.withQueries(ctx, func(qs *query.Service) error {
		if id.IsNationalCode() {
			// A national code finds the project registered with it, under
			// whatever id.
			if id, err = qs.FindProject(ctx, id); err != nil {
				return err
			}
		}
		return fn(qs, id)
	})
}

// noteBehind says on stderr that the rows read were behind the stream.
func (a *app) noteBehind(behind uint64) {
	if behind > 0 {
		fmt.Fprintf(a.stderr, "ledger: note: the projections are %d events behind the stream; is `ledger serve` running?\n", behind)
	}
}

// waitCaughtUp waits up to limit for the projections to reach the stream's
// end and returns how far behind they still are.
func waitCaughtUp(ctx context.Context, r *projections.Runner, limit time.Duration) (uint64, error) {
	return query.WaitCaughtUp(ctx, r, limit)
}

// filters are the flags that narrow the read models to what the clerk
// asked for.
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

// filter returns the flags as a query filter, refusing a light, stage or
// kind no project can have rather than print an empty table. (Units and
// leaders the ledger does not know are refused by the query service.)
func (fl filters) filter() (query.Filter, error) {
	f, err := query.Filter{Unit: fl.unit, Leader: fl.leader, Light: projections.Light(fl.light), Stage: fl.stage, Kind: domain.ProjectKind(fl.kind)}.Canonical()
	if err == nil {
		return f, nil
	}
	errs := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		errs = joined.Unwrap()
	}
	for i, e := range errs {
		errs[i] = usageError{fmt.Errorf("--%w", e)}
	}
	return f, errors.Join(errs...)
}

// match reports whether value passes filter; an empty filter passes
// every value.
func match(filter, value string) bool { return filter == "" || filter == value }

// workbookTables returns every read model as a table, for --xlsx: one
// sheet each.
func workbookTables(w query.Workbook) []report.Table {
	return []report.Table{
		report.StatusTable(w.Status),
		report.OverdueTable(w.Overdue),
		report.ScoreboardTable(w.Scoreboard),
		report.InvestmentTable(w.Investment),
		report.UnitInvestmentTable(w.UnitInvestment),
		report.SupervisionTable(w.Supervision),
	}
}

// answer is what a report command prints: data for --json, the tables
// for every other format, and how far behind the projections were.
type answer struct {
	data   any
	tables []report.Table
	behind uint64
	// written: run wrote the answer to its file and said so.
	written bool
}

// answerOf is the answer for a result whose value prints as tables.
func answerOf[T any](r query.Result[T], err error, tables func(T) []report.Table) (answer, error) {
	if err != nil {
		return answer{}, err
	}
	return answer{data: r.Value, tables: tables(r.Value), behind: r.Behind}, nil
}

// reportCommand builds one report command: its flags, check for its own
// flags (may be nil), then run asks the query service for its answer. Its
// --xlsx workbook holds every read model, or, when ownSheets is set, the
// command's own tables.
func (a *app) reportCommand(use, short string, ownSheets bool, filterFlags []string, extra func(*pflag.FlagSet), check func() error,
	run func(ctx context.Context, qs *query.Service, q query.Report) (answer, error)) *cobra.Command {
	return a.reportCommandWith(&reportFlags{}, use, short, ownSheets, filterFlags, extra, check, run)
}

// reportCommandWith is reportCommand on the flags rf, for a command
// whose check and run read them.
func (a *app) reportCommandWith(rf *reportFlags, use, short string, ownSheets bool, filterFlags []string, extra func(*pflag.FlagSet), check func() error,
	run func(ctx context.Context, qs *query.Service, q query.Report) (answer, error)) *cobra.Command {
	var fl filters
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q, lang, err := a.options(rf)
			if err != nil {
				return err
			}
			if q.Filter, err = fl.filter(); err != nil {
				return err
			}
			if check != nil {
				if err := check(); err != nil {
					return err
				}
			}
			if err := a.checkChart(rf); err != nil {
				return err
			}
			ctx := cmd.Context()
			return a.withQueries(ctx, func(qs *query.Service) error {
				var ans answer
				var err error
				if rf.xlsx != "" && !ownSheets {
					r, werr := qs.Workbook(ctx, q)
					ans, err = answerOf(r, werr, workbookTables)
				} else {
					ans, err = run(ctx, qs, q)
				}
				if err != nil {
					return err
				}
				a.noteBehind(ans.behind)
				if ans.written {
					return nil
				}
				if rf.chart != "" {
					return a.writeChart(rf, ans.data, lang)
				}
				if rf.xlsx != "" {
					// Headed with the date the figures are as of, as the
					// board's download is.
					o := rf.workbook.AsOf(qs.Resolve(q.Cut))
					o.Chart = rf.workbookChart(ans.data, lang)
					return a.writeWorkbook(rf.xlsx, ans.tables, lang, o)
				}
				return a.render(rf, lang, ans.data, ans.tables)
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

// writeWorkbook writes tables to the --xlsx file path.
func (a *app) writeWorkbook(path string, tables []report.Table, lang report.Lang, o report.XLSXOptions) error {
	if err := report.XLSX(path, tables, lang, o); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "wrote %s (sheets: %s)\n", path, strings.Join(report.SheetNames(tables, lang), ", "))
	return nil
}

func (a *app) statusCommand() *cobra.Command {
	var sortBy string
	var order query.StatusOrder
	return a.reportCommandWith(&reportFlags{charts: chartStages}, "status", "The status table: one row per project, its stage, next deadline and light",
		false,
		[]string{"unit", "leader", "light", "stage", "kind"},
		func(fs *pflag.FlagSet) {
			fs.StringVar(&sortBy, "sort", "project", "order: project, light (worst first), late (most days late first) or unit")
		},
		func() (err error) {
			if order, err = query.ParseStatusOrder(sortBy); err != nil {
				return usageError{fmt.Errorf("--sort %q: expected project, light, late or unit", sortBy)}
			}
			return nil
		},
		func(ctx context.Context, qs *query.Service, q query.Report) (answer, error) {
			r, err := qs.Status(ctx, query.StatusQuery{Report: q, Order: order})
			return answerOf(r, err, func(st []projections.StatusRow) []report.Table { return []report.Table{report.StatusTable(st)} })
		})
}

func (a *app) overdueCommand() *cobra.Command {
	return a.reportCommand("overdue", "The overdue list: every deadline past and not reached, most days late first",
		false,
		[]string{"unit", "leader", "light"}, nil, nil,
		func(ctx context.Context, qs *query.Service, q query.Report) (answer, error) {
			r, err := qs.Overdue(ctx, q)
			return answerOf(r, err, func(ov []projections.OverdueRow) []report.Table { return []report.Table{report.OverdueTable(ov)} })
		})
}

func (a *app) scoreboardCommand() *cobra.Command {
	var by, sortBy string
	var order projections.ScoreSort
	return a.reportCommand("scoreboard", "Units and leaders: deadlines met on time, late and still overdue, worst first",
		false,
		[]string{"unit", "leader"},
		func(fs *pflag.FlagSet) {
			fs.StringVar(&by, "by", "both", "unit, leader or both")
			fs.StringVar(&sortBy, "sort", "worst", "order: worst, overdue, name or projects")
		},
		func() (err error) {
			if order, err = projections.ParseScoreSort(sortBy); err != nil {
				return usageError{fmt.Errorf("--sort: %w", err)}
			}
			if by != "unit" && by != "leader" && by != "both" {
				return usageError{fmt.Errorf("--by %q: expected unit, leader or both", by)}
			}
			return nil
		},
		func(ctx context.Context, qs *query.Service, q query.Report) (answer, error) {
			r, err := qs.Scoreboard(ctx, query.ScoreboardQuery{Report: q, By: query.ScoreBy(by), Order: order})
			return answerOf(r, err, func(sc []projections.ScoreRow) []report.Table { return []report.Table{report.ScoreboardTable(sc)} })
		})
}

func (a *app) investmentCommand() *cobra.Command {
	var by string
	rf := &reportFlags{}
	return a.reportCommandWith(rf, "investment", "Investment completed per project and month, year to date, against the annual plan",
		false,
		[]string{"unit"},
		func(fs *pflag.FlagSet) {
			fs.StringVar(&by, "by", "project", "project (per project and month) or unit (totals per unit)")
		},
		func() error {
			if by != "project" && by != "unit" {
				return usageError{fmt.Errorf("--by %q: expected project or unit", by)}
			}
			if by == "unit" {
				rf.charts = chartUnitInvestment
			}
			return nil
		},
		func(ctx context.Context, qs *query.Service, q query.Report) (answer, error) {
			if by == "unit" {
				r, err := qs.InvestmentByUnit(ctx, q)
				return answerOf(r, err, func(inv []projections.UnitInvestmentRow) []report.Table {
					return []report.Table{report.UnitInvestmentTable(inv)}
				})
			}
			r, err := qs.Investment(ctx, q)
			return answerOf(r, err, func(inv []projections.InvestmentRow) []report.Table {
				return []report.Table{report.InvestmentTable(inv)}
			})
		})
}

func (a *app) supervisionCommand() *cobra.Command {
	var openOnly bool
	return a.reportCommand("supervision", "The supervision ledger (挂账督办): issues raised, open and closed",
		false,
		[]string{"unit"},
		func(fs *pflag.FlagSet) { fs.BoolVar(&openOnly, "open", false, "only issues still open") },
		nil,
		func(ctx context.Context, qs *query.Service, q query.Report) (answer, error) {
			r, err := qs.Supervision(ctx, query.SupervisionQuery{Report: q, OpenOnly: openOnly})
			return answerOf(r, err, func(sv []projections.SupervisionRow) []report.Table {
				return []report.Table{report.SupervisionTable(sv)}
			})
		})
}

func (a *app) bulletinCommand() *cobra.Command {
	var period string
	var p projections.Period
	rf := reportFlags{charts: chartOnTime}
	var doc docxFlags
	return a.reportCommandWith(&rf, "bulletin", "The dispatch or bulletin for a period: reached, missed, overdue, investment, units ranked",
		true,
		[]string{"unit"},
		func(fs *pflag.FlagSet) {
			fs.StringVar(&period, "period", "month", "week, month, quarter, half or year (the one containing --as-of)")
			doc.add(fs, &rf)
		},
		func() (err error) {
			if p, err = projections.ParsePeriod(period); err != nil {
				return usageError{fmt.Errorf("--period: %w", err)}
			}
			return doc.check(&rf)
		},
		func(ctx context.Context, qs *query.Service, q query.Report) (answer, error) {
			if rf.docx != "" {
				return a.writeBulletinDocx(ctx, qs, query.BulletinQuery{Report: q, Period: p}, &rf, doc)
			}
			r, err := qs.Bulletin(ctx, query.BulletinQuery{Report: q, Period: p})
			return answerOf(r, err, report.BulletinTables)
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
				p, err := a.queries(s).Progress(ctx)
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

package cadence

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/query"
	"github.com/keyprojects/ledger/projections/report"
	"github.com/keyprojects/ledger/projections/report/docx"
)

// file is one file a publication writes: its name, the ledger command
// line that writes it again, and how the scheduler renders it, through
// the same query and renderers as that command.
type file struct {
	name   string
	args   []string
	render func(ctx context.Context, qs *query.Service, q query.Report) ([]byte, error)
}

// OutputFile returns the file a publication's command line writes: the
// value of its last flag when that is --docx or --xlsx, else "" (the
// command prints the file on standard output, as --md does).
func OutputFile(args []string) (name string, index int) {
	if n := len(args); n >= 2 && (args[n-2] == "--docx" || args[n-2] == "--xlsx") {
		return args[n-1], n - 1
	}
	return "", -1
}

// files returns the files a run of j writes for span, on the cut of the
// instant due, issued by issuer.
func (j job) files(span Span, due time.Time, issuer string) []file {
	cutArgs := []string{"--as-of", span.Last.String(), "--as-of-recorded", due.Format(time.RFC3339), "--lang", "zh"}
	with := func(cmd []string, tail ...string) []string {
		return append(append(append([]string(nil), cmd...), cutArgs...), tail...)
	}
	shaped := func(title string, flag, name string) []string {
		var tail []string
		if title != "" {
			tail = append(tail, "--title", title)
		}
		if issuer != "" {
			tail = append(tail, "--issuer", issuer)
		}
		return append(tail, flag, name)
	}
	workbook := func(title string) report.XLSXOptions {
		return report.XLSXOptions{Title: title, Issuer: issuer, Layout: report.LayoutForm}
	}
	title := j.Title
	label := span.Label
	bp, _ := span.Period.bulletinPeriod()
	period := []string{"bulletin", "--period", string(bp)}
	switch j.Report {
	case Dispatch:
		if title == "" {
			title = "重点项目调度表"
		}
		name := "调度-" + label + ".xlsx"
		return []file{
			{name, with([]string{"status"}, shaped(title, "--xlsx", name)...), workbookFile(workbook(title))},
			{"项目状态-" + label + ".md", with([]string{"status"}, "--md"), statusMarkdown},
			{"逾期节点-" + label + ".md", with([]string{"overdue"}, "--md"), overdueMarkdown},
		}
	case Bulletin:
		doc, book := "通报-"+label+".docx", "通报-"+label+".xlsx"
		return []file{
			{doc, with(period, shaped("", "--docx", doc)...), bulletinDocx(bp, docx.Options{Issuer: issuer})},
			{book, with(period, shaped(title, "--xlsx", book)...), bulletinWorkbook(bp, workbook(title))},
		}
	case Quarterly:
		if title == "" {
			title = "重点项目季度检查情况"
		}
		book := "季度检查-" + label + ".xlsx"
		return []file{
			{book, with(period, shaped(title, "--xlsx", book)...), bulletinWorkbook(bp, workbook(title))},
			{"单位排名-" + label + ".md", with([]string{"scoreboard", "--by", "unit"}, "--md"), unitScoreMarkdown},
		}
	case HalfYear:
		if title == "" {
			halves := map[bool]string{true: "上半年", false: "下半年"}
			title = fmt.Sprintf("%d年%s重点项目推进情况总结", span.First.Year(), halves[span.First.Month() == 1])
		}
		doc, book := "半年总结-"+label+".docx", "半年总结-"+label+".xlsx"
		return []file{
			{doc, with(period, shaped(title, "--docx", doc)...), bulletinDocx(bp, docx.Options{Issuer: issuer, Title: title})},
			{book, with(period, shaped(title, "--xlsx", book)...), bulletinWorkbook(bp, workbook(title))},
		}
	default: // YearEnd
		return []file{
			{"年终张榜-" + label + "-单位.md", with([]string{"scoreboard", "--by", "unit"}, "--md"), unitScoreMarkdown},
			{"年终张榜-" + label + "-投资.md", with([]string{"investment", "--by", "unit"}, "--md"), unitInvestmentMarkdown},
		}
	}
}

// The renderers below answer as the ledger's report commands do for the
// flags files gives them (cmd/ledger/reports.go, bulletin_docx.go).

func markdown(tables ...report.Table) ([]byte, error) {
	var b bytes.Buffer
	err := report.Markdown(&b, tables, report.ZH)
	return b.Bytes(), err
}

func workbookFile(o report.XLSXOptions) func(context.Context, *query.Service, query.Report) ([]byte, error) {
	return func(ctx context.Context, qs *query.Service, q query.Report) ([]byte, error) {
		r, err := qs.Workbook(ctx, q)
		if err != nil {
			return nil, err
		}
		w := r.Value
		tables := []report.Table{
			report.StatusTable(w.Status),
			report.OverdueTable(w.Overdue),
			report.ScoreboardTable(w.Scoreboard),
			report.InvestmentTable(w.Investment),
			report.UnitInvestmentTable(w.UnitInvestment),
			report.SupervisionTable(w.Supervision),
		}
		var b bytes.Buffer
		err = report.WriteXLSX(&b, tables, report.ZH, o.AsOf(qs.Resolve(q.Cut)))
		return b.Bytes(), err
	}
}

func statusMarkdown(ctx context.Context, qs *query.Service, q query.Report) ([]byte, error) {
	r, err := qs.Status(ctx, query.StatusQuery{Report: q, Order: query.ByProject})
	if err != nil {
		return nil, err
	}
	return markdown(report.StatusTable(r.Value))
}

func overdueMarkdown(ctx context.Context, qs *query.Service, q query.Report) ([]byte, error) {
	r, err := qs.Overdue(ctx, q)
	if err != nil {
		return nil, err
	}
	return markdown(report.OverdueTable(r.Value))
}

func unitScoreMarkdown(ctx context.Context, qs *query.Service, q query.Report) ([]byte, error) {
	r, err := qs.Scoreboard(ctx, query.ScoreboardQuery{Report: q, By: query.ScoreBy("unit"), Order: projections.SortWorst})
	if err != nil {
		return nil, err
	}
	return markdown(report.ScoreboardTable(r.Value))
}

func unitInvestmentMarkdown(ctx context.Context, qs *query.Service, q query.Report) ([]byte, error) {
	r, err := qs.InvestmentByUnit(ctx, q)
	if err != nil {
		return nil, err
	}
	return markdown(report.UnitInvestmentTable(r.Value))
}

func bulletinDocx(p projections.Period, o docx.Options) func(context.Context, *query.Service, query.Report) ([]byte, error) {
	return func(ctx context.Context, qs *query.Service, q query.Report) ([]byte, error) {
		b, err := qs.Bulletin(ctx, query.BulletinQuery{Report: q, Period: p})
		if err != nil {
			return nil, err
		}
		st, err := qs.Status(ctx, query.StatusQuery{Report: q})
		if err != nil {
			return nil, err
		}
		o.Projects = len(st.Value)
		return docx.Encode(b.Value, o)
	}
}

func bulletinWorkbook(p projections.Period, o report.XLSXOptions) func(context.Context, *query.Service, query.Report) ([]byte, error) {
	return func(ctx context.Context, qs *query.Service, q query.Report) ([]byte, error) {
		b, err := qs.Bulletin(ctx, query.BulletinQuery{Report: q, Period: p})
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		err = report.WriteXLSX(&buf, report.BulletinTables(b.Value), report.ZH, o.AsOf(qs.Resolve(q.Cut)))
		return buf.Bytes(), err
	}
}

package docx

import (
	"strconv"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/report"
)

// section is one numbered part of the notice: its heading, a sentence
// before its table, the table (无 when it has no rows), a note under it
// and the chart drawn from the table, or nil.
type section struct {
	heading, lead string
	table         table
	note          string
	figure        *figure
}

// The section headings, in order.
const (
	headingReached    = "一、本期完成节点"
	headingMissed     = "二、本期未按期完成节点"
	headingOverdue    = "三、逾期未完成节点"
	headingInvestment = "四、投资完成情况"
	headingUnits      = "五、单位排名"
)

// Column widths in twips, each as wide as its longest usual cell and
// the cell margins (a header wider than its column is set in two lines);
// a table's name column takes what is left of the text's width.
const (
	wNumber = 620  // 序号, 排名
	wUnit   = 1560 // six characters: 县交通运输局
	wStep   = 1080 // four characters: 施工许可
	wDate   = 1260 // 2026-11-30
	wDays   = 760  // 逾期天数, three digits
	wLeader = 880  // three characters
	wState  = 1400 // 完成情况
	wCount  = 850  // 应完成, 逾期未完成 (in two lines)
	wRate   = 950  // 100.00%
	wMoney  = 3000 // 本期完成投资（万元）
)

// sections are the notice's five sections, from the bulletin. The
// ranking is drawn as a chart of the units' on-time rates when a unit has
// one.
func sections(b projections.Bulletin, c counts) []section {
	units := section{heading: headingUnits, lead: rankingSentence(c), table: unitsTable(b.Units), note: unitsNote(b.Units)}
	if f, ok := onTimeFigure(b.Units); ok {
		units.figure = &f
	}
	return []section{
		{heading: headingReached, table: reachedTable(b.Reached)},
		{heading: headingMissed, table: missedTable(b.Missed)},
		{heading: headingOverdue, lead: namedUnits(c), table: overdueTable(b.Overdue)},
		{heading: headingInvestment, table: investmentTable(b)},
		units,
	}
}

// milestone is a milestone's Chinese name.
func milestone(m domain.Milestone) string { return report.Term(m, report.ZH) }

// due is a deadline as its plan gave it: 2026-11-30, 2026年3月.
func due(d domain.Date, p domain.Precision) string { return p.Format(d) }

func number(i int) string { return strconv.Itoa(i + 1) }

func reachedTable(rows []projections.ReachedRow) table {
	t := table{columns: []column{
		{"序号", wNumber, false},
		{"项目名称", textWidth - wNumber - wUnit - wStep - 2*wDate, true},
		{"责任单位", wUnit, true},
		{"节点", wStep, false},
		{"截止日期", wDate, false},
		{"完成日期", wDate, false},
	}}
	for i, r := range rows {
		deadline, reached := "—", r.Reached.String()
		if !r.Due.IsZero() {
			deadline = due(r.Due, r.DuePrecision)
		}
		if r.DaysLate > 0 {
			reached += "\n逾期" + strconv.Itoa(r.DaysLate) + "天"
		}
		t.rows = append(t.rows, []string{number(i), r.Name, r.Unit, milestone(r.Milestone), deadline, reached})
	}
	return t
}

func missedTable(rows []projections.MissedRow) table {
	t := table{columns: []column{
		{"序号", wNumber, false},
		{"项目名称", textWidth - wNumber - wUnit - wStep - wDate - wDays - wState, true},
		{"责任单位", wUnit, true},
		{"节点", wStep, false},
		{"截止日期", wDate, false},
		{"逾期\n天数", wDays, false},
		{"完成情况", wState, false},
	}}
	for i, r := range rows {
		state := "未完成"
		switch {
		case !r.ReachedOn.IsZero():
			state = r.ReachedOn.String() + "完成"
		case !r.RevisedTo.IsZero():
			state = "未完成，已调整至" + due(r.RevisedTo, r.RevisedToPrecision)
		}
		t.rows = append(t.rows, []string{number(i), r.Name, r.Unit, milestone(r.Milestone), due(r.Due, r.DuePrecision),
			strconv.Itoa(r.DaysLate), state})
	}
	return t
}

func overdueTable(rows []projections.OverdueRow) table {
	t := table{columns: []column{
		{"序号", wNumber, false},
		{"项目名称", textWidth - wNumber - wUnit - wStep - wDate - wDays - wLeader, true},
		{"责任单位", wUnit, true},
		{"节点", wStep, false},
		{"截止日期", wDate, false},
		{"逾期\n天数", wDays, false},
		{"包保\n领导", wLeader, false},
	}}
	for i, r := range rows {
		t.rows = append(t.rows, []string{number(i), r.Name, r.Unit, milestone(r.Milestone), due(r.Due, r.DuePrecision),
			strconv.Itoa(r.DaysLate), r.LeaderNow})
	}
	return t
}

func investmentTable(b projections.Bulletin) table {
	t := table{columns: []column{
		{"序号", wNumber, false},
		{"责任单位", textWidth - wNumber - wMoney, true},
		{"本期完成投资（万元）", wMoney, false},
	}}
	for i, r := range b.Investment {
		t.rows = append(t.rows, []string{number(i), r.Unit, wan(r.Amount)})
	}
	if len(t.rows) > 0 {
		t.total = []string{"", "合计", wan(b.InvestmentTotal)}
	}
	return t
}

func unitsTable(rows []projections.UnitRankRow) table {
	t := table{columns: []column{
		{"排名", wNumber, false},
		{"责任单位", textWidth - wNumber - 5*wCount - wRate, true},
		{"应完成", wCount, false},
		{"按期\n完成", wCount, false},
		{"逾期\n完成", wCount, false},
		{"逾期\n未完成", wCount, false},
		{"按期率", wRate, false},
		{"当前\n逾期", wCount, false},
	}}
	for _, r := range rows {
		rate := "—"
		if r.RateBP != nil {
			rate = percent(*r.RateBP)
		}
		t.rows = append(t.rows, []string{strconv.Itoa(r.Rank), r.Unit, strconv.Itoa(r.Due), strconv.Itoa(r.OnTime),
			strconv.Itoa(r.Late), strconv.Itoa(r.Open), rate, strconv.Itoa(r.OverdueNow)})
	}
	return t
}

// unitsNote explains the — of a unit with nothing due, when there is one.
func unitsNote(rows []projections.UnitRankRow) string {
	for _, r := range rows {
		if r.RateBP == nil {
			return "注：按期率为“—”的单位本期无应完成节点，列于最后；“当前逾期”为截至通报日期仍逾期未完成的节点数。"
		}
	}
	return "注：“当前逾期”为截至通报日期仍逾期未完成的节点数。"
}

package report

import (
	"strings"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

// Columns shared by several tables.
var (
	colProject    = Column{"project", Label{"Project", "项目代码"}, KindText}
	colName       = Column{"name", Label{"Name", "项目名称"}, KindText}
	colUnit       = Column{"unit", Label{"Unit", "责任单位"}, KindText}
	colMilestone  = Column{"milestone", Label{"Milestone", "节点"}, KindText}
	colDue        = Column{"due", Label{"Due", "截止日期"}, KindDate}
	colBaseline   = Column{"baseline", Label{"Baseline", "原定截止日期"}, KindDate}
	colDaysLate   = Column{"days_late", Label{"Days late", "逾期天数"}, KindInt}
	colExplained  = Column{"explained", Label{"Explained", "已说明原因"}, KindBool}
	colLight      = Column{"light", Label{"Light", "预警"}, KindText}
	colLeaderThen = Column{"leader_then", Label{"Leader then", "当时包保领导"}, KindText}
	colOnTime     = Column{"on_time", Label{"On time", "按期完成"}, KindInt}
	colLate       = Column{"late", Label{"Late", "逾期完成"}, KindInt}
	colRate       = Column{"on_time_rate", Label{"On-time rate", "按期率"}, KindPercent}
	colYearToDate = Column{"year_to_date", Label{"Year to date", "年度累计"}, KindMoney}
	colAnnualPlan = Column{"annual_plan", Label{"Annual plan", "年度计划"}, KindMoney}
	colPlanShare  = Column{"plan_share", Label{"Share of plan", "计划完成率"}, KindPercent}
)

// StatusTable is the status table (项目进度表): one row per project.
// Days left and days late are shown for the next milestone only where they
// mean something: days left while it is not late, days late once it is,
// neither when no deadline is open. Suspension shows as the 停工 light.
func StatusTable(rows []projections.StatusRow) Table {
	t := Table{
		Name:  "status",
		Title: Label{"Project status", "项目进度表"},
		Columns: []Column{
			colProject, colName, colUnit,
			{"leader", Label{"Leader", "包保领导"}, KindText},
			{"kind", Label{"Kind", "项目类型"}, KindText},
			{"township", Label{"Township", "乡镇"}, KindText},
			{"stage", Label{"Stage", "所处阶段"}, KindText},
			{"next_milestone", Label{"Next milestone", "下一节点"}, KindText},
			{"next_due", Label{"Due", "截止日期"}, KindDate},
			{"next_baseline", Label{"Baseline", "原定截止日期"}, KindDate},
			{"days_left", Label{"Days left", "剩余天数"}, KindInt},
			colDaysLate,
			colLight,
			{"overdue_count", Label{"Overdue", "逾期节点数"}, KindInt},
			{"total_investment", Label{"Total investment", "总投资"}, KindMoney},
			{"invested_to_date", Label{"Invested to date", "累计完成投资"}, KindMoney},
			{"invested_share", Label{"Share invested", "完成比例"}, KindPercent},
			{"open_issues", Label{"Open issues", "未销号问题"}, KindInt},
			{"flags", Label{"Flags", "合规标记"}, KindText},
			{"last_event_at", Label{"Last update", "最近更新"}, KindTime},
			{"industry", Label{"Industry", "行业"}, KindText},
			{"national_code", Label{"National project code", "赋码"}, KindText},
		},
	}
	for _, r := range rows {
		var left, late Value
		switch {
		case r.NextMilestone == "":
		case r.DaysLate > 0:
			late = r.DaysLate
		default:
			left = r.DaysLeft
		}
		t.Rows = append(t.Rows, []Value{
			r.Project, r.Name, r.Unit, r.Leader, r.Kind, r.Township, domain.EventType(r.Stage),
			r.NextMilestone, dueValue(r.NextDue, r.NextDuePrecision), dueValue(r.NextBaseline, r.NextBaselinePrecision), left, late, r.Light, r.OverdueCount,
			r.TotalInvestment, r.InvestedToDate, r.InvestedShareBP, r.OpenIssues, r.Flags, r.LastEventAt,
			r.Industry, r.NationalCode,
		})
	}
	return t
}

// overdueColumns are the columns of the overdue list (逾期清单).
var overdueColumns = []Column{
	colProject, colName, colUnit, colMilestone, colDue, colBaseline, colDaysLate,
	{"revisions", Label{"Revisions", "调整次数"}, KindInt},
	{"earlier_misses", Label{"Earlier misses", "此前逾期次数"}, KindInt},
	colExplained, colLight, colLeaderThen,
	{"leader_now", Label{"Leader now", "现包保领导"}, KindText},
}

func overdueRows(rows []projections.OverdueRow) [][]Value {
	var out [][]Value
	for _, r := range rows {
		out = append(out, []Value{
			r.Project, r.Name, r.Unit, r.Milestone, dueValue(r.Due, r.DuePrecision), dueValue(r.Baseline, r.BaselinePrecision), r.DaysLate,
			r.Revisions, r.EarlierMisses, r.Explained, r.Light, r.LeaderThen, r.LeaderNow,
		})
	}
	return out
}

// OverdueTable is the overdue list (逾期清单): one row per deadline past
// and not reached, with who answered for it then and now.
func OverdueTable(rows []projections.OverdueRow) Table {
	return Table{Name: "overdue", Title: Label{"Overdue deadlines", "逾期清单"}, Columns: overdueColumns, Rows: overdueRows(rows)}
}

// ScoreboardTable is the unit and leader scoreboard (单位/领导排名), in the
// order given. The first column says whether a row is a unit or a leader.
func ScoreboardTable(rows []projections.ScoreRow) Table {
	t := Table{
		Name:  "scoreboard",
		Title: Label{"Scoreboard of units and leaders", "单位及领导排名"},
		Columns: []Column{
			{"by", Label{"By", "类别"}, KindText},
			{"name", Label{"Unit / leader", "单位/领导"}, KindText},
			{"projects", Label{"Projects", "项目数"}, KindInt},
			colOnTime, colLate,
			{"open_overdue", Label{"Open overdue", "逾期未完成"}, KindInt},
			{"missed_then_revised", Label{"Missed, then revised", "逾期后调整"}, KindInt},
			{"overdue", Label{"Overdue", "逾期合计"}, KindInt},
			colRate,
		},
	}
	for _, r := range rows {
		by := Value(r.By)
		switch r.By {
		case "unit":
			by = Label{"unit", "单位"}
		case "leader":
			by = Label{"leader", "领导"}
		}
		t.Rows = append(t.Rows, []Value{by, r.Name, r.Projects, r.OnTime, r.Late, r.OpenOverdue, r.MissedRevised, r.Overdue, r.OnTimeRateBP})
	}
	return t
}

// planned returns the plan and the share of it as values, both empty when
// no plan is set: a share of nothing is not 0 %.
func planned(plan, bp int64) (Value, Value) {
	if plan == 0 {
		return nil, nil
	}
	return plan, bp
}

// InvestmentTable is the investment completed per project and month
// (投资完成额), with the year to date against the annual plan.
func InvestmentTable(rows []projections.InvestmentRow) Table {
	t := Table{
		Name:  "investment",
		Title: Label{"Investment completed by month", "月度投资完成情况"},
		Columns: []Column{
			colProject, colName, colUnit,
			{"month", Label{"Month", "月份"}, KindText},
			{"amount", Label{"Completed in month", "当月完成投资"}, KindMoney},
			colYearToDate, colAnnualPlan, colPlanShare,
		},
	}
	for _, r := range rows {
		plan, share := planned(r.AnnualPlan, r.PlanBP)
		t.Rows = append(t.Rows, []Value{r.Project, r.Name, r.Unit, string(r.Month), r.Amount, r.YearToDate, plan, share})
	}
	return t
}

// UnitInvestmentTable is each unit's investment in the year against its
// annual plan.
func UnitInvestmentTable(rows []projections.UnitInvestmentRow) Table {
	t := Table{
		Name:  "unit-investment",
		Title: Label{"Investment by unit", "单位投资完成情况"},
		Columns: []Column{
			colUnit,
			{"year", Label{"Year", "年度"}, KindInt},
			{"projects", Label{"Projects", "项目数"}, KindInt},
			colYearToDate, colAnnualPlan, colPlanShare,
		},
	}
	for _, r := range rows {
		plan, share := planned(r.AnnualPlan, r.PlanBP)
		t.Rows = append(t.Rows, []Value{r.Unit, r.Year, r.Projects, r.YearToDate, plan, share})
	}
	return t
}

// SupervisionTable is the supervision ledger (挂账督办台账): every item
// raised, open (未销号) or closed (已销号).
func SupervisionTable(rows []projections.SupervisionRow) Table {
	t := Table{
		Name:  "supervision",
		Title: Label{"Supervision ledger", "挂账督办台账"},
		Columns: []Column{
			colProject, colName, colUnit,
			{"issue_id", Label{"Issue", "问题编号"}, KindText},
			{"title", Label{"Problem", "问题"}, KindText},
			{"raised_on", Label{"Raised on", "挂账日期"}, KindDate},
			{"raised_by", Label{"Raised by", "挂账人"}, KindText},
			{"status", Label{"Status", "状态"}, KindText},
			{"days_open", Label{"Days open", "挂账天数"}, KindInt},
			{"closed_on", Label{"Closed on", "销号日期"}, KindDate},
			{"closed_by", Label{"Closed by", "销号人"}, KindText},
			{"resolution", Label{"Resolution", "销号说明"}, KindText},
		},
	}
	for _, r := range rows {
		status := Label{"closed", "已销号"}
		if r.Open {
			status = Label{"open", "未销号"}
		}
		t.Rows = append(t.Rows, []Value{
			r.Project, r.Name, r.Unit, r.IssueID, r.Title, r.RaisedOn, r.RaisedBy, status,
			r.DaysOpen, r.ClosedOn, r.ClosedBy, r.Resolution,
		})
	}
	return t
}

// BulletinTables are the sections of a bulletin (调度 / 通报), in order:
// milestones reached in the period, deadlines missed in it, the overdue
// list on the as-of date, the investment completed per unit with a total
// row, and the units ranked worst first. Each title names the period.
func BulletinTables(b projections.Bulletin) []Table {
	title := func(en, zh string) Label {
		return Label{
			EN: strings.ToUpper(string(b.Period[:1])) + string(b.Period[1:]) + " bulletin " + b.From.String() + " to " + b.AsOf.String() + ": " + en,
			ZH: zh + "（" + b.From.String() + "至" + b.AsOf.String() + "）",
		}
	}
	reached := Table{
		Name:  "bulletin-reached",
		Title: title("milestones reached", "本期完成节点"),
		Columns: []Column{
			colProject, colName, colUnit, colMilestone,
			{"reached", Label{"Reached", "完成日期"}, KindDate},
			colDue, colDaysLate,
		},
	}
	for _, r := range b.Reached {
		var late Value
		if !r.Due.IsZero() {
			late = r.DaysLate
		}
		reached.Rows = append(reached.Rows, []Value{r.Project, r.Name, r.Unit, r.Milestone, r.Reached, dueValue(r.Due, r.DuePrecision), late})
	}

	missed := Table{
		Name:  "bulletin-missed",
		Title: title("deadlines missed", "本期未按期节点"),
		Columns: []Column{
			colProject, colName, colUnit, colLeaderThen, colMilestone, colDue,
			{"reached_on", Label{"Reached", "完成日期"}, KindDate},
			{"revised_to", Label{"Revised to", "调整后截止日期"}, KindDate},
			colDaysLate, colExplained,
		},
	}
	for _, r := range b.Missed {
		missed.Rows = append(missed.Rows, []Value{r.Project, r.Name, r.Unit, r.LeaderThen, r.Milestone, dueValue(r.Due, r.DuePrecision), r.ReachedOn,
			dueValue(r.RevisedTo, r.RevisedToPrecision), r.DaysLate, r.Explained})
	}

	// The overdue list is of the as-of date, whenever each deadline fell.
	overdue := Table{
		Name: "bulletin-overdue",
		Title: Label{
			EN: strings.ToUpper(string(b.Period[:1])) + string(b.Period[1:]) + " bulletin: deadlines overdue and open on " + b.AsOf.String(),
			ZH: "逾期未完成节点（截至" + b.AsOf.String() + "）",
		},
		Columns: overdueColumns,
		Rows:    overdueRows(b.Overdue),
	}

	invest := Table{
		Name:  "bulletin-investment",
		Title: title("investment completed by unit", "单位投资完成"),
		Columns: []Column{
			colUnit,
			{"amount", Label{"Completed in period", "本期完成投资"}, KindMoney},
		},
	}
	for _, r := range b.Investment {
		invest.Rows = append(invest.Rows, []Value{r.Unit, r.Amount})
	}
	invest.Rows = append(invest.Rows, []Value{Label{"Total", "合计"}, b.InvestmentTotal})

	units := Table{
		Name:  "bulletin-units",
		Title: title("units ranked, best first", "单位排名"),
		Columns: []Column{
			{"rank", Label{"Rank", "排名"}, KindInt},
			colUnit,
			{"due", Label{"Due in period", "应完成节点"}, KindInt},
			colOnTime, colLate,
			{"open", Label{"Open", "逾期未完成"}, KindInt},
			colRate,
			{"overdue_now", Label{"Overdue now", "当前逾期"}, KindInt},
		},
	}
	for _, r := range b.Units {
		var rate Value = r.RateBP
		if r.RateBP == nil {
			rate = Label{"— (nothing due)", "—（本期无应完成节点）"}
		}
		units.Rows = append(units.Rows, []Value{r.Rank, r.Unit, r.Due, r.OnTime, r.Late, r.Open, rate, r.OverdueNow})
	}
	return []Table{reached, missed, overdue, invest, units}
}

package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

func stageLabel(s domain.EventType) Label { return Label{string(s), domain.EventName(s)} }

func levelsLabel(ls []domain.Level) Label {
	en, zh := make([]string, len(ls)), make([]string, len(ls))
	for i, l := range ls {
		en[i], zh[i] = string(l), l.Chinese()
	}
	return Label{strings.Join(en, ", "), strings.Join(zh, "、")}
}

// ReserveTables are the reserve pool's tables: the summary, the pipeline
// by stage and by industry, each proposing body's conversion, and every
// project.
func ReserveTables(r projections.Reserve) []Table {
	summary := Table{
		Name:  "reserve_summary",
		Title: Label{"Reserve pool", "项目储备库概况"},
		Columns: []Column{
			{"as_of", Label{"As of", "截至"}, KindDate},
			{"projects", Label{"Projects conceived", "谋划项目"}, KindInt},
			{"ready", Label{"In the reserve, waiting", "在库待转化"}, KindInt},
			{"ready_investment_yuan", Label{"Their planned investment", "在库计划总投资"}, KindMoney},
			{"new_starts_year", Label{"Latest list with new projects", "最近新建清单年度"}, KindInt},
			{"new_starts", Label{"New projects in it", "其中新建项目"}, KindInt},
			{"years_covered", Label{"Years of new starts in the reserve", "储备可支撑年数"}, KindText},
		},
	}
	covered := Label{"— (no list with new projects yet)", "—（尚无新建项目清单）"}
	if r.YearsCovered100 != nil {
		v := decimal2(*r.YearsCovered100)
		covered = Label{v, v}
	}
	var year Value
	if r.NewStartsYear != 0 {
		year = r.NewStartsYear
	}
	summary.Rows = [][]Value{{r.AsOf, len(r.Projects), r.Ready, r.ReadyInvestment, year, r.NewStarts, covered}}

	group := func(name string, title Label, key Column, groups []projections.ReserveGroup, label func(string) Value) Table {
		t := Table{Name: name, Title: title, Columns: []Column{key,
			{"projects", Label{"Projects", "项目数"}, KindInt},
			{"planned_investment_yuan", Label{"Planned investment", "计划总投资"}, KindMoney}}}
		for _, g := range groups {
			t.Rows = append(t.Rows, []Value{label(g.Key), g.Projects, g.PlannedInvestment})
		}
		return t
	}
	byStage := group("reserve_stages", Label{"In the pipeline, by stage", "在库项目（按环节）"}, Column{"stage", Label{"Stage", "环节"}, KindText},
		r.ByStage, func(k string) Value { return stageLabel(domain.EventType(k)) })
	byIndustry := group("reserve_industries", Label{"In the pipeline, by industry", "在库项目（按行业）"}, Column{"industry", Label{"Industry", "行业"}, KindText},
		r.ByIndustry, func(k string) Value { return k })

	bodies := Table{
		Name:  "reserve_bodies",
		Title: Label{"Conversion by proposing body", "各单位谋划转化情况"},
		Columns: []Column{
			{"body", Label{"Proposed by", "提出单位"}, KindText},
			{"kind", Label{"Kind", "类别"}, KindText},
			{"conceived", Label{"Conceived", "谋划"}, KindInt},
			{"reserved", Label{"Entered the reserve", "入库"}, KindInt},
			{"converted", Label{"Converted", "转化"}, KindInt},
			{"dropped", Label{"Dropped", "退库"}, KindInt},
			{"conversion_rate_bp", Label{"Conversion rate", "转化率"}, KindPercent},
		},
	}
	for _, b := range r.Bodies {
		bodies.Rows = append(bodies.Rows, []Value{b.Body, Label{string(b.Kind), b.Kind.Chinese()}, b.Conceived, b.Reserved, b.Converted, b.Dropped, b.ConversionBP})
	}

	projects := Table{
		Name:  "reserve_projects",
		Title: Label{"Reserve projects", "储备项目清单"},
		Columns: []Column{
			colProject, colName,
			{"proposed_by", Label{"Proposed by", "提出单位"}, KindText},
			{"industry", Label{"Industry", "行业"}, KindText},
			{"planned_investment_yuan", Label{"Planned investment", "计划总投资"}, KindMoney},
			{"stage", Label{"Stage", "环节"}, KindText},
			{"conceived", Label{"Conceived", "谋划日期"}, KindDate},
			{"reserved", Label{"Entered the reserve", "入库日期"}, KindDate},
			{"libraries", Label{"Higher libraries", "上级项目库"}, KindText},
			{"list", Label{"Key-project list", "转化清单"}, KindText},
		},
	}
	for _, p := range r.Projects {
		var list Value
		if p.Year != 0 {
			list = Label{strings.Join([]string{itoa(p.Year), string(p.List)}, " "), itoa(p.Year) + "年" + p.List.Chinese()}
		}
		projects.Rows = append(projects.Rows, []Value{p.Project, p.Name, p.ProposedBy, p.Industry, p.PlannedInvestment,
			stageLabel(p.Stage), p.Conceived, p.Reserved, levelsLabel(p.Libraries), list})
	}
	return []Table{summary, byStage, byIndustry, bodies, projects}
}

// ApplicationTables are the upward applications' tables (争取台账): the
// sums by level and programme, and every application.
func ApplicationTables(a projections.Applications) []Table {
	sums := Table{
		Name:  "applications_summary",
		Title: Label{"Upward applications by level and programme", "向上争取汇总（按层级、类别）"},
		Columns: []Column{
			{"level", Label{"Level", "层级"}, KindText},
			{"programme", Label{"Programme", "申报类别"}, KindText},
			{"applications", Label{"Applications", "申报数"}, KindInt},
			{"approved", Label{"Approved", "获批"}, KindInt},
			{"refused", Label{"Refused", "未获批"}, KindInt},
			{"waiting", Label{"Waiting", "待批复"}, KindInt},
			{"asked_yuan", Label{"Asked", "申请金额"}, KindMoney},
			{"granted_yuan", Label{"Granted", "批复金额"}, KindMoney},
			{"received_yuan", Label{"Arrived", "到位金额"}, KindMoney},
		},
	}
	for _, g := range a.ByProgramme {
		sums.Rows = append(sums.Rows, []Value{Label{string(g.Level), g.Level.Chinese()}, g.Programme, g.Count, g.Approved, g.Refused, g.Waiting, g.Asked, g.Granted, g.Received})
	}
	t := a.Total
	sums.Rows = append(sums.Rows, []Value{Label{"total", "合计"}, nil, t.Count, t.Approved, t.Refused, t.Waiting, t.Asked, t.Granted, t.Received})

	rows := Table{
		Name:  "applications",
		Title: Label{"Upward applications", "向上争取台账"},
		Columns: []Column{
			colProject, colName,
			{"application", Label{"Application", "申报编号"}, KindText},
			{"level", Label{"Level", "层级"}, KindText},
			{"programme", Label{"Programme", "申报类别"}, KindText},
			{"submitted", Label{"Submitted", "申报日期"}, KindDate},
			{"status", Label{"Status", "状态"}, KindText},
			{"answered", Label{"Answered", "批复日期"}, KindDate},
			{"document", Label{"Document", "批复文号"}, KindText},
			{"asked_yuan", Label{"Asked", "申请金额"}, KindMoney},
			{"granted_yuan", Label{"Granted", "批复金额"}, KindMoney},
			{"received_yuan", Label{"Arrived", "到位金额"}, KindMoney},
		},
	}
	status := map[string]Label{
		projections.ApplicationWaiting:  {"submitted", "待批复"},
		projections.ApplicationApproved: {"approved", "已获批"},
		projections.ApplicationRefused:  {"refused", "未获批"},
	}
	for _, r := range a.Rows {
		rows.Rows = append(rows.Rows, []Value{r.Project, r.Name, r.Application, Label{string(r.Level), r.Level.Chinese()}, r.Programme,
			r.Submitted, status[r.Status], r.Answered, r.Document, r.Asked, r.Granted, r.Received})
	}
	return []Table{sums, rows}
}

// decimal2 prints hundredths with two decimals: 144 is "1.44".
func decimal2(n int64) string { return fmt.Sprintf("%d.%02d", n/100, n%100) }

func itoa(n int) string { return strconv.Itoa(n) }

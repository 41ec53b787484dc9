package report_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/report"
)

// headerRow and rowOf print a table the way every renderer does.
func headerRow(t report.Table, lang report.Lang) []string {
	var out []string
	for _, c := range t.Columns {
		out = append(out, c.Header(lang))
	}
	return out
}

func rowOf(t report.Table, i int, lang report.Lang) []string {
	var out []string
	for j, c := range t.Columns {
		out = append(out, report.Format(c.Kind, t.Rows[i][j], lang))
	}
	return out
}

// checkTable checks a builder's headers and first row in both languages,
// and that every row has one value per column.
func checkTable(t *testing.T, tab report.Table, name string, enHead, zhHead, enRow, zhRow []string) {
	t.Helper()
	assert.Equal(t, name, tab.Name)
	assert.NotEmpty(t, tab.Title.EN)
	assert.NotEmpty(t, tab.Title.ZH)
	for i, r := range tab.Rows {
		require.Len(t, r, len(tab.Columns), "row %d", i)
	}
	require.NotEmpty(t, tab.Rows)
	assert.Equal(t, enHead, headerRow(tab, report.EN))
	assert.Equal(t, zhHead, headerRow(tab, report.ZH))
	assert.Equal(t, enRow, rowOf(tab, 0, report.EN))
	assert.Equal(t, zhRow, rowOf(tab, 0, report.ZH))
}

func bp(v int64) *int64 { return &v }

func TestStatusTable(t *testing.T) {
	rows := []projections.StatusRow{{
		Project: "2010-220621-47-01-000034", Name: "年产10万吨饲料项目", Unit: "县工信局", Leader: "王副县长",
		Kind: domain.KindNew, Township: "城关镇", Stage: "signed",
		NextMilestone: domain.MilestoneStarted, NextDue: domain.NewDate(2026, 9, 30), NextBaseline: domain.NewDate(2026, 8, 31),
		DaysLeft: 0, DaysLate: 20, Light: projections.LightRed, OverdueCount: 2,
		TotalInvestment: 350_000_000, InvestedToDate: 12_345, InvestedShareBP: 0,
		OpenIssues: 1, Flags: []domain.ComplianceFlag{domain.FlagStartedWithoutEIA},
		LastEventAt: time.Date(2026, 10, 19, 16, 5, 0, 0, time.UTC), Industry: "农副食品加工", NationalCode: "2411-130202-89-01-637015",
	}, {
		Project: "P-7", Name: "Not late", Kind: domain.KindContinuing, Stage: "registered",
		NextMilestone: domain.MilestoneSigned, DaysLeft: 5, Light: projections.LightYellow, Flags: []domain.ComplianceFlag{},
	}, {
		Project: "P-8", Name: "Nothing open", Stage: "full_capacity", Light: projections.LightGreen,
	}}
	tab := report.StatusTable(rows)
	checkTable(t, tab, "status",
		[]string{"Project", "Name", "Unit", "Leader", "Kind", "Township", "Stage", "Next milestone", "Due", "Baseline",
			"Days left", "Days late", "Light", "Overdue", "Total investment (10k yuan)", "Invested to date (10k yuan)",
			"Share invested", "Open issues", "Flags", "Last update", "Industry", "National project code"},
		[]string{"项目代码", "项目名称", "责任单位", "包保领导", "项目类型", "乡镇", "所处阶段", "下一节点", "截止日期", "原定截止日期",
			"剩余天数", "逾期天数", "预警", "逾期节点数", "总投资(万元)", "累计完成投资(万元)", "完成比例", "未销号问题", "合规标记", "最近更新", "行业", "赋码"},
		[]string{"2010-220621-47-01-000034", "年产10万吨饲料项目", "县工信局", "王副县长", "new", "城关镇", "signed", "started",
			"2026-09-30", "2026-08-31", "", "20", "red", "2", "35000", "1.2345", "0.00%", "1", "started_without_eia", "2026-10-20 00:05", "农副食品加工", "2411-130202-89-01-637015"},
		[]string{"2010-220621-47-01-000034", "年产10万吨饲料项目", "县工信局", "王副县长", "新建", "城关镇", "签约", "开工",
			"2026-09-30", "2026-08-31", "", "20", "红灯", "2", "35000", "1.2345", "0.00%", "1", "无环评开工", "2026-10-20 00:05", "农副食品加工", "2411-130202-89-01-637015"})
	// Days left shows only while not late; neither shows with nothing open.
	second, third := rowOf(tab, 1, report.ZH), rowOf(tab, 2, report.ZH)
	assert.Equal(t, []string{"续建", "", "已登记", "签约", "", "", "5", "", "黄灯"}, second[4:13])
	assert.Equal(t, []string{"达产", "", "", "", "", "", "绿灯"}, third[6:13])
}

func TestOverdueTable(t *testing.T) {
	tab := report.OverdueTable([]projections.OverdueRow{{
		Project: "P-7", Name: "物流园", Milestone: domain.MilestoneConstructionPermit,
		Due: domain.NewDate(2026, 9, 1), Baseline: domain.NewDate(2026, 6, 1), DaysLate: 49, Revisions: 2, EarlierMisses: 1,
		Explained: true, Light: projections.LightRed, LeaderThen: "李局长", LeaderNow: "王副县长", Unit: "县住建局",
	}})
	checkTable(t, tab, "overdue",
		[]string{"Project", "Name", "Unit", "Milestone", "Due", "Baseline", "Days late", "Revisions", "Earlier misses", "Explained", "Light", "Leader then", "Leader now"},
		[]string{"项目代码", "项目名称", "责任单位", "节点", "截止日期", "原定截止日期", "逾期天数", "调整次数", "此前逾期次数", "已说明原因", "预警", "当时包保领导", "现包保领导"},
		[]string{"P-7", "物流园", "县住建局", "construction_permit", "2026-09-01", "2026-06-01", "49", "2", "1", "yes", "red", "李局长", "王副县长"},
		[]string{"P-7", "物流园", "县住建局", "施工许可", "2026-09-01", "2026-06-01", "49", "2", "1", "是", "红灯", "李局长", "王副县长"})
}

func TestScoreboardTable(t *testing.T) {
	tab := report.ScoreboardTable([]projections.ScoreRow{
		{By: "unit", Name: "县工信局", Projects: 3, OnTime: 1, Late: 1, OpenOverdue: 2, MissedRevised: 1, Overdue: 4, OnTimeRateBP: bp(2000)},
		{By: "leader", Name: "王副县长", Projects: 1},
	})
	checkTable(t, tab, "scoreboard",
		[]string{"By", "Unit / leader", "Projects", "On time", "Late", "Open overdue", "Missed, then revised", "Overdue", "On-time rate"},
		[]string{"类别", "单位/领导", "项目数", "按期完成", "逾期完成", "逾期未完成", "逾期后调整", "逾期合计", "按期率"},
		[]string{"unit", "县工信局", "3", "1", "1", "2", "1", "4", "20.00%"},
		[]string{"单位", "县工信局", "3", "1", "1", "2", "1", "4", "20.00%"})
	assert.Equal(t, []string{"领导", "王副县长", "1", "0", "0", "0", "0", "0", ""}, rowOf(tab, 1, report.ZH), "nothing due: no rate")
}

func TestInvestmentTable(t *testing.T) {
	tab := report.InvestmentTable([]projections.InvestmentRow{
		{Project: "P-7", Name: "物流园", Unit: "县住建局", Month: "2026-09", Amount: 12_000_000, YearToDate: 18_000_000, AnnualPlan: 60_000_000, PlanBP: 3000},
		{Project: "P-8", Name: "No plan", Unit: "U", Month: "2026-09", Amount: 1, YearToDate: 1},
	})
	checkTable(t, tab, "investment",
		[]string{"Project", "Name", "Unit", "Month", "Completed in month (10k yuan)", "Year to date (10k yuan)", "Annual plan (10k yuan)", "Share of plan"},
		[]string{"项目代码", "项目名称", "责任单位", "月份", "当月完成投资(万元)", "年度累计(万元)", "年度计划(万元)", "计划完成率"},
		[]string{"P-7", "物流园", "县住建局", "2026-09", "1200", "1800", "6000", "30.00%"},
		[]string{"P-7", "物流园", "县住建局", "2026-09", "1200", "1800", "6000", "30.00%"})
	assert.Equal(t, []string{"0.0001", "0.0001", "", ""}, rowOf(tab, 1, report.EN)[4:], "no plan: plan and share empty")
}

func TestUnitInvestmentTable(t *testing.T) {
	tab := report.UnitInvestmentTable([]projections.UnitInvestmentRow{
		{Unit: "县住建局", Year: 2026, Projects: 4, YearToDate: 18_000_000, AnnualPlan: 60_000_000, PlanBP: 3000},
	})
	checkTable(t, tab, "unit-investment",
		[]string{"Unit", "Year", "Projects", "Year to date (10k yuan)", "Annual plan (10k yuan)", "Share of plan"},
		[]string{"责任单位", "年度", "项目数", "年度累计(万元)", "年度计划(万元)", "计划完成率"},
		[]string{"县住建局", "2026", "4", "1800", "6000", "30.00%"},
		[]string{"县住建局", "2026", "4", "1800", "6000", "30.00%"})
}

func TestSupervisionTable(t *testing.T) {
	tab := report.SupervisionTable([]projections.SupervisionRow{
		{Project: "P-7", Name: "物流园", Unit: "县住建局", IssueID: "I-1", Title: "土地未摘牌", RaisedOn: domain.NewDate(2026, 9, 1),
			RaisedBy: "督查室", Open: true, DaysOpen: 49},
		{Project: "P-8", Name: "N", Unit: "U", IssueID: "I-2", Title: "T", RaisedOn: domain.NewDate(2026, 8, 1), RaisedBy: "a",
			DaysOpen: 10, ClosedOn: domain.NewDate(2026, 8, 11), ClosedBy: "b", Resolution: "已解决"},
	})
	checkTable(t, tab, "supervision",
		[]string{"Project", "Name", "Unit", "Issue", "Problem", "Raised on", "Raised by", "Status", "Days open", "Closed on", "Closed by", "Resolution"},
		[]string{"项目代码", "项目名称", "责任单位", "问题编号", "问题", "挂账日期", "挂账人", "状态", "挂账天数", "销号日期", "销号人", "销号说明"},
		[]string{"P-7", "物流园", "县住建局", "I-1", "土地未摘牌", "2026-09-01", "督查室", "open", "49", "", "", ""},
		[]string{"P-7", "物流园", "县住建局", "I-1", "土地未摘牌", "2026-09-01", "督查室", "未销号", "49", "", "", ""})
	assert.Equal(t, []string{"已销号", "10", "2026-08-11", "b", "已解决"}, rowOf(tab, 1, report.ZH)[7:])
}

func TestBulletinTables(t *testing.T) {
	b := projections.Bulletin{
		Period: projections.Month, From: domain.NewDate(2026, 10, 1), AsOf: domain.NewDate(2026, 10, 20),
		Reached: []projections.ReachedRow{{Project: "P-7", Name: "物流园", Unit: "县住建局", Milestone: domain.MilestoneSigned,
			Reached: domain.NewDate(2026, 10, 3), Due: domain.NewDate(2026, 10, 1), DaysLate: 2}},
		Missed: []projections.MissedRow{{Project: "P-7", Name: "物流园", Unit: "县住建局", LeaderThen: "李局长",
			Milestone: domain.MilestoneEIA, Due: domain.NewDate(2026, 10, 5), DaysLate: 15}},
		Overdue: []projections.OverdueRow{{Project: "P-7", Name: "物流园", Milestone: domain.MilestoneEIA, Due: domain.NewDate(2026, 10, 5),
			Baseline: domain.NewDate(2026, 10, 5), DaysLate: 15, Light: projections.LightRed, LeaderThen: "李局长", LeaderNow: "李局长", Unit: "县住建局"}},
		Investment:      []projections.PeriodInvestmentRow{{Unit: "县住建局", Amount: 12_000_000}, {Unit: "县工信局", Amount: 345}},
		InvestmentTotal: 12_000_345,
		Units:           []projections.UnitRankRow{{Rank: 1, Unit: "县住建局", Due: 2, OnTime: 0, Late: 1, Open: 1, RateBP: bp(0), OverdueNow: 1}},
	}
	tabs := report.BulletinTables(b)
	require.Len(t, tabs, 5)
	assert.Equal(t, "Month bulletin 2026-10-01 to 2026-10-20: milestones reached", tabs[0].Title.EN)
	assert.Equal(t, "本期完成节点（2026-10-01至2026-10-20）", tabs[0].Title.ZH)

	checkTable(t, tabs[0], "bulletin-reached",
		[]string{"Project", "Name", "Unit", "Milestone", "Reached", "Due", "Days late"},
		[]string{"项目代码", "项目名称", "责任单位", "节点", "完成日期", "截止日期", "逾期天数"},
		[]string{"P-7", "物流园", "县住建局", "signed", "2026-10-03", "2026-10-01", "2"},
		[]string{"P-7", "物流园", "县住建局", "签约", "2026-10-03", "2026-10-01", "2"})
	checkTable(t, tabs[1], "bulletin-missed",
		[]string{"Project", "Name", "Unit", "Leader then", "Milestone", "Due", "Reached", "Revised to", "Days late", "Explained"},
		[]string{"项目代码", "项目名称", "责任单位", "当时包保领导", "节点", "截止日期", "完成日期", "调整后截止日期", "逾期天数", "已说明原因"},
		[]string{"P-7", "物流园", "县住建局", "李局长", "eia", "2026-10-05", "", "", "15", "no"},
		[]string{"P-7", "物流园", "县住建局", "李局长", "环评", "2026-10-05", "", "", "15", "否"})
	checkTable(t, tabs[2], "bulletin-overdue",
		headerRow(report.OverdueTable(nil), report.EN), headerRow(report.OverdueTable(nil), report.ZH),
		[]string{"P-7", "物流园", "县住建局", "eia", "2026-10-05", "2026-10-05", "15", "0", "0", "no", "red", "李局长", "李局长"},
		[]string{"P-7", "物流园", "县住建局", "环评", "2026-10-05", "2026-10-05", "15", "0", "0", "否", "红灯", "李局长", "李局长"})
	checkTable(t, tabs[3], "bulletin-investment",
		[]string{"Unit", "Completed in period (10k yuan)"},
		[]string{"责任单位", "本期完成投资(万元)"},
		[]string{"县住建局", "1200"},
		[]string{"县住建局", "1200"})
	require.Len(t, tabs[3].Rows, 3)
	assert.Equal(t, []string{"合计", "1200.0345"}, rowOf(tabs[3], 2, report.ZH), "total row last")
	assert.Equal(t, []string{"Total", "1200.0345"}, rowOf(tabs[3], 2, report.EN))
	checkTable(t, tabs[4], "bulletin-units",
		[]string{"Rank", "Unit", "Due in period", "On time", "Late", "Open", "On-time rate", "Overdue now"},
		[]string{"排名", "责任单位", "应完成节点", "按期完成", "逾期完成", "逾期未完成", "按期率", "当前逾期"},
		[]string{"1", "县住建局", "2", "0", "1", "1", "0.00%", "1"},
		[]string{"1", "县住建局", "2", "0", "1", "1", "0.00%", "1"})
}

func TestBulletinTablesEmptyStillTotals(t *testing.T) {
	tabs := report.BulletinTables(projections.Bulletin{Period: projections.Week, From: domain.NewDate(2026, 10, 19), AsOf: domain.NewDate(2026, 10, 20)})
	require.Len(t, tabs, 5)
	assert.Empty(t, tabs[0].Rows)
	assert.Equal(t, [][]report.Value{{report.Label{EN: "Total", ZH: "合计"}, int64(0)}}, tabs[3].Rows)
	assert.Equal(t, "Week bulletin 2026-10-19 to 2026-10-20: milestones reached", tabs[0].Title.EN)
}

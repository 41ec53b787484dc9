package plan_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/plan"
)

// englishMessage finds words of the English messages in a Chinese one.
var englishMessage = regexp.MustCompile(`\b(row|register|warning|note|deadlines?|would|stored|yuan|leader|expected|differs|reached|baseline|before|problem)\b`)

// zhIn is what a change, its row and its problems say in Chinese.
type zhIn struct {
	lines, warnings, problems []string
}

// inChinese returns what ch and ps say in Chinese, after checking that
// English is what Lines, Warnings and String say, one Chinese text for
// each English one, and no Chinese text holds English words.
func inChinese(t *testing.T, ch plan.Change, ps plan.Problems) zhIn {
	t.Helper()
	assert.Equal(t, ch.Lines, ch.LinesIn(false))
	assert.Equal(t, ch.Warnings, ch.WarningsIn(false))
	assert.Equal(t, ps.Error(), ps.In(false))
	var out zhIn
	out.lines, out.warnings = ch.LinesIn(true), ch.WarningsIn(true)
	for _, p := range ps {
		out.problems = append(out.problems, p.In(true))
	}
	require.Len(t, out.lines, len(ch.Lines))
	require.Len(t, out.warnings, len(ch.Warnings))
	for _, l := range append(append(append([]string(nil), out.lines...), out.warnings...), out.problems...) {
		assert.Empty(t, englishMessage.FindAllString(l, -1), l)
	}
	return out
}

func TestDiffSaysItInChinese(t *testing.T) {
	registered := func(t *testing.T, extra ...domain.Command) domain.Project {
		return decide(t, domain.NewProject("P-1"), append([]domain.Command{registration(zh)}, extra...)...)
	}
	const name = "光伏组件生产线项目"
	cases := []struct {
		name    string
		current func(t *testing.T) domain.Project
		header  []string
		cells   []string
		opts    func(o *plan.Options)
		want    zhIn
	}{
		{
			name:    "a new project",
			current: func(*testing.T) domain.Project { return domain.Project{} },
			header:  append(zh.header(), zh.industry), cells: append(with(zh.row("P-1"), colSigned, "2026年3月"), "制造业"),
			want: zhIn{
				lines: []string{"登记" + name + "，总投资350,000,000元，责任单位县工信局，包保领导李明，新建，行业制造业；节点期限：签约 2026年3月、开工 2026-07-31"},
				warnings: []string{
					"签约期限2026年3月，至2026-11-27已过：如未完成，将报为逾期",
					"开工期限2026-07-31，至2026-11-27已过：如未完成，将报为逾期",
				},
			},
		},
		{
			name:    "a new project without deadlines",
			current: func(*testing.T) domain.Project { return domain.Project{} },
			header:  zh.header()[:colSigned], cells: with(zh.row("P-1"), colKind, "续建")[:colSigned],
			want: zhIn{lines: []string{"登记" + name + "，总投资350,000,000元，责任单位县工信局，包保领导李明，续建；节点期限：无"}},
		},
		{
			name:    "a moved deadline, a new one, a new leader",
			current: func(t *testing.T) domain.Project { return registered(t) },
			header:  append(zh.header(), zh.completed, zh.reason),
			cells:   append(with(with(zh.row("P-1"), colLeader, "王强"), colStarted, "2026-09-30"), "2027年6月", "征迁滞后"),
			want: zhIn{lines: []string{
				"包保领导李明 → 王强",
				"开工：2026-07-31 → 2026-09-30（原定2026-07-31）：征迁滞后",
				"竣工：计划2027年6月",
			}, warnings: []string{"开工期限2026-09-30，至2026-11-27已过：如未完成，将报为逾期"}},
		},
		{
			name:    "a cleared cell left alone",
			current: func(t *testing.T) domain.Project { return registered(t) },
			header:  zh.header(), cells: with(zh.row("P-1"), colSigned, ""),
			want: zhIn{lines: []string{"撤销签约期限2026-03-31（单元格已清空）：仅在使用 --withdraw-cleared 时执行"}},
		},
		{
			name:    "a cleared cell withdrawn",
			current: func(t *testing.T) domain.Project { return registered(t) },
			header:  zh.header(), cells: with(zh.row("P-1"), colSigned, ""),
			opts: func(o *plan.Options) { o.WithdrawCleared = true },
			want: zhIn{lines: []string{"撤销签约期限2026-03-31（单元格已清空）：计划表 plan.csv 中已清空"}},
		},
		{
			name: "a cleared cell of a node reached",
			current: func(t *testing.T) domain.Project {
				return registered(t, domain.RecordStep{Meta: office, Project: "P-1", Step: domain.EventType(domain.MilestoneSigned), On: date("2026-03-20")})
			},
			header: zh.header(), cells: with(zh.row("P-1"), colSigned, ""),
			want: zhIn{lines: []string{"签约期限2026-03-31保留：已于2026-03-20完成（单元格已清空）"}},
		},
		{
			name:    "deadlines backwards, confirmed",
			current: func(t *testing.T) domain.Project { return registered(t) },
			header:  append(zh.header(), zh.reason), cells: append(with(zh.row("P-1"), colStarted, "2026-02-28"), "提前开工"),
			opts: func(o *plan.Options) { o.ConfirmOrder = true },
			want: zhIn{
				lines: []string{
					"开工：2026-07-31 → 2026-02-28（原定2026-07-31）：提前开工",
					"开工期限2026-02-28早于签约期限2026-03-31：经确认按原样保存（--confirm-order）",
				},
				warnings: []string{"开工期限2026-02-28，至2026-11-27已过：如未完成，将报为逾期"},
			},
		},
		{
			name:    "deadlines backwards",
			current: func(t *testing.T) domain.Project { return registered(t) },
			header:  append(zh.header(), zh.reason), cells: append(with(zh.row("P-1"), colStarted, "2026-02-28"), "提前开工"),
			want: zhIn{
				lines:    []string{"开工：2026-07-31 → 2026-02-28（原定2026-07-31）：提前开工"},
				warnings: []string{"开工期限2026-02-28，至2026-11-27已过：如未完成，将报为逾期"},
				problems: []string{"plan.csv：第2行，开工列：开工期限2026-02-28早于签约期限2026-03-31；开工应不早于签约，或用 --confirm-order 按原样保存计划"},
			},
		},
		{
			name:    "facts that differ, a deadline moved without a reason",
			current: func(t *testing.T) domain.Project { return registered(t) },
			header:  zh.header(),
			cells:   with(with(with(with(zh.row("P-1"), colName, "二期"), colWan, "1"), colKind, "续建"), colStarted, "2026-09-30"),
			want: zhIn{problems: []string{
				"plan.csv：第2行，项目名称列：“二期”与台账登记的“" + name + "”不一致；应与登记的一致（可用 ledger correct facts 更正，须说明原因）",
				"plan.csv：第2行，总投资(万元)列：“10,000元”与台账登记的“350,000,000元”不一致；应与登记的一致（可用 ledger correct facts 更正，须说明原因）",
				"plan.csv：第2行，项目类型列：“续建”与台账登记的“新建”不一致；应与登记的一致（可用 ledger correct facts 更正，须说明原因）",
				"plan.csv：第2行，开工列：期限由2026-07-31调整为2026-09-30，但未说明原因；请填写调整原因列，或用 --reason 说明",
			}},
		},
		{
			name:    "facts an import does not record for a registered project",
			current: func(t *testing.T) domain.Project { return registered(t) },
			header:  append(zh.header(), zh.township, zh.industry), cells: append(zh.row("P-1"), "城关镇", "制造业"),
			want: zhIn{lines: []string{
				"乡镇城关镇未记录：导入只为新项目记录乡镇（可用 ledger correct facts --township 记录）",
				"行业制造业未记录：导入只为新项目记录行业",
			}},
		},
		{
			name:    "the template's example row",
			current: func(*testing.T) domain.Project { return domain.Project{} },
			header:  zh.header(), cells: with(zh.row("P-1"), colProject, string(plan.ExampleProject)),
			want: zhIn{problems: []string{"plan.csv：第2行，项目代码列：“" + string(plan.ExampleProject) + "”是模板的示例行；导入前请删除该行"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := opts
			if tc.opts != nil {
				tc.opts(&o)
			}
			ch, ps := plan.Diff(file, onlyRow(t, tc.header, tc.cells), tc.current(t), o)
			got := inChinese(t, ch, ps)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestRowsSayTheirProblemsInChinese(t *testing.T) {
	cases := []struct {
		name   string
		header []string
		rows   [][]string
		want   []string
	}{
		{
			name: "cells that are not what their column holds", header: zh.header(),
			rows: [][]string{with(with(with(with(zh.row("P-1"), colWan, "三千万"), colKind, "扩建"), colSigned, "2010-4-31"), colName, "")},
			want: []string{
				"plan.csv：第2行，项目名称列：为空；应填写项目名称",
				"plan.csv：第2行，总投资(万元)列：“三千万”不是金额；应为以万元计的金额，如35000或3500.5，或带单位，如8.62亿",
				"plan.csv：第2行，项目类型列：“扩建”不是项目类型；应为新建或续建",
				"plan.csv：第2行，签约列：“2010-4-31”不是日期；应为YYYY-MM-DD、月份（2026年3月、2026.03）、季度（2026年一季度）、半年（2026年上半年）、年份（2026年底），或已完成、正在办理",
			},
		},
		{
			name: "a project twice", header: zh.header(), rows: [][]string{zh.row("P-1"), zh.row("p-1")},
			want: []string{"plan.csv：第3行，项目代码列：项目p-1在第2行已有，写作P-1（编号不区分大小写）；每个项目只应占一行"},
		},
		{
			name: "no unit column", header: without(zh.header(), colUnit), rows: [][]string{without(zh.row("P-1"), colUnit)},
			want: []string{"plan.csv：第1行：缺少责任单位列；请增加该列，或用 --unit 名称 为所有行统一指定"},
		},
		{
			name: "a column twice", header: append(zh.header(), "开工时间"), rows: [][]string{append(zh.row("P-1"), "2026-07-31")},
			want: []string{"plan.csv：第1行，第9列“开工时间”：与第8列“开工”重复；每列只应出现一次"},
		},
		{
			name: "no project rows", header: zh.header(), rows: [][]string{{"合计", "", "1000"}},
			want: []string{"plan.csv：第2行：没有项目行；表头下应每个项目一行"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, ps := plan.Rows(sheetOf(t, tc.header, tc.rows...))
			got := inChinese(t, plan.Change{}, ps)
			assert.Equal(t, tc.want, got.problems)
		})
	}
}

func TestNotesInChinese(t *testing.T) {
	s := sheetOf(t, append(zh.header(), "备注", ""), append(zh.row("P-1"), "x", "y"), []string{"合计", "", "35000"})
	assert.Equal(t, []string{
		"第9列“备注”不是台账字段，不读取",
		"第10列没有表头，不读取",
		"第3行跳过：合计行（合计）",
	}, plan.NotesIn(s, plan.SheetOptions{}, true))
	assert.Equal(t, plan.Notes(s, plan.SheetOptions{}), plan.NotesIn(s, plan.SheetOptions{}, false))
	assert.Len(t, plan.NotesIn(s, plan.SheetOptions{}, true), len(plan.Notes(s, plan.SheetOptions{})))

	rows, ps := plan.Rows(sheetOf(t, zh.header(), with(with(zh.row(""), colSigned, "已完成"), colStarted, "正在办理")))
	require.Empty(t, texts(ps))
	rows, ps = plan.AssignIDs(file, rows, nil)
	require.Empty(t, texts(ps))
	id := plan.LocalID(zh.nameText)
	assert.Equal(t, []string{
		"签约“已完成”：已完成，但表中没有日期；不保存，请按实际完成日期另行登记",
		"开工“正在办理”：正在办理，未给出期限；不保存",
		"无项目代码：新编本地编号" + string(id),
	}, rows[0].NotesIn(true))
	assert.Equal(t, rows[0].Notes, rows[0].NotesIn(false))
}

func TestProgressDiffSaysItInChinese(t *testing.T) {
	header := []string{"项目代码", "项目名称", "10月份完成", "实际开工时间", "形象进度", "存在问题"}
	row := []string{"P-1", zh.nameText, "120", "2026-10-08", "基础施工", "用地指标未落实"}
	rows, ps := plan.RowsWith(sheetOf(t, header, row), plan.SheetOptions{Year: 2026, Progress: true})
	require.Empty(t, texts(ps))
	po := plan.ProgressOptions{Options: opts, Month: "2026-10"}
	current := decide(t, domain.NewProject("P-1"), registration(zh))

	ch, ps := plan.ProgressDiff(file, rows[0], current, po)
	assert.Equal(t, zhIn{lines: []string{
		"开工于2026-10-08完成",
		"2026-10完成投资1,200,000元",
		"2026-10形象进度：基础施工",
		"存在问题“用地指标未落实”未挂账：使用 --raise-issues 可列入督办台账",
	}}, inChinese(t, ch, ps))

	po.RaiseIssues = true
	ch, ps = plan.ProgressDiff(file, rows[0], current, po)
	assert.Equal(t, "挂账督办"+plan.IssueID("用地指标未落实")+"：用地指标未落实", inChinese(t, ch, ps).lines[3])

	stored := decide(t, current,
		domain.RecordStep{Meta: office, Project: "P-1", Step: domain.EventType(domain.MilestoneStarted), On: date("2026-10-01")},
		domain.ReportInvestment{Meta: office, Project: "P-1", Month: "2026-10", Amount: 1_000_000, On: date("2026-11-01")})
	ch, ps = plan.ProgressDiff(file, rows[0], stored, po)
	assert.Equal(t, []string{"plan.csv：第2行，10月份完成列：1,200,000元与台账记载的1,000,000元（2026-10）不一致；应一致，或用 --reason 说明原因后更正"},
		inChinese(t, ch, ps).problems)

	po.Reason = "统计口径更正"
	ch, ps = plan.ProgressDiff(file, rows[0], stored, po)
	got := inChinese(t, ch, ps)
	assert.Equal(t, "2026-10完成投资1,000,000元 → 1,200,000元：统计口径更正", got.lines[0])
	assert.Equal(t, []string{"实际开工时间“2026-10-08”：台账记载开工已于2026-10-01完成；保持不变（可用 ledger correct record 更正已记录的日期，须说明原因）"}, got.warnings)

	_, ps = plan.ProgressDiff(file, rows[0], domain.Project{}, po)
	assert.Equal(t, []string{"plan.csv：第2行，项目名称列：项目P-1 " + zh.nameText + "不在台账中；应为计划已登记的项目（请先用 ledger import plan 导入计划表）"},
		inChinese(t, plan.Change{}, ps).problems)
}

func TestCanonicalNamesInChinese(t *testing.T) {
	u := &domain.UnitRegister{
		Names:     map[string][]string{domain.NameUnit: {"县工信局", "县发改局"}},
		Canonical: map[string]string{"县工信局": "县工信局", "县发改局": "县发改局"},
		Kinds:     map[string]string{"县工信局": domain.NameUnit, "县发改局": domain.NameUnit},
	}
	rows, ps := plan.Rows(sheetOf(t, zh.header(), with(zh.row("P-1"), colUnit, "县工信")))
	require.Empty(t, texts(ps))
	_, ps = plan.CanonicalNames(file, rows, u)
	require.Len(t, ps, 1)
	assert.Contains(t, ps[0].String(), "not in the unit register")
	assert.Equal(t, []string{"plan.csv：第2行，责任单位列：责任单位“县工信”不在单位名录中；最接近的有：县工信局、县发改局（可用 ledger units add 添加，或用 ledger units alias 添加别名）"},
		inChinese(t, plan.Change{}, ps).problems)
}

func TestDomainRefusalInChinese(t *testing.T) {
	o := opts
	o.Actor = " "
	_, ps := plan.Diff(file, onlyRow(t, zh.header(), zh.row("P-1")), domain.Project{}, o)
	require.Len(t, ps, 1)
	assert.Equal(t, "plan.csv: row 2: cannot register project for P-1: no actor given; say who records this (--actor)", ps[0].String())
	assert.Regexp(t, `^plan\.csv：第2行：\p{Han}`, ps[0].In(true), "the domain's refusal, in Chinese where the domain says it so")
}

package plan

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/width"

	"github.com/keyprojects/ledger/domain"
)

// The fields county sheets have beyond the template's columns.
const (
	// FieldSerial is 序号: read to tell category rows, never stored.
	FieldSerial Field = iota + 100
	// FieldInvestment is a total investment whose unit the header does
	// not say: the sheet's 单位 line gives it, else 万元 (a guess shown).
	FieldInvestment
	// FieldInvestmentYi is a total investment in 亿元.
	FieldInvestmentYi
	// FieldContent is 建设内容 (and 建设规模): what is built.
	FieldContent
	// FieldAnnualPlan is the year's planned investment (年度计划投资).
	FieldAnnualPlan
	// FieldPeriod is 建设起止年限, "2025-03/2026-12": the start and
	// completion deadlines at month precision.
	FieldPeriod
	// FieldProgress is 形象进度: the state of the works, in words.
	FieldProgress
	// FieldProblems is 存在问题: a problem the office follows up.
	FieldProblems
	// FieldContact is 责任人: the person answering for the project; the
	// leader when the sheet names no leader.
	FieldContact
	// FieldActual is the date a milestone was reached (开工时间 next to
	// 计划开工时间, 实际开工时间).
	FieldActual
	// FieldMonthDone is the investment completed in one month (1月/完成).
	FieldMonthDone
	// FieldToDate is the investment completed this year to date
	// (累计完成投资).
	FieldToDate
	// FieldIgnored is a column the ledger has no place for (备注,
	// 项目建议书, 资金来源); the dry-run names it.
	FieldIgnored
)

// synonyms are the headers of county sheets, by field (and milestone), as
// offices write them; matched as Columns are, after folding case, spaces,
// underscores and brackets. A header is tried whole, then as its group and
// sub-header joined, then as its sub-header alone.
var synonyms = []Column{
	{Field: FieldSerial, ZH: "序号", EN: "no.", Aliases: []string{"编号", "序", "no"}},
	{Field: FieldProject, ZH: "项目代码", Aliases: []string{"统一项目代码", "项目统一代码", "项目编码", "项目编号", "代码"}},
	{Field: FieldName, ZH: "项目名称", Aliases: []string{"名称", "项目", "建设项目名称", "项目名"}},
	{Field: FieldInvestment, ZH: "总投资", Aliases: []string{"计划总投资", "项目总投资", "估算总投资", "总投资额"}},
	{Field: FieldUnit, ZH: "责任单位", Aliases: []string{"项目责任单位", "牵头单位", "责任部门", "牵头部门", "主管部门", "主体责任单位", "县直责任单位"}},
	{Field: FieldLeader, ZH: "包保领导", Aliases: []string{"包联领导", "挂点领导", "联系领导", "县级领导", "分管领导", "责任领导", "牵头领导", "包抓领导", "县级包抓领导", "包挂领导"}},
	{Field: FieldContact, ZH: "责任人", Aliases: []string{"项目负责人", "联系人", "具体责任人"}},
	{Field: FieldTownship, ZH: "乡镇", Aliases: []string{"建设地点", "项目地点", "所在地", "建设地址", "所在乡镇(街道)", "乡镇(街道)"}},
	{Field: FieldContent, ZH: "建设内容", Aliases: []string{"建设内容及规模", "建设规模及内容", "主要建设内容", "建设规模", "建设内容和规模", "项目建设内容"}},
	{Field: FieldPeriod, ZH: "建设起止年限", Aliases: []string{"建设年限", "起止年限", "建设期限", "建设起止年月", "起止年份"}},
	{Field: FieldAnnualPlan, ZH: "年度计划投资", Aliases: []string{"年计划投资", "年度投资计划", "本年度计划投资", "本年计划投资", "年度计划投资额",
		"本年度计划投资及资金来源/合计", "本年度计划投资及资金来源/小计", "年度计划投资/合计"}},
	{Field: FieldToDate, ZH: "累计完成投资", Aliases: []string{"本年累计完成投资", "年度累计完成投资", "累计完成", "开工累计完成投资"}},
	{Field: FieldProgress, ZH: "形象进度", Aliases: []string{"工程形象进度", "项目进展情况", "进展情况", "目前进展", "项目进展", "推进情况", "工程进度"}},
	{Field: FieldProblems, ZH: "存在问题", Aliases: []string{"存在的问题", "存在困难和问题", "存在问题及困难", "困难和问题", "需协调解决的问题", "问题"}},
	{Field: FieldIgnored, ZH: "备注", Aliases: []string{"项目建议书", "初步设计", "立项", "资金来源", "中央资金", "省级资金", "市级资金", "县级资金", "其他资金", "自筹资金", "业主单位", "建设单位", "项目业主"}},
	{Field: FieldDeadline, Milestone: domain.MilestoneSigned, ZH: "签约", Aliases: []string{"签约时间", "计划签约时间", "签约日期"}},
	{Field: FieldDeadline, Milestone: domain.MilestoneFeasibility, ZH: "可研", Aliases: []string{"工可", "可研批复", "可行性研究", "可行性研究报告", "工可批复"}},
	{Field: FieldDeadline, Milestone: domain.MilestoneEIA, ZH: "环评", Aliases: []string{"环评批复", "环境影响评价"}},
	{Field: FieldDeadline, Milestone: domain.MilestoneLand, ZH: "用地", Aliases: []string{"用地预审", "土地手续", "用地手续", "土地出让", "用地审批"}},
	{Field: FieldDeadline, Milestone: domain.MilestonePlanning, ZH: "规划许可", Aliases: []string{"规划", "工程规划许可", "建设工程规划许可", "规划许可证", "用地规划许可"}},
	{Field: FieldDeadline, Milestone: domain.MilestoneConstructionPermit, ZH: "施工许可", Aliases: []string{"施工许可证", "施工许可手续"}},
	{Field: FieldDeadline, Milestone: domain.MilestoneStarted, ZH: "开工", Aliases: []string{"计划开工时间", "开工时间", "计划开工", "开工日期", "拟开工时间"}},
	{Field: FieldDeadline, Milestone: domain.MilestoneCompleted, ZH: "竣工", Aliases: []string{"计划竣工时间", "竣工时间", "完工时间", "计划完工时间", "计划竣工", "竣工日期"}},
	{Field: FieldDeadline, Milestone: domain.MilestoneCommissioned, ZH: "投产", Aliases: []string{"投产时间", "计划投产时间", "投用时间", "建成投用"}},
	{Field: FieldDeadline, Milestone: domain.MilestoneFullCapacity, ZH: "达产", Aliases: []string{"达产时间", "计划达产时间"}},
	{Field: FieldActual, Milestone: domain.MilestoneStarted, ZH: "实际开工时间", Aliases: []string{"实际开工", "开工时间(实际)"}},
	{Field: FieldActual, Milestone: domain.MilestoneCompleted, ZH: "实际竣工时间", Aliases: []string{"实际完工时间", "实际竣工"}},
	{Field: FieldActual, Milestone: domain.MilestoneCommissioned, ZH: "实际投产时间", Aliases: []string{"实际投产"}},
}

var (
	// monthHeader is a month's group ("1月", "10月份") or a month's
	// column ("1月完成", "10月份完成投资").
	monthHeader = regexp.MustCompile(`^(1[0-2]|[1-9])月份?(完成|完成投资|实际完成|计划|计划投资)?$`)
	// yearPlanHeader is "2026年计划投资", "2026年度投资计划(万元)".
	yearPlanHeader = regexp.MustCompile(`^(20[0-9]{2})年度?(计划投资|投资计划|计划完成投资)`)
	// toDateHeader is "1-10月累计完成投资", "1至10月完成投资".
	toDateHeader = regexp.MustCompile(`^1[-~—至到](1[0-2]|[1-9])月(份)?(累计)?完成(投资)?`)
	// unitInHeader finds the money unit in a header: "总投资(亿元)".
	unitInHeader = regexp.MustCompile(`[(（]?\s*(亿元|万元|元)\s*[)）]?`)
)

// match is what a column header resolves to.
type match struct {
	Column
	month int       // FieldMonthDone: 1 to 12; also a month's plan column
	year  int       // FieldAnnualPlan: the year the header names, else 0
	unit  moneyUnit // a money column's unit from its header; "" when the header says none
}

// moneyUnit is the unit a money column's figures are in.
type moneyUnit string

// The money units of county sheets.
const (
	unitYuan moneyUnit = "元"
	unitWan  moneyUnit = "万元"
	unitYi   moneyUnit = "亿元"
)

// suffix is what ParseYuan takes after a figure in this unit.
func (u moneyUnit) suffix() string {
	switch u {
	case unitWan:
		return "万"
	case unitYi:
		return "亿"
	}
	return ""
}

// resolve finds the field of a column whose header band gives path (group
// headers first, the sub-header last).
func resolve(path []string) (match, bool) {
	if len(path) == 0 {
		return match{}, false
	}
	leaf := path[len(path)-1]
	var candidates []string
	candidates = append(candidates, strings.Join(path, ""))
	if len(path) > 1 {
		candidates = append(candidates, path[len(path)-2]+"/"+leaf, path[len(path)-2]+leaf)
	}
	candidates = append(candidates, leaf)
	for _, h := range candidates {
		if m, ok := resolveOne(h); ok {
			return m, true
		}
	}
	// A month's pair: 1月 over 计划 / 完成.
	if len(path) > 1 {
		if g := monthHeader.FindStringSubmatch(normalize(path[len(path)-2])); g != nil && g[2] == "" {
			n, _ := strconv.Atoi(g[1])
			switch normalize(leaf) {
			case "完成", "实际完成", "完成投资", "实际完成投资":
				return match{Column: Column{Field: FieldMonthDone, ZH: leaf}, month: n, unit: headerUnit(path...)}, true
			case "计划", "计划投资", "计划完成":
				return match{Column: Column{Field: FieldIgnored, ZH: leaf}, month: n}, true
			}
		}
	}
	return match{}, false
}

// resolveOne resolves one header text.
func resolveOne(header string) (match, bool) {
	unit := headerUnit(header)
	bare := normalize(unitInHeader.ReplaceAllString(header, ""))
	if c, ok := lookup(header); ok {
		return match{Column: c, unit: unit}, true
	}
	for _, c := range synonyms {
		for _, name := range append([]string{c.ZH}, c.Aliases...) {
			if n := normalize(name); n == normalize(header) || n == bare {
				m := match{Column: c, unit: unit}
				if c.Field == FieldInvestment {
					switch unit {
					case unitYi:
						m.Field = FieldInvestmentYi
					case unitWan:
						m.Field = FieldInvestmentWan
					case unitYuan:
						m.Field = FieldInvestmentYuan
					}
				}
				return m, true
			}
		}
	}
	if g := yearPlanHeader.FindStringSubmatch(bare); g != nil {
		y, _ := strconv.Atoi(g[1])
		return match{Column: Column{Field: FieldAnnualPlan, ZH: header}, year: y, unit: unit}, true
	}
	if toDateHeader.MatchString(bare) {
		return match{Column: Column{Field: FieldToDate, ZH: header}, unit: unit}, true
	}
	if g := monthHeader.FindStringSubmatch(bare); g != nil && g[2] != "" {
		n, _ := strconv.Atoi(g[1])
		if strings.HasPrefix(g[2], "计划") {
			return match{Column: Column{Field: FieldIgnored, ZH: header}, month: n}, true
		}
		return match{Column: Column{Field: FieldMonthDone, ZH: header}, month: n, unit: unit}, true
	}
	return match{}, false
}

// headerUnit is the money unit the last header of texts naming one says.
func headerUnit(texts ...string) moneyUnit {
	var u moneyUnit
	for _, t := range texts {
		if g := unitInHeader.FindAllStringSubmatch(t, -1); g != nil {
			u = moneyUnit(g[len(g)-1][1])
		}
	}
	return u
}

// isHeaderWord reports whether a cell reads as a header: a field's name,
// or a group of them (前期计划安排, 本年度计划投资及资金来源, 1月).
func isHeaderWord(cell string) bool {
	c := strings.TrimSpace(cell)
	if c == "" {
		return false
	}
	if _, ok := resolveOne(c); ok {
		return true
	}
	n := normalize(c)
	if monthHeader.MatchString(n) {
		return true
	}
	for _, g := range []string{"计划", "完成", "安排", "资金来源", "节点", "手续", "时间", "进度", "投资"} {
		if strings.Contains(n, g) && len([]rune(n)) <= 16 {
			return true
		}
	}
	return false
}

// periodPart is a year, with its month when given, in a construction
// period: "2025-03", "2026.06", "2025年3月", "2025".
var periodPart = regexp.MustCompile(`(20[0-9]{2})(?:\s*[.\-/年]\s*(1[0-2]|0?[1-9])(?:[^0-9]|$))?`)

// parsePeriod reads 建设起止年限 ("2025-03/2026-12", "2026.01-2027.06",
// "2025年3月—2026年12月", "2025-2026") as the start and completion
// deadlines, at month precision (year precision for years alone).
func parsePeriod(v string) (from, to domain.PlannedDeadline, err error) {
	v = width.Fold.String(v)
	parts := periodPart.FindAllStringSubmatch(v, -1)
	if len(parts) != 2 {
		return from, to, fmt.Errorf("'%s' is not a start and end", v)
	}
	at := func(p []string) (domain.Date, domain.Precision, error) {
		if p[2] == "" {
			return domain.ParseDeadline(p[1]+"年", 0)
		}
		return domain.ParseDeadline(p[1]+"年"+strings.TrimPrefix(p[2], "0")+"月", 0)
	}
	d1, p1, err := at(parts[0])
	if err != nil {
		return from, to, err
	}
	d2, p2, err := at(parts[1])
	if err != nil {
		return from, to, err
	}
	if d2 < d1 {
		return from, to, fmt.Errorf("'%s' ends before it starts", v)
	}
	return domain.PlannedDeadline{Milestone: domain.MilestoneStarted, Due: d1, Precision: p1},
		domain.PlannedDeadline{Milestone: domain.MilestoneCompleted, Due: d2, Precision: p2}, nil
}

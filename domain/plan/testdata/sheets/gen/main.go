// Command gen writes the test sheets in domain/plan/testdata/sheets: for
// each layout an .xlsx workbook (real merged cells for the title rows and
// the multi-level headers) and the .csv that Excel's "CSV UTF-8" export
// gives for it (UTF-8 with BOM, CRLF line ends, a merged cell's value only
// in its top-left cell, every row as wide as the used range).
//
// The output is deterministic: fixed dates, fixed document properties, no
// clock. Run from the repository root:
//
//	go run ./domain/plan/testdata/sheets/gen
//
// All names, codes and amounts are made up; the layouts follow the common
// public layouts of city and county project tables.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// cell is one cell: text, a number, or a date (a real date cell in the
// workbook, shown in the CSV through its number format).
type cell struct {
	kind    int // 0 empty, 1 text, 2 number, 3 date
	text    string
	num     float64
	date    time.Time
	dateFmt string // Excel number format of a date cell
}

const (
	kEmpty = iota
	kText
	kNum
	kDate
)

func S(s string) cell {
	if s == "" {
		return cell{}
	}
	return cell{kind: kText, text: s}
}

func N(v float64) cell { return cell{kind: kNum, num: v} }

// D is a date cell shown as 2026-04-30.
func D(y, m, d int) cell {
	return cell{kind: kDate, date: time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), dateFmt: "yyyy-mm-dd"}
}

// DS is a date cell shown as 2026/6/30.
func DS(y, m, d int) cell {
	return cell{kind: kDate, date: time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), dateFmt: "yyyy/m/d"}
}

var E = cell{}

// shown is what Excel displays, and so what its CSV export writes.
func (c cell) shown() string {
	switch c.kind {
	case kText:
		return c.text
	case kNum:
		return strconv.FormatFloat(c.num, 'f', -1, 64)
	case kDate:
		switch c.dateFmt {
		case "yyyy-mm-dd":
			return c.date.Format("2006-01-02")
		case "yyyy/m/d":
			return c.date.Format("2006/1/2")
		}
		panic("unknown date format " + c.dateFmt)
	}
	return ""
}

// Row kinds, for styling only.
const (
	rTitle = iota
	rNote
	rHeader
	rBody
	rTotal
	rCategory
)

type sheet struct {
	file      string // base name without extension
	sheetName string
	width     int
	rows      [][]cell
	kinds     []int
	merges    [][2]string
	colWidths map[string]float64
}

func newSheet(file, name string, width int) *sheet {
	return &sheet{file: file, sheetName: name, width: width, colWidths: map[string]float64{}}
}

// add appends a row, padded to the sheet's width.
func (s *sheet) add(kind int, cells ...cell) int {
	if len(cells) > s.width {
		panic(fmt.Sprintf("%s: row %d has %d cells, width %d", s.file, len(s.rows)+1, len(cells), s.width))
	}
	row := make([]cell, s.width)
	copy(row, cells)
	s.rows = append(s.rows, row)
	s.kinds = append(s.kinds, kind)
	return len(s.rows)
}

// at returns a row with the given cells placed at 1-based columns.
func (s *sheet) at(kind int, placed map[int]cell) int {
	row := make([]cell, s.width)
	for c, v := range placed {
		row[c-1] = v
	}
	return s.add(kind, row...)
}

func (s *sheet) merge(from, to string) { s.merges = append(s.merges, [2]string{from, to}) }

func col(n int) string {
	name, err := excelize.ColumnNumberToName(n)
	if err != nil {
		panic(err)
	}
	return name
}

func ref(c, r int) string { return fmt.Sprintf("%s%d", col(c), r) }

// csvField quotes as Excel does: only when the field holds a comma, a
// quote or a line break; a line break inside a cell stays a bare LF.
func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\r\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

func (s *sheet) csv() []byte {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	for _, row := range s.rows {
		for i, c := range row {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(csvField(c.shown()))
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

func (s *sheet) xlsx() ([]byte, error) {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	if err := f.SetSheetName("Sheet1", s.sheetName); err != nil {
		return nil, err
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Creator:        "重点项目办",
		LastModifiedBy: "重点项目办",
		Created:        "2026-11-05T08:30:00Z",
		Modified:       "2026-11-05T08:30:00Z",
		Language:       "zh-CN",
	}); err != nil {
		return nil, err
	}
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1},
		{Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1},
		{Type: "bottom", Color: "000000", Style: 1},
	}
	font := func(bold bool, size float64) *excelize.Font {
		return &excelize.Font{Family: "宋体", Size: size, Bold: bold}
	}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	left := &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}
	styles := map[string]*excelize.Style{
		"title":    {Font: &excelize.Font{Family: "方正小标宋简体", Size: 18}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}},
		"note":     {Font: font(false, 11), Alignment: &excelize.Alignment{Vertical: "center"}},
		"header":   {Font: &excelize.Font{Family: "黑体", Size: 11}, Alignment: center, Border: border},
		"body":     {Font: font(false, 10), Alignment: left, Border: border},
		"num":      {Font: font(false, 10), Alignment: center, Border: border},
		"total":    {Font: font(true, 10), Alignment: center, Border: border},
		"category": {Font: font(true, 10), Alignment: left, Border: border},
	}
	ids := map[string]int{}
	// Styles are created in a fixed order so that their ids, and so the
	// bytes of the workbook, are the same on every run.
	for _, name := range []string{"title", "note", "header", "body", "num", "total", "category"} {
		id, err := f.NewStyle(styles[name])
		if err != nil {
			return nil, err
		}
		ids[name] = id
	}
	dateStyle := map[string]int{}
	for _, nf := range []string{"yyyy-mm-dd", "yyyy/m/d"} {
		nf := nf
		id, err := f.NewStyle(&excelize.Style{Font: font(false, 10), Alignment: center, Border: border, CustomNumFmt: &nf})
		if err != nil {
			return nil, err
		}
		dateStyle[nf] = id
	}
	sh := s.sheetName
	for r, row := range s.rows {
		rn := r + 1
		kind := s.kinds[r]
		for c, v := range row {
			at := ref(c+1, rn)
			switch v.kind {
			case kText:
				if err := f.SetCellStr(sh, at, v.text); err != nil {
					return nil, err
				}
			case kNum:
				if err := f.SetCellFloat(sh, at, v.num, -1, 64); err != nil {
					return nil, err
				}
			case kDate:
				if err := f.SetCellValue(sh, at, v.date); err != nil {
					return nil, err
				}
			}
			var style int
			switch kind {
			case rTitle:
				style = ids["title"]
			case rNote:
				style = ids["note"]
			case rHeader:
				style = ids["header"]
			case rTotal:
				style = ids["total"]
			case rCategory:
				style = ids["category"]
			default:
				switch v.kind {
				case kNum:
					style = ids["num"]
				case kDate:
					style = dateStyle[v.dateFmt]
				default:
					style = ids["body"]
				}
			}
			if err := f.SetCellStyle(sh, at, at, style); err != nil {
				return nil, err
			}
		}
		switch kind {
		case rTitle:
			_ = f.SetRowHeight(sh, rn, 36)
		case rHeader:
			_ = f.SetRowHeight(sh, rn, 30)
		}
	}
	for _, m := range s.merges {
		if err := f.MergeCell(sh, m[0], m[1]); err != nil {
			return nil, err
		}
	}
	for c := 1; c <= s.width; c++ {
		w, ok := s.colWidths[col(c)]
		if !ok {
			w = 10
		}
		if err := f.SetColWidth(sh, col(c), col(c), w); err != nil {
			return nil, err
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func sum(vs ...cell) float64 {
	t := 0.0
	for _, v := range vs {
		if v.kind == kNum {
			t += v.num
		}
	}
	return math.Round(t*100) / 100
}

// ---------------------------------------------------------------------
// Layout 1: city-annual-plan

type cityProject struct {
	name, content, period string
	code                  float64
	total                 cell // 万元, or text such as "8.62亿"
	totalWan              float64
	funds                 [4]cell // 中央, 省级, 市级, 其他
	prep                  [3]string
	unit, leader, note    string
}

func cityAnnualPlan() *sheet {
	s := newSheet("city-annual-plan", "2026年计划", 17)
	s.add(rTitle, S("2026年XX市政府投资项目年度计划表"))
	s.merge("A1", "Q1")
	s.at(rNote, map[int]cell{1: S("报送单位：市发展和改革委员会"), 16: S("单位：万元")})
	s.merge("A2", "D2")
	s.merge("P2", "Q2")
	s.add(rHeader, S("序号"), S("项目名称"), S("项目编号"), S("建设内容及规模"), S("建设起止年限"), S("总投资"),
		S("本年度计划投资及资金来源"), E, E, E, E, S("前期计划安排"), E, E, S("项目责任单位"), S("包联领导"), S("备注"))
	s.add(rHeader, E, E, E, E, E, E,
		S("合计"), S("中央资金"), S("省级资金"), S("市级资金"), S("其他资金"), S("项目建议书"), S("工可"), S("初步设计"), E, E, E)
	for _, c := range []int{1, 2, 3, 4, 5, 6, 15, 16, 17} {
		s.merge(ref(c, 3), ref(c, 4))
	}
	s.merge("G3", "K3")
	s.merge("L3", "N3")

	n := func(v float64) cell { return N(v) }
	groups := []struct {
		title   string
		inName  bool // category text in the 项目名称 cell, not the 序号 cell
		project []cityProject
	}{
		{"一、交通基础设施", false, []cityProject{
			{name: "XX市绕城公路东段改建工程", code: 20263601, content: "改建一级公路12.6公里，路基宽25.5米，新建中桥2座", period: "2025-03/2026-12",
				total: S("8.62亿"), totalWan: 86200, funds: [4]cell{n(12000), n(8000), n(6000), n(4000)},
				prep: [3]string{"已批复", "已批复", "已完成"}, unit: "市交通运输局", leader: "李明 副市长", note: "续建"},
			{name: "XX大道北延伸工程", code: 20263602, content: "新建城市主干道3.2公里，红线宽40米，同步建设综合管廊", period: "2026.01-2027.06",
				total: n(42350), totalWan: 42350, funds: [4]cell{E, n(5000), n(8000), n(2000)},
				prep: [3]string{"已完成", "2026年3月", "2026.05"}, unit: "市住建局", leader: "张卫东 副市长", note: "新建"},
			{name: "XX港区综合码头配套道路工程", code: 20263603, content: "新建二级公路5.8公里及配套排水、照明工程", period: "2026.03-2027.12",
				total: n(18600), totalWan: 18600, funds: [4]cell{n(3000), n(1500), n(1500), E},
				prep: [3]string{"已批复", "正在办理", "二季度"}, unit: "市交通运输局", leader: "李明 副市长", note: "新建"},
		}},
		{"二、社会事业", true, []cityProject{
			{name: "XX市第一人民医院综合住院楼建设项目", code: 20263609, content: "总建筑面积4.8万平方米，新增床位600张", period: "2025-06/2027-06",
				total: n(56800), totalWan: 56800, funds: [4]cell{n(10000), n(3000), n(5000), n(2000)},
				prep: [3]string{"已完成", "已完成", "已批复"}, unit: "市卫生健康委员会", leader: "陈红 副市长", note: "续建"},
			{name: "XX市第三中学新校区建设项目", code: 20263610, content: "新建教学楼、实验楼、学生宿舍等4.2万平方米，办学规模72个班", period: "2026.03-2027.08",
				total: n(32500.5), totalWan: 32500.5, funds: [4]cell{n(4000), n(2000), n(6000), E},
				prep: [3]string{"已批复", "2026年4月", "三季度"}, unit: "市教育局", leader: "陈红 副市长", note: "新建"},
			{name: "城市社区嵌入式服务设施建设项目（一期）", code: 20263611, content: "改造提升社区综合服务设施18处，建筑面积2.1万平方米", period: "2026-04/2026-12",
				total: n(9800), totalWan: 9800, funds: [4]cell{n(4900), E, n(3900), n(1000)},
				prep: [3]string{"2026.02", "2026.04", ""}, unit: "市民政局", leader: "张卫东 副市长", note: "可研代初设"},
		}},
		{"三、生态环保", false, []cityProject{
			{name: "XX河流域水环境综合治理工程", code: 20263615, content: "整治河道18.5公里，新建截污管网26公里，建设生态缓冲带", period: "2026.05-2027.10",
				total: n(64200), totalWan: 64200, funds: [4]cell{n(8000), n(4000), n(4000), n(2000)},
				prep: [3]string{"已完成", "正在办理", ""}, unit: "市水利局", leader: "刘志刚 副市长", note: "新建"},
			{name: "城区污水处理厂扩容提标工程", code: 20263616, content: "新增处理规模5万吨/日，出水执行一级A标准", period: "2025-10/2026-12",
				total: n(27600), totalWan: 27600, funds: [4]cell{n(3000), n(2000), n(3000), n(2000)},
				prep: [3]string{"已完成", "已批复", "一季度"}, unit: "市城市管理局", leader: "刘志刚 副市长", note: "续建"},
		}},
	}
	// 合计 row first, as these tables put it; it is filled once all rows are known.
	totalRow := s.add(rTotal, E, S("合计"))
	var grand [6]float64 // 总投资, 合计, 中央, 省级, 市级, 其他
	seq := 0
	for _, g := range groups {
		if g.inName {
			s.add(rCategory, E, S(g.title))
		} else {
			s.add(rCategory, S(g.title))
		}
		for _, p := range g.project {
			seq++
			year := sum(p.funds[:]...)
			s.add(rBody, N(float64(seq)), S(p.name), N(p.code), S(p.content), S(p.period), p.total,
				N(year), p.funds[0], p.funds[1], p.funds[2], p.funds[3],
				S(p.prep[0]), S(p.prep[1]), S(p.prep[2]), S(p.unit), S(p.leader), S(p.note))
			grand[0] += p.totalWan
			grand[1] += year
			for i, fv := range p.funds {
				grand[2+i] += sum(fv)
			}
		}
	}
	tr := s.rows[totalRow-1]
	for i, v := range grand {
		tr[5+i] = N(math.Round(v*100) / 100)
	}
	s.colWidths = map[string]float64{"A": 6, "B": 30, "C": 11, "D": 36, "E": 16, "F": 10, "O": 16, "P": 14, "Q": 10}
	return s
}

// ---------------------------------------------------------------------
// Layout 2: district-monthly-progress

type districtProject struct {
	name, code   string
	totalYi      float64
	plan         float64 // 2026年计划投资, 万元
	start        int     // first month with a plan
	image, issue string
	unit, who    string
}

func districtMonthlyProgress() *sheet {
	const months = 10
	width := 5 + 2*months + 5
	s := newSheet("district-monthly-progress", "10月进度", width)
	s.add(rTitle, S("XX新区2026年重点项目建设进度表（截至2026年10月底）"))
	s.merge("A1", ref(width, 1))
	s.at(rNote, map[int]cell{1: S("填报单位：XX新区管委会"), width - 2: S("填报日期：2026年11月5日")})
	s.merge("A2", "E2")
	s.merge(ref(width-2, 2), ref(width, 2))

	h1 := []cell{S("序号"), S("项目名称"), S("项目代码"), S("总投资(亿元)"), S("2026年计划投资(万元)")}
	h2 := []cell{E, E, E, E, E}
	for m := 1; m <= months; m++ {
		h1 = append(h1, S(fmt.Sprintf("%d月", m)), E)
		h2 = append(h2, S("计划"), S("完成"))
	}
	// Real tables break long headers with Alt+Enter: the CSV keeps the LF
	// inside a quoted field.
	h1 = append(h1, S("1-10月累计\n完成投资"), S("形象进度"), S("存在问题"), S("责任单位"), S("责任人"))
	h2 = append(h2, E, E, E, E, E)
	s.add(rHeader, h1...)
	s.add(rHeader, h2...)
	for _, c := range []int{1, 2, 3, 4, 5, width - 4, width - 3, width - 2, width - 1, width} {
		s.merge(ref(c, 3), ref(c, 4))
	}
	for m := 1; m <= months; m++ {
		c := 6 + 2*(m-1)
		s.merge(ref(c, 3), ref(c+1, 3))
	}

	projects := []districtProject{
		{"XX新区科创中心一期建设项目", "2025-361102-47-01-003561", 12.5, 32000, 1, "主体结构完成60%", "", "新区建设局", "周海涛"},
		{"新区综合管廊及配套道路工程", "2026-361102-48-01-000112", 8.36, 26000, 2, "管廊主体完成3.2公里，道路路基完成70%", "征迁尚有3户未签约", "新区城市建设投资有限公司", "吴刚"},
		{"年产20GWh储能电池生产基地项目", "2026-361102-38-03-000245", 35, 60000, 3, "1#、2#厂房钢结构吊装完成80%", "", "新区经济发展局", "郑晓燕"},
		{"新区人民医院建设项目", "", 6.8, 15000, 1, "主体封顶，正在进行内外装饰", "", "新区社会事业局", "黄丽"},
		{"白鹭湖生态公园建设项目", "", 2.45, 8000, 4, "园路及景观绿化完成45%", "资金拨付滞后", "新区建设局", "周海涛"},
		{"智能装备产业园标准厂房（二期）", "2026-361102-47-01-000387", 4.2, 12000, 3, "桩基完成, 承台施工中", "用地指标未落实", "新区经济发展局", "郑晓燕"},
		{"白鹭镇安置小区建设项目", "", 3.86, 10000, 6, "场地平整完成，正在进行桩基施工", "用地指标未落实", "白鹭镇人民政府", "刘斌"},
		{"新区第一小学建设项目", "2025-361102-83-01-001958", 1.9, 7000, 1, "已完工，正在竣工验收", "", "新区社会事业局", "黄丽"},
	}
	factors := []float64{0.82, 1.1, 0.95, 1.05, 0.7, 1.2, 1.0, 0.9, 1.15, 0.88, 0.97}
	for i, p := range projects {
		row := []cell{N(float64(i + 1)), S(p.name), S(p.code), N(p.totalYi), N(p.plan)}
		planned := math.Round(p.plan/float64(12-p.start+1)/10) * 10
		cum := 0.0
		for m := 1; m <= months; m++ {
			if m < p.start {
				row = append(row, E, E)
				continue
			}
			done := math.Round(planned * factors[(i*3+m)%len(factors)])
			cum += done
			row = append(row, N(planned), N(done))
		}
		row = append(row, N(cum), S(p.image), S(p.issue), S(p.unit), S(p.who))
		s.add(rBody, row...)
	}
	s.colWidths = map[string]float64{"A": 6, "B": 30, "C": 26, "D": 9, "E": 12}
	for c := width - 4; c <= width; c++ {
		s.colWidths[col(c)] = 16
	}
	s.colWidths[col(width-3)] = 28
	return s
}

// ---------------------------------------------------------------------
// Layout 3: annual-summary-quarters

type summaryProject struct {
	name, place                       string
	total                             float64
	planStart, start, planEnd, finish cell
	image, unit, leader               string
}

var summaryProjects = [][]summaryProject{
	{
		{"县城区供水管网改造提升工程", "城关镇", 12800, S("2026年3月"), DS(2026, 3, 18), S("年底"), E, "新建改造供水管网15.2公里", "县住建局", "王建国 副县长"},
		{"省道S218线青山至石桥段改建工程", "青山镇、石桥镇", 36500, S("3月底"), S("2026-05"), S("2027年6月"), E, "路基工程完成40%", "县交通运输局", "李志强 副县长"},
		{"县人民医院门诊综合楼建设项目", "城关镇", 21600, S("2026年2月"), S("2026年2月"), S("上半年"), S("已完成"), "已竣工投入使用", "县卫健委", "王建国 副县长"},
		{"XX县污水处理厂提标改造", "城关镇", 8600, S("上半年"), S("2026-05"), S("年底"), E, "生化池改造完成，深度处理单元设备安装中", "县住建局", "王建国 副县长"},
	},
	{
		{"县工业园区标准厂房（三期）建设项目", "县工业园区", 18900, S("2026年4月"), DS(2026, 4, 26), S("2027年3月"), E, "6栋厂房主体封顶", "县工信局", "李志强 副县长"},
		{"青山镇农产品冷链物流中心", "青山镇", 6500, S("上半年"), S("2026年7月"), S("年底"), E, "冷库主体完成，设备进场", "青山镇人民政府", "赵国庆 副县长"},
		{"XX水库除险加固工程", "石桥镇", 4300, S("2026年3月"), S("3月底"), S("2026年6月"), DS(2026, 6, 30), "已完工", "县水利局", "赵国庆 副县长"},
		{"县域数字经济产业园建设项目", "县高新区", 25000, S("年底"), S("正在办理"), E, E, "前期手续办理中，施工许可正在办理", "县发改局", "李志强 副县长"},
		{"年产5000吨新能源电池材料项目", "县工业园区", 52000, S("2026年6月"), S("2026年6月"), S("2027年6月"), E, "场地平整完成，正在进行桩基施工", "县工信局", "李志强 副县长"},
	},
}

func annualSummary(withUnit bool) *sheet {
	header := []string{"序号", "项目名称", "建设地点", "总投资（万元）", "计划开工时间", "开工时间", "计划竣工时间", "完工时间", "形象进度", "责任单位", "包保领导"}
	file := "annual-summary-quarters"
	if !withUnit {
		header = append(header[:9:9], header[10:]...)
		file = "bad-missing-unit"
	}
	s := newSheet(file, "汇总", len(header))
	s.add(rTitle, S("XX县2026年重点项目推进情况汇总表"))
	s.merge("A1", ref(len(header), 1))
	h := make([]cell, len(header))
	for i, v := range header {
		h[i] = S(v)
	}
	s.add(rHeader, h...)
	seq := 0
	for gi, group := range summaryProjects {
		var groupTotal float64
		for _, p := range group {
			seq++
			row := []cell{N(float64(seq)), S(p.name), S(p.place), N(p.total), p.planStart, p.start, p.planEnd, p.finish, S(p.image)}
			if withUnit {
				row = append(row, S(p.unit))
			}
			row = append(row, S(p.leader))
			s.add(rBody, row...)
			groupTotal += p.total
		}
		if gi == 0 {
			s.add(rTotal, E, S("小计"), E, N(groupTotal))
			s.add(rBody)
		}
	}
	s.colWidths = map[string]float64{"A": 6, "B": 34, "C": 14, "D": 12, "E": 12, "F": 12, "G": 12, "H": 12, "I": 30, "J": 14, "K": 14}
	return s
}

// ---------------------------------------------------------------------
// Layout 4: reverse-schedule-no-code

func reverseSchedule() *sheet {
	s := newSheet("reverse-schedule-no-code", "倒排工期", 15)
	s.add(rHeader, S("序号"), S("项目名称"), S("责任单位"), S("县级领导"), S("倒排工期节点"), E, E, E, E, E, E, E, E, E, S("总投资(万元)"))
	s.add(rHeader, E, E, E, E, S("前期手续"), E, E, E, E, E, S("建设节点"))
	s.add(rHeader, E, E, E, E, S("立项"), S("可研"), S("环评"), S("用地"), S("规划许可"), S("施工许可"), S("签约"), S("开工"), S("竣工"), S("投产"))
	for _, c := range []int{1, 2, 3, 4, 15} {
		s.merge(ref(c, 1), ref(c, 3))
	}
	s.merge("E1", "N1")
	s.merge("E2", "J2")
	s.merge("K2", "N2")

	type p struct {
		name, unit, leader string
		nodes              [10]cell // 立项 可研 环评 用地 规划许可 施工许可 签约 开工 竣工 投产
		total              float64
	}
	projects := []p{
		{"ＸＸ县　污水处理厂提标改造", "县住建局", "王建国 副县长",
			[10]cell{D(2026, 1, 20), D(2026, 2, 28), D(2026, 3, 15), E, D(2026, 4, 15), D(2026, 4, 30), E, D(2026, 5, 10), D(2026, 12, 31), D(2027, 1, 31)}, 8600},
		{"县工业园区标准厂房(三期)建设项目", "县工信局", "李志强 副县长",
			[10]cell{D(2026, 1, 15), D(2026, 2, 10), D(2026, 3, 10), D(2026, 3, 31), D(2026, 4, 10), D(2026, 4, 20), E, D(2026, 4, 26), D(2027, 3, 31), E}, 18900},
		{"年产5000吨新能源电池材料项目", "县工信局", "李志强 副县长",
			[10]cell{D(2026, 3, 31), S("2026年4月"), D(2026, 4, 30), S("2026年5月"), D(2026, 5, 31), S("2026年6月"), D(2026, 2, 28), S("2026年6月"), D(2027, 6, 30), D(2027, 9, 30)}, 52000},
		{"青山镇农产品冷链物流中心", "青山镇人民政府", "赵国庆 副县长",
			[10]cell{D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30), D(2026, 5, 15), D(2026, 5, 31), D(2026, 6, 20), D(2026, 1, 18), D(2026, 7, 1), D(2026, 12, 31), D(2027, 3, 31)}, 6500},
		{"县域数字经济产业园建设项目", "县发改局", "李志强 副县长",
			[10]cell{D(2026, 4, 30), D(2026, 6, 30), D(2026, 7, 31), D(2026, 8, 31), D(2026, 9, 30), D(2026, 11, 30), E, D(2026, 12, 20), D(2027, 12, 31), E}, 25000},
		{"XX水库除险加固工程", "县水利局", "赵国庆 副县长",
			[10]cell{D(2026, 1, 10), D(2026, 1, 31), D(2026, 2, 15), E, E, D(2026, 3, 20), E, D(2026, 3, 31), D(2026, 6, 30), E}, 4300},
		{"省道S218线青山至石桥段改建工程", "县交通运输局", "李志强 副县长",
			[10]cell{D(2026, 1, 25), D(2026, 2, 28), D(2026, 3, 20), S("2026年6月"), D(2026, 4, 15), D(2026, 5, 10), E, D(2026, 5, 18), D(2027, 6, 30), E}, 36500},
		{"县城区供水管网改造提升工程", "县住建局", "王建国 副县长",
			[10]cell{D(2026, 1, 8), D(2026, 2, 6), D(2026, 2, 27), E, D(2026, 3, 6), D(2026, 3, 13), E, D(2026, 3, 18), D(2026, 12, 31), E}, 12800},
	}
	for i, pr := range projects {
		row := []cell{N(float64(i + 1)), S(pr.name), S(pr.unit), S(pr.leader)}
		row = append(row, pr.nodes[:]...)
		row = append(row, N(pr.total))
		s.add(rBody, row...)
	}
	s.colWidths = map[string]float64{"A": 6, "B": 32, "C": 14, "D": 14, "O": 12}
	for c := 5; c <= 14; c++ {
		s.colWidths[col(c)] = 12
	}
	return s
}

func main() {
	out := flag.String("out", filepath.Join("domain", "plan", "testdata", "sheets"), "directory to write the sheets into")
	flag.Parse()
	if fi, err := os.Stat(*out); err != nil || !fi.IsDir() {
		fmt.Fprintf(os.Stderr, "gen: %s is not a directory; run from the repository root or pass -out\n", *out)
		os.Exit(2)
	}
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(*out, name), data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		fmt.Println("wrote", filepath.Join(*out, name))
	}
	for _, s := range []*sheet{cityAnnualPlan(), districtMonthlyProgress(), annualSummary(true), reverseSchedule()} {
		x, err := s.xlsx()
		if err != nil {
			fmt.Fprintf(os.Stderr, "gen: %s: %v\n", s.file, err)
			os.Exit(1)
		}
		write(s.file+".xlsx", x)
		write(s.file+".csv", s.csv())
	}
	write("bad-missing-unit.csv", annualSummary(false).csv())
}

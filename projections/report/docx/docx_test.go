package docx_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/report/docx"
)

// bulletin is a month's bulletin with something in every section: one
// milestone reached on time and one late, a deadline reached late, one
// open and one revised after it passed, three overdue, two units'
// investment, and a unit with nothing due.
func bulletin() projections.Bulletin {
	d := domain.NewDate
	rate := func(bp int64) *int64 { return &bp }
	return projections.Bulletin{
		Period: projections.Month, From: d(2026, 11, 1), AsOf: d(2026, 11, 30),
		Reached: []projections.ReachedRow{
			{Project: "P-1", Name: "光伏组件项目", Unit: "县工信局", Milestone: domain.MilestoneSigned, Reached: d(2026, 11, 12), Due: d(2026, 11, 20)},
			{Project: "P-2", Name: "城乡供水一体化工程", Unit: "县住建局", Milestone: domain.MilestoneStarted, Reached: d(2026, 11, 25),
				Due: d(2026, 10, 31), DaysLate: 25, DuePrecision: domain.PrecisionMonth},
		},
		Missed: []projections.MissedRow{
			{Project: "P-2", Name: "城乡供水一体化工程", Unit: "县住建局", Milestone: domain.MilestoneStarted, Due: d(2026, 10, 31),
				ReachedOn: d(2026, 11, 25), DaysLate: 25, DuePrecision: domain.PrecisionMonth},
			{Project: "P-3", Name: "冷链物流园", Unit: "县商务局", Milestone: domain.MilestoneEIA, Due: d(2026, 11, 15), DaysLate: 15},
			{Project: "P-4", Name: "学校建设项目", Unit: "县教育局", Milestone: domain.MilestoneConstructionPermit, Due: d(2026, 11, 20),
				RevisedTo: d(2026, 12, 20), DaysLate: 5},
		},
		Overdue: []projections.OverdueRow{
			{Project: "P-5", Name: "石英砂新材料项目", Unit: "县工信局", Milestone: domain.MilestoneFeasibility, Due: d(2026, 3, 31),
				DaysLate: 244, LeaderNow: "李志强", DuePrecision: domain.PrecisionQuarter},
			{Project: "P-6", Name: "纺织品生产项目", Unit: "县工信局", Milestone: domain.MilestoneLand, Due: d(2026, 4, 15), DaysLate: 229, LeaderNow: "孙丽华"},
			{Project: "P-3", Name: "冷链物流园", Unit: "县商务局", Milestone: domain.MilestoneEIA, Due: d(2026, 11, 15), DaysLate: 15, LeaderNow: "陈静"},
		},
		Investment:      []projections.PeriodInvestmentRow{{Unit: "县工信局", Amount: 12_345_678}, {Unit: "县住建局", Amount: 5_000}},
		InvestmentTotal: 12_350_678,
		Units: []projections.UnitRankRow{
			{Rank: 1, Unit: "县工信局", Due: 1, OnTime: 1, RateBP: rate(10000), OverdueNow: 2},
			{Rank: 2, Unit: "县住建局", Due: 1, Late: 1, RateBP: rate(0)},
			{Rank: 3, Unit: "县教育局", Due: 1, Open: 1, RateBP: rate(0)},
			{Rank: 4, Unit: "县商务局", Due: 1, Open: 1, RateBP: rate(0), OverdueNow: 1},
			{Rank: 5, Unit: "县发改局"},
		},
	}
}

var options = docx.Options{
	Issuer:    "XX县重点项目建设工作领导小组办公室",
	DocNumber: "县重点办〔2026〕12号",
	CC:        "县委办，县政府办",
	Projects:  7,
}

// node is an element of a part: its local name, attributes by local
// name, and children in order; text holds a w:t's text.
type node struct {
	name     string
	attr     map[string]string
	children []*node
	text     string
}

// parse reads a part into its tree.
func parse(t *testing.T, part string) *node {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(part))
	root := &node{name: "#root"}
	stack := []*node{root}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		top := stack[len(stack)-1]
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name.Local, attr: map[string]string{}}
			for _, a := range tok.Attr {
				n.attr[a.Name.Local] = a.Value
			}
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			top.text += string(tok)
		}
	}
	return root
}

// all returns the descendants named name, in document order.
func (n *node) all(name string) []*node {
	var out []*node
	for _, c := range n.children {
		if c.name == name {
			out = append(out, c)
		}
		out = append(out, c.all(name)...)
	}
	return out
}

// first returns the first descendant named name, or nil.
func (n *node) first(name string) *node {
	if all := n.all(name); len(all) > 0 {
		return all[0]
	}
	return nil
}

// plain is the text of n: its w:t, a w:br as a line break, and a cell's
// paragraphs one a line.
func (n *node) plain() string {
	var b strings.Builder
	var walk func(*node)
	walk = func(m *node) {
		switch m.name {
		case "t":
			b.WriteString(m.text)
		case "br":
			b.WriteString("\n")
		}
		for _, c := range m.children {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// block is a paragraph or a table of the document's body.
type block struct {
	style, text string
	rows        [][]string // a table's rows, the header first
	headerRows  int        // rows marked w:tblHeader
}

// open unzips a notice and returns its parts by name, in the archive's
// order.
func open(t *testing.T, data []byte) (map[string]string, []string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	parts := map[string]string{}
	var names []string
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		parts[f.Name] = string(b)
		names = append(names, f.Name)
	}
	return parts, names
}

// body reads word/document.xml into its blocks.
func body(t *testing.T, document string) []block {
	t.Helper()
	var out []block
	for _, n := range parse(t, document).first("body").children {
		switch n.name {
		case "p":
			b := block{text: n.plain()}
			if s := n.first("pStyle"); s != nil {
				b.style = s.attr["val"]
			}
			out = append(out, b)
		case "tbl":
			var b block
			for _, tr := range n.all("tr") {
				var row []string
				for _, tc := range tr.all("tc") {
					row = append(row, tc.plain())
				}
				b.rows = append(b.rows, row)
				if tr.first("tblHeader") != nil {
					b.headerRows++
				}
			}
			out = append(out, b)
		}
	}
	return out
}

func encode(t *testing.T, b projections.Bulletin, o docx.Options) (map[string]string, []block) {
	t.Helper()
	data, err := docx.Encode(b, o)
	require.NoError(t, err)
	parts, _ := open(t, data)
	return parts, body(t, parts["word/document.xml"])
}

// styled returns the text of the paragraphs of style.
func styled(blocks []block, style string) []string {
	var out []string
	for _, b := range blocks {
		if b.rows == nil && b.style == style {
			out = append(out, b.text)
		}
	}
	return out
}

func TestNoticeHeadTitleAndSignature(t *testing.T) {
	_, blocks := encode(t, bulletin(), options)
	assert.Equal(t, []string{"XX县重点项目建设工作领导小组办公室"}, styled(blocks, "Issuer"))
	assert.Equal(t, "Issuer", blocks[0].style, "the notice opens with its issuer")
	assert.Equal(t, []string{"县重点办〔2026〕12号"}, styled(blocks, "DocNumber"))
	assert.Equal(t, []string{"关于2026年11月全县重点项目\n推进情况的通报"}, styled(blocks, "DocTitle"))
	assert.Equal(t, []string{"XX县重点项目建设工作领导小组办公室", "二〇二六年十一月三十日"}, styled(blocks, "Signature"))
	assert.Equal(t, []string{"抄送：县委办，县政府办。"}, styled(blocks, "CopyTo"))
	assert.Equal(t, "CopyTo", blocks[len(blocks)-1].style, "抄送 closes the notice")
}

func TestNoticeDefaults(t *testing.T) {
	parts, blocks := encode(t, bulletin(), docx.Options{Title: "关于全县重点项目的通报"})
	assert.Equal(t, []string{docx.DefaultIssuer}, styled(blocks, "Issuer"))
	assert.Equal(t, []string{""}, styled(blocks, "DocNumber"), "no 文号: the line under the heading stays, blank")
	assert.Equal(t, []string{"关于全县重点项目的通报"}, styled(blocks, "DocTitle"))
	assert.Empty(t, styled(blocks, "CopyTo"))
	summary := styled(blocks, "Body")[0]
	assert.True(t, strings.HasPrefix(summary, "截至2026年11月30日，本期"), "without a count of projects the clause is left out: %s", summary)
	core := parse(t, parts["docProps/core.xml"])
	assert.Equal(t, "关于全县重点项目的通报", core.first("title").text)
	assert.Equal(t, docx.DefaultIssuer, core.first("creator").text)
}

// summaryNumbers reads the figures of the summary paragraph.
var summaryNumbers = regexp.MustCompile(`^截至(\d+)年(\d+)月(\d+)日，全县纳入调度的重点项目共(\d+)个，本期（[^）]*）完成节点(\d+)个。` +
	`本期应完成节点(\d+)个，按期完成(\d+)个，逾期完成(\d+)个，逾期未完成(\d+)个；当前逾期未完成节点(\d+)个。本期完成投资([\d.]+)万元。$`)

func TestSummaryCountsTheBulletin(t *testing.T) {
	b := bulletin()
	_, blocks := encode(t, b, options)
	body := styled(blocks, "Body")
	require.NotEmpty(t, body)
	assert.Equal(t, "截至2026年11月30日，全县纳入调度的重点项目共7个，本期（2026年11月1日至30日）完成节点2个。"+
		"本期应完成节点4个，按期完成1个，逾期完成1个，逾期未完成2个；当前逾期未完成节点3个。本期完成投资1235.07万元。", body[0])

	m := summaryNumbers.FindStringSubmatch(body[0])
	require.NotNil(t, m, body[0])
	var due, onTime, late, open int
	for _, u := range b.Units {
		due, onTime, late, open = due+u.Due, onTime+u.OnTime, late+u.Late, open+u.Open
	}
	assert.Equal(t, []string{"2026", "11", "30"}, m[1:4])
	assert.Equal(t, fmt.Sprint(options.Projects), m[4])
	assert.Equal(t, fmt.Sprint(len(b.Reached)), m[5])
	assert.Equal(t, []string{fmt.Sprint(due), fmt.Sprint(onTime), fmt.Sprint(late), fmt.Sprint(open)}, m[6:10])
	assert.Equal(t, len(b.Missed), late+open, "each deadline missed in the period is late or open")
	assert.Equal(t, fmt.Sprint(len(b.Overdue)), m[10])
	assert.Equal(t, fmt.Sprintf("%d.%02d", (b.InvestmentTotal+50)/100/100, (b.InvestmentTotal+50)/100%100), m[11])
	assert.Equal(t, "现将有关情况通报如下：", body[1])
}

// section returns the blocks from the heading to the next heading.
func section(t *testing.T, blocks []block, heading string) []block {
	t.Helper()
	for i, b := range blocks {
		if b.style == "Heading1" && b.text == heading {
			end := i + 1
			for end < len(blocks) && blocks[end].style != "Heading1" && blocks[end].style != "Normal" {
				end++
			}
			return blocks[i+1 : end]
		}
	}
	t.Fatalf("no section %s", heading)
	return nil
}

// table returns the one table of a section.
func table(t *testing.T, blocks []block) block {
	t.Helper()
	for _, b := range blocks {
		if b.rows != nil {
			assert.Equal(t, 1, b.headerRows, "the header row repeats on every page")
			return b
		}
	}
	t.Fatal("the section has no table")
	return block{}
}

func TestSectionsHoldTheBulletinsRows(t *testing.T) {
	_, blocks := encode(t, bulletin(), options)
	assert.Equal(t, []string{"一、本期完成节点", "二、本期未按期完成节点", "三、逾期未完成节点", "四、投资完成情况", "五、单位排名"},
		styled(blocks, "Heading1"))

	assert.Equal(t, [][]string{
		{"序号", "项目名称", "责任单位", "节点", "截止日期", "完成日期"},
		{"1", "光伏组件项目", "县工信局", "签约", "2026-11-20", "2026-11-12"},
		{"2", "城乡供水一体化工程", "县住建局", "开工", "2026年10月", "2026-11-25\n逾期25天"},
	}, table(t, section(t, blocks, "一、本期完成节点")).rows)

	assert.Equal(t, [][]string{
		{"序号", "项目名称", "责任单位", "节点", "截止日期", "逾期\n天数", "完成情况"},
		{"1", "城乡供水一体化工程", "县住建局", "开工", "2026年10月", "25", "2026-11-25完成"},
		{"2", "冷链物流园", "县商务局", "环评", "2026-11-15", "15", "未完成"},
		{"3", "学校建设项目", "县教育局", "施工许可", "2026-11-20", "5", "未完成，已调整至2026-12-20"},
	}, table(t, section(t, blocks, "二、本期未按期完成节点")).rows)

	overdue := section(t, blocks, "三、逾期未完成节点")
	assert.Equal(t, "县工信局（2个）、县商务局（1个）存在逾期未完成节点，请抓紧推进。", overdue[0].text, "the units named, most overdue first")
	assert.Equal(t, [][]string{
		{"序号", "项目名称", "责任单位", "节点", "截止日期", "逾期\n天数", "包保\n领导"},
		{"1", "石英砂新材料项目", "县工信局", "可研", "2026年一季度", "244", "李志强"},
		{"2", "纺织品生产项目", "县工信局", "土地", "2026-04-15", "229", "孙丽华"},
		{"3", "冷链物流园", "县商务局", "环评", "2026-11-15", "15", "陈静"},
	}, table(t, overdue).rows)

	assert.Equal(t, [][]string{
		{"序号", "责任单位", "本期完成投资（万元）"},
		{"1", "县工信局", "1234.57"},
		{"2", "县住建局", "0.50"},
		{"", "合计", "1235.07"},
	}, table(t, section(t, blocks, "四、投资完成情况")).rows)

	units := section(t, blocks, "五、单位排名")
	assert.Equal(t, "按本期节点按期完成率排名（按期完成率相同时，未完成节点少者在前），县工信局排名第一（应完成1个，按期完成1个，按期完成率100.00%），"+
		"县商务局排名末位（应完成1个，按期完成0个，逾期未完成1个，按期完成率0.00%）。", units[0].text)
	assert.Equal(t, [][]string{
		{"排名", "责任单位", "应完成", "按期\n完成", "逾期\n完成", "逾期\n未完成", "按期率", "当前\n逾期"},
		{"1", "县工信局", "1", "1", "0", "0", "100.00%", "2"},
		{"2", "县住建局", "1", "0", "1", "0", "0.00%", "0"},
		{"3", "县教育局", "1", "0", "0", "1", "0.00%", "0"},
		{"4", "县商务局", "1", "0", "0", "1", "0.00%", "1"},
		{"5", "县发改局", "0", "0", "0", "0", "—", "0"},
	}, table(t, units).rows)
	assert.Equal(t, []string{"TableNote", "Chart", "Caption"}, []string{units[len(units)-3].style, units[len(units)-2].style, units[len(units)-1].style},
		"the table's note, then its chart and the chart's caption")
	assert.Contains(t, units[len(units)-3].text, "按期率为“—”的单位本期无应完成节点")
}

func TestEmptySectionsSayNone(t *testing.T) {
	b := projections.Bulletin{Period: projections.Week, From: domain.NewDate(2026, 11, 23), AsOf: domain.NewDate(2026, 11, 25)}
	_, blocks := encode(t, b, docx.Options{Projects: 3})
	for _, h := range []string{"一、本期完成节点", "二、本期未按期完成节点", "三、逾期未完成节点", "四、投资完成情况", "五、单位排名"} {
		s := section(t, blocks, h)
		require.Len(t, s, 1, h)
		assert.Equal(t, block{style: "Body", text: "无。"}, s[0], h)
	}
	assert.Equal(t, []string{"关于2026年11月23日至29日全县重点项目\n推进情况的通报"}, styled(blocks, "DocTitle"))
	assert.Equal(t, "截至2026年11月25日，全县纳入调度的重点项目共3个，本期（2026年11月23日至25日）完成节点0个。"+
		"本期应完成节点0个，按期完成0个，逾期完成0个，逾期未完成0个；当前逾期未完成节点0个。本期完成投资0.00万元。", styled(blocks, "Body")[0])
}

func TestOneUnitRankedIsNamedAlone(t *testing.T) {
	b := bulletin()
	b.Units = b.Units[3:]
	_, blocks := encode(t, b, options)
	assert.Equal(t, "本期仅县商务局有应完成节点（应完成1个，按期完成0个，逾期未完成1个，按期完成率0.00%）。", section(t, blocks, "五、单位排名")[0].text)
}

// style returns the w:style of id in styles.xml.
func style(t *testing.T, styles *node, id string) *node {
	t.Helper()
	for _, s := range styles.all("style") {
		if s.attr["styleId"] == id {
			return s
		}
	}
	t.Fatalf("no style %s", id)
	return nil
}

func TestFontsSizesAndColours(t *testing.T) {
	parts, _ := encode(t, bulletin(), options)
	styles := parse(t, parts["word/styles.xml"])
	defaults := styles.first("rPrDefault")
	assert.Equal(t, "仿宋_GB2312", defaults.first("rFonts").attr["eastAsia"], "the body")
	assert.Equal(t, "32", defaults.first("sz").attr["val"], "三号")
	assert.Equal(t, "200", style(t, styles, "Body").first("ind").attr["firstLineChars"], "two characters' indent")
	for id, font := range map[string]string{"Heading1": "黑体", "DocTitle": "方正小标宋简体", "Issuer": "方正小标宋简体", "TableHeading": "黑体", "Footer": "宋体"} {
		assert.Equal(t, font, style(t, styles, id).first("rFonts").attr["eastAsia"], id)
	}
	assert.Equal(t, "44", style(t, styles, "DocTitle").first("sz").attr["val"], "二号")
	assert.Equal(t, "24", style(t, styles, "TableText").first("sz").attr["val"], "小四")
	assert.Equal(t, "FF0000", style(t, styles, "Issuer").first("color").attr["val"], "the issuer in red")
	assert.Equal(t, "FF0000", style(t, styles, "DocNumber").first("bottom").attr["color"], "the red rule")

	fonts := map[string]string{}
	for _, f := range parse(t, parts["word/fontTable.xml"]).all("font") {
		if alt := f.first("altName"); alt != nil {
			fonts[f.attr["name"]] = alt.attr["val"]
		}
		assert.NotNil(t, f.first("panose1"), f.attr["name"])
	}
	assert.Equal(t, "FangSong_GB2312,仿宋,FangSong,Noto Serif CJK SC", fonts["仿宋_GB2312"])
	assert.Equal(t, "FZXiaoBiaoSong-B05S,小标宋,黑体,SimHei,Noto Sans CJK SC", fonts["方正小标宋简体"])
	assert.Equal(t, "SimHei,Noto Sans CJK SC", fonts["黑体"])
}

func TestPageIsA4WithTheNoticesMarginsAndNumbers(t *testing.T) {
	parts, _ := encode(t, bulletin(), options)
	doc := parse(t, parts["word/document.xml"])
	size := doc.first("pgSz")
	assert.Equal(t, map[string]string{"w": "11906", "h": "16838"}, size.attr, "A4 portrait")
	mar := doc.first("pgMar")
	twips := func(mm float64) string { return fmt.Sprint(int(mm*1440/25.4 + 0.5)) }
	assert.Equal(t, twips(37), mar.attr["top"])
	assert.Equal(t, twips(35), mar.attr["bottom"])
	assert.Equal(t, twips(28), mar.attr["left"])
	assert.Equal(t, twips(26), mar.attr["right"])
	assert.Equal(t, "rId4", doc.first("footerReference").attr["id"])
	assert.Contains(t, parts["word/_rels/document.xml.rels"], `Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"`)

	footer := parse(t, parts["word/footer1.xml"])
	assert.Equal(t, " PAGE ", footer.first("fldSimple").attr["instr"])
	assert.Equal(t, "— 1 —", footer.plain())

	for _, tbl := range doc.all("tbl") {
		rows := tbl.all("tr")
		assert.NotNil(t, rows[0].first("tblHeader"), "the header row repeats")
		for _, tr := range rows {
			assert.NotNil(t, tr.first("cantSplit"), "a row stays on one page")
		}
		assert.NotNil(t, tbl.first("tblBorders").first("insideH"))
		width := 0
		for _, g := range tbl.all("gridCol") {
			var w int
			_, err := fmt.Sscan(g.attr["w"], &w)
			require.NoError(t, err)
			width += w
		}
		assert.Equal(t, 11906-1587-1474, width, "the table fills the text's width")
	}
}

func TestSameBulletinSameBytes(t *testing.T) {
	first, err := docx.Encode(bulletin(), options)
	require.NoError(t, err)
	second, err := docx.Encode(bulletin(), options)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(first, second), "written twice, the same bytes")

	_, names := open(t, first)
	assert.Equal(t, []string{"[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml",
		"word/_rels/document.xml.rels", "word/document.xml", "word/styles.xml", "word/settings.xml", "word/fontTable.xml", "word/footer1.xml",
		"word/charts/chart1.xml"}, names)
	zr, err := zip.NewReader(bytes.NewReader(first), int64(len(first)))
	require.NoError(t, err)
	for _, f := range zr.File {
		assert.Equal(t, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), f.Modified.UTC(), f.Name)
	}
	var buf bytes.Buffer
	require.NoError(t, docx.Write(&buf, bulletin(), options))
	assert.True(t, bytes.Equal(first, buf.Bytes()), "Write writes what Encode returns")

	other := bulletin()
	other.InvestmentTotal += 100 // 0.01 万元 more
	third, err := docx.Encode(other, options)
	require.NoError(t, err)
	assert.False(t, bytes.Equal(first, third), "another bulletin, another file")
}

func TestEveryPartIsWellFormedAndTyped(t *testing.T) {
	data, err := docx.Encode(bulletin(), options)
	require.NoError(t, err)
	parts, names := open(t, data)
	for _, name := range names {
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			parse(t, parts[name])
		}
	}
	types := parts["[Content_Types].xml"]
	for _, name := range names {
		if strings.HasSuffix(name, ".xml") && name != "[Content_Types].xml" {
			assert.Contains(t, types, `PartName="/`+name+`"`, name)
		}
	}
}

func TestRefusesWhatCannotBeANotice(t *testing.T) {
	_, err := docx.Encode(projections.Bulletin{Period: projections.Month}, options)
	assert.ErrorContains(t, err, "no period")
	b := bulletin()
	b.Period = "decade"
	_, err = docx.Encode(b, options)
	assert.ErrorContains(t, err, "period")

	dir := t.TempDir()
	err = docx.File(filepath.Join(dir, "bulletin.doc"), bulletin(), options)
	assert.ErrorContains(t, err, "must end in .docx")
	err = docx.File(filepath.Join(dir, "missing", "bulletin.docx"), bulletin(), options)
	assert.ErrorContains(t, err, "write document")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing written")

	path := filepath.Join(dir, "通报.DOCX")
	require.NoError(t, docx.File(path, bulletin(), options))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	want, err := docx.Encode(bulletin(), options)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, data), "File writes what Encode returns")
}

package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/report"
)

// small is a hand-made table with a value of most kinds, a Chinese name
// with a comma (which CSV must quote) and a missing percentage.
func small() report.Table {
	return report.Table{
		Name:  "small",
		Title: report.Label{EN: "Small", ZH: "小表"},
		Columns: []report.Column{
			{Key: "name", Label: report.Label{EN: "Name", ZH: "项目名称"}, Kind: report.KindText},
			{Key: "light", Label: report.Label{EN: "Light", ZH: "预警"}, Kind: report.KindText},
			{Key: "due", Label: report.Label{EN: "Due", ZH: "截止日期"}, Kind: report.KindDate},
			{Key: "explained", Label: report.Label{EN: "Explained", ZH: "已说明原因"}, Kind: report.KindBool},
			{Key: "rate", Label: report.Label{EN: "Rate", ZH: "按期率"}, Kind: report.KindPercent},
			{Key: "total", Label: report.Label{EN: "Total", ZH: "总投资"}, Kind: report.KindMoney},
		},
		Rows: [][]report.Value{
			{"饲料厂,一期", projections.LightRed, domain.NewDate(2026, 9, 30), true, bp(1234), int64(18_000_000)},
			{`Road "A"`, projections.LightGreen, domain.Date(0), false, (*int64)(nil), int64(12_345)},
		},
	}
}

func TestCSVExact(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, report.CSV(&b, small(), report.ZH, report.CSVOptions{}))
	assert.Equal(t, "项目名称,预警,截止日期,已说明原因,按期率,总投资(万元)\n"+
		"\"饲料厂,一期\",红灯,2026-09-30,是,12.34%,1800\n"+
		"\"Road \"\"A\"\"\",绿灯,,否,,1.2345\n", b.String())

	b.Reset()
	require.NoError(t, report.CSV(&b, small(), report.EN, report.CSVOptions{BOM: true}))
	assert.Equal(t, "\xEF\xBB\xBFName,Light,Due,Explained,Rate,Total (10k yuan)\n"+
		"\"饲料厂,一期\",red,2026-09-30,yes,12.34%,1800\n"+
		"\"Road \"\"A\"\"\",green,,no,,1.2345\n", b.String())
}

func TestCSVNoRows(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, report.CSV(&b, report.OverdueTable(nil), report.EN, report.CSVOptions{}))
	assert.Equal(t, "Project,Name,Unit,Milestone,Due,Baseline,Days late,Revisions,Earlier misses,Explained,Light,Leader then,Leader now\n", b.String())
}

func TestTextAlignsChineseColumns(t *testing.T) {
	tab := report.Table{
		Title: report.Label{EN: "Units", ZH: "单位投资"},
		Columns: []report.Column{
			{Key: "name", Label: report.Label{EN: "Name", ZH: "项目名称"}, Kind: report.KindText},
			{Key: "unit", Label: report.Label{EN: "Unit", ZH: "责任单位"}, Kind: report.KindText},
			{Key: "total", Label: report.Label{EN: "Total", ZH: "总投资"}, Kind: report.KindMoney},
		},
		Rows: [][]report.Value{
			{"年产10万吨饲料项目", "U1", int64(350_000_000)},
			{"Road", "县住建局", int64(12_345)},
			{"物流园（二期）", "Transport", int64(0)},
		},
	}
	for _, lang := range []report.Lang{report.EN, report.ZH} {
		var b bytes.Buffer
		require.NoError(t, report.Text(&b, tab, lang))
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		require.Len(t, lines, 5, b.String())
		assert.Equal(t, tab.Title.In(lang), lines[0])
		body := lines[1:]
		// The unit column starts at the same display column on every
		// line, though the names before it mix wide and narrow characters.
		units := []string{tab.Columns[1].Header(lang), "U1", "县住建局", "Transport"}
		var starts []int
		for i, line := range body {
			idx := strings.Index(line, units[i])
			require.GreaterOrEqual(t, idx, 0, "line %q", line)
			starts = append(starts, runewidth.StringWidth(line[:idx]))
			assert.False(t, strings.HasSuffix(line, " "), "trailing space in %q", line)
		}
		assert.Equal(t, []int{starts[0], starts[0], starts[0], starts[0]}, starts, "%s:\n%s", lang, b.String())
		assert.Equal(t, runewidth.StringWidth("年产10万吨饲料项目")+2, starts[0], "two spaces between columns")
		// The last column is right-aligned, so every line is as wide.
		for _, line := range body {
			assert.Equal(t, runewidth.StringWidth(body[0]), runewidth.StringWidth(line), "%s:\n%s", lang, b.String())
			assert.NotEqual(t, len(body[0]), 0)
		}
		assert.True(t, strings.HasSuffix(body[1], "  35000"), body[1])
		assert.True(t, strings.HasSuffix(body[2], " 1.2345"), body[2])
	}
}

func TestTextExact(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, report.Text(&b, small(), report.EN))
	assert.Equal(t, ""+
		"Small\n"+
		"Name         Light  Due         Explained    Rate  Total (10k yuan)\n"+
		"饲料厂,一期  red    2026-09-30  yes        12.34%              1800\n"+
		`Road "A"     green              no                           1.2345`+"\n", b.String())
}

func TestMarkdown(t *testing.T) {
	var b bytes.Buffer
	tabs := []report.Table{small(), report.OverdueTable(nil)}
	tabs[0].Rows[1][0] = "a|b"
	require.NoError(t, report.Markdown(&b, tabs, report.ZH))
	assert.Equal(t, ""+
		"## 小表\n"+
		"\n"+
		"| 项目名称 | 预警 | 截止日期 | 已说明原因 | 按期率 | 总投资(万元) |\n"+
		"|:--- |:--- |:--- |:--- | ---:| ---:|\n"+
		"| 饲料厂,一期 | 红灯 | 2026-09-30 | 是 | 12.34% | 1800 |\n"+
		"| a\\|b | 绿灯 |  | 否 |  | 1.2345 |\n"+
		"\n"+
		"## 逾期清单\n"+
		"\n"+
		"无。\n", b.String(), "an empty section says so")
}

func TestAnEmptyTableSaysSo(t *testing.T) {
	for lang, want := range map[report.Lang]string{report.ZH: "逾期清单\n无\n", report.EN: "Overdue deadlines\nnone\n"} {
		var b bytes.Buffer
		require.NoError(t, report.Text(&b, report.OverdueTable(nil), lang))
		assert.Equal(t, want, b.String())
	}
}

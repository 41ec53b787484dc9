package plan_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/plan"
)

var templateHeaders = map[plan.Lang][]string{
	plan.EN: {
		"project", "name", "total investment (10k yuan)", "unit", "leader", "township", "kind",
		"negotiating", "signed", "funds received", "registration", "feasibility", "eia", "land", "planning",
		"construction permit", "started", "completed", "commissioned", "full capacity", "reason",
		"industry", "national code",
	},
	plan.ZH: {
		"项目代码", "项目名称", "总投资(万元)", "责任单位", "包保领导", "乡镇", "项目类型",
		"洽谈", "签约", "到资", "注册", "可研", "环评", "土地", "规划许可",
		"施工许可", "开工", "竣工", "投产", "达产", "调整原因",
		"行业", "赋码",
	},
}

// templateRow is the template's example row in lang.
func templateRow(lang plan.Lang) plan.Row {
	r := plan.Row{
		Line: 2, Project: plan.ExampleProject, Name: "Photovoltaic module plant", TotalInvestment: 350_000_000,
		Unit: "County Industry Bureau", Leader: "Li Ming", Township: "Chengguan", Kind: domain.KindNew,
		Industry: "Manufacturing",
		Deadlines: []domain.PlannedDeadline{
			{Milestone: domain.MilestoneSigned, Due: date("2026-03-31")},
			{Milestone: domain.MilestoneEIA, Due: date("2026-05-31")},
			{Milestone: domain.MilestoneLand, Due: date("2026-06-30")},
			{Milestone: domain.MilestoneConstructionPermit, Due: date("2026-07-20")},
			{Milestone: domain.MilestoneStarted, Due: date("2026-07-31")},
			{Milestone: domain.MilestoneCompleted, Due: date("2027-03-31")},
			{Milestone: domain.MilestoneCommissioned, Due: date("2027-06-30")},
		},
	}
	if lang == plan.ZH {
		r.Name, r.Unit, r.Leader, r.Township, r.Industry = "光伏组件生产线项目", "县工信局", "李明", "城关镇", "制造业"
	}
	return r
}

func templateCSV(t testing.TB, lang plan.Lang) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, plan.WriteTemplateCSV(&buf, lang))
	return buf.Bytes()
}

func templateXLSX(t testing.TB, lang plan.Lang) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, plan.WriteTemplateXLSX(&buf, lang))
	return buf.Bytes()
}

// TestTemplateReadsBack: the template in either format and language is a
// valid plan of exactly its example row, under the expected headers.
func TestTemplateReadsBack(t *testing.T) {
	for _, lang := range []plan.Lang{plan.EN, plan.ZH} {
		name := map[plan.Lang]string{plan.EN: "en", plan.ZH: "zh"}[lang]
		read := map[string]func(t *testing.T) plan.Sheet{
			"csv": func(t *testing.T) plan.Sheet {
				data := templateCSV(t, lang)
				assert.Equal(t, "\ufeff", string(data[:3]), "a byte order mark, so Excel opens it as UTF-8")
				s, err := plan.ReadCSV("template.csv", data, plan.EncodingAuto)
				require.NoError(t, err)
				assert.Equal(t, "utf-8", s.Encoding)
				return s
			},
			"xlsx": func(t *testing.T) plan.Sheet {
				s, err := plan.ReadXLSX("template.xlsx", bytes.NewReader(templateXLSX(t, lang)))
				require.NoError(t, err)
				assert.Equal(t, "xlsx", s.Encoding)
				return s
			},
		}
		for format, read := range read {
			t.Run(format+"/"+name, func(t *testing.T) {
				s := read(t)
				assert.Equal(t, templateHeaders[lang], s.Header)
				rows, ps := plan.Rows(s)
				require.Empty(t, texts(ps))
				assert.Equal(t, []plan.Row{templateRow(lang)}, exported(rows))
			})
		}
	}
}

// TestTemplateXLSXCellsAreText: the workbook stores codes and dates as
// text, so Excel does not turn 2026-03-31 into a serial or a code into a
// number, and names its sheet in the template's language.
func TestTemplateXLSXCellsAreText(t *testing.T) {
	for lang, sheet := range map[plan.Lang]string{plan.EN: "plan", plan.ZH: "倒排计划"} {
		f, err := excelize.OpenReader(bytes.NewReader(templateXLSX(t, lang)))
		require.NoError(t, err)
		assert.Equal(t, []string{sheet}, f.GetSheetList())
		for _, cell := range []string{"A2", "I2", "Q2"} {
			typ, err := f.GetCellType(sheet, cell)
			require.NoError(t, err)
			assert.Equal(t, excelize.CellTypeSharedString, typ, cell)
		}
		v, err := f.GetCellValue(sheet, "Q2")
		require.NoError(t, err)
		assert.Equal(t, "2026-07-31", v)
		require.NoError(t, f.Close())
	}
}

// TestTemplateCSVIsOneHeaderAndOneRow: nothing but the two records.
func TestTemplateCSVIsOneHeaderAndOneRow(t *testing.T) {
	for _, lang := range []plan.Lang{plan.EN, plan.ZH} {
		s, err := plan.ReadCSV("template.csv", templateCSV(t, lang), plan.EncodingUTF8)
		require.NoError(t, err)
		require.Len(t, s.Rows, 1)
		assert.Len(t, s.Rows[0], len(templateHeaders[lang]))
	}
}

func TestTheTemplatesExampleRowIsNotImported(t *testing.T) {
	s, err := plan.ReadCSV("template.csv", templateCSV(t, plan.ZH), plan.EncodingAuto)
	require.NoError(t, err)
	rows, ps := plan.Rows(s)
	require.Empty(t, ps)
	_, ps = plan.Diff(s.File, rows[0], domain.Project{}, plan.Options{Actor: "clerk", On: domain.NewDate(2026, 11, 27), Now: time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)})
	require.Len(t, ps, 1)
	assert.Equal(t, "template.csv: row 2, column 项目代码: 'EXAMPLE-DELETE-ME' is the template's example row; delete the row before importing", ps[0].String())
}

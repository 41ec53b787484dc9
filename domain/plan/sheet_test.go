package plan_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/plan"
)

// zhPlan is a Chinese plan as a county office keeps it: two projects, one
// of them continuing, with a reason cell.
var zhPlan = [][]string{
	{"项目代码", "项目名称", "总投资(万元)", "责任单位", "包保领导", "乡镇", "项目类型", "签约", "环评", "开工", "竣工", "调整原因"},
	{"2026-361102-38-01-000017", "光伏组件生产线项目", "35000", "县工信局", "李明", "城关镇", "新建", "2026-03-31", "2026-05-31", "2026-07-31", "2027-03-31", ""},
	{"P-12", "冷链物流园", "8600.5", "县商务局", "王强", "", "续建", "", "", "", "2027-06-30", "土地未摘牌"},
}

// zhRows are the rows zhPlan says.
var zhRows = []plan.Row{
	{
		Line: 2, Project: "2026-361102-38-01-000017", Name: "光伏组件生产线项目", TotalInvestment: 350_000_000,
		Unit: "县工信局", Leader: "李明", Township: "城关镇", Kind: domain.KindNew,
		Deadlines: []domain.PlannedDeadline{
			{Milestone: domain.MilestoneSigned, Due: date("2026-03-31")},
			{Milestone: domain.MilestoneEIA, Due: date("2026-05-31")},
			{Milestone: domain.MilestoneStarted, Due: date("2026-07-31")},
			{Milestone: domain.MilestoneCompleted, Due: date("2027-03-31")},
		},
	},
	{
		Line: 3, Project: "P-12", Name: "冷链物流园", TotalInvestment: 86_005_000, Unit: "县商务局", Leader: "王强",
		Kind: domain.KindContinuing, Reason: "土地未摘牌",
		Deadlines: []domain.PlannedDeadline{{Milestone: domain.MilestoneCompleted, Due: date("2027-06-30")}},
	},
}

func gb18030(t testing.TB, b []byte) []byte {
	t.Helper()
	out, err := simplifiedchinese.GB18030.NewEncoder().Bytes(b)
	require.NoError(t, err)
	return out
}

// TestReadCSVEncodings: the same plan in UTF-8 (with and without a byte
// order mark) and in GB18030 (as Chinese Excel saves CSV) reads the same.
func TestReadCSVEncodings(t *testing.T) {
	utf8Plan := csvBytes(t, zhPlan)
	gbPlan := gb18030(t, utf8Plan)
	require.NotEqual(t, utf8Plan, gbPlan, "the test needs bytes that differ between the encodings")
	cases := []struct {
		name     string
		data     []byte
		enc      plan.Encoding
		encoding string
	}{
		{"utf-8, auto", utf8Plan, plan.EncodingAuto, "utf-8"},
		{"utf-8 with BOM, auto", append([]byte("\xef\xbb\xbf"), utf8Plan...), plan.EncodingAuto, "utf-8"},
		{"utf-8, explicit", utf8Plan, plan.EncodingUTF8, "utf-8"},
		{"utf-8 with BOM, explicit", append([]byte("\xef\xbb\xbf"), utf8Plan...), plan.EncodingUTF8, "utf-8"},
		{"gb18030, auto", gbPlan, plan.EncodingAuto, "gb18030"},
		{"gb18030, explicit", gbPlan, plan.EncodingGB18030, "gb18030"},
		{"gb18030 via --encoding gbk", gbPlan, mustEncoding(t, "GBK"), "gb18030"},
		{"gb18030 with CRLF line ends", gb18030(t, bytes.ReplaceAll(utf8Plan, []byte("\n"), []byte("\r\n"))), plan.EncodingAuto, "gb18030"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := plan.ReadCSV(file, tc.data, tc.enc)
			require.NoError(t, err)
			assert.Equal(t, file, s.File)
			assert.Equal(t, tc.encoding, s.Encoding)
			assert.Equal(t, zhPlan[0], s.Header, "the header has no byte order mark and no mojibake")
			assert.Equal(t, zhPlan[1:], s.Rows)
			rows, ps := plan.Rows(s)
			require.Empty(t, texts(ps))
			assert.Equal(t, zhRows, exported(rows))
		})
	}
}

func mustEncoding(t testing.TB, s string) plan.Encoding {
	t.Helper()
	e, err := plan.ParseEncoding(s)
	require.NoError(t, err)
	return e
}

// TestReadCSVWrongEncoding: GB18030 bytes read as UTF-8 are refused with a
// hint, not turned into mojibake.
func TestReadCSVWrongEncoding(t *testing.T) {
	_, err := plan.ReadCSV(file, gb18030(t, csvBytes(t, zhPlan)), plan.EncodingUTF8)
	require.Error(t, err)
	assert.Equal(t, "plan.csv: not valid UTF-8; if Excel saved it, try --encoding gb18030", err.Error())
}

// TestReadCSVNotCSV: a broken quote is one error for the file.
func TestReadCSVNotCSV(t *testing.T) {
	_, err := plan.ReadCSV(file, []byte("project,name\n\"P-1,x\n"), plan.EncodingAuto)
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "plan.csv: not a CSV file: "), err.Error())
}

func TestParseEncoding(t *testing.T) {
	cases := []struct {
		in   string
		want plan.Encoding
		err  string
	}{
		{in: "auto", want: plan.EncodingAuto},
		{in: "utf-8", want: plan.EncodingUTF8},
		{in: "UTF-8", want: plan.EncodingUTF8},
		{in: "gb18030", want: plan.EncodingGB18030},
		{in: "GB18030", want: plan.EncodingGB18030},
		{in: "gbk", want: plan.EncodingGB18030},
		{in: "GBK", want: plan.EncodingGB18030},
		{in: "latin1", err: `encoding "latin1" is unknown; expected auto, utf-8 or gb18030`},
		{in: "", err: `encoding "" is unknown; expected auto, utf-8 or gb18030`},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := plan.ParseEncoding(tc.in)
			if tc.err != "" {
				require.Error(t, err)
				assert.Equal(t, tc.err, err.Error())
				assert.Empty(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// excelSerial is the number Excel stores for a date (days since
// 1899-12-30).
func excelSerial(t testing.TB, s string) int {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	require.NoError(t, err)
	return int(d.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

// workbook writes records as an .xlsx: the header and text as text cells,
// amounts as numbers, and the cells of dateColumns as real date cells (a
// serial number formatted as a date, as Excel stores a typed date).
func workbook(t testing.TB, records [][]string, dateColumns map[int]bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	const sheet = "Sheet1"
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	require.NoError(t, err)
	for r, row := range records {
		for c, v := range row {
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			require.NoError(t, err)
			switch {
			case v == "":
			case r > 0 && dateColumns[c]:
				require.NoError(t, f.SetCellInt(sheet, cell, int64(excelSerial(t, v))))
				require.NoError(t, f.SetCellStyle(sheet, cell, cell, dateStyle))
			case r > 0 && isNumber(v):
				n, err := strconv.ParseFloat(v, 64)
				require.NoError(t, err)
				require.NoError(t, f.SetCellFloat(sheet, cell, n, -1, 64))
			default:
				require.NoError(t, f.SetCellStr(sheet, cell, v))
			}
		}
	}
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf))
	return buf.Bytes()
}

func isNumber(v string) bool {
	_, err := strconv.ParseFloat(v, 64)
	return err == nil
}

// TestReadXLSXMatchesCSV: a workbook with typed dates and numbers gives the
// rows of the same plan saved as UTF-8 CSV.
func TestReadXLSXMatchesCSV(t *testing.T) {
	dates := map[int]bool{7: true, 8: true, 9: true, 10: true}
	data := workbook(t, zhPlan, dates)

	// The date cells really are numbers formatted as dates.
	f, err := excelize.OpenReader(bytes.NewReader(data))
	require.NoError(t, err)
	raw, err := f.GetCellValue("Sheet1", "J2", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	assert.Equal(t, strconv.Itoa(excelSerial(t, "2026-07-31")), raw)
	assert.Equal(t, "46234", raw)
	shown, err := f.GetCellValue("Sheet1", "J2")
	require.NoError(t, err)
	assert.NotEqual(t, "2026-07-31", shown, "Excel shows a date cell in its own format, not as the plan writes it")
	require.NoError(t, f.Close())

	s, err := plan.ReadXLSX("plan.xlsx", bytes.NewReader(data))
	require.NoError(t, err)
	assert.Equal(t, "xlsx", s.Encoding)
	assert.Equal(t, "plan.xlsx", s.File)
	assert.Equal(t, zhPlan[0], s.Header)
	assert.Equal(t, "46234", s.Rows[0][9], "the sheet keeps the stored serial; the row checks read it as a date")

	fromXLSX, ps := plan.Rows(s)
	require.Empty(t, texts(ps))
	fromCSV, ps := plan.Rows(sheetOf(t, zhPlan[0], zhPlan[1:]...))
	require.Empty(t, texts(ps))
	assert.Equal(t, exported(fromCSV), exported(fromXLSX))
	assert.Equal(t, zhRows, exported(fromXLSX))
	assert.Equal(t, "2026-07-31", fromXLSX[0].Deadlines[2].Due.String())
}

// TestReadXLSXProblems: workbook cells are checked like CSV cells, and a
// number that is no date serial is named as written.
func TestReadXLSXProblems(t *testing.T) {
	records := [][]string{
		{"project", "name", "total investment (yuan)", "unit", "leader", "started", "completed"},
		{"P-1", "Plant", "100.5", "Bureau", "Li", "0.5", "3000000"},
		{"P-2", "Plant", "100", "Bureau", "Li", "46234.75", "2026-7-31"}, // a day without its leading zeros is a day
	}
	s, err := plan.ReadXLSX("plan.xlsx", bytes.NewReader(workbook(t, records, nil)))
	require.NoError(t, err)
	rows, ps := plan.Rows(s)
	assert.Nil(t, rows)
	assert.Equal(t, []string{
		"plan.xlsx: row 2, column total investment (yuan): '100.5' is not an amount; expected whole yuan (元), e.g. 350000000, or with its unit, e.g. 3.5亿",
		"plan.xlsx: row 2, column started: '0.5' is not a date; " + expectedDate,
		"plan.xlsx: row 2, column completed: '3000000' is not a date; " + expectedDate,
	}, texts(ps))
}

// TestReadXLSXDateWithTime: a date-time cell is its date.
func TestReadXLSXDateWithTime(t *testing.T) {
	records := [][]string{
		{"project", "name", "total investment (yuan)", "unit", "leader", "started"},
		{"P-1", "Plant", "100", "Bureau", "Li", "46234.75"},
	}
	s, err := plan.ReadXLSX("plan.xlsx", bytes.NewReader(workbook(t, records, nil)))
	require.NoError(t, err)
	rows, ps := plan.Rows(s)
	require.Empty(t, texts(ps))
	require.Len(t, rows, 1)
	assert.Equal(t, []domain.PlannedDeadline{{Milestone: domain.MilestoneStarted, Due: date("2026-07-31")}}, rows[0].Deadlines)
}

func TestReadXLSXErrors(t *testing.T) {
	_, err := plan.ReadXLSX("plan.xlsx", bytes.NewReader(csvBytes(t, zhPlan)))
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "plan.xlsx: not an Excel .xlsx workbook: "), err.Error())

	_, err = plan.ReadXLSX("plan.xlsx", bytes.NewReader(workbook(t, nil, nil)))
	require.Error(t, err)
	assert.Equal(t, "plan.xlsx: the file is empty; expected a header row and one row per project", err.Error())
}

func TestRowsNameTheFileLineWhenACSVHasEmptyLines(t *testing.T) {
	data := "项目代码,项目名称,总投资(万元),责任单位,包保领导,开工\n\nP-1,水厂,500,县水利局,王强,2026-05-01\n\n\nP-2,路,500,县交通局,李明,2010-4-31\n"
	s, err := plan.ReadCSV("plan.csv", []byte(data), plan.EncodingAuto)
	require.NoError(t, err)
	_, problems := plan.Rows(s)
	require.Len(t, problems, 1)
	assert.Equal(t, "plan.csv: row 6, column 开工: '2010-4-31' is not a date; "+expectedDate, problems[0].String())
}

func TestXLSXNumbersOutsidePlausibleDatesAreNotDates(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	require.NoError(t, f.SetSheetRow("Sheet1", "A1", &[]any{"项目代码", "项目名称", "总投资(万元)", "责任单位", "包保领导", "签约", "开工"}))
	require.NoError(t, f.SetSheetRow("Sheet1", "A2", &[]any{"P-1", "水厂", 500, "县水利局", "王强", 2026, 3.31}))
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf))
	s, err := plan.ReadXLSX("plan.xlsx", &buf)
	require.NoError(t, err)
	_, ps := plan.Rows(s)
	require.Len(t, ps, 2)
	assert.Equal(t, "plan.xlsx: row 2, column 签约: '2026' is not a date; "+expectedDate, ps[0].String())
	assert.Equal(t, "plan.xlsx: row 2, column 开工: '3.31' is not a date; "+expectedDate, ps[1].String())
}

// TestReadXLSXMonthNumbers: a month typed 2026.10 is the number 2026.1 in
// the workbook; shown with two decimals it is October, shown as 2026.1 it
// is January and the row says to check it.
func TestReadXLSXMonthNumbers(t *testing.T) {
	f := excelize.NewFile()
	const sheet = "Sheet1"
	for c, h := range []string{"项目代码", "项目名称", "总投资(万元)", "责任单位", "包保领导", "开工", "竣工"} {
		cell, err := excelize.CoordinatesToCellName(c+1, 1)
		require.NoError(t, err)
		require.NoError(t, f.SetCellStr(sheet, cell, h))
	}
	for c, v := range []string{"P-1", "光伏项目", "3500", "县工信局", "李明"} {
		cell, err := excelize.CoordinatesToCellName(c+1, 2)
		require.NoError(t, err)
		require.NoError(t, f.SetCellStr(sheet, cell, v))
	}
	twoDecimals, err := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	require.NoError(t, err)
	require.NoError(t, f.SetCellFloat(sheet, "F2", 2026.1, -1, 64))
	require.NoError(t, f.SetCellStyle(sheet, "F2", "F2", twoDecimals))
	require.NoError(t, f.SetCellFloat(sheet, "G2", 2027.1, -1, 64))
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf))

	s, err := plan.ReadXLSX("plan.xlsx", bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	rows, ps := plan.Rows(s)
	require.Empty(t, texts(ps))
	require.Len(t, rows, 1)
	assert.Equal(t, []domain.PlannedDeadline{
		{Milestone: domain.MilestoneStarted, Due: domain.NewDate(2026, 10, 31), Precision: domain.PrecisionMonth},
		{Milestone: domain.MilestoneCompleted, Due: domain.NewDate(2027, 1, 31), Precision: domain.PrecisionMonth},
	}, rows[0].Deadlines)
	assert.Equal(t, []string{"竣工 '2027.1': read as 2027年1月; Excel keeps a month typed 2027.10 as 2027.1, so check it"}, rows[0].Notes)
}

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/testday"
	"github.com/keyprojects/ledger/projections"
)

// The county sheets of domain/plan/testdata/sheets imported through the
// CLI, each checked by what the ledger stored. The cli runs on the day the
// tests run as (testday, LEDGER_TEST_TODAY), so what depends on today (a
// deadline already past) is computed from the clock.

// countySheet is the path of one of the test sheets.
func countySheet(name string) string {
	return filepath.Join("..", "..", "domain", "plan", "testdata", "sheets", name)
}

// newSheetCLI is a cli standing on the day the tests run as.
func newSheetCLI(t *testing.T) *cli {
	c := newCLI(t)
	c.clock = testday.Clock(t)
	return c
}

// sheetToday is the cli's today in the project time zone.
func sheetToday(t *testing.T, c *cli) domain.Date {
	return domain.DateOf(c.clock.Now(), testday.Zone(t))
}

func day(t *testing.T, s string) domain.Date {
	t.Helper()
	d, err := domain.ParseDate(s)
	require.NoError(t, err)
	return d
}

// statusRows is `status --json`: one row per registered project.
func (c *cli) statusRows() []projections.StatusRow {
	c.t.Helper()
	var rows []projections.StatusRow
	require.NoError(c.t, json.Unmarshal([]byte(c.ok("status", "--json")), &rows))
	return rows
}

// projectIDs is every registered project, by name.
func (c *cli) projectIDs() map[string]string {
	c.t.Helper()
	out := map[string]string{}
	for _, r := range c.statusRows() {
		out[r.Name] = string(r.Project)
	}
	return out
}

// wantDeadline is a deadline the ledger should hold.
type wantDeadline struct {
	m         domain.Milestone
	due       string
	precision domain.Precision
}

func assertDeadlines(t *testing.T, p domain.Project, want []wantDeadline, absent ...domain.Milestone) {
	t.Helper()
	for _, w := range want {
		dl := p.Deadlines[w.m]
		if !assert.NotNil(t, dl, "%s %s: no %s deadline in %v", p.ID, p.Name, w.m, p.Deadlines) {
			continue
		}
		assert.Equal(t, day(t, w.due), dl.Due, "%s %s: %s due", p.ID, p.Name, w.m)
		assert.Equal(t, w.precision, dl.Precision, "%s %s: %s precision", p.ID, p.Name, w.m)
		assert.Equal(t, day(t, w.due), dl.Baseline, "%s %s: %s baseline", p.ID, p.Name, w.m)
		assert.Equal(t, w.precision, dl.BaselinePrecision, "%s %s: %s baseline precision", p.ID, p.Name, w.m)
	}
	for _, m := range absent {
		assert.Nil(t, p.Deadlines[m], "%s %s: no %s deadline expected", p.ID, p.Name, m)
	}
}

// storedEventsOf is the stored events of project id, as ledgerEvents gives them,
// without the hash.
func storedEventsOf(t *testing.T, c *cli, id string) []string {
	t.Helper()
	var out []string
	for _, e := range ledgerEvents(t, c.dir)[domain.ProjectID(id)] {
		out = append(out, e[:strings.LastIndex(e, " ")])
	}
	return out
}

var (
	localID     = regexp.MustCompile(`^XM-[0-9A-F]{10}$`)
	pastWarning = regexp.MustCompile(`warning: (\S+) is due (\S+), already past on (\d{4}-\d{2}-\d{2}): it will be reported missed unless it is reached`)
	pastSummary = regexp.MustCompile(`(\d+) deadlines? (?:listed above are|stored were) already past`)
)

// TestCountySheetLayoutsImportFromCSVAndXLSX imports each plan layout from
// its .csv and from its .xlsx and checks what the ledger stored; the twin
// imported after stores nothing.
func TestCountySheetLayoutsImportFromCSVAndXLSX(t *testing.T) {
	cases := []struct {
		layout string
		check  func(t *testing.T, c *cli)
	}{
		{"city-annual-plan", checkCityAnnualPlan},
		{"reverse-schedule-no-code", checkReverseSchedule},
		{"annual-summary-quarters", checkAnnualSummary},
		{"district-monthly-progress", checkDistrictPlan},
	}
	for _, tc := range cases {
		for _, ext := range []string{".csv", ".xlsx"} {
			t.Run(tc.layout+ext, func(t *testing.T) {
				c := newSheetCLI(t)
				out := c.ok("import", "plan", countySheet(tc.layout+ext))
				assert.Contains(t, out, "imported "+tc.layout+ext)
				tc.check(t, c)

				// Every deadline stored already past today was warned of.
				past := 0
				for _, r := range c.statusRows() {
					for _, dl := range c.projectState(string(r.Project)).Deadlines {
						if dl.Due < sheetToday(t, c) {
							past++
						}
					}
				}
				if m := pastSummary.FindStringSubmatch(out); past > 0 && assert.NotNil(t, m, out) {
					assert.Equal(t, strconv.Itoa(past), m[1], out)
				} else if past == 0 {
					assert.Nil(t, m, out)
				}

				twin := ".xlsx"
				if ext == ".xlsx" {
					twin = ".csv"
				}
				before := c.msgCount()
				out = c.ok("import", "plan", countySheet(tc.layout+twin))
				assert.Contains(t, out, " 0 new projects, 0 changed,")
				assert.Equal(t, before, c.msgCount(), "the %s twin stores nothing after the %s", twin, ext)
				tc.check(t, c)
			})
		}
	}
}

func checkCityAnnualPlan(t *testing.T, c *cli) {
	ids := c.projectIDs()
	want := []string{"20263601", "20263602", "20263603", "20263609", "20263610", "20263611", "20263615", "20263616"}
	var got []string
	for _, id := range ids {
		got = append(got, id)
	}
	assert.ElementsMatch(t, want, got, "the numeric 项目编号 are the ids; the 合计 and category rows are not projects")
	for name := range ids {
		assert.NotContains(t, []string{"合计", "一、交通基础设施", "二、社会事业", "三、生态环保"}, name)
	}

	p := c.projectState("20263601")
	assert.Equal(t, "XX市绕城公路东段改建工程", p.Name)
	assert.Equal(t, int64(862_000_000), p.TotalInvestment, "8.62亿 in a 万元 column")
	assert.Equal(t, "市交通运输局", p.Unit)
	assert.Equal(t, "李明 副市长", p.Leader)
	assert.Equal(t, map[int]int64{2026: 300_000_000}, p.AnnualPlan, "年度计划投资 30000万")
	assertDeadlines(t, p, []wantDeadline{
		{domain.MilestoneStarted, "2025-03-31", domain.PrecisionMonth},
		{domain.MilestoneCompleted, "2026-12-31", domain.PrecisionMonth},
	}, domain.MilestoneFeasibility) // 工可 已批复: reached, no date
	assert.Empty(t, p.Steps, "已批复 stores no step")
	assert.Contains(t, storedEventsOf(t, c, "20263601"), "milestone_planned started due 2025年3月 (2025-03-31)")

	p = c.projectState("20263602")
	assert.Equal(t, int64(423_500_000), p.TotalInvestment)
	assert.Equal(t, map[int]int64{2026: 150_000_000}, p.AnnualPlan)
	assertDeadlines(t, p, []wantDeadline{
		{domain.MilestoneFeasibility, "2026-03-31", domain.PrecisionMonth}, // 2026年3月
		{domain.MilestoneStarted, "2026-01-31", domain.PrecisionMonth},     // 2026.01-2027.06
		{domain.MilestoneCompleted, "2027-06-30", domain.PrecisionMonth},
	})

	p = c.projectState("20263603")
	assertDeadlines(t, p, []wantDeadline{
		{domain.MilestoneStarted, "2026-03-31", domain.PrecisionMonth},
		{domain.MilestoneCompleted, "2027-12-31", domain.PrecisionMonth},
	}, domain.MilestoneFeasibility) // 工可 正在办理

	p = c.projectState("20263610")
	assert.Equal(t, int64(325_005_000), p.TotalInvestment, "32500.5万")
	assert.Equal(t, map[int]int64{2026: 120_000_000}, p.AnnualPlan)

	p = c.projectState("20263611")
	assert.Equal(t, "城市社区嵌入式服务设施建设项目（一期）", p.Name)
	assert.Equal(t, map[int]int64{2026: 98_000_000}, p.AnnualPlan)
	assertDeadlines(t, p, []wantDeadline{
		{domain.MilestoneFeasibility, "2026-04-30", domain.PrecisionMonth}, // 2026.04
		{domain.MilestoneStarted, "2026-04-30", domain.PrecisionMonth},
		{domain.MilestoneCompleted, "2026-12-31", domain.PrecisionMonth},
	})
}

func checkReverseSchedule(t *testing.T, c *cli) {
	ids := c.projectIDs()
	require.Len(t, ids, 8)
	for name, id := range ids {
		assert.Regexp(t, localID, id, "%s has no code: a local id", name)
	}
	id := ids["ＸＸ县　污水处理厂提标改造"]
	require.NotEmpty(t, id, "the name as the sheet writes it, full-width letters and space: %v", ids)
	p := c.projectState(id)
	assert.Equal(t, int64(86_000_000), p.TotalInvestment)
	assert.Equal(t, "县住建局", p.Unit)
	assert.Equal(t, "王建国 副县长", p.Leader)
	assertDeadlines(t, p, []wantDeadline{
		{domain.MilestoneFeasibility, "2026-02-28", domain.PrecisionDay},
		{domain.MilestoneEIA, "2026-03-15", domain.PrecisionDay},
		{domain.MilestonePlanning, "2026-04-15", domain.PrecisionDay},
		{domain.MilestoneConstructionPermit, "2026-04-30", domain.PrecisionDay},
		{domain.MilestoneStarted, "2026-05-10", domain.PrecisionDay},
		{domain.MilestoneCompleted, "2026-12-31", domain.PrecisionDay},
		{domain.MilestoneCommissioned, "2027-01-31", domain.PrecisionDay},
	}, domain.MilestoneLand, domain.MilestoneSigned)

	p = c.projectState(ids["年产5000吨新能源电池材料项目"])
	assertDeadlines(t, p, []wantDeadline{
		{domain.MilestoneSigned, "2026-02-28", domain.PrecisionDay},
		{domain.MilestoneFeasibility, "2026-04-30", domain.PrecisionMonth}, // 2026年4月
		{domain.MilestoneEIA, "2026-04-30", domain.PrecisionDay},
		{domain.MilestoneLand, "2026-05-31", domain.PrecisionMonth},
		{domain.MilestoneConstructionPermit, "2026-06-30", domain.PrecisionMonth},
		{domain.MilestoneStarted, "2026-06-30", domain.PrecisionMonth},
		{domain.MilestoneCompleted, "2027-06-30", domain.PrecisionDay},
		{domain.MilestoneCommissioned, "2027-09-30", domain.PrecisionDay},
	})
}

func checkAnnualSummary(t *testing.T, c *cli) {
	ids := c.projectIDs()
	require.Len(t, ids, 9, "the 小计 row and the empty row are not projects: %v", ids)
	assert.NotContains(t, ids, "小计")
	for name, id := range ids {
		assert.Regexp(t, localID, id, name)
	}
	cases := []struct {
		name   string
		want   []wantDeadline
		absent []domain.Milestone
	}{
		{"县城区供水管网改造提升工程", []wantDeadline{
			{domain.MilestoneStarted, "2026-03-31", domain.PrecisionMonth},  // 2026年3月
			{domain.MilestoneCompleted, "2026-12-31", domain.PrecisionYear}, // 年底
		}, nil},
		{"省道S218线青山至石桥段改建工程", []wantDeadline{
			{domain.MilestoneStarted, "2026-03-31", domain.PrecisionMonth}, // 3月底, the title's year
			{domain.MilestoneCompleted, "2027-06-30", domain.PrecisionMonth},
		}, nil},
		{"县人民医院门诊综合楼建设项目", []wantDeadline{
			{domain.MilestoneStarted, "2026-02-28", domain.PrecisionMonth},
			{domain.MilestoneCompleted, "2026-06-30", domain.PrecisionHalf}, // 上半年
		}, nil},
		{"XX县污水处理厂提标改造", []wantDeadline{
			{domain.MilestoneStarted, "2026-06-30", domain.PrecisionHalf},
			{domain.MilestoneCompleted, "2026-12-31", domain.PrecisionYear},
		}, nil},
		{"县域数字经济产业园建设项目", []wantDeadline{
			{domain.MilestoneStarted, "2026-12-31", domain.PrecisionYear},
		}, []domain.Milestone{domain.MilestoneCompleted}},
	}
	for _, tc := range cases {
		id := ids[tc.name]
		require.NotEmpty(t, id, "%s in %v", tc.name, ids)
		p := c.projectState(id)
		assertDeadlines(t, p, tc.want, tc.absent...)
		assert.Empty(t, p.Steps, "%s: a plan import records no step (开工时间/完工时间 are for import progress)", tc.name)
	}
	events := storedEventsOf(t, c, ids["县人民医院门诊综合楼建设项目"])
	assert.Contains(t, events, "milestone_planned completed due 2026年上半年 (2026-06-30)", "the event carries the precision")
	assert.Contains(t, events, "milestone_planned started due 2026年2月 (2026-02-28)")
	assert.Contains(t, storedEventsOf(t, c, ids["县城区供水管网改造提升工程"]), "milestone_planned completed due 2026年 (2026-12-31)")
}

func checkDistrictPlan(t *testing.T, c *cli) {
	ids := c.projectIDs()
	require.Len(t, ids, 8)
	assert.Equal(t, "2025-361102-47-01-003561", ids["XX新区科创中心一期建设项目"])
	assert.Regexp(t, localID, ids["新区人民医院建设项目"], "an empty 项目代码: a local id")
	p := c.projectState("2025-361102-47-01-003561")
	assert.Equal(t, int64(1_250_000_000), p.TotalInvestment, "12.5 in a 亿元 column")
	assert.Equal(t, map[int]int64{2026: 320_000_000}, p.AnnualPlan)
	assert.Equal(t, "周海涛", p.Leader, "责任人 read as the leader")
	assert.Empty(t, p.Investment, "a plan import stores no monthly investment")
	assert.Empty(t, p.Progress)
}

// TestCountySheetQuarterDeadlines: a quarter, with or without the year,
// is stored at quarter precision on the quarter's last day.
func TestCountySheetQuarterDeadlines(t *testing.T) {
	c := newSheetCLI(t)
	path := filepath.Join(t.TempDir(), "quarters.csv")
	require.NoError(t, os.WriteFile(path, []byte("\ufeffXX县2026年重点项目推进情况汇总表,,,,,,\r\n"+
		"序号,项目名称,总投资（万元）,计划开工时间,计划竣工时间,责任单位,包保领导\r\n"+
		"1,县一号项目,12800,二季度,2027年一季度,县住建局,王建国\r\n"+
		"2,县二号项目,6500,2026年三季度,四季度,县住建局,王建国\r\n"), 0o644))
	c.ok("import", "plan", path)
	ids := c.projectIDs()
	assertDeadlines(t, c.projectState(ids["县一号项目"]), []wantDeadline{
		{domain.MilestoneStarted, "2026-06-30", domain.PrecisionQuarter},
		{domain.MilestoneCompleted, "2027-03-31", domain.PrecisionQuarter},
	})
	assertDeadlines(t, c.projectState(ids["县二号项目"]), []wantDeadline{
		{domain.MilestoneStarted, "2026-09-30", domain.PrecisionQuarter},
		{domain.MilestoneCompleted, "2026-12-31", domain.PrecisionQuarter},
	})
	assert.Contains(t, storedEventsOf(t, c, ids["县一号项目"]), "milestone_planned started due 2026年二季度 (2026-06-30)")
}

// TestCountySheetLocalIDsFollowTheFoldedName: the reverse schedule's
// full-width name and the summary's half-width one are one project.
func TestCountySheetLocalIDsFollowTheFoldedName(t *testing.T) {
	for _, ext := range []string{".csv", ".xlsx"} {
		t.Run(ext, func(t *testing.T) {
			reverse, summary := newSheetCLI(t), newSheetCLI(t)
			reverse.ok("import", "plan", countySheet("reverse-schedule-no-code"+ext))
			summary.ok("import", "plan", countySheet("annual-summary-quarters"+ext))
			r, s := reverse.projectIDs(), summary.projectIDs()
			for full, half := range map[string]string{
				"ＸＸ县　污水处理厂提标改造":     "XX县污水处理厂提标改造",
				"县工业园区标准厂房(三期)建设项目": "县工业园区标准厂房（三期）建设项目",
			} {
				require.NotEmpty(t, r[full], "%s in %v", full, r)
				assert.Equal(t, r[full], s[half], "%s and %s", full, half)
			}

			// In one ledger a row written with the half-width name finds the
			// project of the full-width one, and is the same project: a
			// sheet that says what the ledger holds stores nothing.
			path := filepath.Join(t.TempDir(), "summary-rows.csv")
			require.NoError(t, os.WriteFile(path, []byte("\ufeffXX县2026年重点项目推进情况汇总表,,,,\r\n"+
				"序号,项目名称,总投资（万元）,责任单位,包保领导\r\n"+
				"1,XX县污水处理厂提标改造,8600,县住建局,王建国 副县长\r\n"+
				"2,县工业园区标准厂房（三期）建设项目,18900,县工信局,李志强 副县长\r\n"), 0o644))
			before := reverse.msgCount()
			code, out, errs := reverse.run("import", "plan", "--dry-run", path)
			require.Zero(t, code, "a row matched by its folded name is the project it matched: %s", errs)
			assert.Contains(t, out, "no project code: matched by name to "+r["ＸＸ县　污水处理厂提标改造"])
			assert.Contains(t, out, "no project code: matched by name to "+r["县工业园区标准厂房(三期)建设项目"])
			code, out, errs = reverse.run("import", "plan", path)
			assert.Zero(t, code, errs)
			assert.Contains(t, out, "2 rows, 0 new projects, 0 changed, 2 unchanged; 0 events stored")
			assert.Equal(t, before, reverse.msgCount())
			assert.Len(t, reverse.projectIDs(), 8, "no second project")
		})
	}
}

// TestCountySheetStateWordsAreNotesOfTheDryRun: 已完成, 已批复 and 正在办理
// store nothing for their cell and are said in the dry run.
func TestCountySheetStateWordsAreNotesOfTheDryRun(t *testing.T) {
	for _, ext := range []string{".csv", ".xlsx"} {
		t.Run(ext, func(t *testing.T) {
			c := newSheetCLI(t)
			out := c.ok("import", "plan", "--dry-run", countySheet("annual-summary-quarters"+ext))
			assert.Contains(t, out, "read: row 7 skipped: a total row (小计)")
			assert.Contains(t, out, "note: 完工时间 '已完成': reached, the sheet gives no date; nothing stored")
			assert.Contains(t, out, "note: 开工时间 '2026-05': reached in 2026年5月, the sheet gives no day; nothing stored")
			assert.Contains(t, out, "started reached 2026-03-18 (开工时间): stored by ledger import progress, not by the plan")
			assert.Zero(t, c.msgCount(), "a dry run stores nothing")

			out = c.ok("import", "plan", "--dry-run", countySheet("city-annual-plan"+ext))
			assert.Contains(t, out, "note: 前期计划安排/工可 '正在办理': in progress, no deadline given; nothing stored")
			assert.Contains(t, out, "note: 前期计划安排/工可 '已批复': reached, the sheet gives no date; nothing stored")
			assert.Contains(t, out, "note: 前期计划安排/工可 '已完成': reached, the sheet gives no date; nothing stored")
			assert.Zero(t, c.msgCount())
		})
	}
}

// TestCountySheetInProgressInADateReachedColumnIsANote: row 12 of the
// summary says 开工时间 正在办理; like every state word it stores nothing
// and should be said in the dry run.
func TestCountySheetInProgressInADateReachedColumnIsANote(t *testing.T) {
	c := newSheetCLI(t)
	out := c.ok("import", "plan", "--dry-run", countySheet("annual-summary-quarters.csv"))
	i := strings.Index(out, "row 12 ")
	require.GreaterOrEqual(t, i, 0, out)
	row12 := out[i:]
	if j := strings.Index(row12, "\nrow 13 "); j >= 0 {
		row12 = row12[:j]
	}
	assert.Contains(t, row12, "开工时间 '正在办理'", "the dry run names the 正在办理 cell of row 12")
}

// TestCountySheetDryRunPrintsTheGuessesAndStoresNothing.
func TestCountySheetDryRunPrintsTheGuessesAndStoresNothing(t *testing.T) {
	for _, ext := range []string{".csv", ".xlsx"} {
		t.Run(ext, func(t *testing.T) {
			c := newSheetCLI(t)
			before := c.msgCount()
			out := c.ok("import", "plan", "--dry-run", countySheet("city-annual-plan"+ext))
			for _, want := range []string{
				"read: header found on rows 3–4",
				"read: year 2026, from the title",
				"read: row 5 skipped: a total row (合计)",
				"read: row 6 skipped: a category row (一、交通基础设施)",
				"read: row 10 skipped: a category row (二、社会事业)",
				"read: column 8 '本年度计划投资及资金来源/中央资金' is not a ledger field: ignored",
				"read: column 12 '前期计划安排/项目建议书' is not a ledger field: ignored",
				"read: column 17 '备注' is not a ledger field: ignored",
				"read: 建设起止年限 read as the start and completion deadlines at month precision",
				"row 7  20263601 XX市绕城公路东段改建工程:",
				"register XX市绕城公路东段改建工程, 862,000,000 yuan, unit 市交通运输局, leader 李明 副市长",
				"plan 2026 investment 300,000,000 yuan",
				"dry run: 8 rows; would store 16 commands (8 new projects, 0 changed); nothing stored",
			} {
				assert.Contains(t, out, want)
			}
			assert.Equal(t, before, c.msgCount(), "a dry run stores nothing")

			// The warnings of deadlines already past are today's.
			today := sheetToday(t, c)
			warnings := pastWarning.FindAllStringSubmatch(out, -1)
			for _, w := range warnings {
				assert.Equal(t, today.String(), w[3], w[0])
			}
			fresh := newSheetCLI(t)
			fresh.clock = c.clock
			fresh.ok("import", "plan", countySheet("city-annual-plan"+ext))
			past := 0
			for _, id := range fresh.projectIDs() {
				for _, dl := range fresh.projectState(id).Deadlines {
					if dl.Due < today {
						past++
					}
				}
			}
			assert.Len(t, warnings, past, "one warning per deadline before %s", today)
			require.Positive(t, past, "2025 deadlines are past on every test day")
			assert.Contains(t, out, fmt.Sprintf("%d deadlines listed above are already past", past))

			out = c.ok("import", "plan", "--dry-run", countySheet("reverse-schedule-no-code"+ext))
			assert.Contains(t, out, "read: header found on rows 1–3")
			assert.Regexp(t, `note: no project code: new local id XM-[0-9A-F]{10}`, out)
			assert.Equal(t, 8, strings.Count(out, "no project code: new local id XM-"), out)
			assert.Equal(t, before, c.msgCount())
		})
	}
}

// TestProgressImportOfTheDistrictMonthlySheet imports the district's plan, then
// its progress sheet, from one format and then the other.
func TestProgressImportOfTheDistrictMonthlySheet(t *testing.T) {
	for _, order := range [][2]string{{".xlsx", ".csv"}, {".csv", ".xlsx"}} {
		first, twin := order[0], order[1]
		t.Run(first+" then "+twin, func(t *testing.T) {
			c := newSheetCLI(t)
			c.ok("import", "plan", countySheet("district-monthly-progress"+first))
			out := c.ok("import", "progress", countySheet("district-monthly-progress"+first))
			assert.Contains(t, out, "imported progress district-monthly-progress"+first+" for 2026-10: 8 rows, 8 projects changed")
			ids := c.projectIDs()

			p := c.projectState("2025-361102-47-01-003561")
			assert.Equal(t, map[domain.Month]int64{
				"2026-01": 29_370_000, "2026-02": 25_370_000, "2026-03": 28_040_000, "2026-04": 18_690_000,
				"2026-05": 32_040_000, "2026-06": 26_700_000, "2026-07": 24_030_000, "2026-08": 30_700_000,
				"2026-09": 23_500_000, "2026-10": 25_900_000,
			}, p.Investment, "each month's 完成, in 万元")
			assert.Equal(t, map[domain.Month]string{"2026-10": "主体结构完成60%"}, p.Progress)
			assert.Empty(t, p.Issues)

			p = c.projectState("2026-361102-48-01-000112")
			assert.NotContains(t, p.Investment, domain.Month("2026-01"), "an empty cell is no figure")
			assert.Equal(t, int64(22_420_000), p.Investment["2026-10"])
			assert.Equal(t, "管廊主体完成3.2公里，道路路基完成70%", p.Progress["2026-10"])
			assert.Empty(t, p.Issues, "存在问题 is raised only with --raise-issues")

			p = c.projectState("2026-361102-47-01-000387")
			assert.Equal(t, "桩基完成, 承台施工中", p.Progress["2026-10"], "the quoted CSV field with a comma")

			p = c.projectState(ids["白鹭镇安置小区建设项目"])
			assert.Equal(t, map[domain.Month]int64{
				"2026-06": 13_590_000, "2026-07": 15_020_000, "2026-08": 10_010_000, "2026-09": 17_160_000, "2026-10": 14_300_000,
			}, p.Investment, "matched by name to its local id")
			assert.Equal(t, "场地平整完成，正在进行桩基施工", p.Progress["2026-10"])
			assert.Contains(t, strings.Join(storedEventsOf(t, c, ids["白鹭镇安置小区建设项目"]), "\n"), "progress_reported")

			out = c.ok("import", "progress", "--raise-issues", countySheet("district-monthly-progress"+first))
			assert.Contains(t, out, "4 projects changed, 4 unchanged; 4 events stored")
			p = c.projectState("2026-361102-48-01-000112")
			require.Len(t, p.Issues, 1)
			for _, is := range p.Issues {
				assert.Equal(t, "征迁尚有3户未签约", is.Title)
			}
			assert.Len(t, c.projectState(ids["白鹭湖生态公园建设项目"]).Issues, 1)
			assert.Empty(t, c.projectState("2025-361102-47-01-003561").Issues, "no 存在问题, no issue")
			var raised int
			for _, evs := range ledgerEvents(t, c.dir) {
				for _, e := range evs {
					if strings.HasPrefix(e, "issue_raised ") {
						raised++
					}
				}
			}
			assert.Equal(t, 4, raised)

			before := c.msgCount()
			for _, args := range [][]string{
				{"import", "progress", "--raise-issues", countySheet("district-monthly-progress" + first)},
				{"import", "progress", countySheet("district-monthly-progress" + first)},
				{"import", "progress", "--raise-issues", countySheet("district-monthly-progress" + twin)},
				{"import", "progress", countySheet("district-monthly-progress" + twin)},
				{"import", "plan", countySheet("district-monthly-progress" + twin)},
			} {
				out := c.ok(args...)
				assert.Contains(t, out, " 0 events stored", "ledger %v", args)
			}
			assert.Equal(t, before, c.msgCount(), "importing again, and the twin, stores nothing")
		})
	}
}

// TestCountySheetRefusals: each refusal names what is wrong and stores
// nothing.
func TestCountySheetRefusals(t *testing.T) {
	t.Run("no unit column", func(t *testing.T) {
		c := newSheetCLI(t)
		code, out, errs := c.run("import", "plan", countySheet("bad-missing-unit.csv"))
		assert.NotZero(t, code)
		assert.Empty(t, out)
		assert.Equal(t, 1, strings.Count(errs, "\n"), "one line: %q", errs)
		assert.Contains(t, errs, "bad-missing-unit.csv")
		assert.Contains(t, errs, "责任单位")
		assert.Contains(t, errs, "--unit")
		assert.Zero(t, c.msgCount())

		c.ok("import", "plan", "--unit", "县发改局", countySheet("bad-missing-unit.csv"))
		ids := c.projectIDs()
		assert.Len(t, ids, 9)
		for name, id := range ids {
			assert.Equal(t, "县发改局", c.projectState(id).Unit, name)
		}
	})

	t.Run("progress of projects not in the ledger", func(t *testing.T) {
		c := newSheetCLI(t)
		code, out, errs := c.run("import", "progress", countySheet("district-monthly-progress.csv"))
		assert.NotZero(t, code)
		assert.Empty(t, out)
		assert.Contains(t, errs, "district-monthly-progress.csv: row 8, column 项目名称:")
		assert.Contains(t, errs, "'新区人民医院建设项目'")
		assert.Contains(t, errs, "expected")
		assert.Zero(t, c.msgCount())

		c.ok("import", "plan", countySheet("district-monthly-progress.xlsx"))
		before := c.msgCount()
		path := filepath.Join(t.TempDir(), "progress.csv")
		require.NoError(t, os.WriteFile(path, []byte("\ufeffXX新区2026年重点项目建设进度表（截至2026年10月底）,,,,\r\n"+
			"序号,项目名称,项目代码,形象进度,责任单位\r\n"+
			"1,XX新区科创中心一期建设项目,2025-361102-47-01-003561,主体结构完成70%,新区建设局\r\n"+
			"2,新区某某项目,2026-361102-47-01-000999,场地平整,新区建设局\r\n"), 0o644))
		code, out, errs = c.run("import", "progress", path)
		assert.NotZero(t, code)
		assert.Empty(t, out)
		assert.Equal(t, 1, strings.Count(errs, "\n"), "one line: %q", errs)
		assert.Contains(t, errs, "progress.csv: row 4, column 项目名称:")
		assert.Contains(t, errs, "2026-361102-47-01-000999")
		assert.Contains(t, errs, "expected")
		assert.Equal(t, before, c.msgCount())
		assert.Empty(t, c.projectState("2025-361102-47-01-003561").Progress, "the good row is not stored either")
	})

	t.Run("a bad date", func(t *testing.T) {
		summary, err := os.ReadFile(countySheet("annual-summary-quarters.csv"))
		require.NoError(t, err)
		require.Contains(t, string(summary), ",2026年4月,2026/4/26,")
		cases := []struct {
			name, file, data string
			line, column     string
			value            string
		}{
			{"copy of the summary", "summary-copy.csv",
				strings.Replace(string(summary), ",2026年4月,2026/4/26,", ",2026年13月,2026/4/26,", 1),
				"row 9", "column 计划开工时间", "'2026年13月'"},
			{"small sheet, no such day", "small.csv",
				"\ufeffXX县2026年重点项目推进情况汇总表,,,,,\r\n序号,项目名称,总投资（万元）,计划竣工时间,责任单位,包保领导\r\n" +
					"1,县城区供水管网改造提升工程,12800,2026年12月,县住建局,王建国\r\n" +
					"2,县人民医院门诊综合楼建设项目,21600,2027-02-30,县卫健委,王建国\r\n",
				"row 4", "column 计划竣工时间", "'2027-02-30'"},
			{"small sheet, words", "words.csv",
				"\ufeffXX县2026年重点项目推进情况汇总表,,,,,\r\n序号,项目名称,总投资（万元）,计划开工时间,责任单位,包保领导\r\n" +
					"1,县城区供水管网改造提升工程,12800,下个月,县住建局,王建国\r\n",
				"row 3", "column 计划开工时间", "'下个月'"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c := newSheetCLI(t)
				path := filepath.Join(t.TempDir(), tc.file)
				require.NoError(t, os.WriteFile(path, []byte(tc.data), 0o644))
				code, out, errs := c.run("import", "plan", path)
				assert.NotZero(t, code)
				assert.Empty(t, out)
				assert.Equal(t, 1, strings.Count(errs, "\n"), "one line: %q", errs)
				assert.Contains(t, errs, tc.file+": "+tc.line+", "+tc.column+": "+tc.value+" is not a date; expected")
				assert.Zero(t, c.msgCount())
			})
		}
	})
}

// TestRoundTripStatusWorkbookBackAsProgress: a clerk exports the status
// workbook, adds 形象进度 and 实际开工时间 for one project, and imports it
// back as the month's progress.
func TestRoundTripStatusWorkbookBackAsProgress(t *testing.T) {
	cases := []struct {
		plan, project string
	}{
		{"district-monthly-progress.xlsx", "2025-361102-47-01-003561"},
		{"district-monthly-progress.xlsx", "新区人民医院建设项目"}, // by name: a local id
		{"city-annual-plan.csv", "20263602"},
	}
	for _, tc := range cases {
		t.Run(tc.plan+" "+tc.project, func(t *testing.T) {
			c := newSheetCLI(t)
			c.ok("import", "plan", countySheet(tc.plan))
			id := tc.project
			if !strings.ContainsAny(id, "0123456789") {
				id = c.projectIDs()[tc.project]
				require.Regexp(t, localID, id)
			}
			exported := filepath.Join(t.TempDir(), "status.xlsx")
			c.ok("status", "--lang", "zh", "--xlsx", exported)

			f, err := excelize.OpenFile(exported)
			require.NoError(t, err)
			sheet := f.GetSheetList()[0]
			rows, err := f.GetRows(sheet)
			require.NoError(t, err)
			require.NotEmpty(t, rows)
			head := rows[2]
			require.Equal(t, "项目代码", head[1], "the first sheet is the status table: %v", head)
			require.Contains(t, head, "项目名称")
			line := 0
			for i, r := range rows {
				if len(r) > 1 && r[1] == id {
					line = i + 1
				}
			}
			require.NotZero(t, line, "a row for %s", id)
			progressCol, startedCol := len(head)+1, len(head)+2
			set := func(col, row int, v any) {
				cell, err := excelize.CoordinatesToCellName(col, row)
				require.NoError(t, err)
				require.NoError(t, f.SetCellValue(sheet, cell, v))
			}
			set(progressCol, 3, "形象进度")
			set(startedCol, 3, "实际开工时间")
			set(progressCol, line, "基础施工完成")
			set(startedCol, line, "2026-10-15")
			edited := filepath.Join(t.TempDir(), "status-filled.xlsx")
			require.NoError(t, f.SaveAs(edited))
			require.NoError(t, f.Close())

			before := c.msgCount()
			code, out, errs := c.run("import", "progress", "--month", "2026-11", edited)
			require.Zero(t, code, "the exported status sheet, filled in, imports back as progress:\nstdout: %s\nstderr: %s", out, errs)
			assert.Contains(t, out, "imported progress status-filled.xlsx for 2026-11")
			p := c.projectState(id)
			assert.Equal(t, map[domain.Month]string{"2026-11": "基础施工完成"}, p.Progress)
			assert.Equal(t, day(t, "2026-10-15"), p.Steps[domain.Started])
			assert.Equal(t, before+2, c.msgCount(), "a step and a progress report, nothing for the other rows")

			// Importing it again stores nothing.
			c.ok("import", "progress", "--month", "2026-11", edited)
			assert.Equal(t, before+2, c.msgCount())
		})
	}
}

package plan_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/plan"
)

// file is the name every test plan is read under; problems start with it.
const file = "plan.csv"

// dialect is one header language: the headers a clerk writes and the
// words of the kind column.
type dialect struct {
	lang                                                               string
	project, name, wan, yuan, unit, leader, township, kind             string
	signed, started, completed, reason                                 string
	industry, code                                                     string
	kindNew, kindContinuing, projectAlias, unknown, nameText, unitText string
}

var (
	en = dialect{
		lang: "en", project: "project", name: "name", wan: "total investment (10k yuan)", yuan: "total investment (yuan)",
		unit: "unit", leader: "leader", township: "township", kind: "kind",
		signed: "signed", started: "started", completed: "completed", reason: "reason",
		industry: "industry", code: "national code",
		kindNew: "new", kindContinuing: "continuing", projectAlias: "project code", unknown: "budget",
		nameText: "Photovoltaic module plant", unitText: "County Industry Bureau",
	}
	zh = dialect{
		lang: "zh", project: "项目代码", name: "项目名称", wan: "总投资(万元)", yuan: "总投资(元)",
		unit: "责任单位", leader: "包保领导", township: "乡镇", kind: "项目类型",
		signed: "签约", started: "开工", completed: "竣工", reason: "调整原因",
		industry: "行业", code: "赋码",
		kindNew: "新建", kindContinuing: "续建", projectAlias: "项目编号", unknown: "预算",
		nameText: "光伏组件生产线项目", unitText: "县工信局",
	}
	dialects = []dialect{en, zh}
)

// header is the plan most cases start from: the required columns, the
// kind and two deadlines.
func (d dialect) header() []string {
	return []string{d.project, d.name, d.wan, d.unit, d.leader, d.kind, d.signed, d.started}
}

// row is a valid row under header() for project id.
func (d dialect) row(id string) []string {
	return []string{id, d.nameText, "35000", d.unitText, "李明", d.kindNew, "2026-03-31", "2026-07-31"}
}

// csvBytes writes records as UTF-8 CSV.
func csvBytes(t testing.TB, records [][]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	require.NoError(t, w.WriteAll(records))
	return buf.Bytes()
}

// sheetOf reads header and rows back through ReadCSV, as the CLI does.
func sheetOf(t testing.TB, header []string, rows ...[]string) plan.Sheet {
	t.Helper()
	s, err := plan.ReadCSV(file, csvBytes(t, append([][]string{header}, rows...)), plan.EncodingAuto)
	require.NoError(t, err)
	return s
}

// texts are the problems as the clerk reads them.
func texts(ps plan.Problems) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

// with returns a copy of cells with cell i set to v.
func with(cells []string, i int, v string) []string {
	out := append([]string(nil), cells...)
	out[i] = v
	return out
}

// without returns a copy of cells without cell i.
func without(cells []string, i int) []string {
	out := append([]string(nil), cells[:i]...)
	return append(out, cells[i+1:]...)
}

// exported drops what Rows keeps for itself (the file's layout), so rows
// built here compare equal to rows read from a file.
func exported(rows []plan.Row) []plan.Row {
	var out []plan.Row
	for _, r := range rows {
		out = append(out, plan.Row{
			Line: r.Line, Project: r.Project, Name: r.Name, TotalInvestment: r.TotalInvestment, Unit: r.Unit,
			Leader: r.Leader, Township: r.Township, Kind: r.Kind, Deadlines: r.Deadlines, Reason: r.Reason,
			Industry: r.Industry, NationalCode: r.NationalCode,
		})
	}
	return out
}

func date(s string) domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Column indexes in header().
const (
	colProject = iota
	colName
	colWan
	colUnit
	colLeader
	colKind
	colSigned
	colStarted
)

const expectedDate = "expected YYYY-MM-DD, a month (2026年3月, 2026.03), a quarter (2026年一季度), a half year (2026年上半年), a year (2026年底), or 已完成 / 正在办理"

func missing(what, flag string) string {
	how := "add the column"
	if flag != "" {
		how += ", or give " + flag + " NAME to use one for every row"
	}
	return "plan.csv: row 1: no " + what + " column; " + how
}

// TestRowsProblems covers every class of problem Rows reports, with the
// exact message, in English and in Chinese headers.
func TestRowsProblems(t *testing.T) {
	cases := []struct {
		name string
		file func(d dialect) (header []string, rows [][]string)
		want func(d dialect) []string
	}{
		{
			name: "the same column twice, by its alias",
			file: func(d dialect) ([]string, [][]string) {
				return append(d.header(), d.projectAlias), [][]string{append(d.row("P-1"), "P-1")}
			},
			want: func(d dialect) []string {
				return []string{"plan.csv: row 1, column 9 '" + d.projectAlias + "': the same column as column 1 '" + d.project + "'; expected each column once"}
			},
		},
		{
			name: "the same deadline column twice",
			file: func(d dialect) ([]string, [][]string) {
				return append(d.header(), d.started), [][]string{append(d.row("P-1"), "2026-08-31")}
			},
			want: func(d dialect) []string {
				return []string{"plan.csv: row 1, column 9 '" + d.started + "': the same column as column 8 '" + d.started + "'; expected each column once"}
			},
		},
		{
			name: "a national code that is not one",
			file: func(d dialect) ([]string, [][]string) {
				return append(d.header(), d.industry, d.code), [][]string{append(d.row("P-1"), "制造业", "2026-36110-38-01-000017")}
			},
			want: func(d dialect) []string {
				return []string{"plan.csv: row 2, column " + d.code + `: "2026-36110-38-01-000017" is not a national project code: the region part has 5 digits, expected 6 (form YYMM-RRRRRR-II-TT-NNNNNN; codes issued before 2021 start with the year YYYY)`}
			},
		},
		{
			name: "no name column",
			file: func(d dialect) ([]string, [][]string) {
				return without(d.header(), colName), [][]string{without(d.row("P-1"), colName)}
			},
			want: func(dialect) []string { return []string{missing("项目名称 (project name)", "")} },
		},
		{
			name: "no unit column",
			file: func(d dialect) ([]string, [][]string) {
				return without(d.header(), colUnit), [][]string{without(d.row("P-1"), colUnit)}
			},
			want: func(dialect) []string { return []string{missing("责任单位 (responsible unit)", "--unit")} },
		},
		{
			name: "no leader column",
			file: func(d dialect) ([]string, [][]string) {
				return without(d.header(), colLeader), [][]string{without(d.row("P-1"), colLeader)}
			},
			want: func(dialect) []string { return []string{missing("包保领导 (responsible leader)", "--leader")} },
		},
		{
			name: "no total investment column",
			file: func(d dialect) ([]string, [][]string) {
				return without(d.header(), colWan), [][]string{without(d.row("P-1"), colWan)}
			},
			want: func(dialect) []string {
				return []string{"plan.csv: row 1: no total investment column; expected 总投资(万元)/total investment (10k yuan), 总投资(亿元) or 总投资(元)"}
			},
		},
		{
			name: "both total investment columns",
			file: func(d dialect) ([]string, [][]string) {
				return append(d.header(), d.yuan), [][]string{append(d.row("P-1"), "350000000")}
			},
			want: func(dialect) []string {
				return []string{"plan.csv: row 1: two total investment columns; expected one, in 万元, 亿元 or 元"}
			},
		},
		{
			name: "empty required cells",
			file: func(d dialect) ([]string, [][]string) {
				return d.header(), [][]string{
					with(d.row("P-1"), colProject, ""),
					with(d.row("P-2"), colName, "  "),
					with(d.row("P-3"), colWan, ""),
					with(d.row("P-4"), colUnit, ""),
					with(d.row("P-5"), colLeader, "\u3000"),
				}
			},
			want: func(d dialect) []string {
				return []string{
					"plan.csv: row 3, column " + d.name + ": empty; expected the project name",
					"plan.csv: row 4, column " + d.wan + ": empty; expected the total investment, an amount in 万元, e.g. 35000 or 3500.5, or with its unit, e.g. 8.62亿",
					"plan.csv: row 5, column " + d.unit + ": empty; expected the responsible unit (or give --unit NAME for rows without one)",
					"plan.csv: row 6, column " + d.leader + ": empty; expected the responsible leader (or give --leader NAME for rows without one)",
				}
			},
		},
		{
			name: "empty yuan cell",
			file: func(d dialect) ([]string, [][]string) {
				return with(d.header(), colWan, d.yuan), [][]string{with(d.row("P-1"), colWan, "")}
			},
			want: func(d dialect) []string {
				return []string{"plan.csv: row 2, column " + d.yuan + ": empty; expected the total investment, whole yuan (元), e.g. 350000000, or with its unit, e.g. 3.5亿"}
			},
		},
		{
			name: "bad project ids",
			file: func(d dialect) ([]string, [][]string) {
				return d.header(), [][]string{
					d.row("P 7"),
					d.row("2010-22062-47-01-000034"),
					d.row("7-P"),
				}
			},
			want: func(d dialect) []string {
				const expected = " is not a project code or local id; expected e.g. 2010-220621-47-01-000034, P-7 or a project number such as 20263609 (letters, digits, '-' or '_'), or leave it empty to match the project by name"
				return []string{
					"plan.csv: row 2, column " + d.project + ": 'P 7'" + expected,
					"plan.csv: row 3, column " + d.project + ": '2010-22062-47-01-000034'" + expected,
					"plan.csv: row 4, column " + d.project + ": '7-P'" + expected,
				}
			},
		},
		{
			name: "bad amounts in 10k yuan",
			file: func(d dialect) ([]string, [][]string) {
				return d.header(), [][]string{
					with(d.row("P-1"), colWan, "about 3亿"),
					with(d.row("P-2"), colWan, "0"),
					with(d.row("P-3"), colWan, "-5"),
					with(d.row("P-5"), colWan, "0x10"),
					with(d.row("P-6"), colWan, "1_000"),
					with(d.row("P-7"), colWan, "3500.00001"),
				}
			},
			want: func(d dialect) []string {
				const expected = "; expected an amount in 万元, e.g. 35000 or 3500.5, or with its unit, e.g. 8.62亿"
				c := "plan.csv: row %d, column " + d.wan + ": "
				return []string{
					fmt.Sprintf(c, 2) + "'about 3亿' is not an amount" + expected,
					fmt.Sprintf(c, 3) + "'0' is not more than 0" + expected,
					fmt.Sprintf(c, 4) + "'-5' is not an amount" + expected,
					fmt.Sprintf(c, 5) + "'0x10' is not an amount" + expected,
					fmt.Sprintf(c, 6) + "'1_000' is not an amount" + expected,
					fmt.Sprintf(c, 7) + "'3500.00001' is not an amount" + expected,
				}
			},
		},
		{
			name: "bad amounts in yuan",
			file: func(d dialect) ([]string, [][]string) {
				h := with(d.header(), colWan, d.yuan)
				return h, [][]string{
					with(d.row("P-1"), colWan, "100.5"),
					with(d.row("P-2"), colWan, "0"),
					with(d.row("P-5"), colWan, "99999999999999999999"),
				}
			},
			want: func(d dialect) []string {
				const expected = "; expected whole yuan (元), e.g. 350000000, or with its unit, e.g. 3.5亿"
				c := "plan.csv: row %d, column " + d.yuan + ": "
				return []string{
					fmt.Sprintf(c, 2) + "'100.5' is not an amount" + expected,
					fmt.Sprintf(c, 3) + "'0' is not more than 0" + expected,
					fmt.Sprintf(c, 4) + "'99999999999999999999' is not an amount" + expected,
				}
			},
		},
		{
			name: "bad dates",
			file: func(d dialect) ([]string, [][]string) {
				return d.header(), [][]string{
					with(d.row("P-1"), colSigned, "2010-4-31"),
					with(d.row("P-2"), colStarted, "2026-02-30"),
					with(d.row("P-3"), colSigned, "31/12/2026"),
					with(with(d.row("P-4"), colSigned, "2026-04-31"), colStarted, "46234"),
				}
			},
			want: func(d dialect) []string {
				const expected = " is not a date; " + expectedDate
				return []string{
					"plan.csv: row 2, column " + d.signed + ": '2010-4-31'" + expected,
					"plan.csv: row 3, column " + d.started + ": '2026-02-30'" + expected,
					"plan.csv: row 4, column " + d.signed + ": '31/12/2026'" + expected,
					// A serial is a date only in a workbook, never in a CSV.
					"plan.csv: row 5, column " + d.signed + ": '2026-04-31'" + expected,
					"plan.csv: row 5, column " + d.started + ": '46234'" + expected,
				}
			},
		},
		{
			name: "bad kind",
			file: func(d dialect) ([]string, [][]string) {
				return d.header(), [][]string{with(d.row("P-1"), colKind, "扩建"), with(d.row("P-2"), colKind, "New")}
			},
			want: func(d dialect) []string {
				return []string{
					"plan.csv: row 2, column " + d.kind + ": '扩建' is not a project kind; expected 新建/new or 续建/continuing",
					"plan.csv: row 3, column " + d.kind + ": 'New' is not a project kind; expected 新建/new or 续建/continuing",
				}
			},
		},
		{
			name: "duplicate project",
			file: func(d dialect) ([]string, [][]string) {
				return d.header(), [][]string{d.row("P-1"), d.row("P-2"), d.row("P-1"), d.row("P-1"), d.row("p-2")}
			},
			want: func(d dialect) []string {
				return []string{
					"plan.csv: row 4, column " + d.project + ": project P-1 is also on row 2; expected one row per project",
					"plan.csv: row 5, column " + d.project + ": project P-1 is also on row 2; expected one row per project",
					"plan.csv: row 6, column " + d.project + ": project p-2 is also on row 3, as P-2 (ids are compared without case); expected one row per project",
				}
			},
		},
		{
			name: "duplicate project whose first row has problems",
			file: func(d dialect) ([]string, [][]string) {
				return d.header(), [][]string{with(d.row("P-1"), colWan, "0"), with(d.row("P-1"), colSigned, "soon")}
			},
			want: func(d dialect) []string {
				return []string{
					"plan.csv: row 2, column " + d.wan + ": '0' is not more than 0; expected an amount in 万元, e.g. 35000 or 3500.5, or with its unit, e.g. 8.62亿",
					"plan.csv: row 3, column " + d.signed + ": 'soon' is not a date; " + expectedDate,
					"plan.csv: row 3, column " + d.project + ": project P-1 is also on row 2; expected one row per project",
				}
			},
		},
		{
			name: "a row with more cells than the header",
			file: func(d dialect) ([]string, [][]string) {
				return d.header(), [][]string{d.row("P-1"), append(d.row("P-2"), "", "note")}
			},
			want: func(dialect) []string {
				return []string{"plan.csv: row 3: has 10 cells but the header has 8 columns; expected no cells right of the last column"}
			},
		},
		{
			name: "a header with no rows",
			file: func(d dialect) ([]string, [][]string) {
				return d.header(), [][]string{{"", "", ""}, {" "}}
			},
			want: func(dialect) []string {
				return []string{"plan.csv: row 2: no project rows; expected one row per project under the header"}
			},
		},
	}
	for _, tc := range cases {
		for _, d := range dialects {
			t.Run(tc.name+"/"+d.lang, func(t *testing.T) {
				header, rows := tc.file(d)
				got, ps := plan.Rows(sheetOf(t, header, rows...))
				assert.Empty(t, got, "a file with problems yields no rows")
				assert.Equal(t, tc.want(d), texts(ps))
				assert.ErrorIs(t, ps, domain.ErrInvalid)
				assert.Equal(t, strings.Join(tc.want(d), "\n"), ps.Error())
			})
		}
	}
}

// TestRowsReportsEveryProblemInRowOrder: one pass names all that is wrong,
// header first, then row by row, cells left to right.
func TestRowsReportsEveryProblemInRowOrder(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.lang, func(t *testing.T) {
			header := append(d.header(), d.unknown)
			s := sheetOf(t, header,
				append(d.row("P-1"), ""),
				append(with(with(d.row("P 2"), colName, ""), colStarted, "2026-13-01"), ""),
				append(d.row("P-3"), "", "extra"),
				append(with(d.row("P-1"), colKind, "?"), ""),
				append(d.row("P-5"), ""),
				append(with(d.row("P-6"), colLeader, ""), ""),
			)
			rows, ps := plan.Rows(s)
			assert.Nil(t, rows)
			assert.Equal(t, []string{
				"plan.csv: row 3, column " + d.project + ": 'P 2' is not a project code or local id; expected e.g. 2010-220621-47-01-000034, P-7 or a project number such as 20263609 (letters, digits, '-' or '_'), or leave it empty to match the project by name",
				"plan.csv: row 3, column " + d.name + ": empty; expected the project name",
				"plan.csv: row 3, column " + d.started + ": '2026-13-01' is not a date; " + expectedDate,
				"plan.csv: row 4: has 10 cells but the header has 9 columns; expected no cells right of the last column",
				"plan.csv: row 5, column " + d.kind + ": '?' is not a project kind; expected 新建/new or 续建/continuing",
				"plan.csv: row 5, column " + d.project + ": project P-1 is also on row 2; expected one row per project",
				"plan.csv: row 7, column " + d.leader + ": empty; expected the responsible leader (or give --leader NAME for rows without one)",
			}, texts(ps))
			for i := 1; i < len(ps); i++ {
				assert.LessOrEqual(t, ps[i-1].Line, ps[i].Line, "problems are in row order")
			}
		})
	}
}

// TestRowsValid reads good files: every field, both investment units,
// optional columns, aliases and header spellings, blank rows skipped.
func TestRowsValid(t *testing.T) {
	cases := []struct {
		name   string
		header []string
		rows   [][]string
		want   []plan.Row
	}{
		{
			name:   "english, 10k yuan, every optional column",
			header: []string{"project", "name", "total investment (10k yuan)", "unit", "leader", "township", "kind", "signed", "started", "completed", "reason"},
			rows: [][]string{
				{"2026-361102-38-01-000017", " Photovoltaic plant ", "35000", "Industry Bureau", "Li Ming", "Chengguan", "continuing", "2026-03-31", "2026-07-31", "", "land late"},
				{"", "", "", "", "", "", "", "", "", "", ""},
				{"P-8", "Cold chain", "3500.5", "Commerce Bureau", "Wang", "", "", "", "", "2027-12-31", ""},
			},
			want: []plan.Row{
				{
					Line: 2, Project: "2026-361102-38-01-000017", Name: "Photovoltaic plant", TotalInvestment: 350_000_000,
					Unit: "Industry Bureau", Leader: "Li Ming", Township: "Chengguan", Kind: domain.KindContinuing,
					Deadlines: []domain.PlannedDeadline{
						{Milestone: domain.MilestoneSigned, Due: date("2026-03-31")},
						{Milestone: domain.MilestoneStarted, Due: date("2026-07-31")},
					},
					Reason: "land late",
				},
				{
					Line: 4, Project: "P-8", Name: "Cold chain", TotalInvestment: 35_005_000, Unit: "Commerce Bureau",
					Leader: "Wang", Kind: domain.KindNew,
					Deadlines: []domain.PlannedDeadline{{Milestone: domain.MilestoneCompleted, Due: date("2027-12-31")}},
				},
			},
		},
		{
			name: "chinese, yuan, aliases, full-width brackets, deadlines in plan order whatever the column order",
			header: []string{
				"项目编号", "项目名称", "总投资（元）", "责任单位", "挂点领导", "所在乡镇", "建设性质",
				"开工", "进资", "用地", "签约", "调整原因",
			},
			rows: [][]string{
				{"P-1", "光伏组件", "350,000,000", "县工信局", "李明", "城关镇", "新建", "2026-07-31", "2026-04-30", "2026-06-30", "2026-03-31", ""},
				{"P-2", "物流园", "120000000", "县商务局", "王强", "", "续建", "", "", "", "", ""},
			},
			want: []plan.Row{
				{
					Line: 2, Project: "P-1", Name: "光伏组件", TotalInvestment: 350_000_000, Unit: "县工信局", Leader: "李明",
					Township: "城关镇", Kind: domain.KindNew,
					Deadlines: []domain.PlannedDeadline{
						{Milestone: domain.MilestoneSigned, Due: date("2026-03-31")},
						{Milestone: domain.MilestoneFundsReceived, Due: date("2026-04-30")},
						{Milestone: domain.MilestoneLand, Due: date("2026-06-30")},
						{Milestone: domain.MilestoneStarted, Due: date("2026-07-31")},
					},
				},
				{Line: 3, Project: "P-2", Name: "物流园", TotalInvestment: 120_000_000, Unit: "县商务局", Leader: "王强", Kind: domain.KindContinuing},
			},
		},
		{
			name:   "headers in any case, with spaces, underscores and a blank unused column",
			header: []string{"Project_ID", "NAME", " Total Investment Wan ", "Responsible Unit", "LEADER", "", "Construction Permit"},
			rows:   [][]string{{"P-1", "Plant", "1", "Bureau", "Li", "", "2026-07-20"}},
			want: []plan.Row{{
				Line: 2, Project: "P-1", Name: "Plant", TotalInvestment: 10_000, Unit: "Bureau", Leader: "Li", Kind: domain.KindNew,
				Deadlines: []domain.PlannedDeadline{{Milestone: domain.MilestoneConstructionPermit, Due: date("2026-07-20")}},
			}},
		},
		{
			name:   "industry and national code, besides a national code as the project id",
			header: []string{"项目代码", "项目名称", "总投资(万元)", "责任单位", "包保领导", "所属行业", "项目赋码", "签约"},
			rows: [][]string{
				{"2026-361102-38-01-000017", "光伏组件", "35000", "县工信局", "李明", " 制造业 ", " 2611-361102-38-01-000017 ", ""},
				{"P-2", "物流园", "12000", "县商务局", "王强", "", "", "2026-03-31"},
			},
			want: []plan.Row{
				{
					Line: 2, Project: "2026-361102-38-01-000017", Name: "光伏组件", TotalInvestment: 350_000_000, Unit: "县工信局", Leader: "李明",
					Kind: domain.KindNew, Industry: "制造业", NationalCode: "2611-361102-38-01-000017",
				},
				{
					Line: 3, Project: "P-2", Name: "物流园", TotalInvestment: 120_000_000, Unit: "县商务局", Leader: "王强", Kind: domain.KindNew,
					Deadlines: []domain.PlannedDeadline{{Milestone: domain.MilestoneSigned, Due: date("2026-03-31")}},
				},
			},
		},
		{
			name:   "english optional fact columns, underscores",
			header: []string{"project", "name", "total investment (yuan)", "unit", "leader", "Industry", "national_code"},
			rows:   [][]string{{"P-1", "Plant", "1", "Bureau", "Li", "Manufacturing", "2017-110105-47-01-000001"}},
			want: []plan.Row{{
				Line: 2, Project: "P-1", Name: "Plant", TotalInvestment: 1, Unit: "Bureau", Leader: "Li", Kind: domain.KindNew,
				Industry: "Manufacturing", NationalCode: "2017-110105-47-01-000001",
			}},
		},
		{
			name:   "blank cells right of the last column are no problem",
			header: []string{"project", "name", "total investment (yuan)", "unit", "leader"},
			rows:   [][]string{{"P-1", "Plant", "1", "Bureau", "Li", "", " "}},
			want:   []plan.Row{{Line: 2, Project: "P-1", Name: "Plant", TotalInvestment: 1, Unit: "Bureau", Leader: "Li", Kind: domain.KindNew}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows, ps := plan.Rows(sheetOf(t, tc.header, tc.rows...))
			require.Empty(t, texts(ps))
			assert.Equal(t, tc.want, exported(rows))
		})
	}
}

// TestReadCSVEmptyFile: a file with nothing in it is an error, not an
// empty plan.
func TestReadCSVEmptyFile(t *testing.T) {
	for name, data := range map[string]string{
		"no bytes":          "",
		"a byte order mark": "\ufeff",
		"blank lines":       "\n\n\r\n",
		"empty cells":       ",,,\n , ,\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := plan.ReadCSV(file, []byte(data), plan.EncodingAuto)
			require.Error(t, err)
			assert.Equal(t, "plan.csv: the file is empty; expected a header row and one row per project", err.Error())
		})
	}
}

// TestProblemString: a problem names the file, the row and, when there is
// one, the column.
func TestProblemString(t *testing.T) {
	assert.Equal(t, "plan.csv: row 17, column 开工: '2010-4-31' is not a date; expected YYYY-MM-DD",
		plan.Problem{File: "plan.csv", Line: 17, Column: "开工", Message: "'2010-4-31' is not a date; expected YYYY-MM-DD"}.String())
	assert.Equal(t, "plan.csv: row 2: no project rows",
		plan.Problem{File: "plan.csv", Line: 2, Message: "no project rows"}.String())
	var err error = plan.Problems{{File: "a.csv", Line: 1, Message: "x"}, {File: "a.csv", Line: 3, Column: "c", Message: "y"}}
	assert.Equal(t, "a.csv: row 1: x\na.csv: row 3, column c: y", err.Error())
	assert.True(t, errors.Is(err, domain.ErrInvalid))
	assert.False(t, errors.Is(err, domain.ErrNoChange))
}

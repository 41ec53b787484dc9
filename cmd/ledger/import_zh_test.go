package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/plan"
)

// `import plan` and `import progress` with --lang zh: every line the
// clerk reads is Chinese, and says what the English one says, figure for
// figure.

// englishWords are words of the English messages that no Chinese line
// may hold.
var englishWords = regexp.MustCompile(`\b(row|rows|register|warning|note|deadlines?|would|stored|yuan|leader|skipped|ignored|expected|column|nothing|reached|problems?|imported|header)\b|\bread:`)

// han is a Chinese character.
var han = regexp.MustCompile(`\p{Han}`)

// figures are the numbers of a line: ids, amounts, dates, rows.
var figures = regexp.MustCompile(`[0-9]+`)

// lines is out split into lines, without the last empty one.
func lines(out string) []string {
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
}

// assertSaysTheSameInChinese checks that zh, line by line, is Chinese and
// has the figures of en.
func assertSaysTheSameInChinese(t *testing.T, en, zh string) {
	t.Helper()
	enLines, zhLines := lines(en), lines(zh)
	require.Len(t, zhLines, len(enLines), "one Chinese line per English line:\n%s\n---\n%s", en, zh)
	for i, l := range zhLines {
		assert.Empty(t, englishWords.FindAllString(l, -1), "English words in line %d: %q", i+1, l)
		assert.Regexp(t, han, l, "line %d", i+1)
		assert.Equal(t, figures.FindAllString(enLines[i], -1), figures.FindAllString(l, -1),
			"the figures of line %d:\n%s\n%s", i+1, enLines[i], l)
	}
}

func TestImportDryRunSpeaksChinese(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup [][]string // commands run first, in English
		args  []string
	}{
		{"county plan", nil, []string{"import", "plan", "--dry-run", countySheet("annual-summary-quarters.csv")}},
		{"county plan without codes", nil, []string{"import", "plan", "--dry-run", countySheet("reverse-schedule-no-code.xlsx")}},
		{"city annual plan", nil, []string{"import", "plan", "--dry-run", countySheet("city-annual-plan.xlsx")}},
		{"city annual plan, csv", nil, []string{"import", "plan", "--dry-run", countySheet("city-annual-plan.csv")}},
		{"district plan", nil, []string{"import", "plan", "--dry-run", countySheet("district-monthly-progress.csv")}},
		{"another sheet of the plan, matched by name, deadlines moved", [][]string{{"import", "plan", countySheet("annual-summary-quarters.csv")}},
			[]string{"import", "plan", "--dry-run", "--reason", "调度会议定", countySheet("reverse-schedule-no-code.csv")}},
		{"the same plan again", [][]string{{"import", "plan", countySheet("annual-summary-quarters.xlsx")}},
			[]string{"import", "plan", "--dry-run", countySheet("annual-summary-quarters.csv")}},
		{"district monthly progress", [][]string{{"import", "plan", countySheet("district-monthly-progress.csv")}},
			[]string{"import", "progress", "--dry-run", countySheet("district-monthly-progress.xlsx")}},
		{"district monthly progress, once stored", [][]string{
			{"import", "plan", countySheet("district-monthly-progress.csv")},
			{"import", "progress", countySheet("district-monthly-progress.csv")},
		}, []string{"import", "progress", "--dry-run", countySheet("district-monthly-progress.csv")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newSheetCLI(t)
			for _, args := range tc.setup {
				c.ok(args...)
			}
			before := c.msgCount()
			en := c.ok(append(tc.args, "--lang", "en")...)
			zh := c.ok(append(tc.args, "--lang", "zh")...)
			if os.Getenv("LEDGER_SHOW_ZH") != "" {
				t.Logf("\n%s\n---\n%s", en, zh)
			}
			assert.Equal(t, en, c.ok(tc.args...), "English without --lang (LANG unset)")
			assertSaysTheSameInChinese(t, en, zh)
			assert.Equal(t, before, c.msgCount(), "a dry run stores nothing")
		})
	}
}

func TestImportDryRunInChineseNamesMilestonesAndRows(t *testing.T) {
	c := newSheetCLI(t)
	out := c.ok("import", "plan", "--dry-run", "--lang", "zh", countySheet("city-annual-plan.xlsx"))
	for _, want := range []string{
		"读取：表头在第3–4行（合并的分组表头按“分组/子表头”读取）",
		"读取：年度为2026年，取自标题",
		"读取：第5行跳过：合计行（合计）",
		"读取：第6行跳过：分类行（一、交通基础设施）",
		"读取：第8列“本年度计划投资及资金来源/中央资金”不是台账字段，不读取",
		"第7行  20263601 XX市绕城公路东段改建工程：",
		"    登记XX市绕城公路东段改建工程，总投资862,000,000元，责任单位市交通运输局，包保领导李明 副市长，",
		"    2026年计划投资300,000,000元",
		"试运行：共8行；将保存16条命令（新项目8个，有变化0个）；未保存任何内容",
	} {
		assert.Contains(t, out, want)
	}
	assert.Regexp(t, `节点期限：[^\n]*开工 2025年3月`, out, "milestones by their Chinese names")
	assert.Regexp(t, `    提醒：开工期限2025年3月，至\d{4}-\d{2}-\d{2}已过：如未完成，将报为逾期`, out)
	assert.Regexp(t, `上列\d+个期限已过：如未完成，将逐一报为逾期`, out)
}

func TestImportRefusedInChinese(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup [][]string
		args  []string
		want  string
	}{
		{"no unit column", nil, []string{"import", "plan", countySheet("bad-missing-unit.csv")}, "缺少责任单位列；请增加该列，或用 --unit 名称 为所有行统一指定"},
		{"no unit column, dry run", nil, []string{"import", "plan", "--dry-run", countySheet("bad-missing-unit.csv")}, "缺少责任单位列"},
		{"progress of projects not in the ledger", nil,
			[]string{"import", "progress", countySheet("district-monthly-progress.csv")}, "district-monthly-progress.csv：第8行，项目名称列：无项目代码，台账中也没有名为"},
		{"moved deadlines without a reason", [][]string{{"import", "plan", countySheet("annual-summary-quarters.csv")}},
			[]string{"import", "plan", countySheet("reverse-schedule-no-code.csv")},
			"reverse-schedule-no-code.csv：第4行，倒排工期节点/建设节点/开工列：期限由2026-06-30调整为2026-05-10，但未说明原因；请填写调整原因列，或用 --reason 说明"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newSheetCLI(t)
			for _, args := range tc.setup {
				c.ok(args...)
			}
			before := c.msgCount()
			history := c.statusRows()
			codeEN, outEN, errEN := c.run(append(tc.args, "--lang", "en")...)
			code, out, errs := c.run(append(tc.args, "--lang", "zh")...)
			if os.Getenv("LEDGER_SHOW_ZH") != "" {
				t.Logf("\n%s\n---\n%s", errEN, errs)
			}
			assert.NotZero(t, codeEN)
			assert.Equal(t, codeEN, code, "the same exit code in either language")
			if strings.Contains(strings.Join(tc.args, " "), "--dry-run") {
				assert.Empty(t, out, "a refused dry run prints no notes")
			}
			assert.Equal(t, outEN == "", out == "")
			require.NotEmpty(t, errs)
			for _, l := range lines(errs) {
				assert.True(t, strings.HasPrefix(l, "ledger: "), "one line per problem: %q", l)
			}
			assert.Contains(t, errs, tc.want)
			assert.Regexp(t, `（共\d+个问题；未保存任何内容）\n$`, errs)
			assertSaysTheSameInChinese(t, strings.ReplaceAll(errEN, "ledger: ", ""), strings.ReplaceAll(errs, "ledger: ", ""))
			assert.Equal(t, before, c.msgCount(), "nothing stored")
			assert.Equal(t, history, c.statusRows(), "the ledger says what it said")
		})
	}
}

func TestImportLangIsChecked(t *testing.T) {
	c := newSheetCLI(t)
	for _, cmd := range []string{"plan", "progress"} {
		code, _, errs := c.run("import", cmd, "--dry-run", "--lang", "fr", countySheet("district-monthly-progress.csv"))
		assert.Equal(t, exitUsage, code, cmd)
		assert.Contains(t, errs, `--lang "fr"`)
	}
}

func TestImportSpeaksTheEnvironmentsLanguage(t *testing.T) {
	c := newSheetCLI(t)
	sheet := countySheet("city-annual-plan.csv")
	en := c.ok("import", "plan", "--dry-run", sheet)
	zh := c.ok("import", "plan", "--dry-run", "--lang", "zh", sheet)
	t.Setenv("LANG", "zh_CN.UTF-8")
	assert.Equal(t, zh, c.ok("import", "plan", "--dry-run", sheet))
	assert.Equal(t, en, c.ok("import", "plan", "--dry-run", "--lang", "en", sheet))
}

// seconds is how long a stored import took, which differs run to run.
var seconds = regexp.MustCompile(`[0-9]+\.[0-9]{2}(s|秒)`)

func TestStoredImportSaysItInChinese(t *testing.T) {
	for _, steps := range [][][]string{
		{{"import", "plan", countySheet("city-annual-plan.csv")}},
		{{"import", "plan", countySheet("annual-summary-quarters.csv")}},
		{{"import", "plan", countySheet("district-monthly-progress.xlsx")}, {"import", "progress", countySheet("district-monthly-progress.xlsx")}},
	} {
		t.Run(strings.Join(steps[len(steps)-1][:2], " "), func(t *testing.T) {
			en, zh := newSheetCLI(t), newSheetCLI(t)
			for _, args := range steps {
				outEN := seconds.ReplaceAllString(en.ok(append(args, "--lang", "en")...), "")
				outZH := seconds.ReplaceAllString(zh.ok(append(args, "--lang", "zh")...), "")
				if os.Getenv("LEDGER_SHOW_ZH") != "" {
					t.Logf("\n%s\n---\n%s", outEN, outZH)
				}
				assertSaysTheSameInChinese(t, outEN, outZH)
			}
			assert.Equal(t, en.statusRows(), zh.statusRows(), "the language changes what is printed, not what is stored")
		})
	}
}

func TestUnreadableSheetInChinese(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(data), 0o644))
		return path
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"not a sheet", []string{"import", "plan", write("plan.pdf", "%PDF")}, "plan.pdf：应为.csv或.xlsx文件"},
		{"empty", []string{"import", "plan", write("empty.csv", "\n\n")}, "empty.csv：文件为空；应有表头行，表头下每个项目一行"},
		{"not UTF-8", []string{"import", "plan", "--encoding", "utf-8", write("gbk.csv", "\xcf\xee\xc4\xbf\n")},
			"gbk.csv：不是有效的UTF-8文本；如由Excel保存，请改用 --encoding gb18030"},
		{"not a workbook", []string{"import", "progress", "--month", "2026-10", write("progress.xlsx", "PK")}, "progress.xlsx：不是Excel .xlsx工作簿："},
		{"no month", []string{"import", "progress", write("month.csv", "项目名称,10月份完成\n项目1,1\n")},
			"month.csv：标题未注明本表报送的月份（截至2026年10月）；请用 --month YYYY-MM 指定"},
		{"a month that is not one", []string{"import", "progress", "--month", "2026-13", write("month13.csv", "项目名称,10月份完成\n项目1,1\n")},
			`--month "2026-13"：应为YYYY-MM`},
		{"an encoding that is not one", []string{"import", "progress", "--encoding", "latin1", write("p.csv", "a,b\n")}, `--encoding：编码"latin1"未知；应为auto、utf-8或gb18030`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newSheetCLI(t)
			codeEN, _, errEN := c.run(append(tc.args, "--lang", "en")...)
			code, out, errs := c.run(append(tc.args, "--lang", "zh")...)
			assert.NotZero(t, code)
			assert.Equal(t, codeEN, code)
			assert.Empty(t, out)
			assert.Contains(t, errs, tc.want)
			assert.Equal(t, 1, strings.Count(errs, "\n"), errs)
			assert.NotContains(t, errEN, "：", "English stays English")
			assert.Zero(t, c.msgCount())
		})
	}
}

func TestImportStoppedPartWayInChinese(t *testing.T) {
	c := newCLI(t)
	path := writePlan(t, t.TempDir(), 5, "2026-07-31")
	fail := func(plan.Executor, plan.Registrar) (plan.Executor, plan.Registrar) {
		return plan.ExecutorFunc(func(context.Context, domain.Command) (int, error) { return 0, errors.New("store unavailable") }),
			registrarFunc(func(context.Context, []domain.RegisterProject) ([]int, error) {
				return nil, errors.New("store unavailable")
			})
	}
	for zh, want := range map[bool]string{
		false: "plan.csv: rows 2 to 6: store unavailable (0 events were stored before it; fix the row and import the file again: what is stored is not stored twice)",
		true:  "plan.csv：第2行至第6行：store unavailable（此前已保存事件0条；请修正该行后重新导入：已保存的不会重复保存）",
	} {
		a := newApp(&strings.Builder{}, &strings.Builder{})
		a.clock, a.dataDir, a.actor = c.clock, c.dir, "clerk"
		err := a.importPlanRun(context.Background(), path, plan.EncodingAuto, importRun{workers: 8, zh: zh, wrap: fail})
		require.Error(t, err)
		assert.Equal(t, want, err.Error())
	}
	assert.Empty(t, c.statusRows(), "nothing stored")
}

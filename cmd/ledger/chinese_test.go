package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCommandsTakeChineseWords types every enumerated value in Chinese, as
// a clerk would, and checks the ledger stored and reports the same as with
// the English codes.
func TestCommandsTakeChineseWords(t *testing.T) {
	c := newCLI(t)
	c.ok("project", "register", "XM-2026-901", "--name", "光伏组件项目", "--investment", "3.5亿", "--unit", "县工信局",
		"--leader", "李明", "--kind", "续建", "--on", "2026-03-02", "--plan", "签约=2026-04-30", "--plan", "开工=2026-09-30")
	c.ok("plan", "XM-2026-901", "环评", "2026-06-30")
	c.ok("record", "签约", "XM-2026-901", "--on", "2026-04-20")
	c.ok("record", "审批", "XM-2026-901", "--kind", "环评", "--ref", "环审〔2026〕12号", "--on", "2026-06-10")
	c.ok("revise-deadline", "XM-2026-901", "开工", "2026-12-31", "--reason", "用地指标待批")
	c.ok("project", "register", "XM-2026-902", "--name", "物流园", "--investment", "1亿", "--unit", "县商务局",
		"--leader", "赵强", "--kind", "new", "--on", "2026-03-02", "--plan", "signed=2026-04-30")

	show := c.ok("project", "show", "XM-2026-901")
	assert.Contains(t, show, "continuing", "--kind 续建 stored as the code")
	hist := c.ok("history", "XM-2026-901")
	for _, w := range []string{"signed", "approved", "eia", "deadline_revised"} {
		assert.Contains(t, hist, w)
	}

	for _, pair := range [][2][]string{
		{{"status", "--light", "红灯"}, {"status", "--light", "red"}},
		{{"status", "--stage", "签约"}, {"status", "--stage", "signed"}},
		{{"status", "--kind", "续建"}, {"status", "--kind", "continuing"}},
		{{"bulletin", "--period", "月"}, {"bulletin", "--period", "month"}},
		{{"bulletin", "--period", "季度", "--lang", "zh"}, {"bulletin", "--period", "quarter", "--lang", "zh"}},
	} {
		zh, en := c.ok(pair[0]...), c.ok(pair[1]...)
		assert.Equal(t, en, zh, "%v and %v", pair[0], pair[1])
	}
	red := c.ok("status", "--light", "红灯")
	assert.Contains(t, red, "XM-2026-902")
	assert.NotContains(t, red, "XM-2026-901")

	for _, bad := range [][]string{
		{"record", "剪彩", "XM-2026-901"},
		{"plan", "XM-2026-901", "竣工验收", "2027-01-01"},
		{"status", "--light", "紫灯"},
		{"bulletin", "--period", "旬"},
	} {
		code, _, errs := c.run(bad...)
		require.NotEqual(t, 0, code, "%v", bad)
		assert.Regexp(t, `\((签约|绿灯|周|洽谈)\)`, errs, "%v: the choices are named in Chinese too", bad)
	}
}

func TestHistoryInChinese(t *testing.T) {
	c := newCLI(t)
	c.ok("project", "register", "XM-2026-901", "--name", "光伏组件项目", "--investment", "3.5亿", "--unit", "县工信局",
		"--leader", "李明", "--kind", "新建", "--on", "2026-03-02", "--plan", "签约=2026-04-30")
	c.ok("record", "签约", "XM-2026-901", "--on", "2026-04-20")
	c.ok("record", "审批", "XM-2026-901", "--kind", "环评", "--ref", "环审〔2026〕12号", "--on", "2026-06-10")
	c.ok("issue", "raise", "XM-2026-901", "--title", "用地指标待批")
	c.ok("correct", "record", "XM-2026-901", "signed", "--date", "2026-04-21", "--reason", "日期抄错")

	zh := c.ok("history", "XM-2026-901", "--lang", "zh")
	for _, w := range []string{"序号", "记录时间", "发生日期", "记录人", "内容", "登记入库", "光伏组件项目；总投资 350,000,000 元；责任单位 县工信局；包保领导 李明；新建",
		"签约 计划于 2026-04-30 前完成", "环评批复 环审〔2026〕12号", "挂账督办", "更正签约：日期 2026-04-20 → 2026-04-21：日期抄错", "（更正第 "} {
		assert.Contains(t, zh, w)
	}
	assert.NotContains(t, zh, "milestone_planned")

	en := c.ok("history", "XM-2026-901")
	assert.Contains(t, en, "milestone_planned", "English unless asked, in an English environment")
	t.Setenv("LANG", "zh_CN.UTF-8")
	assert.Equal(t, zh, c.ok("history", "XM-2026-901"), "a Chinese environment prints Chinese")
	t.Setenv("LC_ALL", "C")
	assert.Equal(t, en, c.ok("history", "XM-2026-901"), "LC_ALL comes first")

	code, _, errs := c.run("history", "XM-2026-901", "--lang", "fr")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, `--lang "fr": expected zh (中文) or en`)
}

func TestInspectFollowInChineseAndInPlainEnglish(t *testing.T) {
	c := newCLI(t)
	// The clock stands at 2026-11-27 10:00: a deadline of the 25th is
	// two days late, one of the 26th one day.
	c.ok("project", "register", "XM-2026-903", "--name", "冷链物流园", "--investment", "1亿", "--unit", "县商务局",
		"--leader", "赵强", "--on", "2026-10-01", "--plan", "开工=2026-11-25", "--plan", "签约=2026-11-24")
	c.ok("project", "register", "XM-2026-904", "--name", "农光互补", "--investment", "1亿", "--unit", "县发改局",
		"--leader", "王建国", "--on", "2026-10-01", "--plan", "签约=2026-11-26")
	assert.Equal(t, "recorded 3 missed deadlines\n", c.ok("watch-deadlines", "--once"))
	zh := c.ok("inspect", "follow", "--durable", "zh", "--wait", "500ms", "--lang", "zh")
	assert.Contains(t, zh, "XM-2026-903 冷链物流园：签约 期限 2026-11-24 未完成，已逾期 3 天；责任单位 县商务局，包保领导 赵强")
	assert.Contains(t, zh, "XM-2026-904 农光互补：签约 期限 2026-11-26 未完成，已逾期 1 天")
	en := c.ok("inspect", "follow", "--durable", "en", "--wait", "500ms")
	assert.Contains(t, en, "signed due 2026-11-26 missed, 1 day late")
	assert.Contains(t, en, "started due 2026-11-25 missed, 2 days late")
}

func TestReportsSpeakTheEnvironmentsLanguage(t *testing.T) {
	c := newCLI(t)
	c.ok("project", "register", "P-1", "--name", "光伏", "--investment", "1亿", "--unit", "县工信局", "--leader", "李明", "--on", "2026-03-02")
	en, zh := c.ok("status"), c.ok("status", "--lang", "zh")
	require.NotEqual(t, en, zh)
	t.Setenv("LANG", "zh_CN.UTF-8")
	assert.Equal(t, zh, c.ok("status"))
	assert.Equal(t, en, c.ok("status", "--lang", "en"))
}

package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A township's conceived project goes from 谋划 to 开工 under one id; a
// province grant is applied for, granted and received; the reports count
// it, typed in Chinese throughout.
func TestFromConceivedToStartedInChinese(t *testing.T) {
	c := newCLI(t) // 2026-11-27 in Shanghai
	zh := func(args ...string) string { return c.ok(append(args, "--lang", "zh")...) }
	zh("reserve", "conceive", "CB-1", "--name", "温泉康养小镇", "--by", "南湖镇", "--body-kind", "乡镇", "--investment", "6亿", "--industry", "文旅", "--on", "2026-03-02")
	zh("reserve", "conceive", "CB-2", "--name", "物流分拨中心", "--by", "物流产业推进组", "--body-kind", "产业推进组", "--investment", "1.5亿", "--on", "2026-03-05")
	zh("reserve", "conceive", "CB-3", "--name", "农产品冷链", "--by", "县农业农村局", "--investment", "8000万", "--on", "2026-03-05")
	zh("reserve", "assess", "CB-1", "可行", "--conclusion", "资源条件好，用地已落实", "--on", "2026-04-01")
	zh("reserve", "assess", "CB-3", "可行", "--conclusion", "市场需求稳定", "--on", "2026-04-01")
	zh("reserve", "enter", "CB-1", "--on", "2026-04-10")
	zh("reserve", "enter", "CB-3", "--on", "2026-04-10")
	zh("reserve", "enter", "CB-1", "--level", "省级", "--on", "2026-05-20")
	zh("reserve", "package", "CB-1", "申报", "--note", "申报省重点项目", "--on", "2026-05-01")
	zh("reserve", "drop", "CB-2", "--reason", "选址与生态红线冲突", "--on", "2026-06-01")
	zh("apply", "submit", "CB-1", "--level", "省级", "--programme", "省级文旅发展专项资金", "--asked", "3000万", "--id", "A-1", "--on", "2026-06-10")
	zh("apply", "answer", "CB-1", "A-1", "同意", "--granted", "2000万", "--document", "文旅财〔2026〕45号", "--on", "2026-08-15")
	zh("apply", "receive", "CB-1", "A-1", "1200万", "--ref", "转账〔2026〕301号", "--on", "2026-09-01")
	zh("reserve", "convert", "CB-1", "2027", "--list", "新建", "--unit", "南湖镇", "--leader", "孙伟", "--plan", "开工=2027-03-31", "--on", "2026-10-08")
	zh("record", "签约", "CB-1", "--on", "2026-10-20")
	zh("record", "开工", "CB-1", "--on", "2026-11-18")

	history := zh("history", "CB-1")
	var kinds []string
	for _, line := range strings.Split(strings.TrimSpace(history), "\n")[1:] {
		kinds = append(kinds, strings.Fields(line)[5])
	}
	assert.Equal(t, []string{"谋划", "论证", "入库", "入库", "包装", "向上申报", "申报批复", "争取资金到位", "转化", "登记入库", "计划节点", "签约", "开工"}, kinds, history)
	assert.Contains(t, zh("status"), "温泉康养小镇", "a key project now")

	reserve := zh("reserve", "report", "--as-of", "2026-11-27")
	assert.Contains(t, reserve, "2026-11-27         3           1                  8000              2027             1  1.00", "one waiting in the reserve, one new start in the 2027 list: a year covered")
	assert.Regexp(t, `南湖镇\s+乡镇\s+1\s+1\s+1\s+0\s+100.00%`, reserve)
	assert.Regexp(t, `物流产业推进组\s+产业推进组\s+1\s+0\s+0\s+1\s+0.00%`, reserve)
	before := zh("reserve", "report", "--as-of", "2026-04-30")
	assert.Contains(t, before, "2026-04-30         3           2                 68000", "two waiting before the conversion")

	apply := zh("apply", "report", "--as-of", "2026-11-27")
	assert.Regexp(t, `省级\s+省级文旅发展专项资金\s+1\s+1\s+0\s+0\s+3000\s+2000\s+1200`, apply)
	assert.Regexp(t, `CB-1\s+温泉康养小镇\s+A-1\s+省级.*已获批`, apply)
	waiting := zh("apply", "report", "--as-of", "2026-07-01")
	assert.Regexp(t, `合计\s+1\s+0\s+0\s+1\s+3000\s+0\s+0`, waiting, "before the answer it waits")

	// The filters narrow what is counted, and a name nobody has is
	// refused with the closest ones.
	township := zh("reserve", "report", "--as-of", "2026-11-27", "--body", "南湖镇")
	assert.Regexp(t, `南湖镇\s+乡镇\s+1\s+1\s+1\s+0\s+100.00%`, township)
	assert.NotContains(t, township, "物流产业推进组")
	assert.NotContains(t, zh("reserve", "report", "--industry", "文旅"), "农产品冷链")
	code, _, errs := c.run("reserve", "report", "--body", "南湖")
	assert.Equal(t, exitFailed, code)
	assert.Equal(t, "ledger: no proposing body \"南湖\" in the ledger; the closest: 南湖镇\n", errs)
	assert.Regexp(t, `合计\s+0\s+0\s+0\s+0\s+0\s+0\s+0`, zh("apply", "report", "--level", "国家级"), "nothing sent to the state")
	assert.Regexp(t, `合计\s+1\s+1`, zh("apply", "report", "--level", "省级", "--programme", "省级文旅发展专项资金"))
	code, _, errs = c.run("apply", "report", "--programme", "省级文旅专项资金")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errs, "the closest: 省级文旅发展专项资金")
	code, _, errs = c.run("apply", "report", "--level", "乡级", "--lang", "zh")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "“乡级”不是层级")
}

func TestPipelineRefusalsStoreNothing(t *testing.T) {
	c := newCLI(t)
	c.ok("reserve", "conceive", "CB-1", "--name", "x", "--by", "南湖镇", "--investment", "1亿", "--on", "2026-03-02")
	c.ok("reserve", "drop", "CB-1", "--reason", "放弃", "--on", "2026-04-01")
	before := c.ok("history", "CB-1")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"reserve", "convert", "CB-1", "2027", "--unit", "u", "--leader", "l", "--lang", "zh"}, "项目已于 2026-04-01 退库（放弃）"},
		{[]string{"reserve", "assess", "CB-1", "maybe", "--conclusion", "x"}, `"maybe" is not an assessment's result`},
		{[]string{"reserve", "enter", "CB-1", "--level", "乡级"}, `"乡级" is not a level`},
		{[]string{"apply", "receive", "CB-1", "A-9", "100万", "--lang", "zh"}, "项目已终止或退库"},
	} {
		code, _, errs := c.run(tc.args...)
		assert.NotEqual(t, exitOK, code, "%q", tc.args)
		assert.Contains(t, errs, tc.want, "%q", tc.args)
		assert.Equal(t, 1, strings.Count(errs, "\n"), "one line: %q", errs)
	}
	require.Equal(t, before, c.ok("history", "CB-1"), "nothing stored")
}

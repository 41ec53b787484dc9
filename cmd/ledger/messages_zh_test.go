package main

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCommandLineMessagesInChinese(t *testing.T) {
	for _, tc := range []struct{ en, zh string }{
		{"unknown command \"statsu\" for \"ledger\"\n\nDid you mean this?\n\tstatus\n", "“ledger”没有子命令“statsu”；是否要输入：status？"},
		{`unknown command "reports" for "ledger"`, "“ledger”没有子命令“reports”；用 ledger --help 查看可用的命令"},
		{"unknown flag: --unti (did you mean --unit?)", "未知的选项 --unti；是否要输入 --unit？"},
		{"unknown flag: --as (did you mean --as-of or --as-of-recorded?)", "未知的选项 --as；是否要输入 --as-of 或 --as-of-recorded？"},
		{"unknown flag: --bogus", "未知的选项 --bogus；用 --help 查看此命令的选项"},
		{"unknown shorthand flag: 'x' in -x", "未知的短选项 -x；用 --help 查看此命令的选项"},
		{"unknown shorthand flag: 'q' in -vq", "未知的短选项 -q（在 -vq 中）；用 --help 查看此命令的选项"},
		{"flag needs an argument: --unit", "选项 --unit 需要一个值"},
		{"flag needs an argument: 'n' in -n", "选项 -n 需要一个值"},
		{`invalid argument "x" for "--projects" flag: strconv.ParseInt: parsing "x": invalid syntax`, "选项 --projects 的值“x”无效；应为整数"},
		{`invalid argument "x" for "-n, --limit" flag: strconv.ParseInt: parsing "x": invalid syntax`, "选项 --limit 的值“x”无效；应为整数"},
		{`invalid argument "soon" for "--wait" flag: time: invalid duration "soon"`, "选项 --wait 的值“soon”无效；应为时长，如 30s、5m、2h"},
		{`required flag(s) "name", "unit" not set`, "缺少必填的选项：--name、--unit"},
		{"if any flags in the group [xlsx chart] are set none of the others can be; [xlsx chart] were all set", "选项 --xlsx、--chart 只能选用其一"},
		{"ledger record: accepts 2 arg(s), received 0; usage: ledger record STEP PROJECT [flags]", "ledger record：需要 2 个参数，实际给了 0 个；用法：ledger record STEP PROJECT [flags]"},
		{"accepts at most 1 arg(s), received 3", "最多 1 个参数，实际给了 3 个"},
		{"requires at least 1 arg(s), only received 0", "至少需要 1 个参数，实际给了 0 个"},
		{"accepts between 1 and 2 arg(s), received 5", "需要 1 至 2 个参数，实际给了 5 个"},
		{"interrupted (SIGINT or SIGTERM) before the command finished", "命令未完成即被中断（SIGINT 或 SIGTERM）"},
	} {
		assert.Equal(t, tc.zh, chineseMessage(errors.New(tc.en)), "%q", tc.en)
	}
}

func TestSystemAndNetworkPhrasesInChinese(t *testing.T) {
	for _, tc := range []struct{ en, zh string }{
		{"open /tmp/none.csv: no such file or directory", "打不开 /tmp/none.csv：文件或文件夹不存在"},
		{"open plan.xlsx: permission denied", "打不开 plan.xlsx：没有权限"},
		{"connect to nats://127.0.0.1:1: nats: no servers available for connection", "连接 nats://127.0.0.1:1 失败：没有可连接的 NATS 服务器（地址不对，或服务器未启动）"},
		{"connect to nats://10.0.0.1:4222: nats: Authorization Violation", "连接 nats://10.0.0.1:4222 失败：NATS 拒绝登录（用户名、密码或凭据文件不对）"},
		{"write backup: no space left on device", "write backup: 磁盘空间已满"},
		{"dial tcp 10.0.0.1:4222: i/o timeout", "dial tcp 10.0.0.1:4222: 网络超时"},
		{"a message no one translated", "a message no one translated"},
	} {
		assert.Equal(t, tc.zh, chineseMessage(errors.New(tc.en)), "%q", tc.en)
	}
}

func TestUsageMistakesSayItInChineseWithTheClosestFlag(t *testing.T) {
	c := newCLI(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"statsu", "--lang", "zh"}, "ledger: “ledger”没有子命令“statsu”；是否要输入：status？\n"},
		{[]string{"status", "--unti", "县工信局", "--lang", "zh"}, "ledger: 未知的选项 --unti；是否要输入 --unit？\n"},
		{[]string{"status", "--unti", "县工信局"}, "ledger: unknown flag: --unti (did you mean --unit?)\n"},
		{[]string{"history", "--lang", "zh"}, "ledger: ledger history：需要 1 个参数，实际给了 0 个；用法：ledger history PROJECT [flags]\n"},
		{[]string{"bench", "--projects", "many", "--lang", "zh"}, "ledger: 选项 --projects 的值“many”无效；应为整数\n"},
		{[]string{"import", "plan", "/nonexistent/plan.csv", "--lang", "zh"}, "ledger: 打不开 /nonexistent/plan.csv：文件或文件夹不存在\n"},
	} {
		code, out, errs := c.run(tc.args...)
		assert.Equal(t, tc.want, errs, "%q", tc.args)
		assert.Empty(t, out, "%q", tc.args)
		assert.NotEqual(t, exitOK, code, "%q", tc.args)
	}
}

func TestStoredLineInChineseWithRootLang(t *testing.T) {
	c := newCLI(t)
	out := c.ok("project", "register", "P-1", "--name", "光伏", "--investment", "1亿", "--unit", "县工信局", "--leader", "李明", "--on", "2026-03-02", "--lang", "zh")
	assert.Regexp(t, `^已保存：P-1 登记入库，序号 1（哈希 [0-9a-f]+）：光伏；总投资 100,000,000 元`, out)
	out = c.ok("project", "register", "P-1", "--name", "光伏", "--investment", "1亿", "--unit", "县工信局", "--leader", "李明", "--on", "2026-03-02", "--lang", "zh")
	assert.Regexp(t, `^已保存过，未重复保存：P-1 登记入库，序号 1（`, out)
	assert.Regexp(t, `^stored: P-1 negotiating at sequence 2 \(hash [0-9a-f]+\): negotiating`, c.ok("record", "negotiating", "P-1", "--on", "2026-03-03", "--lang", "en"))
}

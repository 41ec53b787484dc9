package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

// One refusal of each kind per file, in English as before and in Chinese.
func TestRefusalsInChineseByFile(t *testing.T) {
	units := newLedger(t, domain.UnitRegisterID)
	units.must(now, domain.RegisterUnit{Meta: meta, Name: "县发展和改革局", Aliases: []string{"县发改局"}})
	cases := []struct {
		name             string
		l                *ledger
		cmd              domain.Command
		kind             error
		english, chinese string
	}{
		{"units: already registered", units, domain.RegisterUnit{Meta: meta, Name: "县发改局"}, domain.ErrAlreadyExists,
			`cannot register unit 县发改局 for UNIT-REGISTER: "县发改局" is already registered as 县发展和改革局`,
			"无法登记单位县发改局：“县发改局”已登记为县发展和改革局"},
		{"units: not registered", units, domain.AddUnitAlias{Meta: meta, Name: "县财政局", Alias: "财政局"}, domain.ErrNotPlanned,
			`cannot add alias to 县财政局 for UNIT-REGISTER: "县财政局" is not in the unit register; register it first (ledger units add)`,
			"无法为县财政局添加别名：“县财政局”不在单位名录中；请先登记（ledger units add）"},
		{"corrections: not recorded", registered(t),
			domain.CorrectRecord{Meta: meta, Project: pid, Type: domain.Started, Date: day("2026-02-01"), Reason: "typo"}, domain.ErrNotPlanned,
			"cannot correct started for P-7: started is not recorded; record it rather than correct it",
			"无法为 P-7 更正开工记录：尚未记录开工；请记录该步骤，而不是更正"},
		{"corrections: no change", registered(t),
			domain.CorrectFacts{Meta: meta, Project: pid, Name: "Wind farm", Reason: "typo"}, domain.ErrNoChange,
			"cannot correct facts for P-7: nothing differs from what is recorded; give the facts to correct (--name, --unit, --township, --leader, --industry, --code, --investment, --registered-on)",
			"无法为 P-7 更正基本信息：与已记录的内容没有不同；请填写要更正的信息（--name、--unit、--township、--leader、--industry、--code、--investment、--registered-on）"},
		{"corrections: no reason", registered(t),
			domain.WithdrawDeadline{Meta: meta, Project: pid, Milestone: domain.MilestoneStarted}, domain.ErrNotPlanned,
			`cannot withdraw the deadline of started for P-7: "started" has no planned deadline; name a planned milestone`,
			"无法为 P-7 撤销开工节点：开工尚无计划期限；请填写已计划的节点"},
		{"progress: empty", registered(t),
			domain.ReportProgress{Meta: meta, Project: pid, Month: "2026-10", Text: " "}, domain.ErrInvalid,
			"cannot report progress for 2026-10 for P-7: the progress is empty; describe the state of the works, e.g. 主体结构完成60%",
			"无法为 P-7 报送 2026-10 形象进度：形象进度为空；请描述工程现状，例如 主体结构完成60%"},
		{"rules: too long", registered(t),
			domain.RaiseIssue{Meta: meta, Project: pid, IssueID: "I-1", Title: string(make([]rune, 501)), On: day("2026-11-01")}, domain.ErrInvalid,
			"cannot raise issue for P-7: the title is 501 characters long; give at most 500 characters",
			"无法为 P-7 挂账督办：标题长 501 个字符；最多 500 个字符"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.l.decide(now, tc.cmd)
			re := requireRefused(t, err, tc.kind, tc.cmd, tc.english)
			assert.Equal(t, tc.chinese, re.Chinese())
			assert.Equal(t, tc.chinese, domain.Chinese(err))
		})
	}
}

func TestInputErrorsInChineseByFile(t *testing.T) {
	cases := []struct {
		name             string
		err              func() error
		english, chinese string
	}{
		{"date", func() error { _, err := domain.ParseDate("2026-13-01"); return err },
			`"2026-13-01" is not a date; expected YYYY-MM-DD`,
			"“2026-13-01”不是有效日期；应为 YYYY-MM-DD，例如 2026-11-30"},
		{"money", func() error { _, err := domain.ParseYuan("-5"); return err },
			`"-5" is negative; expected an amount of zero or more`,
			"“-5”为负数；金额应不小于零"},
		{"national code", func() error { _, err := domain.ParseNationalCode("2017-11010-47-01-000001"); return err },
			`"2017-11010-47-01-000001" is not a national project code: the region part has 5 digits, expected 6 (form YYMM-RRRRRR-II-TT-NNNNNN; codes issued before 2021 start with the year YYYY)`,
			"“2017-11010-47-01-000001”不是有效的项目代码：地区段为 5 位，应为 6 位（格式为 YYMM-RRRRRR-II-TT-NNNNNN；2021 年以前赋予的代码以年份 YYYY 开头）"},
		{"milestone", func() error { _, err := domain.ParseMilestone("bogus"); return err },
			`"bogus" is not a milestone; expected one of negotiating (洽谈), `, "“bogus”不是节点；应为以下之一：negotiating (洽谈), "},
		{"events", func() error { _, err := domain.NewPayload("bogus"); return err },
			`event type "bogus" is unknown`, "事件类型“bogus”无法识别"},
		{"schema", func() error { _, err := domain.NewStoredPayload(domain.Started, 99); return err },
			"started events of schema version 99 are unknown (this ledger reads versions 1 to ", "started 事件的结构版本 99 无法识别（本台账可读版本 1 至 "},
		{"date: zone", func() error { _, err := domain.LoadZone("Local"); return err },
			`time zone "Local" is the machine's own zone; expected an IANA name such as Asia/Shanghai`,
			"时区“Local”是本机时区；应为 IANA 时区名，例如 Asia/Shanghai"},
		{"precision", func() error { return domain.CheckPrecision(day("2026-03-15"), domain.PrecisionMonth) },
			"2026-03-15 is not the last day of 2026年3月; a deadline at month precision is the last day of its period (2026-03-31)",
			"2026-03-15 不是2026年3月的最后一天；按月填报的期限应为该时段的最后一天（2026-03-31）"},
		{"ids", func() error { _, err := domain.ParseProjectID("P 7!"); return err },
			`invalid input: project id "P 7!" is not a national project code (YYYY-RRRRRR-II-TT-XXXXXX, e.g. 2010-220621-47-01-000034) nor a local id (a letter, then up to 63 letters, digits, '-' or '_', e.g. P-7) nor a project number (4 to 20 digits)`,
			"项目编号“P 7!”无效：既不是项目代码（YYYY-RRRRRR-II-TT-XXXXXX，例如 2010-220621-47-01-000034），也不是本地编号（字母开头，其后至多 63 个字母、数字、“-”或“_”，例如 P-7），也不是项目序号（4 至 20 位数字）"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err()
			require.ErrorIs(t, err, domain.ErrInvalid)
			var ie *domain.InputError
			require.ErrorAs(t, err, &ie)
			if tc.name == "milestone" || tc.name == "schema" {
				assert.Contains(t, err.Error(), tc.english)
				assert.Contains(t, ie.Chinese(), tc.chinese)
				return
			}
			assert.Equal(t, tc.english, err.Error())
			assert.Equal(t, tc.chinese, ie.Chinese())
			assert.Equal(t, tc.chinese, domain.Chinese(err))
		})
	}
}

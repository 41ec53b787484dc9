package domain_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

// englishTemplate finds words of the English refusals left in a Chinese one.
var englishTemplate = regexp.MustCompile(`\b(cannot|expected|record|is not|not|give|already|before|after|must|unknown|no \w+ given|yuan)\b`)

// requireChinese checks that err's Chinese text reads as Chinese: Han
// characters and none of the English template's words.
func requireChinese(t *testing.T, err error) string {
	t.Helper()
	zh := domain.Chinese(err)
	require.NotEmpty(t, zh)
	assert.True(t, hasHan(zh), "%q has no Chinese", zh)
	assert.False(t, englishTemplate.MatchString(zh), "%q keeps English words: %v", zh, englishTemplate.FindAllString(zh, -1))
	return zh
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func TestRuleErrorChinese(t *testing.T) {
	cases := []struct {
		name      string
		given     []domain.Command
		cmd       domain.Command
		english   string
		chinese   string
		otherKind error
	}{
		{"out of order", nil, rec(domain.Commissioned, "2026-11-01"),
			"cannot record commissioned for P-7: construction has not started; record started first",
			"无法为 P-7 记录投产：尚未开工；请先记录开工", domain.ErrOutOfOrder},
		{"duplicate step", []domain.Command{rec(domain.Started, "2026-03-01")}, rec(domain.Started, "2026-04-01"),
			"cannot record started for P-7: started was already recorded on 2026-03-01; a step is recorded once; correct it with an issue or note instead",
			"无法为 P-7 记录开工：开工已于 2026-03-01 记录；每个步骤只记录一次；如需更正，请挂账督办或加注说明", domain.ErrDuplicateStep},
		{"future date", nil, rec(domain.Started, "2026-12-01"),
			"cannot record started for P-7: 2026-12-01 is in the future (today is 2026-11-27 in Asia/Shanghai); record a step on or after the day it happens",
			"无法为 P-7 记录开工：2026-12-01 是未来的日期（今天是 2026-11-27，时区 Asia/Shanghai）；请在事情发生当天或之后记录", domain.ErrFutureDate},
		{"not planned", nil, revise(domain.MilestoneStarted, "2027-01-31", "land late", "2026-11-01"),
			"cannot revise deadline of started for P-7: started has no planned deadline; plan it first (ledger plan)",
			"无法为 P-7 调整开工期限：开工尚无计划期限；请先计划该节点（ledger plan）", domain.ErrNotPlanned},
		{"already planned", []domain.Command{plan(domain.MilestoneStarted, "2027-03-31")}, plan(domain.MilestoneStarted, "2027-04-30"),
			"cannot plan started for P-7: started is already planned for 2027-03-31; use revise-deadline with a reason to move it",
			"无法为 P-7 计划开工节点：开工已计划于 2027-03-31；如需调整，请用 revise-deadline 并说明原因", domain.ErrAlreadyExists},
		{"step order (rules)", []domain.Command{rec(domain.Signed, "2026-05-01")}, rec(domain.Started, "2026-04-01"),
			"cannot record started for P-7: started on 2026-04-01 is before signed on 2026-05-01; if that is what happened, repeat with --confirm-order: it is stored and flagged for the auditor",
			"无法为 P-7 记录开工：开工日期 2026-04-01 早于签约日期 2026-05-01；如确属实际情况，请加 --confirm-order 重新提交：将予以记录并标记，供审计核查", domain.ErrOutOfOrder},
		{"terminated", []domain.Command{terminate("2026-06-01", "investor withdrew")}, rec(domain.Signed, "2026-07-01"),
			"cannot record signed for P-7: the project was terminated on 2026-06-01; a terminated project takes no further steps",
			"无法为 P-7 记录签约：项目已于 2026-06-01 终止；已终止的项目不再记录后续步骤", domain.ErrTerminated},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := registered(t, tc.given...)
			_, err := l.decide(now, tc.cmd)
			re := requireRefused(t, err, tc.otherKind, tc.cmd, tc.english)
			assert.Equal(t, tc.chinese, re.Chinese())
			assert.Equal(t, tc.chinese, domain.Chinese(err))
			assert.Equal(t, tc.english, err.Error(), "the English is unchanged")

			// A fix changed afterwards is left out rather than contradicted.
			hinted := *re
			hinted.Fix = "did you mean P-8?"
			zh, _, _ := strings.Cut(tc.chinese, "；")
			assert.Equal(t, zh, hinted.Chinese())
		})
	}
}

func TestChineseKeepsWrappingContext(t *testing.T) {
	_, err := domain.ParseDate("2026-13-01")
	require.Error(t, err)
	wrapped := fmt.Errorf("--on: %w", err)
	assert.Equal(t, "--on: "+domain.Chinese(err), domain.Chinese(wrapped))
	plain := errors.New("server unreachable")
	assert.Equal(t, "server unreachable", domain.Chinese(plain))
	assert.Equal(t, "", domain.Chinese(nil))
	// A refusal built without a Chinese text gives its English.
	re := &domain.RuleError{Kind: domain.ErrNoChange, Project: "P-7", Step: "record started", Problem: "nothing new"}
	assert.Equal(t, re.Error(), re.Chinese())
}

// Every refusal of a table of bad commands and inputs has Chinese text
// that reads as Chinese.
func TestEveryRefusalHasChinese(t *testing.T) {
	withAmount := rec(domain.Started, "2026-03-01")
	withAmount.Amount = 5
	commands := []struct {
		given []domain.Command
		cmd   domain.Command
	}{
		{nil, rec(domain.Commissioned, "2026-11-01")},
		{nil, rec(domain.Started, "2026-12-01")},
		{nil, rec(domain.Resumed, "2026-03-01")},
		{nil, suspend("2026-03-01", "")},
		{nil, terminate("2026-03-01", "")},
		{nil, withAmount},
		{nil, funds("2026-03-01", -5)},
		{nil, approve("bogus", "2026-03-01")},
		{nil, rec("bogus", "2026-03-01")},
		{nil, plan("bogus", "2027-01-31")},
		{nil, plan(domain.MilestoneStarted, "")},
		{nil, revise(domain.MilestoneStarted, "2027-01-31", "late", "2026-11-01")},
		{[]domain.Command{plan(domain.MilestoneStarted, "2027-03-31")}, revise(domain.MilestoneStarted, "2027-04-30", "", "2026-11-01")},
		{[]domain.Command{plan(domain.MilestoneStarted, "2027-03-31")}, revise(domain.MilestoneStarted, "2027-03-31", "late", "2026-11-01")},
		{[]domain.Command{plan(domain.MilestoneStarted, "2027-03-31")}, explain(domain.MilestoneStarted, "rain", "2026-11-01")},
		{[]domain.Command{plan(domain.MilestoneStarted, "2027-03-31")}, explain(domain.MilestoneStarted, "", "2026-11-01")},
		{nil, missed(domain.MilestoneStarted, "2026-10-31")},
		{nil, report("2026-13", 5, "")},
		{nil, report("2027-01", 5, "")},
		{nil, report("2026-10", -5, "")},
		{nil, raise("I-1", "", "2026-11-01")},
		{[]domain.Command{raise("I-1", "power", "2026-11-01")}, raise("I-1", "power again", "2026-11-02")},
		{nil, resolve("I-9", "done", "2026-11-01")},
		{[]domain.Command{raise("I-1", "power", "2026-11-01")}, resolve("I-1", "", "2026-11-02")},
		{[]domain.Command{raise("I-1", "power", "2026-11-10")}, resolve("I-1", "done", "2026-11-02")},
		{nil, assign("", "2026-11-01")},
		{nil, assign("Wang", "2026-11-01")},
		{nil, register()},
		{[]domain.Command{rec(domain.Started, "2026-03-01")}, rec(domain.Started, "2026-04-01")},
		{[]domain.Command{rec(domain.Signed, "2026-05-01")}, rec(domain.Started, "2026-04-01")},
		{[]domain.Command{terminate("2026-06-01", "withdrawn")}, rec(domain.Signed, "2026-07-01")},
		{nil, domain.PlanInvestment{Meta: meta, Project: pid, Year: 1800, Amount: 5}},
		{nil, domain.PlanInvestment{Meta: meta, Project: pid, Year: 2027, Amount: 0}},
		{nil, domain.ReportProgress{Meta: meta, Project: pid, Month: "2026-10", Text: " "}},
		{nil, domain.CorrectFacts{Meta: meta, Project: pid, Reason: "typo"}},
		{nil, domain.CorrectRecord{Meta: meta, Project: pid, Type: domain.Started, Date: day("2026-02-01"), Reason: "typo"}},
		{nil, domain.WithdrawDeadline{Meta: meta, Project: pid, Milestone: domain.MilestoneStarted, Reason: "dropped"}},
		{nil, domain.RecordStep{Meta: domain.Meta{}, Project: pid, Step: domain.Signed}},
		{nil, domain.RecordStep{Meta: meta, Project: "P 7!", Step: domain.Signed}},
	}
	for _, tc := range commands {
		t.Run(tc.cmd.Action(), func(t *testing.T) {
			l := registered(t, tc.given...)
			_, err := l.decide(now, tc.cmd)
			require.Error(t, err)
			var re *domain.RuleError
			require.ErrorAs(t, err, &re)
			requireChinese(t, err)
		})
	}
	unregistered := newLedger(t, pid)
	_, err := unregistered.decide(now, rec(domain.Signed, "2026-03-01"))
	require.Error(t, err)
	requireChinese(t, err)

	inputs := []func() error{
		func() error { _, err := domain.ParseDate("2026-13-01"); return err },
		func() error { _, err := domain.ParseDate("1800-01-01"); return err },
		func() error { _, err := domain.ParseMonth("2026-1"); return err },
		func() error { _, err := domain.LoadZone("Mars/Base"); return err },
		func() error { _, err := domain.ParseYuan("lots"); return err },
		func() error { _, err := domain.ParseYuan("-5"); return err },
		func() error { _, err := domain.ParseYuan("3,50"); return err },
		func() error { _, err := domain.ParseMilestone("bogus"); return err },
		func() error { _, err := domain.ParseApprovalKind("bogus"); return err },
		func() error { _, err := domain.ParseProjectID("P 7!"); return err },
		func() error { _, err := domain.ParseNationalCode(""); return err },
		func() error { _, err := domain.ParseNationalCode("2017-11010-47-01-000001"); return err },
		func() error { _, err := domain.ParseNationalCode("2017-990100-47-01-000001"); return err },
		func() error { _, err := domain.ParseNationalCode("2017-110100-47-01-00000x"); return err },
		func() error { return domain.CheckPrecision(day("2026-03-15"), domain.PrecisionMonth) },
		func() error { return domain.CheckPrecision(day("2026-03-31"), "fortnight") },
	}
	for i, in := range inputs {
		t.Run(fmt.Sprintf("input %d", i), func(t *testing.T) {
			err := in()
			require.Error(t, err)
			var ie *domain.InputError
			require.ErrorAs(t, err, &ie)
			requireChinese(t, err)
		})
	}
}

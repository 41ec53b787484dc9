package domain_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

func TestEnumeratedValuesReadInChineseAndEnglish(t *testing.T) {
	for _, c := range []struct {
		parse func(string) (string, error)
		in    []string
		want  string
	}{
		{milestone, []string{"signed", "签约", " 签 约 ", "SIGNED", "ｓｉｇｎｅｄ"}, "signed"},
		{milestone, []string{"eia", "环评", "环评批复"}, "eia"},
		{milestone, []string{"land", "土地", "用地"}, "land"},
		{milestone, []string{"funds_received", "到资", "进资"}, "funds_received"},
		{milestone, []string{"construction_permit", "施工许可", "施工许可证"}, "construction_permit"},
		{milestone, []string{"full_capacity", "达产"}, "full_capacity"},
		{step, []string{"started", "开工"}, "started"},
		{step, []string{"approved", "审批", "批复"}, "approved"},
		{step, []string{"suspended", "停工"}, "suspended"},
		{step, []string{"terminated", "终止"}, "terminated"},
		{approval, []string{"eia", "环评"}, "eia"},
		{approval, []string{"planning", "规划许可", "规划"}, "planning"},
		{kind, []string{"new", "新建"}, "new"},
		{kind, []string{"continuing", "续建"}, "continuing"},
	} {
		for _, in := range c.in {
			got, err := c.parse(in)
			require.NoError(t, err, in)
			assert.Equal(t, c.want, got, in)
		}
	}
}

func TestEveryCodeHasAChineseNameThatReadsBack(t *testing.T) {
	for _, m := range domain.Milestones {
		assert.NotEqual(t, string(m), m.Chinese(), m)
		got, err := domain.ParseMilestone(m.Chinese())
		require.NoError(t, err)
		assert.Equal(t, m, got)
	}
	for _, s := range domain.Steps {
		assert.NotEqual(t, string(s), s.Chinese(), s)
		got, err := domain.ParseStep(s.Chinese())
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
	for _, k := range domain.ApprovalKinds {
		got, err := domain.ParseApprovalKind(k.Chinese())
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
}

func TestUnknownEnumeratedValuesAreRefusedWithTheChoicesInBothLanguages(t *testing.T) {
	_, err := domain.ParseMilestone("剪彩")
	require.ErrorIs(t, err, domain.ErrInvalid)
	assert.Contains(t, err.Error(), `"剪彩" is not a milestone; expected one of negotiating (洽谈), signed (签约)`)
	_, err = domain.ParseStep("签字")
	require.ErrorIs(t, err, domain.ErrInvalid)
	assert.Contains(t, err.Error(), "started (开工)")
	_, err = domain.ParseApprovalKind("开工")
	require.ErrorIs(t, err, domain.ErrInvalid, "开工 is a step, not an approval")
	_, err = domain.ParseProjectKind("扩建")
	require.ErrorIs(t, err, domain.ErrInvalid)
	assert.Contains(t, err.Error(), "new (新建), continuing (续建)")
	assert.Equal(t, "“扩建”不是项目类型；应为 新建（new）或 续建（continuing）", domain.Chinese(err))
}

func TestDecideStoresCodesOnly(t *testing.T) {
	// A command built by hand with a Chinese name is refused: what is
	// stored is always the code, which every reader understands.
	now := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	_, err := domain.Decide(domain.Project{ID: "P-1", Registered: true}, domain.RecordStep{Meta: domain.Meta{Actor: "a", CommandID: "c"}, Project: "P-1", Step: "签约"}, now)
	require.ErrorIs(t, err, domain.ErrInvalid)
}

func milestone(s string) (string, error) { m, err := domain.ParseMilestone(s); return string(m), err }
func step(s string) (string, error)      { m, err := domain.ParseStep(s); return string(m), err }
func approval(s string) (string, error)  { m, err := domain.ParseApprovalKind(s); return string(m), err }
func kind(s string) (string, error)      { m, err := domain.ParseProjectKind(s); return string(m), err }

func TestEveryEventReadsInChinese(t *testing.T) {
	han := regexp.MustCompile(`\p{Han}`)
	for _, et := range domain.EventTypes {
		pl, err := domain.NewPayload(et)
		require.NoError(t, err, et)
		assert.Regexp(t, han, domain.EventName(et), et)
		assert.Regexp(t, han, domain.DescribeChinese(domain.Event{Type: et, Data: pl}), et)
	}
}

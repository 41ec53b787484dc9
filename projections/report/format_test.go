package report_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/report"
)

func TestFormatMoneyIsExactWan(t *testing.T) {
	for _, tc := range []struct {
		yuan int64
		want string
	}{
		{0, "0"},
		{1, "0.0001"},
		{9999, "0.9999"},
		{10000, "1"},
		{12345, "1.2345"},
		{15000, "1.5"},
		{18000000, "1800"},
		{350000000, "35000"},
		{12345678901234567, "1234567890123.4567"}, // 17 digits: no float64 holds this exactly
		{-1, "-0.0001"},
		{-12345, "-1.2345"},
		{-18000000, "-1800"},
		{-9223372036854775808, "-922337203685477.5808"},
		{9223372036854775807, "922337203685477.5807"},
	} {
		assert.Equal(t, tc.want, report.Format(report.KindMoney, tc.yuan, report.EN), "yuan %d", tc.yuan)
	}
	assert.Equal(t, "1.2345", report.Format(report.KindMoney, 12345, report.ZH), "an int works too")
}

func TestFormatPercent(t *testing.T) {
	bp := func(v int64) *int64 { return &v }
	for _, tc := range []struct {
		v    report.Value
		want string
	}{
		{int64(1234), "12.34%"},
		{int64(0), "0.00%"},
		{int64(5), "0.05%"},
		{int64(10000), "100.00%"},
		{int64(15050), "150.50%"},
		{int64(-5), "-0.05%"},
		{bp(9999), "99.99%"},
		{(*int64)(nil), ""},
		{nil, ""},
	} {
		assert.Equal(t, tc.want, report.Format(report.KindPercent, tc.v, report.EN), "value %#v", tc.v)
	}
}

func TestFormatOtherKinds(t *testing.T) {
	at := time.Date(2026, 10, 20, 1, 30, 59, 0, time.UTC)
	for _, tc := range []struct {
		k      report.Kind
		v      report.Value
		en, zh string
	}{
		{report.KindDate, domain.NewDate(2026, 3, 9), "2026-03-09", "2026-03-09"},
		{report.KindDate, domain.Date(0), "", ""},
		{report.KindTime, at, "2026-10-20 09:30", "2026-10-20 09:30"}, // shown in Asia/Shanghai
		{report.KindTime, time.Time{}, "", ""},
		{report.KindBool, true, "yes", "是"},
		{report.KindBool, false, "no", "否"},
		{report.KindInt, 42, "42", "42"},
		{report.KindInt, nil, "", ""},
		{report.KindText, projections.LightGreen, "green", "绿灯"},
		{report.KindText, projections.LightYellow, "yellow", "黄灯"},
		{report.KindText, projections.LightRed, "red", "红灯"},
		{report.KindText, projections.LightSuspended, "suspended", "停工"},
		{report.KindText, domain.MilestoneSigned, "signed", "签约"},
		{report.KindText, domain.MilestoneStarted, "started", "开工"},
		{report.KindText, domain.MilestoneCommissioned, "commissioned", "投产"},
		{report.KindText, domain.MilestoneFullCapacity, "full_capacity", "达产"},
		{report.KindText, domain.MilestoneEIA, "eia", "环评"},
		{report.KindText, domain.MilestoneLand, "land", "土地"},
		{report.KindText, domain.MilestoneConstructionPermit, "construction_permit", "施工许可"},
		{report.KindText, domain.Registered, "registered", "已登记"},
		{report.KindText, domain.KindNew, "new", "新建"},
		{report.KindText, domain.KindContinuing, "continuing", "续建"},
		{report.KindText, []domain.ComplianceFlag{domain.FlagStartedWithoutEIA, domain.FlagStartedWithoutLand},
			"started_without_eia, started_without_land", "无环评开工、无土地开工"},
		{report.KindText, []domain.ComplianceFlag{}, "", ""},
		{report.KindText, domain.Milestone("unknown_code"), "unknown_code", "unknown_code"},
		{report.KindText, report.Label{EN: "Total", ZH: "合计"}, "Total", "合计"},
		{report.KindText, domain.ProjectID("2010-220621-47-01-000034"), "2010-220621-47-01-000034", "2010-220621-47-01-000034"},
	} {
		assert.Equal(t, tc.en, report.Format(tc.k, tc.v, report.EN), "EN %#v", tc.v)
		assert.Equal(t, tc.zh, report.Format(tc.k, tc.v, report.ZH), "ZH %#v", tc.v)
	}
}

func TestParseLang(t *testing.T) {
	for s, want := range map[string]report.Lang{"": report.EN, "en": report.EN, "zh": report.ZH, "ZH": report.ZH} {
		got, err := report.ParseLang(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, got, s)
	}
	_, err := report.ParseLang("fr")
	assert.ErrorContains(t, err, "expected en or zh")
	assert.Equal(t, "zh", report.ZH.String())
}

func TestMoneyHeaderNamesTheUnit(t *testing.T) {
	c := report.Column{Key: "total", Label: report.Label{EN: "Total investment", ZH: "总投资"}, Kind: report.KindMoney}
	assert.Equal(t, "Total investment (10k yuan)", c.Header(report.EN))
	assert.Equal(t, "总投资(万元)", c.Header(report.ZH))
}

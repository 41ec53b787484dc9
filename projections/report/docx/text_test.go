package docx

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

func TestNumeralDate(t *testing.T) {
	for _, tc := range []struct {
		d    domain.Date
		want string
	}{
		{domain.NewDate(2026, 11, 30), "二〇二六年十一月三十日"},
		{domain.NewDate(2027, 1, 1), "二〇二七年一月一日"},
		{domain.NewDate(2030, 10, 10), "二〇三〇年十月十日"},
		{domain.NewDate(2028, 2, 29), "二〇二八年二月二十九日"},
		{domain.NewDate(2026, 12, 31), "二〇二六年十二月三十一日"},
		{domain.NewDate(2026, 5, 20), "二〇二六年五月二十日"},
		{domain.NewDate(2026, 5, 15), "二〇二六年五月十五日"},
	} {
		assert.Equal(t, tc.want, numeralDate(tc.d), "%s", tc.d)
	}
}

func TestWanHasTwoDecimalsRoundedHalfAwayFromZero(t *testing.T) {
	for _, tc := range []struct {
		yuan int64
		want string
	}{
		{0, "0.00"},
		{12_000_000, "1200.00"},
		{12_345_678, "1234.57"},
		{12_345_649, "1234.56"},
		{12_345_650, "1234.57"},
		{49, "0.00"},
		{50, "0.01"},
		{-12_345_650, "-1234.57"},
		{math.MaxInt64, "922337203685477.58"},
		{math.MinInt64, "-922337203685477.58"},
	} {
		assert.Equal(t, tc.want, wan(tc.yuan), "%d yuan", tc.yuan)
	}
}

func TestPeriodNames(t *testing.T) {
	d := domain.NewDate
	for _, tc := range []struct {
		p    projections.Period
		asOf domain.Date
		want string
	}{
		{projections.Month, d(2026, 11, 30), "2026年11月"},
		{projections.Quarter, d(2026, 11, 30), "2026年第四季度"},
		{projections.Quarter, d(2026, 2, 3), "2026年第一季度"},
		{projections.Half, d(2026, 6, 30), "2026年上半年"},
		{projections.Half, d(2026, 7, 1), "2026年下半年"},
		{projections.Year, d(2026, 11, 30), "2026年"},
		{projections.Week, d(2026, 11, 25), "2026年11月23日至29日"},
		{projections.Week, d(2026, 12, 1), "2026年11月30日至12月6日"},
		{projections.Week, d(2026, 12, 29), "2026年12月28日至2027年1月3日"},
	} {
		from, _ := tc.p.Span(tc.asOf)
		b := projections.Bulletin{Period: tc.p, From: from, AsOf: tc.asOf}
		assert.Equal(t, tc.want, periodName(b), "%s %s", tc.p, tc.asOf)
		assert.Equal(t, "关于"+tc.want+"全县重点项目推进情况的通报", Options{}.title(b))
		assert.Equal(t, "关于"+tc.want+"县工信局重点项目推进情况的通报", Options{Scope: "县工信局"}.title(b))
	}
}

func TestZhSpan(t *testing.T) {
	d := domain.NewDate
	assert.Equal(t, "2026年11月1日至30日", zhSpan(d(2026, 11, 1), d(2026, 11, 30)))
	assert.Equal(t, "2026年11月1日", zhSpan(d(2026, 11, 1), d(2026, 11, 1)))
	assert.Equal(t, "2026年10月1日至11月30日", zhSpan(d(2026, 10, 1), d(2026, 11, 30)))
	assert.Equal(t, "2026年12月28日至2027年1月3日", zhSpan(d(2026, 12, 28), d(2027, 1, 3)))
}

func TestIssuerSizeFitsOneLine(t *testing.T) {
	assert.Equal(t, sizeIssuer, issuerSize(DefaultIssuer))
	long := "XX县重点项目建设工作领导小组办公室"
	hp := issuerSize(long)
	assert.Less(t, hp, sizeIssuer)
	assert.LessOrEqual(t, hp*10*len([]rune(long)), textWidth, "the name fits the text's width")
	assert.Equal(t, sizeEr, issuerSize("一个很长很长很长很长很长很长很长很长很长很长很长很长的发文机关名称"), "never smaller than the title")
}

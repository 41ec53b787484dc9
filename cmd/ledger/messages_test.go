package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestANegativeAmountIsAValueNotAFlag(t *testing.T) {
	c := newCLI(t)
	c.ok("project", "register", "P-1", "--name", "光伏", "--investment", "1亿", "--unit", "县工信局", "--leader", "李明", "--on", "2026-03-02")
	before := c.ok("history", "P-1")
	for _, args := range [][]string{
		{"report-investment", "P-1", "2026-10", "-100万"},
		{"report-investment", "P-1", "2026-10", "-1,000,000"},
		{"report-investment", "P-1", "2026-10", "--reason", "冲减", "-100万"},
	} {
		code, _, errs := c.run(args...)
		assert.Equal(t, exitFailed, code, "%v", args)
		assert.Contains(t, errs, `is negative; expected an amount of zero or more`, "%v", args)
		assert.NotContains(t, errs, "unknown shorthand flag", "%v", args)
	}
	code, _, errs := c.run("record", "funds_received", "P-1", "--amount", "-5万")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errs, `"-5万" is negative`, "a flag's value is read as the value it is")
	assert.Equal(t, before, c.ok("history", "P-1"), "nothing stored")
}

func TestNegativesAsValuesLeavesFlagsAlone(t *testing.T) {
	for _, tc := range []struct{ in, want []string }{
		{[]string{"report-investment", "P-1", "2026-10", "-100万"}, []string{"report-investment", "P-1", "2026-10", "\u2212100万"}},
		{[]string{"x", "--amount", "-5"}, []string{"x", "--amount", "-5"}},
		{[]string{"x", "--amount=1", "-5"}, []string{"x", "--amount=1", "\u22125"}},
		{[]string{"x", "-v", "--", "-5"}, []string{"x", "-v", "--", "-5"}},
		{[]string{"x", "-h"}, []string{"x", "-h"}},
	} {
		assert.Equal(t, tc.want, negativesAsValues(tc.in), "%q", tc.in)
	}
}

func TestRecordedToTheMinuteHoldsTheWholeMinute(t *testing.T) {
	c := newCLI(t)                    // 2026-11-27 10:00 in Shanghai
	c.clock.Advance(42 * time.Second) // 10:00:42
	c.ok("project", "register", "P-1", "--name", "光伏", "--investment", "1亿", "--unit", "县工信局", "--leader", "李明")
	assert.Contains(t, c.ok("history", "P-1", "--as-of-recorded", "2026-11-27 10:00"), "registered")
	code, _, errs := c.run("history", "P-1", "--as-of-recorded", "2026-11-27 09:59")
	assert.NotEqual(t, 0, code, "nothing recorded by 09:59:59")
	assert.NotEmpty(t, errs)
}

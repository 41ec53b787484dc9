package domain_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

func progress(month, text string) domain.ReportProgress {
	return domain.ReportProgress{Meta: meta, Project: pid, Month: domain.Month(month), Text: text}
}

func TestReportProgress(t *testing.T) {
	l := registered(t)
	evs := l.must(now, progress("2026-10", "  主体结构完成60%  "))
	require.Len(t, evs, 1)
	assert.Equal(t, domain.ProgressReported, evs[0].Type)
	assert.Equal(t, &domain.ProgressReportedData{Month: "2026-10", Text: "主体结构完成60%"}, evs[0].Data)
	assert.Equal(t, "主体结构完成60%", l.p.Progress["2026-10"])
	assert.Equal(t, "2026-10 progress: 主体结构完成60%", domain.Describe(evs[0]))

	// A later text for the month replaces it; the same text is no change.
	l.must(now, progress("2026-10", "主体结构封顶"))
	assert.Equal(t, "主体结构封顶", l.p.Progress["2026-10"])
	_, err := l.decide(now, progress("2026-10", "主体结构封顶"))
	assert.ErrorIs(t, err, domain.ErrNoChange)
}

func TestReportProgressRefuses(t *testing.T) {
	cases := []struct {
		name string
		cmd  domain.ReportProgress
		want error
	}{
		{"not a month", progress("2026-13", "x"), domain.ErrInvalid},
		{"empty", progress("2026-10", "  "), domain.ErrInvalid},
		{"too long", progress("2026-10", strings.Repeat("进", 1001)), domain.ErrInvalid},
		{"month not begun", progress("2026-12", "x"), domain.ErrFutureDate}, // now is 2026-11-27
		{"not registered", domain.ReportProgress{Meta: meta, Project: "P-404", Month: "2026-10", Text: "x"}, domain.ErrUnknownProject},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := registered(t)
			if c.cmd.Project == "P-404" {
				l = newLedger(t, "P-404")
			}
			_, err := l.decide(now, c.cmd)
			assert.ErrorIs(t, err, c.want)
			assert.Empty(t, l.p.Progress)
		})
	}
}

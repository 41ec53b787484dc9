package board

import (
	"fmt"
	"html"
	"html/template"
	"strings"
	"time"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/report"
)

// gantt draws the project's milestones on one time axis, as SVG: for each,
// the baseline deadline (a hollow diamond), the deadline in force (a
// filled diamond, red while it is past and open), a bar from one to the
// other when it was moved, the day it was reached (a green circle), and
// the as-of date as a line.
func gantt(audits []projections.DeadlineAudit, asOf domain.Date, lang report.Lang) template.HTML {
	if len(audits) == 0 {
		return ""
	}
	lo, hi := asOf, asOf
	for _, a := range audits {
		for _, d := range []domain.Date{a.Baseline, a.Due, a.Reached} {
			if d.IsZero() {
				continue
			}
			lo, hi = min(lo, d), max(hi, d)
		}
	}
	lo, hi = lo.AddDays(-15), hi.AddDays(15)
	span := float64(hi.DaysSince(lo))
	const left, width, rowH, top = 150.0, 600.0, 26.0, 30.0
	x := func(d domain.Date) float64 { return left + width*float64(d.DaysSince(lo))/span }
	h := top + rowH*float64(len(audits)) + 10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="gantt" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		left+width+20, h, html.EscapeString(word(lang, "timeline")))
	// Month ticks.
	for y, m := lo.Year(), int(lo.Month()); ; {
		d := domain.NewDate(y, time.Month(m), 1)
		if d > hi {
			break
		}
		if d >= lo {
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" class="tick"/>`, x(d), top-6, x(d), h-10)
			if m == 1 || m%3 == 1 {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" class="tick-label">%d-%02d</text>`, x(d)+2, top-10, y, m)
			}
		}
		if m++; m > 12 {
			y, m = y+1, 1
		}
	}
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" class="asof"/>`, x(asOf), top-6, x(asOf), h-10)
	for i, a := range audits {
		y := top + rowH*float64(i) + rowH/2
		fmt.Fprintf(&b, `<text x="4" y="%.1f" class="ms">%s</text>`, y+4, html.EscapeString(report.Term(a.Milestone, lang)))
		if a.Due != a.Baseline {
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="moved"/>`, x(a.Baseline), y, x(a.Due), y)
		}
		fmt.Fprintf(&b, `<path d="%s" class="baseline"><title>%s %s</title></path>`, diamond(x(a.Baseline), y, 6), word(lang, "baseline"), a.BaselinePrecision.Format(a.Baseline))
		cls := "due"
		if a.Reached.IsZero() && a.Due < asOf {
			cls = "due late"
		}
		fmt.Fprintf(&b, `<path d="%s" class="%s"><title>%s %s</title></path>`, diamond(x(a.Due), y, 6), cls, word(lang, "due"), a.DuePrecision.Format(a.Due))
		if !a.Reached.IsZero() {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="5" class="reached"><title>%s %s</title></circle>`, x(a.Reached), y, word(lang, "reached"), a.Reached)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func diamond(cx, cy, r float64) string {
	return fmt.Sprintf("M%.1f %.1fL%.1f %.1fL%.1f %.1fL%.1f %.1fZ", cx, cy-r, cx+r, cy, cx, cy+r, cx-r, cy)
}

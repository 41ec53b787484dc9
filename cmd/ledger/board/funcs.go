package board

import (
	"fmt"
	"html/template"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/report"
)

// funcs are the templates' functions.
var funcs = template.FuncMap{
	"t":  word,
	"tf": func(lang report.Lang, key string, args ...any) string { return fmt.Sprintf(word(lang, key), args...) },
	"navKeys": func(w *who) []string {
		if w.Scoped() {
			// A unit's reporter: the reserve and the applications are the
			// county's, not a unit's.
			return []string{"overview", "status", "overdue", "scoreboard", "bulletin", "inspection", "audit"}
		}
		return []string{"overview", "status", "overdue", "scoreboard", "bulletin", "reserve", "applications", "inspection", "audit"}
	},
	"other": func(lang report.Lang) string {
		if lang == report.EN {
			return "zh"
		}
		return "en"
	},
	"stage":   func(lang report.Lang, s string) string { return report.Term(domain.EventType(s), lang) },
	"light":   func(lang report.Lang, l string) string { return report.Term(projections.Light(l), lang) },
	"periods": func() []string { return []string{"month", "quarter", "year"} },
	"yuan":    func(y int64) string { return report.Format(report.KindMoney, y, report.ZH) + " 万元" },
	"ms":      func(lang report.Lang, m domain.Milestone) string { return report.Term(m, lang) },
	"due":     func(d domain.Date, p domain.Precision) string { return p.Format(d) },
	"role":    roleName,
}

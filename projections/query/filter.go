package query

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

// Filter narrows a report to what the reader asked for. A zero field does
// not narrow. Unit, Leader and Township must name one the ledger knows
// (*UnknownNameError); Light, Stage and Kind one of their vocabulary
// (*BadFilterError). Not every report looks at every field: see each
// method.
type Filter struct {
	Unit   string // the responsible unit
	Leader string // the responsible leader (in the overdue list: then or now)
	// Township narrows every report to the projects in this township.
	Township string
	Light    projections.Light
	Stage    string // furthest lifecycle step: "registered", "negotiating", ...
	Kind     domain.ProjectKind
	// Industry narrows the status table to one industry (行业), as
	// recorded.
	Industry string
	// Search narrows the status table to projects whose id, name or
	// national code contains it, without regard to case or full-width
	// characters.
	Search string
}

// Stages are the values Filter.Stage may take, in lifecycle order.
func Stages() []string {
	out := []string{string(domain.Registered)}
	for _, st := range []domain.EventType{domain.Negotiating, domain.Signed, domain.Started, domain.Completed, domain.Commissioned, domain.FullCapacity} {
		out = append(out, string(st))
	}
	return out
}

// stageNames are the stages as messages list them: "started (开工)".
func stageNames() []string {
	out := Stages()
	for i, s := range out {
		out[i] = s + " (" + domain.EventType(s).Chinese() + ")"
	}
	return out
}

// Canonical returns f with a light, stage or kind given by its Chinese
// name (红灯, 开工, 新建) replaced by its code, and validated.
func (f Filter) Canonical() (Filter, error) {
	if l, ok := projections.ReadLight(string(f.Light)); ok {
		f.Light = l
	}
	var stages []domain.EventType
	for _, s := range Stages() {
		stages = append(stages, domain.EventType(s))
	}
	if st, ok := domain.ReadEventType(f.Stage, stages); ok {
		f.Stage = string(st)
	}
	if k, err := domain.ParseProjectKind(string(f.Kind)); err == nil {
		f.Kind = k
	}
	return f, f.Validate()
}

// Validate refuses values that no project can have, rather than answer
// with nothing: one *BadFilterError per such field, joined.
func (f Filter) Validate() error {
	check := func(field, value string, allowed ...string) error {
		if value == "" || slices.ContainsFunc(allowed, func(a string) bool { return value == a || strings.HasPrefix(a, value+" (") }) {
			return nil
		}
		return &BadFilterError{Field: field, Value: value, Allowed: allowed}
	}
	return errors.Join(
		check("light", string(f.Light), "green (绿灯)", "yellow (黄灯)", "red (红灯)", "suspended (停工)"),
		check("stage", f.Stage, stageNames()...),
		check("kind", string(f.Kind), "new (新建)", "continuing (续建)"),
	)
}

func match(filter, value string) bool { return filter == "" || filter == value }

// projects keeps the rows of the township asked for.
func (f Filter) projects(rows []*projections.Row) []*projections.Row {
	if f.Township == "" {
		return rows
	}
	return slices.DeleteFunc(slices.Clone(rows), func(r *projections.Row) bool { return r.Township != f.Township })
}

func (f Filter) status(rows []projections.StatusRow) []projections.StatusRow {
	search := fold(f.Search)
	return slices.DeleteFunc(rows, func(r projections.StatusRow) bool {
		return !match(f.Unit, r.Unit) || !match(f.Leader, r.Leader) || !match(string(f.Light), string(r.Light)) ||
			!match(f.Stage, r.Stage) || !match(string(f.Kind), string(r.Kind)) || !match(f.Industry, r.Industry) ||
			(search != "" && !strings.Contains(fold(string(r.Project)), search) && !strings.Contains(fold(r.Name), search) &&
				!strings.Contains(fold(r.NationalCode), search))
	})
}

// fold makes text comparable for a search: half-width, lower case, no
// spaces.
func fold(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(width.Fold.String(s)), ""))
}

func (f Filter) overdue(rows []projections.OverdueRow) []projections.OverdueRow {
	return slices.DeleteFunc(rows, func(r projections.OverdueRow) bool {
		return !match(f.Unit, r.Unit) || !match(string(f.Light), string(r.Light)) ||
			(f.Leader != "" && f.Leader != r.LeaderThen && f.Leader != r.LeaderNow)
	})
}

func (f Filter) scores(rows []projections.ScoreRow) []projections.ScoreRow {
	return slices.DeleteFunc(rows, func(r projections.ScoreRow) bool {
		return (r.By == "unit" && !match(f.Unit, r.Name)) || (r.By == "leader" && !match(f.Leader, r.Name))
	})
}

func (f Filter) investment(rows []projections.InvestmentRow) []projections.InvestmentRow {
	return slices.DeleteFunc(rows, func(r projections.InvestmentRow) bool { return !match(f.Unit, r.Unit) })
}

func (f Filter) unitInvestment(rows []projections.UnitInvestmentRow) []projections.UnitInvestmentRow {
	return slices.DeleteFunc(rows, func(r projections.UnitInvestmentRow) bool { return !match(f.Unit, r.Unit) })
}

func (f Filter) supervision(rows []projections.SupervisionRow) []projections.SupervisionRow {
	return slices.DeleteFunc(rows, func(r projections.SupervisionRow) bool { return !match(f.Unit, r.Unit) })
}

// names are the units, leaders (current and earlier) and townships rows
// name.
type names struct {
	units, leaders, townships map[string]bool
}

func namesOf(rows []*projections.Row) names {
	n := names{units: map[string]bool{}, leaders: map[string]bool{}, townships: map[string]bool{}}
	add := func(m map[string]bool, s string) {
		if s != "" {
			m[s] = true
		}
	}
	for _, r := range rows {
		add(n.units, r.Unit)
		add(n.leaders, r.Leader)
		for _, t := range r.Leaders {
			add(n.leaders, t.Leader)
		}
		add(n.townships, r.Township)
	}
	return n
}

// unknown returns the first of f's names that n does not hold, as an
// *UnknownNameError, or nil.
func (f Filter) unknown(n names) error {
	for _, c := range []struct {
		field, value string
		known        map[string]bool
	}{{"unit", f.Unit, n.units}, {"leader", f.Leader, n.leaders}, {"township", f.Township, n.townships}} {
		if c.value != "" && !c.known[c.value] {
			return &UnknownNameError{Field: c.field, Value: c.value, Closest: closest(c.value, c.known, 3)}
		}
	}
	return nil
}

// checkNames refuses f when it names a unit, leader or township the ledger
// does not know. rows are those read for the report; only when they do
// not hold every name asked for are all the ledger's rows read: the
// projections when cut is zero, else the whole stream (a name may be
// known now and not yet at the cut: that is an empty report, not a
// mistake).
func (s *Service) checkNames(ctx context.Context, f Filter, rows []*projections.Row, cut projections.Cut) error {
	if f.Unit == "" && f.Leader == "" && f.Township == "" {
		return nil
	}
	if f.unknown(namesOf(rows)) == nil {
		return nil
	}
	all, err := s.allRows(ctx, !cut.IsZero())
	if err != nil {
		return err
	}
	return f.unknown(namesOf(all))
}

// closest returns up to n of known nearest to s by edit distance on runes,
// nearest first, ties by name. A name that must be rewritten whole (it
// shares nothing with s) is no hint and is left out.
func closest(s string, known map[string]bool, n int) []string {
	type scored struct {
		name string
		d    int
	}
	var all []scored
	for k := range known {
		if d := domain.EditDistance(s, k); d < max(utf8.RuneCountInString(s), utf8.RuneCountInString(k)) {
			all = append(all, scored{k, d})
		}
	}
	slices.SortFunc(all, func(a, b scored) int { return cmp.Or(cmp.Compare(a.d, b.d), cmp.Compare(a.name, b.name)) })
	out := make([]string, 0, n)
	for _, c := range all[:min(n, len(all))] {
		out = append(out, c.name)
	}
	return out
}

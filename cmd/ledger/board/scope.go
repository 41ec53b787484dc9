package board

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/keyprojects/ledger/eventstore/access"
)

// A unit reporter (单位填报) sees only the projects of its units: every
// report is narrowed to one of them (the first unless the page asks for
// another of its own), and a card of another unit's project answers 404,
// as a project that does not exist would, so that ids do not leak.

// Scoped reports whether the reader sees only its units' projects.
func (w *who) Scoped() bool { return w != nil && w.User != nil && w.User.Scoped() }

// Sees reports whether the reader may see a project of unit.
func (w *who) Sees(unit string) bool { return !w.Scoped() || w.User.HasUnit(unit) }

// MayReport reports whether the reader may report steps, investment,
// explanations and requests for new deadlines for a project of unit: the
// unit's own reporter, and the key-project office's recorder.
func (w *who) MayReport(unit string) bool {
	switch w.Role() {
	case access.Recorder:
		return true
	case access.UnitReporter:
		return w.User.HasUnit(unit)
	}
	return false
}

// MayDecide reports whether the reader may approve or refuse the new
// deadline a unit asked for: the key-project office (recorder).
func (w *who) MayDecide() bool { return w.Role() == access.Recorder }

// scope narrows p to the reader's units: a unit reporter's reports are of
// one of its units. A unit it is not bound to is not there for it (404).
func scope(r *http.Request, p *params) error {
	w := whoOf(r)
	if !w.Scoped() {
		return nil
	}
	unit := p.report.Filter.Unit
	if unit == "" && len(w.User.Units) > 0 {
		unit = w.User.Units[0]
	}
	if !w.User.HasUnit(unit) {
		return fmt.Errorf("%w: unit %s", errNotFound, unit)
	}
	p.report.Filter.Unit = unit
	v := url.Values{}
	for k, vs := range p.Values {
		v[k] = vs
	}
	v.Set("unit", unit)
	p.Values = v
	return nil
}

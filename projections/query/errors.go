package query

import (
	"errors"
	"fmt"
	"strings"

	"github.com/keyprojects/ledger/domain"
)

// The errors a Service returns, to match with errors.Is. Errors from the
// projections (projections.ErrNoProjections, projections.ErrAheadOfStream)
// and the store pass through wrapped.
var (
	// ErrUnknownName is matched by an *UnknownNameError: a filter names a
	// unit, leader or township the ledger does not know.
	ErrUnknownName = errors.New("no such name in the ledger")
	// ErrBadFilter is matched by a *BadFilterError: a filter value that no
	// project can ever have (a light, stage or kind not in the ledger's
	// vocabulary).
	ErrBadFilter = errors.New("filter value out of range")
	// ErrStreamUnreadable is matched by a *StreamUnreadableError: a query
	// needs the event stream, which the reader may not read (a Service
	// built WithoutStream).
	ErrStreamUnreadable = errors.New("the event stream is not readable")
	// ErrNoEvents is matched by a *NoEventsError: a project has no events
	// (in the cut asked for).
	ErrNoEvents = errors.New("project has no events")
	// ErrBadOrder is returned by ParseStatusOrder for an unknown order.
	ErrBadOrder = errors.New("unknown order")
)

// UnknownNameError refuses a filter value that matches nothing in the
// ledger, naming the closest known names.
type UnknownNameError struct {
	Field   string   // "unit", "leader" or "township"
	Value   string   // what was asked for
	Closest []string // the known names nearest to Value, nearest first; at most three, maybe none
}

// Error implements error: `no unit "县工信" in the ledger; the closest: 县工信局, 县商务局`.
func (e *UnknownNameError) Error() string {
	s := fmt.Sprintf("no %s %q in the ledger", e.Field, e.Value)
	if len(e.Closest) > 0 {
		s += "; the closest: " + strings.Join(e.Closest, ", ")
	}
	return s
}

// Is makes errors.Is(err, ErrUnknownName) true.
func (e *UnknownNameError) Is(target error) bool { return target == ErrUnknownName }

// BadFilterError refuses a filter value outside its field's vocabulary.
type BadFilterError struct {
	Field   string // "light", "stage" or "kind"
	Value   string
	Allowed []string
}

// Error implements error: `light "rde": expected one of green, yellow, red, suspended`.
func (e *BadFilterError) Error() string {
	return fmt.Sprintf("%s %q: expected one of %s", e.Field, e.Value, strings.Join(e.Allowed, ", "))
}

// Is makes errors.Is(err, ErrBadFilter) true.
func (e *BadFilterError) Is(target error) bool { return target == ErrBadFilter }

// StreamUnreadableError refuses a query on a past date or as recorded at a
// time from a reader who may read the projections only.
type StreamUnreadableError struct {
	Stream string
	Reader string // names the reader, e.g. "user reporter"
}

// Error implements error.
func (e *StreamUnreadableError) Error() string {
	return fmt.Sprintf("a report on a past date or as recorded at a time reads the event stream %s again, which %s may not read; it reads the current projections only", e.Stream, e.Reader)
}

// Is makes errors.Is(err, ErrStreamUnreadable) true.
func (e *StreamUnreadableError) Is(target error) bool { return target == ErrStreamUnreadable }

// NoEventsError says a project has no events, or none inside a cut.
type NoEventsError struct {
	Project domain.ProjectID
	InCut   bool // the project has events, but none inside the cut
	// Closest are the ids (or national codes) nearest to Project of the
	// projects in the ledger, nearest first.
	Closest []string
}

// Error implements error.
func (e *NoEventsError) Error() string {
	if e.InCut {
		return fmt.Sprintf("project %s has no events in that time", e.Project)
	}
	msg := fmt.Sprintf("project %s has no events", e.Project)
	if len(e.Closest) > 0 {
		msg += "; the closest: " + strings.Join(e.Closest, ", ")
	}
	return msg
}

// Is makes errors.Is(err, ErrNoEvents) true.
func (e *NoEventsError) Is(target error) bool { return target == ErrNoEvents }

package projections

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// LateEntry is an event recorded long after the day it says it happened:
// a backdated entry, a classic audit finding.
type LateEntry struct {
	Project  domain.ProjectID `json:"project"`
	Sequence uint64           `json:"sequence"`
	Type     domain.EventType `json:"type"`
	Summary  string           `json:"summary"`
	// SummaryChinese is Summary in Chinese (domain.DescribeChinese).
	SummaryChinese string      `json:"-"`
	OccurredOn     domain.Date `json:"occurred_on"`
	RecordedAt     time.Time   `json:"recorded_at"`
	RecordedOn     domain.Date `json:"recorded_on"` // the recording day in the project's zone
	Actor          string      `json:"actor"`
	DaysLate       int         `json:"days_late"` // RecordedOn - OccurredOn
}

// LateEntries returns the events recorded more than minDays days after the
// day they occurred, most days late first; deadline_missed events, dated by
// their deadline by design, are left out. loc is each project's zone.
func LateEntries(records []eventstore.Record, minDays int, loc func(domain.ProjectID) *time.Location) []LateEntry {
	var out []LateEntry
	for _, r := range records {
		if r.Type == domain.DeadlineMissed {
			continue // dated by its deadline on purpose; the watcher records it when the day ends
		}
		on := domain.DateOf(r.RecordedAt, loc(r.Project))
		if days := on.DaysSince(r.OccurredOn); days > minDays {
			out = append(out, LateEntry{Project: r.Project, Sequence: r.Sequence, Type: r.Type, Summary: domain.Describe(r.Event),
				SummaryChinese: domain.DescribeChinese(r.Event), OccurredOn: r.OccurredOn, RecordedAt: r.RecordedAt, RecordedOn: on, Actor: r.Actor, DaysLate: days})
		}
	}
	slices.SortStableFunc(out, func(a, b LateEntry) int {
		return cmp.Or(cmp.Compare(b.DaysLate, a.DaysLate), cmp.Compare(a.Sequence, b.Sequence))
	})
	return out
}

// DeadlineAudit is one milestone's deadline history: the baseline, every
// move, the misses and the outcome.
type DeadlineAudit struct {
	Milestone domain.Milestone  `json:"milestone"`
	Baseline  domain.Date       `json:"baseline"`
	Revisions []domain.Revision `json:"revisions"`
	Due       domain.Date       `json:"due"`
	Missed    []domain.Date     `json:"missed"`    // deadlines recorded as missed
	Explained []domain.Date     `json:"explained"` // deadlines a delay explanation was filed for
	Reached   domain.Date       `json:"reached"`   // zero while open
	Outcome   string            `json:"outcome"`
	// OutcomeChinese is Outcome in Chinese: 按期完成, 逾期 N 天完成,
	// 未完成（停工中）, 未完成，已逾期 N 天, 未完成.
	OutcomeChinese string `json:"-"`
	// The precisions of Due and Baseline; left out for a day.
	DuePrecision      domain.Precision `json:"due_precision,omitempty"`
	BaselinePrecision domain.Precision `json:"baseline_precision,omitempty"`
}

// DeadlineAudits returns every planned milestone of project p in plan
// order, with its outcome on asOf: "reached on time", "reached N days
// late", "open, N days late", "open" or "open, construction suspended".
func DeadlineAudits(p *domain.Project, asOf domain.Date) []DeadlineAudit {
	var out []DeadlineAudit
	for _, m := range domain.Milestones {
		dl := p.Deadlines[m]
		if dl == nil {
			continue
		}
		a := DeadlineAudit{Milestone: m, Baseline: dl.Baseline, Revisions: nonNil(dl.Revisions), Due: dl.Due,
			Missed: nonNil(dl.Missed), Explained: nonNil(dl.Explained), Reached: dl.Reached,
			DuePrecision: dl.Precision, BaselinePrecision: dl.BaselinePrecision}
		switch late := dl.Reached.DaysSince(dl.Due); {
		case !dl.Reached.IsZero() && late <= 0:
			a.Outcome, a.OutcomeChinese = "reached on time", "按期完成"
		case !dl.Reached.IsZero():
			a.Outcome, a.OutcomeChinese = "reached "+domain.Days(late)+" late", fmt.Sprintf("逾期 %d 天完成", late)
		case p.SuspendedOn(asOf):
			a.Outcome, a.OutcomeChinese = "open, construction suspended", "未完成（停工中）"
		case asOf > dl.Due:
			a.Outcome = "open, " + domain.Days(asOf.DaysSince(dl.Due)) + " late"
			a.OutcomeChinese = fmt.Sprintf("未完成，已逾期 %d 天", asOf.DaysSince(dl.Due))
		default:
			a.Outcome, a.OutcomeChinese = "open", "未完成"
		}
		out = append(out, a)
	}
	return out
}

// LeaderAudit is one responsible leader's term.
type LeaderAudit struct {
	Leader string      `json:"leader"`
	From   domain.Date `json:"from"`
	To     domain.Date `json:"to"` // the day the next leader took over; zero for the current one
}

// LeaderAudits returns who answered for project p, and when.
func LeaderAudits(p *domain.Project) []LeaderAudit {
	out := make([]LeaderAudit, len(p.Leaders))
	for i, t := range p.Leaders {
		out[i] = LeaderAudit{Leader: t.Leader, From: t.From}
		if i+1 < len(p.Leaders) {
			out[i].To = p.Leaders[i+1].From
		}
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

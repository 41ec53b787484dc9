package domain

import (
	"maps"
	"slices"
	"time"
)

// Project is the state a project's history folds into: what Decide needs to
// judge the next command. Build it with Fold, or start from NewProject and
// call Evolve once per event, in order.
type Project struct {
	ID         ProjectID `json:"id"`
	Version    int       `json:"version"` // events applied
	Registered bool      `json:"registered"`
	// RegisteredOn is the date of the registered event.
	RegisteredOn Date `json:"registered_on,omitempty"`

	Name            string      `json:"name,omitempty"`
	TotalInvestment int64       `json:"total_investment_yuan,omitempty"`
	Unit            string      `json:"unit,omitempty"`
	Leader          string      `json:"leader,omitempty"`
	Township        string      `json:"township,omitempty"`
	Kind            ProjectKind `json:"kind,omitempty"`
	TimeZone        string      `json:"time_zone,omitempty"`
	Industry        string      `json:"industry,omitempty"`
	Content         string      `json:"content,omitempty"` // 建设内容
	NationalCode    string      `json:"national_code,omitempty"`

	// Steps holds the date of each lifecycle step recorded; for repeatable
	// steps (funds_received, suspended, resumed) the latest.
	Steps     map[EventType]Date    `json:"steps,omitempty"`
	Approvals map[ApprovalKind]Date `json:"approvals,omitempty"`
	Suspended bool                  `json:"suspended,omitempty"`
	// Suspensions are the periods construction was halted, in order.
	Suspensions []Suspension `json:"suspensions,omitempty"`
	Terminated  bool         `json:"terminated,omitempty"`
	FundsTotal  int64        `json:"funds_total_yuan,omitempty"` // integer yuan received so far
	Funds       []Tranche    `json:"funds,omitempty"`            // the tranches, in order of record
	// ApprovalRefs holds the document number of each approval that has one.
	ApprovalRefs map[ApprovalKind]string `json:"approval_refs,omitempty"`

	Deadlines  map[Milestone]*Deadline `json:"deadlines,omitempty"`
	Leaders    []LeaderTerm            `json:"leaders,omitempty"`
	Investment map[Month]int64         `json:"investment_yuan,omitempty"`  // completed, per month
	AnnualPlan map[int]int64           `json:"annual_plan_yuan,omitempty"` // planned, per year
	Progress   map[Month]string        `json:"progress,omitempty"`         // 形象进度, per month
	Issues     map[string]*Issue       `json:"issues,omitempty"`
	Flags      []ComplianceFlag        `json:"flags,omitempty"`

	LastRecordedAt time.Time `json:"last_recorded_at"`

	// Reserve is set for a project that came through the reserve pool
	// (conceived in the ledger): its stages, kept after its conversion.
	Reserve *Reserve `json:"reserve,omitempty"`
	// Applications are its upward applications (争取), by id.
	Applications map[string]*Application `json:"applications,omitempty"`

	// Evidence are the files attached to the project's events, in order.
	Evidence []Attached `json:"evidence,omitempty"`

	// Units is set only in the unit register's history (UnitRegisterID).
	Units *UnitRegister `json:"units,omitempty"`
	// Published is set only in the publications' history
	// (PublicationsID): the day each report and period was published,
	// by PublicationKey.
	Published map[string]Date `json:"published,omitempty"`

	loc *time.Location // TimeZone resolved once, by Evolve
}

// Deadline is one milestone's plan: its baseline, its current deadline, how
// it was revised, and whether it was reached, missed or explained.
type Deadline struct {
	Milestone Milestone  `json:"milestone"`
	Baseline  Date       `json:"baseline"`
	Due       Date       `json:"due"`
	Revisions []Revision `json:"revisions,omitempty"`
	Reached   Date       `json:"reached,omitempty"`   // zero while not reached
	Missed    []Date     `json:"missed,omitempty"`    // deadlines recorded as missed, in order
	Explained []Date     `json:"explained,omitempty"` // deadlines a delay explanation was filed for
	// Precision is the precision of Due, BaselinePrecision that of
	// Baseline: PrecisionDay (left out) unless the plan gave a month,
	// quarter, half year or year, whose last day Due is.
	Precision         Precision `json:"precision,omitempty"`
	BaselinePrecision Precision `json:"baseline_precision,omitempty"`
	// Requested is the new deadline a unit asked for, while it waits for
	// the office's decision.
	Requested *RevisionRequest `json:"requested,omitempty"`
}

// Revision is one move of a deadline. A revision made On a day after From
// moved a deadline that had already been missed.
type Revision struct {
	From       Date      `json:"from"`
	To         Date      `json:"to"`
	On         Date      `json:"on"`
	Reason     string    `json:"reason"`
	Actor      string    `json:"actor"`
	RecordedAt time.Time `json:"recorded_at"`
	// FromPrecision and Precision are the precisions of From and To.
	FromPrecision Precision `json:"from_precision,omitempty"`
	Precision     Precision `json:"precision,omitempty"`
}

// PrecisionOf returns the precision date d had as a deadline of dl: the
// current deadline's, a revision's or the baseline's, the latest first;
// PrecisionDay for a date that was never its deadline.
func (dl *Deadline) PrecisionOf(d Date) Precision {
	if d == dl.Due {
		return dl.Precision
	}
	for i := len(dl.Revisions) - 1; i >= 0; i-- {
		switch r := dl.Revisions[i]; d {
		case r.To:
			return r.Precision
		case r.From:
			return r.FromPrecision
		}
	}
	if d == dl.Baseline {
		return dl.BaselinePrecision
	}
	return PrecisionDay
}

// Suspension is a period construction was halted: from the suspension day
// up to the day it resumed (To is zero while still halted).
type Suspension struct {
	From Date `json:"from"`
	To   Date `json:"to,omitempty"`
}

// LeaderTerm is one responsible leader's time on the project.
type LeaderTerm struct {
	Leader string `json:"leader"`
	From   Date   `json:"from"`
}

// Issue is one supervision item (挂账督办).
type Issue struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	RaisedOn   Date   `json:"raised_on"`
	RaisedBy   string `json:"raised_by"`
	ResolvedOn Date   `json:"resolved_on,omitempty"` // zero while open
	Resolution string `json:"resolution,omitempty"`
	ResolvedBy string `json:"resolved_by,omitempty"`
}

// NewProject returns the empty state of a project that has no events yet.
func NewProject(id ProjectID) Project {
	p := Project{ID: id}
	p.ensureMaps()
	return p
}

// ensureMaps makes the state's maps, which a state read back from JSON may
// lack, so that Evolve can fill them.
func (p *Project) ensureMaps() {
	if p.Steps == nil {
		p.Steps = map[EventType]Date{}
	}
	if p.Approvals == nil {
		p.Approvals = map[ApprovalKind]Date{}
	}
	if p.ApprovalRefs == nil {
		p.ApprovalRefs = map[ApprovalKind]string{}
	}
	if p.Deadlines == nil {
		p.Deadlines = map[Milestone]*Deadline{}
	}
	if p.Investment == nil {
		p.Investment = map[Month]int64{}
	}
	if p.AnnualPlan == nil {
		p.AnnualPlan = map[int]int64{}
	}
	if p.Issues == nil {
		p.Issues = map[string]*Issue{}
	}
}

// Fold returns the state after events, which must be one project's history
// in order.
func Fold(id ProjectID, events []Event) Project {
	p := NewProject(id)
	for _, e := range events {
		Evolve(&p, e)
	}
	return p
}

// Location returns the project's time zone, DefaultTimeZone if unset or
// unknown.
func (p *Project) Location() *time.Location {
	if p.loc != nil {
		return p.loc
	}
	return resolveZone(p.TimeZone)
}

func resolveZone(name string) *time.Location {
	loc, err := LoadZone(name)
	if err != nil {
		loc, _ = LoadZone("")
	}
	return loc
}

// LeaderOn returns who was the responsible leader on date d ("" if nobody
// was yet).
func (p *Project) LeaderOn(d Date) string {
	leader := ""
	for _, t := range p.Leaders {
		if t.From <= d {
			leader = t.Leader
		}
	}
	return leader
}

// ResponsibleOn returns the leader who answers for the project's deadline
// on date d: the leader then, or, for a date before the project entered
// the ledger, the first leader the ledger knows (it knows no earlier one).
func (p *Project) ResponsibleOn(d Date) string {
	if l := p.LeaderOn(d); l != "" {
		return l
	}
	if len(p.Leaders) > 0 {
		return p.Leaders[0].Leader
	}
	return p.Leader
}

// Evolve applies one event to the state. Events are facts: Evolve never
// refuses one, it only records what it says.
func Evolve(p *Project, e Event) {
	p.ensureMaps()
	p.Version++
	p.LastRecordedAt = e.RecordedAt
	switch d := e.Data.(type) {
	case *RegisteredData:
		p.Registered, p.RegisteredOn = true, e.OccurredOn
		p.Name, p.TotalInvestment, p.Unit = d.Name, d.TotalInvestment, d.Unit
		p.Leader, p.Township, p.Kind, p.TimeZone = d.Leader, d.Township, d.Kind, d.TimeZone
		p.Industry, p.NationalCode, p.Content = d.Industry, d.NationalCode, d.Content
		p.loc = resolveZone(d.TimeZone)
		p.Leaders = append(p.Leaders, LeaderTerm{Leader: d.Leader, From: e.OccurredOn})
	case *LeaderAssignedData:
		p.Leader = d.Leader
		p.Leaders = append(p.Leaders, LeaderTerm{Leader: d.Leader, From: e.OccurredOn})
	case *MilestonePlannedData:
		p.Deadlines[d.Milestone] = &Deadline{Milestone: d.Milestone, Baseline: d.Due, Due: d.Due, Precision: d.Precision, BaselinePrecision: d.Precision}
	case *DeadlineRevisedData:
		if dl := p.Deadlines[d.Milestone]; dl != nil {
			// A revision without a precision (version 1, or a day) is due
			// on a day.
			dl.Revisions = append(dl.Revisions, Revision{From: d.From, To: d.Due, On: e.OccurredOn, Reason: d.Reason, Actor: e.Actor, RecordedAt: e.RecordedAt,
				FromPrecision: dl.PrecisionOf(d.From), Precision: d.Precision})
			dl.Due, dl.Precision = d.Due, d.Precision
		}
	case *ApprovedData:
		p.Approvals[d.Kind] = e.OccurredOn
		if d.Reference != "" {
			p.ApprovalRefs[d.Kind] = d.Reference
		}
	case *StartedData:
		p.Steps[Started] = e.OccurredOn
		p.Flags = append(p.Flags, d.Flags...)
	case *FundsReceivedData:
		p.Steps[FundsReceived] = max(p.Steps[FundsReceived], e.OccurredOn) // the latest tranche
		p.FundsTotal += d.Amount
		p.Funds = append(p.Funds, Tranche{On: e.OccurredOn, Amount: d.Amount, Reference: d.Reference})
	case *SuspendedData:
		p.Steps[Suspended] = e.OccurredOn
		p.Suspended = true
		p.Suspensions = append(p.Suspensions, Suspension{From: e.OccurredOn})
	case *StepData:
		p.Steps[e.Type] = e.OccurredOn
		if e.Type == Resumed {
			p.Suspended = false
			if n := len(p.Suspensions); n > 0 {
				p.Suspensions[n-1].To = e.OccurredOn
			}
		}
	case *TerminatedData:
		p.Steps[Terminated] = e.OccurredOn
		p.Terminated = true
	case *InvestmentReportedData:
		p.Investment[d.Month] = d.Amount
	case *ProgressReportedData:
		if p.Progress == nil {
			p.Progress = map[Month]string{}
		}
		p.Progress[d.Month] = d.Text
	case *InvestmentPlannedData:
		p.AnnualPlan[d.Year] = d.Amount
	case *IssueRaisedData:
		p.Issues[d.IssueID] = &Issue{ID: d.IssueID, Title: d.Title, RaisedOn: e.OccurredOn, RaisedBy: e.Actor}
	case *IssueResolvedData:
		if is := p.Issues[d.IssueID]; is != nil {
			is.ResolvedOn, is.Resolution, is.ResolvedBy = e.OccurredOn, d.Resolution, e.Actor
		}
	case *DelayExplainedData:
		if dl := p.Deadlines[d.Milestone]; dl != nil {
			dl.Explained = append(dl.Explained, d.Due)
		}
	case *DeadlineMissedData:
		if dl := p.Deadlines[d.Milestone]; dl != nil {
			dl.Missed = append(dl.Missed, d.Due)
		}
	case *FactsCorrectedData, *RecordCorrectedData, *DeadlineWithdrawnData:
		evolveCorrection(p, e)
	case *RevisionRequestedData:
		if dl := p.Deadlines[d.Milestone]; dl != nil {
			dl.Requested = &RevisionRequest{Due: d.Due, Precision: d.Precision, Reason: d.Reason, On: e.OccurredOn, By: e.Actor}
		}
	case *RevisionDecidedData:
		if dl := p.Deadlines[d.Milestone]; dl != nil {
			dl.Requested = nil
		}
	case *ConceivedData:
		p.Reserve = &Reserve{Name: d.Name, ProposedBy: d.ProposedBy, BodyKind: d.BodyKind, Industry: d.Industry,
			PlannedInvestment: d.PlannedInvestment, Conceived: e.OccurredOn}
		p.TimeZone, p.loc = d.TimeZone, resolveZone(d.TimeZone)
	case *AssessedData:
		if r := p.Reserve; r != nil {
			r.Assessed, r.Feasible, r.Conclusion = e.OccurredOn, d.Feasible, d.Conclusion
		}
	case *ReservedData:
		if r := p.Reserve; r != nil {
			if r.Libraries == nil {
				r.Libraries = map[Level]Date{}
			}
			r.Libraries[d.Level] = e.OccurredOn
		}
	case *PackagedData:
		if r := p.Reserve; r != nil {
			r.Packaged, r.PackagedFor = e.OccurredOn, d.Purpose
		}
	case *ConvertedData:
		if r := p.Reserve; r != nil {
			r.Converted, r.Year, r.List = e.OccurredOn, d.Year, d.List
		}
	case *DroppedData:
		if r := p.Reserve; r != nil {
			r.Dropped, r.DropReason = e.OccurredOn, d.Reason
		}
	case *ApplicationSubmittedData:
		if p.Applications == nil {
			p.Applications = map[string]*Application{}
		}
		p.Applications[d.Application] = &Application{ID: d.Application, Level: d.Level, Programme: d.Programme, Asked: d.Asked, Submitted: e.OccurredOn}
	case *ApplicationAnsweredData:
		if a := p.Applications[d.Application]; a != nil {
			a.Answered, a.Approved, a.Granted, a.Document = e.OccurredOn, d.Approved, d.Granted, d.Document
		}
	case *GrantReceivedData:
		if a := p.Applications[d.Application]; a != nil {
			a.Received += d.Amount
			a.Tranches = append(a.Tranches, Tranche{On: e.OccurredOn, Amount: d.Amount, Reference: d.Reference})
		}
	case *EvidenceAttachedData:
		for _, f := range d.Files {
			p.Evidence = append(p.Evidence, Attached{EvidenceFile: f, About: d.About, On: e.OccurredOn})
		}
	case *ReportPublishedData:
		if p.Published == nil {
			p.Published = map[string]Date{}
		}
		p.Published[PublicationKey(d.Report, d.Period)] = e.OccurredOn
	case *UnitRegisteredData, *UnitAliasAddedData:
		if p.Units == nil {
			p.Units = &UnitRegister{}
		} else {
			p.Units = p.Units.clone() // states cloned before share nothing
		}
		p.Units.evolve(e)
	}
	if e.Type == Signed || e.Type == Started || e.Type == RecordCorrected {
		p.orderFlags()
	}
	if m, ok := MilestoneReached(e); ok {
		// The earliest date reaches a milestone, whatever the order the
		// facts were recorded in (funds arrive in tranches).
		if dl := p.Deadlines[m]; dl != nil && (dl.Reached.IsZero() || e.OccurredOn < dl.Reached) {
			dl.Reached = e.OccurredOn
		}
	}
}

// SuspendedOn reports whether construction was halted on date d: on or
// after a suspension day and before the day it resumed.
func (p *Project) SuspendedOn(d Date) bool {
	for _, s := range p.Suspensions {
		if s.From <= d && (s.To.IsZero() || d < s.To) {
			return true
		}
	}
	return false
}

// MissedDeadlines returns the deadlines of milestone m that are missed at
// instant now and not yet recorded as missed, earliest first. A deadline D
// is missed when
//
//   - D was the milestone's deadline when D's day ended: it is the current
//     deadline, or a revision moved it away from D only on a later day;
//   - the milestone was not reached by D;
//   - D's day has ended in the project's time zone (now is at or after
//     midnight starting the next day);
//   - construction was not suspended on D.
//
// This is the rule the deadline watcher applies and Decide enforces.
func (p *Project) MissedDeadlines(m Milestone, now time.Time) []Date {
	dl := p.Deadlines[m]
	if dl == nil || p.Terminated {
		return nil
	}
	var out []Date
	consider := func(d Date) {
		if (dl.Reached.IsZero() || dl.Reached > d) && !now.Before(d.End(p.Location())) &&
			!p.SuspendedOn(d) && !slices.Contains(dl.Missed, d) && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	for _, r := range dl.Revisions {
		if r.On > r.From {
			consider(r.From)
		}
	}
	consider(dl.Due)
	slices.Sort(out)
	return out
}

// Reached reports whether milestone m was reached, and when.
func (p *Project) Reached(m Milestone) (Date, bool) {
	for _, k := range ApprovalKinds {
		if Milestone(k) == m {
			d, ok := p.Approvals[k]
			return d, ok
		}
	}
	d, ok := p.Steps[EventType(m)]
	return d, ok
}

// Clone returns a deep copy of p, to evolve without changing p.
func (p *Project) Clone() Project {
	q := *p
	q.Steps = maps.Clone(p.Steps)
	q.Approvals = maps.Clone(p.Approvals)
	q.ApprovalRefs = maps.Clone(p.ApprovalRefs)
	q.Funds = slices.Clone(p.Funds)
	q.Investment = maps.Clone(p.Investment)
	q.Progress = maps.Clone(p.Progress)
	q.AnnualPlan = maps.Clone(p.AnnualPlan)
	q.Suspensions = slices.Clone(p.Suspensions)
	q.Leaders = slices.Clone(p.Leaders)
	q.Flags = slices.Clone(p.Flags)
	q.Evidence = slices.Clone(p.Evidence)
	q.Reserve = p.Reserve.clone()
	if p.Applications != nil {
		q.Applications = make(map[string]*Application, len(p.Applications))
		for id, a := range p.Applications {
			c := *a
			c.Tranches = slices.Clone(a.Tranches)
			q.Applications[id] = &c
		}
	}
	q.Published = maps.Clone(p.Published)
	q.Deadlines = make(map[Milestone]*Deadline, len(p.Deadlines))
	for m, dl := range p.Deadlines {
		c := *dl
		c.Revisions = slices.Clone(dl.Revisions)
		c.Missed = slices.Clone(dl.Missed)
		c.Explained = slices.Clone(dl.Explained)
		if dl.Requested != nil {
			r := *dl.Requested
			c.Requested = &r
		}
		q.Deadlines[m] = &c
	}
	q.Issues = make(map[string]*Issue, len(p.Issues))
	for id, is := range p.Issues {
		c := *is
		q.Issues[id] = &c
	}
	return q
}

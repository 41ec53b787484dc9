package domain

import (
	"time"
)

// EventType names what happened, in the past tense. It is also the last
// token of the event's subject, ledger.<project>.<type>.
type EventType string

// The event types. Their fields are catalogued in docs/events.md.
const (
	Registered         EventType = "registered"
	LeaderAssigned     EventType = "leader_assigned"
	MilestonePlanned   EventType = "milestone_planned"
	DeadlineRevised    EventType = "deadline_revised"
	Negotiating        EventType = "negotiating"
	Signed             EventType = "signed"
	FundsReceived      EventType = "funds_received"
	Approved           EventType = "approved"
	Started            EventType = "started"
	Suspended          EventType = "suspended"
	Resumed            EventType = "resumed"
	Completed          EventType = "completed"
	Commissioned       EventType = "commissioned"
	FullCapacity       EventType = "full_capacity"
	Terminated         EventType = "terminated"
	InvestmentReported EventType = "investment_reported"
	InvestmentPlanned  EventType = "investment_planned"
	IssueRaised        EventType = "issue_raised"
	IssueResolved      EventType = "issue_resolved"
	DelayExplained     EventType = "delay_explained"
	DeadlineMissed     EventType = "deadline_missed"
	// FactsCorrected, RecordCorrected and DeadlineWithdrawn are in
	// corrections.go.
)

// EventTypes lists every event type in catalogue order.
var EventTypes = []EventType{
	Registered, LeaderAssigned, MilestonePlanned, DeadlineRevised,
	Negotiating, Signed, FundsReceived, Approved, Started, Suspended, Resumed,
	Completed, Commissioned, FullCapacity, Terminated, InvestmentReported,
	InvestmentPlanned, IssueRaised, IssueResolved, DelayExplained, DeadlineMissed,
	FactsCorrected, RecordCorrected, DeadlineWithdrawn, UnitRegistered, UnitAliasAdded,
	ProgressReported, EvidenceAttached, RevisionRequested, RevisionDecided, ReportPublished,
	Conceived, Assessed, Reserved, Packaged, Converted, Dropped,
	ApplicationSubmitted, ApplicationAnswered, GrantReceived,
}

// Event is one immutable fact in a project's history: the envelope every
// event carries plus its typed Data.
//
// Decide fills everything except PrevHash and Hash, which the event store
// sets when it appends the event under the project's concurrency check:
// PrevHash is the Hash of the project's previous event (or the project's
// genesis value), Hash is the SHA-256 of the canonical encoding of this
// event with Hash left empty.
type Event struct {
	ID            string    `cbor:"id" json:"id"`
	Project       ProjectID `cbor:"project" json:"project"`
	Type          EventType `cbor:"type" json:"type"`
	Schema        int       `cbor:"schema" json:"schema"`
	OccurredOn    Date      `cbor:"occurred_on" json:"occurred_on"`
	RecordedAt    time.Time `cbor:"recorded_at" json:"recorded_at"`
	Actor         string    `cbor:"actor" json:"actor"`
	CorrelationID string    `cbor:"correlation_id,omitempty" json:"correlation_id,omitempty"`
	CommandID     string    `cbor:"command_id" json:"command_id"`
	PrevHash      []byte    `cbor:"prev_hash" json:"prev_hash"`
	Hash          []byte    `cbor:"hash,omitempty" json:"hash,omitempty"`
	Data          Payload   `cbor:"-" json:"data"`
}

// Payload is the type-specific part of an event.
type Payload interface {
	EventType() EventType
}

// MilestoneEvent is implemented by payloads that concern one milestone
// deadline; the event store copies it into readable headers.
type MilestoneEvent interface {
	Payload
	// MilestoneRef returns the milestone and the deadline concerned (the
	// zero Date when the event names no deadline).
	MilestoneRef() (Milestone, Date)
}

// ResponsibleEvent is implemented by payloads that name the responsible unit
// and leader; the event store copies them into readable headers so the
// inspection office sees whom to chase without decoding the body.
type ResponsibleEvent interface {
	Payload
	Responsible() (unit, leader string)
}

// NewPayload returns an empty payload of type t in its current shape, ready
// to be decoded into.
func NewPayload(t EventType) (Payload, error) {
	switch t {
	case Registered:
		return &RegisteredData{}, nil
	case LeaderAssigned:
		return &LeaderAssignedData{}, nil
	case MilestonePlanned:
		return &MilestonePlannedData{}, nil
	case DeadlineRevised:
		return &DeadlineRevisedData{}, nil
	case Negotiating, Signed, Resumed, Completed, Commissioned, FullCapacity:
		return &StepData{Step: t}, nil
	case FundsReceived:
		return &FundsReceivedData{}, nil
	case Approved:
		return &ApprovedData{}, nil
	case Started:
		return &StartedData{}, nil
	case Suspended:
		return &SuspendedData{}, nil
	case Terminated:
		return &TerminatedData{}, nil
	case InvestmentReported:
		return &InvestmentReportedData{}, nil
	case ProgressReported:
		return &ProgressReportedData{}, nil
	case InvestmentPlanned:
		return &InvestmentPlannedData{}, nil
	case IssueRaised:
		return &IssueRaisedData{}, nil
	case IssueResolved:
		return &IssueResolvedData{}, nil
	case DelayExplained:
		return &DelayExplainedData{}, nil
	case DeadlineMissed:
		return &DeadlineMissedData{}, nil
	case FactsCorrected:
		return &FactsCorrectedData{}, nil
	case RecordCorrected:
		return &RecordCorrectedData{}, nil
	case DeadlineWithdrawn:
		return &DeadlineWithdrawnData{}, nil
	case UnitRegistered:
		return &UnitRegisteredData{}, nil
	case UnitAliasAdded:
		return &UnitAliasAddedData{}, nil
	case EvidenceAttached:
		return &EvidenceAttachedData{}, nil
	case RevisionRequested:
		return &RevisionRequestedData{}, nil
	case RevisionDecided:
		return &RevisionDecidedData{}, nil
	case ReportPublished:
		return &ReportPublishedData{}, nil
	case Conceived:
		return &ConceivedData{}, nil
	case Assessed:
		return &AssessedData{}, nil
	case Reserved:
		return &ReservedData{}, nil
	case Packaged:
		return &PackagedData{}, nil
	case Converted:
		return &ConvertedData{}, nil
	case Dropped:
		return &DroppedData{}, nil
	case ApplicationSubmitted:
		return &ApplicationSubmittedData{}, nil
	case ApplicationAnswered:
		return &ApplicationAnsweredData{}, nil
	case GrantReceived:
		return &GrantReceivedData{}, nil
	}
	return nil, invalidf("event type %q is unknown", t).zh("事件类型“%s”无法识别", t)
}

// ProjectKind says whether a project is new this year (新建) or continues
// from earlier years (续建).
type ProjectKind string

// The project kinds.
const (
	KindNew        ProjectKind = "new"
	KindContinuing ProjectKind = "continuing"
)

// RegisteredData opens a project's history.
type RegisteredData struct {
	Name            string      `cbor:"name" json:"name"`
	TotalInvestment int64       `cbor:"total_investment_yuan" json:"total_investment_yuan"`
	Unit            string      `cbor:"unit" json:"unit"`
	Leader          string      `cbor:"leader" json:"leader"`
	Township        string      `cbor:"township,omitempty" json:"township,omitempty"`
	Kind            ProjectKind `cbor:"kind" json:"kind"`
	TimeZone        string      `cbor:"time_zone" json:"time_zone"`
	// Version 2 on: the industry (行业) and the national project code
	// (赋码), both optional.
	Industry     string `cbor:"industry,omitempty" json:"industry,omitempty"`
	NationalCode string `cbor:"national_code,omitempty" json:"national_code,omitempty"`
	// Version 3 on: what is built (建设内容), optional.
	Content string `cbor:"content,omitempty" json:"content,omitempty"`
}

// LeaderAssignedData names the responsible leader (包保领导) from OccurredOn
// on; Previous keeps who answered before.
type LeaderAssignedData struct {
	Leader   string `cbor:"leader" json:"leader"`
	Previous string `cbor:"previous,omitempty" json:"previous,omitempty"`
	Reason   string `cbor:"reason,omitempty" json:"reason,omitempty"`
}

// MilestonePlannedData sets a milestone's baseline deadline.
type MilestonePlannedData struct {
	Milestone Milestone `cbor:"milestone" json:"milestone"`
	Due       Date      `cbor:"due" json:"due"`
	// Version 2 on: the precision the deadline was given at; Due is then
	// the last day of its period. Left out for a day.
	Precision Precision `cbor:"precision,omitempty" json:"precision,omitempty"`
}

// DeadlineRevisedData moves a milestone's deadline; the baseline stays.
type DeadlineRevisedData struct {
	Milestone Milestone `cbor:"milestone" json:"milestone"`
	From      Date      `cbor:"from" json:"from"`
	Due       Date      `cbor:"due" json:"due"`
	Baseline  Date      `cbor:"baseline" json:"baseline"`
	Reason    string    `cbor:"reason" json:"reason"`
	// Version 2 on: the precision of the new deadline Due. Left out for
	// a day.
	Precision Precision `cbor:"precision,omitempty" json:"precision,omitempty"`
}

// StepData records a lifecycle step that carries nothing beyond its date:
// negotiating, signed, resumed, completed, commissioned, full_capacity.
type StepData struct {
	Step EventType `cbor:"-" json:"-"`
	Note string    `cbor:"note,omitempty" json:"note,omitempty"`
}

// FundsReceivedData records capital arriving (进资/到资), in integer yuan.
// Reference (a transfer's document or tranche number) tells two tranches
// of the same amount on the same day apart.
type FundsReceivedData struct {
	Amount    int64  `cbor:"amount_yuan" json:"amount_yuan"`
	Reference string `cbor:"reference,omitempty" json:"reference,omitempty"`
	Note      string `cbor:"note,omitempty" json:"note,omitempty"`
}

// ApprovedData records one pre-construction approval (前期手续).
type ApprovedData struct {
	Kind      ApprovalKind `cbor:"kind" json:"kind"`
	Reference string       `cbor:"reference,omitempty" json:"reference,omitempty"`
	Note      string       `cbor:"note,omitempty" json:"note,omitempty"`
}

// StartedData records the construction start (开工). Flags name the
// approvals that were not on record by the start date (边建边批), for the
// auditor.
type StartedData struct {
	Note  string           `cbor:"note,omitempty" json:"note,omitempty"`
	Flags []ComplianceFlag `cbor:"flags,omitempty" json:"flags,omitempty"`
}

// SuspendedData records a halt of construction (停工).
type SuspendedData struct {
	Reason          string `cbor:"reason" json:"reason"`
	ExpectedRestart Date   `cbor:"expected_restart,omitempty" json:"expected_restart,omitempty"`
}

// TerminatedData records that the project was dropped (终止).
type TerminatedData struct {
	Reason string `cbor:"reason" json:"reason"`
}

// InvestmentReportedData records the investment completed (投资完成额) in one
// month, in integer yuan. A later report for the same month replaces the
// earlier figure and says why in Reason.
type InvestmentReportedData struct {
	Month  Month  `cbor:"month" json:"month"`
	Amount int64  `cbor:"amount_yuan" json:"amount_yuan"`
	Reason string `cbor:"reason,omitempty" json:"reason,omitempty"`
}

// InvestmentPlannedData sets the investment planned for a calendar year
// (年度计划投资), in integer yuan. A later plan for the same year replaces
// the earlier one and says why in Reason.
type InvestmentPlannedData struct {
	Year   int    `cbor:"year" json:"year"`
	Amount int64  `cbor:"amount_yuan" json:"amount_yuan"`
	Reason string `cbor:"reason,omitempty" json:"reason,omitempty"`
}

// IssueRaisedData puts an item on the supervision ledger (挂账督办).
type IssueRaisedData struct {
	IssueID string `cbor:"issue_id" json:"issue_id"`
	Title   string `cbor:"title" json:"title"`
}

// IssueResolvedData closes a supervision item (销号).
type IssueResolvedData struct {
	IssueID    string `cbor:"issue_id" json:"issue_id"`
	Resolution string `cbor:"resolution" json:"resolution"`
}

// DelayExplainedData files the written explanation of a late milestone
// (说明原因).
type DelayExplainedData struct {
	Milestone Milestone `cbor:"milestone" json:"milestone"`
	Due       Date      `cbor:"due" json:"due"`
	Reason    string    `cbor:"reason" json:"reason"`
}

// DeadlineMissedData records that a milestone's deadline day ended without
// the milestone being reached. OccurredOn of its event is the deadline date;
// DetectedAt is when the miss was noticed.
type DeadlineMissedData struct {
	Milestone  Milestone `cbor:"milestone" json:"milestone"`
	Due        Date      `cbor:"due" json:"due"`
	Unit       string    `cbor:"unit" json:"unit"`
	Leader     string    `cbor:"leader" json:"leader"`
	DetectedAt time.Time `cbor:"detected_at" json:"detected_at"`
}

// EventType implements Payload.
func (*RegisteredData) EventType() EventType { return Registered }

// EventType implements Payload.
func (*LeaderAssignedData) EventType() EventType { return LeaderAssigned }

// EventType implements Payload.
func (*MilestonePlannedData) EventType() EventType { return MilestonePlanned }

// EventType implements Payload.
func (*DeadlineRevisedData) EventType() EventType { return DeadlineRevised }

// EventType implements Payload.
func (d *StepData) EventType() EventType { return d.Step }

// EventType implements Payload.
func (*FundsReceivedData) EventType() EventType { return FundsReceived }

// EventType implements Payload.
func (*ApprovedData) EventType() EventType { return Approved }

// EventType implements Payload.
func (*StartedData) EventType() EventType { return Started }

// EventType implements Payload.
func (*SuspendedData) EventType() EventType { return Suspended }

// EventType implements Payload.
func (*TerminatedData) EventType() EventType { return Terminated }

// EventType implements Payload.
func (*InvestmentReportedData) EventType() EventType { return InvestmentReported }

// EventType implements Payload.
func (*InvestmentPlannedData) EventType() EventType { return InvestmentPlanned }

// EventType implements Payload.
func (*IssueRaisedData) EventType() EventType { return IssueRaised }

// EventType implements Payload.
func (*IssueResolvedData) EventType() EventType { return IssueResolved }

// EventType implements Payload.
func (*DelayExplainedData) EventType() EventType { return DelayExplained }

// EventType implements Payload.
func (*DeadlineMissedData) EventType() EventType { return DeadlineMissed }

// MilestoneRef implements MilestoneEvent.
func (d *MilestonePlannedData) MilestoneRef() (Milestone, Date) { return d.Milestone, d.Due }

// MilestoneRef implements MilestoneEvent.
func (d *DeadlineRevisedData) MilestoneRef() (Milestone, Date) { return d.Milestone, d.Due }

// MilestoneRef implements MilestoneEvent.
func (d *DelayExplainedData) MilestoneRef() (Milestone, Date) { return d.Milestone, d.Due }

// MilestoneRef implements MilestoneEvent.
func (d *DeadlineMissedData) MilestoneRef() (Milestone, Date) { return d.Milestone, d.Due }

// Responsible implements ResponsibleEvent.
func (d *RegisteredData) Responsible() (string, string) { return d.Unit, d.Leader }

// Responsible implements ResponsibleEvent.
func (d *DeadlineMissedData) Responsible() (string, string) { return d.Unit, d.Leader }

package domain

import "strings"

// A responsible unit does not move its own deadlines: it asks the office
// (申请调整期限) with a new date and a reason, and the deadline moves only
// when the office approves (审定). The request and the decision are each
// an event; an approval stores the deadline_revised event with the
// decision, in the same batch. A milestone has at most one request
// waiting at a time.

// The revision request's event types.
const (
	RevisionRequested EventType = "revision_requested"
	RevisionDecided   EventType = "revision_decided"
)

// RequestRevision asks the office to move a milestone's deadline.
type RequestRevision struct {
	Meta
	Project   ProjectID
	Milestone Milestone
	Due       Date      // the deadline asked for
	Precision Precision `json:",omitempty"`
	Reason    string
	On        Date
}

// DecideRevision is the office's answer to the request waiting for a
// milestone: approved, the deadline moves to the date asked for; refused,
// it stays, and Note says why.
type DecideRevision struct {
	Meta
	Project   ProjectID
	Milestone Milestone
	Approve   bool
	Note      string
	On        Date
}

// Target implements Command.
func (c RequestRevision) Target() ProjectID { return c.Project }

// Target implements Command.
func (c DecideRevision) Target() ProjectID { return c.Project }

// Action implements Command.
func (c RequestRevision) Action() string { return "request a new deadline for " + string(c.Milestone) }

// Action implements Command.
func (c DecideRevision) Action() string {
	if c.Approve {
		return "approve the new deadline asked for " + string(c.Milestone)
	}
	return "refuse the new deadline asked for " + string(c.Milestone)
}

// RevisionRequestedData is a unit's request for a new deadline.
type RevisionRequestedData struct {
	Milestone Milestone `cbor:"milestone" json:"milestone"`
	From      Date      `cbor:"from" json:"from"` // the deadline when asked
	Due       Date      `cbor:"due" json:"due"`   // the deadline asked for
	Precision Precision `cbor:"precision,omitempty" json:"precision,omitempty"`
	Reason    string    `cbor:"reason" json:"reason"`
}

// RevisionDecidedData is the office's decision on a request.
type RevisionDecidedData struct {
	Milestone Milestone `cbor:"milestone" json:"milestone"`
	Due       Date      `cbor:"due" json:"due"` // the deadline that was asked for
	Approved  bool      `cbor:"approved" json:"approved"`
	Note      string    `cbor:"note,omitempty" json:"note,omitempty"`
}

// EventType implements Payload.
func (*RevisionRequestedData) EventType() EventType { return RevisionRequested }

// EventType implements Payload.
func (*RevisionDecidedData) EventType() EventType { return RevisionDecided }

// ParseDecision reads the office's answer to a request: approve (同意,
// 批准) is true, refuse (驳回, 不同意) false.
func ParseDecision(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "approve", "approved", "yes", "同意", "批准":
		return true, nil
	case "refuse", "refused", "reject", "no", "驳回", "不同意":
		return false, nil
	}
	return false, invalidf("%q is not a decision; expected approve (同意) or refuse (驳回)", s).zh("“%s”不是审定结果；应为 同意（approve）或 驳回（refuse）", s)
}

// RevisionRequest is a request waiting for the office's decision.
type RevisionRequest struct {
	Due       Date      `json:"due"`
	Precision Precision `json:"precision,omitempty"`
	Reason    string    `json:"reason"`
	On        Date      `json:"on"`
	By        string    `json:"by"`
}

func (d *decision) requestRevision(c RequestRevision) ([]Event, error) {
	dl := d.p.Deadlines[c.Milestone]
	if dl != nil && dl.Requested != nil {
		return nil, d.refuse(ErrAlreadyExists, "a new deadline of %s (%s) asked on %s waits for the office's decision", "wait for the decision, or ask the office to refuse it first",
			c.Milestone, dl.Requested.Due, dl.Requested.On).zh("%s已于 %s 申请调整至 %s，尚待审定", "请等待审定结果，或请重点办先驳回该申请", c.Milestone.Chinese(), dl.Requested.On, dl.Requested.Due)
	}
	// The request must be one the office could approve as it stands.
	p, on, err := d.revision(ReviseDeadline{Milestone: c.Milestone, Due: c.Due, Precision: c.Precision, Reason: c.Reason, On: c.On})
	if err != nil {
		return nil, err
	}
	return d.events(on, &RevisionRequestedData{Milestone: c.Milestone, From: p.From, Due: p.Due, Precision: p.Precision, Reason: p.Reason}), nil
}

func (d *decision) decideRevision(c DecideRevision) ([]Event, error) {
	dl := d.p.Deadlines[c.Milestone]
	if dl == nil || dl.Requested == nil {
		return nil, d.refuse(ErrNotPlanned, "no new deadline of %s is asked for", "a decision answers a unit's request (request-revision)", c.Milestone).
			zh("%s没有待审定的调整申请", "审定针对责任单位提出的调整申请", c.Milestone.Chinese())
	}
	note := strings.TrimSpace(c.Note)
	if !c.Approve && note == "" {
		return nil, d.refuse(ErrInvalid, "no note given", "say why the request is refused (--note)").zh("未说明驳回理由", "驳回申请须说明理由（--note）")
	}
	if err := d.checkLength("note", note); err != nil {
		return nil, err
	}
	req := *dl.Requested
	decided := &RevisionDecidedData{Milestone: c.Milestone, Due: req.Due, Approved: c.Approve, Note: note}
	if !c.Approve {
		on, err := d.date(c.On)
		if err != nil {
			return nil, err
		}
		return d.events(on, decided), nil
	}
	revised, on, err := d.revision(ReviseDeadline{Milestone: c.Milestone, Due: req.Due, Precision: req.Precision, Reason: req.Reason, On: c.On})
	if err != nil {
		return nil, err
	}
	return d.events(on, decided, revised), nil
}

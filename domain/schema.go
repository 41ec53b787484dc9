package domain

import "fmt"

// Every event type has a schema version, stored in its envelope (Schema)
// and in the Ledger-Schema header. A type starts at version 1; a change to
// its payload that an older reader could not read (a new field, a field
// whose meaning changes) takes the next version. Events are never
// rewritten: an event keeps the version it was stored with, and readers
// bring an older version to the current shape here, in Upcast. How to add
// a version is in docs/events.md.

// EventVersion returns the version events of type t are written with.
func EventVersion(t EventType) int {
	switch t {
	case FundsReceived:
		return 2 // 2 adds the tranche's reference
	case Registered:
		return 3 // 2 adds the industry and the national project code, 3 what is built (建设内容)
	case MilestonePlanned, DeadlineRevised:
		return 2 // 2 adds the deadline's precision (month, quarter, ...)
	}
	return 1
}

// NewStoredPayload returns an empty payload of type t in the shape of
// version v, ready to be decoded into: the current payload for the current
// version, an older shape (FundsReceivedV1, ...) for an older one.
func NewStoredPayload(t EventType, v int) (Payload, error) {
	current := EventVersion(t)
	if v == current {
		return NewPayload(t)
	}
	if _, err := NewPayload(t); err != nil {
		return nil, err
	}
	switch {
	case v < 1 || v > current:
		return nil, invalidf("%s events of schema version %d are unknown (this ledger reads versions 1 to %d)", t, v, current).zh("%s 事件的结构版本 %d 无法识别（本台账可读版本 1 至 %d）", t, v, current)
	case t == FundsReceived && v == 1:
		return &FundsReceivedV1{}, nil
	case t == Registered && (v == 1 || v == 2):
		// Versions 1 and 2 are version 3 without its later optional keys:
		// they read into the current shape as they are.
		return &RegisteredData{}, nil
	case t == MilestonePlanned && v == 1:
		return &MilestonePlannedV1{}, nil
	case t == DeadlineRevised && v == 1:
		return &DeadlineRevisedV1{}, nil
	}
	return nil, invalidf("%s events of schema version %d have no reader", t, v).zh("%s 事件的结构版本 %d 无法读取", t, v)
}

// Upcast returns e with its payload in the current shape of its type; e
// keeps its Schema, the version it was stored with. An event stored at the
// current version is returned as it is.
func Upcast(e Event) (Event, error) {
	switch d := e.Data.(type) {
	case *FundsReceivedV1:
		e.Data = &FundsReceivedData{Amount: d.Amount, Note: d.Note}
	case *MilestonePlannedV1:
		e.Data = &MilestonePlannedData{Milestone: d.Milestone, Due: d.Due, Precision: PrecisionDay}
	case *DeadlineRevisedV1:
		e.Data = &DeadlineRevisedData{Milestone: d.Milestone, From: d.From, Due: d.Due, Baseline: d.Baseline, Reason: d.Reason, Precision: PrecisionDay}
	}
	if e.Data == nil || e.Data.EventType() != e.Type {
		return e, fmt.Errorf("%w: %s event %s version %d has no payload of its type", ErrInvalid, e.Type, e.ID, e.Schema)
	}
	return e, nil
}

// FundsReceivedV1 is funds_received as version 1 stored it: no reference,
// so two tranches of the same amount on the same day were one fact.
type FundsReceivedV1 struct {
	Amount int64  `cbor:"amount_yuan" json:"amount_yuan"`
	Note   string `cbor:"note,omitempty" json:"note,omitempty"`
}

// EventType implements Payload.
func (*FundsReceivedV1) EventType() EventType { return FundsReceived }

// MilestonePlannedV1 is milestone_planned as version 1 stored it: no
// precision, so every deadline is a day.
type MilestonePlannedV1 struct {
	Milestone Milestone `cbor:"milestone" json:"milestone"`
	Due       Date      `cbor:"due" json:"due"`
}

// EventType implements Payload.
func (*MilestonePlannedV1) EventType() EventType { return MilestonePlanned }

// MilestoneRef implements MilestoneEvent.
func (d *MilestonePlannedV1) MilestoneRef() (Milestone, Date) { return d.Milestone, d.Due }

// DeadlineRevisedV1 is deadline_revised as version 1 stored it: no
// precision, so every new deadline is a day.
type DeadlineRevisedV1 struct {
	Milestone Milestone `cbor:"milestone" json:"milestone"`
	From      Date      `cbor:"from" json:"from"`
	Due       Date      `cbor:"due" json:"due"`
	Baseline  Date      `cbor:"baseline" json:"baseline"`
	Reason    string    `cbor:"reason" json:"reason"`
}

// EventType implements Payload.
func (*DeadlineRevisedV1) EventType() EventType { return DeadlineRevised }

// MilestoneRef implements MilestoneEvent.
func (d *DeadlineRevisedV1) MilestoneRef() (Milestone, Date) { return d.Milestone, d.Due }

package domain

import (
	"strings"
)

// Milestone is a node of the back-scheduled plan (倒排工期) that can carry a
// deadline. Lifecycle milestones share their name with the step that reaches
// them (started is reached by a started event); approval milestones share
// their name with the approval kind (eia is reached by approved{kind: eia}).
type Milestone string

// The milestones, in the order a project usually reaches them.
const (
	MilestoneNegotiating        Milestone = "negotiating"
	MilestoneSigned             Milestone = "signed"
	MilestoneFundsReceived      Milestone = "funds_received"
	MilestoneRegistration       Milestone = "registration"
	MilestoneFeasibility        Milestone = "feasibility"
	MilestoneEIA                Milestone = "eia"
	MilestoneLand               Milestone = "land"
	MilestonePlanning           Milestone = "planning"
	MilestoneConstructionPermit Milestone = "construction_permit"
	MilestoneStarted            Milestone = "started"
	MilestoneCompleted          Milestone = "completed"
	MilestoneCommissioned       Milestone = "commissioned"
	MilestoneFullCapacity       Milestone = "full_capacity"
)

// Milestones lists every milestone in plan order.
var Milestones = []Milestone{
	MilestoneNegotiating, MilestoneSigned, MilestoneFundsReceived,
	MilestoneRegistration, MilestoneFeasibility, MilestoneEIA, MilestoneLand,
	MilestonePlanning, MilestoneConstructionPermit,
	MilestoneStarted, MilestoneCompleted, MilestoneCommissioned, MilestoneFullCapacity,
}

// ParseMilestone reads a milestone by its code (signed, eia) or its
// Chinese name (签约, 环评).
func ParseMilestone(s string) (Milestone, error) {
	if m, ok := readTerm(s, Milestones, milestoneNames); ok {
		return m, nil
	}
	return "", invalidf("%q is not a milestone; expected one of %s", s, namesOf(Milestones, milestoneNames)).zh("“%s”不是节点；应为以下之一：%s", s, namesOf(Milestones, milestoneNames))
}

// ApprovalKind names a pre-construction approval (前期手续).
type ApprovalKind string

// The approval kinds.
const (
	ApprovalRegistration       ApprovalKind = "registration"        // 注册 (company registration)
	ApprovalFeasibility        ApprovalKind = "feasibility"         // 可研
	ApprovalEIA                ApprovalKind = "eia"                 // 环评
	ApprovalLand               ApprovalKind = "land"                // 土地
	ApprovalPlanning           ApprovalKind = "planning"            // 规划许可
	ApprovalConstructionPermit ApprovalKind = "construction_permit" // 施工许可
)

// ApprovalKinds lists every approval kind.
var ApprovalKinds = []ApprovalKind{
	ApprovalRegistration, ApprovalFeasibility, ApprovalEIA, ApprovalLand,
	ApprovalPlanning, ApprovalConstructionPermit,
}

// ParseApprovalKind reads an approval kind by its code (eia) or its
// Chinese name (环评).
func ParseApprovalKind(s string) (ApprovalKind, error) {
	if k, ok := readTerm(s, ApprovalKinds, approvalNames()); ok {
		return k, nil
	}
	return "", invalidf("%q is not an approval kind; expected one of %s", s, namesOf(ApprovalKinds, approvalNames())).zh("“%s”不是审批类型；应为以下之一：%s", s, namesOf(ApprovalKinds, approvalNames()))
}

// ComplianceFlag marks a recorded fact that broke the rules of the plan, for
// the auditor; the fact is stored all the same.
type ComplianceFlag string

// The compliance flags a start can carry (边建边批).
const (
	FlagStartedWithoutEIA    ComplianceFlag = "started_without_eia"
	FlagStartedWithoutLand   ComplianceFlag = "started_without_land"
	FlagStartedWithoutPermit ComplianceFlag = "started_without_construction_permit"
)

// startApprovals are the approvals whose absence on the start date flags the
// start, with the flag each absence raises.
var startApprovals = []struct {
	kind ApprovalKind
	flag ComplianceFlag
}{
	{ApprovalEIA, FlagStartedWithoutEIA},
	{ApprovalLand, FlagStartedWithoutLand},
	{ApprovalConstructionPermit, FlagStartedWithoutPermit},
}

// Steps are the event types `record <step>` accepts.
var Steps = []EventType{
	Negotiating, Signed, FundsReceived, Approved, Started, Suspended, Resumed,
	Completed, Commissioned, FullCapacity, Terminated,
}

// ParseStep reads a recordable step by its code (signed) or its Chinese
// name (签约).
func ParseStep(s string) (EventType, error) {
	if t, ok := readTerm(s, Steps, eventNames); ok {
		return t, nil
	}
	return "", invalidf("%q is not a step; expected one of %s", s, namesOf(Steps, eventNames)).zh("“%s”不是可记录的步骤；应为以下之一：%s", s, namesOf(Steps, eventNames))
}

// MilestoneReached returns the milestone an event reaches, if any: an
// approval reaches the milestone of its kind, a lifecycle step the milestone
// of its name; other events (resumed, suspended, ...) reach none.
func MilestoneReached(e Event) (Milestone, bool) {
	if d, ok := e.Data.(*ApprovedData); ok {
		return Milestone(d.Kind), true
	}
	switch e.Type {
	case Negotiating, Signed, FundsReceived, Started, Completed, Commissioned, FullCapacity:
		return Milestone(e.Type), true
	}
	return "", false
}

func joinNames[T ~string](names []T) string {
	s := make([]string, len(names))
	for i, n := range names {
		s[i] = string(n)
	}
	return strings.Join(s, ", ")
}

package domain

import (
	"strings"

	"golang.org/x/text/width"
)

// The Chinese names of the ledger's codes, as the key-project office
// writes them: the first is the name shown, the others are read too.
var (
	milestoneNames = map[Milestone][]string{
		MilestoneNegotiating:        {"洽谈"},
		MilestoneSigned:             {"签约"},
		MilestoneFundsReceived:      {"到资", "进资", "资金到位"},
		MilestoneRegistration:       {"注册", "工商注册"},
		MilestoneFeasibility:        {"可研", "可研批复", "可行性研究"},
		MilestoneEIA:                {"环评", "环评批复", "环境影响评价"},
		MilestoneLand:               {"土地", "用地", "用地手续", "土地手续"},
		MilestonePlanning:           {"规划许可", "规划", "规划许可证"},
		MilestoneConstructionPermit: {"施工许可", "施工许可证"},
		MilestoneStarted:            {"开工"},
		MilestoneCompleted:          {"竣工", "完工"},
		MilestoneCommissioned:       {"投产", "投用", "建成投用"},
		MilestoneFullCapacity:       {"达产"},
	}
	eventNames = map[EventType][]string{
		Registered:    {"已登记", "登记"},
		Negotiating:   {"洽谈"},
		Signed:        {"签约"},
		FundsReceived: {"到资", "进资", "资金到位"},
		Approved:      {"审批", "批复", "手续"},
		Started:       {"开工"},
		Suspended:     {"停工", "暂停"},
		Resumed:       {"复工"},
		Completed:     {"竣工", "完工"},
		Commissioned:  {"投产", "投用", "建成投用"},
		FullCapacity:  {"达产"},
		Terminated:    {"终止"},
	}
	kindNames = map[ProjectKind][]string{
		KindNew:        {"新建", "新开工"},
		KindContinuing: {"续建"},
	}
)

// Chinese is the milestone's name in Chinese (签约, 环评, 开工, ...).
func (m Milestone) Chinese() string { return first(milestoneNames[m], string(m)) }

// Chinese is the approval kind's name in Chinese: its milestone's.
func (k ApprovalKind) Chinese() string { return Milestone(k).Chinese() }

// Chinese is the step's name in Chinese where it has one (签约, 开工, 已登记,
// ...), else its code.
func (t EventType) Chinese() string { return first(eventNames[t], string(t)) }

// Chinese is the project kind's name in Chinese (新建, 续建).
func (k ProjectKind) Chinese() string { return first(kindNames[k], string(k)) }

func first(names []string, otherwise string) string {
	if len(names) == 0 {
		return otherwise
	}
	return names[0]
}

// FoldTerm is s as codes and names are compared: without surrounding or
// inner spaces, full-width letters narrowed, lower case.
func FoldTerm(s string) string {
	s = width.Narrow.String(strings.TrimSpace(s))
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}

// readTerm returns the value among values whose code or one of whose
// Chinese names is s.
func readTerm[T ~string](s string, values []T, names map[T][]string) (T, bool) {
	f := FoldTerm(s)
	for _, v := range values {
		if f == string(v) {
			return v, true
		}
	}
	for _, v := range values {
		for _, n := range names[v] {
			if f == n {
				return v, true
			}
		}
	}
	return "", false
}

// namesOf lists values as "code (中文)", for messages.
func namesOf[T ~string](values []T, names map[T][]string) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = string(v)
		if zh := names[v]; len(zh) > 0 {
			s[i] += " (" + zh[0] + ")"
		}
	}
	return strings.Join(s, ", ")
}

// approvalNames are the approval kinds' names: their milestones'.
func approvalNames() map[ApprovalKind][]string {
	out := make(map[ApprovalKind][]string, len(ApprovalKinds))
	for _, k := range ApprovalKinds {
		out[k] = milestoneNames[Milestone(k)]
	}
	return out
}

// ParseProjectKind reads a project kind: new or continuing, or 新建 or 续建.
func ParseProjectKind(s string) (ProjectKind, error) {
	kinds := []ProjectKind{KindNew, KindContinuing}
	if k, ok := readTerm(s, kinds, kindNames); ok {
		return k, nil
	}
	return "", invalidf("%q is not a project kind; expected one of %s", s, namesOf(kinds, kindNames)).
		zh("“%s”不是项目类型；应为 新建（new）或 续建（continuing）", s)
}

// ReadEventType returns the event type among whose code or Chinese name
// is s (开工, started).
func ReadEventType(s string, among []EventType) (EventType, bool) {
	return readTerm(s, among, eventNames)
}

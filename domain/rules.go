package domain

import (
	"fmt"
	"slices"
	"unicode/utf8"
)

// MaxLength returns the longest text, in characters, an entered field
// takes, and false for a field without a limit: a name that runs to
// thousands of characters is a paste gone wrong, and it would pad every
// table it appears in.
func MaxLength(field string) (int, bool) {
	switch field {
	case FactName:
		return 200, true
	case FactContent:
		return 2000, true
	case FactUnit, "reference":
		return 100, true
	case FactTownship, FactLeader, FactIndustry:
		return 50, true
	case "title":
		return 500, true
	case "reason", "note", "resolution", "previous value", "progress":
		return 1000, true
	case "issue id":
		return 64, true
	}
	return 0, false
}

// checkLength refuses a value of field longer than MaxLength allows.
func (d *decision) checkLength(field, value string) error {
	limit, ok := MaxLength(field)
	if !ok {
		return nil
	}
	if n := utf8.RuneCountInString(value); n > limit {
		return d.refuse(ErrInvalid, "the %s is %d characters long", fmt.Sprintf("give at most %d characters", limit), field, n).zh("%s长 %d 个字符", fmt.Sprintf("最多 %d 个字符", limit), fieldChinese(field), n)
	}
	return nil
}

// checkLengths checks several fields, in order, named as MaxLength names
// them.
func (d *decision) checkLengths(fields ...[2]string) error {
	for _, f := range fields {
		if err := d.checkLength(f[0], f[1]); err != nil {
			return err
		}
	}
	return nil
}

// FlagStartedBeforeSigned marks construction started before the signing
// date, stored only when confirmed (--confirm-order).
const FlagStartedBeforeSigned ComplianceFlag = "started_before_signed"

// stepOrder returns the pairs of steps whose dates normally follow each
// other; a step dated against one is refused unless confirmed.
func stepOrder() [][2]EventType {
	return [][2]EventType{{Negotiating, Signed}, {Signed, Started}}
}

// PlanOrder returns the pairs of milestones whose deadlines normally
// follow each other in a back-scheduled plan; a plan with a pair backwards
// is refused unless confirmed.
func PlanOrder() [][2]Milestone {
	return [][2]Milestone{
		{MilestoneNegotiating, MilestoneSigned}, {MilestoneSigned, MilestoneStarted},
		{MilestoneStarted, MilestoneCompleted}, {MilestoneStarted, MilestoneCommissioned},
		{MilestoneCommissioned, MilestoneFullCapacity},
	}
}

const (
	confirmFix   = "if that is what happened, repeat with --confirm-order: it is stored and flagged for the auditor"
	confirmFixZh = "如确属实际情况，请加 --confirm-order 重新提交：将予以记录并标记，供审计核查"
)

// checkStepOrder refuses, unless confirmed, a step dated before a step
// that normally precedes it or after one that normally follows it.
func (d *decision) checkStepOrder(step EventType, on Date, confirmed bool) error {
	if confirmed {
		return nil
	}
	for _, pair := range stepOrder() {
		before, after := pair[0], pair[1]
		if step == after {
			if at, ok := d.p.Steps[before]; ok && on < at {
				return d.refuse(ErrOutOfOrder, "%s on %s is before %s on %s", confirmFix, step, on, before, at).zh("%s日期 %s 早于%s日期 %s", confirmFixZh, step.Chinese(), on, before.Chinese(), at)
			}
		}
		if step == before {
			if at, ok := d.p.Steps[after]; ok && on > at {
				return d.refuse(ErrOutOfOrder, "%s on %s is after %s on %s", confirmFix, step, on, after, at).zh("%s日期 %s 晚于%s日期 %s", confirmFixZh, step.Chinese(), on, after.Chinese(), at)
			}
		}
	}
	return nil
}

// checkPlanOrder refuses, unless confirmed, deadlines that run backwards
// through the nodes (开工 due before 签约).
func (d *decision) checkPlanOrder(due map[Milestone]Date, confirmed bool) error {
	if confirmed {
		return nil
	}
	for _, pair := range PlanOrder() {
		a, okA := due[pair[0]]
		b, okB := due[pair[1]]
		if okA && okB && b < a {
			return d.refuse(ErrOutOfOrder, "%s is due %s, before %s due %s", confirmFix, pair[1], b, pair[0], a).zh("%s期限 %s 早于%s期限 %s", confirmFixZh, pair[1].Chinese(), b, pair[0].Chinese(), a)
		}
	}
	return nil
}

// currentDue returns the project's deadlines, with the changes given.
func (d *decision) currentDue(changes ...PlannedDeadline) map[Milestone]Date {
	due := make(map[Milestone]Date, len(d.p.Deadlines)+len(changes))
	for m, dl := range d.p.Deadlines {
		due[m] = dl.Due
	}
	for _, c := range changes {
		due[c.Milestone] = c.Due
	}
	return due
}

// orderFlags raises FlagStartedBeforeSigned once construction is known to
// have started before the signing.
func (p *Project) orderFlags() {
	signed, okS := p.Steps[Signed]
	started, okT := p.Steps[Started]
	if okS && okT && started < signed && !slices.Contains(p.Flags, FlagStartedBeforeSigned) {
		p.Flags = append(p.Flags, FlagStartedBeforeSigned)
	}
}

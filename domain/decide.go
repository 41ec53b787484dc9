package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Decide judges cmd against the project's current state p at instant now and
// returns the events to record, or a *RuleError saying why not. It is pure:
// the same state, command and instant give the same events.
//
// Facts are accepted even when they break the plan (a start before its
// approvals is recorded with compliance flags); impossible sequences are
// refused: a step on an unknown or terminated project, a one-time step
// recorded twice, a step before the step it needs, a date in the future.
func Decide(p Project, cmd Command, now time.Time) ([]Event, error) {
	return DecideKeyed(p, cmd, CommandKey(cmd), now)
}

// DecideKeyed is Decide for a caller that has already taken the command's
// key (CommandKey(cmd)), which the events carry; it saves taking it twice.
func DecideKeyed(p Project, cmd Command, key string, now time.Time) ([]Event, error) {
	d := decision{p: &p, cmd: cmd, key: key, now: now, action: cmd.Action(), id: cmd.Target()}
	if _, err := ParseProjectID(string(d.id)); err != nil {
		return nil, d.refuse(ErrInvalid, "%q is not a valid project id", "give a national project code (e.g. 2010-220621-47-01-000034) or a local id (e.g. P-7)", d.id)
	}
	if m := cmd.CommandMeta(); strings.TrimSpace(m.Actor) == "" {
		return nil, d.refuse(ErrInvalid, "no actor given", "say who records this (--actor)")
	}
	if isUnitCommand(cmd) {
		return d.decideUnits(cmd)
	}
	if reserved(d.id) {
		return nil, d.refuse(ErrInvalid, "%s is the unit register's history, not a project", "use another project id", UnitRegisterID)
	}
	if reg, ok := cmd.(RegisterProject); ok {
		return d.register(reg)
	}
	if !p.Registered {
		return nil, d.refuse(ErrUnknownProject, "the project is not registered", "register it first (ledger project register)")
	}
	if p.Terminated {
		return nil, d.refuse(ErrTerminated, "the project was terminated on %s", "a terminated project takes no further steps", p.Steps[Terminated])
	}
	switch c := cmd.(type) {
	case AssignLeader:
		return d.assignLeader(c)
	case PlanMilestone:
		return d.plan(c)
	case ReviseDeadline:
		return d.revise(c)
	case RecordStep:
		return d.recordStep(c)
	case ReportInvestment:
		return d.reportInvestment(c)
	case ReportProgress:
		return d.reportProgress(c)
	case PlanInvestment:
		return d.planInvestment(c)
	case RaiseIssue:
		return d.raiseIssue(c)
	case ResolveIssue:
		return d.resolveIssue(c)
	case ExplainDelay:
		return d.explainDelay(c)
	case RecordDeadlineMissed:
		return d.deadlineMissed(c)
	case CorrectFacts:
		return d.correctFacts(c)
	case CorrectRecord:
		return d.correctRecord(c)
	case WithdrawDeadline:
		return d.withdraw(c)
	}
	return nil, d.refuse(ErrInvalid, "the command %T is unknown", "", cmd)
}

// decision carries one Decide call's inputs so the rules below stay short.
type decision struct {
	p      *Project
	cmd    Command
	key    string // the command's key, which its events carry
	now    time.Time
	action string
	id     ProjectID
	loc    *time.Location
}

func (d *decision) refuse(kind error, problem, fix string, args ...any) error {
	return refuse(kind, d.id, d.action, problem, fix, args...)
}

func (d *decision) today() Date {
	if d.loc == nil {
		d.loc = d.p.Location()
	}
	return DateOf(d.now, d.loc)
}

// date resolves a command's date (zero means today) and refuses the future.
func (d *decision) date(on Date) (Date, error) {
	today := d.today()
	if on.IsZero() {
		return today, nil
	}
	if on > today {
		return 0, d.refuse(ErrFutureDate, "%s is in the future (today is %s in %s)",
			"record a step on or after the day it happens", on, today, d.loc)
	}
	return on, nil
}

// events wraps payloads in envelopes; all share the command's date and id.
func (d *decision) events(on Date, payloads ...Payload) []Event {
	m := d.cmd.CommandMeta()
	key := d.key
	out := make([]Event, len(payloads))
	for i, pl := range payloads {
		out[i] = Event{
			ID:            fmt.Sprintf("%s-%d", key, i),
			Project:       d.id,
			Type:          pl.EventType(),
			Schema:        EventVersion(pl.EventType()),
			OccurredOn:    on,
			RecordedAt:    d.now.UTC(),
			Actor:         m.Actor,
			CorrelationID: m.CorrelationID,
			CommandID:     key,
			Data:          pl,
		}
	}
	return out
}

func (d *decision) register(c RegisterProject) ([]Event, error) {
	if d.p.Registered {
		return nil, d.refuse(ErrAlreadyExists, "the project is already registered (as %q)", "use a new id, or assign-leader / plan to change it", d.p.Name)
	}
	for _, f := range []struct{ value, name string }{{c.Name, "name"}, {c.Unit, "responsible unit"}, {c.Leader, "responsible leader"}} {
		if strings.TrimSpace(f.value) == "" {
			return nil, d.refuse(ErrInvalid, "no %s given", "every key project needs a name, a responsible unit and a responsible leader", f.name)
		}
	}
	if err := d.checkLengths([2]string{FactName, c.Name}, [2]string{FactUnit, c.Unit}, [2]string{FactLeader, c.Leader},
		[2]string{FactTownship, c.Township}, [2]string{FactIndustry, c.Industry}, [2]string{FactContent, c.Content}); err != nil {
		return nil, err
	}
	if c.TotalInvestment <= 0 {
		return nil, d.refuse(ErrInvalid, "total investment %d yuan is not positive", "give the total investment in yuan, e.g. 350000000", c.TotalInvestment)
	}
	code := strings.TrimSpace(c.NationalCode)
	if code != "" {
		if _, err := ParseNationalCode(code); err != nil {
			return nil, d.refuse(ErrInvalid, "%v", "give the 24-character code from the national platform, or leave it out", err)
		}
	}
	kind := c.Kind
	if kind == "" {
		kind = KindNew
	}
	if kind != KindNew && kind != KindContinuing {
		return nil, d.refuse(ErrInvalid, "kind %q is unknown", "expected new or continuing", kind)
	}
	zone := c.TimeZone
	if zone == "" {
		zone = DefaultTimeZone
	}
	loc, err := LoadZone(zone)
	if err != nil {
		return nil, d.refuse(ErrInvalid, "time zone %q is unknown", "expected an IANA name such as Asia/Shanghai", zone)
	}
	d.loc = loc
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	payloads := []Payload{&RegisteredData{
		Name: strings.TrimSpace(c.Name), TotalInvestment: c.TotalInvestment, Unit: strings.TrimSpace(c.Unit),
		Leader: strings.TrimSpace(c.Leader), Township: strings.TrimSpace(c.Township), Kind: kind, TimeZone: zone,
		Industry: strings.TrimSpace(c.Industry), NationalCode: code, Content: strings.TrimSpace(c.Content),
	}}
	seen := map[Milestone]bool{}
	for _, pl := range c.Plan {
		if !slices.Contains(Milestones, pl.Milestone) {
			return nil, d.refuse(ErrInvalid, "%q is not a milestone", "expected one of "+joinNames(Milestones), pl.Milestone)
		}
		if pl.Due.IsZero() {
			return nil, d.refuse(ErrInvalid, "no deadline given for %s", "give the deadline as YYYY-MM-DD", pl.Milestone)
		}
		if seen[pl.Milestone] {
			return nil, d.refuse(ErrInvalid, "%s is planned twice", "give each milestone one deadline", pl.Milestone)
		}
		if err := d.checkPrecision(pl.Milestone, pl.Due, pl.Precision); err != nil {
			return nil, err
		}
		seen[pl.Milestone] = true
		payloads = append(payloads, &MilestonePlannedData{Milestone: pl.Milestone, Due: pl.Due, Precision: pl.Precision})
	}
	if err := d.checkPlanOrder(d.currentDue(c.Plan...), c.ConfirmOrder); err != nil {
		return nil, err
	}
	return d.events(on, payloads...), nil
}

func (d *decision) assignLeader(c AssignLeader) ([]Event, error) {
	leader := strings.TrimSpace(c.Leader)
	if leader == "" {
		return nil, d.refuse(ErrInvalid, "no leader given", "name the new responsible leader")
	}
	if err := d.checkLengths([2]string{FactLeader, leader}, [2]string{"reason", c.Reason}); err != nil {
		return nil, err
	}
	if leader == d.p.Leader {
		return nil, d.refuse(ErrNoChange, "%s is already the responsible leader", "name a different leader", leader)
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	if n := len(d.p.Leaders); n > 0 && on < d.p.Leaders[n-1].From {
		return nil, d.refuse(ErrOutOfOrder, "%s has answered for the project since %s, after %s", "a new leader takes over on or after that day",
			d.p.Leader, d.p.Leaders[n-1].From, on)
	}
	return d.events(on, &LeaderAssignedData{Leader: leader, Previous: d.p.Leader, Reason: strings.TrimSpace(c.Reason)}), nil
}

func (d *decision) plan(c PlanMilestone) ([]Event, error) {
	if !slices.Contains(Milestones, c.Milestone) {
		return nil, d.refuse(ErrInvalid, "%q is not a milestone", "expected one of "+joinNames(Milestones), c.Milestone)
	}
	if c.Due.IsZero() {
		return nil, d.refuse(ErrInvalid, "no deadline given", "give the deadline as YYYY-MM-DD")
	}
	if err := d.checkPrecision(c.Milestone, c.Due, c.Precision); err != nil {
		return nil, err
	}
	if dl := d.p.Deadlines[c.Milestone]; dl != nil {
		return nil, d.refuse(ErrAlreadyExists, "%s is already planned for %s", "use revise-deadline with a reason to move it", c.Milestone, dl.Due)
	}
	if on, ok := d.p.Reached(c.Milestone); ok {
		return nil, d.refuse(ErrDuplicateStep, "%s was already reached on %s", "plan only milestones still ahead", c.Milestone, on)
	}
	if err := d.checkPlanOrder(d.currentDue(PlannedDeadline{Milestone: c.Milestone, Due: c.Due}), c.ConfirmOrder); err != nil {
		return nil, err
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	return d.events(on, &MilestonePlannedData{Milestone: c.Milestone, Due: c.Due, Precision: c.Precision}), nil
}

func (d *decision) revise(c ReviseDeadline) ([]Event, error) {
	dl := d.p.Deadlines[c.Milestone]
	if dl == nil {
		return nil, d.refuse(ErrNotPlanned, "%s has no planned deadline", "plan it first (ledger plan)", c.Milestone)
	}
	if strings.TrimSpace(c.Reason) == "" {
		return nil, d.refuse(ErrInvalid, "no reason given", "a revised deadline needs a reason (--reason)")
	}
	if c.Due.IsZero() {
		return nil, d.refuse(ErrInvalid, "no new deadline given", "give the new deadline as YYYY-MM-DD")
	}
	if err := d.checkPrecision(c.Milestone, c.Due, c.Precision); err != nil {
		return nil, err
	}
	if c.Due == dl.Due {
		return nil, d.refuse(ErrNoChange, "%s is already due on %s", "give a different date", c.Milestone, dl.Due)
	}
	if on, ok := d.p.Reached(c.Milestone); ok {
		return nil, d.refuse(ErrDuplicateStep, "%s was already reached on %s", "a reached milestone keeps its deadline", c.Milestone, on)
	}
	if err := d.checkLength("reason", c.Reason); err != nil {
		return nil, err
	}
	if err := d.checkPlanOrder(d.currentDue(PlannedDeadline{Milestone: c.Milestone, Due: c.Due}), c.ConfirmOrder); err != nil {
		return nil, err
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	return d.events(on, &DeadlineRevisedData{
		Milestone: c.Milestone, From: dl.Due, Due: c.Due, Baseline: dl.Baseline, Reason: strings.TrimSpace(c.Reason),
		Precision: c.Precision,
	}), nil
}

// checkPrecision refuses a deadline given at a precision coarser than a
// day that is not the last day of its period (2026-03-15 as a month): a
// month, quarter, half year or year is due on its last day.
func (d *decision) checkPrecision(m Milestone, due Date, p Precision) error {
	if err := CheckPrecision(due, p); err != nil {
		return d.refuse(ErrInvalid, "deadline of %s: %v", "give the period's last day, or a day deadline", m, err)
	}
	return nil
}

// prerequisites: the step each lifecycle step needs before it, and how a
// refusal says so.
var prerequisites = map[EventType]struct {
	needs   EventType
	missing string
}{
	Completed:    {Started, "construction has not started"},
	Commissioned: {Started, "construction has not started"},
	FullCapacity: {Commissioned, "production has not been commissioned"},
	Suspended:    {Started, "construction has not started"},
}

// oneTime are the steps a project takes at most once.
var oneTime = map[EventType]bool{
	Negotiating: true, Signed: true, Started: true, Completed: true,
	Commissioned: true, FullCapacity: true,
}

func (d *decision) recordStep(c RecordStep) ([]Event, error) {
	if !slices.Contains(Steps, c.Step) {
		return nil, d.refuse(ErrInvalid, "%q is not a step", "expected one of "+joinNames(Steps), c.Step)
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	p := d.p
	if oneTime[c.Step] {
		if prev, ok := p.Steps[c.Step]; ok {
			return nil, d.refuse(ErrDuplicateStep, "%s was already recorded on %s", "a step is recorded once; correct it with an issue or note instead", c.Step, prev)
		}
	}
	if pre, ok := prerequisites[c.Step]; ok {
		prev, done := p.Steps[pre.needs]
		if !done {
			return nil, d.refuse(ErrOutOfOrder, "%s", "record "+string(pre.needs)+" first", pre.missing)
		}
		if on < prev {
			return nil, d.refuse(ErrOutOfOrder, "%s on %s is before %s on %s", "check the date", c.Step, on, pre.needs, prev)
		}
	}
	if c.Step == Suspended && on < p.Steps[Resumed] {
		return nil, d.refuse(ErrOutOfOrder, "suspended on %s is before the last resumption on %s", "check the date", on, p.Steps[Resumed])
	}
	if p.Suspended && (c.Step == Completed || c.Step == Commissioned || c.Step == FullCapacity || c.Step == Suspended) {
		return nil, d.refuse(ErrOutOfOrder, "construction is suspended since %s", "record resumed first", p.Steps[Suspended])
	}
	if err := d.onlyApplicable(c); err != nil {
		return nil, err
	}
	if err := d.checkLengths([2]string{"note", c.Note}, [2]string{"reason", c.Reason}, [2]string{"reference", c.Reference}); err != nil {
		return nil, err
	}
	if err := d.checkStepOrder(c.Step, on, c.ConfirmOrder); err != nil {
		return nil, err
	}
	var payload Payload
	switch c.Step {
	case FundsReceived:
		if c.Amount <= 0 {
			return nil, d.refuse(ErrInvalid, "amount %d yuan is not positive", "give the amount received in yuan (--amount)", c.Amount)
		}
		payload = &FundsReceivedData{Amount: c.Amount, Reference: c.Reference, Note: c.Note}
	case Approved:
		if !slices.Contains(ApprovalKinds, c.Approval) {
			return nil, d.refuse(ErrInvalid, "approval kind %q is unknown", "expected one of "+joinNames(ApprovalKinds), c.Approval)
		}
		if prev, ok := p.Approvals[c.Approval]; ok {
			return nil, d.refuse(ErrDuplicateStep, "the %s approval was already recorded on %s", "an approval is recorded once", c.Approval, prev)
		}
		payload = &ApprovedData{Kind: c.Approval, Reference: c.Reference, Note: c.Note}
	case Started:
		var flags []ComplianceFlag
		// A continuing project (续建) that started before it entered the
		// ledger got its approvals before the ledger too: their absence
		// here says nothing, so such a start is not flagged.
		historical := p.Kind == KindContinuing && on <= p.RegisteredOn
		for _, a := range startApprovals {
			if got, ok := p.Approvals[a.kind]; !historical && (!ok || got > on) {
				flags = append(flags, a.flag)
			}
		}
		payload = &StartedData{Note: c.Note, Flags: flags}
	case Suspended:
		if strings.TrimSpace(c.Reason) == "" {
			return nil, d.refuse(ErrInvalid, "no reason given", "a suspension needs a reason (--reason)")
		}
		payload = &SuspendedData{Reason: strings.TrimSpace(c.Reason), ExpectedRestart: c.ExpectedRestart}
	case Resumed:
		if !p.Suspended {
			return nil, d.refuse(ErrOutOfOrder, "construction is not suspended", "record suspended before resumed")
		}
		if on < p.Steps[Suspended] {
			return nil, d.refuse(ErrOutOfOrder, "resumed on %s is before suspended on %s", "check the date", on, p.Steps[Suspended])
		}
		payload = &StepData{Step: Resumed, Note: c.Note}
	case Terminated:
		if strings.TrimSpace(c.Reason) == "" {
			return nil, d.refuse(ErrInvalid, "no reason given", "a termination needs a reason (--reason)")
		}
		payload = &TerminatedData{Reason: strings.TrimSpace(c.Reason)}
	default:
		payload = &StepData{Step: c.Step, Note: c.Note}
	}
	return d.events(on, payload), nil
}

// onlyApplicable refuses fields a step does not store, rather than
// dropping them silently.
func (d *decision) onlyApplicable(c RecordStep) error {
	fields := []struct {
		set   bool
		name  string
		steps []EventType
	}{
		{c.Amount != 0, "an amount", []EventType{FundsReceived}},
		{c.Approval != "", "an approval kind", []EventType{Approved}},
		{c.Reference != "", "a reference", []EventType{Approved, FundsReceived}},
		{c.Reason != "", "a reason", []EventType{Suspended, Terminated}},
		{c.ExpectedRestart != 0, "an expected restart date", []EventType{Suspended}},
		{c.Note != "", "a note", []EventType{Negotiating, Signed, FundsReceived, Approved, Started, Resumed, Completed, Commissioned, FullCapacity}},
	}
	for _, f := range fields {
		if f.set && !slices.Contains(f.steps, c.Step) {
			return d.refuse(ErrInvalid, "%s does not apply to %s", "give it only to "+joinNames(f.steps), f.name, c.Step)
		}
	}
	return nil
}

func (d *decision) reportInvestment(c ReportInvestment) ([]Event, error) {
	if _, err := ParseMonth(string(c.Month)); err != nil {
		return nil, d.refuse(ErrInvalid, "%q is not a month", "give the month as YYYY-MM", c.Month)
	}
	if c.Amount < 0 {
		return nil, d.refuse(ErrInvalid, "amount %d yuan is negative", "give the investment completed in the month, in yuan", c.Amount)
	}
	today := d.today()
	if c.Month.FirstDay() > today {
		return nil, d.refuse(ErrFutureDate, "%s has not begun (today is %s)", "report a month once it has begun", c.Month, today)
	}
	if prev, ok := d.p.Investment[c.Month]; ok {
		if prev == c.Amount {
			return nil, d.refuse(ErrNoChange, "%s is already reported as %d yuan", "", c.Month, prev)
		}
		if strings.TrimSpace(c.Reason) == "" {
			return nil, d.refuse(ErrInvalid, "%s is already reported as %d yuan", "give a reason to correct it (--reason)", c.Month, prev)
		}
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	return d.events(on, &InvestmentReportedData{Month: c.Month, Amount: c.Amount, Reason: strings.TrimSpace(c.Reason)}), nil
}

func (d *decision) planInvestment(c PlanInvestment) ([]Event, error) {
	if c.Year < 2000 || c.Year > 2100 {
		return nil, d.refuse(ErrInvalid, "year %d is out of range", "give a calendar year such as 2027", c.Year)
	}
	if c.Amount <= 0 {
		return nil, d.refuse(ErrInvalid, "amount %d yuan is not positive", "give the year's planned investment in yuan", c.Amount)
	}
	if prev, ok := d.p.AnnualPlan[c.Year]; ok {
		if prev == c.Amount {
			return nil, d.refuse(ErrNoChange, "%d is already planned at %s yuan", "", c.Year, FormatYuan(prev))
		}
		if strings.TrimSpace(c.Reason) == "" {
			return nil, d.refuse(ErrInvalid, "%d is already planned at %s yuan", "give a reason to change the plan (--reason)", c.Year, FormatYuan(prev))
		}
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	return d.events(on, &InvestmentPlannedData{Year: c.Year, Amount: c.Amount, Reason: strings.TrimSpace(c.Reason)}), nil
}

func (d *decision) raiseIssue(c RaiseIssue) ([]Event, error) {
	if strings.TrimSpace(c.Title) == "" {
		return nil, d.refuse(ErrInvalid, "no title given", "say what the issue is (--title)")
	}
	if err := d.checkLengths([2]string{"title", c.Title}, [2]string{"issue id", c.IssueID}); err != nil {
		return nil, err
	}
	id := c.IssueID
	if id == "" {
		// A derived key is a hex digest; an explicit command id may be
		// shorter than 8 characters or share its first 8 with its siblings
		// ("import-7-row-1", "import-7-row-2"), so digest that first.
		key := CommandKey(c)
		if c.CommandID != "" {
			sum := sha256.Sum256([]byte(key))
			key = hex.EncodeToString(sum[:])
		}
		id = "I-" + key[:8]
	}
	if _, ok := d.p.Issues[id]; ok {
		return nil, d.refuse(ErrAlreadyExists, "issue %s already exists", "use a new issue id", id)
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	return d.events(on, &IssueRaisedData{IssueID: id, Title: strings.TrimSpace(c.Title)}), nil
}

func (d *decision) resolveIssue(c ResolveIssue) ([]Event, error) {
	is := d.p.Issues[c.IssueID]
	if is == nil {
		return nil, d.refuse(ErrInvalid, "there is no issue %s", "name an open issue of this project", c.IssueID)
	}
	if !is.ResolvedOn.IsZero() {
		return nil, d.refuse(ErrDuplicateStep, "issue %s was already resolved on %s", "", c.IssueID, is.ResolvedOn)
	}
	if strings.TrimSpace(c.Resolution) == "" {
		return nil, d.refuse(ErrInvalid, "no resolution given", "say how the issue was resolved (--resolution)")
	}
	if err := d.checkLength("resolution", c.Resolution); err != nil {
		return nil, err
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	if on < is.RaisedOn {
		return nil, d.refuse(ErrOutOfOrder, "resolved on %s is before raised on %s", "check the date", on, is.RaisedOn)
	}
	return d.events(on, &IssueResolvedData{IssueID: c.IssueID, Resolution: strings.TrimSpace(c.Resolution)}), nil
}

func (d *decision) explainDelay(c ExplainDelay) ([]Event, error) {
	dl := d.p.Deadlines[c.Milestone]
	if dl == nil {
		return nil, d.refuse(ErrNotPlanned, "%s has no planned deadline", "plan it first (ledger plan)", c.Milestone)
	}
	if strings.TrimSpace(c.Reason) == "" {
		return nil, d.refuse(ErrInvalid, "no reason given", "say why the milestone is late (--reason)")
	}
	if err := d.checkLength("reason", c.Reason); err != nil {
		return nil, err
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	late := dl.Reached > dl.Due || (dl.Reached.IsZero() && d.today() > dl.Due)
	if !late {
		return nil, d.refuse(ErrOutOfOrder, "%s is not late (due %s)", "explain a delay once the deadline has passed", c.Milestone, dl.Due)
	}
	return d.events(on, &DelayExplainedData{Milestone: c.Milestone, Due: dl.Due, Reason: strings.TrimSpace(c.Reason)}), nil
}

func (d *decision) deadlineMissed(c RecordDeadlineMissed) ([]Event, error) {
	dl := d.p.Deadlines[c.Milestone]
	if dl == nil {
		return nil, d.refuse(ErrNotPlanned, "%s has no planned deadline", "", c.Milestone)
	}
	if slices.Contains(d.p.MissedDeadlines(c.Milestone, d.now), c.Due) {
		return d.missed(c)
	}
	// Say why not, most telling reason first.
	wasDeadline := dl.Due == c.Due || slices.ContainsFunc(dl.Revisions, func(r Revision) bool { return r.From == c.Due && r.On > r.From })
	switch {
	case slices.Contains(dl.Missed, c.Due):
		return nil, d.refuse(ErrNoChange, "the miss of %s due %s is already recorded", "", c.Milestone, c.Due)
	case !wasDeadline:
		return nil, d.refuse(ErrNoChange, "%s was not due on %s when that day ended (it is due on %s)", "", c.Milestone, c.Due, dl.Due)
	case !dl.Reached.IsZero() && dl.Reached <= c.Due:
		return nil, d.refuse(ErrNoChange, "%s was reached on %s", "", c.Milestone, dl.Reached)
	case d.now.Before(c.Due.End(d.p.Location())):
		return nil, d.refuse(ErrFutureDate, "the deadline day %s has not ended", "", c.Due)
	default:
		return nil, d.refuse(ErrNoChange, "construction was suspended on %s", "a suspension excuses the deadlines that fall in it", c.Due)
	}
}

func (d *decision) missed(c RecordDeadlineMissed) ([]Event, error) {
	// The leader named is the one who answered for the project when the
	// deadline passed, not whoever holds it when the miss is noticed.
	leader := d.p.ResponsibleOn(c.Due)
	return d.events(c.Due, &DeadlineMissedData{
		Milestone: c.Milestone, Due: c.Due, Unit: d.p.Unit, Leader: leader, DetectedAt: d.now.UTC(),
	}), nil
}

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
	evs, err := d.decide()
	if err != nil {
		return nil, err
	}
	return d.withEvidence(evs)
}

// decide judges the command, without the files it may come with.
func (d *decision) decide() ([]Event, error) {
	p, cmd := d.p, d.cmd
	if _, err := ParseProjectID(string(d.id)); err != nil {
		return nil, d.refuse(ErrInvalid, "%q is not a valid project id", "give a national project code (e.g. 2010-220621-47-01-000034) or a local id (e.g. P-7)", d.id).zh("“%s”不是有效的项目编号", "应为项目代码（如 2010-220621-47-01-000034）或本地编号（如 P-7）", d.id)
	}
	if m := cmd.CommandMeta(); strings.TrimSpace(m.Actor) == "" {
		return nil, d.refuse(ErrInvalid, "no actor given", "say who records this (--actor)").zh("未填写记录人", "请注明由谁记录（--actor）")
	}
	if isUnitCommand(cmd) {
		return d.decideUnits(cmd)
	}
	if isPublication(cmd) {
		return d.publish(cmd.(RecordPublication))
	}
	if reserved(d.id) {
		if strings.EqualFold(string(d.id), string(PublicationsID)) {
			return nil, d.refuse(ErrInvalid, "%s is the publications' history, not a project", "use another project id", d.id).zh("%s 是报表发布的记录，不是项目", "请使用其他项目编号", d.id)
		}
		return nil, d.refuse(ErrInvalid, "%s is the unit register's history, not a project", "use another project id", d.id).zh("%s 是单位名录的记录，不是项目", "请使用其他项目编号", d.id)
	}
	if isReserveCommand(cmd) {
		return d.decideReserve(cmd)
	}
	if isApplicationCommand(cmd) {
		return d.decideApplication(cmd)
	}
	if reg, ok := cmd.(RegisterProject); ok {
		return d.register(reg)
	}
	if !p.Registered {
		return nil, d.refuse(ErrUnknownProject, "the project is not registered", "register it first (ledger project register)").zh("项目尚未登记", "请先登记项目（ledger project register）")
	}
	if p.Terminated {
		return nil, d.refuse(ErrTerminated, "the project was terminated on %s", "a terminated project takes no further steps", p.Steps[Terminated]).zh("项目已于 %s 终止", "已终止的项目不再记录后续步骤", p.Steps[Terminated])
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
	case RequestRevision:
		return d.requestRevision(c)
	case DecideRevision:
		return d.decideRevision(c)
	case AttachEvidence:
		return d.attachEvidence(c)
	}
	return nil, d.refuse(ErrInvalid, "the command %T is unknown", "", cmd).zh("未知的命令 %T", "", cmd)
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
	// converting is set while a reserve project's conversion registers
	// it: the one registration a reserve project takes.
	converting bool
}

func (d *decision) refuse(kind error, problem, fix string, args ...any) *RuleError {
	e := refuse(kind, d.id, d.action, problem, fix, args...)
	e.stepZh = actionChinese(d.cmd)
	return e
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
			"record a step on or after the day it happens", on, today, d.loc).zh("%s 是未来的日期（今天是 %s，时区 %s）", "请在事情发生当天或之后记录", on, today, d.loc)
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
		return nil, d.refuse(ErrAlreadyExists, "the project is already registered (as %q)", "use a new id, or assign-leader / plan to change it", d.p.Name).zh("项目已登记（名称为“%s”）", "请使用新的编号，或用 assign-leader / plan 修改", d.p.Name)
	}
	if r := d.p.Reserve; r != nil && !d.converting {
		return nil, d.refuse(ErrAlreadyExists, "the id is a reserve project's (%q)", "convert it into the key-project list (ledger reserve convert), or use a new id", r.Name).
			zh("该编号属于储备项目“%s”", "请将其转化为重点项目（ledger reserve convert），或使用新编号", r.Name)
	}
	for _, f := range []struct{ value, name string }{{c.Name, "name"}, {c.Unit, "responsible unit"}, {c.Leader, "responsible leader"}} {
		if strings.TrimSpace(f.value) == "" {
			return nil, d.refuse(ErrInvalid, "no %s given", "every key project needs a name, a responsible unit and a responsible leader", f.name).zh("未填写%s", "每个重点项目都须有项目名称、责任单位和包保领导", fieldChinese(f.name))
		}
	}
	if err := d.checkLengths([2]string{FactName, c.Name}, [2]string{FactUnit, c.Unit}, [2]string{FactLeader, c.Leader},
		[2]string{FactTownship, c.Township}, [2]string{FactIndustry, c.Industry}, [2]string{FactContent, c.Content}); err != nil {
		return nil, err
	}
	if c.TotalInvestment <= 0 {
		return nil, d.refuse(ErrInvalid, "total investment %d yuan is not positive", "give the total investment in yuan, e.g. 350000000", c.TotalInvestment).zh("总投资 %d 元不是正数", "请填写总投资（元），例如 350000000", c.TotalInvestment)
	}
	code := strings.TrimSpace(c.NationalCode)
	if code != "" {
		if _, err := ParseNationalCode(code); err != nil {
			return nil, d.refuse(ErrInvalid, "%v", "give the 24-character code from the national platform, or leave it out", err).zh("%s", "请填写全国投资项目在线审批监管平台赋予的 24 位项目代码，或不填", Chinese(err))
		}
	}
	kind := c.Kind
	if kind == "" {
		kind = KindNew
	}
	if kind != KindNew && kind != KindContinuing {
		return nil, d.refuse(ErrInvalid, "kind %q is unknown", "expected new or continuing", kind).zh("项目类型“%s”无法识别", "应为 new（新建）或 continuing（续建）", kind)
	}
	zone := c.TimeZone
	if zone == "" {
		zone = DefaultTimeZone
	}
	loc, err := LoadZone(zone)
	if err != nil {
		return nil, d.refuse(ErrInvalid, "time zone %q is unknown", "expected an IANA name such as Asia/Shanghai", zone).zh("时区“%s”无法识别", "应为 IANA 时区名，例如 Asia/Shanghai", zone)
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
			return nil, d.refuse(ErrInvalid, "%q is not a milestone", "expected one of "+joinNames(Milestones), pl.Milestone).zh("“%s”不是节点", "应为以下之一："+chineseNames(Milestones, Milestone.Chinese), pl.Milestone)
		}
		if pl.Due.IsZero() {
			return nil, d.refuse(ErrInvalid, "no deadline given for %s", "give the deadline as YYYY-MM-DD", pl.Milestone).zh("未填写%s的期限", "请按 YYYY-MM-DD 填写期限", pl.Milestone.Chinese())
		}
		if seen[pl.Milestone] {
			return nil, d.refuse(ErrInvalid, "%s is planned twice", "give each milestone one deadline", pl.Milestone).zh("%s计划了两次", "每个节点只填一个期限", pl.Milestone.Chinese())
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
		return nil, d.refuse(ErrInvalid, "no leader given", "name the new responsible leader").zh("未填写包保领导", "请填写新的包保领导")
	}
	if err := d.checkLengths([2]string{FactLeader, leader}, [2]string{"reason", c.Reason}); err != nil {
		return nil, err
	}
	if leader == d.p.Leader {
		return nil, d.refuse(ErrNoChange, "%s is already the responsible leader", "name a different leader", leader).zh("%s 已是包保领导", "请填写另一位领导", leader)
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	if n := len(d.p.Leaders); n > 0 && on < d.p.Leaders[n-1].From {
		return nil, d.refuse(ErrOutOfOrder, "%s has answered for the project since %s, after %s", "a new leader takes over on or after that day",
			d.p.Leader, d.p.Leaders[n-1].From, on).zh("%s 自 %s 起包保该项目，晚于 %s", "新领导应在当天或之后接任", d.p.Leader, d.p.Leaders[n-1].From, on)
	}
	return d.events(on, &LeaderAssignedData{Leader: leader, Previous: d.p.Leader, Reason: strings.TrimSpace(c.Reason)}), nil
}

func (d *decision) plan(c PlanMilestone) ([]Event, error) {
	if !slices.Contains(Milestones, c.Milestone) {
		return nil, d.refuse(ErrInvalid, "%q is not a milestone", "expected one of "+joinNames(Milestones), c.Milestone).zh("“%s”不是节点", "应为以下之一："+chineseNames(Milestones, Milestone.Chinese), c.Milestone)
	}
	if c.Due.IsZero() {
		return nil, d.refuse(ErrInvalid, "no deadline given", "give the deadline as YYYY-MM-DD").zh("未填写期限", "请按 YYYY-MM-DD 填写期限")
	}
	if err := d.checkPrecision(c.Milestone, c.Due, c.Precision); err != nil {
		return nil, err
	}
	if dl := d.p.Deadlines[c.Milestone]; dl != nil {
		return nil, d.refuse(ErrAlreadyExists, "%s is already planned for %s", "use revise-deadline with a reason to move it", c.Milestone, dl.Due).zh("%s已计划于 %s", "如需调整，请用 revise-deadline 并说明原因", c.Milestone.Chinese(), dl.Due)
	}
	if on, ok := d.p.Reached(c.Milestone); ok {
		return nil, d.refuse(ErrDuplicateStep, "%s was already reached on %s", "plan only milestones still ahead", c.Milestone, on).zh("%s已于 %s 完成", "只能计划尚未完成的节点", c.Milestone.Chinese(), on)
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
	revised, on, err := d.revision(c)
	if err != nil {
		return nil, err
	}
	return d.events(on, revised), nil
}

// revision judges a move of a deadline and returns its event's payload
// and date.
func (d *decision) revision(c ReviseDeadline) (*DeadlineRevisedData, Date, error) {
	dl := d.p.Deadlines[c.Milestone]
	if dl == nil {
		return nil, 0, d.refuse(ErrNotPlanned, "%s has no planned deadline", "plan it first (ledger plan)", c.Milestone).zh("%s尚无计划期限", "请先计划该节点（ledger plan）", c.Milestone.Chinese())
	}
	if strings.TrimSpace(c.Reason) == "" {
		return nil, 0, d.refuse(ErrInvalid, "no reason given", "a revised deadline needs a reason (--reason)").zh("未说明原因", "调整期限须说明原因（--reason）")
	}
	if c.Due.IsZero() {
		return nil, 0, d.refuse(ErrInvalid, "no new deadline given", "give the new deadline as YYYY-MM-DD").zh("未填写新期限", "请按 YYYY-MM-DD 填写新期限")
	}
	if err := d.checkPrecision(c.Milestone, c.Due, c.Precision); err != nil {
		return nil, 0, err
	}
	if c.Due == dl.Due {
		return nil, 0, d.refuse(ErrNoChange, "%s is already due on %s", "give a different date", c.Milestone, dl.Due).zh("%s的期限已是 %s", "请填写不同的日期", c.Milestone.Chinese(), dl.Due)
	}
	if on, ok := d.p.Reached(c.Milestone); ok {
		return nil, 0, d.refuse(ErrDuplicateStep, "%s was already reached on %s", "a reached milestone keeps its deadline", c.Milestone, on).zh("%s已于 %s 完成", "已完成的节点保留原期限", c.Milestone.Chinese(), on)
	}
	if err := d.checkLength("reason", c.Reason); err != nil {
		return nil, 0, err
	}
	if err := d.checkPlanOrder(d.currentDue(PlannedDeadline{Milestone: c.Milestone, Due: c.Due}), c.ConfirmOrder); err != nil {
		return nil, 0, err
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, 0, err
	}
	return &DeadlineRevisedData{
		Milestone: c.Milestone, From: dl.Due, Due: c.Due, Baseline: dl.Baseline, Reason: strings.TrimSpace(c.Reason),
		Precision: c.Precision,
	}, on, nil
}

// checkPrecision refuses a deadline given at a precision coarser than a
// day that is not the last day of its period (2026-03-15 as a month): a
// month, quarter, half year or year is due on its last day.
func (d *decision) checkPrecision(m Milestone, due Date, p Precision) error {
	if err := CheckPrecision(due, p); err != nil {
		return d.refuse(ErrInvalid, "deadline of %s: %v", "give the period's last day, or a day deadline", m, err).zh("%s的期限：%s", "请填写该时段的最后一天，或具体到日的期限", m.Chinese(), Chinese(err))
	}
	return nil
}

// prerequisites: the step each lifecycle step needs before it, and how a
// refusal says so.
var prerequisites = map[EventType]struct {
	needs     EventType
	missing   string
	missingZh string
}{
	Completed:    {Started, "construction has not started", "尚未开工"},
	Commissioned: {Started, "construction has not started", "尚未开工"},
	FullCapacity: {Commissioned, "production has not been commissioned", "尚未投产"},
	Suspended:    {Started, "construction has not started", "尚未开工"},
}

// oneTime are the steps a project takes at most once.
var oneTime = map[EventType]bool{
	Negotiating: true, Signed: true, Started: true, Completed: true,
	Commissioned: true, FullCapacity: true,
}

func (d *decision) recordStep(c RecordStep) ([]Event, error) {
	if !slices.Contains(Steps, c.Step) {
		return nil, d.refuse(ErrInvalid, "%q is not a step", "expected one of "+joinNames(Steps), c.Step).zh("“%s”不是可记录的步骤", "应为以下之一："+chineseNames(Steps, EventType.Chinese), c.Step)
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	p := d.p
	if oneTime[c.Step] {
		if prev, ok := p.Steps[c.Step]; ok {
			return nil, d.refuse(ErrDuplicateStep, "%s was already recorded on %s", "a step is recorded once; correct it with an issue or note instead", c.Step, prev).zh("%s已于 %s 记录", "每个步骤只记录一次；如需更正，请挂账督办或加注说明", c.Step.Chinese(), prev)
		}
	}
	if pre, ok := prerequisites[c.Step]; ok {
		prev, done := p.Steps[pre.needs]
		if !done {
			return nil, d.refuse(ErrOutOfOrder, "%s", "record "+string(pre.needs)+" first", pre.missing).zh("%s", "请先记录"+pre.needs.Chinese(), pre.missingZh)
		}
		if on < prev {
			return nil, d.refuse(ErrOutOfOrder, "%s on %s is before %s on %s", "check the date", c.Step, on, pre.needs, prev).zh("%s日期 %s 早于%s日期 %s", "请核对日期", c.Step.Chinese(), on, pre.needs.Chinese(), prev)
		}
	}
	if c.Step == Suspended && on < p.Steps[Resumed] {
		return nil, d.refuse(ErrOutOfOrder, "suspended on %s is before the last resumption on %s", "check the date", on, p.Steps[Resumed]).zh("停工日期 %s 早于最近一次复工日期 %s", "请核对日期", on, p.Steps[Resumed])
	}
	if p.Suspended && (c.Step == Completed || c.Step == Commissioned || c.Step == FullCapacity || c.Step == Suspended) {
		return nil, d.refuse(ErrOutOfOrder, "construction is suspended since %s", "record resumed first", p.Steps[Suspended]).zh("项目自 %s 起停工", "请先记录复工", p.Steps[Suspended])
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
			return nil, d.refuse(ErrInvalid, "amount %d yuan is not positive", "give the amount received in yuan (--amount)", c.Amount).zh("金额 %d 元不是正数", "请填写到资金额（元，--amount）", c.Amount)
		}
		payload = &FundsReceivedData{Amount: c.Amount, Reference: c.Reference, Note: c.Note}
	case Approved:
		if !slices.Contains(ApprovalKinds, c.Approval) {
			return nil, d.refuse(ErrInvalid, "approval kind %q is unknown", "expected one of "+joinNames(ApprovalKinds), c.Approval).zh("审批类型“%s”无法识别", "应为以下之一："+chineseNames(ApprovalKinds, ApprovalKind.Chinese), c.Approval)
		}
		if prev, ok := p.Approvals[c.Approval]; ok {
			return nil, d.refuse(ErrDuplicateStep, "the %s approval was already recorded on %s", "an approval is recorded once", c.Approval, prev).zh("%s批复已于 %s 记录", "每项批复只记录一次", c.Approval.Chinese(), prev)
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
			return nil, d.refuse(ErrInvalid, "no reason given", "a suspension needs a reason (--reason)").zh("未说明原因", "停工须说明原因（--reason）")
		}
		payload = &SuspendedData{Reason: strings.TrimSpace(c.Reason), ExpectedRestart: c.ExpectedRestart}
	case Resumed:
		if !p.Suspended {
			return nil, d.refuse(ErrOutOfOrder, "construction is not suspended", "record suspended before resumed").zh("项目未停工", "请先记录停工，再记录复工")
		}
		if on < p.Steps[Suspended] {
			return nil, d.refuse(ErrOutOfOrder, "resumed on %s is before suspended on %s", "check the date", on, p.Steps[Suspended]).zh("复工日期 %s 早于停工日期 %s", "请核对日期", on, p.Steps[Suspended])
		}
		payload = &StepData{Step: Resumed, Note: c.Note}
	case Terminated:
		if strings.TrimSpace(c.Reason) == "" {
			return nil, d.refuse(ErrInvalid, "no reason given", "a termination needs a reason (--reason)").zh("未说明原因", "终止须说明原因（--reason）")
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
		set    bool
		name   string
		nameZh string
		steps  []EventType
	}{
		{c.Amount != 0, "an amount", "金额", []EventType{FundsReceived}},
		{c.Approval != "", "an approval kind", "审批类型", []EventType{Approved}},
		{c.Reference != "", "a reference", "文号", []EventType{Approved, FundsReceived}},
		{c.Reason != "", "a reason", "原因", []EventType{Suspended, Terminated}},
		{c.ExpectedRestart != 0, "an expected restart date", "预计复工日期", []EventType{Suspended}},
		{c.Note != "", "a note", "备注", []EventType{Negotiating, Signed, FundsReceived, Approved, Started, Resumed, Completed, Commissioned, FullCapacity}},
	}
	for _, f := range fields {
		if f.set && !slices.Contains(f.steps, c.Step) {
			return d.refuse(ErrInvalid, "%s does not apply to %s", "give it only to "+joinNames(f.steps), f.name, c.Step).zh("%s不适用于%s", "只能用于"+chineseNames(f.steps, EventType.Chinese), f.nameZh, c.Step.Chinese())
		}
	}
	return nil
}

func (d *decision) reportInvestment(c ReportInvestment) ([]Event, error) {
	if _, err := ParseMonth(string(c.Month)); err != nil {
		return nil, d.refuse(ErrInvalid, "%q is not a month", "give the month as YYYY-MM", c.Month).zh("“%s”不是有效月份", "请按 YYYY-MM 填写月份", c.Month)
	}
	if c.Amount < 0 {
		return nil, d.refuse(ErrInvalid, "amount %d yuan is negative", "give the investment completed in the month, in yuan", c.Amount).zh("金额 %d 元为负数", "请填写当月完成投资额（元）", c.Amount)
	}
	today := d.today()
	if c.Month.FirstDay() > today {
		return nil, d.refuse(ErrFutureDate, "%s has not begun (today is %s)", "report a month once it has begun", c.Month, today).zh("%s 尚未开始（今天是 %s）", "请在该月开始后报送", c.Month, today)
	}
	if prev, ok := d.p.Investment[c.Month]; ok {
		if prev == c.Amount {
			return nil, d.refuse(ErrNoChange, "%s is already reported as %d yuan", "", c.Month, prev).zh("%s 已报送为 %d 元", "", c.Month, prev)
		}
		if strings.TrimSpace(c.Reason) == "" {
			return nil, d.refuse(ErrInvalid, "%s is already reported as %d yuan", "give a reason to correct it (--reason)", c.Month, prev).zh("%s 已报送为 %d 元", "如需更正，请说明原因（--reason）", c.Month, prev)
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
		return nil, d.refuse(ErrInvalid, "year %d is out of range", "give a calendar year such as 2027", c.Year).zh("年份 %d 超出范围", "请填写公历年份，例如 2027", c.Year)
	}
	if c.Amount <= 0 {
		return nil, d.refuse(ErrInvalid, "amount %d yuan is not positive", "give the year's planned investment in yuan", c.Amount).zh("金额 %d 元不是正数", "请填写该年计划投资额（元）", c.Amount)
	}
	if prev, ok := d.p.AnnualPlan[c.Year]; ok {
		if prev == c.Amount {
			return nil, d.refuse(ErrNoChange, "%d is already planned at %s yuan", "", c.Year, FormatYuan(prev)).zh("%d 年已计划投资 %s 元", "", c.Year, FormatYuan(prev))
		}
		if strings.TrimSpace(c.Reason) == "" {
			return nil, d.refuse(ErrInvalid, "%d is already planned at %s yuan", "give a reason to change the plan (--reason)", c.Year, FormatYuan(prev)).zh("%d 年已计划投资 %s 元", "如需调整计划，请说明原因（--reason）", c.Year, FormatYuan(prev))
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
		return nil, d.refuse(ErrInvalid, "no title given", "say what the issue is (--title)").zh("未填写标题", "请说明督办事项（--title）")
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
		return nil, d.refuse(ErrAlreadyExists, "issue %s already exists", "use a new issue id", id).zh("督办事项 %s 已存在", "请使用新的督办事项编号", id)
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
		return nil, d.refuse(ErrInvalid, "there is no issue %s", "name an open issue of this project", c.IssueID).zh("没有督办事项 %s", "请填写本项目未销号的督办事项", c.IssueID)
	}
	if !is.ResolvedOn.IsZero() {
		return nil, d.refuse(ErrDuplicateStep, "issue %s was already resolved on %s", "", c.IssueID, is.ResolvedOn).zh("督办事项 %s 已于 %s 销号", "", c.IssueID, is.ResolvedOn)
	}
	if strings.TrimSpace(c.Resolution) == "" {
		return nil, d.refuse(ErrInvalid, "no resolution given", "say how the issue was resolved (--resolution)").zh("未填写销号说明", "请说明问题如何解决（--resolution）")
	}
	if err := d.checkLength("resolution", c.Resolution); err != nil {
		return nil, err
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	if on < is.RaisedOn {
		return nil, d.refuse(ErrOutOfOrder, "resolved on %s is before raised on %s", "check the date", on, is.RaisedOn).zh("销号日期 %s 早于挂账日期 %s", "请核对日期", on, is.RaisedOn)
	}
	return d.events(on, &IssueResolvedData{IssueID: c.IssueID, Resolution: strings.TrimSpace(c.Resolution)}), nil
}

func (d *decision) explainDelay(c ExplainDelay) ([]Event, error) {
	dl := d.p.Deadlines[c.Milestone]
	if dl == nil {
		return nil, d.refuse(ErrNotPlanned, "%s has no planned deadline", "plan it first (ledger plan)", c.Milestone).zh("%s尚无计划期限", "请先计划该节点（ledger plan）", c.Milestone.Chinese())
	}
	if strings.TrimSpace(c.Reason) == "" {
		return nil, d.refuse(ErrInvalid, "no reason given", "say why the milestone is late (--reason)").zh("未说明原因", "请说明节点逾期的原因（--reason）")
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
		return nil, d.refuse(ErrOutOfOrder, "%s is not late (due %s)", "explain a delay once the deadline has passed", c.Milestone, dl.Due).zh("%s未逾期（期限 %s）", "期限过后才能说明逾期原因", c.Milestone.Chinese(), dl.Due)
	}
	return d.events(on, &DelayExplainedData{Milestone: c.Milestone, Due: dl.Due, Reason: strings.TrimSpace(c.Reason)}), nil
}

func (d *decision) deadlineMissed(c RecordDeadlineMissed) ([]Event, error) {
	dl := d.p.Deadlines[c.Milestone]
	if dl == nil {
		return nil, d.refuse(ErrNotPlanned, "%s has no planned deadline", "", c.Milestone).zh("%s尚无计划期限", "", c.Milestone.Chinese())
	}
	if slices.Contains(d.p.MissedDeadlines(c.Milestone, d.now), c.Due) {
		return d.missed(c)
	}
	// Say why not, most telling reason first.
	wasDeadline := dl.Due == c.Due || slices.ContainsFunc(dl.Revisions, func(r Revision) bool { return r.From == c.Due && r.On > r.From })
	switch {
	case slices.Contains(dl.Missed, c.Due):
		return nil, d.refuse(ErrNoChange, "the miss of %s due %s is already recorded", "", c.Milestone, c.Due).zh("%s（期限 %s）的逾期已记录", "", c.Milestone.Chinese(), c.Due)
	case !wasDeadline:
		return nil, d.refuse(ErrNoChange, "%s was not due on %s when that day ended (it is due on %s)", "", c.Milestone, c.Due, dl.Due).zh("%s在 %s 当天结束时并未到期（现期限为 %s）", "", c.Milestone.Chinese(), c.Due, dl.Due)
	case !dl.Reached.IsZero() && dl.Reached <= c.Due:
		return nil, d.refuse(ErrNoChange, "%s was reached on %s", "", c.Milestone, dl.Reached).zh("%s已于 %s 完成", "", c.Milestone.Chinese(), dl.Reached)
	case d.now.Before(c.Due.End(d.p.Location())):
		return nil, d.refuse(ErrFutureDate, "the deadline day %s has not ended", "", c.Due).zh("期限当天 %s 尚未结束", "", c.Due)
	default:
		return nil, d.refuse(ErrNoChange, "construction was suspended on %s", "a suspension excuses the deadlines that fall in it", c.Due).zh("%s 项目处于停工期", "停工期间到期的节点不计逾期", c.Due)
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

package domain

import (
	"fmt"
	"slices"
	"strings"
)

// A clerk's mistake is corrected by a new event that names what it
// corrects, what it said before and why; the original stays in the
// history. A correction is not a plan change: a deadline moved for a
// reason is a revision (ReviseDeadline), a deadline that no longer applies
// is withdrawn (WithdrawDeadline).

// CorrectFacts corrects the project's registered facts. An empty field (a
// zero amount or date) leaves that fact as it is.
type CorrectFacts struct {
	Meta
	Project         ProjectID
	Name            string
	Unit            string
	Township        string
	Leader          string // the current leader's name, entered wrongly (not a handover)
	Industry        string
	NationalCode    string
	Content         string `json:",omitempty"` // 建设内容; left out of the command key when empty
	TotalInvestment int64  // integer yuan
	RegisteredOn    Date
	Reason          string
	On              Date // the day of the correction; zero means today
}

// CorrectRecord corrects one recorded fact: the date of a step, an
// approval or a funds tranche, an approval's or a tranche's document
// number, a tranche's amount, or a deadline's baseline entered wrongly.
type CorrectRecord struct {
	Meta
	Project   ProjectID
	Type      EventType    // the kind of record: a step, approved, funds_received or milestone_planned
	Kind      ApprovalKind // approved: which approval
	Milestone Milestone    // milestone_planned: which deadline
	Tranche   int          // funds_received: the tranche's number, 1 the first recorded; 0 when there is one
	Date      Date         // the right date (of the step, or the baseline deadline); zero: unchanged
	Reference string       // the right document number; "": unchanged
	Amount    int64        // funds_received: the right amount in yuan; 0: unchanged
	Reason    string
	On        Date // the day of the correction; zero means today
}

// WithdrawDeadline removes a milestone's deadline that no longer applies
// (a project that needs no EIA, a node dropped from the plan).
type WithdrawDeadline struct {
	Meta
	Project   ProjectID
	Milestone Milestone
	Reason    string
	On        Date
}

// Target implements Command.
func (c CorrectFacts) Target() ProjectID { return c.Project }

// Target implements Command.
func (c CorrectRecord) Target() ProjectID { return c.Project }

// Target implements Command.
func (c WithdrawDeadline) Target() ProjectID { return c.Project }

// Action implements Command.
func (c CorrectFacts) Action() string { return "correct facts" }

// Action implements Command.
func (c CorrectRecord) Action() string {
	switch {
	case c.Type == Approved && c.Kind != "":
		return "correct approved " + string(c.Kind)
	case c.Type == MilestonePlanned && c.Milestone != "":
		return "correct the baseline of " + string(c.Milestone)
	}
	return "correct " + string(c.Type)
}

// Action implements Command.
func (c WithdrawDeadline) Action() string { return "withdraw the deadline of " + string(c.Milestone) }

// The event types of corrections.
const (
	FactsCorrected    EventType = "facts_corrected"
	RecordCorrected   EventType = "record_corrected"
	DeadlineWithdrawn EventType = "deadline_withdrawn"
)

// FactsCorrectedData corrects registered facts; each change keeps what the
// ledger said before.
type FactsCorrectedData struct {
	Changes []FactChange `cbor:"changes" json:"changes"`
	Reason  string       `cbor:"reason" json:"reason"`
}

// FactChange is one corrected fact. Field is one of the Fact* names; text
// facts use From and To, total_investment FromYuan and ToYuan,
// registered_on FromDate and ToDate.
type FactChange struct {
	Field    string `cbor:"field" json:"field"`
	From     string `cbor:"from,omitempty" json:"from,omitempty"`
	To       string `cbor:"to,omitempty" json:"to,omitempty"`
	FromYuan int64  `cbor:"from_yuan,omitempty" json:"from_yuan,omitempty"`
	ToYuan   int64  `cbor:"to_yuan,omitempty" json:"to_yuan,omitempty"`
	FromDate Date   `cbor:"from_date,omitempty" json:"from_date,omitempty"`
	ToDate   Date   `cbor:"to_date,omitempty" json:"to_date,omitempty"`
}

// The facts CorrectFacts can change, as FactChange.Field names them.
const (
	FactName            = "name"
	FactUnit            = "unit"
	FactTownship        = "township"
	FactLeader          = "leader"
	FactIndustry        = "industry"
	FactContent         = "content"
	FactNationalCode    = "national_code"
	FactTotalInvestment = "total_investment"
	FactRegisteredOn    = "registered_on"
)

// RecordCorrectedData corrects one recorded fact, named by its type and,
// where a type records several, its approval kind, milestone or tranche;
// the From fields keep what it said.
type RecordCorrectedData struct {
	Type          EventType    `cbor:"type" json:"type"`
	Kind          ApprovalKind `cbor:"kind,omitempty" json:"kind,omitempty"`
	Milestone     Milestone    `cbor:"milestone,omitempty" json:"milestone,omitempty"`
	Tranche       int          `cbor:"tranche,omitempty" json:"tranche,omitempty"`
	FromDate      Date         `cbor:"from_date,omitempty" json:"from_date,omitempty"`
	ToDate        Date         `cbor:"to_date,omitempty" json:"to_date,omitempty"`
	FromReference string       `cbor:"from_reference,omitempty" json:"from_reference,omitempty"`
	ToReference   string       `cbor:"to_reference,omitempty" json:"to_reference,omitempty"`
	FromAmount    int64        `cbor:"from_amount_yuan,omitempty" json:"from_amount_yuan,omitempty"`
	ToAmount      int64        `cbor:"to_amount_yuan,omitempty" json:"to_amount_yuan,omitempty"`
	Reason        string       `cbor:"reason" json:"reason"`
}

// DeadlineWithdrawnData removes a milestone's deadline; Due keeps the
// deadline it had, Baseline its first one.
type DeadlineWithdrawnData struct {
	Milestone Milestone `cbor:"milestone" json:"milestone"`
	Due       Date      `cbor:"due" json:"due"`
	Baseline  Date      `cbor:"baseline" json:"baseline"`
	Reason    string    `cbor:"reason" json:"reason"`
}

// EventType implements Payload.
func (*FactsCorrectedData) EventType() EventType { return FactsCorrected }

// EventType implements Payload.
func (*RecordCorrectedData) EventType() EventType { return RecordCorrected }

// EventType implements Payload.
func (*DeadlineWithdrawnData) EventType() EventType { return DeadlineWithdrawn }

// MilestoneRef implements MilestoneEvent.
func (d *DeadlineWithdrawnData) MilestoneRef() (Milestone, Date) { return d.Milestone, d.Due }

// Tranche is one funds receipt (进资), as corrected since.
type Tranche struct {
	On        Date   `json:"on"`
	Amount    int64  `json:"amount_yuan"`
	Reference string `json:"reference,omitempty"`
}

// correctable are the record types CorrectRecord corrects, besides
// approved, funds_received and milestone_planned: the one-time steps.
var correctable = []EventType{Negotiating, Signed, Started, Completed, Commissioned, FullCapacity}

func (d *decision) correctFacts(c CorrectFacts) ([]Event, error) {
	reason, err := d.reason(c.Reason, "say why the facts were wrong (--reason)", "请说明原信息错在何处（--reason）")
	if err != nil {
		return nil, err
	}
	p := d.p
	var changes []FactChange
	text := []struct {
		field, to, from string
	}{
		{FactName, c.Name, p.Name}, {FactUnit, c.Unit, p.Unit}, {FactTownship, c.Township, p.Township},
		{FactLeader, c.Leader, p.Leader}, {FactIndustry, c.Industry, p.Industry}, {FactNationalCode, c.NationalCode, p.NationalCode},
		{FactContent, c.Content, p.Content},
	}
	for _, f := range text {
		to := strings.TrimSpace(f.to)
		if to == "" || to == f.from {
			continue
		}
		if err := d.checkLength(f.field, to); err != nil {
			return nil, err
		}
		if f.field == FactNationalCode {
			if _, err := ParseNationalCode(to); err != nil {
				return nil, d.refuse(ErrInvalid, "%v", "give the 24-character code from the national platform", err).zh("%s", "请填写全国投资项目在线审批监管平台赋予的 24 位项目代码", Chinese(err))
			}
		}
		changes = append(changes, FactChange{Field: f.field, From: f.from, To: to})
	}
	if c.TotalInvestment < 0 {
		return nil, d.refuse(ErrInvalid, "total investment %d yuan is negative", "give the total investment in yuan", c.TotalInvestment).zh("总投资 %d 元为负数", "请填写总投资（元）", c.TotalInvestment)
	}
	if c.TotalInvestment > 0 && c.TotalInvestment != p.TotalInvestment {
		changes = append(changes, FactChange{Field: FactTotalInvestment, FromYuan: p.TotalInvestment, ToYuan: c.TotalInvestment})
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	if !c.RegisteredOn.IsZero() && c.RegisteredOn != p.RegisteredOn {
		if c.RegisteredOn > on {
			return nil, d.refuse(ErrFutureDate, "registration date %s is after today's %s", "give the day the project entered the ledger", c.RegisteredOn, on).zh("登记日期 %s 晚于今天 %s", "请填写项目入账的日期", c.RegisteredOn, on)
		}
		if first := p.firstDated(); !first.IsZero() && c.RegisteredOn > first && p.Kind != KindContinuing {
			return nil, d.refuse(ErrOutOfOrder, "registration date %s is after the project's first recorded step on %s", "give a date on or before it", c.RegisteredOn, first).zh("登记日期 %s 晚于项目首个记录步骤的日期 %s", "请填写当天或更早的日期", c.RegisteredOn, first)
		}
		changes = append(changes, FactChange{Field: FactRegisteredOn, FromDate: p.RegisteredOn, ToDate: c.RegisteredOn})
	}
	if len(changes) == 0 {
		return nil, d.refuse(ErrNoChange, "nothing differs from what is recorded", "give the facts to correct (--name, --unit, --township, --leader, --industry, --code, --investment, --registered-on)").zh("与已记录的内容没有不同", "请填写要更正的信息（--name、--unit、--township、--leader、--industry、--code、--investment、--registered-on）")
	}
	return d.events(on, &FactsCorrectedData{Changes: changes, Reason: reason}), nil
}

func (d *decision) correctRecord(c CorrectRecord) ([]Event, error) {
	reason, err := d.reason(c.Reason, "say why the record was wrong (--reason)", "请说明原记录错在何处（--reason）")
	if err != nil {
		return nil, err
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	if err := d.checkLength("reference", c.Reference); err != nil {
		return nil, err
	}
	p := d.p
	out := &RecordCorrectedData{Type: c.Type, Reason: reason}
	applies := func(set bool, what, whatZh string, types ...EventType) error {
		if set && !slices.Contains(types, c.Type) {
			return d.refuse(ErrInvalid, "%s does not apply to %s", "give it only to "+joinNames(types), what, c.Type).
				zh("%s不适用于%s", "只能用于"+chineseNames(types, EventName), whatZh, EventName(c.Type))
		}
		return nil
	}
	for _, f := range []error{
		applies(c.Kind != "", "an approval kind", "审批类型", Approved),
		applies(c.Milestone != "", "a milestone", "节点", MilestonePlanned),
		applies(c.Tranche != 0, "a tranche", "到资批次", FundsReceived),
		applies(c.Amount != 0, "an amount", "金额", FundsReceived),
		applies(c.Reference != "", "a document number", "文号", Approved, FundsReceived),
	} {
		if f != nil {
			return nil, f
		}
	}
	var fromDate Date
	switch {
	case c.Type == Approved:
		if !slices.Contains(ApprovalKinds, c.Kind) {
			return nil, d.refuse(ErrInvalid, "approval kind %q is unknown", "expected one of "+joinNames(ApprovalKinds), c.Kind).zh("审批类型“%s”无法识别", "应为以下之一："+chineseNames(ApprovalKinds, ApprovalKind.Chinese), c.Kind)
		}
		at, ok := p.Approvals[c.Kind]
		if !ok {
			return nil, d.refuse(ErrNotPlanned, "no %s approval is recorded", "record it (ledger record approved) rather than correct it", c.Kind).zh("尚未记录%s批复", "请记录该批复（ledger record approved），而不是更正", c.Kind.Chinese())
		}
		out.Kind, fromDate = c.Kind, at
		if ref := p.ApprovalRefs[c.Kind]; c.Reference != "" && c.Reference != ref {
			out.FromReference, out.ToReference = ref, strings.TrimSpace(c.Reference)
		}
	case c.Type == FundsReceived:
		t, err := d.tranche(c.Tranche)
		if err != nil {
			return nil, err
		}
		out.Tranche, fromDate = t+1, p.Funds[t].On
		if c.Amount < 0 {
			return nil, d.refuse(ErrInvalid, "amount %d yuan is negative", "give the amount received in yuan", c.Amount).zh("金额 %d 元为负数", "请填写到资金额（元）", c.Amount)
		}
		if c.Amount > 0 && c.Amount != p.Funds[t].Amount {
			out.FromAmount, out.ToAmount = p.Funds[t].Amount, c.Amount
		}
		if c.Reference != "" && c.Reference != p.Funds[t].Reference {
			out.FromReference, out.ToReference = p.Funds[t].Reference, strings.TrimSpace(c.Reference)
		}
	case c.Type == MilestonePlanned:
		dl := p.Deadlines[c.Milestone]
		if dl == nil {
			return nil, d.refuse(ErrNotPlanned, "%q has no planned deadline", "name a planned milestone", c.Milestone).zh("%s尚无计划期限", "请填写已计划的节点", c.Milestone.Chinese())
		}
		out.Milestone, fromDate = c.Milestone, dl.Baseline
	case slices.Contains(correctable, c.Type):
		at, ok := p.Steps[c.Type]
		if !ok {
			return nil, d.refuse(ErrNotPlanned, "%s is not recorded", "record it rather than correct it", c.Type).zh("尚未记录%s", "请记录该步骤，而不是更正", EventName(c.Type))
		}
		fromDate = at
	default:
		return nil, d.refuse(ErrInvalid, "%q records cannot be corrected", "expected one of "+joinNames(append(slices.Clone(correctable), Approved, FundsReceived, MilestonePlanned)), c.Type).zh("“%s”记录不能更正", "应为以下之一："+chineseNames(append(slices.Clone(correctable), Approved, FundsReceived, MilestonePlanned), EventName), c.Type)
	}
	if !c.Date.IsZero() && c.Date != fromDate {
		if err := d.checkCorrectedDate(c, c.Date, on); err != nil {
			return nil, err
		}
		out.FromDate, out.ToDate = fromDate, c.Date
	}
	if out.ToDate.IsZero() && out.ToReference == "" && out.ToAmount == 0 {
		return nil, d.refuse(ErrNoChange, "nothing differs from what is recorded", "give the right date (--date), document number (--ref) or amount (--amount)").zh("与已记录的内容没有不同", "请填写正确的日期（--date）、文号（--ref）或金额（--amount）")
	}
	return d.events(on, out), nil
}

// tranche returns the index in Funds of tranche n (1-based; 0 when the
// project has exactly one).
func (d *decision) tranche(n int) (int, error) {
	funds := d.p.Funds
	if len(funds) == 0 {
		return 0, d.refuse(ErrNotPlanned, "no funds are recorded", "record them (ledger record funds_received) rather than correct them").zh("尚未记录到资", "请记录到资（ledger record funds_received），而不是更正")
	}
	if n == 0 && len(funds) == 1 {
		return 0, nil
	}
	if n < 1 || n > len(funds) {
		list, listZh := make([]string, len(funds)), make([]string, len(funds))
		for i, t := range funds {
			list[i] = fmt.Sprintf("%d = %s %s yuan", i+1, t.On, FormatYuan(t.Amount))
			listZh[i] = fmt.Sprintf("%d = %s %s 元", i+1, t.On, FormatYuan(t.Amount))
		}
		return 0, d.refuse(ErrInvalid, "the project has %d tranches", "name one with --tranche ("+strings.Join(list, "; ")+")", len(funds)).zh("项目有 %d 笔到资", "请用 --tranche 指明其中一笔（"+strings.Join(listZh, "；")+"）", len(funds))
	}
	return n - 1, nil
}

// checkCorrectedDate refuses a corrected date in the future, before the
// registration, or against the order of the steps it depends on.
func (d *decision) checkCorrectedDate(c CorrectRecord, at, today Date) error {
	if c.Type == MilestonePlanned {
		return nil // a deadline may lie anywhere
	}
	if at > today {
		return d.refuse(ErrFutureDate, "%s is in the future (today is %s)", "give the day it happened", at, today).zh("%s 是未来的日期（今天是 %s）", "请填写事情发生的日期", at, today)
	}
	p := d.p
	if pre, ok := prerequisites[c.Type]; ok {
		if prev, done := p.Steps[pre.needs]; done && at < prev {
			return d.refuse(ErrOutOfOrder, "%s on %s would be before %s on %s", "check the date", c.Type, at, pre.needs, prev).zh("%s日期 %s 将早于%s日期 %s", "请核对日期", EventName(c.Type), at, pre.needs.Chinese(), prev)
		}
	}
	for step, pre := range prerequisites {
		if pre.needs != c.Type {
			continue
		}
		if later, done := p.Steps[step]; done && later < at {
			return d.refuse(ErrOutOfOrder, "%s on %s would be after %s on %s", "check the date", c.Type, at, step, later).zh("%s日期 %s 将晚于%s日期 %s", "请核对日期", EventName(c.Type), at, step.Chinese(), later)
		}
	}
	return nil
}

func (d *decision) withdraw(c WithdrawDeadline) ([]Event, error) {
	dl := d.p.Deadlines[c.Milestone]
	if dl == nil {
		return nil, d.refuse(ErrNotPlanned, "%q has no planned deadline", "name a planned milestone", c.Milestone).zh("%s尚无计划期限", "请填写已计划的节点", c.Milestone.Chinese())
	}
	if on, ok := d.p.Reached(c.Milestone); ok {
		return nil, d.refuse(ErrDuplicateStep, "%s was already reached on %s", "a reached milestone keeps its deadline", c.Milestone, on).zh("%s已于 %s 完成", "已完成的节点保留原期限", c.Milestone.Chinese(), on)
	}
	reason, err := d.reason(c.Reason, "say why the deadline no longer applies (--reason)", "请说明该期限为何不再适用（--reason）")
	if err != nil {
		return nil, err
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	return d.events(on, &DeadlineWithdrawnData{Milestone: c.Milestone, Due: dl.Due, Baseline: dl.Baseline, Reason: reason}), nil
}

// reason returns r trimmed, refusing an empty or overlong one.
func (d *decision) reason(r, fix, fixZh string) (string, error) {
	r = strings.TrimSpace(r)
	if r == "" {
		return "", d.refuse(ErrInvalid, "no reason given", fix).zh("未说明原因", fixZh)
	}
	return r, d.checkLength("reason", r)
}

// evolveCorrection applies a correction event to the state.
func evolveCorrection(p *Project, e Event) {
	switch d := e.Data.(type) {
	case *FactsCorrectedData:
		for _, ch := range d.Changes {
			switch ch.Field {
			case FactName:
				p.Name = ch.To
			case FactUnit:
				p.Unit = ch.To
			case FactTownship:
				p.Township = ch.To
			case FactIndustry:
				p.Industry = ch.To
			case FactContent:
				p.Content = ch.To
			case FactNationalCode:
				p.NationalCode = ch.To
			case FactTotalInvestment:
				p.TotalInvestment = ch.ToYuan
			case FactRegisteredOn:
				p.RegisteredOn = ch.ToDate
				if len(p.Leaders) > 0 && p.Leaders[0].From == ch.FromDate {
					p.Leaders[0].From = ch.ToDate
				}
			case FactLeader:
				p.Leader = ch.To
				if n := len(p.Leaders); n > 0 {
					p.Leaders[n-1].Leader = ch.To
				}
			}
		}
	case *RecordCorrectedData:
		p.correctRecord(d)
	case *DeadlineWithdrawnData:
		delete(p.Deadlines, d.Milestone)
	}
}

func (p *Project) correctRecord(d *RecordCorrectedData) {
	reached := func(m Milestone, at Date) {
		if dl := p.Deadlines[m]; dl != nil {
			dl.Reached = at
		}
	}
	switch d.Type {
	case Approved:
		if !d.ToDate.IsZero() {
			p.Approvals[d.Kind] = d.ToDate
			reached(Milestone(d.Kind), d.ToDate)
		}
		if d.ToReference != "" {
			p.ApprovalRefs[d.Kind] = d.ToReference
		}
	case FundsReceived:
		i := d.Tranche - 1
		if i < 0 || i >= len(p.Funds) {
			return
		}
		t := &p.Funds[i]
		if !d.ToDate.IsZero() {
			t.On = d.ToDate
		}
		if d.ToReference != "" {
			t.Reference = d.ToReference
		}
		if d.ToAmount != 0 {
			p.FundsTotal += d.ToAmount - t.Amount
			t.Amount = d.ToAmount
		}
		first, last := t.On, t.On
		for _, f := range p.Funds {
			first, last = min(first, f.On), max(last, f.On)
		}
		p.Steps[FundsReceived] = last
		reached(Milestone(FundsReceived), first)
	case MilestonePlanned:
		if dl := p.Deadlines[d.Milestone]; dl != nil && !d.ToDate.IsZero() {
			// A corrected baseline keeps its precision while it is the
			// last day of its period (2026年3月 typed for 2026年4月), and
			// is a day otherwise.
			prec := dl.BaselinePrecision
			if CheckPrecision(d.ToDate, prec) != nil {
				prec = PrecisionDay
			}
			if dl.Due == dl.Baseline && len(dl.Revisions) == 0 {
				dl.Due, dl.Precision = d.ToDate, prec
			}
			dl.Baseline, dl.BaselinePrecision = d.ToDate, prec
		}
	default:
		if !d.ToDate.IsZero() {
			p.Steps[d.Type] = d.ToDate
			reached(Milestone(d.Type), d.ToDate)
		}
	}
}

// firstDated returns the earliest date of a recorded step or approval.
func (p *Project) firstDated() Date {
	var first Date
	for _, at := range p.Steps {
		if first.IsZero() || at < first {
			first = at
		}
	}
	for _, at := range p.Approvals {
		if first.IsZero() || at < first {
			first = at
		}
	}
	return first
}

package domain

import (
	"fmt"
	"strings"
)

// An upward application (向上争取) asks a higher level (the province, the
// state) for something for a project: a special fund, a bond quota, a
// policy pilot, an entry into its library. It is submitted with what is
// asked, answered (approved with the amount granted and the document, or
// refused), and the granted funds arrive in tranches. Amounts are integer
// yuan; a partial grant is normal. A key project or a reserve project may
// apply.

// The application's event types.
const (
	ApplicationSubmitted EventType = "application_submitted"
	ApplicationAnswered  EventType = "application_answered"
	GrantReceived        EventType = "grant_received"
)

// SubmitApplication records an application sent up.
type SubmitApplication struct {
	Meta
	Project     ProjectID
	Application string // the application's id within the project; "" derives one
	Level       Level  // province or state (city accepted)
	Programme   string // 中央预算内投资, 地方政府专项债券, ...
	Asked       int64  // integer yuan; 0 for an application that asks no money (a library entry, a pilot)
	Note        string `json:",omitempty"`
	On          Date
}

// AnswerApplication records the higher level's answer.
type AnswerApplication struct {
	Meta
	Project     ProjectID
	Application string
	Approved    bool
	Granted     int64  // integer yuan granted; 0 when refused
	Document    string // the approving document's number (文号)
	Note        string // required to grant more than asked
	On          Date
}

// ReceiveGrant records a tranche of granted funds that arrived.
type ReceiveGrant struct {
	Meta
	Project     ProjectID
	Application string
	Amount      int64
	Reference   string `json:",omitempty"`
	Note        string `json:",omitempty"` // required when the total passes the grant
	On          Date
}

// Target implements Command.
func (c SubmitApplication) Target() ProjectID { return c.Project }

// Target implements Command.
func (c AnswerApplication) Target() ProjectID { return c.Project }

// Target implements Command.
func (c ReceiveGrant) Target() ProjectID { return c.Project }

// Action implements Command.
func (c SubmitApplication) Action() string { return "submit an application to the " + string(c.Level) }

// Action implements Command.
func (c AnswerApplication) Action() string {
	return "record the answer to application " + c.Application
}

// Action implements Command.
func (c ReceiveGrant) Action() string { return "record funds of application " + c.Application }

// ApplicationSubmittedData is an application sent up.
type ApplicationSubmittedData struct {
	Application string `cbor:"application" json:"application"`
	Level       Level  `cbor:"level" json:"level"`
	Programme   string `cbor:"programme" json:"programme"`
	Asked       int64  `cbor:"asked_yuan" json:"asked_yuan"`
	Note        string `cbor:"note,omitempty" json:"note,omitempty"`
}

// ApplicationAnsweredData is the answer to an application.
type ApplicationAnsweredData struct {
	Application string `cbor:"application" json:"application"`
	Approved    bool   `cbor:"approved" json:"approved"`
	Granted     int64  `cbor:"granted_yuan" json:"granted_yuan"`
	Document    string `cbor:"document,omitempty" json:"document,omitempty"`
	Note        string `cbor:"note,omitempty" json:"note,omitempty"`
}

// GrantReceivedData is a tranche of granted funds.
type GrantReceivedData struct {
	Application string `cbor:"application" json:"application"`
	Amount      int64  `cbor:"amount_yuan" json:"amount_yuan"`
	Reference   string `cbor:"reference,omitempty" json:"reference,omitempty"`
	Note        string `cbor:"note,omitempty" json:"note,omitempty"`
}

// EventType implements Payload.
func (*ApplicationSubmittedData) EventType() EventType { return ApplicationSubmitted }

// EventType implements Payload.
func (*ApplicationAnsweredData) EventType() EventType { return ApplicationAnswered }

// EventType implements Payload.
func (*GrantReceivedData) EventType() EventType { return GrantReceived }

// Application is an application's state.
type Application struct {
	ID        string `json:"id"`
	Level     Level  `json:"level"`
	Programme string `json:"programme"`
	Asked     int64  `json:"asked_yuan"`
	Submitted Date   `json:"submitted"`
	Answered  Date   `json:"answered,omitempty"`
	Approved  bool   `json:"approved,omitempty"`
	Granted   int64  `json:"granted_yuan,omitempty"`
	Document  string `json:"document,omitempty"`
	Received  int64  `json:"received_yuan,omitempty"`
	// Tranches are the funds that arrived, in order of record.
	Tranches []Tranche `json:"tranches,omitempty"`
}

// ReceivedBy returns the funds that had arrived by day d.
func (a *Application) ReceivedBy(d Date) int64 {
	var n int64
	for _, t := range a.Tranches {
		if t.On <= d {
			n += t.Amount
		}
	}
	return n
}

func isApplicationCommand(cmd Command) bool {
	switch cmd.(type) {
	case SubmitApplication, AnswerApplication, ReceiveGrant:
		return true
	}
	return false
}

func (d *decision) decideApplication(cmd Command) ([]Event, error) {
	if !d.p.Registered && d.p.Reserve == nil {
		return nil, d.refuse(ErrUnknownProject, "the project is neither a key project nor in the reserve", "register it or enter it as conceived first").
			zh("项目既不是重点项目，也不在储备库中", "请先登记项目或录入谋划项目")
	}
	if d.p.Terminated || d.p.Reserve != nil && !d.p.Reserve.Dropped.IsZero() {
		return nil, d.refuse(ErrTerminated, "the project was terminated or dropped", "it takes no further steps").zh("项目已终止或退库", "不再办理后续事项")
	}
	switch c := cmd.(type) {
	case SubmitApplication:
		return d.submitApplication(c)
	case AnswerApplication:
		return d.answerApplication(c)
	case ReceiveGrant:
		return d.receiveGrant(c)
	}
	return nil, d.refuse(ErrInvalid, "the command %T is unknown", "", cmd).zh("未知的命令 %T", "", cmd)
}

func (d *decision) submitApplication(c SubmitApplication) ([]Event, error) {
	id := strings.TrimSpace(c.Application)
	if id == "" {
		id = "A-" + d.key[:8]
	}
	if _, ok := d.p.Applications[id]; ok {
		return nil, d.refuse(ErrAlreadyExists, "application %s exists", "give another id", id).zh("申报事项 %s 已存在", "请使用其他编号", id)
	}
	if c.Level != LevelCity && c.Level != LevelProvince && c.Level != LevelState {
		return nil, d.refuse(ErrInvalid, "level %q is not a higher level", "expected city, province or state", c.Level).zh("“%s”不是上级层级", "应为 市级、省级 或 国家级", c.Level)
	}
	if strings.TrimSpace(c.Programme) == "" {
		return nil, d.refuse(ErrInvalid, "no programme given", "name what is applied for (a special fund, a bond quota, a pilot, a library)").
			zh("未填写申报类别", "请填写申报的资金或政策类别（专项资金、专项债券、试点、项目库等）")
	}
	if c.Asked < 0 {
		return nil, d.refuse(ErrInvalid, "%d yuan asked is negative", "give the amount asked in yuan, or 0", c.Asked).zh("申请金额 %d 元为负数", "请填写申请金额（元），不涉及资金填 0", c.Asked)
	}
	if err := d.checkLengths([2]string{"issue id", id}, [2]string{"title", c.Programme}, [2]string{"note", c.Note}); err != nil {
		return nil, err
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	return d.events(on, &ApplicationSubmittedData{Application: id, Level: c.Level, Programme: strings.TrimSpace(c.Programme), Asked: c.Asked, Note: strings.TrimSpace(c.Note)}), nil
}

// application returns the project's application id, or refuses.
func (d *decision) application(id string) (*Application, error) {
	a := d.p.Applications[strings.TrimSpace(id)]
	if a == nil {
		return nil, d.refuse(ErrNotPlanned, "no application %q", "name an application the project submitted (ledger apply list)", id).
			zh("没有申报事项“%s”", "请填写该项目已提交的申报事项编号", id)
	}
	return a, nil
}

func (d *decision) answerApplication(c AnswerApplication) ([]Event, error) {
	a, err := d.application(c.Application)
	if err != nil {
		return nil, err
	}
	if !a.Answered.IsZero() {
		return nil, d.refuse(ErrDuplicateStep, "application %s was answered on %s", "an application is answered once", a.ID, a.Answered).zh("申报事项 %s 已于 %s 批复", "每个申报事项只批复一次", a.ID, a.Answered)
	}
	note := strings.TrimSpace(c.Note)
	switch {
	case c.Granted < 0:
		return nil, d.refuse(ErrInvalid, "%d yuan granted is negative", "give the amount granted in yuan", c.Granted).zh("批复金额 %d 元为负数", "请填写批复金额（元）", c.Granted)
	case !c.Approved && c.Granted != 0:
		return nil, d.refuse(ErrInvalid, "a refused application grants nothing, not %s yuan", "record the refusal without an amount", FormatYuan(c.Granted)).
			zh("未获批准的申报不应有批复金额（%s 元）", "记录未获批准时不填金额", FormatYuan(c.Granted))
	case c.Approved && c.Granted > a.Asked && note == "":
		return nil, d.refuse(ErrInvalid, "%s yuan granted is more than the %s yuan asked", "say why in a note (--note), or correct the amount", FormatYuan(c.Granted), FormatYuan(a.Asked)).
			zh("批复金额 %s 元超过申请金额 %s 元", "请在备注中说明原因（--note），或更正金额", FormatYuan(c.Granted), FormatYuan(a.Asked))
	case c.Approved && strings.TrimSpace(c.Document) == "":
		return nil, d.refuse(ErrInvalid, "no document number given", "give the approving document's number (--document)").zh("未填写批复文号", "请填写批复文号（--document）")
	}
	if err := d.checkLengths([2]string{"reference", c.Document}, [2]string{"note", note}); err != nil {
		return nil, err
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	if on < a.Submitted {
		return nil, d.refuse(ErrOutOfOrder, "answered on %s, before it was submitted on %s", "give a date on or after the submission", on, a.Submitted).
			zh("批复日期 %s 早于申报日期 %s", "请填写申报当日或之后的日期", on, a.Submitted)
	}
	return d.events(on, &ApplicationAnsweredData{Application: a.ID, Approved: c.Approved, Granted: c.Granted, Document: strings.TrimSpace(c.Document), Note: note}), nil
}

func (d *decision) receiveGrant(c ReceiveGrant) ([]Event, error) {
	a, err := d.application(c.Application)
	if err != nil {
		return nil, err
	}
	if a.Answered.IsZero() || !a.Approved {
		return nil, d.refuse(ErrOutOfOrder, "application %s is not approved", "funds arrive after the approval: record the answer first (ledger apply answer)", a.ID).
			zh("申报事项 %s 尚未获批", "资金在批复后到位：请先记录批复（ledger apply answer）", a.ID)
	}
	if c.Amount <= 0 {
		return nil, d.refuse(ErrInvalid, "%d yuan is not positive", "give the amount that arrived in yuan", c.Amount).zh("到位金额 %d 元不是正数", "请填写到位金额（元）", c.Amount)
	}
	note := strings.TrimSpace(c.Note)
	if a.Received+c.Amount > a.Granted && note == "" {
		return nil, d.refuse(ErrInvalid, "%s yuan would arrive in all, more than the %s yuan granted", "say why in a note (--note), or correct the amount",
			FormatYuan(a.Received+c.Amount), FormatYuan(a.Granted)).
			zh("累计到位 %s 元将超过批复金额 %s 元", "请在备注中说明原因（--note），或更正金额", FormatYuan(a.Received+c.Amount), FormatYuan(a.Granted))
	}
	if err := d.checkLengths([2]string{"reference", c.Reference}, [2]string{"note", note}); err != nil {
		return nil, err
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	if on < a.Answered {
		return nil, d.refuse(ErrOutOfOrder, "arrived on %s, before the approval on %s", "give a date on or after the approval", on, a.Answered).
			zh("到位日期 %s 早于批复日期 %s", "请填写批复当日或之后的日期", on, a.Answered)
	}
	return d.events(on, &GrantReceivedData{Application: a.ID, Amount: c.Amount, Reference: strings.TrimSpace(c.Reference), Note: note}), nil
}

// describeApplication is an application event in one line, in English or
// Chinese.
func describeApplication(e Event, zh bool) (string, bool) {
	switch d := e.Data.(type) {
	case *ApplicationSubmittedData:
		if zh {
			return zhReason(fmt.Sprintf("向%s申报 %s（%s），申请 %s 元", d.Level.Chinese(), d.Application, d.Programme, FormatYuan(d.Asked)), d.Note), true
		}
		return withReason(fmt.Sprintf("application %s to the %s (%s), %s yuan asked", d.Application, d.Level, d.Programme, FormatYuan(d.Asked)), d.Note), true
	case *ApplicationAnsweredData:
		switch {
		case zh && d.Approved:
			return zhReason(fmt.Sprintf("申报 %s 获批 %s 元（%s）", d.Application, FormatYuan(d.Granted), d.Document), d.Note), true
		case zh:
			return zhReason(fmt.Sprintf("申报 %s 未获批准", d.Application), d.Note), true
		case d.Approved:
			return withReason(fmt.Sprintf("application %s granted %s yuan (%s)", d.Application, FormatYuan(d.Granted), d.Document), d.Note), true
		}
		return withReason(fmt.Sprintf("application %s refused", d.Application), d.Note), true
	case *GrantReceivedData:
		ref := ""
		if d.Reference != "" {
			ref = " (" + d.Reference + ")"
			if zh {
				ref = "（" + d.Reference + "）"
			}
		}
		if zh {
			return zhReason(fmt.Sprintf("申报 %s 资金到位 %s 元%s", d.Application, FormatYuan(d.Amount), ref), d.Note), true
		}
		return withReason(fmt.Sprintf("application %s funds %s yuan received%s", d.Application, FormatYuan(d.Amount), ref), d.Note), true
	}
	return "", false
}

// describeReserve is a reserve event in one line, in English or Chinese.
func describeReserve(e Event, zh bool) (string, bool) {
	switch d := e.Data.(type) {
	case *ConceivedData:
		if zh {
			return fmt.Sprintf("谋划：%s；%s（%s）提出；计划总投资 %s 元", d.Name, d.ProposedBy, d.BodyKind.Chinese(), FormatYuan(d.PlannedInvestment)), true
		}
		return fmt.Sprintf("conceived: %s; proposed by %s (%s); %s yuan planned", d.Name, d.ProposedBy, d.BodyKind, FormatYuan(d.PlannedInvestment)), true
	case *AssessedData:
		switch {
		case zh && d.Feasible:
			return "论证可行：" + d.Conclusion, true
		case zh:
			return "论证不可行：" + d.Conclusion, true
		case d.Feasible:
			return "assessed feasible: " + d.Conclusion, true
		}
		return "assessed not feasible: " + d.Conclusion, true
	case *ReservedData:
		if zh {
			return "纳入" + d.Level.Chinese() + "项目库", true
		}
		return "entered the " + string(d.Level) + " library", true
	case *PackagedData:
		if zh {
			return zhReason("包装用于"+d.Purpose.Chinese(), d.Note), true
		}
		return withReason("packaged for "+string(d.Purpose), d.Note), true
	case *ConvertedData:
		if zh {
			return fmt.Sprintf("转化为 %d 年重点项目（%s）", d.Year, d.List.Chinese()), true
		}
		return fmt.Sprintf("converted into the %d key-project list (%s)", d.Year, d.List), true
	case *DroppedData:
		if zh {
			return "退库：" + d.Reason, true
		}
		return "dropped: " + d.Reason, true
	}
	return "", false
}

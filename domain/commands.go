package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"time"
)

// Meta is what every command carries besides its fields: who asks, an
// optional correlation id that ties several commands together (an import
// run, a meeting), and the command id that makes the command idempotent.
type Meta struct {
	// CommandID identifies this command. Retrying with the same id stores
	// the command's events once. Left empty, it is derived from the
	// command's content (see CommandKey).
	CommandID     string `json:"-"`
	Actor         string `json:"-"`
	CorrelationID string `json:"-"`
	// Evidence are files that prove what the command records (印证资料):
	// Decide stores them as an evidence_attached event after the
	// command's own, in the same batch. They are part of the command's
	// key: the same step with other files is another command.
	Evidence []EvidenceFile `json:",omitempty"`
}

// CommandMeta returns the command's metadata.
func (m Meta) CommandMeta() Meta { return m }

// Command is a request to change one project's history. Decide turns it
// into events or refuses it.
type Command interface {
	// Target returns the project the command is for.
	Target() ProjectID
	// Action names the command in refusals ("record commissioned").
	Action() string
	// CommandMeta returns who asks and the idempotency key.
	CommandMeta() Meta
}

// RegisterProject enters a project in the ledger.
type RegisterProject struct {
	Meta
	Project         ProjectID
	Name            string
	TotalInvestment int64 // integer yuan
	Unit            string
	Leader          string
	Township        string
	Kind            ProjectKind
	TimeZone        string // IANA name; "" means DefaultTimeZone
	On              Date   // registration date; zero means today
	Industry        string `json:",omitempty"`
	Content         string `json:",omitempty"` // 建设内容, optional
	NationalCode    string `json:",omitempty"` // 赋码, GB/T 40058; optional
	// ConfirmOrder stores a plan whose deadlines run against the order of
	// the nodes (开工 before 签约), which is otherwise refused.
	ConfirmOrder bool `json:",omitempty"`
	// Plan optionally sets baseline deadlines in the same command: the
	// project and its plan are then stored together or not at all.
	Plan []PlannedDeadline
}

// PlannedDeadline is one milestone deadline of a plan. A deadline given
// as a month, quarter, half year or year (ParseDeadline) is due on the
// last day of its period, and says so in Precision.
type PlannedDeadline struct {
	Milestone Milestone
	Due       Date
	// Precision is PrecisionDay (the zero value) for a day; left out of
	// the command key when it is, so a day's key is as before.
	Precision Precision `json:",omitempty"`
}

// AssignLeader names a new responsible leader.
type AssignLeader struct {
	Meta
	Project ProjectID
	Leader  string
	Reason  string
	On      Date
}

// PlanMilestone sets the baseline deadline of a milestone.
type PlanMilestone struct {
	Meta
	Project      ProjectID
	Milestone    Milestone
	Due          Date
	On           Date // the day the plan was made; zero means today
	ConfirmOrder bool `json:",omitempty"` // see RegisterProject
	// Precision: see PlannedDeadline. Due must be the last day of its
	// period when it is not PrecisionDay.
	Precision Precision `json:",omitempty"`
}

// ReviseDeadline moves a planned milestone's deadline, with a reason.
type ReviseDeadline struct {
	Meta
	Project      ProjectID
	Milestone    Milestone
	Due          Date
	Reason       string
	On           Date
	ConfirmOrder bool `json:",omitempty"` // see RegisterProject
	// Precision of the new deadline: see PlanMilestone.
	Precision Precision `json:",omitempty"`
}

// RecordStep records a lifecycle step (negotiating ... terminated).
type RecordStep struct {
	Meta
	Project         ProjectID
	Step            EventType
	On              Date
	Note            string
	Amount          int64        // funds_received: integer yuan, > 0
	Approval        ApprovalKind // approved: which approval
	Reference       string       // approved: the approval document number
	Reason          string       // suspended, terminated: required
	ExpectedRestart Date         // suspended: optional
	// ConfirmOrder stores a step dated against the order of the nodes
	// (started before signed), which is otherwise refused.
	ConfirmOrder bool `json:",omitempty"`
}

// ReportInvestment records the investment completed in one month.
type ReportInvestment struct {
	Meta
	Project ProjectID
	Month   Month
	Amount  int64  // integer yuan, >= 0
	Reason  string // required when the month was already reported
	On      Date   // the day of the report; zero means today
}

// PlanInvestment sets the investment planned for a year.
type PlanInvestment struct {
	Meta
	Project ProjectID
	Year    int
	Amount  int64  // integer yuan, > 0
	Reason  string // required when the year already has a plan
	On      Date   // the day of the plan; zero means today
}

// RaiseIssue puts an item on the supervision ledger.
type RaiseIssue struct {
	Meta
	Project ProjectID
	IssueID string // "" derives one from the command id
	Title   string
	On      Date
}

// ResolveIssue closes a supervision item.
type ResolveIssue struct {
	Meta
	Project    ProjectID
	IssueID    string
	Resolution string
	On         Date
}

// ExplainDelay files the reason a milestone is late.
type ExplainDelay struct {
	Meta
	Project   ProjectID
	Milestone Milestone
	Reason    string
	On        Date
}

// RecordDeadlineMissed records that a deadline's day ended with its
// milestone unreached. The deadline watcher issues it.
type RecordDeadlineMissed struct {
	Meta
	Project   ProjectID
	Milestone Milestone
	Due       Date
}

// Target implements Command.
func (c RegisterProject) Target() ProjectID { return c.Project }

// Target implements Command.
func (c AssignLeader) Target() ProjectID { return c.Project }

// Target implements Command.
func (c PlanMilestone) Target() ProjectID { return c.Project }

// Target implements Command.
func (c ReviseDeadline) Target() ProjectID { return c.Project }

// Target implements Command.
func (c RecordStep) Target() ProjectID { return c.Project }

// Target implements Command.
func (c ReportInvestment) Target() ProjectID { return c.Project }

// Target implements Command.
func (c PlanInvestment) Target() ProjectID { return c.Project }

// Target implements Command.
func (c RaiseIssue) Target() ProjectID { return c.Project }

// Target implements Command.
func (c ResolveIssue) Target() ProjectID { return c.Project }

// Target implements Command.
func (c ExplainDelay) Target() ProjectID { return c.Project }

// Target implements Command.
func (c RecordDeadlineMissed) Target() ProjectID { return c.Project }

// Action implements Command.
func (c RegisterProject) Action() string { return "register project" }

// Action implements Command.
func (c AssignLeader) Action() string { return "assign leader" }

// Action implements Command.
func (c PlanMilestone) Action() string { return "plan " + string(c.Milestone) }

// Action implements Command.
func (c ReviseDeadline) Action() string { return "revise deadline of " + string(c.Milestone) }

// Action implements Command.
func (c RecordStep) Action() string {
	if c.Step == Approved && c.Approval != "" {
		return "record approved " + string(c.Approval)
	}
	return "record " + string(c.Step)
}

// Action implements Command.
func (c ReportInvestment) Action() string { return "report investment for " + string(c.Month) }

// Action implements Command.
func (c PlanInvestment) Action() string { return fmt.Sprintf("plan investment for %d", c.Year) }

// Action implements Command.
func (c RaiseIssue) Action() string { return "raise issue" }

// Action implements Command.
func (c ResolveIssue) Action() string { return "resolve issue " + c.IssueID }

// Action implements Command.
func (c ExplainDelay) Action() string { return "explain delay of " + string(c.Milestone) }

// Action implements Command.
func (c RecordDeadlineMissed) Action() string {
	return "record deadline_missed of " + string(c.Milestone)
}

// CommandKey returns the command's idempotency key: its Meta.CommandID when
// set, else a digest of the command's type and fields. Two identical
// commands therefore share a key, so re-running one stores nothing new;
// give an explicit CommandID to record the same fact twice on purpose.
func CommandKey(c Command) string {
	if id := c.CommandMeta().CommandID; id != "" {
		return id
	}
	body, err := json.Marshal(c) // Meta is left out by its json tags, but for Evidence
	if err != nil {
		// Commands hold only strings, integers and dates, so this does not
		// happen; a printed form is still deterministic.
		body = fmt.Appendf(nil, "%+v", c)
	}
	h := sha256.New()
	h.Write([]byte(c.Action()))
	h.Write([]byte{0})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// CommandDate returns the day cmd says it happened (its On field) and
// true, or false for a command that carries no such day (the watcher's
// RecordDeadlineMissed, dated by its deadline).
func CommandDate(cmd Command) (Date, bool) {
	f := onField(reflect.ValueOf(cmd))
	if !f.IsValid() {
		return 0, false
	}
	return f.Interface().(Date), true
}

// ResolveDates returns cmd with an empty date (On) set to the day of now in
// the project's time zone (for a registration, the zone it names), so that
// the command, and its idempotency key, carry the date it will be stored
// with: the same command given on two different days is two commands.
func ResolveDates(cmd Command, p Project, now time.Time) Command {
	if on, ok := CommandDate(cmd); !ok || !on.IsZero() {
		return cmd
	}
	zone := p.TimeZone
	if reg, ok := cmd.(RegisterProject); ok {
		zone = reg.TimeZone
	}
	loc, err := LoadZone(zone)
	if err != nil {
		loc = p.Location()
	}
	c := reflect.New(reflect.TypeOf(cmd)).Elem()
	c.Set(reflect.ValueOf(cmd))
	onField(c).Set(reflect.ValueOf(DateOf(now, loc)))
	return c.Interface().(Command)
}

// onField is the On field of a command struct, if it has one of type Date.
func onField(c reflect.Value) reflect.Value {
	if c.Kind() != reflect.Struct {
		return reflect.Value{}
	}
	f := c.FieldByName("On")
	if !f.IsValid() || f.Type() != reflect.TypeFor[Date]() {
		return reflect.Value{}
	}
	return f
}

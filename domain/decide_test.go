package domain_test

import (
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

// pid is the project most cases are about.
const pid domain.ProjectID = "P-7"

var (
	shanghai = mustZone("Asia/Shanghai")
	// now is the fixed clock every rule is judged at unless a case says
	// otherwise: 27 November 2026, 10:00 in Shanghai (02:00 UTC).
	now = time.Date(2026, 11, 27, 10, 0, 0, 0, shanghai)
	// meta is who sends the commands.
	meta = domain.Meta{Actor: "office"}

	// kinds are all refusal kinds; a refusal matches exactly one.
	kinds = []error{
		domain.ErrInvalid, domain.ErrUnknownProject, domain.ErrAlreadyExists,
		domain.ErrTerminated, domain.ErrDuplicateStep, domain.ErrOutOfOrder,
		domain.ErrFutureDate, domain.ErrNotPlanned, domain.ErrNoChange,
	}
)

func mustZone(name string) *time.Location {
	loc, err := domain.LoadZone(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// utc returns an instant given as YYYY-MM-DDTHH:MM in UTC.
func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// day parses YYYY-MM-DD; "" is the zero Date ("today" in commands).
func day(s string) domain.Date {
	if s == "" {
		return 0
	}
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// ---- command builders: P-7, sent by meta ----

func register() domain.RegisterProject {
	return domain.RegisterProject{
		Meta: meta, Project: pid, Name: "Wind farm", TotalInvestment: 350_000_000,
		Unit: "Energy Bureau", Leader: "Wang", Township: "Dongshan", On: day("2026-01-05"),
	}
}

func rec(step domain.EventType, on string) domain.RecordStep {
	return domain.RecordStep{Meta: meta, Project: pid, Step: step, On: day(on)}
}

func approve(kind domain.ApprovalKind, on string) domain.RecordStep {
	c := rec(domain.Approved, on)
	c.Approval = kind
	c.Reference = "DOC-" + string(kind)
	return c
}

func funds(on string, amount int64) domain.RecordStep {
	c := rec(domain.FundsReceived, on)
	c.Amount = amount
	return c
}

func suspend(on, reason string) domain.RecordStep {
	c := rec(domain.Suspended, on)
	c.Reason = reason
	return c
}

func terminate(on, reason string) domain.RecordStep {
	c := rec(domain.Terminated, on)
	c.Reason = reason
	return c
}

func plan(m domain.Milestone, due string) domain.PlanMilestone {
	return domain.PlanMilestone{Meta: meta, Project: pid, Milestone: m, Due: day(due), On: day("2026-01-10")}
}

func revise(m domain.Milestone, due, reason, on string) domain.ReviseDeadline {
	return domain.ReviseDeadline{Meta: meta, Project: pid, Milestone: m, Due: day(due), Reason: reason, On: day(on)}
}

func missed(m domain.Milestone, due string) domain.RecordDeadlineMissed {
	return domain.RecordDeadlineMissed{Meta: meta, Project: pid, Milestone: m, Due: day(due)}
}

func report(month string, amount int64, reason string) domain.ReportInvestment {
	return domain.ReportInvestment{Meta: meta, Project: pid, Month: domain.Month(month), Amount: amount, Reason: reason}
}

func raise(id, title, on string) domain.RaiseIssue {
	return domain.RaiseIssue{Meta: meta, Project: pid, IssueID: id, Title: title, On: day(on)}
}

func resolve(id, resolution, on string) domain.ResolveIssue {
	return domain.ResolveIssue{Meta: meta, Project: pid, IssueID: id, Resolution: resolution, On: day(on)}
}

func explain(m domain.Milestone, reason, on string) domain.ExplainDelay {
	return domain.ExplainDelay{Meta: meta, Project: pid, Milestone: m, Reason: reason, On: day(on)}
}

func assign(leader, on string) domain.AssignLeader {
	return domain.AssignLeader{Meta: meta, Project: pid, Leader: leader, Reason: "rotation", On: day(on)}
}

// ---- the ledger helper ----

// ledger is one project's history under test. It decides each command
// against the folded state and, when the command is accepted, folds the
// events back in with domain.Evolve, so a test reads as the sequence of
// commands it sends.
type ledger struct {
	t      *testing.T
	p      domain.Project
	events []domain.Event
}

func newLedger(t *testing.T, id domain.ProjectID) *ledger {
	return &ledger{t: t, p: domain.NewProject(id)}
}

// registered returns a ledger with P-7 registered and cmds accepted, all at now.
func registered(t *testing.T, cmds ...domain.Command) *ledger {
	l := newLedger(t, pid)
	l.must(now, register())
	l.must(now, cmds...)
	return l
}

// decide runs cmd at the instant at and folds the events it yields.
func (l *ledger) decide(at time.Time, cmd domain.Command) ([]domain.Event, error) {
	evs, err := domain.Decide(l.p, cmd, at)
	if err != nil {
		return evs, err
	}
	for _, e := range evs {
		domain.Evolve(&l.p, e)
	}
	l.events = append(l.events, evs...)
	return evs, nil
}

// must runs cmds at the instant at, each of which must be accepted, and
// returns the events of the last.
func (l *ledger) must(at time.Time, cmds ...domain.Command) []domain.Event {
	l.t.Helper()
	var evs []domain.Event
	for _, c := range cmds {
		var err error
		evs, err = l.decide(at, c)
		require.NoError(l.t, err, "%s", c.Action())
		require.NotEmpty(l.t, evs, "%s", c.Action())
	}
	return evs
}

// requireRefused checks that err is a *RuleError of kind (and of no other
// kind) about cmd, and, when msg is not empty, that it reads exactly msg.
func requireRefused(t *testing.T, err error, kind error, cmd domain.Command, msg string) *domain.RuleError {
	t.Helper()
	require.Error(t, err, "expected %q to be refused", cmd.Action())
	require.ErrorIs(t, err, kind)
	for _, other := range kinds {
		if other != kind {
			assert.NotErrorIs(t, err, other)
		}
	}
	var re *domain.RuleError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, kind, re.Kind)
	assert.Equal(t, cmd.Target(), re.Project)
	assert.Equal(t, cmd.Action(), re.Step)
	prefix := "cannot " + cmd.Action() + " for " + string(cmd.Target()) + ": "
	assert.True(t, strings.HasPrefix(err.Error(), prefix), "%q does not start with %q", err.Error(), prefix)
	if msg != "" {
		assert.Equal(t, msg, err.Error())
	}
	return re
}

// ruleCase is one command judged against a history.
type ruleCase struct {
	name         string
	unregistered bool             // start from no history instead of P-7 registered on 2026-01-05
	given        []domain.Command // accepted first, in order
	at           time.Time        // the clock for given and cmd; zero means now
	cmd          domain.Command
	kind         error  // nil: cmd must be accepted
	msg          string // refused: the whole message, when not empty
	check        func(t *testing.T, evs []domain.Event, p domain.Project)
}

func runRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			at := tc.at
			if at.IsZero() {
				at = now
			}
			l := newLedger(t, pid)
			if !tc.unregistered {
				l.must(at, register())
			}
			l.must(at, tc.given...)
			before := l.p.Version
			evs, err := l.decide(at, tc.cmd)
			if tc.kind == nil {
				require.NoError(t, err)
				require.Len(t, evs, 1)
				assert.Equal(t, before+1, l.p.Version)
			} else {
				requireRefused(t, err, tc.kind, tc.cmd, tc.msg)
				assert.Nil(t, evs)
				assert.Equal(t, before, l.p.Version)
			}
			if tc.check != nil {
				tc.check(t, evs, l.p)
			}
		})
	}
}

// payload returns the single event's data as T.
func payload[T any](t *testing.T, evs []domain.Event) T {
	t.Helper()
	require.Len(t, evs, 1)
	d, ok := evs[0].Data.(T)
	require.True(t, ok, "data is %T", evs[0].Data)
	return d
}

// ---- the rules ----

func TestRuleErrorMessage(t *testing.T) {
	cases := []struct {
		name string
		err  *domain.RuleError
		want string
	}{
		{"with fix", &domain.RuleError{Kind: domain.ErrOutOfOrder, Project: "P-7", Step: "record commissioned",
			Problem: "construction has not started", Fix: "record started first"},
			"cannot record commissioned for P-7: construction has not started; record started first"},
		{"without fix", &domain.RuleError{Kind: domain.ErrNoChange, Project: "P-7", Step: "record deadline_missed of started",
			Problem: "started was reached on 2026-05-01"},
			"cannot record deadline_missed of started for P-7: started was reached on 2026-05-01"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.err.Error())
			require.ErrorIs(t, tc.err, tc.err.Kind)
			var wrapped error = tc.err
			var re *domain.RuleError
			require.ErrorAs(t, wrapped, &re)
			assert.Same(t, tc.err, re)
		})
	}
}

func TestDecideUnknownAndTerminatedProject(t *testing.T) {
	terminated := []domain.Command{rec(domain.Started, "2026-03-01"), terminate("2026-06-01", "investor withdrew")}
	const termMsg = "the project was terminated on 2026-06-01; a terminated project takes no further steps"
	cases := []ruleCase{
		{name: "step on unknown project", unregistered: true, cmd: rec(domain.Started, "2026-03-01"),
			kind: domain.ErrUnknownProject,
			msg:  "cannot record started for P-7: the project is not registered; register it first (ledger project register)"},
		{name: "plan on unknown project", unregistered: true, cmd: plan(domain.MilestoneStarted, "2026-12-31"),
			kind: domain.ErrUnknownProject},
		{name: "issue on unknown project", unregistered: true, cmd: raise("I-1", "land dispute", "2026-03-01"),
			kind: domain.ErrUnknownProject},
		{name: "deadline missed on unknown project", unregistered: true, cmd: missed(domain.MilestoneStarted, "2026-03-01"),
			kind: domain.ErrUnknownProject},
		{name: "step on terminated project", given: terminated, cmd: rec(domain.Completed, "2026-07-01"),
			kind: domain.ErrTerminated, msg: "cannot record completed for P-7: " + termMsg},
		{name: "resumed on terminated project", given: terminated, cmd: rec(domain.Resumed, "2026-07-01"),
			kind: domain.ErrTerminated, msg: "cannot record resumed for P-7: " + termMsg},
		{name: "terminated twice", given: terminated, cmd: terminate("2026-07-01", "again"),
			kind: domain.ErrTerminated, msg: "cannot record terminated for P-7: " + termMsg},
		{name: "funds on terminated project", given: terminated, cmd: funds("2026-07-01", 100),
			kind: domain.ErrTerminated},
		{name: "plan on terminated project", given: terminated, cmd: plan(domain.MilestoneCompleted, "2026-12-31"),
			kind: domain.ErrTerminated},
		{name: "leader on terminated project", given: terminated, cmd: assign("Li", "2026-07-01"),
			kind: domain.ErrTerminated},
		{name: "investment on terminated project", given: terminated, cmd: report("2026-07", 100, ""),
			kind: domain.ErrTerminated},
		{name: "issue on terminated project", given: terminated, cmd: raise("I-1", "audit", "2026-07-01"),
			kind: domain.ErrTerminated},
		{name: "deadline missed on terminated project",
			given: append([]domain.Command{plan(domain.MilestoneCompleted, "2026-09-30")}, terminated...),
			cmd:   missed(domain.MilestoneCompleted, "2026-09-30"), kind: domain.ErrTerminated},
		{name: "re-register terminated project", given: terminated, cmd: register(),
			kind: domain.ErrAlreadyExists},
		{name: "terminate a registered project", cmd: terminate("2026-06-01", "investor withdrew"),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				d := payload[*domain.TerminatedData](t, evs)
				assert.Equal(t, "investor withdrew", d.Reason)
				assert.Equal(t, domain.Terminated, evs[0].Type)
				assert.True(t, p.Terminated)
				assert.Equal(t, day("2026-06-01"), p.Steps[domain.Terminated])
			}},
	}
	runRuleCases(t, cases)
}

func TestDecideRegisterProject(t *testing.T) {
	with := func(f func(*domain.RegisterProject)) domain.RegisterProject {
		c := register()
		f(&c)
		return c
	}
	cases := []ruleCase{
		{name: "accepted", unregistered: true, cmd: register(),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				d := payload[*domain.RegisteredData](t, evs)
				assert.Equal(t, domain.RegisteredData{
					Name: "Wind farm", TotalInvestment: 350_000_000, Unit: "Energy Bureau", Leader: "Wang",
					Township: "Dongshan", Kind: domain.KindNew, TimeZone: domain.DefaultTimeZone,
				}, *d)
				assert.Equal(t, domain.Registered, evs[0].Type)
				assert.Equal(t, day("2026-01-05"), evs[0].OccurredOn)
				assert.True(t, p.Registered)
				assert.Equal(t, "Wang", p.Leader)
				assert.Equal(t, []domain.LeaderTerm{{Leader: "Wang", From: day("2026-01-05")}}, p.Leaders)
			}},
		{name: "fields are trimmed, kind continuing, zone kept", unregistered: true,
			cmd: with(func(c *domain.RegisterProject) {
				c.Name, c.Unit, c.Leader, c.Kind, c.TimeZone = "  Wind farm ", " Energy Bureau", "Wang ", domain.KindContinuing, "UTC"
			}),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				d := payload[*domain.RegisteredData](t, evs)
				assert.Equal(t, "Wind farm", d.Name)
				assert.Equal(t, "Energy Bureau", d.Unit)
				assert.Equal(t, "Wang", d.Leader)
				assert.Equal(t, domain.KindContinuing, d.Kind)
				assert.Equal(t, "UTC", p.TimeZone)
			}},
		{name: "zero date is today in Shanghai", unregistered: true, at: utc("2026-11-27T17:00"),
			cmd: with(func(c *domain.RegisterProject) { c.On = 0 }),
			check: func(t *testing.T, evs []domain.Event, _ domain.Project) {
				assert.Equal(t, day("2026-11-28"), evs[0].OccurredOn)
			}},
		{name: "zero date is today in the project zone", unregistered: true, at: utc("2026-11-27T17:00"),
			cmd: with(func(c *domain.RegisterProject) { c.On, c.TimeZone = 0, "UTC" }),
			check: func(t *testing.T, evs []domain.Event, _ domain.Project) {
				assert.Equal(t, day("2026-11-27"), evs[0].OccurredOn)
			}},
		{name: "twice", cmd: register(), kind: domain.ErrAlreadyExists,
			msg: `cannot register project for P-7: the project is already registered (as "Wind farm"); use a new id, or assign-leader / plan to change it`},
		{name: "no name", unregistered: true, cmd: with(func(c *domain.RegisterProject) { c.Name = " " }),
			kind: domain.ErrInvalid,
			msg:  "cannot register project for P-7: no name given; every key project needs a name, a responsible unit and a responsible leader"},
		{name: "no unit", unregistered: true, cmd: with(func(c *domain.RegisterProject) { c.Unit = "" }),
			kind: domain.ErrInvalid, msg: "cannot register project for P-7: no responsible unit given; every key project needs a name, a responsible unit and a responsible leader"},
		{name: "no leader", unregistered: true, cmd: with(func(c *domain.RegisterProject) { c.Leader = "" }),
			kind: domain.ErrInvalid, msg: "cannot register project for P-7: no responsible leader given; every key project needs a name, a responsible unit and a responsible leader"},
		{name: "zero investment", unregistered: true, cmd: with(func(c *domain.RegisterProject) { c.TotalInvestment = 0 }),
			kind: domain.ErrInvalid, msg: "cannot register project for P-7: total investment 0 yuan is not positive; give the total investment in yuan, e.g. 350000000"},
		{name: "negative investment", unregistered: true, cmd: with(func(c *domain.RegisterProject) { c.TotalInvestment = -5 }),
			kind: domain.ErrInvalid},
		{name: "unknown kind", unregistered: true, cmd: with(func(c *domain.RegisterProject) { c.Kind = "upgraded" }),
			kind: domain.ErrInvalid, msg: `cannot register project for P-7: kind "upgraded" is unknown; expected new or continuing`},
		{name: "unknown zone", unregistered: true, cmd: with(func(c *domain.RegisterProject) { c.TimeZone = "Mars/Olympus" }),
			kind: domain.ErrInvalid, msg: `cannot register project for P-7: time zone "Mars/Olympus" is unknown; expected an IANA name such as Asia/Shanghai`},
		{name: "future date", unregistered: true, cmd: with(func(c *domain.RegisterProject) { c.On = day("2026-11-28") }),
			kind: domain.ErrFutureDate,
			msg:  "cannot register project for P-7: 2026-11-28 is in the future (today is 2026-11-27 in Asia/Shanghai); record a step on or after the day it happens"},
		{name: "invalid project id", unregistered: true, cmd: with(func(c *domain.RegisterProject) { c.Project = "P.7" }),
			kind: domain.ErrInvalid,
			msg:  `cannot register project for P.7: "P.7" is not a valid project id; give a national project code (e.g. 2010-220621-47-01-000034) or a local id (e.g. P-7)`},
		{name: "national code", unregistered: true,
			cmd: with(func(c *domain.RegisterProject) { c.Project = "2010-220621-47-01-000034" }),
			check: func(t *testing.T, evs []domain.Event, _ domain.Project) {
				assert.Equal(t, domain.ProjectID("2010-220621-47-01-000034"), evs[0].Project)
			}},
	}
	runRuleCases(t, cases)
}

func TestDecideOneTimeSteps(t *testing.T) {
	started := rec(domain.Started, "2026-03-01")
	commissioned := rec(domain.Commissioned, "2026-08-01")
	cases := []ruleCase{
		{name: "negotiating twice", given: []domain.Command{rec(domain.Negotiating, "2026-01-10")},
			cmd: rec(domain.Negotiating, "2026-01-20"), kind: domain.ErrDuplicateStep,
			msg: "cannot record negotiating for P-7: negotiating was already recorded on 2026-01-10; a step is recorded once; correct it with an issue or note instead"},
		{name: "signed twice", given: []domain.Command{rec(domain.Signed, "2026-02-01")},
			cmd: rec(domain.Signed, "2026-02-02"), kind: domain.ErrDuplicateStep,
			msg: "cannot record signed for P-7: signed was already recorded on 2026-02-01; a step is recorded once; correct it with an issue or note instead"},
		{name: "started twice", given: []domain.Command{started},
			cmd: rec(domain.Started, "2026-03-05"), kind: domain.ErrDuplicateStep,
			msg: "cannot record started for P-7: started was already recorded on 2026-03-01; a step is recorded once; correct it with an issue or note instead"},
		{name: "started twice same day", given: []domain.Command{started},
			cmd: rec(domain.Started, "2026-03-01"), kind: domain.ErrDuplicateStep},
		{name: "completed twice", given: []domain.Command{started, rec(domain.Completed, "2026-07-01")},
			cmd: rec(domain.Completed, "2026-07-02"), kind: domain.ErrDuplicateStep},
		{name: "commissioned twice", given: []domain.Command{started, commissioned},
			cmd: rec(domain.Commissioned, "2026-08-02"), kind: domain.ErrDuplicateStep,
			msg: "cannot record commissioned for P-7: commissioned was already recorded on 2026-08-01; a step is recorded once; correct it with an issue or note instead"},
		{name: "full capacity twice", given: []domain.Command{started, commissioned, rec(domain.FullCapacity, "2026-10-01")},
			cmd: rec(domain.FullCapacity, "2026-10-02"), kind: domain.ErrDuplicateStep},
		{name: "eia approval twice", given: []domain.Command{approve(domain.ApprovalEIA, "2026-02-10")},
			cmd: approve(domain.ApprovalEIA, "2026-02-11"), kind: domain.ErrDuplicateStep,
			msg: "cannot record approved eia for P-7: the eia approval was already recorded on 2026-02-10; an approval is recorded once"},
		{name: "construction permit twice", given: []domain.Command{approve(domain.ApprovalConstructionPermit, "2026-02-10")},
			cmd: approve(domain.ApprovalConstructionPermit, "2026-02-10"), kind: domain.ErrDuplicateStep},
		{name: "two different approvals", given: []domain.Command{approve(domain.ApprovalEIA, "2026-02-10")},
			cmd: approve(domain.ApprovalLand, "2026-02-10"),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				d := payload[*domain.ApprovedData](t, evs)
				assert.Equal(t, domain.ApprovalLand, d.Kind)
				assert.Equal(t, "DOC-land", d.Reference)
				assert.Equal(t, domain.Approved, evs[0].Type)
				assert.Equal(t, map[domain.ApprovalKind]domain.Date{
					domain.ApprovalEIA: day("2026-02-10"), domain.ApprovalLand: day("2026-02-10"),
				}, p.Approvals)
			}},
		{name: "approval without kind", cmd: rec(domain.Approved, "2026-02-10"), kind: domain.ErrInvalid,
			msg: `cannot record approved for P-7: approval kind "" is unknown; expected one of registration, feasibility, eia, land, planning, construction_permit`},
		{name: "approval of unknown kind", cmd: approve("fire_safety", "2026-02-10"), kind: domain.ErrInvalid},
		{name: "unknown step", cmd: rec("demolished", "2026-02-10"), kind: domain.ErrInvalid},
		{name: "non-step event type", cmd: rec(domain.DeadlineMissed, "2026-02-10"), kind: domain.ErrInvalid},
		{name: "funds twice is fine", given: []domain.Command{funds("2026-02-01", 100)},
			cmd: funds("2026-02-01", 100)},
		{name: "negotiating then signed", given: []domain.Command{rec(domain.Negotiating, "2026-01-10")},
			cmd: rec(domain.Signed, "2026-02-01"),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				d := payload[*domain.StepData](t, evs)
				assert.Equal(t, domain.Signed, d.Step)
				assert.Equal(t, domain.Signed, evs[0].Type)
				assert.Equal(t, day("2026-02-01"), p.Steps[domain.Signed])
			}},
	}
	runRuleCases(t, cases)
}

func TestDecideLifecycleOrder(t *testing.T) {
	started := rec(domain.Started, "2026-04-01")
	suspended := suspend("2026-05-01", "flood")
	cases := []ruleCase{
		{name: "commissioned before started", cmd: rec(domain.Commissioned, "2026-08-01"), kind: domain.ErrOutOfOrder,
			msg: "cannot record commissioned for P-7: construction has not started; record started first"},
		{name: "completed before started", cmd: rec(domain.Completed, "2026-08-01"), kind: domain.ErrOutOfOrder,
			msg: "cannot record completed for P-7: construction has not started; record started first"},
		{name: "suspended before started", cmd: suspend("2026-05-01", "flood"), kind: domain.ErrOutOfOrder,
			msg: "cannot record suspended for P-7: construction has not started; record started first"},
		{name: "full capacity before commissioned", given: []domain.Command{started},
			cmd: rec(domain.FullCapacity, "2026-09-01"), kind: domain.ErrOutOfOrder,
			msg: "cannot record full_capacity for P-7: production has not been commissioned; record commissioned first"},
		{name: "resumed while not suspended", given: []domain.Command{started},
			cmd: rec(domain.Resumed, "2026-06-01"), kind: domain.ErrOutOfOrder,
			msg: "cannot record resumed for P-7: construction is not suspended; record suspended before resumed"},
		{name: "resumed after a resume", given: []domain.Command{started, suspended, rec(domain.Resumed, "2026-06-01")},
			cmd: rec(domain.Resumed, "2026-06-02"), kind: domain.ErrOutOfOrder},
		{name: "commissioned dated before started", given: []domain.Command{started},
			cmd: rec(domain.Commissioned, "2026-03-31"), kind: domain.ErrOutOfOrder,
			msg: "cannot record commissioned for P-7: commissioned on 2026-03-31 is before started on 2026-04-01; check the date"},
		{name: "completed dated before started", given: []domain.Command{started},
			cmd: rec(domain.Completed, "2026-01-31"), kind: domain.ErrOutOfOrder,
			msg: "cannot record completed for P-7: completed on 2026-01-31 is before started on 2026-04-01; check the date"},
		{name: "full capacity dated before commissioned", given: []domain.Command{started, rec(domain.Commissioned, "2026-08-01")},
			cmd: rec(domain.FullCapacity, "2026-07-31"), kind: domain.ErrOutOfOrder,
			msg: "cannot record full_capacity for P-7: full_capacity on 2026-07-31 is before commissioned on 2026-08-01; check the date"},
		{name: "suspended dated before started", given: []domain.Command{started},
			cmd: suspend("2026-03-01", "flood"), kind: domain.ErrOutOfOrder},
		{name: "resumed dated before suspended", given: []domain.Command{started, suspended},
			cmd: rec(domain.Resumed, "2026-04-30"), kind: domain.ErrOutOfOrder,
			msg: "cannot record resumed for P-7: resumed on 2026-04-30 is before suspended on 2026-05-01; check the date"},
		{name: "completed while suspended", given: []domain.Command{started, suspended},
			cmd: rec(domain.Completed, "2026-07-01"), kind: domain.ErrOutOfOrder,
			msg: "cannot record completed for P-7: construction is suspended since 2026-05-01; record resumed first"},
		{name: "commissioned while suspended", given: []domain.Command{started, suspended},
			cmd: rec(domain.Commissioned, "2026-07-01"), kind: domain.ErrOutOfOrder},
		{name: "suspended twice", given: []domain.Command{started, suspended},
			cmd: suspend("2026-05-02", "still flooded"), kind: domain.ErrOutOfOrder,
			msg: "cannot record suspended for P-7: construction is suspended since 2026-05-01; record resumed first"},

		{name: "commissioned same day as started", given: []domain.Command{started},
			cmd: rec(domain.Commissioned, "2026-04-01")},
		{name: "completed after started", given: []domain.Command{started},
			cmd: rec(domain.Completed, "2026-10-01"),
			check: func(t *testing.T, _ []domain.Event, p domain.Project) {
				assert.Equal(t, day("2026-10-01"), p.Steps[domain.Completed])
			}},
		{name: "commissioned without completed", given: []domain.Command{started},
			cmd: rec(domain.Commissioned, "2026-08-01")},
		{name: "full capacity after commissioned", given: []domain.Command{started, rec(domain.Commissioned, "2026-08-01")},
			cmd: rec(domain.FullCapacity, "2026-08-01")},
		{name: "suspended after started", given: []domain.Command{started},
			cmd: suspend("2026-05-01", "  flood  "),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				d := payload[*domain.SuspendedData](t, evs)
				assert.Equal(t, "flood", d.Reason)
				assert.True(t, p.Suspended)
				assert.Equal(t, day("2026-05-01"), p.Steps[domain.Suspended])
			}},
		{name: "suspended with expected restart", given: []domain.Command{started},
			cmd: func() domain.RecordStep {
				c := suspend("2026-05-01", "flood")
				c.ExpectedRestart = day("2027-03-01") // a future restart is a plan, not a fact
				return c
			}(),
			check: func(t *testing.T, evs []domain.Event, _ domain.Project) {
				assert.Equal(t, day("2027-03-01"), payload[*domain.SuspendedData](t, evs).ExpectedRestart)
			}},
		{name: "resumed after suspended", given: []domain.Command{started, suspended},
			cmd: rec(domain.Resumed, "2026-05-01"),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				assert.Equal(t, domain.Resumed, payload[*domain.StepData](t, evs).Step)
				assert.False(t, p.Suspended)
				assert.Equal(t, day("2026-05-01"), p.Steps[domain.Resumed])
			}},
		{name: "completed after resumed", given: []domain.Command{started, suspended, rec(domain.Resumed, "2026-06-01")},
			cmd: rec(domain.Completed, "2026-09-01")},
		{name: "suspended again after resumed",
			given: []domain.Command{started, suspended, rec(domain.Resumed, "2026-06-01")},
			cmd:   suspend("2026-07-01", "heat"),
			check: func(t *testing.T, _ []domain.Event, p domain.Project) {
				assert.True(t, p.Suspended)
				assert.Equal(t, day("2026-07-01"), p.Steps[domain.Suspended])
			}},
		{name: "terminated while suspended", given: []domain.Command{started, suspended},
			cmd: terminate("2026-06-01", "bankrupt")},
	}
	runRuleCases(t, cases)
}

func TestDecideFutureDates(t *testing.T) {
	// 17:00 UTC on 27 November is 01:00 on 28 November in Shanghai.
	evening := utc("2026-11-27T17:00")
	lastMinute := utc("2026-11-27T15:59")
	inUTC := func(cmds ...domain.Command) []domain.Command {
		r := register()
		r.TimeZone = "UTC"
		return append([]domain.Command{r}, cmds...)
	}
	signedOn := func(on string) func(t *testing.T, evs []domain.Event, _ domain.Project) {
		return func(t *testing.T, evs []domain.Event, _ domain.Project) {
			assert.Equal(t, day(on), evs[0].OccurredOn)
		}
	}
	cases := []ruleCase{
		{name: "today", cmd: rec(domain.Signed, "2026-11-27"), check: signedOn("2026-11-27")},
		{name: "zero date means today", cmd: rec(domain.Signed, ""), check: signedOn("2026-11-27")},
		{name: "tomorrow", cmd: rec(domain.Signed, "2026-11-28"), kind: domain.ErrFutureDate,
			msg: "cannot record signed for P-7: 2026-11-28 is in the future (today is 2026-11-27 in Asia/Shanghai); record a step on or after the day it happens"},
		{name: "next year", cmd: rec(domain.Signed, "2027-01-01"), kind: domain.ErrFutureDate},
		{name: "future approval", cmd: approve(domain.ApprovalEIA, "2026-12-01"), kind: domain.ErrFutureDate},
		{name: "future start", cmd: rec(domain.Started, "2026-12-01"), kind: domain.ErrFutureDate},
		{name: "future funds", cmd: funds("2026-12-01", 100), kind: domain.ErrFutureDate},
		{name: "future termination", cmd: terminate("2026-12-01", "withdrawn"), kind: domain.ErrFutureDate},
		{name: "future plan date", cmd: func() domain.PlanMilestone {
			c := plan(domain.MilestoneStarted, "2027-03-01")
			c.On = day("2026-11-28")
			return c
		}(), kind: domain.ErrFutureDate},
		{name: "future leader assignment", cmd: assign("Li", "2026-11-28"), kind: domain.ErrFutureDate},
		{name: "future issue", cmd: raise("I-1", "land", "2026-11-28"), kind: domain.ErrFutureDate},
		{name: "a deadline in the future can be planned", cmd: plan(domain.MilestoneStarted, "2027-03-01")},

		{name: "Shanghai has reached the 28th at 17:00 UTC", at: evening,
			cmd: rec(domain.Signed, "2026-11-28"), check: signedOn("2026-11-28")},
		{name: "zero date at 17:00 UTC is the 28th in Shanghai", at: evening,
			cmd: rec(domain.Signed, ""), check: signedOn("2026-11-28")},
		{name: "the 29th is still future at 17:00 UTC", at: evening,
			cmd: rec(domain.Signed, "2026-11-29"), kind: domain.ErrFutureDate,
			msg: "cannot record signed for P-7: 2026-11-29 is in the future (today is 2026-11-28 in Asia/Shanghai); record a step on or after the day it happens"},
		{name: "the 28th is future at 23:59 Shanghai", at: lastMinute,
			cmd: rec(domain.Signed, "2026-11-28"), kind: domain.ErrFutureDate},
		{name: "a UTC project is still on the 27th at 17:00 UTC", unregistered: true, at: evening,
			given: inUTC(), cmd: rec(domain.Signed, "2026-11-28"), kind: domain.ErrFutureDate,
			msg: "cannot record signed for P-7: 2026-11-28 is in the future (today is 2026-11-27 in UTC); record a step on or after the day it happens"},
		{name: "zero date in a UTC project at 17:00 UTC", unregistered: true, at: evening,
			given: inUTC(), cmd: rec(domain.Signed, ""), check: signedOn("2026-11-27")},
	}
	runRuleCases(t, cases)
}

func TestDecidePlanAndReviseDeadline(t *testing.T) {
	planned := plan(domain.MilestoneStarted, "2026-06-30")
	cases := []ruleCase{
		{name: "plan", cmd: planned,
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				d := payload[*domain.MilestonePlannedData](t, evs)
				assert.Equal(t, domain.MilestonePlannedData{Milestone: domain.MilestoneStarted, Due: day("2026-06-30")}, *d)
				assert.Equal(t, day("2026-01-10"), evs[0].OccurredOn)
				assert.Equal(t, &domain.Deadline{Milestone: domain.MilestoneStarted, Baseline: day("2026-06-30"), Due: day("2026-06-30")},
					p.Deadlines[domain.MilestoneStarted])
			}},
		{name: "plan an approval milestone", cmd: plan(domain.MilestoneEIA, "2026-03-31")},
		{name: "plan twice", given: []domain.Command{planned}, cmd: plan(domain.MilestoneStarted, "2026-07-31"),
			kind: domain.ErrAlreadyExists,
			msg:  "cannot plan started for P-7: started is already planned for 2026-06-30; use revise-deadline with a reason to move it"},
		{name: "plan unknown milestone", cmd: plan("opened", "2026-07-31"), kind: domain.ErrInvalid},
		{name: "plan without deadline", cmd: plan(domain.MilestoneStarted, ""), kind: domain.ErrInvalid,
			msg: "cannot plan started for P-7: no deadline given; give the deadline as YYYY-MM-DD"},
		{name: "plan a reached milestone", given: []domain.Command{rec(domain.Started, "2026-03-01")},
			cmd: planned, kind: domain.ErrDuplicateStep,
			msg: "cannot plan started for P-7: started was already reached on 2026-03-01; plan only milestones still ahead"},
		{name: "plan a reached approval", given: []domain.Command{approve(domain.ApprovalLand, "2026-03-01")},
			cmd: plan(domain.MilestoneLand, "2026-04-01"), kind: domain.ErrDuplicateStep},

		{name: "revise", given: []domain.Command{planned},
			cmd: revise(domain.MilestoneStarted, "2026-09-30", "  land handover late ", "2026-06-20"),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				d := payload[*domain.DeadlineRevisedData](t, evs)
				assert.Equal(t, domain.DeadlineRevisedData{
					Milestone: domain.MilestoneStarted, From: day("2026-06-30"), Due: day("2026-09-30"),
					Baseline: day("2026-06-30"), Reason: "land handover late",
				}, *d)
				dl := p.Deadlines[domain.MilestoneStarted]
				assert.Equal(t, day("2026-06-30"), dl.Baseline)
				assert.Equal(t, day("2026-09-30"), dl.Due)
			}},
		{name: "revise earlier", given: []domain.Command{planned},
			cmd: revise(domain.MilestoneStarted, "2026-05-31", "investor in a hurry", "2026-03-01")},
		{name: "revise without reason", given: []domain.Command{planned},
			cmd: revise(domain.MilestoneStarted, "2026-09-30", "", "2026-06-20"), kind: domain.ErrInvalid,
			msg: "cannot revise deadline of started for P-7: no reason given; a revised deadline needs a reason (--reason)"},
		{name: "revise with a blank reason", given: []domain.Command{planned},
			cmd: revise(domain.MilestoneStarted, "2026-09-30", " \t ", "2026-06-20"), kind: domain.ErrInvalid},
		{name: "revise an unplanned milestone",
			cmd: revise(domain.MilestoneStarted, "2026-09-30", "land", "2026-06-20"), kind: domain.ErrNotPlanned,
			msg: "cannot revise deadline of started for P-7: started has no planned deadline; plan it first (ledger plan)"},
		{name: "revise another milestone than planned", given: []domain.Command{planned},
			cmd: revise(domain.MilestoneCompleted, "2026-09-30", "land", "2026-06-20"), kind: domain.ErrNotPlanned},
		{name: "revise to the same date", given: []domain.Command{planned},
			cmd: revise(domain.MilestoneStarted, "2026-06-30", "land", "2026-06-20"), kind: domain.ErrNoChange,
			msg: "cannot revise deadline of started for P-7: started is already due on 2026-06-30; give a different date"},
		{name: "revise without a date", given: []domain.Command{planned},
			cmd: revise(domain.MilestoneStarted, "", "land", "2026-06-20"), kind: domain.ErrInvalid},
		{name: "revise a reached milestone", given: []domain.Command{planned, rec(domain.Started, "2026-06-01")},
			cmd: revise(domain.MilestoneStarted, "2026-09-30", "land", "2026-06-20"), kind: domain.ErrDuplicateStep,
			msg: "cannot revise deadline of started for P-7: started was already reached on 2026-06-01; a reached milestone keeps its deadline"},
		{name: "revise on a future day", given: []domain.Command{planned},
			cmd: revise(domain.MilestoneStarted, "2027-09-30", "land", "2026-11-28"), kind: domain.ErrFutureDate},
	}
	runRuleCases(t, cases)
}

func TestDeadlineBaselineKeptAcrossRevisions(t *testing.T) {
	l := registered(t, plan(domain.MilestoneStarted, "2026-06-30"))
	first := l.must(now, revise(domain.MilestoneStarted, "2026-09-30", "land handover late", "2026-06-20"))
	second := l.must(now, revise(domain.MilestoneStarted, "2026-12-31", "permit delayed", "2026-09-25"))

	d1 := payload[*domain.DeadlineRevisedData](t, first)
	d2 := payload[*domain.DeadlineRevisedData](t, second)
	assert.Equal(t, day("2026-06-30"), d1.Baseline)
	assert.Equal(t, day("2026-06-30"), d2.Baseline, "the second revision still names the baseline")
	assert.Equal(t, day("2026-09-30"), d2.From)

	p := domain.Fold(pid, l.events)
	assert.Equal(t, l.p, p, "folding the history equals evolving it event by event")
	want := &domain.Deadline{
		Milestone: domain.MilestoneStarted,
		Baseline:  day("2026-06-30"),
		Due:       day("2026-12-31"),
		Revisions: []domain.Revision{
			{From: day("2026-06-30"), To: day("2026-09-30"), On: day("2026-06-20"), Reason: "land handover late", Actor: "office", RecordedAt: now.UTC()},
			{From: day("2026-09-30"), To: day("2026-12-31"), On: day("2026-09-25"), Reason: "permit delayed", Actor: "office", RecordedAt: now.UTC()},
		},
	}
	assert.Equal(t, want, p.Deadlines[domain.MilestoneStarted])

	// Reaching the milestone marks the deadline reached and freezes it.
	l.must(now, rec(domain.Started, "2026-11-20"))
	assert.Equal(t, day("2026-11-20"), l.p.Deadlines[domain.MilestoneStarted].Reached)
	_, err := l.decide(now, revise(domain.MilestoneStarted, "2027-01-31", "late", ""))
	require.ErrorIs(t, err, domain.ErrDuplicateStep)
}

func TestDecideStartComplianceFlags(t *testing.T) {
	all := []domain.ComplianceFlag{domain.FlagStartedWithoutEIA, domain.FlagStartedWithoutLand, domain.FlagStartedWithoutPermit}
	flags := func(want ...domain.ComplianceFlag) func(t *testing.T, evs []domain.Event, p domain.Project) {
		return func(t *testing.T, evs []domain.Event, p domain.Project) {
			d := payload[*domain.StartedData](t, evs)
			assert.Equal(t, domain.Started, evs[0].Type)
			if len(want) == 0 {
				assert.Empty(t, d.Flags)
				assert.Empty(t, p.Flags)
			} else {
				assert.Equal(t, want, d.Flags)
				assert.Equal(t, want, p.Flags)
			}
			assert.Equal(t, day("2026-04-01"), p.Steps[domain.Started])
		}
	}
	start := rec(domain.Started, "2026-04-01")
	cases := []ruleCase{
		{name: "no approvals: recorded with all flags", cmd: start, check: flags(all...)},
		{name: "other approvals do not count",
			given: []domain.Command{approve(domain.ApprovalFeasibility, "2026-02-01"), approve(domain.ApprovalPlanning, "2026-02-01"),
				approve(domain.ApprovalRegistration, "2026-02-01")},
			cmd: start, check: flags(all...)},
		{name: "all approvals before the start",
			given: []domain.Command{approve(domain.ApprovalEIA, "2026-02-01"), approve(domain.ApprovalLand, "2026-02-15"),
				approve(domain.ApprovalConstructionPermit, "2026-03-31")},
			cmd: start, check: flags()},
		{name: "all approvals on the start date",
			given: []domain.Command{approve(domain.ApprovalEIA, "2026-04-01"), approve(domain.ApprovalLand, "2026-04-01"),
				approve(domain.ApprovalConstructionPermit, "2026-04-01")},
			cmd: start, check: flags()},
		{name: "only eia",
			given: []domain.Command{approve(domain.ApprovalEIA, "2026-02-01")},
			cmd:   start, check: flags(domain.FlagStartedWithoutLand, domain.FlagStartedWithoutPermit)},
		{name: "no land",
			given: []domain.Command{approve(domain.ApprovalEIA, "2026-02-01"), approve(domain.ApprovalConstructionPermit, "2026-03-01")},
			cmd:   start, check: flags(domain.FlagStartedWithoutLand)},
		{name: "permit dated after the start still flags",
			given: []domain.Command{approve(domain.ApprovalEIA, "2026-02-01"), approve(domain.ApprovalLand, "2026-02-01"),
				approve(domain.ApprovalConstructionPermit, "2026-04-02")},
			cmd: start, check: flags(domain.FlagStartedWithoutPermit)},
		{name: "eia dated after the start still flags",
			given: []domain.Command{approve(domain.ApprovalEIA, "2026-06-01"), approve(domain.ApprovalLand, "2026-02-01"),
				approve(domain.ApprovalConstructionPermit, "2026-02-01")},
			cmd: start, check: flags(domain.FlagStartedWithoutEIA)},
	}
	runRuleCases(t, cases)

	continuing := func(on string) domain.RegisterProject {
		r := register()
		r.Kind, r.On = domain.KindContinuing, day(on)
		return r
	}
	runRuleCases(t, []ruleCase{
		{name: "continuing project started before it entered the ledger: not flagged", unregistered: true,
			given: []domain.Command{continuing("2026-04-01")}, cmd: start, check: flags()},
		{name: "continuing project starting after it entered the ledger: flagged", unregistered: true,
			given: []domain.Command{continuing("2026-03-01")}, cmd: start, check: flags(all...)},
	})

	t.Run("an approval after a flagged start is recorded and the flag stays", func(t *testing.T) {
		l := registered(t, start)
		l.must(now, approve(domain.ApprovalEIA, "2026-05-01"))
		assert.Equal(t, all, l.p.Flags)
		assert.Equal(t, day("2026-05-01"), l.p.Approvals[domain.ApprovalEIA])
	})
}

func TestDecideFundsReceived(t *testing.T) {
	cases := []ruleCase{
		{name: "positive amount", cmd: funds("2026-02-01", 50_000_000),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				d := payload[*domain.FundsReceivedData](t, evs)
				assert.Equal(t, int64(50_000_000), d.Amount)
				assert.Equal(t, domain.FundsReceived, evs[0].Type)
				assert.Equal(t, int64(50_000_000), p.FundsTotal)
			}},
		{name: "zero amount", cmd: funds("2026-02-01", 0), kind: domain.ErrInvalid,
			msg: "cannot record funds_received for P-7: amount 0 yuan is not positive; give the amount received in yuan (--amount)"},
		{name: "negative amount", cmd: funds("2026-02-01", -1), kind: domain.ErrInvalid,
			msg: "cannot record funds_received for P-7: amount -1 yuan is not positive; give the amount received in yuan (--amount)"},
		{name: "amounts sum up",
			given: []domain.Command{funds("2026-02-01", 100), funds("2026-03-01", 250)},
			cmd:   funds("2026-02-15", 1_000_000_000_000),
			check: func(t *testing.T, _ []domain.Event, p domain.Project) {
				assert.Equal(t, int64(1_000_000_000_350), p.FundsTotal)
				assert.Equal(t, day("2026-03-01"), p.Steps[domain.FundsReceived], "the latest tranche, whatever the recording order")
			}},
	}
	runRuleCases(t, cases)
}

func TestDecideReasonsRequired(t *testing.T) {
	started := rec(domain.Started, "2026-03-01")
	cases := []ruleCase{
		{name: "suspended without reason", given: []domain.Command{started}, cmd: suspend("2026-05-01", ""),
			kind: domain.ErrInvalid, msg: "cannot record suspended for P-7: no reason given; a suspension needs a reason (--reason)"},
		{name: "suspended with blank reason", given: []domain.Command{started}, cmd: suspend("2026-05-01", "   "),
			kind: domain.ErrInvalid},
		{name: "suspended with reason", given: []domain.Command{started}, cmd: suspend("2026-05-01", "flood")},
		{name: "terminated without reason", cmd: terminate("2026-05-01", ""),
			kind: domain.ErrInvalid, msg: "cannot record terminated for P-7: no reason given; a termination needs a reason (--reason)"},
		{name: "terminated with blank reason", cmd: terminate("2026-05-01", "\t"), kind: domain.ErrInvalid},
		{name: "terminated with reason", cmd: terminate("2026-05-01", " investor withdrew "),
			check: func(t *testing.T, evs []domain.Event, _ domain.Project) {
				assert.Equal(t, "investor withdrew", payload[*domain.TerminatedData](t, evs).Reason)
			}},
	}
	runRuleCases(t, cases)
}

func TestDecideReportInvestment(t *testing.T) {
	october := report("2026-10", 5_000_000, "")
	cases := []ruleCase{
		{name: "past month", cmd: october,
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				d := payload[*domain.InvestmentReportedData](t, evs)
				assert.Equal(t, domain.InvestmentReportedData{Month: "2026-10", Amount: 5_000_000}, *d)
				assert.Equal(t, domain.InvestmentReported, evs[0].Type)
				assert.Equal(t, day("2026-11-27"), evs[0].OccurredOn, "zero date is today")
				assert.Equal(t, map[domain.Month]int64{"2026-10": 5_000_000}, p.Investment)
			}},
		{name: "current month", cmd: report("2026-11", 1, "")},
		{name: "zero amount", cmd: report("2026-11", 0, "")},
		{name: "next month", cmd: report("2026-12", 1, ""), kind: domain.ErrFutureDate,
			msg: "cannot report investment for 2026-12 for P-7: 2026-12 has not begun (today is 2026-11-27); report a month once it has begun"},
		{name: "next year", cmd: report("2027-01", 1, ""), kind: domain.ErrFutureDate},
		{name: "December has begun in Shanghai at 16:00 UTC on 30 November", at: utc("2026-11-30T16:00"),
			cmd: report("2026-12", 1, "")},
		{name: "December has not begun in Shanghai at 15:59 UTC on 30 November", at: utc("2026-11-30T15:59"),
			cmd: report("2026-12", 1, ""), kind: domain.ErrFutureDate},
		{name: "bad month", cmd: report("2026-13", 1, ""), kind: domain.ErrInvalid,
			msg: `cannot report investment for 2026-13 for P-7: "2026-13" is not a month; give the month as YYYY-MM`},
		{name: "short month", cmd: report("2026-1", 1, ""), kind: domain.ErrInvalid},
		{name: "empty month", cmd: report("", 1, ""), kind: domain.ErrInvalid},
		{name: "negative amount", cmd: report("2026-10", -1, ""), kind: domain.ErrInvalid,
			msg: "cannot report investment for 2026-10 for P-7: amount -1 yuan is negative; give the investment completed in the month, in yuan"},
		{name: "second report without reason", given: []domain.Command{october}, cmd: report("2026-10", 6_000_000, ""),
			kind: domain.ErrInvalid,
			msg:  "cannot report investment for 2026-10 for P-7: 2026-10 is already reported as 5000000 yuan; give a reason to correct it (--reason)"},
		{name: "second report with blank reason", given: []domain.Command{october}, cmd: report("2026-10", 6_000_000, "  "),
			kind: domain.ErrInvalid},
		{name: "second report with the same amount", given: []domain.Command{october}, cmd: report("2026-10", 5_000_000, ""),
			kind: domain.ErrNoChange, msg: "cannot report investment for 2026-10 for P-7: 2026-10 is already reported as 5000000 yuan"},
		{name: "same amount even with a reason", given: []domain.Command{october}, cmd: report("2026-10", 5_000_000, "recount"),
			kind: domain.ErrNoChange},
		{name: "correction with a reason", given: []domain.Command{october}, cmd: report("2026-10", 6_000_000, " invoice found "),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				assert.Equal(t, "invoice found", payload[*domain.InvestmentReportedData](t, evs).Reason)
				assert.Equal(t, int64(6_000_000), p.Investment["2026-10"], "the correction replaces the figure")
			}},
		{name: "another month needs no reason", given: []domain.Command{october}, cmd: report("2026-09", 5_000_000, ""),
			check: func(t *testing.T, _ []domain.Event, p domain.Project) {
				assert.Equal(t, map[domain.Month]int64{"2026-09": 5_000_000, "2026-10": 5_000_000}, p.Investment)
			}},
		{name: "future report date", cmd: func() domain.ReportInvestment {
			c := report("2026-10", 1, "")
			c.On = day("2026-11-28")
			return c
		}(), kind: domain.ErrFutureDate},
	}
	runRuleCases(t, cases)
}

func TestDecideIssues(t *testing.T) {
	raised := raise("I-1", "land dispute", "2026-03-01")
	cases := []ruleCase{
		{name: "raise", cmd: raise("I-1", " land dispute ", "2026-03-01"),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				assert.Equal(t, domain.IssueRaisedData{IssueID: "I-1", Title: "land dispute"}, *payload[*domain.IssueRaisedData](t, evs))
				assert.Equal(t, &domain.Issue{ID: "I-1", Title: "land dispute", RaisedOn: day("2026-03-01"), RaisedBy: "office"}, p.Issues["I-1"])
			}},
		{name: "raise with a derived id", cmd: raise("", "land dispute", "2026-03-01"),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				id := payload[*domain.IssueRaisedData](t, evs).IssueID
				assert.Regexp(t, `^I-[0-9a-f]{8}$`, id)
				assert.Equal(t, "I-"+evs[0].CommandID[:8], id)
				assert.Contains(t, p.Issues, id)
			}},
		{name: "raise with a short explicit command id", cmd: func() domain.RaiseIssue {
			c := raise("", "land dispute", "2026-03-01")
			c.CommandID = "c1"
			return c
		}(),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				id := payload[*domain.IssueRaisedData](t, evs).IssueID
				assert.Regexp(t, `^I-[0-9a-f]{8}$`, id)
				assert.Contains(t, p.Issues, id)
			}},
		{name: "explicit command ids sharing a prefix derive different issue ids",
			given: []domain.Command{func() domain.RaiseIssue {
				c := raise("", "land dispute", "2026-03-01")
				c.CommandID = "import-7-row-1"
				return c
			}()},
			cmd: func() domain.RaiseIssue {
				c := raise("", "power line", "2026-03-01")
				c.CommandID = "import-7-row-2"
				return c
			}(),
			check: func(t *testing.T, _ []domain.Event, p domain.Project) {
				assert.Len(t, p.Issues, 2)
			}},
		{name: "raise without title", cmd: raise("I-1", " ", "2026-03-01"), kind: domain.ErrInvalid,
			msg: "cannot raise issue for P-7: no title given; say what the issue is (--title)"},
		{name: "raise an existing id", given: []domain.Command{raised}, cmd: raise("I-1", "other", "2026-03-02"),
			kind: domain.ErrAlreadyExists, msg: "cannot raise issue for P-7: issue I-1 already exists; use a new issue id"},
		{name: "resolve", given: []domain.Command{raised}, cmd: resolve("I-1", " land swapped ", "2026-04-01"),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				assert.Equal(t, domain.IssueResolvedData{IssueID: "I-1", Resolution: "land swapped"}, *payload[*domain.IssueResolvedData](t, evs))
				assert.Equal(t, &domain.Issue{ID: "I-1", Title: "land dispute", RaisedOn: day("2026-03-01"), RaisedBy: "office",
					ResolvedOn: day("2026-04-01"), Resolution: "land swapped", ResolvedBy: "office"}, p.Issues["I-1"])
			}},
		{name: "resolve on the day raised", given: []domain.Command{raised}, cmd: resolve("I-1", "done", "2026-03-01")},
		{name: "resolve twice", given: []domain.Command{raised, resolve("I-1", "land swapped", "2026-04-01")},
			cmd: resolve("I-1", "again", "2026-04-02"), kind: domain.ErrDuplicateStep,
			msg: "cannot resolve issue I-1 for P-7: issue I-1 was already resolved on 2026-04-01"},
		{name: "resolve unknown", given: []domain.Command{raised}, cmd: resolve("I-9", "done", "2026-04-01"),
			kind: domain.ErrInvalid, msg: "cannot resolve issue I-9 for P-7: there is no issue I-9; name an open issue of this project"},
		{name: "resolve without resolution", given: []domain.Command{raised}, cmd: resolve("I-1", "", "2026-04-01"),
			kind: domain.ErrInvalid, msg: "cannot resolve issue I-1 for P-7: no resolution given; say how the issue was resolved (--resolution)"},
		{name: "resolve before raised", given: []domain.Command{raised}, cmd: resolve("I-1", "done", "2026-02-28"),
			kind: domain.ErrOutOfOrder, msg: "cannot resolve issue I-1 for P-7: resolved on 2026-02-28 is before raised on 2026-03-01; check the date"},
		{name: "resolve in the future", given: []domain.Command{raised}, cmd: resolve("I-1", "done", "2026-11-28"),
			kind: domain.ErrFutureDate},
	}
	runRuleCases(t, cases)
}

func TestDecideExplainDelay(t *testing.T) {
	cases := []ruleCase{
		{name: "not planned", cmd: explain(domain.MilestoneStarted, "land", ""), kind: domain.ErrNotPlanned,
			msg: "cannot explain delay of started for P-7: started has no planned deadline; plan it first (ledger plan)"},
		{name: "no reason", given: []domain.Command{plan(domain.MilestoneStarted, "2026-11-26")},
			cmd: explain(domain.MilestoneStarted, "", ""), kind: domain.ErrInvalid,
			msg: "cannot explain delay of started for P-7: no reason given; say why the milestone is late (--reason)"},
		{name: "due today is not late", given: []domain.Command{plan(domain.MilestoneStarted, "2026-11-27")},
			cmd: explain(domain.MilestoneStarted, "land", ""), kind: domain.ErrOutOfOrder,
			msg: "cannot explain delay of started for P-7: started is not late (due 2026-11-27); explain a delay once the deadline has passed"},
		{name: "due later is not late", given: []domain.Command{plan(domain.MilestoneStarted, "2027-03-01")},
			cmd: explain(domain.MilestoneStarted, "land", ""), kind: domain.ErrOutOfOrder},
		{name: "reached on time is not late",
			given: []domain.Command{plan(domain.MilestoneStarted, "2026-05-01"), rec(domain.Started, "2026-05-01")},
			cmd:   explain(domain.MilestoneStarted, "land", ""), kind: domain.ErrOutOfOrder},
		{name: "deadline passed", given: []domain.Command{plan(domain.MilestoneStarted, "2026-11-26")},
			cmd: explain(domain.MilestoneStarted, " land not handed over ", ""),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				assert.Equal(t, domain.DelayExplainedData{Milestone: domain.MilestoneStarted, Due: day("2026-11-26"),
					Reason: "land not handed over"}, *payload[*domain.DelayExplainedData](t, evs))
				assert.Equal(t, day("2026-11-27"), evs[0].OccurredOn)
				assert.Equal(t, []domain.Date{day("2026-11-26")}, p.Deadlines[domain.MilestoneStarted].Explained)
			}},
		{name: "deadline day ended in Shanghai at 17:00 UTC", at: utc("2026-11-27T17:00"),
			given: []domain.Command{plan(domain.MilestoneStarted, "2026-11-27")},
			cmd:   explain(domain.MilestoneStarted, "land", "")},
		{name: "reached late",
			given: []domain.Command{plan(domain.MilestoneStarted, "2026-05-01"), rec(domain.Started, "2026-05-10")},
			cmd:   explain(domain.MilestoneStarted, "land", "2026-05-11")},
		{name: "explains the current deadline after a revision",
			given: []domain.Command{plan(domain.MilestoneStarted, "2026-06-30"),
				revise(domain.MilestoneStarted, "2026-10-31", "land", "2026-06-20")},
			cmd: explain(domain.MilestoneStarted, "permit", ""),
			check: func(t *testing.T, evs []domain.Event, _ domain.Project) {
				assert.Equal(t, day("2026-10-31"), payload[*domain.DelayExplainedData](t, evs).Due)
			}},
		{name: "explained on a future day", given: []domain.Command{plan(domain.MilestoneStarted, "2026-11-26")},
			cmd: explain(domain.MilestoneStarted, "land", "2026-11-28"), kind: domain.ErrFutureDate},
	}
	runRuleCases(t, cases)
}

func TestDecideRecordDeadlineMissed(t *testing.T) {
	due27 := plan(domain.MilestoneStarted, "2026-11-27")
	dayEnds := utc("2026-11-27T16:00") // midnight starting the 28th in Shanghai
	cases := []ruleCase{
		{name: "not planned", cmd: missed(domain.MilestoneStarted, "2026-11-20"), kind: domain.ErrNotPlanned,
			msg: "cannot record deadline_missed of started for P-7: started has no planned deadline"},
		{name: "before the deadline day", at: utc("2026-11-26T10:00"), given: []domain.Command{due27},
			cmd: missed(domain.MilestoneStarted, "2026-11-27"), kind: domain.ErrFutureDate},
		{name: "during the deadline day", given: []domain.Command{due27},
			cmd: missed(domain.MilestoneStarted, "2026-11-27"), kind: domain.ErrFutureDate,
			msg: "cannot record deadline_missed of started for P-7: the deadline day 2026-11-27 has not ended"},
		{name: "one second before the day ends in Shanghai", at: dayEnds.Add(-time.Second), given: []domain.Command{due27},
			cmd: missed(domain.MilestoneStarted, "2026-11-27"), kind: domain.ErrFutureDate},
		{name: "as the day ends in Shanghai", at: dayEnds, given: []domain.Command{due27},
			cmd: missed(domain.MilestoneStarted, "2026-11-27"),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				e := evs[0]
				assert.Equal(t, domain.DeadlineMissed, e.Type)
				assert.Equal(t, day("2026-11-27"), e.OccurredOn, "occurred on the deadline date")
				assert.Equal(t, dayEnds, e.RecordedAt)
				assert.Equal(t, domain.DeadlineMissedData{Milestone: domain.MilestoneStarted, Due: day("2026-11-27"),
					Unit: "Energy Bureau", Leader: "Wang", DetectedAt: dayEnds}, *payload[*domain.DeadlineMissedData](t, evs))
				assert.Equal(t, []domain.Date{day("2026-11-27")}, p.Deadlines[domain.MilestoneStarted].Missed)
			}},
		{name: "names the leader responsible on the deadline, not the one noticed later", at: utc("2026-11-27T17:00"),
			given: []domain.Command{due27, assign("Zhao", "2026-11-28")},
			cmd:   missed(domain.MilestoneStarted, "2026-11-27"),
			check: func(t *testing.T, evs []domain.Event, _ domain.Project) {
				assert.Equal(t, "Wang", payload[*domain.DeadlineMissedData](t, evs).Leader)
			}},
		{name: "17:00 UTC is after the day in Shanghai", at: utc("2026-11-27T17:00"), given: []domain.Command{due27},
			cmd: missed(domain.MilestoneStarted, "2026-11-27")},
		{name: "a UTC project's day has not ended at 17:00 UTC", unregistered: true, at: utc("2026-11-27T17:00"),
			given: func() []domain.Command {
				r := register()
				r.TimeZone = "UTC"
				return []domain.Command{r, due27}
			}(),
			cmd: missed(domain.MilestoneStarted, "2026-11-27"), kind: domain.ErrFutureDate},
		{name: "a UTC project's day ends at midnight UTC", unregistered: true, at: utc("2026-11-28T00:00"),
			given: func() []domain.Command {
				r := register()
				r.TimeZone = "UTC"
				return []domain.Command{r, due27}
			}(),
			cmd: missed(domain.MilestoneStarted, "2026-11-27")},
		{name: "long after the day (watcher catching up)", given: []domain.Command{plan(domain.MilestoneStarted, "2026-06-30")},
			cmd: missed(domain.MilestoneStarted, "2026-06-30")},
		{name: "twice for the same deadline",
			given: []domain.Command{plan(domain.MilestoneStarted, "2026-06-30"), missed(domain.MilestoneStarted, "2026-06-30")},
			cmd:   missed(domain.MilestoneStarted, "2026-06-30"), kind: domain.ErrNoChange,
			msg: "cannot record deadline_missed of started for P-7: the miss of started due 2026-06-30 is already recorded"},
		{name: "not the current deadline",
			given: []domain.Command{plan(domain.MilestoneStarted, "2026-06-30")},
			cmd:   missed(domain.MilestoneStarted, "2026-06-29"), kind: domain.ErrNoChange,
			msg: "cannot record deadline_missed of started for P-7: started was not due on 2026-06-29 when that day ended (it is due on 2026-06-30)"},
		{name: "the old deadline after a revision",
			given: []domain.Command{plan(domain.MilestoneStarted, "2026-06-30"),
				revise(domain.MilestoneStarted, "2026-09-30", "land", "2026-06-01")},
			cmd: missed(domain.MilestoneStarted, "2026-06-30"), kind: domain.ErrNoChange},
		{name: "a revised deadline missed again",
			given: []domain.Command{plan(domain.MilestoneStarted, "2026-06-30"), missed(domain.MilestoneStarted, "2026-06-30"),
				revise(domain.MilestoneStarted, "2026-09-30", "land", "2026-07-01")},
			cmd: missed(domain.MilestoneStarted, "2026-09-30"),
			check: func(t *testing.T, _ []domain.Event, p domain.Project) {
				assert.Equal(t, []domain.Date{day("2026-06-30"), day("2026-09-30")}, p.Deadlines[domain.MilestoneStarted].Missed)
			}},
		{name: "the old deadline revised only after its day ended is still a miss",
			given: []domain.Command{plan(domain.MilestoneStarted, "2026-06-30"),
				revise(domain.MilestoneStarted, "2026-09-30", "land", "2026-07-05")},
			cmd: missed(domain.MilestoneStarted, "2026-06-30"),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				assert.Equal(t, day("2026-06-30"), evs[0].OccurredOn)
				assert.Equal(t, []domain.Date{day("2026-06-30")}, p.Deadlines[domain.MilestoneStarted].Missed)
			}},
		{name: "revised on its last day: not a miss",
			given: []domain.Command{plan(domain.MilestoneStarted, "2026-06-30"),
				revise(domain.MilestoneStarted, "2026-09-30", "land", "2026-06-30")},
			cmd: missed(domain.MilestoneStarted, "2026-06-30"), kind: domain.ErrNoChange},
		{name: "a deadline that fell while construction was suspended is excused",
			given: []domain.Command{rec(domain.Started, "2026-03-01"), plan(domain.MilestoneCompleted, "2026-06-30"),
				suspend("2026-06-01", "flood"), rec(domain.Resumed, "2026-07-10")},
			cmd: missed(domain.MilestoneCompleted, "2026-06-30"), kind: domain.ErrNoChange,
			msg: "cannot record deadline_missed of completed for P-7: construction was suspended on 2026-06-30; a suspension excuses the deadlines that fall in it"},
		{name: "a deadline on the day construction resumed is not excused",
			given: []domain.Command{rec(domain.Started, "2026-03-01"), plan(domain.MilestoneCompleted, "2026-07-10"),
				suspend("2026-06-01", "flood"), rec(domain.Resumed, "2026-07-10")},
			cmd: missed(domain.MilestoneCompleted, "2026-07-10")},
		{name: "reached before the deadline",
			given: []domain.Command{plan(domain.MilestoneStarted, "2026-06-30"), rec(domain.Started, "2026-06-01")},
			cmd:   missed(domain.MilestoneStarted, "2026-06-30"), kind: domain.ErrNoChange,
			msg: "cannot record deadline_missed of started for P-7: started was reached on 2026-06-01"},
		{name: "reached on the last day yields no miss",
			given: []domain.Command{plan(domain.MilestoneStarted, "2026-06-30"), rec(domain.Started, "2026-06-30")},
			cmd:   missed(domain.MilestoneStarted, "2026-06-30"), kind: domain.ErrNoChange},
		{name: "an approval reached on time yields no miss",
			given: []domain.Command{plan(domain.MilestoneEIA, "2026-06-30"), approve(domain.ApprovalEIA, "2026-06-30")},
			cmd:   missed(domain.MilestoneEIA, "2026-06-30"), kind: domain.ErrNoChange},
		{name: "reached after the deadline still records the miss",
			given: []domain.Command{plan(domain.MilestoneStarted, "2026-06-30"), rec(domain.Started, "2026-07-15")},
			cmd:   missed(domain.MilestoneStarted, "2026-06-30"),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				assert.Equal(t, day("2026-06-30"), evs[0].OccurredOn)
				assert.Equal(t, []domain.Date{day("2026-06-30")}, p.Deadlines[domain.MilestoneStarted].Missed)
			}},
		{name: "reached after the deadline, miss already recorded",
			given: []domain.Command{plan(domain.MilestoneStarted, "2026-06-30"), rec(domain.Started, "2026-07-15"),
				missed(domain.MilestoneStarted, "2026-06-30")},
			cmd: missed(domain.MilestoneStarted, "2026-06-30"), kind: domain.ErrNoChange},
		{name: "names the unit and the leader who answered on the due date",
			given: []domain.Command{plan(domain.MilestoneStarted, "2026-06-30"), assign("Li", "2026-07-01")},
			cmd:   missed(domain.MilestoneStarted, "2026-06-30"),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				d := payload[*domain.DeadlineMissedData](t, evs)
				assert.Equal(t, "Wang", d.Leader)
				assert.Equal(t, "Energy Bureau", d.Unit)
				assert.Equal(t, "Li", p.Leader, "the current leader is another")
			}},
	}
	runRuleCases(t, cases)
}

// TestDeadlineMissedSequence walks one deadline through the watcher's life:
// too early, missed, not twice, revised, missed again.
func TestDeadlineMissedSequence(t *testing.T) {
	l := registered(t, plan(domain.MilestoneCompleted, "2026-11-27"))
	cmd := missed(domain.MilestoneCompleted, "2026-11-27")

	_, err := l.decide(utc("2026-11-27T15:00"), cmd)
	requireRefused(t, err, domain.ErrFutureDate, cmd, "")

	l.must(utc("2026-11-27T16:30"), cmd)

	_, err = l.decide(utc("2026-11-28T09:00"), cmd)
	requireRefused(t, err, domain.ErrNoChange, cmd, "")

	l.must(utc("2026-11-28T09:00"), revise(domain.MilestoneCompleted, "2026-11-30", "rain", "2026-11-28"))
	next := missed(domain.MilestoneCompleted, "2026-11-30")
	_, err = l.decide(utc("2026-11-30T12:00"), next)
	requireRefused(t, err, domain.ErrFutureDate, next, "")
	l.must(utc("2026-11-30T16:00"), next)

	dl := l.p.Deadlines[domain.MilestoneCompleted]
	assert.Equal(t, []domain.Date{day("2026-11-27"), day("2026-11-30")}, dl.Missed)
	assert.Equal(t, day("2026-11-27"), dl.Baseline)
	assert.Equal(t, day("2026-11-30"), dl.Due)
	assert.Equal(t, domain.Fold(pid, l.events), l.p)
}

func TestDecideLeaderHistory(t *testing.T) {
	cases := []ruleCase{
		{name: "assign", cmd: assign(" Li ", "2026-05-01"),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				assert.Equal(t, domain.LeaderAssignedData{Leader: "Li", Previous: "Wang", Reason: "rotation"},
					*payload[*domain.LeaderAssignedData](t, evs))
				assert.Equal(t, "Li", p.Leader)
			}},
		{name: "same leader", cmd: assign("Wang", "2026-05-01"), kind: domain.ErrNoChange,
			msg: "cannot assign leader for P-7: Wang is already the responsible leader; name a different leader"},
		{name: "no leader", cmd: assign("  ", "2026-05-01"), kind: domain.ErrInvalid,
			msg: "cannot assign leader for P-7: no leader given; name the new responsible leader"},
		{name: "future", cmd: assign("Li", "2026-12-01"), kind: domain.ErrFutureDate},
	}
	runRuleCases(t, cases)

	t.Run("LeaderOn answers who was responsible on a date", func(t *testing.T) {
		l := registered(t, assign("Li", "2026-05-01"), assign("Zhao", "2026-09-01"))
		assert.Equal(t, []domain.LeaderTerm{
			{Leader: "Wang", From: day("2026-01-05")}, {Leader: "Li", From: day("2026-05-01")}, {Leader: "Zhao", From: day("2026-09-01")},
		}, l.p.Leaders)
		assert.Equal(t, "Zhao", l.p.Leader)
		for _, tc := range []struct{ on, want string }{
			{"2026-01-04", ""}, {"2026-01-05", "Wang"}, {"2026-04-30", "Wang"}, {"2026-05-01", "Li"},
			{"2026-08-31", "Li"}, {"2026-09-01", "Zhao"}, {"2026-11-27", "Zhao"}, {"2030-01-01", "Zhao"},
		} {
			assert.Equal(t, tc.want, l.p.LeaderOn(day(tc.on)), "leader on %s", tc.on)
		}
		// Returning to an earlier leader is a change like any other.
		l.must(now, assign("Wang", "2026-11-01"))
		assert.Equal(t, "Li", l.p.LeaderOn(day("2026-06-01")))
		assert.Equal(t, "Wang", l.p.LeaderOn(day("2026-11-01")))
		assert.Len(t, l.p.Leaders, 4)
	})
}

func TestCommandKey(t *testing.T) {
	base := funds("2026-02-01", 100)
	with := func(f func(*domain.RecordStep)) domain.RecordStep {
		c := base
		f(&c)
		return c
	}
	cases := []struct {
		name string
		a, b domain.Command
		same bool
	}{
		{"identical commands", base, funds("2026-02-01", 100), true},
		{"actor is not part of the key", base, with(func(c *domain.RecordStep) { c.Actor = "clerk" }), true},
		{"correlation is not part of the key", base, with(func(c *domain.RecordStep) { c.CorrelationID = "run-1" }), true},
		{"amount differs", base, funds("2026-02-01", 101), false},
		{"date differs", base, funds("2026-02-02", 100), false},
		{"note differs", base, with(func(c *domain.RecordStep) { c.Note = "second tranche" }), false},
		{"project differs", base, with(func(c *domain.RecordStep) { c.Project = "P-8" }), false},
		{"step differs", rec(domain.Signed, "2026-02-01"), rec(domain.Negotiating, "2026-02-01"), false},
		{"approval kind differs", approve(domain.ApprovalEIA, "2026-02-01"), func() domain.RecordStep {
			c := approve(domain.ApprovalLand, "2026-02-01")
			c.Reference = "DOC-eia"
			return c
		}(), false},
		{"command type differs", plan(domain.MilestoneStarted, "2026-06-30"),
			domain.ReviseDeadline{Meta: meta, Project: pid, Milestone: domain.MilestoneStarted, Due: day("2026-06-30"), On: day("2026-01-10")}, false},
		{"issue raise vs resolve", raise("I-1", "x", "2026-03-01"), resolve("I-1", "", "2026-03-01"), false},
		{"same explicit id wins over content", with(func(c *domain.RecordStep) { c.CommandID = "import-1" }),
			func() domain.RecordStep { c := funds("2026-03-01", 999); c.CommandID = "import-1"; return c }(), true},
		{"different explicit ids on identical content", with(func(c *domain.RecordStep) { c.CommandID = "a" }),
			with(func(c *domain.RecordStep) { c.CommandID = "b" }), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ka, kb := domain.CommandKey(tc.a), domain.CommandKey(tc.b)
			assert.Equal(t, ka, domain.CommandKey(tc.a), "deterministic")
			if tc.same {
				assert.Equal(t, ka, kb)
			} else {
				assert.NotEqual(t, ka, kb)
			}
		})
	}

	t.Run("derived key is 32 hex digits", func(t *testing.T) {
		k := domain.CommandKey(base)
		assert.Len(t, k, 32)
		_, err := hex.DecodeString(k)
		require.NoError(t, err)
	})
	t.Run("explicit id is the key", func(t *testing.T) {
		assert.Equal(t, "import-1", domain.CommandKey(with(func(c *domain.RecordStep) { c.CommandID = "import-1" })))
	})
}

func TestDecideEnvelope(t *testing.T) {
	l := registered(t)
	cmd := rec(domain.Signed, "2026-11-20")
	cmd.Actor = "clerk li"
	cmd.CorrelationID = "meeting-2026-11"

	evs, err := domain.Decide(l.p, cmd, now)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	e := evs[0]
	key := domain.CommandKey(cmd)
	assert.Equal(t, key+"-0", e.ID)
	assert.Equal(t, key, e.CommandID)
	assert.Equal(t, pid, e.Project)
	assert.Equal(t, domain.Signed, e.Type)
	assert.Equal(t, domain.EventVersion(domain.Signed), e.Schema)
	assert.Equal(t, day("2026-11-20"), e.OccurredOn)
	assert.Equal(t, time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC), e.RecordedAt)
	assert.Equal(t, time.UTC, e.RecordedAt.Location())
	assert.Equal(t, "clerk li", e.Actor)
	assert.Equal(t, "meeting-2026-11", e.CorrelationID)
	assert.Nil(t, e.PrevHash, "the event store links hashes")
	assert.Nil(t, e.Hash)

	again, err := domain.Decide(l.p, cmd, now)
	require.NoError(t, err)
	assert.Equal(t, evs, again, "Decide is pure")

	explicit := cmd
	explicit.CommandID = "cmd-42"
	evs, err = domain.Decide(l.p, explicit, now)
	require.NoError(t, err)
	assert.Equal(t, "cmd-42-0", evs[0].ID)
	assert.Equal(t, "cmd-42", evs[0].CommandID)

	t.Run("state is not changed by Decide", func(t *testing.T) {
		before := domain.Fold(pid, l.events)
		_, err := domain.Decide(l.p, rec(domain.Started, "2026-03-01"), now)
		require.NoError(t, err)
		assert.Equal(t, before, l.p)
	})

	t.Run("Evolve counts versions and remembers the last record time", func(t *testing.T) {
		l := registered(t)
		assert.Equal(t, 1, l.p.Version)
		later := utc("2026-11-28T03:00")
		l.must(later, rec(domain.Signed, "2026-11-28"))
		assert.Equal(t, 2, l.p.Version)
		assert.Equal(t, later, l.p.LastRecordedAt)
	})
}

func TestDecideRefusesBadEnvelope(t *testing.T) {
	noActor := rec(domain.Signed, "2026-11-20")
	noActor.Actor = ""
	blankActor := rec(domain.Signed, "2026-11-20")
	blankActor.Actor = "  "
	regNoActor := register()
	regNoActor.Actor = ""
	badID := rec(domain.Signed, "2026-11-20")
	badID.Project = "P 7"
	cases := []ruleCase{
		{name: "missing actor", cmd: noActor, kind: domain.ErrInvalid,
			msg: "cannot record signed for P-7: no actor given; say who records this (--actor)"},
		{name: "blank actor", cmd: blankActor, kind: domain.ErrInvalid},
		{name: "missing actor on registration", unregistered: true, cmd: regNoActor, kind: domain.ErrInvalid},
		{name: "missing actor on an unknown project", unregistered: true, cmd: noActor, kind: domain.ErrInvalid},
		{name: "invalid project id", cmd: badID, kind: domain.ErrInvalid,
			msg: `cannot record signed for P 7: "P 7" is not a valid project id; give a national project code (e.g. 2010-220621-47-01-000034) or a local id (e.g. P-7)`},
	}
	runRuleCases(t, cases)
}

func TestMilestoneReached(t *testing.T) {
	cases := []struct {
		name string
		cmd  domain.Command
		want domain.Milestone
		ok   bool
	}{
		{"approval reaches its kind", approve(domain.ApprovalEIA, "2026-02-01"), domain.MilestoneEIA, true},
		{"signed", rec(domain.Signed, "2026-02-01"), domain.MilestoneSigned, true},
		{"funds", funds("2026-02-01", 1), domain.MilestoneFundsReceived, true},
		{"started", rec(domain.Started, "2026-02-01"), domain.MilestoneStarted, true},
		{"plan reaches nothing", plan(domain.MilestoneStarted, "2026-06-30"), "", false},
		{"issue reaches nothing", raise("I-1", "x", "2026-02-01"), "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			evs := registered(t).must(now, tc.cmd)
			m, ok := domain.MilestoneReached(evs[0])
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, m)
		})
	}

	t.Run("resumed reaches nothing", func(t *testing.T) {
		l := registered(t, rec(domain.Started, "2026-02-01"), suspend("2026-03-01", "flood"))
		evs := l.must(now, rec(domain.Resumed, "2026-03-10"))
		m, ok := domain.MilestoneReached(evs[0])
		assert.False(t, ok)
		assert.Empty(t, m)
	})

	t.Run("a planned approval milestone is marked reached", func(t *testing.T) {
		l := registered(t, plan(domain.MilestoneEIA, "2026-03-31"), approve(domain.ApprovalEIA, "2026-03-15"))
		assert.Equal(t, day("2026-03-15"), l.p.Deadlines[domain.MilestoneEIA].Reached)
		on, ok := l.p.Reached(domain.MilestoneEIA)
		assert.True(t, ok)
		assert.Equal(t, day("2026-03-15"), on)
		_, ok = l.p.Reached(domain.MilestoneLand)
		assert.False(t, ok)
	})
}

func TestParseNames(t *testing.T) {
	for _, m := range domain.Milestones {
		got, err := domain.ParseMilestone(string(m))
		require.NoError(t, err)
		assert.Equal(t, m, got)
	}
	for _, k := range domain.ApprovalKinds {
		got, err := domain.ParseApprovalKind(string(k))
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
	for _, s := range domain.Steps {
		got, err := domain.ParseStep(string(s))
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
	bad := []struct {
		name  string
		parse func(string) error
	}{
		{"milestone", func(s string) error { _, err := domain.ParseMilestone(s); return err }},
		{"approval kind", func(s string) error { _, err := domain.ParseApprovalKind(s); return err }},
		{"step", func(s string) error { _, err := domain.ParseStep(s); return err }},
	}
	for _, b := range bad {
		// Case, spaces and full-width letters are forgiven ("Started", " eia"
		// read as started and eia); a word that names nothing is not.
		for _, s := range []string{"", "opened", "剪彩", "start"} {
			err := b.parse(s)
			require.Error(t, err, "%s %q", b.name, s)
			assert.True(t, errors.Is(err, domain.ErrInvalid), "%s %q", b.name, s)
		}
	}
}

func TestNewPayloadMatchesEventType(t *testing.T) {
	for _, et := range domain.EventTypes {
		pl, err := domain.NewPayload(et)
		require.NoError(t, err, "%s", et)
		assert.Equal(t, et, pl.EventType(), "%s", et)
		assert.Equal(t, reflect.Pointer, reflect.TypeOf(pl).Kind())
	}
	_, err := domain.NewPayload("exploded")
	require.ErrorIs(t, err, domain.ErrInvalid)
}

func TestDecideRefusesFieldsAStepDoesNotStore(t *testing.T) {
	withField := func(st domain.EventType, set func(*domain.RecordStep)) domain.RecordStep {
		c := rec(st, "2026-11-01")
		set(&c)
		return c
	}
	cases := []ruleCase{
		{name: "amount on signed", cmd: withField(domain.Signed, func(c *domain.RecordStep) { c.Amount = 5 }), kind: domain.ErrInvalid,
			msg: "cannot record signed for P-7: an amount does not apply to signed; give it only to funds_received"},
		{name: "approval kind on started", cmd: withField(domain.Started, func(c *domain.RecordStep) { c.Approval = domain.ApprovalEIA }), kind: domain.ErrInvalid},
		{name: "reference on signed", cmd: withField(domain.Signed, func(c *domain.RecordStep) { c.Reference = "x" }), kind: domain.ErrInvalid},
		{name: "reason on signed", cmd: withField(domain.Signed, func(c *domain.RecordStep) { c.Reason = "x" }), kind: domain.ErrInvalid},
		{name: "restart date on terminated", cmd: withField(domain.Terminated, func(c *domain.RecordStep) {
			c.Reason, c.ExpectedRestart = "x", day("2026-12-01")
		}), kind: domain.ErrInvalid},
		{name: "note on terminated", cmd: withField(domain.Terminated, func(c *domain.RecordStep) { c.Reason, c.Note = "x", "y" }), kind: domain.ErrInvalid},
		{name: "note on signed is stored", cmd: withField(domain.Signed, func(c *domain.RecordStep) { c.Note = "with the investor" }),
			check: func(t *testing.T, evs []domain.Event, _ domain.Project) {
				assert.Equal(t, "with the investor", payload[*domain.StepData](t, evs).Note)
			}},
	}
	runRuleCases(t, cases)
}

func TestDecidePlanInvestment(t *testing.T) {
	planInv := func(year int, amount int64, reason string) domain.PlanInvestment {
		return domain.PlanInvestment{Meta: domain.Meta{Actor: "office"}, Project: "P-7", Year: year, Amount: amount, Reason: reason}
	}
	cases := []ruleCase{
		{name: "first plan for a year", cmd: planInv(2027, 200_000_000, ""),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				assert.Equal(t, int64(200_000_000), p.AnnualPlan[2027])
				assert.Equal(t, domain.InvestmentPlanned, evs[0].Type)
			}},
		{name: "year out of range", cmd: planInv(1999, 5, ""), kind: domain.ErrInvalid},
		{name: "not positive", cmd: planInv(2027, 0, ""), kind: domain.ErrInvalid,
			msg: "cannot plan investment for 2027 for P-7: amount 0 yuan is not positive; give the year's planned investment in yuan"},
		{name: "same plan again", given: []domain.Command{planInv(2027, 100, "")}, cmd: planInv(2027, 100, "x"), kind: domain.ErrNoChange},
		{name: "changed plan needs a reason", given: []domain.Command{planInv(2027, 100, "")}, cmd: planInv(2027, 200, ""), kind: domain.ErrInvalid},
		{name: "changed plan with a reason replaces it", given: []domain.Command{planInv(2027, 100, "")}, cmd: planInv(2027, 200, "budget raised"),
			check: func(t *testing.T, _ []domain.Event, p domain.Project) {
				assert.Equal(t, int64(200), p.AnnualPlan[2027])
			}},
	}
	runRuleCases(t, cases)
}

func TestMissedDeadlines(t *testing.T) {
	l := registered(t,
		plan(domain.MilestoneSigned, "2026-03-31"), plan(domain.MilestoneStarted, "2026-06-30"), plan(domain.MilestoneEIA, "2026-11-27"),
		revise(domain.MilestoneStarted, "2026-08-31", "land", "2026-07-10"), // revised late: 06-30 was missed
		revise(domain.MilestoneStarted, "2026-10-31", "land", "2026-08-15"), // revised in time
		rec(domain.Signed, "2026-03-31"))                                    // on its last day
	endOf27 := utc("2026-11-27T16:00") // midnight starting 11-28 in Shanghai
	assert.Empty(t, l.p.MissedDeadlines(domain.MilestoneSigned, endOf27), "reached on its last day")
	assert.Equal(t, []domain.Date{day("2026-06-30"), day("2026-10-31")}, l.p.MissedDeadlines(domain.MilestoneStarted, endOf27))
	assert.Empty(t, l.p.MissedDeadlines(domain.MilestoneEIA, endOf27.Add(-time.Second)), "the day has not ended")
	assert.Equal(t, []domain.Date{day("2026-11-27")}, l.p.MissedDeadlines(domain.MilestoneEIA, endOf27))
	assert.Empty(t, l.p.MissedDeadlines(domain.MilestoneLand, endOf27), "not planned")

	l.must(endOf27, missed(domain.MilestoneStarted, "2026-06-30"))
	assert.Equal(t, []domain.Date{day("2026-10-31")}, l.p.MissedDeadlines(domain.MilestoneStarted, endOf27), "a recorded miss is not returned again")
}

func TestCloneIsDeep(t *testing.T) {
	l := registered(t, plan(domain.MilestoneStarted, "2026-06-30"), raise("I-1", "x", "2026-02-01"),
		revise(domain.MilestoneStarted, "2026-09-30", "land", "2026-06-01"))
	before := domain.Fold(pid, l.events)
	c := l.p.Clone()
	for _, cmd := range []domain.Command{revise(domain.MilestoneStarted, "2026-10-31", "more", "2026-06-10"),
		rec(domain.Started, "2026-07-01"), resolve("I-1", "done", "2026-07-02")} {
		evs, err := domain.Decide(c, cmd, now)
		require.NoError(t, err)
		for _, e := range evs {
			domain.Evolve(&c, e)
		}
	}
	assert.Equal(t, before, l.p, "the original is untouched")
	assert.NotEqual(t, before, c)
}

func TestAMilestoneIsReachedByItsEarliestFact(t *testing.T) {
	// Funds arrive in tranches, recorded in any order: the deadline was met
	// by the earliest one, and no miss can be recorded.
	l := registered(t, plan(domain.MilestoneFundsReceived, "2026-04-01"), funds("2026-05-01", 100), funds("2026-03-01", 100))
	assert.Equal(t, day("2026-03-01"), l.p.Deadlines[domain.MilestoneFundsReceived].Reached)
	assert.Empty(t, l.p.MissedDeadlines(domain.MilestoneFundsReceived, utc("2026-11-27T10:00")))
}

func TestABackdatedLeaderAssignmentIsRefused(t *testing.T) {
	l := registered(t, assign("Li", "2026-03-01"))
	_, err := l.decide(now, assign("Zhao", "2026-02-01"))
	require.ErrorIs(t, err, domain.ErrOutOfOrder)
	assert.Contains(t, err.Error(), "Li has answered for the project since 2026-03-01, after 2026-02-01")
}

func TestImplausibleDatesAndTheMachineZoneAreRefused(t *testing.T) {
	for _, s := range []string{"0001-01-01", "1900-01-03", "2206-01-01"} {
		_, err := domain.ParseDate(s)
		require.ErrorIs(t, err, domain.ErrInvalid, s)
	}
	_, err := domain.LoadZone("Local")
	require.ErrorIs(t, err, domain.ErrInvalid)
	assert.Equal(t, domain.Date(0), domain.Month("26-1").FirstDay())
	assert.Equal(t, domain.NewDate(2026, 1, 1), domain.Month("2026-01").FirstDay())
}

func TestASuspensionBeforeTheLastResumptionIsRefused(t *testing.T) {
	l := registered(t, rec(domain.Started, "2026-03-01"), suspend("2026-05-01", "flood"), rec(domain.Resumed, "2026-06-01"))
	_, err := l.decide(now, suspend("2026-05-10", "again"))
	require.ErrorIs(t, err, domain.ErrOutOfOrder)
	assert.Contains(t, err.Error(), "suspended on 2026-05-10 is before the last resumption on 2026-06-01")
}

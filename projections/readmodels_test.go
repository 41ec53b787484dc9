package projections_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

// decideAt is the instant every command of these tests is decided at:
// 02:00 UTC on 27 November 2026, which is 2026-11-27 in Asia/Shanghai, so
// no date below depends on the real clock. Most read models are asked for
// that day too.
var decideAt = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

// dt parses YYYY-MM-DD; "" is the zero Date.
func dt(s string) domain.Date {
	if s == "" {
		return 0
	}
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// on returns the options for as-of date s with the default bands.
func on(s string) projections.Options { return projections.Options{AsOf: dt(s)} }

// fold decides each command (a domain.Command or a []domain.Command)
// against the state folded so far, at decideAt, requires that none is
// refused, and applies the events to one row at increasing sequences.
func fold(t *testing.T, cmds ...any) *projections.Row {
	t.Helper()
	var flat []domain.Command
	for _, c := range cmds {
		switch c := c.(type) {
		case domain.Command:
			flat = append(flat, c)
		case []domain.Command:
			flat = append(flat, c...)
		default:
			t.Fatalf("fold: %T is not a command", c)
		}
	}
	require.NotEmpty(t, flat)
	r := projections.NewRow(flat[0].Target())
	seq := uint64(0)
	for _, c := range flat {
		events, err := domain.Decide(r.Project, c, decideAt)
		require.NoError(t, err, "%s", c.Action())
		for _, e := range events {
			seq++
			require.True(t, r.Apply(seq, e), "apply %s at %d", e.Type, seq)
		}
	}
	return r
}

// pj builds commands for one project, sent by the key-project office
// unless a builder takes an actor.
type pj domain.ProjectID

var office = domain.Meta{Actor: "key-project office"}

func (p pj) id() domain.ProjectID { return domain.ProjectID(p) }

// register enters the project with a total investment of 200 million yuan.
func (p pj) register(name, unit, leader, day string, plan ...domain.PlannedDeadline) domain.RegisterProject {
	return domain.RegisterProject{
		Meta: office, Project: p.id(), Name: name, TotalInvestment: 200_000_000,
		Unit: unit, Leader: leader, Township: "Dongshan", On: dt(day), Plan: plan,
	}
}

func due(m domain.Milestone, day string) domain.PlannedDeadline {
	return domain.PlannedDeadline{Milestone: m, Due: dt(day)}
}

// plan sets a baseline deadline; plans are made on 1 February 2026.
func (p pj) plan(m domain.Milestone, dueOn string) domain.PlanMilestone {
	return domain.PlanMilestone{Meta: office, Project: p.id(), Milestone: m, Due: dt(dueOn), On: dt("2026-02-01")}
}

func (p pj) revise(m domain.Milestone, dueOn, day string) domain.ReviseDeadline {
	return domain.ReviseDeadline{Meta: office, Project: p.id(), Milestone: m, Due: dt(dueOn), Reason: "land handover slipped", On: dt(day)}
}

func (p pj) step(st domain.EventType, day string) domain.RecordStep {
	return domain.RecordStep{Meta: office, Project: p.id(), Step: st, On: dt(day)}
}

func (p pj) approve(k domain.ApprovalKind, day string) domain.RecordStep {
	c := p.step(domain.Approved, day)
	c.Approval = k
	return c
}

// startClean approves the EIA, land and construction permit on the day
// and starts construction on start, so the start carries no flags.
func (p pj) startClean(approvals, start string) []domain.Command {
	return []domain.Command{
		p.approve(domain.ApprovalEIA, approvals),
		p.approve(domain.ApprovalLand, approvals),
		p.approve(domain.ApprovalConstructionPermit, approvals),
		p.step(domain.Started, start),
	}
}

func (p pj) funds(amount int64, day string) domain.RecordStep {
	c := p.step(domain.FundsReceived, day)
	c.Amount = amount
	return c
}

func (p pj) suspend(day string) domain.RecordStep {
	c := p.step(domain.Suspended, day)
	c.Reason = "flood season"
	return c
}

func (p pj) terminate(day string) domain.RecordStep {
	c := p.step(domain.Terminated, day)
	c.Reason = "investor withdrew"
	return c
}

func (p pj) leader(name, day string) domain.AssignLeader {
	return domain.AssignLeader{Meta: office, Project: p.id(), Leader: name, Reason: "rotation", On: dt(day)}
}

func (p pj) report(month string, amount int64, reason, day string) domain.ReportInvestment {
	return domain.ReportInvestment{Meta: office, Project: p.id(), Month: domain.Month(month), Amount: amount, Reason: reason, On: dt(day)}
}

func (p pj) planInvestment(year int, amount int64, reason string) domain.PlanInvestment {
	return domain.PlanInvestment{Meta: office, Project: p.id(), Year: year, Amount: amount, Reason: reason, On: dt("2026-01-10")}
}

func (p pj) raise(issue, title, day, actor string) domain.RaiseIssue {
	return domain.RaiseIssue{Meta: domain.Meta{Actor: actor}, Project: p.id(), IssueID: issue, Title: title, On: dt(day)}
}

func (p pj) resolve(issue, resolution, day, actor string) domain.ResolveIssue {
	return domain.ResolveIssue{Meta: domain.Meta{Actor: actor}, Project: p.id(), IssueID: issue, Resolution: resolution, On: dt(day)}
}

func (p pj) explain(m domain.Milestone, day string) domain.ExplainDelay {
	return domain.ExplainDelay{Meta: office, Project: p.id(), Milestone: m, Reason: "rain", On: dt(day)}
}

func (p pj) missed(m domain.Milestone, dueOn string) domain.RecordDeadlineMissed {
	return domain.RecordDeadlineMissed{Meta: domain.Meta{Actor: "deadline watcher"}, Project: p.id(), Milestone: m, Due: dt(dueOn)}
}

func bp(v int64) *int64 { return &v }

const (
	p1 pj = "P-1"
	p2 pj = "P-2"
	p3 pj = "P-3"
	p4 pj = "P-4"
	p5 pj = "P-5"
	p6 pj = "P-6"
	p7 pj = "P-7"
)

// ---- status ----

func TestStatus(t *testing.T) {
	green, yellow, red := projections.LightGreen, projections.LightYellow, projections.LightRed
	register := p1.register("Wind farm", "Energy Bureau", "Wang", "2026-01-05")
	lifecycle := []domain.Command{
		p1.step(domain.Negotiating, "2026-02-01"), p1.step(domain.Signed, "2026-03-01"),
	}
	lifecycle = append(lifecycle, p1.startClean("2026-04-01", "2026-05-01")...)
	lifecycle = append(lifecycle, p1.step(domain.Completed, "2026-10-01"), p1.funds(1_000_000, "2026-11-01"))
	startedBy := func(dueOn string) []domain.Command {
		return []domain.Command{p1.plan(domain.MilestoneStarted, dueOn)}
	}
	building := append(p1.startClean("2026-04-01", "2026-05-01"), p1.plan(domain.MilestoneCompleted, "2026-10-31"))
	suspended := append(building, p1.suspend("2026-09-01"))
	resumed := append(suspended[:len(suspended):len(suspended)], p1.step(domain.Resumed, "2026-11-01"))
	investment := []domain.Command{
		p1.report("2025-12", 10_000_000, "", "2026-01-10"),
		p1.report("2026-01", 20_000_000, "", "2026-02-05"),
		p1.report("2026-01", 25_000_000, "a contract was left out", "2026-02-20"),
		p1.report("2026-11", 4_999_999, "", "2026-11-20"),
	}
	issues := []domain.Command{
		p1.raise("I-1", "Land dispute", "2026-10-01", "inspection office"),
		p1.raise("I-2", "Permit missing", "2026-11-01", "inspection office"),
		p1.resolve("I-1", "Compensation agreed", "2026-11-10", "Energy Bureau"),
		p1.raise("I-3", "Safety check", "2026-11-20", "inspection office"),
		p1.resolve("I-3", "Passed", "2026-11-20", "inspection office"),
	}
	withoutApprovals := []domain.Command{p1.approve(domain.ApprovalEIA, "2026-04-01"), p1.step(domain.Started, "2026-05-01")}

	tests := []struct {
		name string
		cmds []domain.Command // after the registration of P-1 on 2026-01-05
		opts projections.Options
		want func(s *projections.StatusRow) // nil: P-1 is not in the table
	}{
		{name: "registered with nothing planned", opts: on("2026-11-27"),
			want: func(s *projections.StatusRow) {}},
		{name: "stage is the furthest lifecycle step; funds are no stage", cmds: lifecycle, opts: on("2026-11-27"),
			want: func(s *projections.StatusRow) { s.Stage = "completed" }},
		{name: "steps dated after AsOf are not taken yet", cmds: lifecycle, opts: on("2026-04-15"),
			want: func(s *projections.StatusRow) { s.Stage = "signed" }},
		{name: "steps on the AsOf day are taken", cmds: lifecycle, opts: on("2026-05-01"),
			want: func(s *projections.StatusRow) { s.Stage = "started" }},
		{name: "next milestone is the open deadline due first",
			cmds: []domain.Command{
				p1.plan(domain.MilestoneLand, "2026-12-31"), p1.plan(domain.MilestoneStarted, "2026-12-20"),
				p1.plan(domain.MilestoneEIA, "2026-12-10"), p1.approve(domain.ApprovalEIA, "2026-11-20"),
			},
			opts: on("2026-11-27"),
			want: func(s *projections.StatusRow) {
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLeft = domain.MilestoneStarted, dt("2026-12-20"), dt("2026-12-20"), 23
			}},
		{name: "a milestone reached after AsOf is still open on AsOf",
			cmds: []domain.Command{p1.plan(domain.MilestoneEIA, "2026-12-10"), p1.approve(domain.ApprovalEIA, "2026-11-20")},
			opts: on("2026-11-10"),
			want: func(s *projections.StatusRow) {
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLeft = domain.MilestoneEIA, dt("2026-12-10"), dt("2026-12-10"), 30
			}},
		{name: "due in 8 days is green", cmds: startedBy("2026-12-05"), opts: on("2026-11-27"),
			want: func(s *projections.StatusRow) {
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLeft, s.Light = domain.MilestoneStarted, dt("2026-12-05"), dt("2026-12-05"), 8, green
			}},
		{name: "due in 7 days is yellow", cmds: startedBy("2026-12-04"), opts: on("2026-11-27"),
			want: func(s *projections.StatusRow) {
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLeft, s.Light = domain.MilestoneStarted, dt("2026-12-04"), dt("2026-12-04"), 7, yellow
			}},
		{name: "due today is yellow and not late", cmds: startedBy("2026-11-27"), opts: on("2026-11-27"),
			want: func(s *projections.StatusRow) {
				s.NextMilestone, s.NextDue, s.NextBaseline, s.Light = domain.MilestoneStarted, dt("2026-11-27"), dt("2026-11-27"), yellow
			}},
		{name: "1 day late is yellow", cmds: startedBy("2026-11-26"), opts: on("2026-11-27"),
			want: func(s *projections.StatusRow) {
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLate, s.Light = domain.MilestoneStarted, dt("2026-11-26"), dt("2026-11-26"), 1, yellow
				s.OverdueCount = 1
			}},
		{name: "14 days late is yellow", cmds: startedBy("2026-11-13"), opts: on("2026-11-27"),
			want: func(s *projections.StatusRow) {
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLate, s.Light = domain.MilestoneStarted, dt("2026-11-13"), dt("2026-11-13"), 14, yellow
				s.OverdueCount = 1
			}},
		{name: "15 days late is red", cmds: startedBy("2026-11-12"), opts: on("2026-11-27"),
			want: func(s *projections.StatusRow) {
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLate, s.Light = domain.MilestoneStarted, dt("2026-11-12"), dt("2026-11-12"), 15, red
				s.OverdueCount = 1
			}},
		{name: "light is the worst over all open deadlines, not the last one's",
			cmds: []domain.Command{
				p1.plan(domain.MilestoneStarted, "2027-03-01"), p1.plan(domain.MilestoneLand, "2026-11-20"),
				p1.plan(domain.MilestoneEIA, "2026-10-01"),
			},
			opts: on("2026-11-27"),
			want: func(s *projections.StatusRow) {
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLate, s.Light = domain.MilestoneEIA, dt("2026-10-01"), dt("2026-10-01"), 57, red
				s.OverdueCount = 2
			}},
		{name: "custom bands: due in 4 days is green when yellow starts 3 days ahead", cmds: startedBy("2026-12-01"),
			opts: projections.Options{AsOf: dt("2026-11-27"), Bands: projections.Bands{YellowDueWithin: 3, YellowLateFrom: 1, RedLateFrom: 5}},
			want: func(s *projections.StatusRow) {
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLeft, s.Light = domain.MilestoneStarted, dt("2026-12-01"), dt("2026-12-01"), 4, green
			}},
		{name: "custom bands: due in 3 days is yellow", cmds: startedBy("2026-11-30"),
			opts: projections.Options{AsOf: dt("2026-11-27"), Bands: projections.Bands{YellowDueWithin: 3, YellowLateFrom: 1, RedLateFrom: 5}},
			want: func(s *projections.StatusRow) {
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLeft, s.Light = domain.MilestoneStarted, dt("2026-11-30"), dt("2026-11-30"), 3, yellow
			}},
		{name: "custom bands: 4 days late is yellow", cmds: startedBy("2026-11-23"),
			opts: projections.Options{AsOf: dt("2026-11-27"), Bands: projections.Bands{YellowDueWithin: 3, YellowLateFrom: 1, RedLateFrom: 5}},
			want: func(s *projections.StatusRow) {
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLate, s.Light = domain.MilestoneStarted, dt("2026-11-23"), dt("2026-11-23"), 4, yellow
				s.OverdueCount = 1
			}},
		{name: "custom bands: 5 days late is red", cmds: startedBy("2026-11-22"),
			opts: projections.Options{AsOf: dt("2026-11-27"), Bands: projections.Bands{YellowDueWithin: 3, YellowLateFrom: 1, RedLateFrom: 5}},
			want: func(s *projections.StatusRow) {
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLate, s.Light = domain.MilestoneStarted, dt("2026-11-22"), dt("2026-11-22"), 5, red
				s.OverdueCount = 1
			}},
		{name: "custom bands with 2 days' grace: a deadline due soon outshines one a day late",
			cmds: []domain.Command{p1.plan(domain.MilestoneEIA, "2026-11-26"), p1.plan(domain.MilestoneStarted, "2026-12-01")},
			opts: projections.Options{AsOf: dt("2026-11-27"), Bands: projections.Bands{YellowDueWithin: 7, YellowLateFrom: 3, RedLateFrom: 10}},
			want: func(s *projections.StatusRow) {
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLate, s.Light = domain.MilestoneEIA, dt("2026-11-26"), dt("2026-11-26"), 1, yellow
				s.OverdueCount = 1
			}},
		{name: "revised deadline shows the new due and keeps the baseline",
			cmds: []domain.Command{p1.plan(domain.MilestoneStarted, "2026-10-31"), p1.revise(domain.MilestoneStarted, "2026-12-15", "2026-10-20")},
			opts: on("2026-11-27"),
			want: func(s *projections.StatusRow) {
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLeft = domain.MilestoneStarted, dt("2026-12-15"), dt("2026-10-31"), 18
			}},
		{name: "twice revised deadline keeps the first baseline",
			cmds: []domain.Command{
				p1.plan(domain.MilestoneStarted, "2026-10-31"), p1.revise(domain.MilestoneStarted, "2026-11-30", "2026-10-20"),
				p1.revise(domain.MilestoneStarted, "2026-11-20", "2026-11-25"),
			},
			opts: on("2026-11-27"),
			want: func(s *projections.StatusRow) {
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLate, s.Light = domain.MilestoneStarted, dt("2026-11-20"), dt("2026-10-31"), 7, yellow
				s.OverdueCount = 1
			}},
		{name: "suspended project shows light suspended", cmds: suspended, opts: on("2026-11-27"),
			want: func(s *projections.StatusRow) {
				s.Stage, s.Suspended, s.Light = "started", true, projections.LightSuspended
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLate, s.OverdueCount = domain.MilestoneCompleted, dt("2026-10-31"), dt("2026-10-31"), 27, 1
			}},
		{name: "resumed project is chased again", cmds: resumed, opts: on("2026-11-27"),
			want: func(s *projections.StatusRow) {
				s.Stage, s.Light = "started", red
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLate, s.OverdueCount = domain.MilestoneCompleted, dt("2026-10-31"), dt("2026-10-31"), 27, 1
			}},
		{name: "suspended on AsOf though resumed since", cmds: resumed, opts: on("2026-10-15"),
			want: func(s *projections.StatusRow) {
				s.Stage, s.Suspended, s.Light = "started", true, projections.LightSuspended
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLeft = domain.MilestoneCompleted, dt("2026-10-31"), dt("2026-10-31"), 16
			}},
		{name: "resumed on the AsOf day is not suspended", cmds: resumed, opts: on("2026-11-01"),
			want: func(s *projections.StatusRow) {
				s.Stage, s.Light = "started", yellow
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLate, s.OverdueCount = domain.MilestoneCompleted, dt("2026-10-31"), dt("2026-10-31"), 1, 1
			}},
		{name: "suspended after AsOf is not suspended on AsOf", cmds: suspended, opts: on("2026-08-31"),
			want: func(s *projections.StatusRow) {
				s.Stage = "started"
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLeft = domain.MilestoneCompleted, dt("2026-10-31"), dt("2026-10-31"), 61
			}},
		{name: "terminated project leaves the table",
			cmds: []domain.Command{p1.plan(domain.MilestoneStarted, "2026-06-30"), p1.terminate("2026-11-01")},
			opts: on("2026-11-27")},
		{name: "terminated after AsOf is still listed",
			cmds: []domain.Command{p1.plan(domain.MilestoneStarted, "2026-06-30"), p1.terminate("2026-11-01")},
			opts: on("2026-10-31"),
			want: func(s *projections.StatusRow) {
				s.NextMilestone, s.NextDue, s.NextBaseline, s.DaysLate, s.Light, s.OverdueCount = domain.MilestoneStarted, dt("2026-06-30"), dt("2026-06-30"), 123, red, 1
			}},
		{name: "registered after AsOf is not listed", opts: on("2026-01-04")},
		{name: "investment to date, corrected not doubled, share rounded down", cmds: investment, opts: on("2026-11-27"),
			want: func(s *projections.StatusRow) { s.InvestedToDate, s.InvestedShareBP = 39_999_999, 1999 }},
		{name: "investment of months after AsOf's month is left out", cmds: investment, opts: on("2026-10-31"),
			want: func(s *projections.StatusRow) { s.InvestedToDate, s.InvestedShareBP = 35_000_000, 1750 }},
		{name: "investment of AsOf's own month counts", cmds: investment, opts: on("2026-11-01"),
			want: func(s *projections.StatusRow) { s.InvestedToDate, s.InvestedShareBP = 39_999_999, 1999 }},
		{name: "open issues: resolved ones do not count", cmds: issues, opts: on("2026-11-27"),
			want: func(s *projections.StatusRow) { s.OpenIssues = 1 }},
		{name: "open issues: one resolved after AsOf counts", cmds: issues, opts: on("2026-11-05"),
			want: func(s *projections.StatusRow) { s.OpenIssues = 2 }},
		{name: "open issues: resolved on its raise day never counts", cmds: issues, opts: on("2026-11-20"),
			want: func(s *projections.StatusRow) { s.OpenIssues = 1 }},
		{name: "open issues: raised after AsOf do not count", cmds: issues, opts: on("2026-09-30"),
			want: func(s *projections.StatusRow) {}},
		{name: "flags of a start without land and permit", cmds: withoutApprovals, opts: on("2026-11-27"),
			want: func(s *projections.StatusRow) {
				s.Stage = "started"
				s.Flags = []domain.ComplianceFlag{domain.FlagStartedWithoutLand, domain.FlagStartedWithoutPermit}
			}},
		{name: "no flags before the start", cmds: withoutApprovals, opts: on("2026-04-30"),
			want: func(s *projections.StatusRow) {}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			row := fold(t, register, tc.cmds)
			got := projections.Status([]*projections.Row{row}, tc.opts)
			if tc.want == nil {
				assert.Empty(t, got)
				return
			}
			want := projections.StatusRow{
				Project: "P-1", Name: "Wind farm", Unit: "Energy Bureau", Leader: "Wang", Kind: domain.KindNew,
				Township: "Dongshan", Stage: "registered", Light: green, TotalInvestment: 200_000_000,
				Flags: []domain.ComplianceFlag{}, LastEventAt: decideAt,
			}
			tc.want(&want)
			require.Len(t, got, 1)
			assert.Equal(t, want, got[0])
		})
	}
}

func TestStatusListsProjectsByIDAndLeavesTerminatedOnesOut(t *testing.T) {
	cont := p2.register("Ring road", "Transport Bureau", "Zhao", "2026-02-01")
	cont.Kind, cont.Township = domain.KindContinuing, "Xishan"
	rows := []*projections.Row{
		fold(t, p3.register("Hotel", "Commerce Bureau", "Qian", "2026-01-05"), p3.terminate("2026-06-01")),
		fold(t, cont, p2.plan(domain.MilestoneStarted, "2026-11-30"), p2.leader("Zhou", "2026-09-01")),
		fold(t, p1.register("Wind farm", "Energy Bureau", "Wang", "2026-01-05")),
	}
	got := projections.Status(rows, on("2026-11-27"))
	assert.Equal(t, []projections.StatusRow{
		{
			Project: "P-1", Name: "Wind farm", Unit: "Energy Bureau", Leader: "Wang", Kind: domain.KindNew, Township: "Dongshan",
			Stage: "registered", Light: projections.LightGreen, TotalInvestment: 200_000_000, Flags: []domain.ComplianceFlag{}, LastEventAt: decideAt,
		},
		{
			Project: "P-2", Name: "Ring road", Unit: "Transport Bureau", Leader: "Zhou", Kind: domain.KindContinuing, Township: "Xishan",
			Stage: "registered", NextMilestone: domain.MilestoneStarted, NextDue: dt("2026-11-30"), NextBaseline: dt("2026-11-30"),
			DaysLeft: 3, Light: projections.LightYellow, TotalInvestment: 200_000_000, Flags: []domain.ComplianceFlag{}, LastEventAt: decideAt,
		},
	}, got)
}

// ---- overdue ----

// overdueRows: P-1 missed land (revised, explained) and started (after a
// leader change), P-2 missed a deadline it explained and then moved,
// P-3 is suspended, P-4 terminated, P-5 due today, P-6 missed two
// deadlines on one day, P-7 was registered after its deadline passed.
func overdueRows(t *testing.T) []*projections.Row {
	return []*projections.Row{
		fold(t, p1.register("Wind farm", "Energy Bureau", "Wang", "2026-01-05"),
			p1.plan(domain.MilestoneEIA, "2026-09-30"), p1.plan(domain.MilestoneLand, "2026-09-30"), p1.plan(domain.MilestoneStarted, "2026-11-20"),
			p1.revise(domain.MilestoneLand, "2026-10-31", "2026-09-25"), p1.approve(domain.ApprovalEIA, "2026-10-10"),
			p1.missed(domain.MilestoneLand, "2026-10-31"), p1.explain(domain.MilestoneLand, "2026-11-05"),
			p1.leader("Li", "2026-11-10")),
		fold(t, p2.register("Ring road", "Transport Bureau", "Zhao", "2026-01-05"),
			p2.plan(domain.MilestoneStarted, "2026-11-01"), p2.explain(domain.MilestoneStarted, "2026-11-03"),
			p2.revise(domain.MilestoneStarted, "2026-11-15", "2026-11-04")),
		fold(t, p3.register("Paper mill", "Industry Bureau", "Sun", "2026-01-05"),
			p3.startClean("2026-03-01", "2026-03-15"), p3.plan(domain.MilestoneCompleted, "2026-10-31"), p3.suspend("2026-09-01")),
		fold(t, p4.register("Hotel", "Commerce Bureau", "Qian", "2026-01-05"),
			p4.plan(domain.MilestoneStarted, "2026-06-30"), p4.terminate("2026-08-01")),
		fold(t, p5.register("Bridge", "Transport Bureau", "Zhao", "2026-01-05"),
			p5.plan(domain.MilestoneStarted, "2026-11-27"), p5.plan(domain.MilestoneEIA, "2026-11-28")),
		fold(t, p6.register("Water plant", "Water Bureau", "Zhou", "2026-01-05"),
			p6.plan(domain.MilestoneLand, "2026-11-20"), p6.plan(domain.MilestoneEIA, "2026-11-20")),
		fold(t, p7.register("School", "Education Bureau", "Hu", "2026-03-01", due(domain.MilestoneLand, "2026-02-15"))),
	}
}

func TestOverdue(t *testing.T) {
	rows := overdueRows(t)
	red, yellow := projections.LightRed, projections.LightYellow
	p7land := func(daysLate int) projections.OverdueRow {
		return projections.OverdueRow{Project: "P-7", Name: "School", Milestone: domain.MilestoneLand, Due: dt("2026-02-15"), Baseline: dt("2026-02-15"),
			DaysLate: daysLate, Light: red, LeaderThen: "Hu", LeaderNow: "Hu", Unit: "Education Bureau"}
	}
	tests := []struct {
		name string
		opts projections.Options
		want []projections.OverdueRow
	}{
		{name: "on 2026-11-27: most days late first, ties by project then plan order", opts: on("2026-11-27"), want: []projections.OverdueRow{
			p7land(285),
			{Project: "P-1", Name: "Wind farm", Milestone: domain.MilestoneLand, Due: dt("2026-10-31"), Baseline: dt("2026-09-30"),
				DaysLate: 27, Revisions: 1, Explained: true, Light: red, LeaderThen: "Wang", LeaderNow: "Li", Unit: "Energy Bureau"},
			{Project: "P-2", Name: "Ring road", Milestone: domain.MilestoneStarted, Due: dt("2026-11-15"), Baseline: dt("2026-11-01"),
				DaysLate: 12, Revisions: 1, EarlierMisses: 1, Explained: false, Light: yellow, LeaderThen: "Zhao", LeaderNow: "Zhao", Unit: "Transport Bureau"},
			{Project: "P-1", Name: "Wind farm", Milestone: domain.MilestoneStarted, Due: dt("2026-11-20"), Baseline: dt("2026-11-20"),
				DaysLate: 7, Light: yellow, LeaderThen: "Li", LeaderNow: "Li", Unit: "Energy Bureau"},
			{Project: "P-6", Name: "Water plant", Milestone: domain.MilestoneEIA, Due: dt("2026-11-20"), Baseline: dt("2026-11-20"),
				DaysLate: 7, Light: yellow, LeaderThen: "Zhou", LeaderNow: "Zhou", Unit: "Water Bureau"},
			{Project: "P-6", Name: "Water plant", Milestone: domain.MilestoneLand, Due: dt("2026-11-20"), Baseline: dt("2026-11-20"),
				DaysLate: 7, Light: yellow, LeaderThen: "Zhou", LeaderNow: "Zhou", Unit: "Water Bureau"},
		}},
		{name: "on 2026-10-05: a milestone reached after AsOf is overdue; a later revision's due is used", opts: on("2026-10-05"), want: []projections.OverdueRow{
			p7land(232),
			{Project: "P-1", Name: "Wind farm", Milestone: domain.MilestoneEIA, Due: dt("2026-09-30"), Baseline: dt("2026-09-30"),
				DaysLate: 5, Light: yellow, LeaderThen: "Wang", LeaderNow: "Li", Unit: "Energy Bureau"},
		}},
		{name: "on 2026-07-31: terminated and suspended only later, so still chased", opts: on("2026-07-31"), want: []projections.OverdueRow{
			p7land(166),
			{Project: "P-4", Name: "Hotel", Milestone: domain.MilestoneStarted, Due: dt("2026-06-30"), Baseline: dt("2026-06-30"),
				DaysLate: 31, Light: red, LeaderThen: "Qian", LeaderNow: "Qian", Unit: "Commerce Bureau"},
		}},
		{name: "before any deadline passed: nothing", opts: on("2026-02-15"), want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, projections.Overdue(rows, tc.opts))
		})
	}
}

func TestOverdueLightsFollowCustomBands(t *testing.T) {
	rows := overdueRows(t)
	type light struct {
		Project   domain.ProjectID
		Milestone domain.Milestone
		DaysLate  int
		Light     projections.Light
	}
	tests := []struct {
		name  string
		bands projections.Bands
		want  []light
	}{
		{name: "red from 7 days late", bands: projections.Bands{YellowDueWithin: 0, YellowLateFrom: 1, RedLateFrom: 7}, want: []light{
			{"P-7", domain.MilestoneLand, 285, projections.LightRed}, {"P-1", domain.MilestoneLand, 27, projections.LightRed},
			{"P-2", domain.MilestoneStarted, 12, projections.LightRed}, {"P-1", domain.MilestoneStarted, 7, projections.LightRed},
			{"P-6", domain.MilestoneEIA, 7, projections.LightRed}, {"P-6", domain.MilestoneLand, 7, projections.LightRed},
		}},
		{name: "yellow from 10, red from 100 days late", bands: projections.Bands{YellowDueWithin: 7, YellowLateFrom: 10, RedLateFrom: 100}, want: []light{
			{"P-7", domain.MilestoneLand, 285, projections.LightRed}, {"P-1", domain.MilestoneLand, 27, projections.LightYellow},
			{"P-2", domain.MilestoneStarted, 12, projections.LightYellow}, {"P-1", domain.MilestoneStarted, 7, projections.LightGreen},
			{"P-6", domain.MilestoneEIA, 7, projections.LightGreen}, {"P-6", domain.MilestoneLand, 7, projections.LightGreen},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, tc.bands.Validate())
			var got []light
			for _, r := range projections.Overdue(rows, projections.Options{AsOf: dt("2026-11-27"), Bands: tc.bands}) {
				got = append(got, light{r.Project, r.Milestone, r.DaysLate, r.Light})
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// ---- scoreboard ----

// scoreRows: Energy Bureau holds P-1 (Wang until Li took over on
// 2026-11-10: eia on time, land late, started open) and P-2 (Li: started
// open). Transport Bureau holds P-3 (Zhao: eia on time on its due day,
// started late), P-4 (Zhao: eia late; completed open but suspended) and
// P-5 (Zhou: started open; terminated 2026-11-01). Water Bureau holds P-6
// (Sun: eia due on 2026-11-27 itself).
func scoreRows(t *testing.T) []*projections.Row {
	return []*projections.Row{
		fold(t, p1.register("Wind farm", "Energy Bureau", "Wang", "2026-01-05"),
			p1.plan(domain.MilestoneEIA, "2026-06-30"), p1.plan(domain.MilestoneLand, "2026-07-31"), p1.plan(domain.MilestoneStarted, "2026-10-31"),
			p1.approve(domain.ApprovalEIA, "2026-06-20"), p1.approve(domain.ApprovalLand, "2026-08-10"), p1.leader("Li", "2026-11-10")),
		fold(t, p2.register("Solar park", "Energy Bureau", "Li", "2026-01-05"),
			p2.plan(domain.MilestoneStarted, "2026-11-20"), p2.plan(domain.MilestoneCompleted, "2027-06-30")),
		fold(t, p3.register("Ring road", "Transport Bureau", "Zhao", "2026-01-05"),
			p3.plan(domain.MilestoneEIA, "2026-09-30"), p3.plan(domain.MilestoneStarted, "2026-11-26"),
			p3.approve(domain.ApprovalEIA, "2026-09-30"), p3.approve(domain.ApprovalLand, "2026-10-01"),
			p3.approve(domain.ApprovalConstructionPermit, "2026-10-01"), p3.step(domain.Started, "2026-11-27")),
		fold(t, p4.register("Bridge", "Transport Bureau", "Zhao", "2026-01-05"),
			domain.PlanMilestone{Meta: office, Project: p4.id(), Milestone: domain.MilestoneEIA, Due: dt("2026-02-01"), On: dt("2026-01-10")},
			p4.plan(domain.MilestoneCompleted, "2026-10-31"),
			p4.startClean("2026-02-10", "2026-03-01"), p4.suspend("2026-09-01")),
		fold(t, p5.register("Port", "Transport Bureau", "Zhou", "2026-01-05"),
			p5.plan(domain.MilestoneStarted, "2026-06-30"), p5.terminate("2026-11-01")),
		fold(t, p6.register("Water plant", "Water Bureau", "Sun", "2026-01-05"),
			p6.plan(domain.MilestoneEIA, "2026-11-27"), p6.plan(domain.MilestoneStarted, "2027-03-01")),
	}
}

func TestScoreboard(t *testing.T) {
	rows := scoreRows(t)
	tests := []struct {
		name string
		opts projections.Options
		want []projections.ScoreRow
	}{
		{name: "on 2026-11-27", opts: on("2026-11-27"), want: []projections.ScoreRow{
			{By: "unit", Name: "Energy Bureau", Projects: 2, OnTime: 1, Late: 1, OpenOverdue: 2, Overdue: 3, OnTimeRateBP: bp(2500)},
			// P-4's open completed is not counted while suspended; P-5 left with its termination.
			{By: "unit", Name: "Transport Bureau", Projects: 2, OnTime: 1, Late: 2, OpenOverdue: 0, Overdue: 2, OnTimeRateBP: bp(3333)},
			// P-6's eia is due today: its day has not ended, so nothing was due yet.
			{By: "unit", Name: "Water Bureau", Projects: 1},
			// Li holds P-1 now but answers only for P-2's miss.
			{By: "leader", Name: "Li", Projects: 2, OpenOverdue: 1, Overdue: 1, OnTimeRateBP: bp(0)},
			// Wang answered for P-1 on all three deadline days.
			{By: "leader", Name: "Wang", Projects: 0, OnTime: 1, Late: 1, OpenOverdue: 1, Overdue: 2, OnTimeRateBP: bp(3333)},
			{By: "leader", Name: "Zhao", Projects: 2, OnTime: 1, Late: 2, Overdue: 2, OnTimeRateBP: bp(3333)},
			{By: "leader", Name: "Sun", Projects: 1},
		}},
		{name: "on 2026-08-05: reached after AsOf is open; terminated and suspended only later", opts: on("2026-08-05"), want: []projections.ScoreRow{
			{By: "unit", Name: "Transport Bureau", Projects: 3, Late: 1, OpenOverdue: 1, Overdue: 2, OnTimeRateBP: bp(0)},
			{By: "unit", Name: "Energy Bureau", Projects: 2, OnTime: 1, OpenOverdue: 1, Overdue: 1, OnTimeRateBP: bp(5000)},
			{By: "unit", Name: "Water Bureau", Projects: 1},
			{By: "leader", Name: "Zhao", Projects: 2, Late: 1, Overdue: 1, OnTimeRateBP: bp(0)},
			{By: "leader", Name: "Zhou", Projects: 1, OpenOverdue: 1, Overdue: 1, OnTimeRateBP: bp(0)},
			{By: "leader", Name: "Wang", Projects: 0, OnTime: 1, OpenOverdue: 1, Overdue: 1, OnTimeRateBP: bp(5000)},
			{By: "leader", Name: "Li", Projects: 2},
			{By: "leader", Name: "Sun", Projects: 1},
		}},
		{name: "on 2026-01-31: nothing due yet anywhere", opts: on("2026-01-31"), want: []projections.ScoreRow{
			{By: "unit", Name: "Energy Bureau", Projects: 2},
			{By: "unit", Name: "Transport Bureau", Projects: 3},
			{By: "unit", Name: "Water Bureau", Projects: 1},
			{By: "leader", Name: "Li", Projects: 2},
			{By: "leader", Name: "Sun", Projects: 1},
			{By: "leader", Name: "Zhao", Projects: 2},
			{By: "leader", Name: "Zhou", Projects: 1},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, projections.Scoreboard(rows, tc.opts))
		})
	}
}

func TestSortScores(t *testing.T) {
	rows := []projections.ScoreRow{
		{Name: "A", Projects: 3, Overdue: 1, OnTimeRateBP: bp(5000)},
		{Name: "B", Projects: 1, Overdue: 4, OnTimeRateBP: bp(5000)},
		{Name: "C", Projects: 5},
		{Name: "D", Projects: 3, Overdue: 2, OnTimeRateBP: bp(0)},
		{Name: "E", Projects: 2, OnTimeRateBP: bp(10_000)},
	}
	tests := []struct {
		by   projections.ScoreSort
		want []string
	}{
		{projections.SortWorst, []string{"D", "B", "A", "E", "C"}}, // nothing due (C) after 100 %
		{projections.SortOverdue, []string{"B", "D", "A", "C", "E"}},
		{projections.SortName, []string{"A", "B", "C", "D", "E"}},
		{projections.SortProjects, []string{"C", "A", "D", "E", "B"}},
	}
	for _, tc := range tests {
		t.Run(string(tc.by), func(t *testing.T) {
			got := append([]projections.ScoreRow(nil), rows...)
			projections.SortScores(got, tc.by)
			var names []string
			for _, r := range got {
				names = append(names, r.Name)
			}
			assert.Equal(t, tc.want, names)
		})
	}
}

func TestParseScoreSort(t *testing.T) {
	for _, s := range []projections.ScoreSort{projections.SortWorst, projections.SortOverdue, projections.SortName, projections.SortProjects} {
		got, err := projections.ParseScoreSort(string(s))
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
	for _, s := range []string{"", "Worst", "rate", " name"} {
		t.Run(s, func(t *testing.T) {
			got, err := projections.ParseScoreSort(s)
			require.Error(t, err)
			assert.Empty(t, got)
			assert.Contains(t, err.Error(), "expected worst, overdue, name or projects")
		})
	}
}

// ---- investment ----

// investmentRows: P-1 (Energy, registered 2025-12-01, plan 100 million)
// reports December 2025, January, February (corrected), November; P-2
// (Transport, no plan) reports March and is then terminated; P-3
// (Energy, plan cut to 8 million) reports April (nothing) and May; P-4
// (Water, registered 2026-08-01) reports March late; P-5 (Water) reports
// nothing.
func investmentRows(t *testing.T) []*projections.Row {
	return []*projections.Row{
		fold(t, p1.register("Wind farm", "Energy Bureau", "Wang", "2025-12-01"),
			p1.planInvestment(2026, 100_000_000, ""),
			p1.report("2025-12", 7_000_000, "", "2026-01-10"),
			p1.report("2026-01", 10_000_000, "", "2026-02-05"),
			p1.report("2026-02", 20_000_000, "", "2026-03-05"),
			p1.report("2026-02", 15_000_000, "a contract was counted twice", "2026-03-20"),
			p1.report("2026-11", 5_000_000, "", "2026-11-20")),
		fold(t, p2.register("Ring road", "Transport Bureau", "Zhao", "2026-01-05"),
			p2.report("2026-03", 3_000_000, "", "2026-04-05"), p2.terminate("2026-06-01")),
		fold(t, p3.register("Solar park", "Energy Bureau", "Li", "2026-01-05"),
			p3.planInvestment(2026, 10_000_000, ""), p3.planInvestment(2026, 8_000_000, "scaled down"),
			p3.report("2026-04", 0, "", "2026-05-05"), p3.report("2026-05", 1_000_000, "", "2026-06-05")),
		fold(t, p4.register("Water plant", "Water Bureau", "Sun", "2026-08-01"),
			p4.report("2026-03", 2_000_000, "", "2026-08-05")),
		fold(t, p5.register("Pump station", "Water Bureau", "Zhou", "2026-02-01")),
	}
}

func TestInvestment(t *testing.T) {
	rows := investmentRows(t)
	type ir = projections.InvestmentRow
	p1jan := ir{Project: "P-1", Name: "Wind farm", Unit: "Energy Bureau", Month: "2026-01", Amount: 10_000_000, YearToDate: 10_000_000, AnnualPlan: 100_000_000, PlanBP: 1000}
	p1feb := ir{Project: "P-1", Name: "Wind farm", Unit: "Energy Bureau", Month: "2026-02", Amount: 15_000_000, YearToDate: 25_000_000, AnnualPlan: 100_000_000, PlanBP: 2500}
	p1nov := ir{Project: "P-1", Name: "Wind farm", Unit: "Energy Bureau", Month: "2026-11", Amount: 5_000_000, YearToDate: 30_000_000, AnnualPlan: 100_000_000, PlanBP: 3000}
	p2mar := ir{Project: "P-2", Name: "Ring road", Unit: "Transport Bureau", Month: "2026-03", Amount: 3_000_000, YearToDate: 3_000_000}
	p3apr := ir{Project: "P-3", Name: "Solar park", Unit: "Energy Bureau", Month: "2026-04", Amount: 0, YearToDate: 0, AnnualPlan: 8_000_000, PlanBP: 0}
	p3may := ir{Project: "P-3", Name: "Solar park", Unit: "Energy Bureau", Month: "2026-05", Amount: 1_000_000, YearToDate: 1_000_000, AnnualPlan: 8_000_000, PlanBP: 1250}
	p4mar := ir{Project: "P-4", Name: "Water plant", Unit: "Water Bureau", Month: "2026-03", Amount: 2_000_000, YearToDate: 2_000_000}
	tests := []struct {
		name string
		opts projections.Options
		want []projections.InvestmentRow
	}{
		// February was corrected from 20 to 15 million: replaced, not added.
		// December 2025 belongs to another year; P-2 counts though terminated.
		{name: "year to date on 2026-11-27", opts: on("2026-11-27"), want: []ir{p1jan, p1feb, p1nov, p2mar, p3apr, p3may, p4mar}},
		{name: "months after AsOf are left out", opts: on("2026-10-31"), want: []ir{p1jan, p1feb, p2mar, p3apr, p3may, p4mar}},
		{name: "projects registered after AsOf are left out", opts: on("2026-06-30"), want: []ir{p1jan, p1feb, p2mar, p3apr, p3may}},
		{name: "another year", opts: on("2025-12-31"), want: []ir{
			{Project: "P-1", Name: "Wind farm", Unit: "Energy Bureau", Month: "2025-12", Amount: 7_000_000, YearToDate: 7_000_000},
		}},
		{name: "AsOf's month counts from its first day", opts: on("2026-01-01"), want: []ir{p1jan}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, projections.Investment(rows, tc.opts))
		})
	}
}

func TestInvestmentByUnit(t *testing.T) {
	rows := investmentRows(t)
	tests := []struct {
		name string
		opts projections.Options
		want []projections.UnitInvestmentRow
	}{
		{name: "on 2026-11-27: terminated projects still count", opts: on("2026-11-27"), want: []projections.UnitInvestmentRow{
			{Unit: "Energy Bureau", Year: 2026, Projects: 2, YearToDate: 31_000_000, AnnualPlan: 108_000_000, PlanBP: 2870},
			{Unit: "Transport Bureau", Year: 2026, Projects: 1, YearToDate: 3_000_000},
			{Unit: "Water Bureau", Year: 2026, Projects: 2, YearToDate: 2_000_000},
		}},
		{name: "on 2026-06-30: P-4 not registered yet", opts: on("2026-06-30"), want: []projections.UnitInvestmentRow{
			{Unit: "Energy Bureau", Year: 2026, Projects: 2, YearToDate: 26_000_000, AnnualPlan: 108_000_000, PlanBP: 2407},
			{Unit: "Transport Bureau", Year: 2026, Projects: 1, YearToDate: 3_000_000},
			{Unit: "Water Bureau", Year: 2026, Projects: 1},
		}},
		{name: "on 2025-12-31: only P-1, in 2025", opts: on("2025-12-31"), want: []projections.UnitInvestmentRow{
			{Unit: "Energy Bureau", Year: 2025, Projects: 1, YearToDate: 7_000_000},
		}},
		{name: "before any registration", opts: on("2025-11-30"), want: []projections.UnitInvestmentRow{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, projections.InvestmentByUnit(rows, tc.opts))
		})
	}
}

// ---- supervision ----

func TestSupervision(t *testing.T) {
	rows := []*projections.Row{
		fold(t, p2.register("Ring road", "Transport Bureau", "Zhao", "2026-01-05"),
			p2.raise("I-0", "Route unclear", "2026-09-01", "Inspection office")),
		fold(t, p1.register("Wind farm", "Energy Bureau", "Wang", "2026-01-05"),
			p1.raise("I-4", "Grid connection delayed", "2026-09-01", "Inspection office"),
			p1.raise("I-1", "Land dispute", "2026-09-01", "Inspection office"),
			p1.resolve("I-1", "Compensation agreed", "2026-10-15", "Energy Bureau"),
			p1.raise("I-2", "Permit missing", "2026-11-01", "Key-project office"),
			p1.raise("I-3", "Safety check", "2026-11-20", "Inspection office"),
			p1.resolve("I-3", "Passed", "2026-11-25", "Inspection office")),
	}
	type sr = projections.SupervisionRow
	i1 := sr{Project: "P-1", Name: "Wind farm", Unit: "Energy Bureau", IssueID: "I-1", Title: "Land dispute", RaisedOn: dt("2026-09-01"), RaisedBy: "Inspection office"}
	i1open := func(days int) sr { s := i1; s.Open, s.DaysOpen = true, days; return s }
	i1closed := i1
	i1closed.DaysOpen, i1closed.ClosedOn, i1closed.ClosedBy, i1closed.Resolution = 44, dt("2026-10-15"), "Energy Bureau", "Compensation agreed"
	i2 := sr{Project: "P-1", Name: "Wind farm", Unit: "Energy Bureau", IssueID: "I-2", Title: "Permit missing", RaisedOn: dt("2026-11-01"), RaisedBy: "Key-project office", Open: true, DaysOpen: 26}
	i3 := sr{Project: "P-1", Name: "Wind farm", Unit: "Energy Bureau", IssueID: "I-3", Title: "Safety check", RaisedOn: dt("2026-11-20"), RaisedBy: "Inspection office",
		DaysOpen: 5, ClosedOn: dt("2026-11-25"), ClosedBy: "Inspection office", Resolution: "Passed"}
	i4 := func(days int) sr {
		return sr{Project: "P-1", Name: "Wind farm", Unit: "Energy Bureau", IssueID: "I-4", Title: "Grid connection delayed", RaisedOn: dt("2026-09-01"), RaisedBy: "Inspection office", Open: true, DaysOpen: days}
	}
	i0 := func(days int) sr {
		return sr{Project: "P-2", Name: "Ring road", Unit: "Transport Bureau", IssueID: "I-0", Title: "Route unclear", RaisedOn: dt("2026-09-01"), RaisedBy: "Inspection office", Open: true, DaysOpen: days}
	}
	tests := []struct {
		name string
		opts projections.Options
		want []sr
	}{
		{name: "on 2026-11-27: open first, then by raise date, project, issue", opts: on("2026-11-27"), want: []sr{i4(87), i0(87), i2, i1closed, i3}},
		{name: "on the closing day the item is closed", opts: on("2026-10-15"), want: []sr{i4(44), i0(44), i1closed}},
		{name: "closed after AsOf shows open", opts: on("2026-10-01"), want: []sr{i1open(30), i4(30), i0(30)}},
		{name: "raised on AsOf: open for 0 days", opts: on("2026-09-01"), want: []sr{i1open(0), i4(0), i0(0)}},
		{name: "nothing raised by AsOf", opts: on("2026-08-31"), want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, projections.Supervision(rows, tc.opts))
		})
	}
}

// ---- bulletin ----

// bulletinRows: P-1 (Energy; Wang, Li from 2026-11-10) signed, reached
// eia on time and land late (explained) in November, has the permit open
// past its day and started overdue since October; P-2 (Transport) reached
// eia on time, took a second funds tranche in November long after its
// funds_received deadline was met, and has started due on the as-of day;
// P-3 (Water) reached land in October, due in November, and has planning
// overdue since October; P-4 (Energy) was terminated in November; P-5
// (Culture) was registered in November with nothing due.
func bulletinRows(t *testing.T) []*projections.Row {
	return []*projections.Row{
		fold(t, p1.register("Wind farm", "Energy Bureau", "Wang", "2026-01-05"),
			p1.plan(domain.MilestoneEIA, "2026-11-05"), p1.plan(domain.MilestoneLand, "2026-11-08"),
			p1.plan(domain.MilestoneConstructionPermit, "2026-11-20"), p1.plan(domain.MilestoneStarted, "2026-10-15"),
			p1.report("2026-10", 8_000_000, "", "2026-11-05"), p1.report("2026-11", 5_000_000, "", "2026-11-25"),
			p1.step(domain.Signed, "2026-11-02"), p1.approve(domain.ApprovalEIA, "2026-11-03"),
			p1.leader("Li", "2026-11-10"), p1.explain(domain.MilestoneLand, "2026-11-10"), p1.approve(domain.ApprovalLand, "2026-11-12")),
		fold(t, p2.register("Ring road", "Transport Bureau", "Zhao", "2026-01-05"),
			p2.plan(domain.MilestoneStarted, "2026-11-27"), p2.plan(domain.MilestoneEIA, "2026-11-15"), p2.plan(domain.MilestoneFundsReceived, "2026-04-30"),
			p2.funds(10_000_000, "2026-04-10"), p2.approve(domain.ApprovalEIA, "2026-11-14"), p2.funds(5_000_000, "2026-11-10"),
			p2.report("2026-11", 3_000_000, "", "2026-11-20"), p2.report("2026-11", 4_000_000, "a tranche was left out", "2026-11-26")),
		fold(t, p3.register("Water plant", "Water Bureau", "Sun", "2026-01-05"),
			p3.plan(domain.MilestoneLand, "2026-11-02"), p3.plan(domain.MilestonePlanning, "2026-10-20"),
			p3.approve(domain.ApprovalLand, "2026-10-30"), p3.report("2026-11", 0, "", "2026-11-20")),
		fold(t, p4.register("Hotel", "Energy Bureau", "Qian", "2026-01-05"),
			p4.plan(domain.MilestoneStarted, "2026-11-10"), p4.approve(domain.ApprovalEIA, "2026-11-03"),
			p4.report("2026-11", 2_000_000, "", "2026-11-12"), p4.terminate("2026-11-15")),
		fold(t, p5.register("Museum", "Culture Bureau", "Hu", "2026-11-20")),
	}
}

func TestMakeBulletin(t *testing.T) {
	rows := bulletinRows(t)
	asOf := dt("2026-11-27")
	overdue := []projections.OverdueRow{
		{Project: "P-1", Name: "Wind farm", Milestone: domain.MilestoneStarted, Due: dt("2026-10-15"), Baseline: dt("2026-10-15"),
			DaysLate: 43, Light: projections.LightRed, LeaderThen: "Wang", LeaderNow: "Li", Unit: "Energy Bureau"},
		{Project: "P-3", Name: "Water plant", Milestone: domain.MilestonePlanning, Due: dt("2026-10-20"), Baseline: dt("2026-10-20"),
			DaysLate: 38, Light: projections.LightRed, LeaderThen: "Sun", LeaderNow: "Sun", Unit: "Water Bureau"},
		{Project: "P-1", Name: "Wind farm", Milestone: domain.MilestoneConstructionPermit, Due: dt("2026-11-20"), Baseline: dt("2026-11-20"),
			DaysLate: 7, Light: projections.LightYellow, LeaderThen: "Li", LeaderNow: "Li", Unit: "Energy Bureau"},
	}
	november := []projections.ReachedRow{
		{Project: "P-1", Name: "Wind farm", Unit: "Energy Bureau", Milestone: domain.MilestoneSigned, Reached: dt("2026-11-02")},
		{Project: "P-1", Name: "Wind farm", Unit: "Energy Bureau", Milestone: domain.MilestoneEIA, Reached: dt("2026-11-03"), Due: dt("2026-11-05")},
		{Project: "P-1", Name: "Wind farm", Unit: "Energy Bureau", Milestone: domain.MilestoneLand, Reached: dt("2026-11-12"), Due: dt("2026-11-08"), DaysLate: 4},
		{Project: "P-2", Name: "Ring road", Unit: "Transport Bureau", Milestone: domain.MilestoneEIA, Reached: dt("2026-11-14"), Due: dt("2026-11-15")},
	}
	permitOpen := projections.MissedRow{Project: "P-1", Name: "Wind farm", Unit: "Energy Bureau", LeaderThen: "Li",
		Milestone: domain.MilestoneConstructionPermit, Due: dt("2026-11-20"), DaysLate: 7}
	landLate := projections.MissedRow{Project: "P-1", Name: "Wind farm", Unit: "Energy Bureau", LeaderThen: "Wang",
		Milestone: domain.MilestoneLand, Due: dt("2026-11-08"), ReachedOn: dt("2026-11-12"), DaysLate: 4, Explained: true}
	tests := []struct {
		name   string
		period projections.Period
		want   projections.Bulletin
	}{
		{name: "month", period: projections.Month, want: projections.Bulletin{
			Period: projections.Month, From: dt("2026-11-01"), AsOf: asOf,
			// P-2's second funds tranche does not reach funds_received again; P-4 left the tables.
			Reached: november,
			Missed:  []projections.MissedRow{permitOpen, landLate},
			Overdue: overdue,
			// P-4's November counts though it was terminated; P-1's October is another period.
			Investment: []projections.PeriodInvestmentRow{
				{Unit: "Energy Bureau", Amount: 7_000_000}, {Unit: "Transport Bureau", Amount: 4_000_000}, {Unit: "Water Bureau", Amount: 0},
			},
			InvestmentTotal: 11_000_000,
			Units: []projections.UnitRankRow{
				// Best first; a tie at 100 %: fewer overdue now ranks better.
				{Rank: 1, Unit: "Transport Bureau", Due: 1, OnTime: 1, RateBP: bp(10_000)},
				{Rank: 2, Unit: "Water Bureau", Due: 1, OnTime: 1, RateBP: bp(10_000), OverdueNow: 1},
				{Rank: 3, Unit: "Energy Bureau", Due: 3, OnTime: 1, Late: 1, Open: 1, RateBP: bp(3333), OverdueNow: 2},
				// Nothing due: no rate to rank by, last.
				{Rank: 4, Unit: "Culture Bureau"},
			},
		}},
		{name: "quarter", period: projections.Quarter, want: projections.Bulletin{
			Period: projections.Quarter, From: dt("2026-10-01"), AsOf: asOf,
			Reached: append([]projections.ReachedRow{
				{Project: "P-3", Name: "Water plant", Unit: "Water Bureau", Milestone: domain.MilestoneLand, Reached: dt("2026-10-30"), Due: dt("2026-11-02")},
			}, november...),
			Missed: []projections.MissedRow{
				{Project: "P-1", Name: "Wind farm", Unit: "Energy Bureau", LeaderThen: "Wang", Milestone: domain.MilestoneStarted, Due: dt("2026-10-15"), DaysLate: 43},
				{Project: "P-3", Name: "Water plant", Unit: "Water Bureau", LeaderThen: "Sun", Milestone: domain.MilestonePlanning, Due: dt("2026-10-20"), DaysLate: 38},
				permitOpen, landLate,
			},
			Overdue: overdue,
			Investment: []projections.PeriodInvestmentRow{
				{Unit: "Energy Bureau", Amount: 15_000_000}, {Unit: "Transport Bureau", Amount: 4_000_000}, {Unit: "Water Bureau", Amount: 0},
			},
			InvestmentTotal: 19_000_000,
			Units: []projections.UnitRankRow{
				{Rank: 1, Unit: "Transport Bureau", Due: 1, OnTime: 1, RateBP: bp(10_000)},
				{Rank: 2, Unit: "Water Bureau", Due: 2, OnTime: 1, Open: 1, RateBP: bp(5000), OverdueNow: 1},
				{Rank: 3, Unit: "Energy Bureau", Due: 4, OnTime: 1, Late: 1, Open: 2, RateBP: bp(2500), OverdueNow: 2},
				{Rank: 4, Unit: "Culture Bureau"},
			},
		}},
		{name: "week: nothing due, reached or invested since Monday", period: projections.Week, want: projections.Bulletin{
			Period: projections.Week, From: dt("2026-11-23"), AsOf: asOf,
			Overdue: overdue,
			Units: []projections.UnitRankRow{
				{Rank: 1, Unit: "Culture Bureau"},
				{Rank: 2, Unit: "Transport Bureau"},
				{Rank: 3, Unit: "Water Bureau", OverdueNow: 1},
				{Rank: 4, Unit: "Energy Bureau", OverdueNow: 2},
			},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, projections.MakeBulletin(rows, tc.period, on("2026-11-27")))
		})
	}
}

// ---- bands ----

func TestBandsValidate(t *testing.T) {
	tests := []struct {
		name  string
		bands projections.Bands
		ok    bool
	}{
		{"defaults", projections.DefaultBands, true},
		{"no due-soon warning, red from the first day late", projections.Bands{YellowDueWithin: 0, YellowLateFrom: 1, RedLateFrom: 1}, true},
		{"grace days before yellow", projections.Bands{YellowDueWithin: 7, YellowLateFrom: 3, RedLateFrom: 10}, true},
		{"zero value", projections.Bands{}, false},
		{"negative due-soon window", projections.Bands{YellowDueWithin: -1, YellowLateFrom: 1, RedLateFrom: 15}, false},
		{"yellow from 0 days late", projections.Bands{YellowDueWithin: 7, YellowLateFrom: 0, RedLateFrom: 15}, false},
		{"red before yellow", projections.Bands{YellowDueWithin: 7, YellowLateFrom: 10, RedLateFrom: 5}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.bands.Validate()
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "traffic-light bands")
		})
	}
	assert.Equal(t, projections.Bands{YellowDueWithin: 7, YellowLateFrom: 1, RedLateFrom: 15}, projections.DefaultBands)
}

// A deadline revised after its day had ended stays a miss: revising late
// does not clean a unit's record.
func TestAMissedDeadlineRevisedLateStillCounts(t *testing.T) {
	rows := []*projections.Row{
		// P-1: signed due 2026-06-30, revised on 2026-07-10 (too late) to
		// 2026-12-31, not reached yet: missed then revised, not due again.
		fold(t, p1.register("Wind farm", "Energy Bureau", "Wang", "2026-01-05", due(domain.MilestoneSigned, "2026-06-30")),
			p1.leader("Li", "2026-07-01"), p1.revise(domain.MilestoneSigned, "2026-12-31", "2026-07-10")),
		// P-2: started due 2026-05-31, revised in time (2026-05-20) to
		// 2026-08-31 and reached on 2026-08-20: on time.
		fold(t, p2.register("Ring road", "Transport Bureau", "Zhao", "2026-01-05", due(domain.MilestoneStarted, "2026-05-31")),
			p2.revise(domain.MilestoneStarted, "2026-08-31", "2026-05-20"), p2.startClean("2026-05-01", "2026-08-20")),
		// P-3: started due 2026-05-31, revised late (2026-06-15) to
		// 2026-08-31, reached on 2026-08-20: late, although the new
		// deadline was met.
		fold(t, p3.register("Paper mill", "Transport Bureau", "Zhao", "2026-01-05", due(domain.MilestoneStarted, "2026-05-31")),
			p3.revise(domain.MilestoneStarted, "2026-08-31", "2026-06-15"), p3.startClean("2026-05-01", "2026-08-20")),
	}
	assert.Equal(t, []projections.ScoreRow{
		{By: "unit", Name: "Energy Bureau", Projects: 1, MissedRevised: 1, Overdue: 1, OnTimeRateBP: bp(0)},
		{By: "unit", Name: "Transport Bureau", Projects: 2, OnTime: 1, Late: 1, Overdue: 1, OnTimeRateBP: bp(5000)},
		// Wang answered for P-1 on 2026-06-30, when signed was missed.
		{By: "leader", Name: "Wang", Projects: 0, MissedRevised: 1, Overdue: 1, OnTimeRateBP: bp(0)},
		{By: "leader", Name: "Zhao", Projects: 2, OnTime: 1, Late: 1, Overdue: 1, OnTimeRateBP: bp(5000)},
		{By: "leader", Name: "Li", Projects: 1},
	}, projections.Scoreboard(rows, on("2026-11-27")))

	b := projections.MakeBulletin(rows, projections.Year, on("2026-11-27"))
	var missed []string
	for _, m := range b.Missed {
		missed = append(missed, fmt.Sprintf("%s %s %s", m.Project, m.Milestone, m.Due))
	}
	assert.Equal(t, []string{"P-3 started 2026-05-31", "P-1 signed 2026-06-30"}, missed, "the bulletin names the misses a revision moved away, most days late first")
	assert.Empty(t, projections.Overdue(rows, on("2026-11-27")), "nothing is past its current deadline")
}

// A miss the watcher recorded for the current deadline is the same miss
// the overdue computation shows: it is counted once.
func TestARecordedMissIsNotCountedTwice(t *testing.T) {
	rows := []*projections.Row{
		fold(t, p1.register("Wind farm", "Energy Bureau", "Wang", "2026-01-05", due(domain.MilestoneStarted, "2026-11-20")),
			p1.missed(domain.MilestoneStarted, "2026-11-20")),
	}
	o := on("2026-11-27")
	assert.Equal(t, []projections.ScoreRow{
		{By: "unit", Name: "Energy Bureau", Projects: 1, OpenOverdue: 1, Overdue: 1, OnTimeRateBP: bp(0)},
		{By: "leader", Name: "Wang", Projects: 1, OpenOverdue: 1, Overdue: 1, OnTimeRateBP: bp(0)},
	}, projections.Scoreboard(rows, o))
	ov := projections.Overdue(rows, o)
	require.Len(t, ov, 1)
	assert.Zero(t, ov[0].EarlierMisses)
	b := projections.MakeBulletin(rows, projections.Month, o)
	require.Len(t, b.Missed, 1)
	assert.Equal(t, 1, b.Units[0].Due)
}

// A deadline's day ends at midnight after it: a deadline on the last day of
// October is missed in November's bulletin, not October's.
func TestADeadlineOnAPeriodsLastDayIsMissedInTheNextPeriod(t *testing.T) {
	rows := []*projections.Row{fold(t, p1.register("Wind farm", "Energy Bureau", "Wang", "2026-01-05", due(domain.MilestoneStarted, "2026-10-31")))}
	oct := projections.MakeBulletin(rows, projections.Month, on("2026-10-31"))
	assert.Empty(t, oct.Missed)
	nov := projections.MakeBulletin(rows, projections.Month, on("2026-11-30"))
	require.Len(t, nov.Missed, 1)
	assert.Equal(t, dt("2026-10-31"), nov.Missed[0].Due)
	assert.Equal(t, 1, nov.Units[0].Due)
}

package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/plan"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/examples"
	"github.com/keyprojects/ledger/projections"
)

// The demo's projects: one with a year of history, one only registered.
const (
	demoProject   domain.ProjectID = "DEMO-1"
	demoUnstarted domain.ProjectID = "DEMO-2"
)

// The demo county stands on demoDay: its year runs from the plan's import
// on demoImportDay, and each step is recorded on its own day at 18:00 in
// the project's zone, as the key-project office would have entered it.
var (
	demoImportDay = domain.NewDate(2026, 1, 5)
	demoDay       = domain.NewDate(2026, 11, 30)
)

func (a *app) demoCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Play a sample county's 2026 on the ledger (plan, steps, revisions, misses, a refusal); print one history",
		Long: `demo plays a fictional county's year 2026 on the ledger, up to ` + demoDay.String() + `, the
same on whatever day it runs. It imports the county's plan on ` + demoImportDay.String() + `
(examples/county-plan-2026.csv, 50 projects) and records six sample key
projects. DEMO-1 has a year of history: registration with its
back-scheduled plan, negotiation, signing, approvals, a revised deadline,
funds, a construction start before its land approval (flagged for the
auditor), a change of leader, investment reports and a supervision issue
raised and closed. Five more give the reports something to show: deadlines
met, missed, explained and revised late, a suspended and a terminated
project.

Each step is recorded on the day it happened, at 18:00, and a deadline
watcher runs through the year beside them, recording each deadline_missed as
its day ends: the ledger's recorded-time axis (--as-of-recorded) then reads
as it would have in that county. The demo then shows a refused command and
prints DEMO-1's history. Running it again stores nothing new: every command
is idempotent.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			loc, err := domain.LoadZone("")
			if err != nil {
				return err
			}
			at := func(d domain.Date) time.Time { return d.Time(loc).Add(18 * time.Hour) }
			if now := a.clock.Now(); now.Before(at(demoDay)) {
				return fmt.Errorf("demo: the demo county's year runs to %s 18:00 in %s, and this machine's clock says %s: set the clock right and run it again",
					demoDay, loc, now.In(loc).Format("2006-01-02 15:04"))
			}
			// The year is played on a clock of its own; what the demo
			// prints uses the app as given.
			sim := domain.NewManualClock(at(demoImportDay))
			player := *a
			player.clock = sim
			return player.withSession(ctx, func(sess *session) error {
				return a.playDemo(ctx, &player, sess, sim, at)
			})
		},
	}
}

// playDemo records the demo county's year day by day on sim, with a
// deadline watcher catching each miss as its day ends, then shows a
// refusal and DEMO-1's history.
func (a *app) playDemo(ctx context.Context, player *app, sess *session, sim *domain.ManualClock, at func(domain.Date) time.Time) error {
	s := sess.store
	if a.asJSON {
		player.stdout = io.Discard
	}
	missed := 0
	w := projections.NewWatcher(s,
		projections.WithWatchReport(func(err error) { fmt.Fprintln(a.stderr, "ledger: demo: deadline watcher: "+oneLine(err.Error())) }),
		projections.OnMiss(func(eventstore.Record) { missed++ }))
	// watchUntil records the misses of every day that ends before t, each
	// at the instant its day ends, as a running watcher would have.
	watchUntil := func(t time.Time) error {
		for {
			if err := w.CatchUp(ctx); err != nil {
				return err
			}
			_, next, err := w.Check(ctx)
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			if next.IsZero() || next.After(t) {
				sim.Set(t)
				return nil
			}
			sim.Set(next)
		}
	}

	// The county's plan, imported at the start of the year: 50 projects.
	sheet, err := plan.ReadCSV("examples/county-plan-2026.csv", examples.CountyPlanCSV, plan.EncodingAuto)
	if err != nil {
		return err
	}
	if err := player.importSheet(ctx, sess, sheet, examples.CountyPlanCSV, importRun{workers: 8}); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	days, err := demoDays()
	if err != nil {
		return err
	}
	for _, day := range days {
		if err := watchUntil(at(day.on)); err != nil {
			return err
		}
		for _, c := range day.commands {
			res, err := s.Execute(ctx, c)
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			if err := player.printStored(res); err != nil {
				return err
			}
		}
	}
	if err := watchUntil(at(demoDay)); err != nil {
		return err
	}
	if !a.asJSON {
		fmt.Fprintf(a.stdout, "the deadline watcher recorded %d missed deadlines, each as its day ended\n", missed)
	}

	// DEMO-2 is registered but has not started, so recording its
	// commissioning is refused and stores nothing.
	refused := domain.RecordStep{Meta: demoMeta(), Project: demoUnstarted, Step: domain.Commissioned, On: demoDay}
	res, err := s.Execute(ctx, refused)
	var re *domain.RuleError
	switch {
	case errors.As(err, &re):
		if !a.asJSON {
			fmt.Fprintf(a.stdout, "refused, as it should be: %v\n", err)
		}
	case err != nil:
		return fmt.Errorf("demo: %w", err)
	default:
		fmt.Fprintf(a.stderr, "ledger: demo: %s was accepted because %s has changed since the demo created it\n", refused.Action(), demoUnstarted)
		_ = player.printStored(res)
	}
	if !a.asJSON {
		fmt.Fprintf(a.stdout, "\nhistory of %s:\n", demoProject)
	}
	recs, _, err := s.Load(ctx, demoProject)
	if err != nil {
		return err
	}
	if err := a.printHistory(recs); err != nil {
		return err
	}
	// The projections, brought current, are the ledger's own record of how
	// far the stream went: a store later cut short is refused by it.
	if _, err := projections.NewRunner(s).CatchUp(ctx); err != nil {
		return fmt.Errorf("demo: projections: %w", err)
	}
	if !a.asJSON {
		fmt.Fprintf(a.stdout, "\nnext, the reports on these 56 projects as they stood on %[1]s:\n"+
			"  ledger status --as-of %[1]s\n"+
			"  ledger overdue --as-of %[1]s --lang zh\n"+
			"  ledger bulletin --period month --as-of %[1]s\n"+
			"or in a browser, in Chinese: run  ledger serve  and open\n"+
			"  http://127.0.0.1:8480/?as_of=%[1]s\n", demoDay)
	}
	return nil
}

// demoDayOf is one day of the demo county's year and the commands
// recorded on it, in the order given.
type demoDayOf struct {
	on       domain.Date
	commands []domain.Command
}

// demoLate are the demo's steps the office entered days after they
// happened, by the day they were entered: the auditor's late-entries view
// shows them.
var demoLate = map[string]domain.Date{
	"DEMO-1 record approved land 2026-09-12": domain.NewDate(2026, 9, 28),
}

// demoDays returns demoCommands grouped by the day each is recorded (the
// day it is dated, or its day in demoLate), in order of the days.
func demoDays() ([]demoDayOf, error) {
	byDay := map[domain.Date][]domain.Command{}
	late := 0
	for _, c := range demoCommands() {
		on, ok := domain.CommandDate(c)
		if !ok {
			return nil, fmt.Errorf("demo: %s for %s has no day", c.Action(), c.Target())
		}
		if later, ok := demoLate[fmt.Sprintf("%s %s %s", c.Target(), c.Action(), on)]; ok {
			on = later
			late++
		}
		byDay[on] = append(byDay[on], c)
	}
	if late != len(demoLate) {
		return nil, fmt.Errorf("demo: %d of the %d late entries name no demo command", len(demoLate)-late, len(demoLate))
	}
	days := make([]demoDayOf, 0, len(byDay))
	for on, cs := range byDay {
		days = append(days, demoDayOf{on, cs})
	}
	slices.SortFunc(days, func(x, y demoDayOf) int { return cmp.Compare(x.on, y.on) })
	return days, nil
}

func demoMeta() domain.Meta { return domain.Meta{Actor: "重点办 demo"} }

func demoCommands() []domain.Command {
	m, p, d := demoMeta(), demoProject, domain.NewDate
	step := func(id domain.ProjectID, st domain.EventType, on domain.Date) domain.RecordStep {
		return domain.RecordStep{Meta: m, Project: id, Step: st, On: on}
	}
	plan := func(ms domain.Milestone, due domain.Date) domain.PlannedDeadline {
		return domain.PlannedDeadline{Milestone: ms, Due: due}
	}
	const (
		agri     domain.ProjectID = "DEMO-3"
		water    domain.ProjectID = "DEMO-4"
		logistic domain.ProjectID = "DEMO-5"
		herbs    domain.ProjectID = "DEMO-6"
	)
	return []domain.Command{
		// DEMO-1: a year of history, with a late start before its land approval.
		domain.RegisterProject{Meta: m, Project: p, Name: "光伏组件生产线", TotalInvestment: 350_000_000,
			Unit: "县工信局", Leader: "李明", Township: "城关镇", Kind: domain.KindNew, On: d(2026, 2, 10),
			Plan: []domain.PlannedDeadline{
				plan(domain.MilestoneSigned, d(2026, 3, 31)), plan(domain.MilestoneEIA, d(2026, 5, 31)),
				plan(domain.MilestoneLand, d(2026, 6, 30)), plan(domain.MilestoneStarted, d(2026, 7, 31)),
				plan(domain.MilestoneCommissioned, d(2027, 6, 30)),
			}},
		step(p, domain.Negotiating, d(2026, 2, 15)),
		domain.RecordStep{Meta: m, Project: p, Step: domain.Signed, On: d(2026, 3, 20), Note: "与投资方签订投资协议"},
		domain.RecordStep{Meta: m, Project: p, Step: domain.Approved, Approval: domain.ApprovalEIA, On: d(2026, 5, 18), Reference: "环审〔2026〕12号"},
		domain.ReviseDeadline{Meta: m, Project: p, Milestone: domain.MilestoneLand, Due: d(2026, 9, 30), On: d(2026, 6, 25),
			Reason: "自然资源局推迟土地挂牌"},
		domain.RecordStep{Meta: m, Project: p, Step: domain.FundsReceived, Amount: 50_000_000, On: d(2026, 7, 10)},
		step(p, domain.Started, d(2026, 8, 8)),
		domain.RecordStep{Meta: m, Project: p, Step: domain.Approved, Approval: domain.ApprovalLand, On: d(2026, 9, 12)},
		domain.AssignLeader{Meta: m, Project: p, Leader: "王芳", Reason: "李明 transferred", On: d(2026, 10, 8)},
		domain.PlanInvestment{Meta: m, Project: p, Year: 2026, Amount: 120_000_000, On: d(2026, 2, 10)},
		domain.ReportInvestment{Meta: m, Project: p, Month: "2026-10", Amount: 18_000_000, On: d(2026, 11, 5)},
		domain.RaiseIssue{Meta: m, Project: p, IssueID: "I-1", Title: "电网接入尚未排期", On: d(2026, 10, 20)},
		domain.ResolveIssue{Meta: m, Project: p, IssueID: "I-1", Resolution: "grid company scheduled the connection for December", On: d(2026, 11, 18)},
		domain.ReportInvestment{Meta: m, Project: p, Month: "2026-11", Amount: 12_000_000, On: d(2026, 11, 25)},

		// DEMO-2: registered, signed on time, start still ahead.
		domain.RegisterProject{Meta: m, Project: demoUnstarted, Name: "冷链物流园", TotalInvestment: 120_000_000,
			Unit: "县商务局", Leader: "赵强", Township: "东关镇", Kind: domain.KindNew, On: d(2026, 9, 1),
			Plan: []domain.PlannedDeadline{plan(domain.MilestoneSigned, d(2026, 11, 30)), plan(domain.MilestoneStarted, d(2026, 12, 31))}},
		step(demoUnstarted, domain.Signed, d(2026, 11, 12)),

		// DEMO-3: land and start overdue, one delay explained, EIA missed in November.
		domain.RegisterProject{Meta: m, Project: agri, Name: "农产品加工园", TotalInvestment: 210_000_000,
			Unit: "县农业农村局", Leader: "陈静", Township: "西河乡", Kind: domain.KindNew, On: d(2026, 3, 1),
			Plan: []domain.PlannedDeadline{
				plan(domain.MilestoneSigned, d(2026, 4, 30)), plan(domain.MilestoneLand, d(2026, 8, 31)),
				plan(domain.MilestoneStarted, d(2026, 10, 31)), plan(domain.MilestoneEIA, d(2026, 11, 15)),
			}},
		step(agri, domain.Signed, d(2026, 4, 25)),
		domain.RaiseIssue{Meta: m, Project: agri, IssueID: "I-1", Title: "与两个村的土地补偿纠纷", On: d(2026, 9, 5)},
		domain.ExplainDelay{Meta: m, Project: agri, Milestone: domain.MilestoneLand, Reason: "compensation dispute; township mediating", On: d(2026, 9, 10)},

		// DEMO-4: a continuing project whose completion deadline was revised only after it had passed.
		domain.RegisterProject{Meta: m, Project: water, Name: "城区供水管网改造", TotalInvestment: 95_000_000,
			Unit: "县住建局", Leader: "刘洋", Township: "城关镇", Kind: domain.KindContinuing, On: d(2026, 1, 15),
			Plan: []domain.PlannedDeadline{plan(domain.MilestoneCompleted, d(2026, 10, 31))}},
		step(water, domain.Started, d(2026, 1, 15)),
		domain.PlanInvestment{Meta: m, Project: water, Year: 2026, Amount: 80_000_000, On: d(2026, 1, 15)},
		domain.ReportInvestment{Meta: m, Project: water, Month: "2026-09", Amount: 6_000_000, On: d(2026, 10, 5)},
		domain.ReportInvestment{Meta: m, Project: water, Month: "2026-09", Amount: 6_500_000, Reason: "统计局更正9月数据", On: d(2026, 10, 20)},
		domain.ReportInvestment{Meta: m, Project: water, Month: "2026-10", Amount: 9_000_000, On: d(2026, 11, 5)},
		domain.ReviseDeadline{Meta: m, Project: water, Milestone: domain.MilestoneCompleted, Due: d(2026, 12, 20), On: d(2026, 11, 5),
			Reason: "管材到货延迟"},

		// DEMO-5: suspended, so its passed deadline is not chased.
		domain.RegisterProject{Meta: m, Project: logistic, Name: "物流园区二期", TotalInvestment: 160_000_000,
			Unit: "县商务局", Leader: "赵强", Township: "东关镇", Kind: domain.KindContinuing, On: d(2026, 1, 20),
			Plan: []domain.PlannedDeadline{plan(domain.MilestoneCommissioned, d(2026, 11, 15))}},
		step(logistic, domain.Started, d(2026, 2, 1)),
		domain.RecordStep{Meta: m, Project: logistic, Step: domain.Suspended, Reason: "洪水冲毁进场道路", ExpectedRestart: d(2027, 1, 10), On: d(2026, 10, 15)},

		// DEMO-6: terminated; it leaves the status tables.
		domain.RegisterProject{Meta: m, Project: herbs, Name: "中药材种植基地", TotalInvestment: 40_000_000,
			Unit: "县农业农村局", Leader: "陈静", Township: "西河乡", Kind: domain.KindNew, On: d(2026, 2, 1),
			Plan: []domain.PlannedDeadline{plan(domain.MilestoneSigned, d(2026, 5, 31))}},
		domain.RecordStep{Meta: m, Project: herbs, Step: domain.Terminated, Reason: "投资方撤资", On: d(2026, 6, 30)},
	}
}

package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/plan"
	"github.com/keyprojects/ledger/examples"
)

// The demo's projects: one with a year of history, one only registered.
const (
	demoProject   domain.ProjectID = "DEMO-1"
	demoUnstarted domain.ProjectID = "DEMO-2"
)

func (a *app) demoCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Record sample projects' year and import a county plan (plans, steps, revisions, misses, a refusal); print one history",
		Long: `demo records six sample key projects on the ledger. DEMO-1 has a year of
history: registration with its back-scheduled plan, negotiation, signing,
approvals, a revised deadline, funds, a construction start before its land
approval (flagged for the auditor), a change of leader, investment reports and
a supervision issue raised and closed. Five more give the reports something
to show: deadlines met, missed, explained and revised late, a suspended and a
terminated project. Then it imports the county's plan for 2026
(examples/county-plan-2026.csv, 50 projects). The demo then shows a refused
command and prints DEMO-1's history. Running it again stores nothing new: every command is
idempotent.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return a.withSession(ctx, func(sess *session) error {
				s := sess.store
				for _, c := range demoCommands() {
					res, err := s.Execute(ctx, c)
					if err != nil {
						return fmt.Errorf("demo: %w", err)
					}
					if !a.asJSON {
						if err := a.printStored(res); err != nil {
							return err
						}
					}
				}
				// The county's plan for the year: 50 more projects.
				sheet, err := plan.ReadCSV("examples/county-plan-2026.csv", examples.CountyPlanCSV, plan.EncodingAuto)
				if err != nil {
					return err
				}
				out := a.stdout
				if a.asJSON {
					a.stdout = io.Discard
				}
				err = a.importSheet(ctx, sess, sheet, examples.CountyPlanCSV, importRun{workers: 8})
				a.stdout = out
				if err != nil {
					return fmt.Errorf("demo: %w", err)
				}
				// DEMO-2 is registered but has not started, so recording its
				// commissioning is refused and stores nothing.
				refused := domain.RecordStep{Meta: demoMeta(), Project: demoUnstarted, Step: domain.Commissioned, On: domain.NewDate(2026, 11, 1)}
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
					_ = a.printStored(res)
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
				if !a.asJSON {
					fmt.Fprintln(a.stdout, "\nnext, the reports on these 56 projects:\n"+
						"  ledger status --as-of 2026-11-30\n"+
						"  ledger overdue --as-of 2026-11-30 --lang zh\n"+
						"  ledger bulletin --period month --as-of 2026-11-30")
				}
				return nil
			})
		},
	}
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
		domain.RegisterProject{Meta: m, Project: p, Name: "光伏组件生产线 (solar module line)", TotalInvestment: 350_000_000,
			Unit: "县工信局 (county industry bureau)", Leader: "李明", Township: "城关镇", Kind: domain.KindNew, On: d(2026, 2, 10),
			Plan: []domain.PlannedDeadline{
				plan(domain.MilestoneSigned, d(2026, 3, 31)), plan(domain.MilestoneEIA, d(2026, 5, 31)),
				plan(domain.MilestoneLand, d(2026, 6, 30)), plan(domain.MilestoneStarted, d(2026, 7, 31)),
				plan(domain.MilestoneCommissioned, d(2027, 6, 30)),
			}},
		step(p, domain.Negotiating, d(2026, 2, 15)),
		domain.RecordStep{Meta: m, Project: p, Step: domain.Signed, On: d(2026, 3, 20), Note: "agreement with the investor"},
		domain.RecordStep{Meta: m, Project: p, Step: domain.Approved, Approval: domain.ApprovalEIA, On: d(2026, 5, 18), Reference: "环审〔2026〕12号"},
		domain.ReviseDeadline{Meta: m, Project: p, Milestone: domain.MilestoneLand, Due: d(2026, 9, 30), On: d(2026, 6, 25),
			Reason: "land listing postponed by the natural resources bureau"},
		domain.RecordStep{Meta: m, Project: p, Step: domain.FundsReceived, Amount: 50_000_000, On: d(2026, 7, 10)},
		step(p, domain.Started, d(2026, 8, 8)),
		domain.RecordStep{Meta: m, Project: p, Step: domain.Approved, Approval: domain.ApprovalLand, On: d(2026, 9, 12)},
		domain.AssignLeader{Meta: m, Project: p, Leader: "王芳", Reason: "李明 transferred", On: d(2026, 10, 8)},
		domain.PlanInvestment{Meta: m, Project: p, Year: 2026, Amount: 120_000_000, On: d(2026, 2, 10)},
		domain.ReportInvestment{Meta: m, Project: p, Month: "2026-10", Amount: 18_000_000, On: d(2026, 11, 5)},
		domain.RaiseIssue{Meta: m, Project: p, IssueID: "I-1", Title: "power grid connection not scheduled", On: d(2026, 10, 20)},
		domain.ResolveIssue{Meta: m, Project: p, IssueID: "I-1", Resolution: "grid company scheduled the connection for December", On: d(2026, 11, 18)},
		domain.ReportInvestment{Meta: m, Project: p, Month: "2026-11", Amount: 12_000_000, On: d(2026, 11, 25)},

		// DEMO-2: registered, signed on time, start still ahead.
		domain.RegisterProject{Meta: m, Project: demoUnstarted, Name: "冷链物流园 (cold-chain logistics park)", TotalInvestment: 120_000_000,
			Unit: "县商务局 (county commerce bureau)", Leader: "赵强", Township: "东关镇", Kind: domain.KindNew, On: d(2026, 9, 1),
			Plan: []domain.PlannedDeadline{plan(domain.MilestoneSigned, d(2026, 11, 30)), plan(domain.MilestoneStarted, d(2026, 12, 31))}},
		step(demoUnstarted, domain.Signed, d(2026, 11, 12)),

		// DEMO-3: land and start overdue, one delay explained, EIA missed in November.
		domain.RegisterProject{Meta: m, Project: agri, Name: "农产品加工园 (agri-processing park)", TotalInvestment: 210_000_000,
			Unit: "县农业农村局 (county agriculture bureau)", Leader: "陈静", Township: "西河乡", Kind: domain.KindNew, On: d(2026, 3, 1),
			Plan: []domain.PlannedDeadline{
				plan(domain.MilestoneSigned, d(2026, 4, 30)), plan(domain.MilestoneLand, d(2026, 8, 31)),
				plan(domain.MilestoneStarted, d(2026, 10, 31)), plan(domain.MilestoneEIA, d(2026, 11, 15)),
			}},
		step(agri, domain.Signed, d(2026, 4, 25)),
		domain.RaiseIssue{Meta: m, Project: agri, IssueID: "I-1", Title: "land compensation dispute with two villages", On: d(2026, 9, 5)},
		domain.ExplainDelay{Meta: m, Project: agri, Milestone: domain.MilestoneLand, Reason: "compensation dispute; township mediating", On: d(2026, 9, 10)},

		// DEMO-4: a continuing project whose completion deadline was revised only after it had passed.
		domain.RegisterProject{Meta: m, Project: water, Name: "城区供水管网改造 (urban water network upgrade)", TotalInvestment: 95_000_000,
			Unit: "县住建局 (county housing bureau)", Leader: "刘洋", Township: "城关镇", Kind: domain.KindContinuing, On: d(2026, 1, 15),
			Plan: []domain.PlannedDeadline{plan(domain.MilestoneCompleted, d(2026, 10, 31))}},
		step(water, domain.Started, d(2026, 1, 15)),
		domain.PlanInvestment{Meta: m, Project: water, Year: 2026, Amount: 80_000_000, On: d(2026, 1, 15)},
		domain.ReportInvestment{Meta: m, Project: water, Month: "2026-09", Amount: 6_000_000, On: d(2026, 10, 5)},
		domain.ReportInvestment{Meta: m, Project: water, Month: "2026-09", Amount: 6_500_000, Reason: "September figure corrected by the statistics bureau", On: d(2026, 10, 20)},
		domain.ReportInvestment{Meta: m, Project: water, Month: "2026-10", Amount: 9_000_000, On: d(2026, 11, 5)},
		domain.ReviseDeadline{Meta: m, Project: water, Milestone: domain.MilestoneCompleted, Due: d(2026, 12, 20), On: d(2026, 11, 5),
			Reason: "pipe delivery late"},

		// DEMO-5: suspended, so its passed deadline is not chased.
		domain.RegisterProject{Meta: m, Project: logistic, Name: "物流园区二期 (logistics park phase II)", TotalInvestment: 160_000_000,
			Unit: "县商务局 (county commerce bureau)", Leader: "赵强", Township: "东关镇", Kind: domain.KindContinuing, On: d(2026, 1, 20),
			Plan: []domain.PlannedDeadline{plan(domain.MilestoneCommissioned, d(2026, 11, 15))}},
		step(logistic, domain.Started, d(2026, 2, 1)),
		domain.RecordStep{Meta: m, Project: logistic, Step: domain.Suspended, Reason: "flood damaged the access road", ExpectedRestart: d(2027, 1, 10), On: d(2026, 10, 15)},

		// DEMO-6: terminated; it leaves the status tables.
		domain.RegisterProject{Meta: m, Project: herbs, Name: "中药材种植基地 (herb planting base)", TotalInvestment: 40_000_000,
			Unit: "县农业农村局 (county agriculture bureau)", Leader: "陈静", Township: "西河乡", Kind: domain.KindNew, On: d(2026, 2, 1),
			Plan: []domain.PlannedDeadline{plan(domain.MilestoneSigned, d(2026, 5, 31))}},
		domain.RecordStep{Meta: m, Project: herbs, Step: domain.Terminated, Reason: "investor withdrew", On: d(2026, 6, 30)},
	}
}

package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// The demo's projects: one with a year of history, one only registered.
const (
	demoProject   domain.ProjectID = "DEMO-1"
	demoUnstarted domain.ProjectID = "DEMO-2"
)

func (a *app) demoCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Record a sample project's year (register, plan, steps, a revision, a refusal) and print its history",
		Long: `demo records a sample key project, DEMO-1, on the ledger: registration with
its back-scheduled plan, negotiation, signing, approvals, a revised deadline,
funds, a construction start before its land approval (flagged for the
auditor), a change of leader, an investment report and a supervision issue.
It then shows a refused command and prints the project's history. Running it
again stores nothing new: every command is idempotent.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return a.withStore(ctx, func(s *eventstore.Store) error {
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
				return a.printHistory(recs)
			})
		},
	}
}

func demoMeta() domain.Meta { return domain.Meta{Actor: "重点办 demo"} }

func demoCommands() []domain.Command {
	m, p, d := demoMeta(), demoProject, domain.NewDate
	return []domain.Command{
		domain.RegisterProject{Meta: m, Project: p, Name: "光伏组件生产线 (solar module line)", TotalInvestment: 350_000_000,
			Unit: "县工信局 (county industry bureau)", Leader: "李明", Township: "城关镇", Kind: domain.KindNew, On: d(2026, 2, 10),
			Plan: []domain.PlannedDeadline{
				{Milestone: domain.MilestoneSigned, Due: d(2026, 3, 31)},
				{Milestone: domain.MilestoneEIA, Due: d(2026, 5, 31)},
				{Milestone: domain.MilestoneLand, Due: d(2026, 6, 30)},
				{Milestone: domain.MilestoneStarted, Due: d(2026, 7, 31)},
				{Milestone: domain.MilestoneCommissioned, Due: d(2027, 6, 30)},
			}},
		domain.RecordStep{Meta: m, Project: p, Step: domain.Negotiating, On: d(2026, 2, 15)},
		domain.RecordStep{Meta: m, Project: p, Step: domain.Signed, On: d(2026, 3, 20), Note: "agreement with the investor"},
		domain.RecordStep{Meta: m, Project: p, Step: domain.Approved, Approval: domain.ApprovalEIA, On: d(2026, 5, 18), Reference: "环审〔2026〕12号"},
		domain.ReviseDeadline{Meta: m, Project: p, Milestone: domain.MilestoneLand, Due: d(2026, 9, 30), On: d(2026, 6, 25),
			Reason: "land listing postponed by the natural resources bureau"},
		domain.RecordStep{Meta: m, Project: p, Step: domain.FundsReceived, Amount: 50_000_000, On: d(2026, 7, 10)},
		domain.RecordStep{Meta: m, Project: p, Step: domain.Started, On: d(2026, 8, 8)},
		domain.RecordStep{Meta: m, Project: p, Step: domain.Approved, Approval: domain.ApprovalLand, On: d(2026, 9, 12)},
		domain.AssignLeader{Meta: m, Project: p, Leader: "王芳", Reason: "李明 transferred", On: d(2026, 10, 8)},
		domain.ReportInvestment{Meta: m, Project: p, Month: "2026-10", Amount: 18_000_000, On: d(2026, 11, 5)},
		domain.RaiseIssue{Meta: m, Project: p, IssueID: "I-1", Title: "power grid connection not scheduled", On: d(2026, 10, 20)},
		domain.RegisterProject{Meta: m, Project: demoUnstarted, Name: "冷链物流园 (cold-chain logistics park)", TotalInvestment: 120_000_000,
			Unit: "县商务局 (county commerce bureau)", Leader: "赵强", Township: "东关镇", Kind: domain.KindNew, On: d(2026, 9, 1),
			Plan: []domain.PlannedDeadline{{Milestone: domain.MilestoneStarted, Due: d(2026, 12, 31)}}},
	}
}

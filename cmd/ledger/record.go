package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// The commands that change a project: each parses its arguments into one
// domain command and hands it to execute.

func (a *app) projectCommand() *cobra.Command {
	c := &cobra.Command{Use: "project", Short: "Register and inspect projects"}
	c.AddCommand(a.registerCommand(), a.showCommand())
	return c
}

func (a *app) registerCommand() *cobra.Command {
	var (
		m                                                  metaFlags
		name, investment, unit, leader, township, kind, tz string
		on                                                 string
		plan                                               []string
	)
	c := &cobra.Command{
		Use:   "register PROJECT",
		Short: "Register a key project (national project code or local id)",
		Example: `  ledger project register 2010-220621-47-01-000034 --name "光伏组件项目" --investment 3.5亿 \
      --unit 县工信局 --leader 李明 --township 城关镇 --kind new --plan started=2027-03-31`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := domain.ParseProjectID(args[0])
			if err != nil {
				return err
			}
			yuan, err := domain.ParseYuan(investment)
			if err != nil {
				return fmt.Errorf("--investment: %w", err)
			}
			date, err := a.date("--on", on)
			if err != nil {
				return err
			}
			deadlines, err := parsePlan(plan)
			if err != nil {
				return err
			}
			meta, err := a.meta(m.commandID, m.correlationID)
			if err != nil {
				return err
			}
			return a.execute(cmd.Context(), domain.RegisterProject{
				Meta: meta, Project: id, Name: name, TotalInvestment: yuan, Unit: unit, Leader: leader,
				Township: township, Kind: domain.ProjectKind(kind), TimeZone: tz, On: date, Plan: deadlines,
			})
		},
	}
	f := c.Flags()
	f.StringVar(&name, "name", "", "project name (required)")
	f.StringVar(&investment, "investment", "", "total investment: yuan, or with a unit: 35000万, 3.5亿 (required)")
	f.StringVar(&unit, "unit", "", "responsible unit, 责任单位 (required)")
	f.StringVar(&leader, "leader", "", "responsible leader, 包保领导 (required)")
	f.StringVar(&township, "township", "", "township or location")
	f.StringVar(&kind, "kind", "new", "new (新建) or continuing (续建)")
	f.StringVar(&tz, "tz", domain.DefaultTimeZone, "the project's time zone")
	f.StringVar(&on, "on", "", "registration date YYYY-MM-DD (default today)")
	f.StringArrayVar(&plan, "plan", nil, "baseline deadline MILESTONE=YYYY-MM-DD, stored with the registration (repeatable)")
	m.add(f)
	return c
}

func parsePlan(items []string) ([]domain.PlannedDeadline, error) {
	var out []domain.PlannedDeadline
	for _, it := range items {
		ms, due, ok := strings.Cut(it, "=")
		if !ok {
			return nil, usageError{fmt.Errorf("--plan %q: expected MILESTONE=YYYY-MM-DD, e.g. started=2027-03-31", it)}
		}
		m, err := domain.ParseMilestone(ms)
		if err != nil {
			return nil, fmt.Errorf("--plan %q: %w", it, err)
		}
		d, err := domain.ParseDate(due)
		if err != nil {
			return nil, fmt.Errorf("--plan %q: %w", it, err)
		}
		out = append(out, domain.PlannedDeadline{Milestone: m, Due: d})
	}
	return out, nil
}

func (a *app) planCommand() *cobra.Command {
	var m metaFlags
	var on string
	c := &cobra.Command{
		Use:     "plan PROJECT MILESTONE DUE",
		Short:   "Set a milestone's baseline deadline (倒排工期)",
		Example: "  ledger plan P-7 started 2027-03-31",
		Args:    cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, ms, due, err := projectMilestoneDate(args)
			if err != nil {
				return err
			}
			date, err := a.date("--on", on)
			if err != nil {
				return err
			}
			meta, err := a.meta(m.commandID, m.correlationID)
			if err != nil {
				return err
			}
			return a.execute(cmd.Context(), domain.PlanMilestone{Meta: meta, Project: id, Milestone: ms, Due: due, On: date})
		},
	}
	c.Flags().StringVar(&on, "on", "", "date the plan was made, YYYY-MM-DD (default today)")
	m.add(c.Flags())
	return c
}

func (a *app) reviseCommand() *cobra.Command {
	var m metaFlags
	var on, reason string
	c := &cobra.Command{
		Use:     "revise-deadline PROJECT MILESTONE NEW_DUE --reason TEXT",
		Short:   "Move a planned deadline; the baseline is kept and a reason is required",
		Example: `  ledger revise-deadline P-7 started 2027-05-31 --reason "land delivery slipped"`,
		Args:    cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, ms, due, err := projectMilestoneDate(args)
			if err != nil {
				return err
			}
			date, err := a.date("--on", on)
			if err != nil {
				return err
			}
			meta, err := a.meta(m.commandID, m.correlationID)
			if err != nil {
				return err
			}
			return a.execute(cmd.Context(), domain.ReviseDeadline{Meta: meta, Project: id, Milestone: ms, Due: due, Reason: reason, On: date})
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "why the deadline moves (required)")
	c.Flags().StringVar(&on, "on", "", "date of the revision, YYYY-MM-DD (default today)")
	m.add(c.Flags())
	return c
}

func projectMilestoneDate(args []string) (domain.ProjectID, domain.Milestone, domain.Date, error) {
	id, err := domain.ParseProjectID(args[0])
	if err != nil {
		return "", "", 0, err
	}
	ms, err := domain.ParseMilestone(args[1])
	if err != nil {
		return "", "", 0, err
	}
	due, err := domain.ParseDate(args[2])
	if err != nil {
		return "", "", 0, fmt.Errorf("deadline: %w", err)
	}
	return id, ms, due, nil
}

func (a *app) recordCommand() *cobra.Command {
	var (
		m                                   metaFlags
		on, note, amount, kind, ref, reason string
		restart                             string
	)
	c := &cobra.Command{
		Use:   "record STEP PROJECT",
		Short: "Record a step: negotiating, signed, funds_received, approved, started, suspended, resumed, completed, commissioned, full_capacity, terminated",
		Example: `  ledger record signed P-7 --on 2026-11-20
  ledger record approved P-7 --kind eia --ref "环审〔2026〕12号"
  ledger record funds_received P-7 --amount 5000万
  ledger record suspended P-7 --reason "flood" --expected-restart 2026-12-15`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := domain.ParseStep(args[0])
			if err != nil {
				return err
			}
			id, err := domain.ParseProjectID(args[1])
			if err != nil {
				return err
			}
			date, err := a.date("--on", on)
			if err != nil {
				return err
			}
			rs := domain.RecordStep{Project: id, Step: st, On: date, Note: note, Reason: reason, Reference: ref}
			if amount != "" {
				if rs.Amount, err = domain.ParseYuan(amount); err != nil {
					return fmt.Errorf("--amount: %w", err)
				}
			}
			if kind != "" {
				if rs.Approval, err = domain.ParseApprovalKind(kind); err != nil {
					return fmt.Errorf("--kind: %w", err)
				}
			}
			if restart != "" {
				if rs.ExpectedRestart, err = domain.ParseDate(restart); err != nil {
					return fmt.Errorf("--expected-restart: %w", err)
				}
			}
			if rs.Meta, err = a.meta(m.commandID, m.correlationID); err != nil {
				return err
			}
			return a.execute(cmd.Context(), rs)
		},
	}
	f := c.Flags()
	f.StringVar(&on, "on", "", "the day it happened, YYYY-MM-DD (default today)")
	f.StringVar(&note, "note", "", "free note")
	f.StringVar(&amount, "amount", "", "funds_received: amount in yuan or 万/亿")
	f.StringVar(&kind, "kind", "", "approved: registration, feasibility, eia, land, planning or construction_permit")
	f.StringVar(&ref, "ref", "", "approved: approval document number")
	f.StringVar(&reason, "reason", "", "suspended, terminated: why (required for them)")
	f.StringVar(&restart, "expected-restart", "", "suspended: expected restart date YYYY-MM-DD")
	m.add(f)
	return c
}

func (a *app) assignLeaderCommand() *cobra.Command {
	var m metaFlags
	var on, reason string
	c := &cobra.Command{
		Use:   "assign-leader PROJECT LEADER",
		Short: "Name a new responsible leader (包保领导); the previous one stays in the history",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, date, meta, err := a.target(args[0], on, m)
			if err != nil {
				return err
			}
			return a.execute(cmd.Context(), domain.AssignLeader{Meta: meta, Project: id, Leader: args[1], Reason: reason, On: date})
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "why the leader changes")
	c.Flags().StringVar(&on, "on", "", "from which day, YYYY-MM-DD (default today)")
	m.add(c.Flags())
	return c
}

func (a *app) reportInvestmentCommand() *cobra.Command {
	var m metaFlags
	var reason string
	c := &cobra.Command{
		Use:     "report-investment PROJECT MONTH AMOUNT",
		Short:   "Report the investment completed in a month (投资完成额), in yuan or 万/亿",
		Example: "  ledger report-investment P-7 2026-10 1200万",
		Args:    cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := domain.ParseProjectID(args[0])
			if err != nil {
				return err
			}
			month, err := domain.ParseMonth(args[1])
			if err != nil {
				return err
			}
			yuan, err := domain.ParseYuan(args[2])
			if err != nil {
				return fmt.Errorf("amount: %w", err)
			}
			meta, err := a.meta(m.commandID, m.correlationID)
			if err != nil {
				return err
			}
			return a.execute(cmd.Context(), domain.ReportInvestment{Meta: meta, Project: id, Month: month, Amount: yuan, Reason: reason})
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "required when correcting a month already reported")
	m.add(c.Flags())
	return c
}

func (a *app) planInvestmentCommand() *cobra.Command {
	var m metaFlags
	var reason string
	c := &cobra.Command{
		Use:     "plan-investment PROJECT YEAR AMOUNT",
		Short:   "Set the investment planned for a year (年度计划投资), in yuan or 万/亿",
		Example: "  ledger plan-investment P-7 2027 1.2亿",
		Args:    cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := domain.ParseProjectID(args[0])
			if err != nil {
				return err
			}
			year, err := strconv.Atoi(args[1])
			if err != nil {
				return fmt.Errorf("year %q is not a number; expected e.g. 2027", args[1])
			}
			yuan, err := domain.ParseYuan(args[2])
			if err != nil {
				return fmt.Errorf("amount: %w", err)
			}
			meta, err := a.meta(m.commandID, m.correlationID)
			if err != nil {
				return err
			}
			return a.execute(cmd.Context(), domain.PlanInvestment{Meta: meta, Project: id, Year: year, Amount: yuan, Reason: reason})
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "required when changing a year's plan")
	m.add(c.Flags())
	return c
}

func (a *app) issueCommand() *cobra.Command {
	c := &cobra.Command{Use: "issue", Short: "Raise and resolve supervision items (挂账督办 / 销号)"}
	c.AddCommand(a.issueRaiseCommand(), a.issueResolveCommand())
	return c
}

func (a *app) issueRaiseCommand() *cobra.Command {
	var m metaFlags
	var title, issueID, on string
	raise := &cobra.Command{
		Use:   "raise PROJECT --title TEXT",
		Short: "Put an item on the supervision ledger",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, date, meta, err := a.target(args[0], on, m)
			if err != nil {
				return err
			}
			return a.execute(cmd.Context(), domain.RaiseIssue{Meta: meta, Project: id, IssueID: issueID, Title: title, On: date})
		},
	}
	raise.Flags().StringVar(&title, "title", "", "what the issue is (required)")
	raise.Flags().StringVar(&issueID, "id", "", "issue id (default derived from the command)")
	raise.Flags().StringVar(&on, "on", "", "date raised, YYYY-MM-DD (default today)")
	m.add(raise.Flags())
	return raise
}

func (a *app) issueResolveCommand() *cobra.Command {
	var m metaFlags
	var resolution, on string
	resolve := &cobra.Command{
		Use:   "resolve PROJECT ISSUE --resolution TEXT",
		Short: "Close a supervision item",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, date, meta, err := a.target(args[0], on, m)
			if err != nil {
				return err
			}
			return a.execute(cmd.Context(), domain.ResolveIssue{Meta: meta, Project: id, IssueID: args[1], Resolution: resolution, On: date})
		},
	}
	resolve.Flags().StringVar(&resolution, "resolution", "", "how it was resolved (required)")
	resolve.Flags().StringVar(&on, "on", "", "date resolved, YYYY-MM-DD (default today)")
	m.add(resolve.Flags())
	return resolve
}

func (a *app) explainDelayCommand() *cobra.Command {
	var m metaFlags
	var on, reason string
	c := &cobra.Command{
		Use:   "explain-delay PROJECT MILESTONE --reason TEXT",
		Short: "File the written explanation of a late milestone (说明原因)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := domain.ParseProjectID(args[0])
			if err != nil {
				return err
			}
			ms, err := domain.ParseMilestone(args[1])
			if err != nil {
				return err
			}
			date, err := a.date("--on", on)
			if err != nil {
				return err
			}
			meta, err := a.meta(m.commandID, m.correlationID)
			if err != nil {
				return err
			}
			return a.execute(cmd.Context(), domain.ExplainDelay{Meta: meta, Project: id, Milestone: ms, Reason: reason, On: date})
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "why the milestone is late (required)")
	c.Flags().StringVar(&on, "on", "", "date of the explanation, YYYY-MM-DD (default today)")
	m.add(c.Flags())
	return c
}

// target parses what most commands share: the project argument, --on, and
// who is recording.
func (a *app) target(project, on string, m metaFlags) (domain.ProjectID, domain.Date, domain.Meta, error) {
	id, err := domain.ParseProjectID(project)
	if err != nil {
		return "", 0, domain.Meta{}, err
	}
	date, err := a.date("--on", on)
	if err != nil {
		return "", 0, domain.Meta{}, err
	}
	meta, err := a.meta(m.commandID, m.correlationID)
	return id, date, meta, err
}

// date parses a date flag; empty is the zero Date, which the event store
// resolves to today in the project's own time zone before it stores the
// command.
func (a *app) date(flag, value string) (domain.Date, error) {
	if value == "" {
		return 0, nil
	}
	d, err := domain.ParseDate(value)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", flag, err)
	}
	return d, nil
}

func (a *app) today() domain.Date {
	loc, _ := domain.LoadZone("")
	return domain.DateOf(a.clock.Now(), loc)
}

// execute stores one command and prints what was stored.
func (a *app) execute(ctx context.Context, cmd domain.Command) error {
	return a.withStore(ctx, func(s *eventstore.Store) error {
		res, err := s.Execute(ctx, cmd)
		if err != nil {
			return err
		}
		return a.printStored(res)
	})
}

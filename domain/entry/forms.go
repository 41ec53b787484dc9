package entry

import (
	"fmt"
	"strconv"

	"github.com/keyprojects/ledger/domain"
)

// Forms returns every form of the ledger: one per command that changes a
// project. Each build reads its values in the order it checks them.
func Forms() []Form {
	return []Form{
		{
			Group: "project",
			Use:   "register PROJECT",
			Short: "Register a key project (national project code or local id)",
			Example: `  ledger project register 2010-220621-47-01-000034 --name "光伏组件项目" --investment 3.5亿 \
      --unit 县工信局 --leader 李明 --township 城关镇 --kind new --plan started=2027-03-31`,
			Fields: []Field{
				{Name: "name", Help: "project name (required)"},
				{Name: "investment", Help: "total investment: yuan, or with a unit: 35000万, 3.5亿 (required)"},
				{Name: "unit", Help: "responsible unit, 责任单位 (required)"},
				{Name: "leader", Help: "responsible leader, 包保领导 (required)"},
				{Name: "township", Help: "township or location"},
				{Name: "kind", Default: "new", Help: "new (新建) or continuing (续建)"},
				{Name: "tz", Default: domain.DefaultTimeZone, Help: "the project's time zone"},
				{Name: "on", Help: "registration date YYYY-MM-DD (default today)"},
				{Name: "plan", Repeated: true, Help: "baseline deadline MILESTONE=YYYY-MM-DD, stored with the registration (repeatable)"},
			},
			build: func(in *input) domain.Command {
				return domain.RegisterProject{
					Meta: in.meta, Project: in.project(), TotalInvestment: in.yuan("investment"), On: in.on(),
					Plan: in.deadlines("plan"), Name: in.text("name"), Unit: in.text("unit"), Leader: in.text("leader"),
					Township: in.text("township"), Kind: domain.ProjectKind(in.text("kind")), TimeZone: in.text("tz"),
				}
			},
		},
		{
			Use:     "plan PROJECT MILESTONE DUE",
			Short:   "Set a milestone's baseline deadline (倒排工期)",
			Example: "  ledger plan P-7 started 2027-03-31",
			Fields:  []Field{{Name: "on", Help: "date the plan was made, YYYY-MM-DD (default today)"}},
			build: func(in *input) domain.Command {
				return domain.PlanMilestone{Meta: in.meta, Project: in.project(), Milestone: in.milestone(), Due: in.deadline("due"), On: in.on()}
			},
		},
		{
			Use:     "revise-deadline PROJECT MILESTONE NEW_DUE --reason TEXT",
			Short:   "Move a planned deadline; the baseline is kept and a reason is required",
			Example: `  ledger revise-deadline P-7 started 2027-05-31 --reason "land delivery slipped"`,
			Fields: []Field{
				{Name: "reason", Help: "why the deadline moves (required)"},
				{Name: "on", Help: "date of the revision, YYYY-MM-DD (default today)"},
			},
			build: func(in *input) domain.Command {
				return domain.ReviseDeadline{
					Meta: in.meta, Project: in.project(), Milestone: in.milestone(), Due: in.deadline("new_due"), On: in.on(),
					Reason: in.text("reason"),
				}
			},
		},
		{
			Use:   "record STEP PROJECT",
			Short: "Record a step: negotiating, signed, funds_received, approved, started, suspended, resumed, completed, commissioned, full_capacity, terminated",
			Example: `  ledger record signed P-7 --on 2026-11-20
  ledger record approved P-7 --kind eia --ref "环审〔2026〕12号"
  ledger record funds_received P-7 --amount 5000万
  ledger record suspended P-7 --reason "flood" --expected-restart 2026-12-15`,
			Fields: []Field{
				{Name: "on", Help: "the day it happened, YYYY-MM-DD (default today)"},
				{Name: "note", Help: "free note"},
				{Name: "amount", Help: "funds_received: amount in yuan or 万/亿"},
				{Name: "kind", Help: "approved: registration, feasibility, eia, land, planning or construction_permit"},
				{Name: "ref", Help: "approved: the approval document number; funds_received: the tranche's reference (voucher or transfer number), which tells two tranches of the same day and amount apart"},
				{Name: "reason", Help: "suspended, terminated: why (required for them)"},
				{Name: "expected-restart", Help: "suspended: expected restart date YYYY-MM-DD"},
			},
			build: func(in *input) domain.Command {
				return domain.RecordStep{
					Meta: in.meta, Step: read(in, "", "step", domain.ParseStep), Project: in.project(), On: in.on(),
					Amount:          read(in, "--amount", "amount", optional(domain.ParseYuan)),
					Approval:        read(in, "--kind", "kind", optional(domain.ParseApprovalKind)),
					ExpectedRestart: in.date("expected-restart"),
					Note:            in.text("note"), Reason: in.text("reason"), Reference: in.text("ref"),
				}
			},
		},
		{
			Use:   "assign-leader PROJECT LEADER",
			Short: "Name a new responsible leader (包保领导); the previous one stays in the history",
			Fields: []Field{
				{Name: "reason", Help: "why the leader changes"},
				{Name: "on", Help: "from which day, YYYY-MM-DD (default today)"},
			},
			build: func(in *input) domain.Command {
				return domain.AssignLeader{Meta: in.meta, Project: in.project(), On: in.on(), Leader: in.text("leader"), Reason: in.text("reason")}
			},
		},
		{
			Use:     "report-investment PROJECT MONTH AMOUNT",
			Short:   "Report the investment completed in a month (投资完成额), in yuan or 万/亿",
			Example: "  ledger report-investment P-7 2026-10 1200万",
			Fields:  []Field{{Name: "reason", Help: "required when correcting a month already reported"}},
			build: func(in *input) domain.Command {
				return domain.ReportInvestment{
					Meta: in.meta, Project: in.project(), Month: read(in, "", "month", domain.ParseMonth), Amount: in.amount(),
					Reason: in.text("reason"),
				}
			},
		},
		{
			Use:     "plan-investment PROJECT YEAR AMOUNT",
			Short:   "Set the investment planned for a year (年度计划投资), in yuan or 万/亿",
			Example: "  ledger plan-investment P-7 2027 1.2亿",
			Fields:  []Field{{Name: "reason", Help: "required when changing a year's plan"}},
			build: func(in *input) domain.Command {
				return domain.PlanInvestment{
					Meta: in.meta, Project: in.project(), Year: read(in, "", "year", parseYear), Amount: in.amount(),
					Reason: in.text("reason"),
				}
			},
		},
		{
			Group: "issue",
			Use:   "raise PROJECT --title TEXT",
			Short: "Put an item on the supervision ledger",
			Fields: []Field{
				{Name: "title", Help: "what the issue is (required)"},
				{Name: "id", Help: "issue id (default derived from the command)"},
				{Name: "on", Help: "date raised, YYYY-MM-DD (default today)"},
			},
			build: func(in *input) domain.Command {
				return domain.RaiseIssue{Meta: in.meta, Project: in.project(), On: in.on(), IssueID: in.text("id"), Title: in.text("title")}
			},
		},
		{
			Group: "issue",
			Use:   "resolve PROJECT ISSUE --resolution TEXT",
			Short: "Close a supervision item",
			Fields: []Field{
				{Name: "resolution", Help: "how it was resolved (required)"},
				{Name: "on", Help: "date resolved, YYYY-MM-DD (default today)"},
			},
			build: func(in *input) domain.Command {
				return domain.ResolveIssue{
					Meta: in.meta, Project: in.project(), On: in.on(), IssueID: in.text("issue"), Resolution: in.text("resolution"),
				}
			},
		},
		{
			Use:   "explain-delay PROJECT MILESTONE --reason TEXT",
			Short: "File the written explanation of a late milestone (说明原因)",
			Fields: []Field{
				{Name: "reason", Help: "why the milestone is late (required)"},
				{Name: "on", Help: "date of the explanation, YYYY-MM-DD (default today)"},
			},
			build: func(in *input) domain.Command {
				return domain.ExplainDelay{Meta: in.meta, Project: in.project(), Milestone: in.milestone(), On: in.on(), Reason: in.text("reason")}
			},
		},
	}
}

// parseYear reads a year written as a number.
func parseYear(s string) (int, error) {
	y, err := strconv.Atoi(s)
	if err != nil {
		return 0, &domain.InputError{Msg: fmt.Sprintf("year %q is not a number; expected e.g. 2027", s)}
	}
	return y, nil
}

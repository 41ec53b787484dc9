package entry

import (
	"fmt"
	"strconv"

	"github.com/keyprojects/ledger/domain"
)

// Forms returns every form of the ledger: one per command that changes a
// project. Each build reads its values in the order it checks them.
func Forms() []Form {
	return append([]Form{
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
				{Name: "industry", Help: "industry, 行业"},
				{Name: "content", Help: "what is built, 建设内容"},
				{Name: "code", Help: "national project code from the national platform, 赋码: YYMM-RRRRRR-II-TT-NNNNNN"},
				{Name: "kind", Default: "new", Help: "new (新建) or continuing (续建)"},
				{Name: "tz", Default: domain.DefaultTimeZone, Help: "the project's time zone"},
				{Name: "on", Help: "registration date YYYY-MM-DD (default today)"},
				{Name: "plan", Repeated: true, Help: "baseline deadline MILESTONE=YYYY-MM-DD, stored with the registration (repeatable)"},
				confirmOrder("store --plan deadlines that run against the order of the nodes (started due before signed)"),
			},
			build: func(in *input) domain.Command {
				return domain.RegisterProject{
					Meta: in.meta, Project: in.project(), TotalInvestment: in.yuan("investment"), On: in.on(),
					Plan: in.deadlines("plan"), NationalCode: in.code("code"), ConfirmOrder: in.boolean("confirm-order"),
					Name: in.text("name"), Unit: in.text("unit"), Leader: in.text("leader"), Township: in.text("township"),
					Industry: in.text("industry"), Kind: read(in, "--kind", "kind", optional(parseProjectKind)), TimeZone: in.text("tz"),
					Content: in.text("content"),
				}
			},
		},
		{
			Use:     "plan PROJECT MILESTONE DUE",
			Short:   "Set a milestone's baseline deadline (倒排工期)",
			Example: "  ledger plan P-7 started 2027-03-31",
			Fields: []Field{
				{Name: "on", Help: "date the plan was made, YYYY-MM-DD (default today)"},
				confirmOrder("store a deadline that runs against the order of the nodes (started due before signed)"),
			},
			build: func(in *input) domain.Command {
				return domain.PlanMilestone{
					Meta: in.meta, Project: in.project(), Milestone: in.milestone(), Due: in.deadline("due"), On: in.on(),
					ConfirmOrder: in.boolean("confirm-order"),
				}
			},
		},
		{
			Use:     "revise-deadline PROJECT MILESTONE NEW_DUE --reason TEXT",
			Short:   "Move a planned deadline; the baseline is kept and a reason is required",
			Example: `  ledger revise-deadline P-7 started 2027-05-31 --reason "land delivery slipped"`,
			Fields: []Field{
				{Name: "reason", Help: "why the deadline moves (required)"},
				{Name: "on", Help: "date of the revision, YYYY-MM-DD (default today)"},
				confirmOrder("store a deadline that runs against the order of the nodes (started due before signed)"),
			},
			build: func(in *input) domain.Command {
				return domain.ReviseDeadline{
					Meta: in.meta, Project: in.project(), Milestone: in.milestone(), Due: in.deadline("new_due"), On: in.on(),
					ConfirmOrder: in.boolean("confirm-order"), Reason: in.text("reason"),
				}
			},
		},
		{
			Use:     "withdraw-deadline PROJECT MILESTONE --reason TEXT",
			Short:   "Withdraw a deadline that no longer applies (no EIA needed, a node dropped from the plan); the history keeps it",
			Example: `  ledger withdraw-deadline P-7 eia --reason "registration-only project: no EIA required"`,
			Fields: []Field{
				{Name: "reason", Help: "why the deadline no longer applies (required)"},
				{Name: "on", Help: "date of the withdrawal, YYYY-MM-DD (default today)"},
			},
			build: func(in *input) domain.Command {
				return domain.WithdrawDeadline{Meta: in.meta, Project: in.project(), Milestone: in.milestone(), On: in.on(), Reason: in.text("reason")}
			},
		},
		{
			Use:     "request-revision PROJECT MILESTONE NEW_DUE --reason TEXT",
			Short:   "Ask the office to move a deadline (a unit's request, 申请调整期限); the deadline moves when the office approves it (decide-revision)",
			Example: `  ledger request-revision P-7 started 2027-05-31 --reason "用地交付推迟"`,
			Fields: []Field{
				{Name: "reason", Help: "why the deadline should move (required)"},
				{Name: "on", Help: "date of the request, YYYY-MM-DD (default today)"},
			},
			build: func(in *input) domain.Command {
				return domain.RequestRevision{Meta: in.meta, Project: in.project(), Milestone: in.milestone(), Due: in.deadline("new_due"), On: in.on(), Reason: in.text("reason")}
			},
		},
		{
			Use:     "decide-revision PROJECT MILESTONE DECISION",
			Short:   "Approve or refuse the new deadline a unit asked for (审定): DECISION is approve (同意) or refuse (驳回, with --note saying why)",
			Example: "  ledger decide-revision P-7 started approve\n  ledger decide-revision P-7 started refuse --note \"先落实用地再申请\"",
			Fields: []Field{
				{Name: "note", Help: "the office's opinion; required to refuse"},
				{Name: "on", Help: "date of the decision, YYYY-MM-DD (default today)"},
			},
			build: func(in *input) domain.Command {
				return domain.DecideRevision{Meta: in.meta, Project: in.project(), Milestone: in.milestone(),
					Approve: read(in, "decision", "decision", domain.ParseDecision), On: in.on(), Note: in.text("note")}
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
				{Name: "kind", Help: "approved: registration (注册), feasibility (可研), eia (环评), land (土地), planning (规划许可) or construction_permit (施工许可)"},
				{Name: "ref", Help: "approved: the approval document number; funds_received: the tranche's reference (voucher or transfer number), which tells two tranches of the same day and amount apart"},
				{Name: "reason", Help: "suspended, terminated: why (required for them)"},
				{Name: "expected-restart", Help: "suspended: expected restart date YYYY-MM-DD"},
				confirmOrder("store a step dated against the order of the nodes (started before signed); it is flagged for the auditor"),
			},
			build: func(in *input) domain.Command {
				return domain.RecordStep{
					Meta: in.meta, Step: read(in, "", "step", domain.ParseStep), Project: in.project(), On: in.on(),
					Amount:          read(in, "--amount", "amount", optional(domain.ParseYuan)),
					Approval:        read(in, "--kind", "kind", optional(domain.ParseApprovalKind)),
					ExpectedRestart: in.date("expected-restart"),
					ConfirmOrder:    in.boolean("confirm-order"),
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
		{
			Group: "correct",
			Use:   "facts PROJECT --reason TEXT",
			Short: "Correct registered facts entered wrongly (name, unit, investment, ...); the original stays in the history",
			Example: `  ledger correct facts P-7 --name "光伏组件生产线项目" --investment 3.8亿 --reason "typed from the wrong row"
  ledger correct facts P-7 --code 2411-361102-89-01-637015 --reason "code issued after registration"`,
			Fields: []Field{
				{Name: "name", Help: "the right project name"},
				{Name: "unit", Help: "the right responsible unit, 责任单位"},
				{Name: "township", Help: "the right township or location"},
				{Name: "leader", Help: "the right name of the current leader, entered wrongly (a new leader is assign-leader)"},
				{Name: "industry", Help: "the right industry, 行业"},
				{Name: "content", Help: "the right description of what is built, 建设内容"},
				{Name: "code", Help: "the right national project code, 赋码: YYMM-RRRRRR-II-TT-NNNNNN"},
				{Name: "investment", Help: "the right total investment: yuan, or with a unit: 35000万, 3.5亿"},
				{Name: "registered-on", Help: "the right registration date, YYYY-MM-DD"},
				{Name: "reason", Help: "why the facts were wrong (required)"},
				{Name: "on", Help: "date of the correction, YYYY-MM-DD (default today)"},
			},
			build: func(in *input) domain.Command {
				return domain.CorrectFacts{
					Meta: in.meta, Project: in.project(), NationalCode: in.code("code"),
					TotalInvestment: read(in, "--investment", "investment", optional(domain.ParseYuan)),
					RegisteredOn:    in.date("registered-on"), On: in.on(),
					Name: in.text("name"), Unit: in.text("unit"), Township: in.text("township"), Leader: in.text("leader"),
					Industry: in.text("industry"), Content: in.text("content"), Reason: in.text("reason"),
				}
			},
		},
		{
			Group: "correct",
			Use:   "record PROJECT TYPE --reason TEXT",
			Short: "Correct a recorded step, approval, funds tranche or baseline deadline entered wrongly; the original stays in the history",
			Example: `  ledger correct record P-7 signed --date 2026-11-10 --reason "signing date misread from the minutes"
  ledger correct record P-7 approved --kind eia --ref "环审〔2026〕21号" --reason "document number mistyped"
  ledger correct record P-7 funds_received --tranche 2 --amount 600万 --reason "voucher misread"
  ledger correct record P-7 milestone_planned --milestone started --date 2027-04-30 --reason "baseline copied from the wrong row"`,
			Fields: []Field{
				{Name: "kind", Help: "approved: which approval: registration, feasibility, eia, land, planning or construction_permit"},
				{Name: "milestone", Help: "milestone_planned: the milestone whose baseline deadline was entered wrongly"},
				{Name: "tranche", Help: "funds_received: which tranche, 1 for the first recorded (not needed when there is one)"},
				{Name: "date", Help: "the right date, YYYY-MM-DD (milestone_planned: the right baseline deadline)"},
				{Name: "ref", Help: "approved, funds_received: the right document, voucher or transfer number"},
				{Name: "amount", Help: "funds_received: the right amount in yuan or 万/亿"},
				{Name: "reason", Help: "why the record was wrong (required)"},
				{Name: "on", Help: "date of the correction, YYYY-MM-DD (default today)"},
			},
			build: func(in *input) domain.Command {
				return domain.CorrectRecord{
					Meta: in.meta, Project: in.project(), Type: read(in, "", "type", parseRecordType),
					Kind:      read(in, "--kind", "kind", optional(domain.ParseApprovalKind)),
					Milestone: read(in, "--milestone", "milestone", optional(domain.ParseMilestone)),
					Tranche:   read(in, "--tranche", "tranche", optional(parseTranche)),
					Date:      in.date("date"), On: in.on(),
					Amount:    read(in, "--amount", "amount", optional(domain.ParseYuan)),
					Reference: in.text("ref"), Reason: in.text("reason"),
				}
			},
		},
	}, pipelineForms()...)
}

// confirmOrder is the --confirm-order switch of a form whose dates are
// checked against the order of the nodes; help says what it lets through.
func confirmOrder(help string) Field {
	return Field{Name: "confirm-order", Bool: true, Help: help}
}

// boolean reads the switch name: "" (not given) is false.
func (in *input) boolean(name string) bool {
	return read(in, flag(name), name, optional(parseBool))
}

// parseBool reads a switch's value.
func parseBool(s string) (bool, error) {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, domain.NewInputError(fmt.Sprintf("%q is not a yes or no; expected true or false", s),
			fmt.Sprintf("“%s”不是“是”或“否”；应为 true 或 false", s))
	}
	return b, nil
}

// code reads the field name, a national project code (赋码) that may be
// left empty; full-width digits and dashes are normalised.
func (in *input) code(name string) string {
	return string(read(in, flag(name), name, optional(domain.ParseNationalCode)))
}

// parseRecordType reads the kind of record a correction is for: a step or
// milestone_planned (Decide says which of them can be corrected).
func parseRecordType(s string) (domain.EventType, error) {
	if s == string(domain.MilestonePlanned) {
		return domain.MilestonePlanned, nil
	}
	if t, err := domain.ParseStep(s); err == nil {
		return t, nil
	}
	return "", domain.NewInputError(fmt.Sprintf("%q is not a record that can be corrected; expected a step (negotiating, signed, funds_received, approved, started, completed, commissioned, full_capacity) or milestone_planned", s),
		fmt.Sprintf("“%s”不是可更正的记录；应为步骤（negotiating 洽谈、signed 签约、funds_received 到资、approved 审批、started 开工、completed 竣工、commissioned 投产、full_capacity 达产）或 milestone_planned（计划节点）", s))
}

// parseProjectKind is domain.ParseProjectKind, its refusal told in
// Chinese too.
func parseProjectKind(s string) (domain.ProjectKind, error) {
	k, err := domain.ParseProjectKind(s)
	if err != nil {
		return "", domain.NewInputError(err.Error(),
			fmt.Sprintf("“%s”不是项目类型；应为以下之一：%s (%s)、%s (%s)", s,
				domain.KindNew, domain.KindNew.Chinese(), domain.KindContinuing, domain.KindContinuing.Chinese()))
	}
	return k, nil
}

// parseTranche reads a tranche's number, 1 for the first recorded.
func parseTranche(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, domain.NewInputError(fmt.Sprintf("%q is not a tranche number; expected 1 for the first tranche recorded, 2 for the second, ...", s),
			fmt.Sprintf("“%s”不是到资批次号；第一笔到资为 1，第二笔为 2，依此类推", s))
	}
	return n, nil
}

// parseYear reads a year written as a number.
func parseYear(s string) (int, error) {
	y, err := strconv.Atoi(s)
	if err != nil {
		return 0, domain.NewInputError(fmt.Sprintf("year %q is not a number; expected e.g. 2027", s),
			fmt.Sprintf("年份“%s”不是数字；应为 2027 这样的年份", s))
	}
	return y, nil
}

package entry

import (
	"fmt"

	"github.com/keyprojects/ledger/domain"
)

// pipelineForms are the forms of the pipeline before the plan: the
// reserve pool (group reserve) and upward applications (group apply).
func pipelineForms() []Form {
	return []Form{
		{
			Group:   "reserve",
			Use:     "conceive PROJECT --name TEXT --by BODY --investment AMOUNT",
			Short:   "Enter a conceived project (谋划) into the reserve pool, with the body that proposes it",
			Example: `  ledger reserve conceive CB-2027-01 --name "新能源电池材料项目" --by 新能源产业推进组 --body-kind 产业推进组 --investment 8亿`,
			Fields: []Field{
				{Name: "name", Help: "project name (required)"},
				{Name: "by", Help: "the body that proposes it: a department, a township or an industry promotion group (required)"},
				{Name: "body-kind", Default: "department", Help: "department (部门), township (乡镇) or industry_group (产业推进组)"},
				{Name: "investment", Help: "planned total investment: yuan, or 35000万, 3.5亿 (required)"},
				{Name: "industry", Help: "industry, 行业"},
				{Name: "content", Help: "what would be built, 建设内容"},
				{Name: "on", Help: "date it was conceived, YYYY-MM-DD (default today)"},
			},
			build: func(in *input) domain.Command {
				return domain.ConceiveProject{Meta: in.meta, Project: in.project(), Name: in.text("name"), ProposedBy: in.text("by"),
					BodyKind: read(in, "--body-kind", "body-kind", optional(domain.ParseBodyKind)), PlannedInvestment: in.yuan("investment"),
					Industry: in.text("industry"), Content: in.text("content"), On: in.on()}
			},
		},
		{
			Group:   "reserve",
			Use:     "assess PROJECT RESULT --conclusion TEXT",
			Short:   "Record the assessment (论证): RESULT is feasible (可行) or infeasible (不可行)",
			Example: `  ledger reserve assess CB-2027-01 可行 --conclusion "市场前景好，用地可保障"`,
			Fields: []Field{
				{Name: "conclusion", Help: "what the assessment concluded (required)"},
				{Name: "on", Help: "date of the assessment, YYYY-MM-DD (default today)"},
			},
			build: func(in *input) domain.Command {
				return domain.AssessProject{Meta: in.meta, Project: in.project(), Feasible: read(in, "result", "result", parseFeasible),
					Conclusion: in.text("conclusion"), On: in.on()}
			},
		},
		{
			Group:   "reserve",
			Use:     "enter PROJECT",
			Short:   "Enter the project into the county's reserve (入库), or with --level into a city's or province's key-project library",
			Example: "  ledger reserve enter CB-2027-01\n  ledger reserve enter CB-2027-01 --level 省级 --on 2027-02-15",
			Fields: []Field{
				{Name: "level", Default: "county", Help: "county (县级), city (市级), province (省级) or state (国家级)"},
				{Name: "on", Help: "date of entry, YYYY-MM-DD (default today)"},
			},
			build: func(in *input) domain.Command {
				return domain.ReserveProject{Meta: in.meta, Project: in.project(), Level: read(in, "--level", "level", domain.ParseLevel), On: in.on()}
			},
		},
		{
			Group:   "reserve",
			Use:     "package PROJECT PURPOSE",
			Short:   "Record the project packaged (包装) for investment promotion (招商) or an upward application (申报)",
			Example: "  ledger reserve package CB-2027-01 招商 --note \"招商推介材料已完成\"",
			Fields: []Field{
				{Name: "note", Help: "what was prepared"},
				{Name: "on", Help: "date, YYYY-MM-DD (default today)"},
			},
			build: func(in *input) domain.Command {
				return domain.PackageProject{Meta: in.meta, Project: in.project(), Purpose: read(in, "purpose", "purpose", domain.ParsePackagePurpose),
					Note: in.text("note"), On: in.on()}
			},
		},
		{
			Group:   "reserve",
			Use:     "convert PROJECT YEAR --unit UNIT --leader LEADER",
			Short:   "Convert a reserve project into the year's key-project list (转化) and register it as a key project, keeping its id and history",
			Example: "  ledger reserve convert CB-2027-01 2027 --list 新建 --unit 县工信局 --leader 李明 --plan started=2027-06-30",
			Fields: []Field{
				{Name: "list", Default: "new", Help: "new (新建), continuing (续建) or preparatory (前期)"},
				{Name: "unit", Help: "responsible unit, 责任单位 (required)"},
				{Name: "leader", Help: "responsible leader, 包保领导 (required)"},
				{Name: "township", Help: "township or location"},
				{Name: "name", Help: "the key project's name (default the reserve's)"},
				{Name: "investment", Help: "total investment (default the reserve's planned investment)"},
				{Name: "plan", Repeated: true, Help: "baseline deadline MILESTONE=YYYY-MM-DD (repeatable)"},
				{Name: "on", Help: "date of the conversion, YYYY-MM-DD (default today)"},
			},
			build: func(in *input) domain.Command {
				return domain.ConvertProject{Meta: in.meta, Project: in.project(), Year: read(in, "", "year", parseYear),
					List: read(in, "--list", "list", domain.ParseListKind), Unit: in.text("unit"), Leader: in.text("leader"),
					Township: in.text("township"), Name: in.text("name"),
					TotalInvestment: read(in, "--investment", "investment", optional(domain.ParseYuan)), Plan: in.deadlines("plan"), On: in.on()}
			},
		},
		{
			Group:   "reserve",
			Use:     "drop PROJECT --reason TEXT",
			Short:   "Drop a project from the reserve (退库), with the reason",
			Example: `  ledger reserve drop CB-2027-01 --reason "投资方放弃"`,
			Fields: []Field{
				{Name: "reason", Help: "why it leaves the reserve (required)"},
				{Name: "on", Help: "date, YYYY-MM-DD (default today)"},
			},
			build: func(in *input) domain.Command {
				return domain.DropProject{Meta: in.meta, Project: in.project(), Reason: in.text("reason"), On: in.on()}
			},
		},
		{
			Group:   "apply",
			Use:     "submit PROJECT --level LEVEL --programme TEXT",
			Short:   "Record an application sent up (向上争取): a special fund, a bond quota, a pilot, a library entry",
			Example: `  ledger apply submit P-7 --level 省级 --programme "省级工业转型升级专项资金" --asked 2000万`,
			Fields: []Field{
				{Name: "level", Help: "city (市级), province (省级) or state (国家级) (required)"},
				{Name: "programme", Help: "what is applied for (required)"},
				{Name: "asked", Default: "0", Help: "the amount asked, yuan or 万/亿 (0 for a pilot or a library entry)"},
				{Name: "id", Help: "the application's id (default derived from the command)"},
				{Name: "note", Help: "a note"},
				{Name: "on", Help: "date submitted, YYYY-MM-DD (default today)"},
			},
			build: func(in *input) domain.Command {
				return domain.SubmitApplication{Meta: in.meta, Project: in.project(), Application: in.text("id"),
					Level: read(in, "--level", "level", domain.ParseLevel), Programme: in.text("programme"),
					Asked: in.yuan("asked"), Note: in.text("note"), On: in.on()}
			},
		},
		{
			Group:   "apply",
			Use:     "answer PROJECT APPLICATION DECISION",
			Short:   "Record the higher level's answer: DECISION is approve (同意) with --granted and --document, or refuse (驳回)",
			Example: `  ledger apply answer P-7 A-1 approve --granted 1500万 --document "黑财建〔2027〕88号"`,
			Fields: []Field{
				{Name: "granted", Default: "0", Help: "the amount granted, yuan or 万/亿"},
				{Name: "document", Help: "the approving document's number, 文号 (required to approve)"},
				{Name: "note", Help: "required to grant more than was asked"},
				{Name: "on", Help: "date of the answer, YYYY-MM-DD (default today)"},
			},
			build: func(in *input) domain.Command {
				return domain.AnswerApplication{Meta: in.meta, Project: in.project(), Application: in.text("application"),
					Approved: read(in, "decision", "decision", domain.ParseDecision), Granted: in.yuan("granted"),
					Document: in.text("document"), Note: in.text("note"), On: in.on()}
			},
		},
		{
			Group:   "apply",
			Use:     "receive PROJECT APPLICATION AMOUNT",
			Short:   "Record a tranche of granted funds that arrived (资金到位)",
			Example: `  ledger apply receive P-7 A-1 1000万 --ref "转账〔2027〕12号"`,
			Fields: []Field{
				{Name: "ref", Help: "voucher or transfer number"},
				{Name: "note", Help: "required when the total would pass the grant"},
				{Name: "on", Help: "date the funds arrived, YYYY-MM-DD (default today)"},
			},
			build: func(in *input) domain.Command {
				return domain.ReceiveGrant{Meta: in.meta, Project: in.project(), Application: in.text("application"), Amount: in.amount(),
					Reference: in.text("ref"), Note: in.text("note"), On: in.on()}
			},
		},
	}
}

// parseFeasible reads an assessment's result: feasible (可行) or
// infeasible (不可行).
func parseFeasible(s string) (bool, error) {
	switch domain.FoldTerm(s) {
	case "feasible", "可行", "yes":
		return true, nil
	case "infeasible", "not_feasible", "不可行", "no":
		return false, nil
	}
	return false, domain.NewInputError(fmt.Sprintf("%q is not an assessment's result; expected feasible (可行) or infeasible (不可行)", s),
		fmt.Sprintf("“%s”不是论证结论；应为 可行（feasible）或 不可行（infeasible）", s))
}

package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/keyprojects/ledger/domain"
)

// A monthly progress sheet (月度进度表) says, per project, the dates
// milestones were reached, the investment completed each month and to
// date, the state of the works (形象进度) and the problems (存在问题).
// ProgressDiff turns a row of one into the commands that bring the ledger
// to what it says; the project must be in the ledger already.

// ProgressOptions are what every command of a progress import carries.
type ProgressOptions struct {
	Options
	// Month is the month the sheet reports (its title's 截至2026年10月,
	// or --month); its 形象进度 is stored for it.
	Month domain.Month
	// RaiseIssues puts each 存在问题 cell on the supervision ledger
	// (--raise-issues); without it they are listed and left alone.
	RaiseIssues bool
}

// stepOf is the step that reaches milestone m.
func stepOf(m domain.Milestone) domain.EventType { return domain.EventType(m) }

// ProgressDiff compares progress row r with the project's state and
// returns the commands that make the ledger say what the row says. A row
// the ledger already matches yields none; a figure that differs from one
// the ledger holds needs o.Reason; a date reached that differs from the
// one recorded is left for a correction and said in Warnings.
func ProgressDiff(file string, r Row, current domain.Project, o ProgressOptions) (Change, Problems) {
	ch := Change{Row: r}
	var ps Problems
	if !current.Registered {
		ps = append(ps, problem(file, r.Line, r.column(FieldName, ""),
			fmt.Sprintf("project %s %s is not in the ledger; expected a project the plan has registered (ledger import plan FILE first)", r.Project, r.Name),
			fmt.Sprintf("项目%s %s不在台账中；应为计划已登记的项目（请先用 ledger import plan 导入计划表）", r.Project, r.Name)))
		return ch, ps
	}
	meta := domain.Meta{Actor: o.Actor, CorrelationID: o.CorrelationID}
	for _, re := range r.Reached {
		step := stepOf(re.Milestone)
		switch at, ok := current.Steps[step]; {
		case ok && at == re.On:
		case ok:
			ch.warn(fmt.Sprintf("%s '%s': the ledger has %s reached on %s; left as it is (ledger correct record changes a recorded date, with a reason)",
				re.column, re.On, re.Milestone, at),
				fmt.Sprintf("%s“%s”：台账记载%s已于%s完成；保持不变（可用 ledger correct record 更正已记录的日期，须说明原因）",
					re.column, re.On, re.Milestone.Chinese(), at))
		default:
			ch.Commands = append(ch.Commands, domain.RecordStep{Meta: meta, Project: r.Project, Step: step, On: re.On})
			ch.say(fmt.Sprintf("%s reached on %s", re.Milestone, re.On), fmt.Sprintf("%s于%s完成", re.Milestone.Chinese(), re.On))
		}
	}
	year := r.AnnualYear
	if year == 0 {
		year = o.Month.FirstDay().Year()
	}
	months := make([]int, 0, len(r.MonthDone))
	for m := range r.MonthDone {
		months = append(months, m)
	}
	slices.Sort(months)
	sum := map[domain.Month]int64{}
	for m, v := range current.Investment {
		if m.FirstDay().Year() == year {
			sum[m] = v
		}
	}
	for _, m := range months {
		month := domain.Month(fmt.Sprintf("%04d-%02d", year, m))
		v := r.MonthDone[m]
		sum[month] = v
		switch had, ok := current.Investment[month]; {
		case ok && had == v:
		case ok && o.Reason == "":
			ps = append(ps, problem(file, r.Line, r.layout.headers[r.layout.months[m]],
				fmt.Sprintf("%s yuan differs from the %s yuan the ledger has for %s; expected the same figure, or --reason to correct it",
					domain.FormatYuan(v), domain.FormatYuan(had), month),
				fmt.Sprintf("%s元与台账记载的%s元（%s）不一致；应一致，或用 --reason 说明原因后更正",
					domain.FormatYuan(v), domain.FormatYuan(had), month)))
		case ok:
			ch.Commands = append(ch.Commands, domain.ReportInvestment{Meta: meta, Project: r.Project, Month: month, Amount: v, Reason: o.Reason, On: o.On})
			ch.say(fmt.Sprintf("%s investment %s -> %s yuan: %s", month, domain.FormatYuan(had), domain.FormatYuan(v), o.Reason),
				fmt.Sprintf("%s完成投资%s元 → %s元：%s", month, domain.FormatYuan(had), domain.FormatYuan(v), o.Reason))
		default:
			ch.Commands = append(ch.Commands, domain.ReportInvestment{Meta: meta, Project: r.Project, Month: month, Amount: v, On: o.On})
			ch.say(fmt.Sprintf("%s investment %s yuan", month, domain.FormatYuan(v)), fmt.Sprintf("%s完成投资%s元", month, domain.FormatYuan(v)))
		}
	}
	if r.ToDate > 0 && len(months) > 0 {
		var total int64
		for _, v := range sum {
			total += v
		}
		if total != r.ToDate {
			ch.warn(fmt.Sprintf("%s says %s yuan completed to date; the months add up to %s yuan",
				r.column(FieldToDate, ""), domain.FormatYuan(r.ToDate), domain.FormatYuan(total)),
				fmt.Sprintf("%s为累计完成%s元，而各月合计为%s元", r.column(FieldToDate, ""), domain.FormatYuan(r.ToDate), domain.FormatYuan(total)))
		}
	}
	if r.Progress != "" && current.Progress[o.Month] != r.Progress {
		ch.Commands = append(ch.Commands, domain.ReportProgress{Meta: meta, Project: r.Project, Month: o.Month, Text: r.Progress, On: o.On})
		ch.say(fmt.Sprintf("%s progress: %s", o.Month, r.Progress), fmt.Sprintf("%s形象进度：%s", o.Month, r.Progress))
	}
	if r.Problem != "" {
		id := IssueID(r.Problem)
		switch _, raised := current.Issues[id]; {
		case raised:
		case o.RaiseIssues:
			ch.Commands = append(ch.Commands, domain.RaiseIssue{Meta: meta, Project: r.Project, IssueID: id, Title: r.Problem, On: o.On})
			ch.say(fmt.Sprintf("raise issue %s: %s", id, r.Problem), fmt.Sprintf("挂账督办%s：%s", id, r.Problem))
		default:
			ch.say(fmt.Sprintf("problem '%s' not raised: --raise-issues puts it on the supervision ledger", r.Problem),
				fmt.Sprintf("存在问题“%s”未挂账：使用 --raise-issues 可列入督办台账", r.Problem))
		}
	}
	if len(ps) > 0 {
		return ch, ps
	}
	return ch, check(file, r, current, ch, o.Options, ps)
}

// IssueID is the supervision item id a progress import gives a problem's
// text: the same text is the same item on every import.
func IssueID(text string) string {
	sum := sha256.Sum256([]byte(NormalizeName(text)))
	return "Q-" + hex.EncodeToString(sum[:4])
}

package plan

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keyprojects/ledger/domain"
)

// Options are what every command of an import carries.
type Options struct {
	Actor         string
	CorrelationID string      // ties the import's events together, e.g. "import-<file digest>"
	On            domain.Date // the day of the import
	Reason        string      // why deadlines moved or were withdrawn, for rows without a reason cell
	Now           time.Time   // the instant commands are checked at
	// WithdrawCleared withdraws the planned, unreached deadline of a
	// milestone whose cell a row leaves empty (--withdraw-cleared).
	// Without it such cells are listed in Change.Cleared and left alone.
	WithdrawCleared bool
	// ConfirmOrder stores rows whose deadlines run backwards through the
	// nodes (开工 due before 签约; --confirm-order). Without it each such
	// pair is a problem.
	ConfirmOrder bool
}

// Change is what one row asks of the ledger: the commands to store, in
// order, and what they mean in a clerk's words.
type Change struct {
	Row      Row
	Commands []domain.Command
	Lines    []string
	// Warnings are what the clerk should know before storing: deadlines
	// planned or moved to a day already past.
	Warnings []string
	// Cleared are the withdrawals the row's empty deadline cells ask for:
	// also in Commands when Options.WithdrawCleared is set, else stored
	// by nothing.
	Cleared []domain.WithdrawDeadline

	linesZH, warningsZH []string // Lines and Warnings in Chinese, one for one
}

// say adds a line in English and in Chinese.
func (ch *Change) say(en, zh string) {
	ch.Lines = append(ch.Lines, en)
	ch.linesZH = append(ch.linesZH, zh)
}

// warn adds a warning in English and in Chinese.
func (ch *Change) warn(en, zh string) {
	ch.Warnings = append(ch.Warnings, en)
	ch.warningsZH = append(ch.warningsZH, zh)
}

// LinesIn are Lines in Chinese (zh) or English.
func (ch Change) LinesIn(zh bool) []string {
	if zh && len(ch.linesZH) == len(ch.Lines) {
		return ch.linesZH
	}
	return ch.Lines
}

// WarningsIn are Warnings in Chinese (zh) or English.
func (ch Change) WarningsIn(zh bool) []string {
	if zh && len(ch.warningsZH) == len(ch.Warnings) {
		return ch.warningsZH
	}
	return ch.Warnings
}

// bilingual is a text in English and in Chinese.
type bilingual struct{ en, zh string }

// planned is a deadline of the plan a row leaves: its date, and whether
// the file says it (else the ledger does, for a cell left empty or a
// column the file does not have).
type planned struct {
	due    domain.Date
	inFile bool
}

// Diff compares row r with the project's current state (a zero Project
// when it is not registered) and returns the commands that make the ledger
// say what the row says. A row the ledger already matches yields none. The
// commands are checked against the domain rules here, so a problem is
// found before anything is stored.
//
// An empty deadline cell of a milestone the ledger has planned and not
// reached asks for the deadline's withdrawal, made only with
// o.WithdrawCleared. Deadlines that run backwards through the nodes are a
// problem unless o.ConfirmOrder.
func Diff(file string, r Row, current domain.Project, o Options) (Change, Problems) {
	ch := Change{Row: r}
	var ps Problems
	bad := func(column, en, zh string) {
		ps = append(ps, problem(file, r.Line, column, en, zh))
	}
	if r.Project == ExampleProject {
		bad(r.column(FieldProject, ""), fmt.Sprintf("'%s' is the template's example row; delete the row before importing", r.Project),
			fmt.Sprintf("“%s”是模板的示例行；导入前请删除该行", r.Project))
		return ch, ps
	}
	meta := domain.Meta{Actor: o.Actor, CorrelationID: o.CorrelationID}
	if !current.Registered {
		final := map[domain.Milestone]planned{}
		var dl, dlZH []string
		for _, d := range r.Deadlines {
			dl = append(dl, fmt.Sprintf("%s %s", d.Milestone, d.Precision.Format(d.Due)))
			dlZH = append(dlZH, fmt.Sprintf("%s %s", d.Milestone.Chinese(), d.Precision.Format(d.Due)))
			final[d.Milestone] = planned{d.Due, true}
		}
		confirm, ops := checkOrder(file, r, final, nil, len(r.Deadlines) > 0, o)
		ps = append(ps, ops...)
		ch.Commands = append(ch.Commands, domain.RegisterProject{
			Meta: meta, Project: r.Project, Name: r.Name, TotalInvestment: r.TotalInvestment, Unit: r.Unit,
			Leader: r.Leader, Township: r.Township, Kind: r.Kind, On: o.On, Plan: r.Deadlines,
			Industry: r.Industry, NationalCode: r.NationalCode, ConfirmOrder: confirm != nil, Content: r.Content,
		})
		var facts, factsZH string
		if r.Industry != "" {
			facts += ", industry " + r.Industry
			factsZH += "，行业" + r.Industry
		}
		if r.NationalCode != "" {
			facts += ", national code " + r.NationalCode
			factsZH += "，赋码" + r.NationalCode
		}
		if r.Content != "" {
			facts += ", 建设内容 " + r.Content
			factsZH += "，建设内容" + r.Content
		}
		dlsZH := strings.Join(dlZH, "、")
		if dlsZH == "" {
			dlsZH = "无"
		}
		ch.say(fmt.Sprintf("register %s, %s yuan, unit %s, leader %s, %s%s; deadlines: %s",
			r.Name, domain.FormatYuan(r.TotalInvestment), r.Unit, r.Leader, r.Kind, facts, orNone(strings.Join(dl, ", "))),
			fmt.Sprintf("登记%s，总投资%s元，责任单位%s，包保领导%s，%s%s；节点期限：%s",
				r.Name, domain.FormatYuan(r.TotalInvestment), r.Unit, r.Leader, r.Kind.Chinese(), factsZH, dlsZH))
		for _, c := range confirm {
			ch.say(c.en, c.zh)
		}
		ch.pastDeadlines(r.Deadlines, o.On)
		ch.annualPlan(r, current, meta, o, bad)
		ch.reachedLater(r)
		return ch, check(file, r, current, ch, o, ps)
	}
	investment := r.column(FieldInvestmentWan, "")
	if r.layout != nil {
		for _, f := range []Field{FieldInvestmentYuan, FieldInvestmentYi} {
			if _, ok := r.layout.byField[f]; ok {
				investment = r.column(f, "")
			}
		}
	}
	differs := func(column, file, state, fileZH, stateZH string) {
		bad(column, fmt.Sprintf("'%s' differs from the ledger's '%s'; expected the registered value (ledger correct facts changes it, with a reason)", file, state),
			fmt.Sprintf("“%s”与台账登记的“%s”不一致；应与登记的一致（可用 ledger correct facts 更正，须说明原因）", fileZH, stateZH))
	}
	for _, f := range []struct {
		column          string
		file, state     string
		fileZH, stateZH string
		same            bool
	}{
		// A name is the same name however its spaces and full-width
		// characters are typed: that is how a row without a code is found.
		{r.column(FieldName, ""), r.Name, current.Name, r.Name, current.Name, NormalizeName(r.Name) == NormalizeName(current.Name)},
		{r.column(FieldUnit, ""), r.Unit, current.Unit, r.Unit, current.Unit, r.Unit == current.Unit},
		{investment, domain.FormatYuan(r.TotalInvestment) + " yuan", domain.FormatYuan(current.TotalInvestment) + " yuan",
			domain.FormatYuan(r.TotalInvestment) + "元", domain.FormatYuan(current.TotalInvestment) + "元", r.TotalInvestment == current.TotalInvestment},
	} {
		if !f.same {
			differs(f.column, f.file, f.state, f.fileZH, f.stateZH)
		}
	}
	// A file that does not say the kind does not contradict the ledger's.
	if !r.kindBlank && r.Kind != current.Kind {
		differs(r.column(FieldKind, ""), string(r.Kind), string(current.Kind), r.Kind.Chinese(), current.Kind.Chinese())
	}
	switch {
	case r.Township == "" || r.Township == current.Township:
	case current.Township == "":
		ch.say(fmt.Sprintf("township %s not recorded: an import records it for new projects only (ledger correct facts --township records it)", r.Township),
			fmt.Sprintf("乡镇%s未记录：导入只为新项目记录乡镇（可用 ledger correct facts --township 记录）", r.Township))
	default:
		differs(r.column(FieldTownship, ""), r.Township, current.Township, r.Township, current.Township)
	}
	// Industry and national code: an empty cell says nothing; a project
	// registered without them keeps them unrecorded.
	for _, f := range []struct {
		field       Field
		what        string
		file, state string
		whatZH      string
	}{
		{FieldIndustry, "industry", r.Industry, current.Industry, "行业"},
		{FieldContent, "建设内容", r.Content, current.Content, "建设内容"},
		{FieldNationalCode, "national code", r.NationalCode, current.NationalCode, "赋码"},
	} {
		switch {
		case f.file == "" || f.file == f.state:
		case f.state == "":
			ch.say(fmt.Sprintf("%s %s not recorded: an import records it for new projects only", f.what, f.file),
				fmt.Sprintf("%s%s未记录：导入只为新项目记录%s", f.whatZH, f.file, f.whatZH))
		case f.field == FieldContent:
			// Sheets word what is built each their own way: not a conflict.
			ch.say(fmt.Sprintf("%s differs from the ledger's, left as it is: ledger correct facts --content changes it", f.what),
				fmt.Sprintf("%s与台账中的不同，保持不变：可用 ledger correct facts --content 修改", f.whatZH))
		default:
			differs(r.column(f.field, ""), f.file, f.state, f.file, f.state)
		}
	}
	reason := r.Reason
	if reason == "" {
		reason = o.Reason
	}
	if r.Leader != current.Leader {
		why := reason
		if why == "" {
			why = "计划表中调整"
		}
		ch.Commands = append(ch.Commands, domain.AssignLeader{Meta: meta, Project: r.Project, Leader: r.Leader, Reason: why, On: o.On})
		ch.say(fmt.Sprintf("leader %s -> %s", current.Leader, r.Leader), fmt.Sprintf("包保领导%s → %s", current.Leader, r.Leader))
	}
	withdrawReason, withdrawReasonZH := reason, reason
	if withdrawReason == "" {
		// What is stored is in the office's language, whatever --lang
		// prints.
		withdrawReason = "计划表 " + file + " 中已清空"
		withdrawReasonZH = withdrawReason
	}
	final := map[domain.Milestone]planned{}
	stored := map[domain.Milestone]planned{}
	for m, dl := range current.Deadlines {
		final[m], stored[m] = planned{dl.Due, false}, planned{dl.Due, false}
	}
	inRow := make(map[domain.Milestone]domain.Date, len(r.Deadlines))
	precision := make(map[domain.Milestone]domain.Precision, len(r.Deadlines))
	for _, d := range r.Deadlines {
		inRow[d.Milestone], precision[d.Milestone] = d.Due, d.Precision
	}
	var fresh []domain.PlannedDeadline
	cleared := make(map[domain.Milestone]bool, len(r.cleared))
	for _, m := range r.cleared {
		cleared[m] = true
	}
	// The commands go in an order whose every step keeps an ordered plan
	// ordered: withdrawals, deadlines moved later (last node first),
	// deadlines moved earlier (first node first), then new deadlines.
	var withdrawals, later, earlier, added []domain.Command
	for _, m := range domain.Milestones {
		dl := current.Deadlines[m]
		reached, isReached := current.Reached(m)
		due, filled := inRow[m]
		switch {
		case filled:
			col := r.column(FieldDeadline, m)
			switch {
			case dl == nil && isReached:
				ch.say(fmt.Sprintf("%s: reached on %s, not planned", m, reached), fmt.Sprintf("%s：已于%s完成，不再安排期限", m.Chinese(), reached))
			case dl == nil:
				added = append(added, domain.PlanMilestone{Meta: meta, Project: r.Project, Milestone: m, Due: due, On: o.On, Precision: precision[m]})
				ch.say(fmt.Sprintf("%s: plan %s", m, precision[m].Format(due)), fmt.Sprintf("%s：计划%s", m.Chinese(), precision[m].Format(due)))
				fresh = append(fresh, domain.PlannedDeadline{Milestone: m, Due: due, Precision: precision[m]})
				final[m] = planned{due, true}
			case dl.Due == due:
				final[m] = planned{due, true}
			case isReached:
				bad(col, fmt.Sprintf("'%s' differs from the deadline %s, but %s was reached on %s; expected %s (a reached milestone keeps its deadline)", due, dl.Due, m, reached, dl.Due),
					fmt.Sprintf("“%s”与期限%s不一致，而%s已于%s完成；应为%s（已完成的节点保留其期限）", due, dl.Due, m.Chinese(), reached, dl.Due))
			case reason == "":
				bad(col, fmt.Sprintf("deadline moved from %s to %s without a reason; expected a 调整原因/reason cell or --reason", dl.Due, due),
					fmt.Sprintf("期限由%s调整为%s，但未说明原因；请填写调整原因列，或用 --reason 说明", dl.Due, due))
			default:
				c := domain.ReviseDeadline{Meta: meta, Project: r.Project, Milestone: m, Due: due, Reason: reason, On: o.On, Precision: precision[m]}
				fresh = append(fresh, domain.PlannedDeadline{Milestone: m, Due: due, Precision: precision[m]})
				if due > dl.Due {
					later = append([]domain.Command{c}, later...)
				} else {
					earlier = append(earlier, c)
				}
				ch.say(fmt.Sprintf("%s: %s -> %s (baseline %s): %s", m, dl.Due, due, dl.Baseline, reason),
					fmt.Sprintf("%s：%s → %s（原定%s）：%s", m.Chinese(), dl.Due, due, dl.Baseline, reason))
				final[m] = planned{due, true}
			}
		case cleared[m] && dl != nil && isReached:
			ch.say(fmt.Sprintf("%s deadline %s kept: reached on %s (cell cleared)", m, dl.Due, reached),
				fmt.Sprintf("%s期限%s保留：已于%s完成（单元格已清空）", m.Chinese(), dl.Due, reached))
		case cleared[m] && dl != nil:
			w := domain.WithdrawDeadline{Meta: meta, Project: r.Project, Milestone: m, Reason: withdrawReason, On: o.On}
			ch.Cleared = append(ch.Cleared, w)
			if o.WithdrawCleared {
				withdrawals = append(withdrawals, w)
				delete(final, m)
				ch.say(fmt.Sprintf("withdraw %s deadline %s (cell cleared): %s", m, dl.Due, withdrawReason),
					fmt.Sprintf("撤销%s期限%s（单元格已清空）：%s", m.Chinese(), dl.Due, withdrawReasonZH))
			} else {
				ch.say(fmt.Sprintf("withdraw %s deadline %s (cell cleared): applied only with --withdraw-cleared", m, dl.Due),
					fmt.Sprintf("撤销%s期限%s（单元格已清空）：仅在使用 --withdraw-cleared 时执行", m.Chinese(), dl.Due))
			}
		}
	}
	ch.Commands = append(ch.Commands, withdrawals...)
	deadlines := len(ch.Commands)
	ch.Commands = append(append(append(ch.Commands, later...), earlier...), added...)
	confirm, ops := checkOrder(file, r, final, stored, len(ch.Commands) > deadlines, o)
	ps = append(ps, ops...)
	if confirm != nil {
		for i, c := range ch.Commands[deadlines:] {
			switch c := c.(type) {
			case domain.ReviseDeadline:
				c.ConfirmOrder = true
				ch.Commands[deadlines+i] = c
			case domain.PlanMilestone:
				c.ConfirmOrder = true
				ch.Commands[deadlines+i] = c
			}
		}
		for _, c := range confirm {
			ch.say(c.en, c.zh)
		}
	}
	ch.pastDeadlines(fresh, o.On)
	ch.annualPlan(r, current, meta, o, bad)
	ch.reachedLater(r)
	return ch, check(file, r, current, ch, o, ps)
}

// reachedLater says where the dates reached a plan sheet gives are
// stored: by the progress import, which records steps.
func (ch *Change) reachedLater(r Row) {
	for _, re := range r.Reached {
		ch.say(fmt.Sprintf("%s reached %s (%s): stored by ledger import progress, not by the plan", re.Milestone, re.On, re.column),
			fmt.Sprintf("%s于%s完成（%s）：由 ledger import progress 保存，计划导入不保存", re.Milestone.Chinese(), re.On, re.column))
	}
}

// pastDeadlines warns of deadlines planned or moved to a day already past:
// the watcher reports each one missed.
func (ch *Change) pastDeadlines(dls []domain.PlannedDeadline, on domain.Date) {
	for _, d := range dls {
		if !on.IsZero() && d.Due < on {
			ch.warn(fmt.Sprintf("%s is due %s, already past on %s: it will be reported missed unless it is reached",
				d.Milestone, d.Precision.Format(d.Due), on),
				fmt.Sprintf("%s期限%s，至%s已过：如未完成，将报为逾期", d.Milestone.Chinese(), d.Precision.Format(d.Due), on))
		}
	}
}

// annualPlan adds the year's planned investment a row gives, when the
// ledger has another (with the row's reason) or none.
func (ch *Change) annualPlan(r Row, current domain.Project, meta domain.Meta, o Options, bad func(column, en, zh string)) {
	if r.AnnualPlan <= 0 || r.AnnualYear == 0 {
		return
	}
	had, ok := current.AnnualPlan[r.AnnualYear]
	if ok && had == r.AnnualPlan {
		return
	}
	reason := r.Reason
	if reason == "" {
		reason = o.Reason
	}
	if ok && reason == "" {
		bad(r.column(FieldAnnualPlan, ""), fmt.Sprintf("the %d planned investment %s yuan differs from the ledger's %s yuan without a reason; expected a 调整原因/reason cell or --reason",
			r.AnnualYear, domain.FormatYuan(r.AnnualPlan), domain.FormatYuan(had)),
			fmt.Sprintf("%d年计划投资%s元与台账中的%s元不一致，但未说明原因；请填写调整原因列，或用 --reason 说明",
				r.AnnualYear, domain.FormatYuan(r.AnnualPlan), domain.FormatYuan(had)))
		return
	}
	if !ok {
		reason = ""
	}
	ch.Commands = append(ch.Commands, domain.PlanInvestment{Meta: meta, Project: r.Project, Year: r.AnnualYear, Amount: r.AnnualPlan, Reason: reason, On: o.On})
	ch.say(fmt.Sprintf("plan %d investment %s yuan", r.AnnualYear, domain.FormatYuan(r.AnnualPlan)),
		fmt.Sprintf("%d年计划投资%s元", r.AnnualYear, domain.FormatYuan(r.AnnualPlan)))
}

// backwards returns the pairs of plan whose deadlines run backwards.
func backwards(plan map[domain.Milestone]planned) [][2]domain.Milestone {
	var out [][2]domain.Milestone
	for _, pair := range domain.PlanOrder() {
		a, okA := plan[pair[0]]
		b, okB := plan[pair[1]]
		if okA && okB && b.due < a.due {
			out = append(out, pair)
		}
	}
	return out
}

// checkOrder checks the order of the plan a row leaves (final; stored is
// the ledger's plan before the row) when the row plans or moves deadlines
// (planning). A plan that runs backwards is a problem per pair, or with
// o.ConfirmOrder confirmed. confirm is not nil when the row's plan
// commands need ConfirmOrder: the plan they leave runs backwards, or the
// stored one does and the row puts it in order, one deadline at a time.
// It holds the lines that say so.
func checkOrder(file string, r Row, final, stored map[domain.Milestone]planned, planning bool, o Options) (confirm []bilingual, ps Problems) {
	if !planning {
		return nil, nil
	}
	pairs := backwards(final)
	if len(pairs) == 0 {
		if len(backwards(stored)) > 0 {
			return []bilingual{{"deadlines put back in the order of the nodes", "各节点期限已恢复为节点先后顺序"}}, nil
		}
		return nil, nil
	}
	say := func(m domain.Milestone) string {
		p := final[m]
		if p.inFile {
			return fmt.Sprintf("%s due %s", m, p.due)
		}
		return fmt.Sprintf("%s due %s (as the ledger has it)", m, p.due)
	}
	sayZH := func(m domain.Milestone) string {
		p := final[m]
		if p.inFile {
			return fmt.Sprintf("%s期限%s", m.Chinese(), p.due)
		}
		return fmt.Sprintf("%s期限%s（台账现有）", m.Chinese(), p.due)
	}
	for _, pair := range pairs {
		first, then := pair[0], pair[1]
		if o.ConfirmOrder {
			confirm = append(confirm, bilingual{
				fmt.Sprintf("%s is before %s: stored as confirmed (--confirm-order)", say(then), say(first)),
				fmt.Sprintf("%s早于%s：经确认按原样保存（--confirm-order）", sayZH(then), sayZH(first))})
			continue
		}
		column := ""
		switch {
		case final[then].inFile:
			column = r.column(FieldDeadline, then)
		case final[first].inFile:
			column = r.column(FieldDeadline, first)
		}
		ps = append(ps, problem(file, r.Line, column, fmt.Sprintf(
			"%s is before %s; expected %s on or after %s, or --confirm-order to store the plan as it is",
			say(then), say(first), then, first),
			fmt.Sprintf("%s早于%s；%s应不早于%s，或用 --confirm-order 按原样保存计划",
				sayZH(then), sayZH(first), then.Chinese(), first.Chinese())))
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return confirm, nil
}

// check runs the change's commands through the domain on a copy of the
// state, so a refusal is a problem now rather than half an import later.
func check(file string, r Row, current domain.Project, ch Change, o Options, ps Problems) Problems {
	if len(ps) > 0 {
		return ps
	}
	state := current
	if !state.Registered {
		state = domain.NewProject(r.Project)
	} else {
		// Evolve changes maps in place: work on a private copy.
		state = current.Clone()
	}
	for _, c := range ch.Commands {
		events, err := domain.Decide(state, c, o.Now)
		if err != nil {
			return append(ps, problem(file, r.Line, "", err.Error(), chinese(err, "台账不接受该行："+err.Error())))
		}
		for _, e := range events {
			domain.Evolve(&state, e)
		}
	}
	return ps
}

// chinese is the domain's own Chinese text of err where it has one (a
// refusal or an input error with a Chinese method), else otherwise.
func chinese(err error, otherwise string) string {
	var c interface{ Chinese() string }
	if errors.As(err, &c) {
		if s := c.Chinese(); s != "" && s != err.Error() {
			return s
		}
	}
	return otherwise
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Executor stores one command: the event store, in production.
type Executor interface {
	Execute(ctx context.Context, c domain.Command) (events int, err error)
}

// ExecutorFunc adapts a function to Executor.
type ExecutorFunc func(ctx context.Context, c domain.Command) (int, error)

// Execute implements Executor.
func (f ExecutorFunc) Execute(ctx context.Context, c domain.Command) (int, error) { return f(ctx, c) }

// Registrar stores registrations of projects that have no events yet, many
// at a time, each all or none (the event store's RegisterEach), and says
// how many events each stored: 0 for one found already stored.
type Registrar interface {
	RegisterEach(ctx context.Context, cmds []domain.RegisterProject) (events []int, err error)
}

// bulkSize is how many registrations Apply hands a Registrar at once, and
// bulkWorkers how many such calls run at a time.
const (
	bulkSize    = 111
	bulkWorkers = 4
)

// StoreError is what stopped Apply, and the row it came from: Error says
// it in English, In in either language.
type StoreError struct {
	en, zh string
	err    error
}

// Error implements error.
func (e *StoreError) Error() string { return e.en }

// Unwrap returns the store's error.
func (e *StoreError) Unwrap() error { return e.err }

// In is the error in Chinese (zh) or English; the store's own words are
// kept as it gives them.
func (e *StoreError) In(zh bool) string {
	if zh {
		return e.zh
	}
	return e.en
}

// Applied is what Apply stored.
type Applied struct {
	Commands int
	Events   int
	// Rows counts the rows that stored at least one event; Already the
	// rows whose every command was found stored already (by another
	// import running at the same time, or an earlier run).
	Rows, Already int
}

// Apply stores the changes: the commands of one row in order, rows in
// parallel (workers at a time). Rows that only register a new project go
// to reg in bulk when reg is not nil. Apply stops at the first failure and
// returns it with the row it came from; re-running the import then stores
// only what is still missing, so an interrupted import converges to a
// clean one. progress, if not nil, is called after each row.
func Apply(parent context.Context, ex Executor, reg Registrar, file string, changes []Change, workers int, progress func()) (Applied, error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	var (
		commands, events atomic.Int64
		rows, already    atomic.Int64
		once             sync.Once
		firstErr         error
		wg               sync.WaitGroup
	)
	if reg != nil {
		var rest []Change
		type chunk struct {
			cmds []domain.RegisterProject
			rows []Change
		}
		var chunks []chunk
		for _, ch := range changes {
			if len(ch.Commands) != 1 {
				rest = append(rest, ch)
				continue
			}
			r, ok := ch.Commands[0].(domain.RegisterProject)
			if !ok {
				rest = append(rest, ch)
				continue
			}
			if len(chunks) == 0 || len(chunks[len(chunks)-1].cmds) == bulkSize {
				chunks = append(chunks, chunk{})
			}
			last := &chunks[len(chunks)-1]
			last.cmds, last.rows = append(last.cmds, r), append(last.rows, ch)
		}
		// A few chunks at once: the client seals one while the server
		// commits another.
		work := make(chan chunk)
		for range min(bulkWorkers, len(chunks)) {
			wg.Go(func() {
				for c := range work {
					if ctx.Err() != nil {
						continue // failed or interrupted: send nothing more
					}
					each, err := reg.RegisterEach(ctx, c.cmds)
					for _, n := range each {
						events.Add(int64(n))
						if n > 0 {
							rows.Add(1)
						} else {
							already.Add(1)
						}
					}
					if err != nil {
						once.Do(func() {
							first, last := c.rows[0].Row.Line, c.rows[len(c.rows)-1].Row.Line
							firstErr = &StoreError{en: fmt.Sprintf("%s: rows %d to %d: %v", file, first, last, err),
								zh: fmt.Sprintf("%s：第%d行至第%d行：%s", file, first, last, chinese(err, err.Error())), err: err}
							cancel()
						})
						continue
					}
					commands.Add(int64(len(c.cmds)))
					for range c.rows {
						if progress != nil {
							progress()
						}
					}
				}
			})
		}
		for _, c := range chunks {
			if ctx.Err() != nil {
				break
			}
			work <- c
		}
		close(work)
		wg.Wait()
		if firstErr != nil {
			return Applied{Commands: int(commands.Load()), Events: int(events.Load()), Rows: int(rows.Load()), Already: int(already.Load())}, firstErr
		}
		changes = rest
	}
	work := make(chan Change)
	for range max(workers, 1) {
		wg.Go(func() {
			for ch := range work {
				stored, done := 0, 0
				for _, c := range ch.Commands {
					if ctx.Err() != nil {
						break // failed or interrupted: send nothing more
					}
					n, err := ex.Execute(ctx, c)
					if err != nil {
						once.Do(func() {
							firstErr = &StoreError{en: fmt.Sprintf("%s: row %d: %v", file, ch.Row.Line, err),
								zh: fmt.Sprintf("%s：第%d行：%s", file, ch.Row.Line, chinese(err, err.Error())), err: err}
							cancel()
						})
						break
					}
					commands.Add(1)
					events.Add(int64(n))
					stored += n
					done++
				}
				switch {
				case stored > 0:
					rows.Add(1)
				case done > 0 && done == len(ch.Commands):
					already.Add(1)
				}
				if progress != nil {
					progress()
				}
			}
		})
	}
	for _, ch := range changes {
		select {
		case work <- ch:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(work)
	wg.Wait()
	applied := Applied{Commands: int(commands.Load()), Events: int(events.Load()), Rows: int(rows.Load()), Already: int(already.Load())}
	if firstErr == nil && parent.Err() != nil {
		firstErr = &StoreError{en: fmt.Sprintf("%s: interrupted after %d commands: %v", file, applied.Commands, parent.Err()),
			zh: fmt.Sprintf("%s：保存%d条命令后被中断", file, applied.Commands), err: parent.Err()}
	}
	return applied, firstErr
}

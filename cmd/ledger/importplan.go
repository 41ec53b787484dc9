package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/plan"
	"github.com/keyprojects/ledger/projections"
)

// progressFrom is how many rows an import needs before it shows a bar.
const progressFrom = 300

func (a *app) importCommand() *cobra.Command {
	c := &cobra.Command{Use: "import", Short: "Import data from spreadsheets"}
	var (
		dryRun                 bool
		reason, encoding, lang string
		run                    importRun
	)
	p := &cobra.Command{
		Use:   "plan FILE",
		Short: "Import the back-scheduled plan (倒逼进度表) from .csv or .xlsx: new projects, moved deadlines, new leaders",
		Long: `import plan reads one row per project (headers in English or Chinese; see
ledger template plan) and checks the whole file first: every problem is listed
with its row and column, and nothing is stored from a file with problems.
Then it stores what changed since the ledger last saw the plan: a new project
is registered with its deadlines, a moved deadline is revised with the row's
reason (or --reason), a new leader is assigned. Re-importing the same file
stores nothing; an interrupted import re-run converges to one clean run.

An empty deadline cell of a milestone the ledger has planned and not reached
withdraws that deadline, but only with --withdraw-cleared; without it the
import stores the rest and says how many cleared cells it left alone.
Deadlines that run backwards through the nodes (开工 due before 签约) are a
problem unless --confirm-order.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			zh, err := a.chinese(lang)
			if err != nil {
				return err
			}
			enc, err := plan.ParseEncoding(encoding)
			if err != nil {
				return tongue(zh).encodingError(err)
			}
			run.reason, run.dryRun, run.zh = reason, dryRun, zh
			return a.importPlanRun(cmd.Context(), args[0], enc, run)
		},
	}
	p.Flags().BoolVar(&dryRun, "dry-run", false, "print what would be stored, project by project, and store nothing")
	p.Flags().StringVar(&reason, "reason", "", "reason for moved or withdrawn deadlines on rows without a reason cell")
	p.Flags().StringVar(&encoding, "encoding", "auto", "CSV text encoding: auto, utf-8 or gb18030 (Chinese Excel's CSV)")
	p.Flags().IntVar(&run.workers, "workers", 32, "projects stored in parallel (the server holds 50 open atomic batches per stream)")
	p.Flags().BoolVar(&run.withdrawCleared, "withdraw-cleared", false,
		"withdraw the planned, unreached deadlines whose cells the file leaves empty")
	p.Flags().StringVar(&run.unit, "unit", "", "the responsible unit (责任单位) of every row that names none, e.g. the sheet's 报送单位")
	p.Flags().StringVar(&run.leader, "leader", "", "the responsible leader (包保领导) of every row that names none")
	p.Flags().BoolVar(&run.confirmOrder, "confirm-order", false,
		"store rows whose deadlines run backwards through the nodes (开工 due before 签约)")
	a.langFlag(p, &lang)
	c.AddCommand(p, a.importProgressCommand())
	return c
}

// readSheetFile reads a sheet file (a plan or a progress sheet) and
// returns it with the file's bytes, which name its import. Its errors are
// said in the import's language.
func readSheetFile(path string, enc plan.Encoding, t tongue) (plan.Sheet, []byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return plan.Sheet{}, nil, err
	}
	sheet, err := readPlan(path, data, enc, t)
	if err != nil && t {
		return sheet, data, errors.New(plan.ErrorIn(err, true))
	}
	return sheet, data, err
}

// readPlan reads a plan file's data by the file's extension.
func readPlan(path string, data []byte, enc plan.Encoding, t tongue) (plan.Sheet, error) {
	name := filepath.Base(path)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".txt":
		return plan.ReadCSV(name, data, enc)
	case ".xlsx":
		return plan.ReadXLSX(name, bytes.NewReader(data))
	}
	return plan.Sheet{}, fmt.Errorf(t.say("%s: expected a .csv or .xlsx file", "%s：应为.csv或.xlsx文件"), name)
}

// importRun is one import: the options that are not the file.
type importRun struct {
	// unit and leader are given to rows without one (--unit, --leader).
	unit, leader string
	reason       string
	dryRun       bool
	workers      int
	// withdrawCleared withdraws the deadlines of cleared cells;
	// confirmOrder stores plans that run backwards.
	withdrawCleared, confirmOrder bool
	// zh prints the import's notes, rows, problems and summaries in
	// Chinese (--lang zh).
	zh bool
	// wrap, when not nil, wraps what the changes are stored through
	// (tests use it to fail part way).
	wrap func(plan.Executor, plan.Registrar) (plan.Executor, plan.Registrar)
}

// importPlan imports a plan file.
func (a *app) importPlan(ctx context.Context, path string, enc plan.Encoding, reason string, dryRun bool, workers int,
	wrap func(plan.Executor, plan.Registrar) (plan.Executor, plan.Registrar)) error {
	return a.importPlanRun(ctx, path, enc, importRun{reason: reason, dryRun: dryRun, workers: workers, wrap: wrap})
}

// importPlanRun imports a plan file with every option of run.
func (a *app) importPlanRun(ctx context.Context, path string, enc plan.Encoding, run importRun) error {
	sheet, data, err := readSheetFile(path, enc, tongue(run.zh))
	if err != nil {
		return err
	}
	return a.withSession(ctx, func(s *session) error {
		return a.importSheet(ctx, s, sheet, data, run)
	})
}

// importSheet checks a plan read from data against the ledger and stores
// what changed, or prints it on a dry run.
func (a *app) importSheet(ctx context.Context, sess *session, sheet plan.Sheet, data []byte, run importRun) error {
	s := sess.store
	t := tongue(run.zh)
	sheetOpts := plan.SheetOptions{Unit: run.unit, Leader: run.leader, Year: a.today().Year()}
	rows, problems := plan.RowsWith(sheet, sheetOpts)
	if len(problems) > 0 {
		return a.planProblems(problems, t)
	}
	if run.dryRun {
		a.printNotes(plan.NotesIn(sheet, sheetOpts, run.zh), t)
	}
	opts, err := a.importOptions("import-", data, run.reason)
	if err != nil {
		return err
	}
	opts.WithdrawCleared, opts.ConfirmOrder = run.withdrawCleared, run.confirmOrder
	states, err := a.projectStates(ctx, sess, t)
	if err != nil {
		return err
	}
	rows, problems = plan.AssignIDs(sheet.File, rows, states)
	if len(problems) > 0 {
		return a.planProblems(problems, t)
	}
	rows, problems = plan.CanonicalNames(sheet.File, rows, states[domain.UnitRegisterID].Units)
	if len(problems) > 0 {
		return a.planProblems(problems, t)
	}
	var changes []plan.Change
	var commands, fresh, changed, leftAlone, warnings, cellNotes int
	for _, r := range rows {
		ch, ps := plan.Diff(sheet.File, r, states[r.Project], opts)
		problems = append(problems, ps...)
		if !run.withdrawCleared {
			leftAlone += len(ch.Cleared)
		}
		warnings += len(ch.Warnings)
		for _, n := range r.Notes {
			if !strings.HasPrefix(n, "no project code") {
				cellNotes++
			}
		}
		if len(ch.Commands) > 0 {
			changes = append(changes, ch)
			commands += len(ch.Commands)
			if states[r.Project].Registered {
				changed++
			} else {
				fresh++
			}
		}
		if run.dryRun && len(ps) == 0 {
			a.printChange(ch, t)
		}
	}
	if len(problems) > 0 {
		return a.planProblems(problems, t)
	}
	if run.dryRun {
		fmt.Fprintf(a.stdout, t.say("dry run: %d rows; would store %d commands (%d new projects, %d changed); nothing stored\n",
			"试运行：共%d行；将保存%d条命令（新项目%d个，有变化%d个）；未保存任何内容\n"),
			len(rows), commands, fresh, changed)
		if leftAlone > 0 {
			fmt.Fprintf(a.stdout, t.say("%s listed above would stay planned: they are withdrawn only with --withdraw-cleared\n",
				"上列%s将保持原计划：仅在使用 --withdraw-cleared 时撤销\n"), t.clearedCells(leftAlone))
		}
		if warnings > 0 {
			fmt.Fprintf(a.stdout, t.say("%d deadlines listed above are already past: each will be reported missed unless it is reached\n",
				"上列%d个期限已过：如未完成，将逐一报为逾期\n"), warnings)
		}
		return nil
	}
	// Said after the summary of a stored import.
	leftNote := func() {
		if cellNotes > 0 {
			fmt.Fprintf(a.stdout, t.say("%d cells stored nothing (a node reached without a date, in progress, or a month to check): --dry-run lists them\n",
				"%d个单元格未保存任何内容（节点已完成但没有日期、正在办理，或月份待核对）：--dry-run 可逐一列出\n"), cellNotes)
		}
		if warnings > 0 {
			fmt.Fprintf(a.stdout, t.say("%d deadlines stored were already past: each will be reported missed unless it is reached (--dry-run lists them)\n",
				"已保存的期限中有%d个已过：如未完成，将逐一报为逾期（--dry-run 可逐一列出）\n"), warnings)
		}
		if leftAlone > 0 {
			fmt.Fprintf(a.stdout, t.say("left %s alone: their deadlines stay planned; --dry-run lists them, and importing again with --withdraw-cleared withdraws them\n",
				"%s未处理：其期限仍按原计划；--dry-run 可逐一列出，加 --withdraw-cleared 再次导入即撤销\n"),
				t.clearedCells(leftAlone))
		}
	}
	start := time.Now()
	bar := a.progress(len(changes), t)
	var ex plan.Executor = plan.ExecutorFunc(func(ctx context.Context, c domain.Command) (int, error) {
		res, err := s.Execute(ctx, c)
		if res.AlreadyStored {
			return 0, err
		}
		return len(res.Records), err
	})
	var reg plan.Registrar = s
	if run.wrap != nil {
		ex, reg = run.wrap(ex, reg)
	}
	applied, err := plan.Apply(ctx, ex, reg, sheet.File, changes, run.workers, bar)
	if err != nil {
		return t.storeFailed(err, applied.Events)
	}
	if applied.Already > 0 {
		// Another import stored some of these rows between the diff and
		// this one's writes: say what this run stored, not what it meant to.
		fmt.Fprintf(a.stdout, t.say("imported %s (%s): %d rows, %d stored now, %d already stored by another import running at the same time, %d unchanged; %d events stored in %.2fs\n",
			"已导入%s（%s）：共%d行，本次保存%d行，另有%d行已由同时运行的另一次导入保存，无变化%d行；保存事件%d条，用时%.2f秒\n"),
			sheet.File, sheet.Encoding, len(rows), applied.Rows, applied.Already, len(rows)-fresh-changed, applied.Events, time.Since(start).Seconds())
		leftNote()
		return nil
	}
	fmt.Fprintf(a.stdout, t.say("imported %s (%s): %d rows, %d new projects, %d changed, %d unchanged; %d events stored in %.2fs\n",
		"已导入%s（%s）：共%d行，新项目%d个，有变化%d个，无变化%d个；保存事件%d条，用时%.2f秒\n"),
		sheet.File, sheet.Encoding, len(rows), fresh, changed, len(rows)-fresh-changed, applied.Events, time.Since(start).Seconds())
	leftNote()
	return nil
}

// tongue is the language an import speaks: Chinese when true (--lang
// zh), else English.
type tongue bool

// say is en, or zh in Chinese.
func (t tongue) say(en, zh string) string {
	if t {
		return zh
	}
	return en
}

// saidAs is an error said in other words: the import's language.
type saidAs struct {
	text string
	err  error
}

func (e saidAs) Error() string { return e.text }
func (e saidAs) Unwrap() error { return e.err }

// encodingError is the usage error of an --encoding that is not one.
func (t tongue) encodingError(err error) error {
	return usageError{fmt.Errorf(t.say("--encoding: %s", "--encoding：%s"), plan.ErrorIn(err, bool(t)))}
}

// storeFailed is the error of an import that failed part way, events
// stored before it.
func (t tongue) storeFailed(err error, events int) error {
	var se *plan.StoreError
	if bool(t) && errors.As(err, &se) && se.Error() == err.Error() {
		return saidAs{fmt.Sprintf("%s（此前已保存事件%d条；请修正该行后重新导入：已保存的不会重复保存）", se.In(true), events), err}
	}
	return fmt.Errorf(t.say("%w (%d events were stored before it; fix the row and import the file again: what is stored is not stored twice)",
		"%w（此前已保存事件%d条；请修正该行后重新导入：已保存的不会重复保存）"), err, events)
}

// printNotes prints what the sheet reader guessed, for a dry run.
func (a *app) printNotes(notes []string, t tongue) {
	for _, n := range notes {
		fmt.Fprintf(a.stdout, t.say("read: %s\n", "读取：%s\n"), n)
	}
}

// importOptions are the options every command of an import of data
// carries: the actor, a correlation id from the file's digest, today.
func (a *app) importOptions(prefix string, data []byte, reason string) (plan.Options, error) {
	meta, err := a.meta("", "")
	if err != nil {
		return plan.Options{}, err
	}
	digest := sha256.Sum256(data)
	return plan.Options{Actor: meta.Actor, CorrelationID: prefix + hex.EncodeToString(digest[:6]),
		On: a.today(), Reason: reason, Now: a.clock.Now()}, nil
}

// projectStates returns the current state of every project, from the
// projection rows brought up to date: by this process when it owns the
// data folder, else by the server's runner, which it waits for (writing
// them here too would race that runner).
func (a *app) projectStates(ctx context.Context, sess *session, t tongue) (map[domain.ProjectID]domain.Project, error) {
	runner := projections.NewRunner(sess.store)
	if sess.owned {
		if _, err := runner.CatchUp(ctx); err != nil {
			return nil, fmt.Errorf(t.say("read the ledger's projects: %w", "读取台账中的项目出错：%w"), err)
		}
	} else if behind, err := waitCaughtUp(ctx, runner, 10*time.Second); err != nil && !errors.Is(err, projections.ErrNoProjections) {
		return nil, err
	} else if behind > 0 || errors.Is(err, projections.ErrNoProjections) {
		return nil, errors.New(t.say("the server's projections are not current (is `ledger serve` running its runner?); the import needs them to compare the plan with the ledger",
			"服务器的投影不是最新的（`ledger serve` 是否在运行其投影更新？）；导入要靠它们把计划表与台账比对"))
	}
	snap, err := runner.Storage().Read(ctx)
	if err != nil && !errors.Is(err, projections.ErrNoProjections) {
		return nil, err
	}
	states := make(map[domain.ProjectID]domain.Project, len(snap.Rows))
	for _, r := range snap.Rows {
		states[r.ID] = r.Project
	}
	return states, nil
}

// clearedCells counts cleared deadline cells in words.
func (t tongue) clearedCells(n int) string {
	if t {
		return fmt.Sprintf("%d个已清空的期限单元格", n)
	}
	if n == 1 {
		return "1 cleared deadline cell"
	}
	return fmt.Sprintf("%d cleared deadline cells", n)
}

// planProblems prints every problem of a plan file on stderr and returns
// the error that ends the command.
func (a *app) planProblems(ps plan.Problems, t tongue) error {
	zh := bool(t)
	for _, p := range ps[:len(ps)-1] {
		fmt.Fprintln(a.stderr, "ledger: "+p.In(zh))
	}
	if zh {
		return fmt.Errorf("%s（共%d个问题；未保存任何内容）", ps[len(ps)-1].In(zh), len(ps))
	}
	count := fmt.Sprintf("%d problems", len(ps))
	if len(ps) == 1 {
		count = "1 problem"
	}
	return fmt.Errorf("%s (%s in all; nothing stored)", ps[len(ps)-1].String(), count)
}

func (a *app) printChange(ch plan.Change, t tongue) {
	zh := bool(t)
	head := fmt.Sprintf(t.say("row %d  %s %s", "第%d行  %s %s"), ch.Row.Line, ch.Row.Project, ch.Row.Name)
	if len(ch.Lines) == 0 && len(ch.Row.Notes) == 0 {
		fmt.Fprintf(a.stdout, t.say("%s: no change\n", "%s：无变化\n"), head)
		return
	}
	fmt.Fprintf(a.stdout, t.say("%s:\n", "%s：\n"), head)
	for _, l := range ch.Row.NotesIn(zh) {
		fmt.Fprintf(a.stdout, t.say("    note: %s\n", "    说明：%s\n"), l)
	}
	for _, l := range ch.LinesIn(zh) {
		fmt.Fprintf(a.stdout, "    %s\n", l)
	}
	for _, l := range ch.WarningsIn(zh) {
		fmt.Fprintf(a.stdout, t.say("    warning: %s\n", "    提醒：%s\n"), l)
	}
}

// progress returns a callback that advances a progress bar on stderr, or
// nil when stderr is not a terminal or the import is small.
func (a *app) progress(n int, t tongue) func() {
	f, ok := a.stderr.(*os.File)
	if n < progressFrom || !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	bar := progressbar.NewOptions(n, progressbar.OptionSetWriter(f), progressbar.OptionSetDescription(t.say("importing", "正在导入")),
		progressbar.OptionShowCount(), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
	return func() { _ = bar.Add(1) }
}

func (a *app) templateCommand() *cobra.Command {
	c := &cobra.Command{Use: "template", Short: "Write empty spreadsheets with the right headers"}
	var lang, xlsx string
	p := &cobra.Command{
		Use:   "plan",
		Short: "An empty plan with every column and a filled example row (CSV on stdout, or --xlsx FILE)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l := plan.EN
			switch lang {
			case "en":
			case "zh":
				l = plan.ZH
			default:
				return usageError{fmt.Errorf("--lang %q: expected en or zh", lang)}
			}
			if xlsx == "" {
				return plan.WriteTemplateCSV(a.stdout, l)
			}
			var buf bytes.Buffer
			if err := plan.WriteTemplateXLSX(&buf, l); err != nil {
				return err
			}
			if err := os.WriteFile(xlsx, buf.Bytes(), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "wrote %s\n", xlsx)
			return nil
		},
	}
	p.Flags().StringVar(&lang, "lang", defaultLang(), "header language: zh or en (default from LC_ALL, LC_MESSAGES or LANG)")
	p.Flags().StringVar(&xlsx, "xlsx", "", "write an Excel workbook to this file instead of CSV to stdout")
	c.AddCommand(p)
	return c
}

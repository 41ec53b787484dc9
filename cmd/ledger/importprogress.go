package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/plan"
)

// progressRun is one progress import: the options that are not the file.
type progressRun struct {
	month, reason string
	lang          string
	dryRun        bool
	raiseIssues   bool
	workers       int
}

func (a *app) importProgressCommand() *cobra.Command {
	var (
		run      progressRun
		encoding string
	)
	c := &cobra.Command{
		Use:   "progress FILE",
		Short: "Import the monthly progress sheet (月度进度表): dates reached, investment by month, 形象进度, 存在问题",
		Long: `import progress reads the county's monthly progress sheet (.csv or .xlsx,
title rows and merged headers as offices write them) for projects the ledger
holds, found by code or by name. It records the dates milestones were reached
(实际开工时间, or 开工时间 next to 计划开工时间), the investment completed in
each month (1月/完成 …), the month's 形象进度, and, with --raise-issues, each
存在问题 as a supervision item. The whole file is checked first; nothing is
stored from a file with problems, and importing it again stores nothing.

The month the sheet reports comes from its title (截至2026年10月底) or --month.
A figure that differs from one the ledger holds needs --reason; a date that
differs from the one recorded is left as it is and named (ledger correct
record changes it, with a reason).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			zh, err := a.chinese(run.lang)
			if err != nil {
				return err
			}
			enc, err := plan.ParseEncoding(encoding)
			if err != nil {
				return tongue(zh).encodingError(err)
			}
			return a.importProgress(cmd.Context(), args[0], enc, run)
		},
	}
	c.Flags().BoolVar(&run.dryRun, "dry-run", false, "print what would be stored, project by project, and store nothing")
	c.Flags().StringVar(&run.month, "month", "", "the month the sheet reports, YYYY-MM, when its title does not say (截至2026年10月)")
	c.Flags().StringVar(&run.reason, "reason", "", "why figures that differ from the ledger's are corrected")
	c.Flags().BoolVar(&run.raiseIssues, "raise-issues", false, "put each 存在问题 cell on the supervision ledger")
	c.Flags().StringVar(&encoding, "encoding", "auto", "CSV text encoding: auto, utf-8 or gb18030 (Chinese Excel's CSV)")
	c.Flags().IntVar(&run.workers, "workers", 8, "projects stored in parallel")
	a.langFlag(c, &run.lang)
	return c
}

// importProgress imports a progress sheet.
func (a *app) importProgress(ctx context.Context, path string, enc plan.Encoding, run progressRun) error {
	zh, err := a.chinese(run.lang)
	if err != nil {
		return err
	}
	t := tongue(zh)
	sheet, data, err := readSheetFile(path, enc, t)
	if err != nil {
		return err
	}
	month := run.month
	if month == "" {
		month = sheet.Month
	}
	if month == "" {
		return usageError{fmt.Errorf(t.say("%s: the title does not say which month the sheet reports (截至2026年10月); give --month YYYY-MM",
			"%s：标题未注明本表报送的月份（截至2026年10月）；请用 --month YYYY-MM 指定"), sheet.File)}
	}
	m, err := domain.ParseMonth(month)
	if err != nil {
		return usageError{fmt.Errorf(t.say("--month %q: expected YYYY-MM", "--month %q：应为YYYY-MM"), month)}
	}
	opts := plan.SheetOptions{Year: m.FirstDay().Year(), Progress: true}
	rows, problems := plan.RowsWith(sheet, opts)
	if len(problems) > 0 {
		return a.planProblems(problems, t)
	}
	if run.dryRun {
		fmt.Fprintf(a.stdout, t.say("read: the sheet reports %s\n", "读取：本表报送%s的进度\n"), m)
		a.printNotes(plan.NotesIn(sheet, opts, zh), t)
	}
	base, err := a.importOptions("progress-", data, run.reason)
	if err != nil {
		return err
	}
	popts := plan.ProgressOptions{
		Options: base,
		Month:   m, RaiseIssues: run.raiseIssues,
	}
	return a.withSession(ctx, func(sess *session) error {
		states, err := a.projectStates(ctx, sess, t)
		if err != nil {
			return err
		}
		rows, problems := plan.MatchIDs(sheet.File, rows, states)
		if len(problems) > 0 {
			return a.planProblems(problems, t)
		}
		var changes []plan.Change
		var commands, warnings int
		for _, r := range rows {
			ch, ps := plan.ProgressDiff(sheet.File, r, states[r.Project], popts)
			problems = append(problems, ps...)
			warnings += len(ch.Warnings)
			if len(ch.Commands) > 0 {
				changes = append(changes, ch)
				commands += len(ch.Commands)
			}
			if run.dryRun && len(ps) == 0 {
				a.printChange(ch, t)
			}
		}
		if len(problems) > 0 {
			return a.planProblems(problems, t)
		}
		if run.dryRun {
			fmt.Fprintf(a.stdout, t.say("dry run: %d rows; would store %d commands for %d projects; nothing stored\n",
				"试运行：共%d行；将保存%d条命令，涉及%d个项目；未保存任何内容\n"), len(rows), commands, len(changes))
			return nil
		}
		start := time.Now()
		ex := plan.ExecutorFunc(func(ctx context.Context, c domain.Command) (int, error) {
			res, err := sess.store.Execute(ctx, c)
			if res.AlreadyStored {
				return 0, err
			}
			return len(res.Records), err
		})
		applied, err := plan.Apply(ctx, ex, nil, sheet.File, changes, run.workers, nil)
		if err != nil {
			return t.storeFailed(err, applied.Events)
		}
		fmt.Fprintf(a.stdout, t.say("imported progress %s for %s: %d rows, %d projects changed, %d unchanged; %d events stored in %.2fs\n",
			"已导入%s（%s进度）：共%d行，有变化的项目%d个，无变化%d个；保存事件%d条，用时%.2f秒\n"),
			sheet.File, m, len(rows), len(changes), len(rows)-len(changes), applied.Events, time.Since(start).Seconds())
		if warnings > 0 {
			fmt.Fprintf(a.stdout, t.say("%d things to check were left as they are: --dry-run lists them\n",
				"%d处待核对的内容保持不变：--dry-run 可逐一列出\n"), warnings)
		}
		return nil
	})
}

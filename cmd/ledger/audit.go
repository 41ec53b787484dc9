package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections/query"
)

// The auditor's commands: verify, time travel, late entries, deadline and
// leader histories, and bundles.

func (a *app) verifyCommand() *cobra.Command {
	var all bool
	c := &cobra.Command{
		Use:   "verify [PROJECT | --all]",
		Short: "Re-read the events and check every hash and link; name the first broken event per project",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) == 1) {
				return usageError{errors.New("give one PROJECT or --all")}
			}
			var p domain.ProjectID
			if len(args) == 1 {
				id, err := domain.ParseProjectID(args[0])
				if err != nil {
					return err
				}
				p = id
			}
			return a.withStore(cmd.Context(), func(s *eventstore.Store) error {
				start := time.Now()
				v, err := s.Verify(cmd.Context(), p)
				if err != nil {
					return err
				}
				ev, err := checkEvidence(cmd.Context(), s, p)
				if err != nil {
					return err
				}
				secs := time.Since(start).Seconds()
				if a.asJSON {
					if err := a.printJSON(ev.addJSON(map[string]any{"projects": v.Projects, "events": v.Events, "breaks": v.Breaks, "foreign": v.Foreign, "seconds": secs})); err != nil {
						return err
					}
				} else {
					for _, b := range v.Breaks {
						fmt.Fprintln(a.stdout, "BROKEN  "+b.Error())
					}
					if n := len(v.Foreign); n > 0 {
						fmt.Fprintf(a.stdout, "FOREIGN %d messages are not ledger events: stream %s\n", n, sequenceList(v.Foreign))
					}
					zh, _ := a.chinese(a.lang)
					if zh {
						fmt.Fprintf(a.stdout, "已校验 %d 个项目、%d 条记录，用时 %.2f 秒：%d 处断裂\n", v.Projects, v.Events, secs, len(v.Breaks))
					} else {
						fmt.Fprintf(a.stdout, "verified %d projects, %d events in %.2fs: %d broken\n", v.Projects, v.Events, secs, len(v.Breaks))
					}
					ev.print(a, zh)
				}
				if len(v.Breaks) > 0 {
					breaks := "1 break"
					if n := len(v.Breaks); n > 1 {
						breaks = fmt.Sprintf("%d breaks", n)
					}
					return fmt.Errorf("verification failed, %s; the first: %s", breaks, v.Breaks[0].Error())
				}
				if p != "" && v.Events == 0 {
					return fmt.Errorf("project %s has no events", p)
				}
				return ev.failure()
			})
		},
	}
	c.Flags().BoolVar(&all, "all", false, "verify every project in the stream")
	return c
}

func (a *app) auditCommand() *cobra.Command {
	c := &cobra.Command{Use: "audit", Short: "The auditor's views: late entries, deadline and leader histories, bundles"}
	c.AddCommand(a.lateEntriesCommand(), a.auditDeadlinesCommand(), a.auditLeadersCommand(), a.bundleCommand(), a.checkBundleCommand())
	return c
}

func (a *app) lateEntriesCommand() *cobra.Command {
	var days int
	c := &cobra.Command{
		Use:   "late-entries",
		Short: "Events recorded more than --days days after the day they say they happened (backdated entries)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if days < 0 {
				return usageError{fmt.Errorf("--days %d: expected 0 or more", days)}
			}
			ctx := cmd.Context()
			return a.withQueries(ctx, func(qs *query.Service) error {
				r, err := qs.LateEntries(ctx, query.LateEntriesQuery{MinDays: days})
				if err != nil {
					return err
				}
				late := r.Value
				if a.asJSON {
					return a.printJSON(late)
				}
				if zh, _ := a.chinese(a.lang); zh {
					t := a.newTable("项目编号", "序号", "事项", "发生日期", "记录时间", "迟录天数", "记录人", "内容")
					for _, l := range late {
						t.AppendRow(table.Row{l.Project, l.Sequence, domain.EventName(l.Type), l.OccurredOn.String(), l.RecordedAt.In(shanghai()).Format("2006-01-02 15:04"),
							l.DaysLate, l.Actor, l.SummaryChinese})
					}
					t.Render()
					fmt.Fprintf(a.stdout, "共 %d 条记录在发生 %d 天以后才录入\n", len(late), days)
					return nil
				}
				t := a.newTable("project", "seq", "type", "occurred", "recorded", "days late", "actor", "details")
				for _, l := range late {
					t.AppendRow(table.Row{l.Project, l.Sequence, l.Type, l.OccurredOn.String(), l.RecordedAt.In(shanghai()).Format("2006-01-02 15:04"),
						l.DaysLate, l.Actor, l.Summary})
				}
				t.Render()
				fmt.Fprintf(a.stdout, "%d events recorded more than %d days after they happened\n", len(late), days)
				return nil
			})
		},
	}
	c.Flags().IntVar(&days, "days", 7, "report events recorded more than this many days late")
	return c
}

func (a *app) auditDeadlinesCommand() *cobra.Command {
	var asOf, recorded string
	c := &cobra.Command{
		Use:   "deadlines PROJECT",
		Short: "Every deadline with its baseline, each revision (from, to, reason, who, when), its misses and the outcome",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cut, err := a.cut(asOf, recorded)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			return a.withProject(ctx, args[0], func(qs *query.Service, id domain.ProjectID) error {
				r, err := qs.Deadlines(ctx, query.DeadlinesQuery{Project: id, Cut: cut})
				a.noteForeign(id, r.Foreign)
				if err != nil {
					return err
				}
				audits := r.Value
				if a.asJSON {
					return a.printJSON(audits)
				}
				if zh, _ := a.chinese(a.lang); zh {
					t := a.newTable("节点", "基准期限", "调整（原期限 → 新期限，日期，调整人，原因）", "现期限", "已记逾期", "已说明原因", "结果")
					for _, d := range audits {
						var revs []string
						for _, r := range d.Revisions {
							revs = append(revs, fmt.Sprintf("%s → %s，%s，%s（记录于 %s）：%s", r.From, r.To, r.On, r.Actor,
								r.RecordedAt.In(shanghai()).Format("2006-01-02 15:04"), r.Reason))
						}
						t.AppendRow(table.Row{d.Milestone.Chinese(), d.BaselinePrecision.Format(d.Baseline), orNoneZh(strings.Join(revs, "\n")), d.DuePrecision.Format(d.Due),
							orNoneZh(joinDates(d.Missed)), orNoneZh(joinDates(d.Explained)), d.OutcomeChinese})
					}
					t.Render()
					return nil
				}
				t := a.newTable("milestone", "baseline", "revisions (from -> to, on, by, reason)", "due", "missed", "explained", "outcome")
				for _, d := range audits {
					var revs []string
					for _, r := range d.Revisions {
						revs = append(revs, fmt.Sprintf("%s -> %s on %s by %s (recorded %s): %s", r.From, r.To, r.On, r.Actor,
							r.RecordedAt.In(shanghai()).Format("2006-01-02 15:04"), r.Reason))
					}
					t.AppendRow(table.Row{d.Milestone, d.BaselinePrecision.Format(d.Baseline), orNone(strings.Join(revs, "\n")), d.DuePrecision.Format(d.Due),
						orNone(joinDates(d.Missed)), orNone(joinDates(d.Explained)), d.Outcome})
				}
				t.Render()
				return nil
			})
		},
	}
	c.Flags().StringVar(&asOf, "as-of", "", "as the deadlines stood on this business date, YYYY-MM-DD")
	c.Flags().StringVar(&recorded, "as-of-recorded", "", "as the ledger knew them at this time")
	return c
}

func joinDates(ds []domain.Date) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = d.String()
	}
	return strings.Join(s, ", ")
}

func (a *app) auditLeadersCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "leaders PROJECT",
		Short: "Who was the responsible leader when",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return a.withProject(ctx, args[0], func(qs *query.Service, id domain.ProjectID) error {
				r, err := qs.Leaders(ctx, id)
				a.noteForeign(id, r.Foreign)
				if err != nil {
					return err
				}
				terms := r.Value
				if a.asJSON {
					return a.printJSON(terms)
				}
				if zh, _ := a.chinese(a.lang); zh {
					t := a.newTable("包保领导", "起", "止")
					for _, l := range terms {
						until := "至今"
						if !l.To.IsZero() {
							until = l.To.String()
						}
						t.AppendRow(table.Row{l.Leader, l.From.String(), until})
					}
					t.Render()
					return nil
				}
				t := a.newTable("leader", "from", "until")
				for _, l := range terms {
					until := "now"
					if !l.To.IsZero() {
						until = l.To.String()
					}
					t.AppendRow(table.Row{l.Leader, l.From.String(), until})
				}
				t.Render()
				return nil
			})
		},
	}
}

func (a *app) bundleCommand() *cobra.Command {
	var out string
	var withEvidence bool
	c := &cobra.Command{
		Use:   "bundle PROJECT -o FILE [--evidence]",
		Short: "Write a self-contained file with the project's events, hashes and the stream checkpoint, to verify offline",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := domain.ParseProjectID(args[0])
			if err != nil {
				return err
			}
			if out == "" {
				return usageError{errors.New("-o FILE is required")}
			}
			return a.withStore(cmd.Context(), func(s *eventstore.Store) error {
				v, err := s.Verify(cmd.Context(), id)
				if err != nil {
					return err
				}
				if len(v.Breaks) > 0 {
					return fmt.Errorf("not bundling a broken history: %s", v.Breaks[0].Error())
				}
				b, err := s.Bundle(cmd.Context(), id, bundleEvidence(s, withEvidence)...)
				if err != nil {
					return err
				}
				var buf bytes.Buffer
				if err := eventstore.WriteBundle(&buf, b); err != nil {
					return err
				}
				if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "wrote %s: %d events of %s, stream %s up to sequence %d; check it with: ledger audit check-bundle %s\n",
					out, len(b.Events), id, b.Stream, b.StreamLastSeq, out)
				printBundleEvidence(a, b)
				return nil
			})
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "the bundle file to write")
	c.Flags().BoolVar(&withEvidence, "evidence", false, "include the files of evidence the events list (checked against their digests)")
	return c
}

func (a *app) checkBundleCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "check-bundle FILE",
		Short: "Verify an audit bundle offline, without any NATS server; name the first field that does not agree with the events or the seal",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			b, v, err := eventstore.CheckBundle(data)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			bound := "every field agrees with its events' bytes or with the bundle's seal"
			if b.Format == eventstore.BundleFormatV1 {
				bound = "format " + b.Format + ": type, subject, summary and hash agree with the events' bytes; stream, subject prefix, sequences, creation time and checkpoint are not sealed, an edit to them shows only as a changed file"
			}
			fmt.Fprintf(a.stdout, "%s verifies: project %s, %d events, every hash and link intact, %s; stream %s up to sequence %d, bundled %s; last hash %s (the sequences and checkpoint are the bundle's claims: compare with the live ledger, ledger verify %s and ledger history %s --json)\n",
				args[0], b.Project, v.Events, bound, b.Stream, b.StreamLastSeq, b.CreatedAt.In(shanghai()).Format("2006-01-02 15:04"), b.LastHash, b.Project, b.Project)
			printBundleEvidence(a, b)
			return nil
		},
	}
}

// sequenceList names stream sequences for a person: "sequence 7",
// "sequences 7, 9 and 12", or the first ten of many and how many more.
func sequenceList(seqs []uint64) string {
	if len(seqs) == 1 {
		return fmt.Sprintf("sequence %d", seqs[0])
	}
	shown := seqs[:min(len(seqs), 10)]
	parts := make([]string, len(shown))
	for i, q := range shown {
		parts[i] = fmt.Sprint(q)
	}
	if len(seqs) > len(shown) {
		return fmt.Sprintf("sequences %s and %d more", strings.Join(parts, ", "), len(seqs)-len(shown))
	}
	return "sequences " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections"
)

// The deadline watcher and the inspection office's commands (督查室).

func (a *app) watchCommand() *cobra.Command {
	var once bool
	c := &cobra.Command{
		Use:   "watch-deadlines",
		Short: "Record a deadline_missed event as each deadline's day ends (serve runs this too)",
		Long: `watch-deadlines records deadline_missed on ledger.<project>.deadline_missed
when a deadline's day ends in the project's time zone with its milestone
unreached. It first records the misses of any day that ended while no watcher
ran. Several watchers may run at once: each miss is stored once.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return a.withStore(ctx, func(s *eventstore.Store) error {
				w := a.newWatcher(s)
				if once {
					if err := w.CatchUp(ctx); err != nil {
						return err
					}
					n, _, err := w.Check(ctx)
					if err != nil {
						return err
					}
					fmt.Fprintf(a.stdout, "recorded %d missed deadlines\n", n)
					return nil
				}
				fmt.Fprintln(a.stdout, "ledger: watching deadlines; Ctrl-C stops")
				return w.Run(ctx)
			})
		},
	}
	c.Flags().BoolVar(&once, "once", false, "record the misses due now, then exit (for a scheduler instead of a running watcher)")
	return c
}

func (a *app) newWatcher(s *eventstore.Store) *projections.Watcher {
	return projections.NewWatcher(s,
		projections.WithWatchReport(func(err error) {
			fmt.Fprintln(a.stderr, "ledger: deadline watcher: "+oneLine(err.Error()))
		}),
		projections.OnMiss(func(r eventstore.Record) {
			if d, ok := r.Data.(*domain.DeadlineMissedData); ok {
				fmt.Fprintf(a.stderr, "ledger: recorded deadline_missed: %s %s due %s\n", r.Project, d.Milestone, d.Due)
			}
		}))
}

func (a *app) inspectCommand() *cobra.Command {
	c := &cobra.Command{Use: "inspect", Short: "The inspection office (督查室): follow missed deadlines, file explanations, raise and close items"}
	c.AddCommand(a.followCommand(), a.explainCommand(), a.inspectRaiseCommand(), a.closeCommand())
	return c
}

// missView is one miss as the inspection office sees it.
type missView struct {
	Sequence  uint64           `json:"sequence"`
	EventID   string           `json:"event_id"`
	Project   domain.ProjectID `json:"project"`
	Name      string           `json:"name"`
	Milestone domain.Milestone `json:"milestone"`
	Due       domain.Date      `json:"due"`
	DaysLate  int              `json:"days_late"`
	Unit      string           `json:"unit"`
	Leader    string           `json:"leader"`
	Detected  time.Time        `json:"detected_at"`
}

func (a *app) followCommand() *cobra.Command {
	var (
		durable, unit, leader, execCmd string
		lang                           string
		fromStart                      bool
		count                          int
		wait                           time.Duration
	)
	c := &cobra.Command{
		Use:   "follow",
		Short: "Print each missed deadline once, in order, resuming after the last one printed",
		Long: `follow reads ledger.*.deadline_missed through a durable consumer: it prints
each miss once, acknowledges it after printing, and on the next run continues
after the last one acknowledged. --from-start resets the consumer and replays
every miss. With --exec, each miss is handed to a program (JSON on stdin,
LEDGER_* variables) and acknowledged only once the program exits 0; a failing
program is retried with growing pauses, and a miss it already received may be
handed over again after a crash, with the same LEDGER_EVENT_ID to recognise it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			zh, err := a.chinese(lang)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			return a.withSession(ctx, func(sess *session) error {
				s := sess.store
				if fromStart {
					if err := s.DeleteSubscription(ctx, durable); err != nil {
						return err
					}
				}
				var subOpts []eventstore.SubscribeOption
				if !sess.rights.CanLoadHistory(s.StreamName()) {
					// The inspection office on a shared server reads the
					// misses only; the server lets only the ledger
					// service publish them (docs/security.md).
					subOpts = append(subOpts, eventstore.WithoutChainCheck())
				}
				sub, err := s.Subscribe(ctx, durable, domain.DeadlineMissed, subOpts...)
				if err != nil {
					return err
				}
				names := map[domain.ProjectID]*domain.Project{}
				for printed := 0; count == 0 || printed < count; {
					d, err := sub.Next(ctx, wait)
					switch {
					case errors.Is(err, eventstore.ErrNoDelivery), ctx.Err() != nil:
						return nil
					case errors.Is(err, eventstore.ErrUndecodable):
						fmt.Fprintln(a.stderr, "ledger: skipping: "+oneLine(err.Error()))
						if err := d.Ack(ctx); err != nil {
							return err
						}
						continue
					case err != nil:
						return err
					}
					v, err := a.missView(ctx, sess, names, d.Record)
					if err != nil {
						return err
					}
					if match(unit, v.Unit) && match(leader, v.Leader) {
						if err := a.handOver(ctx, d, v, execCmd, zh); err != nil {
							return err
						}
						printed++
					}
					if err := d.Ack(ctx); err != nil {
						return fmt.Errorf("acknowledge miss %s: %w", v.EventID, err)
					}
				}
				return nil
			})
		},
	}
	f := c.Flags()
	f.StringVar(&durable, "durable", "inspection", "durable consumer name: where this reader resumes")
	f.StringVar(&unit, "unit", "", "only misses of this responsible unit (others are acknowledged unprinted)")
	f.StringVar(&leader, "leader", "", "only misses of this responsible leader (others are acknowledged unprinted)")
	f.BoolVar(&fromStart, "from-start", false, "reset the durable consumer and replay every miss")
	f.StringVar(&execCmd, "exec", "", "hand each miss to this shell command (JSON on stdin); acknowledge when it exits 0")
	f.IntVar(&count, "count", 0, "stop after this many misses (0: run until Ctrl-C)")
	f.DurationVar(&wait, "wait", 0, "stop when no miss arrives for this long (0: wait for ever)")
	a.langFlag(c, &lang)
	return c
}

// missView completes a miss with the project's name and how late it is
// today in the project's time zone: from the project's history when the
// user may read it, else from its projection row (the inspection office
// on a shared server reads no other event than the misses).
func (a *app) missView(ctx context.Context, sess *session, cache map[domain.ProjectID]*domain.Project, r eventstore.Record) (missView, error) {
	d, ok := r.Data.(*domain.DeadlineMissedData)
	if !ok {
		return missView{}, fmt.Errorf("stream sequence %d is a %s, not a deadline_missed", r.Sequence, r.Type)
	}
	p := cache[r.Project]
	if p == nil {
		s := sess.store
		state := domain.NewProject(r.Project)
		if sess.rights.CanLoadHistory(s.StreamName()) {
			recs, _, err := s.Load(ctx, r.Project)
			var broken *eventstore.ChainBreakError
			if errors.As(err, &broken) && r.Sequence < broken.Sequence {
				err = nil // the miss comes before the break: its history up to it is whole
			}
			if err != nil {
				return missView{}, err
			}
			state = domain.Fold(r.Project, eventsOf(recs))
		} else {
			row, err := projections.NewStorage(s.JetStream(), s.StreamName()).ReadProject(ctx, r.Project)
			if err != nil && !errors.Is(err, projections.ErrNoProjections) {
				return missView{}, err
			}
			if row != nil {
				state = row.Project
			}
		}
		p = &state
		cache[r.Project] = p
	}
	today := domain.DateOf(a.clock.Now(), p.Location())
	return missView{Sequence: r.Sequence, EventID: r.ID, Project: r.Project, Name: p.Name, Milestone: d.Milestone, Due: d.Due,
		DaysLate: today.DaysSince(d.Due), Unit: d.Unit, Leader: d.Leader, Detected: d.DetectedAt}, nil
}

// handOver prints a miss, and runs --exec on it until the program succeeds.
func (a *app) handOver(ctx context.Context, d eventstore.Delivery, v missView, execCmd string, zh bool) error {
	line, _ := json.Marshal(v)
	detected := v.Detected.In(shanghai()).Format("2006-01-02 15:04")
	switch {
	case a.asJSON:
		fmt.Fprintln(a.stdout, string(line))
	case zh:
		fmt.Fprintf(a.stdout, "%s  %s %s：%s 期限 %s 未完成，已逾期 %d 天；责任单位 %s，包保领导 %s\n",
			detected, v.Project, v.Name, v.Milestone.Chinese(), v.Due, v.DaysLate, v.Unit, v.Leader)
	default:
		fmt.Fprintf(a.stdout, "%s  %s %s: %s due %s missed, %s late; unit %s, leader %s\n",
			detected, v.Project, v.Name, v.Milestone, v.Due, domain.Days(v.DaysLate), v.Unit, v.Leader)
	}
	if execCmd == "" {
		return nil
	}
	for attempt := 0; ; attempt++ {
		c := exec.CommandContext(ctx, "/bin/sh", "-c", execCmd)
		c.Stdin = bytes.NewReader(append(line, '\n'))
		c.Stdout, c.Stderr = a.stdout, a.stderr
		c.Env = append(os.Environ(),
			"LEDGER_EVENT_ID="+v.EventID, "LEDGER_PROJECT="+string(v.Project), "LEDGER_MILESTONE="+string(v.Milestone),
			"LEDGER_DUE="+v.Due.String(), "LEDGER_UNIT="+v.Unit, "LEDGER_LEADER="+v.Leader)
		err := c.Run()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		pause := time.Duration(1<<min(attempt, 5)) * time.Second
		fmt.Fprintf(a.stderr, "ledger: --exec failed for %s (%v); retrying in %s\n", v.EventID, err, pause)
		_ = d.InProgress()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
	}
}

func (a *app) explainCommand() *cobra.Command {
	c := a.explainDelayCommand()
	c.Use = "explain PROJECT MILESTONE --reason TEXT"
	c.Short = "File the written explanation of a missed deadline (说明原因): a delay_explained event"
	return c
}

func (a *app) inspectRaiseCommand() *cobra.Command {
	c := a.issueRaiseCommand()
	c.Short = "Put an item on the supervision ledger (挂账督办): an issue_raised event"
	return c
}

func (a *app) closeCommand() *cobra.Command {
	c := a.issueResolveCommand()
	c.Use = "close PROJECT ISSUE --resolution TEXT"
	c.Short = "Close a supervision item (销号): an issue_resolved event"
	return c
}

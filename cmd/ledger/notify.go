package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections/notify"
)

// Pushed alerts: missed deadlines and the daily reminder, posted to WeCom
// and DingTalk group robots.

// notifyFlags are the robots and the reminder, as notify and serve take them.
type notifyFlags struct {
	wecom, dingtalk, secrets []string
	wecomText                bool
	remindDays               int
	remindAt                 string
	durable                  string
	since                    string
}

func (nf *notifyFlags) add(c *cobra.Command) {
	f := c.Flags()
	f.StringArrayVar(&nf.wecom, "wecom", nil, "webhook URL of a WeCom (企业微信) group robot; may be repeated")
	f.BoolVar(&nf.wecomText, "wecom-text", false, "post plain text to the WeCom robots instead of markdown")
	f.StringArrayVar(&nf.dingtalk, "dingtalk", nil, "webhook URL of a DingTalk (钉钉) group robot; may be repeated")
	f.StringArrayVar(&nf.secrets, "dingtalk-secret", nil, "signing secret (加签, SEC...) of the DingTalk robot given in the same position; better given as env LEDGER_DINGTALK_SECRET (one robot), which other users cannot see in the process list")
	f.IntVar(&nf.remindDays, "remind-days", notify.DefaultReminder.Days, "the daily reminder lists the planned nodes due within this many days (0: today only; -1: no reminder)")
	f.StringVar(&nf.remindAt, "remind-at", fmt.Sprintf("%02d:%02d", notify.DefaultReminder.Hour, notify.DefaultReminder.Minute), "HH:MM the daily reminder is sent at, in Asia/Shanghai")
	f.StringVar(&nf.durable, "durable", notify.DefaultDurable, "durable consumer name: where the notifier resumes")
	f.StringVar(&nf.since, "since", "", "post only the misses recorded on or after this date (Asia/Shanghai); earlier ones are acknowledged without a post")
}

// webhooks returns the robots the flags name.
func (nf *notifyFlags) webhooks() ([]notify.Webhook, error) {
	secrets := nf.secrets
	if len(secrets) == 0 {
		if s := os.Getenv("LEDGER_DINGTALK_SECRET"); s != "" {
			secrets = []string{s}
		}
	}
	if len(secrets) > len(nf.dingtalk) {
		return nil, usageError{fmt.Errorf("%d --dingtalk-secret for %d --dingtalk robots: give each secret after its robot's URL", len(secrets), len(nf.dingtalk))}
	}
	var hooks []notify.Webhook
	for _, u := range nf.wecom {
		hooks = append(hooks, notify.Webhook{Kind: notify.WeCom, URL: u, Text: nf.wecomText})
	}
	for i, u := range nf.dingtalk {
		h := notify.Webhook{Kind: notify.DingTalk, URL: u}
		if i < len(secrets) {
			h.Secret = strings.TrimSpace(secrets[i])
		}
		hooks = append(hooks, h)
	}
	if len(hooks) == 0 {
		return nil, usageError{errors.New("no robot to post to: give --wecom URL or --dingtalk URL")}
	}
	for _, h := range hooks {
		if err := h.Check(); err != nil {
			return nil, usageError{err}
		}
	}
	return hooks, nil
}

// reminder returns the reminder the flags set.
func (nf *notifyFlags) reminder() (notify.Reminder, error) {
	r := notify.Reminder{Days: nf.remindDays}
	if r.Days < -1 {
		return r, usageError{fmt.Errorf("--remind-days %d: expected a number of days, 0 for today only, or -1 for no reminder", r.Days)}
	}
	t, err := time.Parse("15:04", strings.TrimSpace(nf.remindAt))
	if err != nil {
		return r, usageError{fmt.Errorf("--remind-at %q: expected HH:MM, e.g. 08:30", nf.remindAt)}
	}
	r.Hour, r.Minute = t.Hour(), t.Minute()
	return r, nil
}

// options returns the notifier's options for the flags, reporting to
// stderr.
func (a *app) notifyOptions(nf *notifyFlags) ([]notify.Option, error) {
	r, err := nf.reminder()
	if err != nil {
		return nil, err
	}
	opts := []notify.Option{
		notify.WithClock(a.clock), notify.WithDurable(nf.durable), notify.WithReminder(r),
		notify.WithReport(func(err error) { fmt.Fprintln(a.stderr, "ledger: notify: "+oneLine(err.Error())) }),
	}
	if nf.since != "" {
		d, err := domain.ParseDate(nf.since)
		if err != nil {
			return nil, usageError{fmt.Errorf("--since: %w", err)}
		}
		opts = append(opts, notify.WithSince(d.Time(shanghai())))
	}
	return opts, nil
}

func (a *app) notifyCommand() *cobra.Command {
	var nf notifyFlags
	c := &cobra.Command{
		Use:   "notify --wecom URL | --dingtalk URL [--dingtalk-secret S]",
		Short: "Post each missed deadline, and a daily reminder of nodes due soon, to WeCom and DingTalk group robots",
		Long: `notify reads ledger.*.deadline_missed through a durable consumer and posts
each miss, in Chinese, to every robot given: project, node, deadline,
responsible unit, leader and days late. A miss is acknowledged once every
robot accepted it (HTTP 2xx and errcode 0); a robot that fails is retried
with growing pauses for as long as notify runs, so no miss is lost. A miss
may be posted twice if notify stops between a robot's acceptance and the
acknowledgement. Once a day at --remind-at (Asia/Shanghai) it posts the
planned nodes not yet reached that fall due within --remind-days days.
A new --durable starts from the first miss of the ledger; --since DATE
acknowledges the misses recorded before DATE without posting them.
It runs until Ctrl-C (docs/notify.md).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			hooks, err := nf.webhooks()
			if err != nil {
				return err
			}
			opts, err := a.notifyOptions(&nf)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			return a.withSession(ctx, func(sess *session) error {
				s := sess.store
				if !sess.rights.CanLoadHistory(s.StreamName()) {
					opts = append(opts, notify.WithoutChainCheck())
				}
				n, err := notify.New(s, hooks, opts...)
				if err != nil {
					return usageError{err}
				}
				fmt.Fprintf(a.stdout, "ledger: posting missed deadlines to %s (durable %s)\n", robotNames(hooks), nf.durable)
				if nf.remindDays >= 0 {
					fmt.Fprintf(a.stdout, "  daily reminder at %s Asia/Shanghai: nodes due within %d days\n", nf.remindAt, nf.remindDays)
				}
				fmt.Fprintln(a.stdout, "  Ctrl-C stops")
				err = n.Run(ctx)
				st := n.Stats()
				fmt.Fprintf(a.stdout, "ledger: notify stopped: %d misses posted, %d reminders, %d failed attempts, %d misses pending",
					st.Posted, st.Reminders, st.FailedAttempts, st.Pending)
				if st.Skipped > 0 {
					fmt.Fprintf(a.stdout, ", %d recorded before --since skipped", st.Skipped)
				}
				fmt.Fprintln(a.stdout)
				return err
			})
		},
	}
	nf.add(c)
	markUsageErrors(c)
	return c
}

// addServeNotify gives serve the notifier's flags: with a robot named,
// serve runs the notifier beside the projections and the deadline
// watcher (startServeNotifier). The flags are checked before the server
// starts.
func (a *app) addServeNotify(c *cobra.Command) {
	nf := &notifyFlags{}
	nf.add(c)
	c.PreRunE = func(*cobra.Command, []string) error {
		if len(nf.wecom)+len(nf.dingtalk)+len(nf.secrets) == 0 {
			return nil
		}
		if _, err := nf.webhooks(); err != nil {
			return err
		}
		if _, err := nf.reminder(); err != nil {
			return err
		}
		a.serveNotify = nf
		return nil
	}
}

// startServeNotifier starts the notifier serve's flags ask for, which
// sends to done when it stops. It reports whether it started one, and
// what writes its counters for the board's /metrics.
func (a *app) startServeNotifier(ctx context.Context, store *eventstore.Store, done chan<- error) (bool, func(io.Writer)) {
	nf := a.serveNotify
	if nf == nil {
		return false, nil
	}
	hooks, err := nf.webhooks()
	var n *notify.Notifier
	if err == nil {
		var opts []notify.Option
		if opts, err = a.notifyOptions(nf); err == nil {
			n, err = notify.New(store, hooks, opts...)
		}
	}
	if err != nil {
		go func() { done <- fmt.Errorf("notifier: %w", err) }()
		return true, nil
	}
	go func() { done <- n.Run(ctx) }()
	fmt.Fprintf(a.stdout, "  notify: misses posted to %s (durable %s); counters ledger_notify_* on the board's /metrics\n", robotNames(hooks), nf.durable)
	return true, func(w io.Writer) { n.Stats().WriteMetrics(w) }
}

// robotNames names the robots without their keys.
func robotNames(hooks []notify.Webhook) string {
	names := make([]string, len(hooks))
	for i, h := range hooks {
		names[i] = h.Name()
	}
	return strings.Join(names, ", ")
}

// Package notify pushes the ledger's alerts to group robots: each missed
// deadline to WeCom (企业微信) and DingTalk (钉钉) group robots as it is
// recorded, and once a day a reminder of the planned nodes due within a
// few days.
//
// The misses are read through a durable JetStream consumer on
// ledger.*.deadline_missed, one at a time, and a miss is acknowledged only
// once every configured robot accepted it (HTTP 2xx and errcode 0). A
// robot that fails is retried with growing pauses, for as long as the
// notifier runs: a miss is never dropped. Delivery is at least once: a
// notifier stopped between a robot's acceptance and the acknowledgement
// posts that miss again when it starts. Within one run the notifier
// remembers the misses it posted, so a redelivered one is acknowledged
// without a second post.
package notify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections"
)

// DefaultDurable is the durable consumer the notifier reads through.
const DefaultDurable = "notify"

// Backoff is how long to pause before retry number attempt (1 for the
// first retry): Initial, doubled each time, at most Max.
type Backoff struct {
	Initial, Max time.Duration
}

// DefaultBackoff pauses 1s, 2s, 4s, ... and at most 5 minutes.
var DefaultBackoff = Backoff{Initial: time.Second, Max: 5 * time.Minute}

// Pause returns the pause before retry number attempt.
func (b Backoff) Pause(attempt int) time.Duration {
	d := max(b.Initial, time.Millisecond)
	for i := 1; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	return min(d, max(b.Max, b.Initial))
}

// Reminder configures the daily reminder: at Hour:Minute in the zone,
// one message listing the planned nodes not yet reached that fall due
// within Days days (0: today only). Days < 0 turns it off.
type Reminder struct {
	Days         int
	Hour, Minute int
}

// DefaultReminder is sent at 08:30 and lists the next three days.
var DefaultReminder = Reminder{Days: 3, Hour: 8, Minute: 30}

// Stats are the notifier's counters since it started.
type Stats struct {
	Posted         uint64 // misses every robot accepted, acknowledged
	Posts          uint64 // posts a robot accepted (misses and reminders)
	FailedAttempts uint64 // posts a robot did not accept, each retried
	Reminders      uint64 // daily reminders sent
	Redelivered    uint64 // misses delivered again after a post, acknowledged without posting
	Skipped        uint64 // misses recorded before WithSince, acknowledged without posting
	// Pending is how many misses the durable consumer still holds for
	// the notifier (not yet delivered, or delivered and not yet
	// acknowledged), as last read from the server.
	Pending uint64
}

// Notifier posts missed deadlines and the daily reminder to group robots.
type Notifier struct {
	store   *eventstore.Store
	hooks   []Webhook
	clock   domain.Clock
	client  *http.Client
	durable string
	backoff Backoff
	sleep   func(context.Context, time.Duration) error
	poll    time.Duration
	remind  Reminder
	zone    *time.Location
	report  func(error)
	chain   bool
	since   time.Time

	posted, posts, failed, reminders, redelivered, skipped, pending atomic.Uint64

	// done holds, for the misses handled in this run, the robots that
	// accepted each (by event id), the oldest dropped beyond doneKeep.
	done  map[string][]bool
	order []string
	// remindKV keeps the last day a reminder was sent across restarts;
	// lastRemind is the same in memory (all there is without the bucket).
	remindKV   jetstream.KeyValue
	kvTried    bool
	lastRemind domain.Date
	// remindRetry is when to try again a reminder whose nodes could not
	// be read.
	remindRetry time.Time
	names       map[domain.ProjectID]projectInfo
	pendingAt   time.Time  // when the pending count was last read
	mu          sync.Mutex // guards names (Describe may run beside Run)
}

type projectInfo struct {
	name, unit, leader string
	loc                *time.Location
}

// pendingEvery is how often the pending count is read from the server.
const pendingEvery = 250 * time.Millisecond

// doneKeep is how many handled misses a run remembers.
const doneKeep = 4096

// Option configures a Notifier.
type Option func(*Notifier)

// WithClock sets the clock that dates posts, signs DingTalk's and times
// the reminder (default: the store's clock).
func WithClock(c domain.Clock) Option { return func(n *Notifier) { n.clock = c } }

// WithHTTPClient sets the client posts go through (default: a 10s timeout).
func WithHTTPClient(c *http.Client) Option { return func(n *Notifier) { n.client = c } }

// WithDurable names the durable consumer (default DefaultDurable): a
// second notifier with another name posts every miss again, to its own
// robots.
func WithDurable(name string) Option { return func(n *Notifier) { n.durable = name } }

// WithBackoff sets the pauses between retries of a failing robot.
func WithBackoff(b Backoff) Option { return func(n *Notifier) { n.backoff = b } }

// WithSleep sets how the notifier pauses (tests: without waiting).
func WithSleep(f func(context.Context, time.Duration) error) Option {
	return func(n *Notifier) { n.sleep = f }
}

// WithPoll sets how long Run waits for a miss before looking at the
// clock for the reminder (default 1s).
func WithPoll(d time.Duration) Option { return func(n *Notifier) { n.poll = d } }

// WithReminder configures the daily reminder (default DefaultReminder).
func WithReminder(r Reminder) Option { return func(n *Notifier) { n.remind = r } }

// WithZone sets the zone the reminder's hour and day are read in
// (default Asia/Shanghai).
func WithZone(loc *time.Location) Option { return func(n *Notifier) { n.zone = loc } }

// WithReport sets where failures that are retried or skipped are told
// (default: dropped).
func WithReport(f func(error)) Option { return func(n *Notifier) { n.report = f } }

// WithoutChainCheck reads the misses without checking each against its
// project's hash chain, for a user who may read the misses only (see
// eventstore.WithoutChainCheck).
func WithoutChainCheck() Option { return func(n *Notifier) { n.chain = false } }

// WithSince acknowledges without posting the misses recorded before t: a
// notifier set up on a ledger with a long history starts from now rather
// than posting every miss of the past.
func WithSince(t time.Time) Option { return func(n *Notifier) { n.since = t } }

// New returns a notifier posting to hooks.
func New(store *eventstore.Store, hooks []Webhook, opts ...Option) (*Notifier, error) {
	if len(hooks) == 0 {
		return nil, errors.New("no robot to post to: give a WeCom or DingTalk webhook")
	}
	for _, h := range hooks {
		if err := h.Check(); err != nil {
			return nil, err
		}
	}
	n := &Notifier{
		store: store, hooks: slices.Clone(hooks), clock: store.Clock(), client: &http.Client{Timeout: 10 * time.Second},
		durable: DefaultDurable, backoff: DefaultBackoff, sleep: sleep, poll: time.Second, remind: DefaultReminder,
		report: func(error) {}, chain: true, done: map[string][]bool{}, names: map[domain.ProjectID]projectInfo{},
	}
	for _, o := range opts {
		o(n)
	}
	if n.zone == nil {
		loc, err := domain.LoadZone(domain.DefaultTimeZone)
		if err != nil {
			return nil, err
		}
		n.zone = loc
	}
	if n.remind.Hour < 0 || n.remind.Hour > 23 || n.remind.Minute < 0 || n.remind.Minute > 59 {
		return nil, fmt.Errorf("reminder time %02d:%02d: expected HH:MM between 00:00 and 23:59", n.remind.Hour, n.remind.Minute)
	}
	return n, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Stats returns the counters.
func (n *Notifier) Stats() Stats {
	return Stats{Posted: n.posted.Load(), Posts: n.posts.Load(), FailedAttempts: n.failed.Load(),
		Reminders: n.reminders.Load(), Redelivered: n.redelivered.Load(), Skipped: n.skipped.Load(), Pending: n.pending.Load()}
}

// Run posts misses and reminders until ctx ends, and returns nil then. It
// returns an error only when it cannot open its consumer.
func (n *Notifier) Run(ctx context.Context) error {
	var opts []eventstore.SubscribeOption
	if !n.chain {
		opts = append(opts, eventstore.WithoutChainCheck())
	}
	sub, err := n.store.Subscribe(ctx, n.durable, domain.DeadlineMissed, opts...)
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return err
	}
	for ctx.Err() == nil {
		if _, err := n.RemindIfDue(ctx); err != nil && ctx.Err() == nil {
			n.report(err)
		}
		n.refreshPending(ctx)
		d, err := sub.Next(ctx, n.poll)
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, eventstore.ErrNoDelivery):
			continue
		case errors.Is(err, eventstore.ErrUndecodable):
			n.report(fmt.Errorf("skipping a message that is not a readable miss: %w", err))
			n.ack(ctx, d)
			continue
		case err != nil:
			n.report(fmt.Errorf("reading misses: %w", err))
			if n.sleep(ctx, n.backoff.Pause(1)) != nil {
				return nil
			}
			continue
		}
		if err := n.handle(ctx, d); err != nil && ctx.Err() == nil {
			return err
		}
	}
	return nil
}

// handle posts one miss to every robot that has not accepted it yet in
// this run, retrying each until it does, then acknowledges it.
func (n *Notifier) handle(ctx context.Context, d eventstore.Delivery) error {
	rec := d.Record
	data, ok := rec.Data.(*domain.DeadlineMissedData)
	if !ok {
		n.report(fmt.Errorf("stream sequence %d is a %s, not a deadline_missed: skipped", rec.Sequence, rec.Type))
		n.ack(ctx, d)
		return nil
	}
	if !n.since.IsZero() && rec.RecordedAt.Before(n.since) {
		if n.ack(ctx, d) {
			n.skipped.Add(1)
		}
		return nil
	}
	accepted := n.done[rec.ID]
	if accepted == nil {
		accepted = make([]bool, len(n.hooks))
		n.remember(rec.ID, accepted)
	} else if !slices.Contains(accepted, false) {
		n.redelivered.Add(1)
		n.ack(ctx, d)
		return nil
	}
	miss := n.Describe(ctx, rec, data)
	msg := MissMessage(miss)
	for i, h := range n.hooks {
		if accepted[i] {
			continue
		}
		if err := n.postRetrying(ctx, h, msg, d.InProgress); err != nil {
			// ctx ended: the miss is handed back, and comes again at once
			// to the next run.
			_ = d.Nak()
			return err
		}
		accepted[i] = true
	}
	if n.ack(ctx, d) {
		n.posted.Add(1)
	}
	return nil
}

// postRetrying posts msg to h until h accepts it or ctx ends, telling the
// server between tries that the miss is still being handled.
func (n *Notifier) postRetrying(ctx context.Context, h Webhook, msg Message, inProgress func() error) error {
	for attempt := 1; ; attempt++ {
		pctx, done := graceful(ctx)
		err := h.post(pctx, n.client, msg, n.clock.Now())
		done()
		if err == nil {
			n.posts.Add(1)
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		n.failed.Add(1)
		pause := n.backoff.Pause(attempt)
		n.report(fmt.Errorf("post %q to %s failed (try %d), retrying in %s: %w", msg.Title, h.Name(), attempt, pause, err))
		if inProgress != nil {
			_ = inProgress()
		}
		if err := n.sleep(ctx, pause); err != nil {
			return err
		}
	}
}

// stopGrace is how long a post under way, and the acknowledgement that
// follows a post accepted, may go on after the notifier is told to stop:
// stopping between a robot's acceptance and the acknowledgement would
// post the miss again on the next run.
const stopGrace = 5 * time.Second

// graceful returns a context that ends stopGrace after ctx does.
func graceful(ctx context.Context) (context.Context, context.CancelFunc) {
	g, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(stopGrace, cancel) })
	return g, func() { stop(); cancel() }
}

// ack acknowledges d, retrying while the server does not confirm it, and
// reports whether it was confirmed before ctx ended.
func (n *Notifier) ack(ctx context.Context, d eventstore.Delivery) bool {
	for attempt := 1; ; attempt++ {
		actx, done := graceful(ctx)
		err := d.Ack(actx)
		done()
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			n.report(fmt.Errorf("stopped before miss %s (stream sequence %d) was acknowledged: it will be posted again: %w", d.ID, d.Sequence, err))
			return false
		}
		n.report(fmt.Errorf("acknowledge miss %s (stream sequence %d): %w", d.ID, d.Sequence, err))
		if n.sleep(ctx, n.backoff.Pause(attempt)) != nil {
			return false
		}
	}
}

func (n *Notifier) remember(id string, accepted []bool) {
	n.done[id] = accepted
	n.order = append(n.order, id)
	if len(n.order) > doneKeep {
		delete(n.done, n.order[0])
		n.order = n.order[1:]
	}
}

// refreshPending reads how many misses the consumer still holds, at
// most every pendingEvery.
func (n *Notifier) refreshPending(ctx context.Context) {
	if time.Since(n.pendingAt) < pendingEvery {
		return
	}
	n.pendingAt = time.Now()
	cons, err := n.store.JetStream().Consumer(ctx, n.store.StreamName(), n.durable)
	if err != nil {
		return
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return
	}
	n.pending.Store(info.NumPending + uint64(info.NumAckPending))
}

// Describe completes a miss with its project's name (and the unit and
// leader when the miss does not carry them) and how late it is today in
// the project's zone: from the project's projection row, else from its
// history.
func (n *Notifier) Describe(ctx context.Context, rec eventstore.Record, d *domain.DeadlineMissedData) Miss {
	info := n.project(ctx, rec.Project)
	loc := info.loc
	if loc == nil {
		loc = n.zone
	}
	m := Miss{EventID: rec.ID, Project: rec.Project, Name: info.name, Milestone: d.Milestone, Due: d.Due,
		Unit: cmp.Or(d.Unit, info.unit), Leader: cmp.Or(d.Leader, info.leader)}
	m.DaysLate = domain.DateOf(n.clock.Now(), loc).DaysSince(d.Due)
	return m
}

func (n *Notifier) project(ctx context.Context, id domain.ProjectID) projectInfo {
	n.mu.Lock()
	info, ok := n.names[id]
	n.mu.Unlock()
	if ok {
		return info
	}
	var p *domain.Project
	row, err := projections.NewStorage(n.store.JetStream(), n.store.StreamName()).ReadProject(ctx, id)
	if err == nil && row != nil && row.Name != "" {
		p = &row.Project
	} else if recs, _, err := n.store.Load(ctx, id); err == nil || len(recs) > 0 {
		events := make([]domain.Event, len(recs))
		for i, r := range recs {
			events[i] = r.Event
		}
		st := domain.Fold(id, events)
		p = &st
	}
	if p == nil {
		return projectInfo{}
	}
	info = projectInfo{name: p.Name, unit: p.Unit, leader: p.Leader, loc: p.Location()}
	if info.name != "" {
		n.mu.Lock()
		n.names[id] = info
		n.mu.Unlock()
	}
	return info
}

// WriteMetrics writes the counters in the Prometheus text format.
func (s Stats) WriteMetrics(w io.Writer) {
	for _, m := range []struct {
		name, kind, help string
		v                uint64
	}{
		{"ledger_notify_posted_total", "counter", "Missed deadlines every robot accepted, acknowledged.", s.Posted},
		{"ledger_notify_posts_total", "counter", "Posts a robot accepted (misses and reminders).", s.Posts},
		{"ledger_notify_failed_attempts_total", "counter", "Posts a robot did not accept, each retried.", s.FailedAttempts},
		{"ledger_notify_reminders_total", "counter", "Daily reminders sent.", s.Reminders},
		{"ledger_notify_redelivered_total", "counter", "Misses delivered again after their post, acknowledged without posting.", s.Redelivered},
		{"ledger_notify_pending", "gauge", "Misses the notifier's consumer holds, not yet delivered or not yet acknowledged.", s.Pending},
	} {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n%s %d\n", m.name, m.help, m.name, m.kind, m.name, m.v)
	}
}

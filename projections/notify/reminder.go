package notify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

// ReminderBucket returns the KV bucket where notifiers keep the last day
// each sent its reminder: <stream>_NOTIFY, key reminded.<durable>.
func ReminderBucket(stream string) string { return stream + "_NOTIFY" }

func (n *Notifier) reminderKey() string { return "reminded." + n.durable }

// openReminderState opens (creating it if needed) the bucket that keeps
// the day of the last reminder across restarts. Without it (a user who
// may not create buckets) the day is kept in memory: a notifier started
// again after the reminder time sends that day's reminder again.
func (n *Notifier) openReminderState(ctx context.Context) {
	if n.remind.Days < 0 || n.kvTried {
		return
	}
	n.kvTried = true
	kv, err := n.store.JetStream().CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      ReminderBucket(n.store.StreamName()),
		Description: "ledger notify: the last day each notifier sent its daily reminder",
		History:     1,
	})
	if err != nil {
		n.report(fmt.Errorf("the day of the last reminder is kept in memory only: %w", err))
		return
	}
	n.remindKV = kv
}

// RemindIfDue sends today's reminder when the reminder time has passed
// in the notifier's zone and no reminder was sent today, and reports
// whether it sent one. A day with no node due sends nothing and counts as
// done. It retries a failing robot until it accepts the reminder or ctx
// ends.
func (n *Notifier) RemindIfDue(ctx context.Context) (bool, error) {
	if n.remind.Days < 0 {
		return false, nil
	}
	now := n.clock.Now().In(n.zone)
	today := domain.DateOf(now, n.zone)
	at := time.Date(now.Year(), now.Month(), now.Day(), n.remind.Hour, n.remind.Minute, 0, 0, n.zone)
	if now.Before(at) || n.lastRemind >= today || now.Before(n.remindRetry) {
		return false, nil
	}
	n.openReminderState(ctx)
	if last := n.storedRemind(ctx); last >= today {
		n.lastRemind = last
		return false, nil
	}
	nodes, err := n.Upcoming(ctx, today)
	if err != nil {
		n.remindRetry = now.Add(time.Minute)
		return false, fmt.Errorf("daily reminder of %s, tried again in a minute: %w", today, err)
	}
	sent := false
	if len(nodes) > 0 {
		msg := ReminderMessage(today, n.remind.Days, nodes)
		for _, h := range n.hooks {
			if err := n.postRetrying(ctx, h, msg, nil); err != nil {
				return false, err
			}
		}
		n.reminders.Add(1)
		sent = true
	}
	n.lastRemind = today
	if n.remindKV != nil {
		if _, err := n.remindKV.PutString(ctx, n.reminderKey(), today.String()); err != nil {
			n.report(fmt.Errorf("remember the reminder of %s: %w", today, err))
		}
	}
	return sent, nil
}

func (n *Notifier) storedRemind(ctx context.Context) domain.Date {
	if n.remindKV == nil {
		return 0
	}
	e, err := n.remindKV.Get(ctx, n.reminderKey())
	if err != nil {
		return 0
	}
	d, err := domain.ParseDate(string(e.Value()))
	if err != nil {
		return 0
	}
	return d
}

// Upcoming lists the planned nodes not yet reached whose deadline falls
// within the reminder's days of today (today included), of projects
// registered, not terminated and not suspended, earliest first. It reads
// the projection rows, or folds the stream when none are built yet.
func (n *Notifier) Upcoming(ctx context.Context, today domain.Date) ([]Upcoming, error) {
	snap, err := projections.NewStorage(n.store.JetStream(), n.store.StreamName()).Read(ctx)
	rows := snap.Rows
	if errors.Is(err, projections.ErrNoProjections) {
		rows, err = projections.RowsAsOf(ctx, n.store, projections.Cut{})
	}
	if err != nil {
		return nil, err
	}
	return upcoming(rows, today, n.remind.Days), nil
}

func upcoming(rows []*projections.Row, today domain.Date, days int) []Upcoming {
	var out []Upcoming
	for _, row := range rows {
		if !row.Registered || row.Terminated || row.Suspended {
			continue
		}
		for _, m := range domain.Milestones {
			dl := row.Deadlines[m]
			if dl == nil || !dl.Reached.IsZero() {
				continue
			}
			if _, reached := row.Reached(m); reached {
				continue
			}
			left := dl.Due.DaysSince(today)
			if left < 0 || left > days {
				continue
			}
			out = append(out, Upcoming{Project: row.ID, Name: row.Name, Milestone: m, Due: dl.Due,
				Unit: row.Unit, Leader: row.Leader, DaysLeft: left})
		}
	}
	slices.SortStableFunc(out, func(a, b Upcoming) int {
		return cmp.Or(cmp.Compare(a.Due, b.Due), cmp.Compare(a.Project, b.Project),
			cmp.Compare(slices.Index(domain.Milestones, a.Milestone), slices.Index(domain.Milestones, b.Milestone)))
	})
	return out
}

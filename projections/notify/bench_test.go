package notify_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections/notify"
)

// BenchmarkNotifyLatency measures, one miss at a time, how long it takes
// from the append of a deadline_missed event to the loopback robot
// receiving its post (median and 95th percentile, reported as metrics),
// and how many misses a second the notifier posts from a backlog, to one
// robot. The durations are the machine's real time: this is a
// measurement, not a test.
//
//	go test -run '^$' -bench NotifyLatency -benchtime 50x ./projections/notify/
func BenchmarkNotifyLatency(b *testing.B) {
	e := newEnv(b, 10, 0)
	n := b.N
	for i := range n + 200 {
		e.register(fmt.Sprintf("P-%d", i), fmt.Sprintf("项目%d", i), "县工信局", "李明", plan(domain.MilestoneStarted, e.today.AddDays(-3)))
	}
	got := make(chan time.Time, n+200)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		got <- time.Now()
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	}))
	b.Cleanup(srv.Close)
	nt, err := notify.New(e.store.Store, []notify.Webhook{{Kind: notify.WeCom, URL: srv.URL}}, notify.WithClock(e.clock),
		notify.WithReminder(notify.Reminder{Days: -1}), notify.WithPoll(time.Second))
	require.NoError(b, err)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = nt.Run(ctx) }()
	defer func() { cancel(); wg.Wait() }()

	b.ResetTimer()
	lat := make([]time.Duration, 0, n)
	for i := range n {
		start := time.Now()
		e.miss(fmt.Sprintf("P-%d", i), domain.MilestoneStarted, e.today.AddDays(-3))
		select {
		case at := <-got:
			lat = append(lat, at.Sub(start))
		case <-time.After(30 * time.Second):
			b.Fatal("no post within 30s")
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "ms-p95")

	// Throughput from a backlog: 200 misses appended while it is stopped.
	cancel()
	wg.Wait()
	for i := n; i < n+200; i++ {
		e.miss(fmt.Sprintf("P-%d", i), domain.MilestoneStarted, e.today.AddDays(-3))
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	nt, err = notify.New(e.store.Store, []notify.Webhook{{Kind: notify.WeCom, URL: srv.URL}}, notify.WithClock(e.clock),
		notify.WithReminder(notify.Reminder{Days: -1}))
	require.NoError(b, err)
	start := time.Now()
	wg.Add(1)
	go func() { defer wg.Done(); _ = nt.Run(ctx2) }()
	for range 200 {
		select {
		case <-got:
		case <-time.After(30 * time.Second):
			b.Fatal("backlog not posted within 30s")
		}
	}
	b.ReportMetric(200/time.Since(start).Seconds(), "posts/s")
}

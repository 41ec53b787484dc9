//go:build cluster

// The cluster harness (go test -tags cluster -run TestCluster ./cmd/ledger/):
// a real three-node NATS cluster, the ledger stream at three replicas, four
// writers, and the stream leader killed with SIGKILL in the middle of it.
// docs/cluster.md says what it proves and what it measured.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/clustertest"
	"github.com/keyprojects/ledger/eventstore/storetest"
	"github.com/keyprojects/ledger/projections"
)

// clusterNow is the instant the harness decides commands at: 2026-11-27
// 10:00 in Shanghai.
var clusterNow = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

const (
	clusterWriters           = 4
	clusterCommands          = 10_000 // in total, over all writers
	clusterProjectsPerWriter = 150
	clusterKillAfter         = 3_000 // acknowledged commands before the kill
	// clusterDownFor is how long the killed server stays down: longer than
	// an election usually takes, so the cluster runs on two nodes for a
	// while and the third must catch up under load when it comes back.
	clusterDownFor = 6 * time.Second
)

func TestClusterKeepsEveryAcknowledgedCommandWhenTheStreamLeaderIsKilled(t *testing.T) {
	cl := clustertest.Start(t, 3)
	t.Logf("nats-server %s: %s", cl.Version, cl.URLs())
	// A watchdog, not a deadline: a context with a deadline replaces the
	// NATS client's own request timeouts (a lost request would wait for
	// the deadline), and the commands of `ledger` run without one.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	watchdog := time.AfterFunc(150*time.Second, cancel)
	defer watchdog.Stop()
	clock := domain.NewManualClock(clusterNow)
	spec := eventstore.StreamSpec{Replicas: 3}

	connect := func(name string) *nats.Conn {
		nc, err := nats.Connect(cl.URLs(), append(eventstore.RemoteConnectOptions(), nats.Name(name))...)
		require.NoError(t, err)
		t.Cleanup(nc.Close)
		return nc
	}
	open := func(nc *nats.Conn, opts ...eventstore.Option) *eventstore.Store {
		s, err := eventstore.Open(ctx, nc, append([]eventstore.Option{eventstore.WithStream(spec), eventstore.WithClock(clock)}, opts...)...)
		require.NoError(t, err)
		return s
	}
	admin := open(connect("admin"))
	info := streamInfo(ctx, t, admin)
	require.Equal(t, 3, info.Config.Replicas)
	require.NotNil(t, info.Cluster)
	require.Len(t, info.Cluster.Replicas, 2, "a leader and two followers")

	// The projections runner, as `ledger serve` runs it: its own
	// connection, following the stream while the writers write.
	var runnerTrouble atomic.Int64
	runner := projections.NewRunner(open(connect("runner")), projections.WithReport(func(err error) {
		runnerTrouble.Add(1)
		t.Logf("runner: %v", err)
	}))
	runCtx, stopRunner := context.WithCancel(ctx)
	runnerDone := make(chan error, 1)
	go func() { runnerDone <- runner.Run(runCtx) }()

	// Four writers, each a process of its own would be: its own connection
	// and store, its own projects.
	var acked atomic.Int64
	killNow := make(chan struct{})
	var killOnce sync.Once
	onAck := func() {
		if acked.Add(1) == clusterKillAfter {
			killOnce.Do(func() { close(killNow) })
		}
	}
	retries := &retryLog{byMsgID: map[string]int{}}
	ws := make([]*clusterWriter, clusterWriters)
	for i := range ws {
		ws[i] = newClusterWriter(i, open(connect(fmt.Sprintf("writer-%d", i)), eventstore.WithRetryReport(retries.add)), clusterProjectsPerWriter)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Go(func() { w.run(ctx, clusterCommands/clusterWriters, onAck) })
	}
	writersDone := make(chan struct{})
	go func() { wg.Wait(); close(writersDone) }()

	// The kill: the stream leader, with SIGKILL, mid-run.
	select {
	case <-killNow:
	case <-writersDone:
		require.FailNow(t, "the writers finished before the kill")
	}
	leader := streamInfo(ctx, t, admin).Cluster.Leader
	victim := cl.Index(leader)
	require.GreaterOrEqual(t, victim, 0, "stream leader %q is one of ours", leader)
	killedAt := time.Now()
	cl.Kill(victim)
	t.Logf("killed stream leader %s after %d acknowledged commands, %.2fs into the run", leader, acked.Load(), killedAt.Sub(start).Seconds())
	newLeader, electedAt := waitNewLeader(ctx, t, admin, leader)
	t.Logf("new stream leader %s after %.2fs", newLeader, electedAt.Sub(killedAt).Seconds())
	// The reports read again while the node is still down: the projection
	// buckets have the stream's three replicas, and elect leaders of their
	// own (one-replica buckets on the dead node stay unreadable until it
	// is back).
	reader := projections.NewStorage(connectJS(t, cl.URLs()), admin.StreamName())
	var snap projections.Snapshot
	var err error
	for {
		if snap, err = reader.Read(ctx); err == nil || time.Since(killedAt) > 30*time.Second {
			break
		}
		time.Sleep(100 * time.Millisecond) // between tries; each waits up to the client's timeout
	}
	require.NoError(t, err, "projections readable again with %s down", leader)
	readableAt := time.Now()
	t.Logf("projections readable again %.2fs after the kill", readableAt.Sub(killedAt).Seconds())
	require.NotEmpty(t, snap.Rows)
	st, err := admin.JetStream().Stream(ctx, "KV_"+snap.Generation.Bucket)
	require.NoError(t, err)
	require.Equal(t, 3, st.CachedInfo().Config.Replicas, "projection bucket replicas")
	if wait := time.Until(killedAt.Add(clusterDownFor)); wait > 0 {
		time.Sleep(wait) // the scenario: the node stays down for a while
	}
	restartedAt := time.Now()
	cl.Restart(victim)
	// A reader on the restarted node, reading histories while it catches
	// up: a replica serves direct gets before it is fully current, and a
	// client's requests go to the replica on its own server first.
	probeCtx, stopProbe := context.WithCancel(ctx)
	probed := make(chan []probe, 1)
	go func() { probed <- probeReads(probeCtx, t, cl.Servers[victim].ClientURL(), spec, ws) }()
	require.NoError(t, cl.WaitHealthy(ctx, victim))
	healthyAt := time.Now()
	stopProbe()
	probes := <-probed
	t.Logf("%s restarted %.2fs after the kill, healthy (caught up) %.2fs after its restart; %d commands acknowledged by then",
		leader, restartedAt.Sub(killedAt).Seconds(), healthyAt.Sub(restartedAt).Seconds(), acked.Load())
	select {
	case <-writersDone:
	case <-ctx.Done():
		require.FailNow(t, "the writers did not finish in time")
	}
	end := time.Now()

	// What the writers were told.
	var log []*outcome
	for _, w := range ws {
		log = append(log, w.log...)
	}
	require.Len(t, log, clusterCommands)
	tally := map[string]int{}
	for _, o := range log {
		tally[o.kind()]++
	}
	t.Logf("outcomes: %v", tally)
	assert.Zero(t, tally["failed"], "the store's retries outlast the election: no command failed for good")

	// Every stored event, in stream order.
	var stream []eventstore.Record
	for rec, err := range admin.Read(ctx, 1) {
		require.NoError(t, err)
		stream = append(stream, rec)
	}
	last, err := admin.LastSequence(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(len(stream)), last, "every message is a readable ledger event")

	t.Run("every acknowledged command is stored exactly once", func(t *testing.T) {
		byCommand := map[string][]eventstore.Record{}
		ids := map[string]uint64{}
		for _, r := range stream {
			byCommand[r.CommandID] = append(byCommand[r.CommandID], r)
			id := eventstore.MsgID(r.Event)
			require.Zero(t, ids[id], "event %s stored at %d and %d", id, ids[id], r.Sequence)
			ids[id] = r.Sequence
		}
		known := map[string]bool{}
		for _, o := range log {
			known[o.key] = true
			got := byCommand[o.key]
			switch {
			case o.acked:
				require.Len(t, got, o.want, "acknowledged command %s (%s)", o.key, o.action)
				require.Len(t, o.records, o.want)
				for i, r := range got {
					assert.Equal(t, o.records[i].Sequence, r.Sequence, "command %s is where the writer was told", o.key)
					assert.Equal(t, o.records[i].Hash, r.Hash)
				}
			case o.refused != nil:
				require.Empty(t, got, "refused command %s (%v) stored nothing", o.key, o.refused)
			default:
				require.Contains(t, []int{0, o.want}, len(got), "failed command %s (%v) is stored whole or not at all", o.key, o.failed)
			}
		}
		for key := range byCommand {
			require.True(t, known[key], "stored command %s was sent by a writer", key)
		}
	})

	t.Run("refusals are the domain's, not a stale read's", func(t *testing.T) {
		for _, o := range log {
			if o.refused != nil {
				require.Zero(t, o.want, "command %s was refused (%v) though its project's state allowed it", o.key, o.refused)
			}
		}
	})

	t.Run("per-project order holds", func(t *testing.T) {
		// The commands of each project, in the order its writer sent them
		// (each project has one writer), against the order stored.
		sent := map[domain.ProjectID][]string{}
		stored := map[string]bool{}
		for _, r := range stream {
			stored[r.CommandID] = true
		}
		for _, w := range ws {
			for _, o := range w.log {
				if stored[o.key] {
					sent[o.project] = append(sent[o.project], o.key)
				}
			}
		}
		got := map[domain.ProjectID][]string{}
		for _, r := range stream {
			keys := got[r.Project]
			if n := len(keys); n == 0 || keys[n-1] != r.CommandID {
				got[r.Project] = append(keys, r.CommandID)
			}
		}
		require.Equal(t, len(sent), len(got))
		for p, keys := range sent {
			require.Equal(t, keys, got[p], "project %s", p)
		}

		v, err := admin.Verify(ctx, "")
		require.NoError(t, err)
		assert.Empty(t, v.Breaks)
		assert.Equal(t, len(stream), v.Events)
		assert.Equal(t, len(got), v.Projects)
	})

	t.Run("reads from the restarting node", func(t *testing.T) {
		// Each probe read a history after the stream's last sequence was
		// L: an up-to-date replica shows every event of the project up to
		// L. Fewer is a stale read, which Load does not return: it asks
		// the stream's leader for what a replica behind it missed.
		lastUpTo := func(p domain.ProjectID, l uint64) uint64 {
			var seq uint64
			for _, r := range stream {
				if r.Project == p && r.Sequence <= l {
					seq = r.Sequence
				}
			}
			return seq
		}
		stale, failed := 0, 0
		for _, pr := range probes {
			switch {
			case pr.err != nil:
				if failed++; failed == 1 {
					t.Logf("first failed read: %v", pr.err)
				}
			case pr.seq < lastUpTo(pr.project, pr.streamLast):
				stale++
			}
		}
		t.Logf("%d history reads from the restarted node while it caught up: %d stale, %d failed", len(probes), stale, failed)
		assert.Zero(t, stale, "histories read short")
	})

	t.Run("ledger verify --all is clean on the cluster", func(t *testing.T) {
		var out, errb bytes.Buffer
		a := newApp(&out, &errb)
		a.clock = clock
		code := a.run(ctx, []string{"--server", cl.URLs(), "--replicas", "3", "--json", "verify", "--all"})
		require.Equal(t, exitOK, code, errb.String())
		var v struct {
			Projects int                `json:"projects"`
			Events   int                `json:"events"`
			Breaks   []eventstore.Break `json:"breaks"`
		}
		require.NoError(t, json.Unmarshal(out.Bytes(), &v))
		assert.Empty(t, v.Breaks)
		assert.Equal(t, len(stream), v.Events)
	})

	t.Run("projections built while writing equal a fresh rebuild", func(t *testing.T) {
		caughtUp := false
		for range 600 { // at most a minute: the runner may be in its restart pause
			pr, err := runner.Progress(ctx)
			if err == nil && pr.Checkpoint.LastSeq == last {
				caughtUp = true
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		require.True(t, caughtUp, "the runner caught up with the stream")
		t.Logf("the runner caught up %.2fs after the writers finished", time.Since(end).Seconds())
		stopRunner()
		require.NoError(t, <-runnerDone)
		incremental, _, err := runner.Storage().Current(ctx)
		require.NoError(t, err)
		built := bucketRows(ctx, t, admin.JetStream(), incremental.Bucket)

		g, cp, err := projections.NewRunner(admin).Rebuild(ctx)
		require.NoError(t, err)
		assert.Equal(t, last, cp.LastSeq)
		rebuilt := bucketRows(ctx, t, admin.JetStream(), g.Bucket)
		require.Equal(t, len(rebuilt), len(built))
		for k, v := range rebuilt {
			require.Equal(t, v, built[k], "row %s", k)
		}

		// And the rows are the projects as their writers last saw them.
		snap, err := runner.Storage().Read(ctx)
		require.NoError(t, err)
		rows := map[domain.ProjectID]domain.Project{}
		for _, r := range snap.Rows {
			rows[r.ID] = r.Project
		}
		for _, w := range ws {
			for p, st := range w.shadow {
				if st == nil { // a command failed for good: the writer does not know
					continue
				}
				if st.Registered {
					row := rows[p]
					require.Equal(t, st.Version, row.Version, "project %s has every event", p)
					require.True(t, maps.Equal(st.Steps, row.Steps), "project %s: steps %v, row %v", p, st.Steps, row.Steps)
					require.Equal(t, st.Leader, row.Leader, "project %s", p)
					require.Equal(t, st.FundsTotal, row.FundsTotal, "project %s", p)
				}
			}
		}
	})

	// The numbers docs/cluster.md reports.
	var acks []time.Time
	for _, o := range log {
		if o.acked {
			acks = append(acks, o.at)
		}
	}
	slices.SortFunc(acks, func(a, b time.Time) int { return a.Compare(b) })
	rate := func(from, to time.Time) string {
		n := 0
		for _, at := range acks {
			if !at.Before(from) && at.Before(to) {
				n++
			}
		}
		return fmt.Sprintf("%d acks in %.2fs = %.0f/s", n, to.Sub(from).Seconds(), float64(n)/to.Sub(from).Seconds())
	}
	var slowest time.Duration
	for _, o := range log {
		slowest = max(slowest, o.took)
	}
	// The longest time no writer heard of a stored command.
	var gap time.Duration
	var gapFrom time.Time
	for i := 1; i < len(acks); i++ {
		if d := acks[i].Sub(acks[i-1]); d > gap {
			gap, gapFrom = d, acks[i-1]
		}
	}
	t.Logf("throughput before the kill:            %s", rate(start, killedAt))
	t.Logf("throughput kill to restarted healthy:  %s", rate(killedAt, healthyAt))
	t.Logf("throughput after:                      %s", rate(healthyAt, end))
	t.Logf("whole run:                             %s", rate(start, end))
	t.Logf("election: new stream leader seen %.2fs after the kill; no acknowledgement for %.2fs from %+.2fs after the kill; slowest command %.2fs",
		electedAt.Sub(killedAt).Seconds(), gap.Seconds(), gapFrom.Sub(killedAt).Seconds(), slowest.Seconds())
	t.Logf("retries: %d resends of %d commands by the store; %d commands run again by a writer; %d found already stored; runner restarts %d",
		retries.total(), retries.commands(), tally["rerun"], tally["already stored"], runnerTrouble.Load())
}

// connectJS returns a JetStream context on a connection of its own, as a
// reporting job on another machine has.
func connectJS(t *testing.T, urls string) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(urls, eventstore.RemoteConnectOptions()...)
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	return js
}

// streamInfo asks the stream leader for the stream's info.
func streamInfo(ctx context.Context, t *testing.T, s *eventstore.Store) *jetstream.StreamInfo {
	t.Helper()
	st, err := s.JetStream().Stream(ctx, s.StreamName())
	require.NoError(t, err)
	info, err := st.Info(ctx)
	require.NoError(t, err)
	return info
}

// waitNewLeader asks for the stream's info until a leader other than old
// answers, and returns it and when it was seen.
func waitNewLeader(ctx context.Context, t *testing.T, s *eventstore.Store, old string) (string, time.Time) {
	t.Helper()
	for {
		ictx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		st, err := s.JetStream().Stream(ictx, s.StreamName())
		if err == nil {
			var info *jetstream.StreamInfo
			if info, err = st.Info(ictx); err == nil && info.Cluster != nil && info.Cluster.Leader != "" && info.Cluster.Leader != old {
				cancel()
				return info.Cluster.Leader, time.Now()
			}
		}
		cancel()
		select {
		case <-ctx.Done():
			require.FailNow(t, "no new stream leader", "%v", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// probe is one history read from the restarting node.
type probe struct {
	project    domain.ProjectID
	streamLast uint64 // the stream's last sequence just before the read
	seq        uint64 // the project's last sequence as read
	err        error
}

// probeReads reads the writers' projects' histories through a connection
// to url alone, one after another, until ctx ends.
func probeReads(ctx context.Context, t *testing.T, url string, spec eventstore.StreamSpec, ws []*clusterWriter) []probe {
	nc, err := nats.Connect(url, eventstore.RemoteConnectOptions()...)
	if err != nil {
		return []probe{{err: err}}
	}
	defer nc.Close()
	s, err := eventstore.Open(ctx, nc, eventstore.WithStream(spec))
	if err != nil {
		return []probe{{err: fmt.Errorf("open: %w", err)}}
	}
	var out []probe
	for i := 0; ctx.Err() == nil; i++ {
		w := ws[i%len(ws)]
		p := w.projects[(i/len(ws))%len(w.projects)]
		last, err := s.LastSequence(ctx)
		if err != nil {
			if ctx.Err() == nil {
				out = append(out, probe{project: p, err: err})
			}
			continue
		}
		_, v, err := s.Load(ctx, p)
		if ctx.Err() != nil {
			break
		}
		out = append(out, probe{project: p, streamLast: last, seq: v.Sequence, err: err})
	}
	return out
}

// bucketRows returns every key and value of a projections bucket but the
// checkpoint, once every replica of the bucket has applied every write:
// the listing is read by a consumer that may sit on any replica, and a
// replica a few milliseconds behind would list fewer keys.
func bucketRows(ctx context.Context, t *testing.T, js jetstream.JetStream, bucket string) map[string]string {
	t.Helper()
	current := false
	for range 300 { // at most half a minute
		st, err := js.Stream(ctx, "KV_"+bucket)
		require.NoError(t, err)
		info, err := st.Info(ctx)
		require.NoError(t, err)
		current = info.Cluster != nil && info.Cluster.Leader != ""
		for _, r := range info.Cluster.Replicas {
			current = current && r.Current && r.Lag == 0
		}
		if current {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.True(t, current, "every replica of %s applied every write", bucket)
	kv, err := js.KeyValue(ctx, bucket)
	require.NoError(t, err)
	keys, err := kv.ListKeys(ctx)
	require.NoError(t, err)
	out := map[string]string{}
	for k := range keys.Keys() {
		if k == "checkpoint" {
			continue
		}
		e, err := kv.Get(ctx, k)
		require.NoError(t, err)
		out[k] = string(e.Value())
	}
	return out
}

// retryLog collects the store's reports of resent publishes.
type retryLog struct {
	mu      sync.Mutex
	byMsgID map[string]int
}

func (l *retryLog) add(r eventstore.Retry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byMsgID[r.MsgID]++
}

func (l *retryLog) total() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, c := range l.byMsgID {
		n += c
	}
	return n
}

func (l *retryLog) commands() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.byMsgID)
}

// outcome is what a writer was told about one command.
type outcome struct {
	key     string
	project domain.ProjectID
	action  string
	want    int // events the writer's view of the project says it yields; 0: refused
	acked   bool
	records []eventstore.Record // what the store said it stored (or found stored)
	already bool                // AlreadyStored
	refused error               // a *domain.RuleError
	failed  error               // any other error, after the writer ran it again
	reruns  int
	at      time.Time // when the answer came
	took    time.Duration
}

func (o *outcome) kind() string {
	switch {
	case o.acked && o.already:
		return "already stored"
	case o.acked && o.reruns > 0:
		return "rerun"
	case o.acked:
		return "stored"
	case o.refused != nil:
		return "refused"
	default:
		return "failed"
	}
}

// clusterWriter sends commands for its own projects, one at a time, as a
// clerk at a terminal or an import job would: it keeps the project states
// it was told about, runs a command that failed once more, and otherwise
// leaves retrying to the store.
type clusterWriter struct {
	id       int
	store    *eventstore.Store
	rng      *rand.Rand
	gen      *storetest.Commands
	projects []domain.ProjectID
	shadow   map[domain.ProjectID]*domain.Project // nil: unknown after a failure
	log      []*outcome
	seq      int
}

func newClusterWriter(id int, store *eventstore.Store, projects int) *clusterWriter {
	rng := rand.New(rand.NewPCG(uint64(id)+1, 0x9e3779b97f4a7c15))
	w := &clusterWriter{id: id, store: store, rng: rng, gen: storetest.NewCommands(rng, false),
		shadow: map[domain.ProjectID]*domain.Project{}}
	for i := range projects {
		p := domain.ProjectID(fmt.Sprintf("W%d-%03d", id, i))
		w.projects = append(w.projects, p)
		np := domain.NewProject(p)
		w.shadow[p] = &np
	}
	return w
}

// command returns a plausible next command for project p in state st; one
// in ten for a project not registered yet is something else, to be refused.
func (w *clusterWriter) command(p domain.ProjectID, st *domain.Project) domain.Command {
	w.seq++
	id := fmt.Sprintf("w%d-%05d", w.id, w.seq)
	if !st.Registered && w.rng.IntN(10) > 0 {
		return w.gen.Register(id, p)
	}
	return w.gen.Step(id, p, st)
}

// run sends n commands. Most are ones its view of the project allows; one
// in about twenty of the others is sent anyway, to see it refused.
func (w *clusterWriter) run(ctx context.Context, n int, onAck func()) {
	for len(w.log) < n && ctx.Err() == nil {
		p := w.projects[w.rng.IntN(len(w.projects))]
		st := w.shadow[p]
		if st == nil { // a command failed for good: read the project back, as a clerk would look at its history
			recs, _, err := w.store.Load(ctx, p)
			if err != nil {
				continue
			}
			events := make([]domain.Event, len(recs))
			for i, r := range recs {
				events[i] = r.Event
			}
			fresh := domain.Fold(p, events)
			st, w.shadow[p] = &fresh, &fresh
		}
		cmd := w.command(p, st)
		want, err := domain.Decide(*st, cmd, clusterNow)
		if err != nil && w.rng.IntN(20) > 0 {
			continue
		}
		o := &outcome{key: domain.CommandKey(cmd), project: p, action: cmd.Action(), want: len(want)}
		began := time.Now()
		for {
			res, err := w.store.Execute(ctx, cmd)
			var re *domain.RuleError
			switch {
			case err == nil:
				o.acked, o.records, o.already = true, res.Records, res.AlreadyStored
				for _, r := range res.Records {
					domain.Evolve(st, r.Event)
				}
				onAck()
			case errors.As(err, &re):
				o.refused = err
			case o.reruns == 0 && ctx.Err() == nil:
				o.reruns++ // the clerk runs it again, once
				continue
			default:
				o.failed = err
				w.shadow[p] = nil
			}
			break
		}
		o.at, o.took = time.Now(), time.Since(began)
		w.log = append(w.log, o)
	}
}

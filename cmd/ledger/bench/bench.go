// Package bench measures the ledger's own paths against the raw JetStream
// operations they stand on, in one run, on one embedded server in a temp
// folder: ratios, unlike absolute times, survive a shared machine. `ledger
// bench` runs it; docs/benchmarks.md records its results.
package bench

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/synadia-io/orbit.go/jetstreamext"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/plan"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections"
)

// Config sets the scale of a run.
type Config struct {
	Projects int // projects in the big stream
	Events   int // events in the big stream (about Projects x 10 at full size)
	Samples  int // samples of each latency measurement
	Writers  int // concurrent writers on the append path
	// Dir is where the embedded server keeps its data; it should be empty.
	Dir string
	// Ledger is the ledger binary to run as a process for the end-to-end
	// status measurement; empty skips that row.
	Ledger string
	// Progress, when not nil, is told what is being measured.
	Progress func(string)
	// Clock is the time the run's commands are decided by and its dates
	// derived from (default: the system clock). The deadline rows wait
	// for real time to pass on it, so it must run at real speed.
	Clock domain.Clock
	// Board serves the web board for its rows (board.go); nil skips them.
	Board Board
	// ProfileDir, when set, receives a CPU profile of each row, named
	// after it (01-append-concurrent.pprof, ...): the row's whole work,
	// ours, its raw baselines and the embedded server's.
	ProfileDir string
}

// Row is one line of the results: our path, its raw baseline, and how
// they compare.
type Row struct {
	Path   string  `json:"path"`
	Unit   string  `json:"unit"` // "events/s" (more is better) or "ms" (less is better)
	Ours   float64 `json:"ours"`
	Raw    float64 `json:"raw"`   // 0 when there is no raw counterpart
	Ratio  float64 `json:"ratio"` // ours/raw for rates, ours/raw for latencies
	Target string  `json:"target"`
	Met    bool    `json:"met"`
	PeakMB float64 `json:"peak_rss_mb"`
	Note   string  `json:"note,omitempty"`
	// Floor is raw JetStream giving the guarantees our path gives, with
	// the same messages and no ledger code (floor.go), and FloorRatio is
	// Floor/Raw: the most a path with those guarantees reaches against
	// the raw baseline here. Both are 0 where the raw baseline already
	// gives them.
	Floor      float64 `json:"floor,omitempty"`
	FloorRatio float64 `json:"floor_ratio,omitempty"`
	// P95 and Median are a latency row's 95th percentile and median, in
	// ms, where it reports both (Ours is the one its target judges).
	P95    float64 `json:"p95,omitempty"`
	Median float64 `json:"median,omitempty"`
	// Baseline is what the target is a ratio to: "floor", "raw", or
	// empty for a limit in the row's own unit (Target states it).
	Baseline string `json:"baseline,omitempty"`
	// VsFloor is Ours/Floor, where a floor was measured.
	VsFloor float64 `json:"ours_to_floor,omitempty"`
}

// env is the run's embedded server and store.
type env struct {
	srv   *eventstore.Embedded
	nc    *nats.Conn
	store *eventstore.Store
	cfg   Config
	// today is the clock's date in the default zone: the run's
	// registrations, steps and deadlines are dated from it.
	today domain.Date
	// rawStreams are the streams the row being measured created for its
	// raw baselines.
	rawStreams []string
	// bytesPerEvent is the ledger stream's size on disk per event after
	// the fill (storage.go).
	bytesPerEvent float64
}

func (e *env) progress(s string) {
	if e.cfg.Progress != nil {
		e.cfg.Progress(s)
	}
}

// Run measures every path and returns one row each.
func Run(ctx context.Context, cfg Config) ([]Row, error) {
	cfg.Samples = max(cfg.Samples, 5)
	cfg.Writers = max(cfg.Writers, 1)
	clock, today, err := runDay(cfg.Clock)
	if err != nil {
		return nil, err
	}
	cfg.Clock = clock
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: cfg.Dir, Port: -1})
	if err != nil {
		return nil, err
	}
	defer srv.Shutdown()
	nc, err := srv.Connect()
	if err != nil {
		return nil, err
	}
	defer nc.Close()
	store, err := eventstore.Open(ctx, nc, eventstore.WithClock(cfg.Clock))
	if err != nil {
		return nil, err
	}
	e := &env{srv: srv, nc: nc, store: store, cfg: cfg, today: today}
	var rows []Row
	for i, m := range []struct {
		name    string
		measure func(context.Context) (Row, error)
	}{
		{"append-concurrent", e.appendConcurrent}, {"append-sync", e.appendSync}, {"import", e.importPlan},
		{"fill", e.bigStream}, {"storage", e.storage}, {"storage-year", e.storageYear},
		{"rebuild", e.rebuild}, {"runner-memory", e.runnerMemory}, {"history", e.history}, {"status", e.status},
		{"verify", e.verify}, {"deadline", e.deadline},
		{"board-status", e.boardStatus}, {"board-overview", e.boardOverview}, {"board-card", e.boardCard}, {"board-live", e.boardLive},
	} {
		// Each measurement starts from a collected heap, as testing.B's
		// do: the embedded server shares this process, and the garbage
		// of one row (a rebuild leaves a lot) would slow the next one's
		// server through the collector.
		runtime.GC()
		stop, err := startProfile(cfg.ProfileDir, fmt.Sprintf("%02d-%s", i+1, m.name))
		if err != nil {
			return rows, err
		}
		r, err := m.measure(ctx)
		stop()
		if err != nil {
			return rows, err
		}
		if err := e.dropRawStreams(ctx); err != nil {
			return rows, err
		}
		r.PeakMB = peakRSS()
		if err := r.plausible(); err != nil {
			return rows, err
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// startProfile starts a CPU profile written to dir/name.pprof, and
// returns what stops it; with dir empty it does nothing.
func startProfile(dir, name string) (stop func(), err error) {
	if dir == "" {
		return func() {}, nil
	}
	f, err := os.Create(filepath.Join(dir, name+".pprof"))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// ErrImplausible is a measurement no run can produce: a negative or
// zero rate or latency, a ratio that disagrees with its figures. It
// fails the run instead of printing a row judged against its target.
var ErrImplausible = errors.New("implausible measurement")

// plausible refuses a row whose figures cannot be: every measured value
// is finite, Ours is above zero, Raw, Floor and the percentiles are not
// negative, and a median is not above its 95th percentile.
func (r Row) plausible() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrImplausible, r.Path, fmt.Sprintf(format, args...))
	}
	for name, v := range map[string]float64{"ours": r.Ours, "raw": r.Raw, "ratio": r.Ratio, "floor": r.Floor, "floor ratio": r.FloorRatio,
		"ours to floor": r.VsFloor, "p95": r.P95, "median": r.Median} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return bad("%s is %v", name, v)
		}
		if v < 0 {
			return bad("%s is negative (%g %s)", name, v, r.Unit)
		}
	}
	if r.Ours == 0 {
		return bad("nothing measured (0 %s)", r.Unit)
	}
	if r.P95 > 0 && r.Median > r.P95 {
		return bad("median %g ms above its 95th percentile %g ms", r.Median, r.P95)
	}
	return nil
}

// runDay returns the clock a run goes by (c, or the system clock when c
// is nil) and its date in the default zone, the day the run's dates are
// derived from.
func runDay(c domain.Clock) (domain.Clock, domain.Date, error) {
	if c == nil {
		c = domain.SystemClock{}
	}
	loc, err := domain.LoadZone("")
	if err != nil {
		return nil, 0, err
	}
	return c, domain.DateOf(c.Now(), loc), nil
}

// peakRSS returns the process's peak resident memory so far, in MB.
func peakRSS() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}

// rawStream creates a plain file stream for raw publishes.
func (e *env) rawStream(ctx context.Context, name string) error {
	return e.createRawStream(ctx, jetstream.StreamConfig{
		Name: name, Subjects: []string{name + ".>"}, Storage: jetstream.FileStorage, Duplicates: time.Hour,
	})
}

// createRawStream creates a stream for a row's raw baseline; Run deletes
// it once the row is measured.
func (e *env) createRawStream(ctx context.Context, cfg jetstream.StreamConfig) error {
	if _, err := e.store.JetStream().CreateStream(ctx, cfg); err != nil {
		return err
	}
	e.rawStreams = append(e.rawStreams, cfg.Name)
	return nil
}

// dropRawStreams deletes the raw baselines' streams: the server holds
// their messages' ids for the duplicate window, and what one row leaves
// behind would weigh on the next rows' measurements.
func (e *env) dropRawStreams(ctx context.Context) error {
	for _, name := range e.rawStreams {
		if err := e.store.JetStream().DeleteStream(ctx, name); err != nil {
			return fmt.Errorf("delete raw stream %s: %w", name, err)
		}
	}
	e.rawStreams = nil
	return nil
}

// storedMessages returns n of the ledger's messages from stream sequence
// first on, with their bodies and readable headers and without the
// Nats-* ones: the raw baselines publish copies of real ledger messages.
func storedMessages(ctx context.Context, s *eventstore.Store, first uint64, n int) ([]*nats.Msg, error) {
	out := make([]*nats.Msg, 0, n)
	for next := first; len(out) < n; {
		page, err := eventstore.DirectGet(ctx, eventstore.DefaultReadTimeout, func(ctx context.Context) (iter.Seq2[*jetstream.RawStreamMsg, error], error) {
			return jetstreamext.GetBatch(ctx, s.JetStream(), s.StreamName(), min(n-len(out), 1000), jetstreamext.GetBatchSeq(next))
		})
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			return nil, fmt.Errorf("%d messages from stream sequence %d: the stream ends after %d", n, first, len(out))
		}
		for _, m := range page {
			c := nats.NewMsg(m.Subject)
			c.Data, c.Header = m.Data, nats.Header{}
			for k, v := range m.Header {
				if !strings.HasPrefix(k, "Nats-") {
					c.Header[k] = v
				}
			}
			out = append(out, c)
			next = m.Sequence + 1
		}
	}
	return out, nil
}

// rounds is how many alternating turns ours and raw take on the append
// paths, so that a drift in the machine's speed during the run falls on
// both alike.
const rounds = 3

// appendConcurrent: many writers, each executing commands on many projects,
// against raw asynchronous publishing of the same number of messages of
// the same size, in alternating rounds.
func (e *env) appendConcurrent(ctx context.Context) (Row, error) {
	e.progress("append, many projects, concurrent")
	n := max(e.cfg.Events/10, 6000)
	projects := max(n/20, e.cfg.Writers)
	clock := domain.NewManualClock(e.cfg.Clock.Now())
	store, err := eventstore.Open(ctx, e.nc, eventstore.WithClock(clock))
	if err != nil {
		return Row{}, err
	}
	for p := range projects {
		if _, err := store.Execute(ctx, registration(fmt.Sprintf("C-%06d", p), nil, e.today)); err != nil {
			return Row{}, err
		}
	}
	msgs, err := storedMessages(ctx, store, 1, 200)
	if err != nil {
		return Row{}, err
	}
	if err := e.rawStream(ctx, "RAWA"); err != nil {
		return Row{}, err
	}
	floor, err := e.newAwaitedFloor(ctx, "RAWF", projects)
	if err != nil {
		return Row{}, err
	}
	var ours, raw, floorTime time.Duration
	per := n / rounds
	for r := range rounds {
		d, err := e.executeConcurrently(ctx, store, projects, r*per, per)
		if err != nil {
			return Row{}, err
		}
		ours += d
		rawSubject := func(i int) string { return fmt.Sprintf("RAWA.C-%06d.issue_raised", i%projects) }
		if d, err = e.rawAsync(ctx, msgs, rawSubject, r*per, per); err != nil {
			return Row{}, err
		}
		raw += d
		if d, err = floor.run(ctx, e, msgs, r*per, per); err != nil {
			return Row{}, err
		}
		floorTime += d
	}
	total := float64(per * rounds)
	row := rateRow("append, many projects, concurrent (validated, CBOR, hash link, concurrency check, Msg-Id)",
		total/ours.Seconds(), total/raw.Seconds(), fmt.Sprintf("%d writers, %d projects", e.cfg.Writers, projects))
	row.Floor = total / floorTime.Seconds()
	row.FloorRatio = row.Floor / row.Raw
	return row.judge(targetConcurrent), nil
}

// executeConcurrently runs commands from..from+n-1 across the writers, one
// issue raised per command on projects C-*, and returns how long they took.
func (e *env) executeConcurrently(ctx context.Context, store *eventstore.Store, projects, from, n int) (time.Duration, error) {
	start := time.Now()
	err := inTurn(e.cfg.Writers, from, from+n, func(i int) error {
		p := domain.ProjectID(fmt.Sprintf("C-%06d", i%projects))
		_, err := store.Execute(ctx, domain.RaiseIssue{Meta: domain.Meta{Actor: "bench"}, Project: p,
			IssueID: fmt.Sprintf("I-%d", i), Title: "bench", On: e.today})
		return err
	})
	return time.Since(start), err
}

// inTurn runs do(i) for every i from from to to-1 on workers goroutines,
// each taking the next i when it is done with the last, and returns the
// first error; after one, no worker takes another i.
func inTurn(workers, from, to int, do func(i int) error) error {
	var next atomic.Int64
	next.Store(int64(from))
	var failed atomic.Bool
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1)) - 1
				if i >= to {
					return
				}
				if err := do(i); err != nil {
					once.Do(func() { first = err })
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	return first
}

// rawAsync publishes messages from..from+n-1, message i being msgs[i]
// (cycling through msgs) on subject(i), asynchronously, and returns how
// long until all were acknowledged. The subjects are as many as ours:
// the server keeps state per subject, and that is part of what JetStream
// itself costs.
func (e *env) rawAsync(ctx context.Context, msgs []*nats.Msg, subject func(i int) string, from, n int) (time.Duration, error) {
	js := e.store.JetStream()
	start := time.Now()
	for i := from; i < from+n; i++ {
		m := msgs[i%len(msgs)]
		out := nats.NewMsg(subject(i))
		out.Data, out.Header = m.Data, m.Header // the readable headers, no Msg-Id
		if _, err := js.PublishMsgAsync(out); err != nil {
			return 0, err
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	return time.Since(start), nil
}

// appendSync: one command at a time, against a raw synchronous publish
// of the same message: a copy of an issue_raised the ledger stored here
// (same body, same readable headers, a subject and a Msg-Id of the same
// length), with the expected-last-subject-sequence check, awaiting its
// acknowledgement before the next. The two take turns sample by sample.
func (e *env) appendSync(ctx context.Context) (Row, error) {
	e.progress("append, one command at a time")
	const projects = 50
	project := func(p int) domain.ProjectID { return domain.ProjectID(fmt.Sprintf("S-%06d", p)) }
	raise := func(p, i int) domain.RaiseIssue {
		return domain.RaiseIssue{Meta: domain.Meta{Actor: "bench"}, Project: project(p),
			IssueID: fmt.Sprintf("I-%06d", i), Title: "bench", On: e.today}
	}
	for p := range projects {
		if _, err := e.store.Execute(ctx, registration(string(project(p)), nil, e.today)); err != nil {
			return Row{}, err
		}
	}
	// The template: an issue raised as every sample raises one, untimed.
	res, err := e.store.Execute(ctx, raise(0, 999999))
	if err != nil {
		return Row{}, err
	}
	first := res.Records[0]
	msgs, err := storedMessages(ctx, e.store, first.Sequence, 1)
	if err != nil {
		return Row{}, err
	}
	template, msgID := msgs[0], eventstore.MsgID(first.Event)
	// RAWSYN is as long as the ledger's subject prefix, "ledger".
	const stream = "RAWSYN"
	if err := e.rawStream(ctx, stream); err != nil {
		return Row{}, err
	}
	rawSubject := func(p int) string { return stream + "." + string(project(p)) + "." + string(domain.IssueRaised) }
	js := e.store.JetStream()
	last := map[int]uint64{}
	samples := max(e.cfg.Samples*10, 500)
	ours := make([]time.Duration, 0, samples)
	raw := make([]time.Duration, 0, samples)
	for i := range samples {
		p := i % projects
		start := time.Now()
		if _, err := e.store.Execute(ctx, raise(p, i)); err != nil {
			return Row{}, err
		}
		ours = append(ours, time.Since(start))

		m := nats.NewMsg(rawSubject(p))
		m.Data, m.Header = template.Data, make(nats.Header, len(template.Header)+3)
		for k, v := range template.Header {
			m.Header[k] = v
		}
		m.Header.Set(nats.MsgIdHdr, sameLength(msgID, i))
		start = time.Now()
		ack, err := js.PublishMsg(ctx, m, jetstream.WithExpectLastSequenceForSubject(last[p], stream+"."+string(project(p))+".*"))
		if err != nil {
			return Row{}, err
		}
		raw = append(raw, time.Since(start))
		last[p] = ack.Sequence
	}
	o, r := median(ours), median(raw)
	return Row{Path: "append, one command at a time (median latency; raw: sync publish of a copy, expected subject sequence, Msg-Id)", Unit: "ms",
		Ours: ms(o), Raw: ms(r), Ratio: o.Seconds() / r.Seconds(),
		Note: fmt.Sprintf("%d samples each, taking turns; %d-byte body", samples, len(template.Data))}.judge(targetSync), nil
}

// sameLength returns id with its tail replaced by i, zero-padded: a Msg-Id
// of the same length, unique for each i below 10^8.
func sameLength(id string, i int) string {
	tail := fmt.Sprintf("%08d", i)
	if len(id) < len(tail) {
		return tail
	}
	return id[:len(id)-len(tail)] + tail
}

// bigStream fills the stream with about Events events over Projects
// projects (registrations with plans, then issues), for the read paths.
func (e *env) bigStream(ctx context.Context) (Row, error) {
	e.progress(fmt.Sprintf("filling a stream of %d events over %d projects", e.cfg.Events, e.cfg.Projects))
	perProject := max(e.cfg.Events/max(e.cfg.Projects, 1), 9)
	var cmds []domain.RegisterProject
	units := e.bigUnits()
	for p := range e.cfg.Projects {
		r := registration(fmt.Sprintf("B-%07d", p), domain.Milestones[:8], e.today)
		r.Unit = fmt.Sprintf("unit-%d", p%units)
		cmds = append(cmds, r)
	}
	start := time.Now()
	stored := 0
	for len(cmds) > 0 {
		k := min(len(cmds), 111)
		n, err := e.store.RegisterMany(ctx, cmds[:k])
		if err != nil {
			return Row{}, err
		}
		stored += n
		cmds = cmds[k:]
	}
	// The rest as supervision items on every project, in turn, as many on
	// each: every project of the fill has the same shape, and the history
	// row compares reads of different projects.
	extra := max(e.cfg.Events-stored, 0) / max(e.cfg.Projects, 1) * e.cfg.Projects
	extraPer := perProject - 9
	if extraPer > 0 && extra > 0 {
		if err := e.fillIssues(ctx, extra); err != nil {
			return Row{}, err
		}
		stored += extra
	}
	rate := float64(stored) / time.Since(start).Seconds()
	return Row{Path: fmt.Sprintf("fill: %d events over %d projects (bulk registrations, then one issue per command)", stored, e.cfg.Projects),
		Unit: "events/s", Ours: rate}.judge(reported), nil
}

// bigUnits is how many units the big stream's projects are spread over,
// p%units each: about 200 projects per unit, as in a county.
func (e *env) bigUnits() int { return max(e.cfg.Projects/200, 1) }

func (e *env) fillIssues(ctx context.Context, n int) error {
	return inTurn(max(e.cfg.Writers, 8), 0, n, func(i int) error {
		p := domain.ProjectID(fmt.Sprintf("B-%07d", i%e.cfg.Projects))
		_, err := e.store.Execute(ctx, domain.RaiseIssue{Meta: domain.Meta{Actor: "bench"}, Project: p,
			IssueID: fmt.Sprintf("F-%d", i), Title: "fill", On: e.today})
		return err
	})
}

// rawOrderedRead reads the whole ledger stream with an ordered consumer.
func (e *env) rawOrderedRead(ctx context.Context) (float64, error) {
	last, err := e.store.LastSequence(ctx)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	cons, err := e.store.JetStream().OrderedConsumer(ctx, e.store.StreamName(), jetstream.OrderedConsumerConfig{})
	if err != nil {
		return 0, err
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(1024))
	if err != nil {
		return 0, err
	}
	defer it.Stop()
	for {
		m, err := it.Next()
		if err != nil {
			return 0, err
		}
		md, err := m.Metadata()
		if err != nil {
			return 0, err
		}
		if md.Sequence.Stream >= last {
			return float64(last) / time.Since(start).Seconds(), nil
		}
	}
}

// rawAround reads the whole stream raw before and after ours runs, and
// returns the mean of the two rates: a drift in the machine's speed, and
// the server's cache of the blocks last read, fall on both sides alike.
func (e *env) rawAround(ctx context.Context, ours func() error) (float64, error) {
	before, err := e.rawOrderedRead(ctx)
	if err != nil {
		return 0, err
	}
	if err := ours(); err != nil {
		return 0, err
	}
	after, err := e.rawOrderedRead(ctx)
	if err != nil {
		return 0, err
	}
	return (before + after) / 2, nil
}

// rebuild: every projection from the first event, against the raw read.
func (e *env) rebuild(ctx context.Context) (Row, error) {
	e.progress("rebuilding the projections")
	last, err := e.store.LastSequence(ctx)
	if err != nil {
		return Row{}, err
	}
	var ours float64
	raw, err := e.rawAround(ctx, func() error {
		start := time.Now()
		if _, _, err := projections.NewRunner(e.store).Rebuild(ctx); err != nil {
			return err
		}
		ours = float64(last) / time.Since(start).Seconds()
		return nil
	})
	if err != nil {
		return Row{}, err
	}
	return rateRow(fmt.Sprintf("rebuild all projections from %d events (raw: ordered consumer, whole stream)", last), ours, raw, "").judge(targetRebuild), nil
}

// runnerMemory: `ledger projections rebuild` as its own process, which
// folds every project's row in the runner, and its peak resident memory.
//
// The peak is read from the child's /proc/<pid>/status (VmHWM) while it
// runs: the rusage of a finished child is no good here, because Linux
// counts into it the parent's resident memory at the moment of the fork.
func (e *env) runnerMemory(ctx context.Context) (Row, error) {
	path := fmt.Sprintf("projection runner holding %d projects (ledger projections rebuild, as a process): peak RSS", e.cfg.Projects)
	if e.cfg.Ledger == "" {
		return Row{Path: path + " (skipped: no binary)", Unit: "MB", Target: targetRunner.String()}, nil
	}
	e.progress("peak memory of the projection runner, as a process")
	cmd := exec.CommandContext(ctx, e.cfg.Ledger, "--server", e.srv.ClientURL(), "projections", "rebuild")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return Row{}, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
	var peakKB int64
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if kb, ok := highWaterKB(status); ok {
			peakKB = max(peakKB, kb)
		}
		select {
		case err := <-done:
			if err != nil {
				return Row{}, fmt.Errorf("ledger projections rebuild: %w: %s", err, stderr.String())
			}
			if peakKB == 0 {
				return Row{Path: path + " (not measured: no /proc on this system)", Unit: "MB", Target: targetRunner.String()}, nil
			}
			mb := float64(peakKB) / 1024
			return Row{Path: path, Unit: "MB", Ours: mb}.judge(targetRunner), nil
		case <-tick.C:
		}
	}
}

// highWaterKB reads the VmHWM line (peak resident set, kB) of a
// /proc/<pid>/status file.
func highWaterKB(status string) (int64, bool) {
	b, err := os.ReadFile(status)
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb, err == nil
		}
	}
	return 0, false
}

// history: one project's history among the whole stream, median latency,
// against a raw read of exactly the messages the ledger reads: every
// message on the project's subjects, as a minimal client reads them with
// one request, a batched direct get filtered on ledger.<project>.* from the
// stream's first sequence (continued while the server says more are
// pending). Before timing, both read one project and must return the same
// sequences. The two then take turns on different projects of the fill,
// each with the same number of events and far apart in the stream, so that
// the server's block cache (a block read stays cached for seconds) favours
// neither; each raw read must return as many messages as ours did.
func (e *env) history(ctx context.Context) (Row, error) {
	e.progress("reading one project's history")
	project := func(i int) domain.ProjectID {
		return domain.ProjectID(fmt.Sprintf("B-%07d", (i*7919)%e.cfg.Projects))
	}
	// The check, untimed, on the fill's last project.
	check := domain.ProjectID(fmt.Sprintf("B-%07d", e.cfg.Projects-1))
	recs, _, err := e.store.Load(ctx, check)
	if err != nil {
		return Row{}, err
	}
	seqs, err := e.rawHistory(ctx, check)
	if err != nil {
		return Row{}, err
	}
	want := make([]uint64, len(recs))
	for i, r := range recs {
		want[i] = r.Sequence
	}
	if !slices.Equal(seqs, want) {
		return Row{}, fmt.Errorf("the raw read of %s returned sequences %v, the ledger read %v", check, seqs, want)
	}

	var ours, raw []time.Duration
	events := 0
	for i := range e.cfg.Samples {
		start := time.Now()
		recs, _, err := e.store.Load(ctx, project(2*i))
		if err != nil {
			return Row{}, err
		}
		ours = append(ours, time.Since(start))
		events = len(recs)

		start = time.Now()
		seqs, err := e.rawHistory(ctx, project(2*i+1))
		if err != nil {
			return Row{}, err
		}
		raw = append(raw, time.Since(start))
		if len(seqs) != events {
			return Row{}, fmt.Errorf("the raw read of %s returned %d messages, the ledger read %d of %s, a project of the same shape",
				project(2*i+1), len(seqs), events, project(2*i))
		}
	}
	o, r := median(ours), median(raw)
	return Row{Path: fmt.Sprintf("one project's history (%d events) among the whole stream (median; raw: batched direct get filtered on the project's subjects)", events),
		Unit: "ms", Ours: ms(o), Raw: ms(r), Ratio: o.Seconds() / r.Seconds(),
		Note: fmt.Sprintf("%d samples each, taking turns", e.cfg.Samples)}.judge(targetHistory), nil
}

// rawHistory reads every message on project p's subjects with batched
// direct gets filtered on its subjects, from the stream's first sequence,
// and returns their sequences.
func (e *env) rawHistory(ctx context.Context, p domain.ProjectID) ([]uint64, error) {
	js, filter := e.store.JetStream(), e.store.ProjectFilter(p)
	var seqs []uint64
	for next := uint64(1); ; {
		page, err := eventstore.DirectGet(ctx, eventstore.DefaultReadTimeout, func(ctx context.Context) (iter.Seq2[*jetstream.RawStreamMsg, error], error) {
			return jetstreamext.GetBatch(ctx, js, e.store.StreamName(), 1000, jetstreamext.GetBatchSeq(next), jetstreamext.GetBatchSubject(filter))
		})
		if err != nil {
			return nil, fmt.Errorf("raw read of %s: %w", filter, err)
		}
		for _, m := range page {
			seqs = append(seqs, m.Sequence)
			next = m.Sequence + 1
		}
		if len(page) == 0 || !eventstore.MorePending(page) {
			if len(seqs) == 0 {
				return nil, fmt.Errorf("raw read of %s: no messages", filter)
			}
			return seqs, nil
		}
	}
}

// verify: every event of the stream, against the raw read.
func (e *env) verify(ctx context.Context) (Row, error) {
	e.progress("verifying every event")
	var ours float64
	var v eventstore.Verification
	raw, err := e.rawAround(ctx, func() error {
		start := time.Now()
		var err error
		if v, err = e.store.Verify(ctx, ""); err != nil {
			return err
		}
		if len(v.Breaks) > 0 {
			return fmt.Errorf("verify found a break: %s", v.Breaks[0].Error())
		}
		ours = float64(v.Events) / time.Since(start).Seconds()
		return nil
	})
	if err != nil {
		return Row{}, err
	}
	return rateRow(fmt.Sprintf("verify --all, %d events (raw: ordered consumer, whole stream)", v.Events), ours, raw, "").judge(targetVerify), nil
}

// rateRow is a rate row, ours against raw; its target is judged by the
// caller (Row.judge).
func rateRow(path string, ours, raw float64, note string) Row {
	return Row{Path: path, Unit: "events/s", Ours: ours, Raw: raw, Ratio: ours / raw, Note: note}
}

// registration registers project id a year before today, with a deadline
// for each milestone of plan, the first a month after today and the next
// each a day later: none falls due while a run lasts.
func registration(id string, plan []domain.Milestone, today domain.Date) domain.RegisterProject {
	r := domain.RegisterProject{Meta: domain.Meta{Actor: "bench"}, Project: domain.ProjectID(id), Name: "benchmark project " + id,
		TotalInvestment: 100_000_000, Unit: "unit-x", Leader: "leader", Kind: domain.KindNew,
		On: today.AddDays(-365)}
	for i, m := range plan {
		r.Plan = append(r.Plan, domain.PlannedDeadline{Milestone: m, Due: today.AddDays(30 + i)})
	}
	return r
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// importPlan: a plan of Projects/10 projects x 8 deadlines through the
// importer's path (check, diff, bulk registrations), against raw
// asynchronous publishing of the same number of same-size messages.
func (e *env) importPlan(ctx context.Context) (Row, error) {
	n := max(e.cfg.Projects/10, 20)
	e.progress(fmt.Sprintf("importing a plan of %d projects x 8 deadlines", n))
	var csv strings.Builder
	csv.WriteString("项目代码,项目名称,总投资(万元),责任单位,包保领导,项目类型,签约,到资,可研,环评,土地,施工许可,开工,投产\n")
	var due strings.Builder // eight deadlines from two weeks to a year ahead
	for _, days := range []int{14, 30, 60, 90, 120, 135, 150, 365} {
		due.WriteString("," + e.today.AddDays(days).String())
	}
	for i := range n {
		fmt.Fprintf(&csv, "IMP-%06d,项目%d,%d,单位%d,领导%d,新建%s\n", i, i, 1000+i, i%8, i%12, due.String())
	}
	start := time.Now()
	sheet, err := plan.ReadCSV("bench.csv", []byte(csv.String()), plan.EncodingAuto)
	if err != nil {
		return Row{}, err
	}
	rows, problems := plan.Rows(sheet)
	if len(problems) > 0 {
		return Row{}, problems
	}
	opts := plan.Options{Actor: "bench", On: e.today, Now: e.cfg.Clock.Now()}
	var changes []plan.Change
	for _, r := range rows {
		ch, ps := plan.Diff(sheet.File, r, domain.Project{}, opts)
		if len(ps) > 0 {
			return Row{}, ps
		}
		changes = append(changes, ch)
	}
	execute := plan.ExecutorFunc(func(ctx context.Context, c domain.Command) (int, error) {
		res, err := e.store.Execute(ctx, c)
		return len(res.Records), err
	})
	applied, err := plan.Apply(ctx, execute, e.store, sheet.File, changes, 32, nil)
	if err != nil {
		return Row{}, err
	}
	ours := float64(applied.Events) / time.Since(start).Seconds()
	last, err := e.store.LastSequence(ctx)
	if err != nil {
		return Row{}, err
	}
	// The raw baseline publishes copies of the very messages imported, on
	// as many subjects.
	msgs, err := storedMessages(ctx, e.store, last-uint64(applied.Events)+1, applied.Events)
	if err != nil {
		return Row{}, err
	}
	if err := e.rawStream(ctx, "RAWI"); err != nil {
		return Row{}, err
	}
	rawSubject := func(i int) string { return "RAWI." + strings.TrimPrefix(msgs[i].Subject, "ledger.") }
	d, err := e.rawAsync(ctx, msgs, rawSubject, 0, applied.Events)
	if err != nil {
		return Row{}, err
	}
	raw := float64(applied.Events) / d.Seconds()
	if d, err = e.atomicFloor(ctx, "RAWJ", msgs); err != nil {
		return Row{}, err
	}
	row := rateRow(fmt.Sprintf("plan import, %d projects x 8 deadlines (%d events)", n, applied.Events), ours, raw, "")
	row.Floor = float64(applied.Events) / d.Seconds()
	row.FloorRatio = row.Floor / raw
	return row.judge(targetImport), nil
}

// status: `ledger status --unit U` as its own process, against the stored
// projections, median of wall times.
func (e *env) status(ctx context.Context) (Row, error) {
	if e.cfg.Ledger == "" {
		return Row{Path: "ledger status for one unit, as a process (skipped: no binary)", Unit: "ms", Target: targetStatus.String()}, nil
	}
	e.progress("ledger status for one unit, as a process")
	unit := statusUnit // one of the big stream's units, about 200 projects
	var lat []time.Duration
	var note string
	for range max(e.cfg.Samples/5, 5) {
		cmd := exec.CommandContext(ctx, e.cfg.Ledger, "--server", e.srv.ClientURL(), "status", "--unit", unit, "--json")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		start := time.Now()
		out, err := cmd.Output()
		if err != nil {
			return Row{}, fmt.Errorf("ledger status: %w: %s", err, stderr.String())
		}
		lat = append(lat, time.Since(start))
		if len(out) == 0 {
			return Row{}, fmt.Errorf("ledger status printed nothing")
		}
		note = strings.TrimSpace(stderr.String())
	}
	m := median(lat)
	return Row{Path: fmt.Sprintf("ledger status --unit (one unit of about 200 among %d projects), as a process (median)", e.cfg.Projects), Unit: "ms",
		Ours: ms(m), Note: note}.judge(targetStatus), nil
}

// shiftedClock is the run's clock moved by an offset that can change:
// time flows as it does, but a deadline's day can be made to end a moment
// from now.
type shiftedClock struct {
	base   domain.Clock
	offset atomic.Int64
}

func (c *shiftedClock) Now() time.Time { return c.base.Now().Add(time.Duration(c.offset.Load())) }

// endDayIn moves the clock so that day ends d from now (real time), and
// returns that instant on the base clock.
func (c *shiftedClock) endDayIn(day domain.Date, loc *time.Location, d time.Duration) time.Time {
	at := c.base.Now().Add(d)
	c.offset.Store(int64(day.End(loc).Sub(at)))
	return at
}

// deadline: how long after a deadline's day ends, on the real clock, a
// running watcher that has caught up with the stream has stored its
// deadline_missed. Every other deadline in the stream lies a fortnight or
// more ahead, so the one miss is this row's; a miss of another project, or
// one stored before the day ended, fails the row.
func (e *env) deadline(ctx context.Context) (Row, error) {
	e.progress("deadline_missed after its day ends (real clock)")
	loc, err := domain.LoadZone("")
	if err != nil {
		return Row{}, err
	}
	const id = "DL-000001"
	day := e.today
	clock := &shiftedClock{base: e.cfg.Clock}
	clock.endDayIn(day, loc, time.Hour)
	store, err := eventstore.Open(ctx, e.nc, eventstore.WithClock(clock))
	if err != nil {
		return Row{}, err
	}
	type miss struct {
		project domain.ProjectID
		at      time.Time
	}
	recorded := make(chan miss, 1)
	passes := make(chan uint64, 1)
	w := projections.NewWatcher(store,
		projections.OnMiss(func(r eventstore.Record) {
			select {
			case recorded <- miss{r.Project, e.cfg.Clock.Now()}:
			default:
			}
		}),
		projections.OnPass(func(p projections.Pass) {
			select {
			case passes <- p.LastSeq:
			default:
			}
		}))
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() { _ = w.Run(wctx) }()

	reg := registration(id, nil, day)
	reg.On = day
	reg.Plan = []domain.PlannedDeadline{{Milestone: domain.MilestoneStarted, Due: day}}
	res, err := store.Execute(ctx, reg)
	if err != nil {
		return Row{}, err
	}
	// Wait until the watcher has read the registration, as a watcher in
	// `ledger serve` has long before a deadline's day ends.
	want := res.Records[len(res.Records)-1].Sequence
	for seen := uint64(0); seen < want; {
		select {
		case seen = <-passes:
		case m := <-recorded:
			return Row{}, fmt.Errorf("a deadline_missed of %s was stored before %s's day ended", m.project, id)
		case <-time.After(5 * time.Minute):
			return Row{}, fmt.Errorf("the watcher did not catch up with the stream within 5 minutes")
		}
	}
	end := clock.endDayIn(day, loc, time.Second)
	select {
	case m := <-recorded:
		lag := m.at.Sub(end)
		switch {
		case m.project != id:
			return Row{}, fmt.Errorf("the watcher stored a deadline_missed of %s, expected only %s's", m.project, id)
		case lag < 0:
			return Row{}, fmt.Errorf("%s's deadline_missed was stored %s before its day ended", id, -lag)
		}
		return Row{Path: "deadline_missed stored after its day ends (real clock, watcher running)", Unit: "ms", Ours: ms(lag)}.judge(targetDeadline), nil
	case <-time.After(30 * time.Second):
		return Row{}, fmt.Errorf("no deadline_missed within 30s of the day's end")
	}
}

package bench

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/synadia-io/orbit.go/jetstreamext"
)

// The floors: raw JetStream giving the guarantees a ledger path gives,
// with the same messages, in the same run, and no ledger code at all. A
// raw asynchronous publish gives none of them; the floor is the most any
// path with those guarantees can reach on this machine, and where it is
// below a target, no work on the ledger's own code meets that target.

// awaitedFloor publishes as the concurrent append must, with no ledger
// code: each message with a Msg-Id and the expected last sequence of its
// project's subjects, from writers that each await their acknowledgement
// before the next, one message per project at a time (Execute holds a
// project's lock across its append too).
type awaitedFloor struct {
	stream   string
	projects int
	locks    []sync.Mutex
	last     []uint64 // each project's last stored sequence
}

func (e *env) newAwaitedFloor(ctx context.Context, stream string, projects int) (*awaitedFloor, error) {
	if err := e.rawStream(ctx, stream); err != nil {
		return nil, err
	}
	return &awaitedFloor{stream: stream, projects: projects, locks: make([]sync.Mutex, projects), last: make([]uint64, projects)}, nil
}

// run publishes copies of msgs from..from+n-1 (cycling through msgs), the
// i-th on project i%projects, from e.cfg.Writers writers, and returns how
// long they took.
func (f *awaitedFloor) run(ctx context.Context, e *env, msgs []*nats.Msg, from, n int) (time.Duration, error) {
	js := e.store.JetStream()
	publish := func(i int) error {
		p := i % f.projects
		m := msgs[i%len(msgs)]
		out := nats.NewMsg(fmt.Sprintf("%s.C-%06d.issue_raised", f.stream, p))
		out.Data, out.Header = m.Data, make(nats.Header, len(m.Header)+3)
		for k, v := range m.Header {
			out.Header[k] = v
		}
		f.locks[p].Lock()
		defer f.locks[p].Unlock()
		out.Header.Set(nats.MsgIdHdr, fmt.Sprintf("C-%06d:%d", p, i))
		out.Header.Set(jetstream.ExpectedLastSubjSeqSubjHeader, fmt.Sprintf("%s.C-%06d.*", f.stream, p))
		out.Header.Set(jetstream.ExpectedLastSubjSeqHeader, strconv.FormatUint(f.last[p], 10))
		ack, err := js.PublishMsgAsync(out)
		if err != nil {
			return err
		}
		select {
		case a := <-ack.Ok():
			f.last[p] = a.Sequence
			return nil
		case err := <-ack.Err():
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	start := time.Now()
	if err := inTurn(e.cfg.Writers, from, from+n, publish); err != nil {
		return 0, fmt.Errorf("raw awaited publish: %w", err)
	}
	return time.Since(start), nil
}

// Atomic batches as plan.Apply and Store.RegisterMany send an import: up
// to 111 projects' messages (999) in one batch, four batches in flight.
const (
	floorBatchMessages = 999
	floorBatchesAtOnce = 4
)

// atomicFloor publishes copies of msgs, the messages of an import in
// stored order (each project's registration and plan together), as the
// import must, with no ledger code: each project's messages whole, in
// atomic batches, each message with a Msg-Id and each project's first with
// the expected last sequence of its subjects. It returns how long it took.
func (e *env) atomicFloor(ctx context.Context, stream string, msgs []*nats.Msg) (time.Duration, error) {
	if err := e.createRawStream(ctx, jetstream.StreamConfig{
		Name: stream, Subjects: []string{stream + ".>"}, Storage: jetstream.FileStorage, Duplicates: time.Hour, AllowAtomicPublish: true,
	}); err != nil {
		return 0, err
	}
	// Copies on the floor's subjects, then cut into batches at project
	// boundaries.
	var batches [][]*nats.Msg
	var batch []*nats.Msg
	project := ""
	for i, m := range msgs {
		rest := strings.TrimPrefix(m.Subject, "ledger.")
		p, _, _ := strings.Cut(rest, ".")
		c := nats.NewMsg(stream + "." + rest)
		c.Data, c.Header = m.Data, make(nats.Header, len(m.Header)+3)
		for k, v := range m.Header {
			c.Header[k] = v
		}
		c.Header.Set(nats.MsgIdHdr, fmt.Sprintf("%s:%d", p, i))
		if p != project {
			if len(batch)+projectLen(msgs[i:], p) > floorBatchMessages {
				batches, batch = append(batches, batch), nil
			}
			c.Header.Set(jetstream.ExpectedLastSubjSeqSubjHeader, stream+"."+p+".*")
			c.Header.Set(jetstream.ExpectedLastSubjSeqHeader, "0")
			project = p
		}
		batch = append(batch, c)
	}
	if len(batch) > 0 {
		batches = append(batches, batch)
	}
	start := time.Now()
	err := inTurn(floorBatchesAtOnce, 0, len(batches), func(k int) error {
		bctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		_, err := jetstreamext.PublishMsgBatch(bctx, e.store.JetStream(), batches[k])
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("raw atomic batch: %w", err)
	}
	return time.Since(start), nil
}

// projectLen is how many of msgs, from the first, are project p's.
func projectLen(msgs []*nats.Msg, p string) int {
	prefix := "ledger." + p + "."
	n := 0
	for n < len(msgs) && strings.HasPrefix(msgs[n].Subject, prefix) {
		n++
	}
	return n
}

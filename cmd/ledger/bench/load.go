package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections"
)

// LoadConfig sets up a load run against a running ledger server.
type LoadConfig struct {
	URL      string        // the server, e.g. the one `ledger serve` runs
	Clients  int           // concurrent clients, each on its own connection
	Duration time.Duration // how long the clients keep working
	// Options are extra NATS connection options (credentials, TLS).
	Options []nats.Option
	// Progress, when not nil, is told what is happening.
	Progress func(string)
	// Clock is the time the clients' commands are decided by and dated
	// from (default: the system clock).
	Clock domain.Clock
}

// LoadResult is what a load run did.
type LoadResult struct {
	Clients  int           `json:"clients"`
	Duration time.Duration `json:"duration_ns"`
	Ops      []OpStats     `json:"ops"`
	// Errors are failures other than designed conflicts, which must be
	// none; the first few are kept.
	Errors     int      `json:"errors"`
	FirstError []string `json:"first_errors,omitempty"`
	// Conflicts are commands that lost the race for a shared project more
	// often than Execute retries: designed, and reported to the caller.
	Conflicts int `json:"conflicts"`
	// Acknowledged and Stored count the issues raised: every acknowledged
	// command must be stored exactly once.
	Acknowledged int `json:"acknowledged"`
	Stored       int `json:"stored"`
}

// OpStats are one kind of operation's count and latencies.
type OpStats struct {
	Op    string  `json:"op"`
	Count int     `json:"count"`
	PerS  float64 `json:"per_second"`
	P50ms float64 `json:"p50_ms"`
	P99ms float64 `json:"p99_ms"`
}

// load operations, in the mix the clients run.
const (
	opRecordOwn    = "record (own project)"
	opRecordShared = "record (shared project)"
	opHistory      = "read one project's history"
	opUnitStatus   = "read a unit's projection rows"
)

// sharedProjects is how many projects every client writes to, so that
// their commands collide.
const sharedProjects = 5

// Load runs cfg.Clients clients against the server for cfg.Duration, each
// on its own connection, in a mix of writes (issues raised on a project of
// its own and on projects all clients share) and reads (one project's
// history, one unit's projection rows); then it checks that every
// acknowledged command was stored exactly once. The loops stop by
// themselves when the time is up.
func Load(ctx context.Context, cfg LoadConfig) (LoadResult, error) {
	cfg.Clients = max(cfg.Clients, 1)
	clock, today, err := runDay(cfg.Clock)
	if err != nil {
		return LoadResult{}, err
	}
	cfg.Clock = clock
	progress := func(s string) {
		if cfg.Progress != nil {
			cfg.Progress(s)
		}
	}
	run := fmt.Sprintf("%x", time.Now().UnixNano()%0xffffff)
	connect := func() (*nats.Conn, *eventstore.Store, error) {
		nc, err := nats.Connect(cfg.URL, append(eventstore.ConnectOptions(), cfg.Options...)...)
		if err != nil {
			return nil, nil, fmt.Errorf("connect to %s: %w", cfg.URL, err)
		}
		s, err := eventstore.Open(ctx, nc, eventstore.WithClock(cfg.Clock))
		if err != nil {
			nc.Close()
			return nil, nil, err
		}
		return nc, s, nil
	}
	nc, setup, err := connect()
	if err != nil {
		return LoadResult{}, err
	}
	defer nc.Close()
	progress(fmt.Sprintf("registering %d projects for %d clients", cfg.Clients+sharedProjects, cfg.Clients))
	project := func(kind string, i int) domain.ProjectID {
		return domain.ProjectID(fmt.Sprintf("LOAD-%s-%s-%d", run, kind, i))
	}
	unit := func(i int) string { return fmt.Sprintf("load-%s-unit-%d", run, i%4) }
	var regs []domain.RegisterProject
	for i := range cfg.Clients {
		r := registration(string(project("C", i)), nil, today)
		r.Unit = unit(i)
		regs = append(regs, r)
	}
	for i := range sharedProjects {
		regs = append(regs, registration(string(project("S", i)), nil, today))
	}
	if _, err := setup.RegisterMany(ctx, regs); err != nil {
		return LoadResult{}, err
	}

	type sample struct {
		op string
		d  time.Duration
	}
	var (
		mu        sync.Mutex
		samples   []sample
		res       = LoadResult{Clients: cfg.Clients}
		acked     = map[domain.ProjectID]int{}
		firstErrs []string
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		res.Errors++
		if len(firstErrs) < 5 {
			firstErrs = append(firstErrs, err.Error())
		}
	}
	progress(fmt.Sprintf("%d clients working for %s", cfg.Clients, cfg.Duration))
	deadline := time.Now().Add(cfg.Duration)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range cfg.Clients {
		wg.Go(func() {
			cnc, s, err := connect()
			if err != nil {
				fail(err)
				return
			}
			defer cnc.Close()
			storage := projections.NewStorage(s.JetStream(), s.StreamName())
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			var local []sample
			for n := 0; time.Now().Before(deadline); n++ {
				var op string
				var p domain.ProjectID
				switch k := rng.IntN(10); {
				case k < 4:
					op, p = opRecordOwn, project("C", c)
				case k < 6:
					op, p = opRecordShared, project("S", rng.IntN(sharedProjects))
				case k < 8:
					op, p = opHistory, project("S", rng.IntN(sharedProjects))
				default:
					op = opUnitStatus
				}
				t0 := time.Now()
				switch op {
				case opRecordOwn, opRecordShared:
					_, err = s.Execute(ctx, domain.RaiseIssue{Meta: domain.Meta{Actor: "load"}, Project: p,
						IssueID: fmt.Sprintf("I-%d-%d", c, n), Title: "load", On: today})
					if err == nil {
						mu.Lock()
						acked[p]++
						mu.Unlock()
					}
				case opHistory:
					_, _, err = s.Load(ctx, p)
				case opUnitStatus:
					_, err = storage.ReadUnit(ctx, unit(c))
					if errors.Is(err, projections.ErrNoProjections) {
						err = nil // the server's runner has not written yet
					}
				}
				d := time.Since(t0)
				switch {
				case errors.Is(err, eventstore.ErrConflict):
					mu.Lock()
					res.Conflicts++
					mu.Unlock()
				case err != nil:
					fail(fmt.Errorf("client %d, %s: %w", c, op, err))
				default:
					local = append(local, sample{op, d})
				}
			}
			mu.Lock()
			samples = append(samples, local...)
			mu.Unlock()
		})
	}
	wg.Wait()
	res.Duration = time.Since(start)
	res.FirstError = firstErrs

	progress("checking that every acknowledged command is stored once")
	for _, r := range regs {
		recs, _, err := setup.Load(ctx, r.Project)
		if err != nil {
			return res, err
		}
		ids := map[string]int{}
		for _, rec := range recs {
			if d, ok := rec.Data.(*domain.IssueRaisedData); ok {
				ids[d.IssueID]++
				res.Stored++
			}
		}
		for id, n := range ids {
			if n != 1 {
				return res, fmt.Errorf("issue %s of %s stored %d times", id, r.Project, n)
			}
		}
		res.Acknowledged += acked[r.Project]
	}

	byOp := map[string][]time.Duration{}
	for _, s := range samples {
		byOp[s.op] = append(byOp[s.op], s.d)
	}
	for _, op := range []string{opRecordOwn, opRecordShared, opHistory, opUnitStatus} {
		ds := byOp[op]
		if len(ds) == 0 {
			continue
		}
		slices.Sort(ds)
		res.Ops = append(res.Ops, OpStats{Op: op, Count: len(ds), PerS: float64(len(ds)) / res.Duration.Seconds(),
			P50ms: ms(ds[len(ds)/2]), P99ms: ms(ds[len(ds)*99/100])})
	}
	return res, nil
}

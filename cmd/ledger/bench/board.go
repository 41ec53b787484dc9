package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections"
)

// Board serves the web board over store as `ledger serve` does, its
// reports read on clock, and pushes to its /events every deadline_missed
// stored after it is called, until ctx ends. The board is wired by the
// ledger binary: this package measures it over HTTP only.
type Board func(ctx context.Context, store *eventstore.Store, clock domain.Clock) (http.Handler, error)

// statusUnit is the unit whose status the status rows read, `ledger
// status` and the board's page: one of the big stream's units.
const statusUnit = "unit-0"

// boardServer is the board on a real HTTP server on loopback.
type boardServer struct {
	url    string
	srv    *http.Server
	client *http.Client
}

func (b *boardServer) close() {
	b.client.CloseIdleConnections()
	_ = b.srv.Close()
}

// serveBoard brings the stored projections up to the stream's end, as a
// running `ledger serve` keeps them, and serves the board on 127.0.0.1
// until ctx ends or the server is closed.
func (e *env) serveBoard(ctx context.Context) (*boardServer, error) {
	if _, err := projections.NewRunner(e.store).CatchUp(ctx); err != nil {
		return nil, fmt.Errorf("bring the projections up to date: %w", err)
	}
	h, err := e.cfg.Board(ctx, e.store, e.cfg.Clock)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	go func() { _ = srv.Serve(ln) }()
	return &boardServer{url: "http://" + ln.Addr().String(), srv: srv, client: &http.Client{Transport: &http.Transport{}}}, nil
}

// get fetches target whole and returns its body; anything but a 200 is an
// error.
func (b *boardServer) get(ctx context.Context, target string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.url+target, nil)
	if err != nil {
		return "", err
	}
	res, err := b.client.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return "", err
	}
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s: %.300s", target, res.Status, body)
	}
	return string(body), nil
}

// boardRequests is how many sequential requests a board page row times,
// unless they outlast boardBudget: then it stops at the first after the
// budget, once it has timed boardMinRequests.
func (e *env) boardRequests() int { return min(max(2*e.cfg.Samples, 50), 200) }

const (
	boardBudget      = time.Minute
	boardMinRequests = 10
)

// timePage requests target once to check it (not timed), then up to n
// times in a row (see boardRequests), each checked, and returns their
// wall times: request sent to the whole body read.
func (b *boardServer) timePage(ctx context.Context, target string, n int, check func(body string) error) ([]time.Duration, error) {
	body, err := b.get(ctx, target)
	if err != nil {
		return nil, err
	}
	if err := check(body); err != nil {
		return nil, fmt.Errorf("GET %s: %w", target, err)
	}
	lat := make([]time.Duration, 0, n)
	began := time.Now()
	for len(lat) < n && (len(lat) < boardMinRequests || time.Since(began) < boardBudget) {
		start := time.Now()
		body, err := b.get(ctx, target)
		d := time.Since(start)
		if err != nil {
			return nil, err
		}
		if d <= 0 {
			return nil, fmt.Errorf("GET %s took %s", target, d)
		}
		if err := check(body); err != nil {
			return nil, fmt.Errorf("GET %s: %w", target, err)
		}
		lat = append(lat, d)
	}
	return lat, nil
}

// percentile returns the p-th percentile of ds, nearest rank.
func percentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// latencyRow is a board row with its p95 and median, judged on the one
// its target names (Ours is that one).
func latencyRow(path string, lat []time.Duration, t target) Row {
	p95, med := percentile(lat, 95), median(lat)
	ours := p95
	if t.stat == "median" {
		ours = med
	}
	return Row{Path: path, Unit: "ms", Ours: ms(ours), P95: ms(p95), Median: ms(med)}.judge(t)
}

var (
	countRe = regexp.MustCompile(`<p class="count">(\d+)`)
	lightRe = regexp.MustCompile(`<b>(\d+)</b>`)
)

// boardStatus: the board's status page for one unit of the big stream,
// through HTTP, p95 and median of sequential requests. Each page must
// count every project of the unit and show rows of that unit only.
func (e *env) boardStatus(ctx context.Context) (Row, error) {
	path := fmt.Sprintf("web board: status page for one unit (about 200 of %d projects)", e.cfg.Projects)
	if e.cfg.Board == nil {
		return Row{Path: path + " (skipped: no board)", Unit: "ms", Target: targetBoardUnit.String()}, nil
	}
	e.progress("the web board's status page for one unit")
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	b, err := e.serveBoard(ctx)
	if err != nil {
		return Row{}, err
	}
	defer b.close()
	units := e.bigUnits()
	want := (e.cfg.Projects + units - 1) / units // projects p with p%units == 0
	check := func(body string) error {
		m := countRe.FindStringSubmatch(body)
		if m == nil {
			return errors.New("the page has no row count")
		}
		if total, _ := strconv.Atoi(m[1]); total != want {
			return fmt.Errorf("the page counts %d projects, %s has %d", total, statusUnit, want)
		}
		rows := strings.Count(body, `<td><a href="/project/`)
		ofUnit := strings.Count(body, "<td>"+statusUnit+"</td>")
		if rows == 0 || rows != ofUnit || rows > want {
			return fmt.Errorf("the page shows %d project rows, %d of them of %s (of %d)", rows, ofUnit, statusUnit, want)
		}
		return nil
	}
	lat, err := b.timePage(ctx, "/status?unit="+statusUnit, e.boardRequests(), check)
	if err != nil {
		return Row{}, err
	}
	return latencyRow(fmt.Sprintf("web board: status page for one unit (%d of %d projects), GET /status?unit=, %d requests", want, e.cfg.Projects, len(lat)),
		lat, targetBoardUnit), nil
}

// boardOverview: the board's overview page over every project, through
// HTTP, p95 and median of sequential requests. Its counts by light must
// add up to at least the big stream's projects.
func (e *env) boardOverview(ctx context.Context) (Row, error) {
	path := fmt.Sprintf("web board: overview page (%d projects)", e.cfg.Projects)
	if e.cfg.Board == nil {
		return Row{Path: path + " (skipped: no board)", Unit: "ms", Target: targetBoardAll.String()}, nil
	}
	e.progress("the web board's overview page")
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	b, err := e.serveBoard(ctx)
	if err != nil {
		return Row{}, err
	}
	defer b.close()
	projects := 0
	check := func(body string) error {
		_, tiles, ok := strings.Cut(body, `id="light-counts"`)
		if !ok {
			return errors.New("the page has no counts by light")
		}
		tiles, _, _ = strings.Cut(tiles, "</ul>")
		sum := 0
		for _, m := range lightRe.FindAllStringSubmatch(tiles, -1) {
			n, _ := strconv.Atoi(m[1])
			sum += n
		}
		if sum < e.cfg.Projects {
			return fmt.Errorf("the counts by light add up to %d projects, the stream has at least %d", sum, e.cfg.Projects)
		}
		projects = sum
		return nil
	}
	lat, err := b.timePage(ctx, "/", e.boardRequests(), check)
	if err != nil {
		return Row{}, err
	}
	return latencyRow(fmt.Sprintf("web board: overview page (%d projects), GET /, %d requests", projects, len(lat)), lat, targetBoardAll), nil
}

// boardCard: the board's project card (GET /project/{id}) of one project
// of the fill after another, through HTTP, median and p95 of sequential
// requests, one project each, every request timed (none read before):
// a card reads the project's history from the stream, and the projects
// are taken far apart in it, as the history row takes them. Each card must
// name its project.
func (e *env) boardCard(ctx context.Context) (Row, error) {
	path := fmt.Sprintf("web board: project card, GET /project/{id} (one of %d projects)", e.cfg.Projects)
	if e.cfg.Board == nil {
		return Row{Path: path + " (skipped: no board)", Unit: "ms", Target: targetCard.String()}, nil
	}
	e.progress("the web board's project card")
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	b, err := e.serveBoard(ctx)
	if err != nil {
		return Row{}, err
	}
	defer b.close()
	n := e.boardRequests()
	lat := make([]time.Duration, 0, n)
	began := time.Now()
	for i := 0; len(lat) < n && (len(lat) < boardMinRequests || time.Since(began) < boardBudget); i++ {
		id := fmt.Sprintf("B-%07d", (i*7919+1)%e.cfg.Projects)
		start := time.Now()
		body, err := b.get(ctx, "/project/"+id)
		d := time.Since(start)
		if err != nil {
			return Row{}, err
		}
		if d <= 0 {
			return Row{}, fmt.Errorf("GET /project/%s took %s", id, d)
		}
		if !strings.Contains(body, "benchmark project "+id) {
			return Row{}, fmt.Errorf("GET /project/%s: the card does not name its project", id)
		}
		lat = append(lat, d)
	}
	return latencyRow(fmt.Sprintf("web board: project card, GET /project/{id} (%d of %d projects, one request each)", len(lat), e.cfg.Projects),
		lat, targetCard), nil
}

// liveMiss is a miss as the board's live stream delivered it.
type liveMiss struct {
	seq     uint64
	project domain.ProjectID
	at      time.Time // when its data line was read
}

var missRe = regexp.MustCompile(`^data: <li class="miss" data-seq="(\d+)"><a href="/project/([^"]+)">`)

// follow reads the board's /events as a page does, and sends each miss
// read on the returned channel once the hub has the client.
func (b *boardServer) follow(ctx context.Context) (<-chan liveMiss, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.url+"/events", nil)
	if err != nil {
		return nil, err
	}
	res, err := b.client.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		return nil, fmt.Errorf("GET /events: %s", res.Status)
	}
	sc := bufio.NewScanner(res.Body)
	if !sc.Scan() || sc.Text() != ": connected" {
		res.Body.Close()
		return nil, fmt.Errorf("GET /events: no greeting (%q, %v)", sc.Text(), sc.Err())
	}
	out := make(chan liveMiss, 64)
	go func() {
		defer res.Body.Close()
		defer close(out)
		event := ""
		for sc.Scan() {
			l := sc.Text()
			switch {
			case strings.HasPrefix(l, "event: "):
				event = strings.TrimPrefix(l, "event: ")
			case l == "":
				event = ""
			case event == "miss" && strings.HasPrefix(l, "data: "):
				m := liveMiss{at: time.Now()}
				if sub := missRe.FindStringSubmatch(l); sub != nil {
					m.seq, _ = strconv.ParseUint(sub[1], 10, 64)
					m.project = domain.ProjectID(sub[2])
				}
				select {
				case out <- m:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

// boardLive: how long after a deadline_missed is stored a page following
// the board's live stream has it. As in the deadline row, a watcher with
// its clock moved ends a deadline's day; here one per sample, each a day
// later (every other deadline in the stream lies a fortnight or more
// ahead, and the deadline row's miss is a day before the first). The time
// runs from the server's timestamp of the stored event, which precedes
// its acknowledgement, to the client reading its data line.
func (e *env) boardLive(ctx context.Context) (Row, error) {
	path := "web board: live miss, deadline_missed stored to an open page's SSE stream having it"
	if e.cfg.Board == nil {
		return Row{Path: path + " (skipped: no board)", Unit: "ms", Target: targetBoardLive.String()}, nil
	}
	e.progress("a live miss on the web board")
	loc, err := domain.LoadZone("")
	if err != nil {
		return Row{}, err
	}
	samples := min(max(e.cfg.Samples/5, 5), 10) // days ahead: below the fortnight
	first := e.today.AddDays(1)
	clock := &shiftedClock{base: e.cfg.Clock}
	clock.endDayIn(first, loc, time.Hour)
	store, err := eventstore.Open(ctx, e.nc, eventstore.WithClock(clock))
	if err != nil {
		return Row{}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	b, err := e.serveBoard(ctx)
	if err != nil {
		return Row{}, err
	}
	defer b.close()
	live, err := b.follow(ctx)
	if err != nil {
		return Row{}, err
	}

	type miss struct {
		project domain.ProjectID
		seq     uint64
		at      time.Time // on the run's clock
	}
	recorded := make(chan miss, 2*samples)
	passes := make(chan uint64, 1)
	w := projections.NewWatcher(store,
		projections.OnMiss(func(r eventstore.Record) {
			select {
			case recorded <- miss{r.Project, r.Sequence, e.cfg.Clock.Now()}:
			default:
			}
		}),
		projections.OnPass(func(p projections.Pass) {
			select {
			case <-passes:
			default:
			}
			passes <- p.LastSeq
		}))
	go func() { _ = w.Run(ctx) }()

	id := func(i int) domain.ProjectID { return domain.ProjectID(fmt.Sprintf("LM-%06d", i)) }
	var want uint64
	for i := range samples {
		reg := registration(string(id(i)), nil, first)
		reg.On = first
		reg.Plan = []domain.PlannedDeadline{{Milestone: domain.MilestoneStarted, Due: first.AddDays(i)}}
		res, err := store.Execute(ctx, reg)
		if err != nil {
			return Row{}, err
		}
		want = res.Records[len(res.Records)-1].Sequence
	}
	for seen := uint64(0); seen < want; {
		select {
		case seen = <-passes:
		case m := <-recorded:
			return Row{}, fmt.Errorf("a deadline_missed of %s was stored before any day ended", m.project)
		case m, ok := <-live:
			if !ok {
				return Row{}, errors.New("the board's live stream ended")
			}
			return Row{}, fmt.Errorf("the board pushed a miss (%s) before any day ended", m.project)
		case <-time.After(5 * time.Minute):
			return Row{}, fmt.Errorf("the watcher did not catch up with the stream within 5 minutes")
		}
	}

	lags := make([]time.Duration, 0, samples)
	for i := range samples {
		end := clock.endDayIn(first.AddDays(i), loc, 100*time.Millisecond)
		var stored miss
		select {
		case stored = <-recorded:
		case <-time.After(30 * time.Second):
			return Row{}, fmt.Errorf("no deadline_missed of %s within 30 s of its day's end", id(i))
		}
		switch {
		case stored.project != id(i):
			return Row{}, fmt.Errorf("the watcher stored a deadline_missed of %s, expected %s's", stored.project, id(i))
		case stored.at.Before(end):
			return Row{}, fmt.Errorf("%s's deadline_missed was stored %s before its day ended", id(i), end.Sub(stored.at))
		}
		var got liveMiss
		select {
		case m, ok := <-live:
			if !ok {
				return Row{}, errors.New("the board's live stream ended")
			}
			got = m
		case <-time.After(30 * time.Second):
			return Row{}, fmt.Errorf("the board pushed no miss within 30 s of %s's being stored", id(i))
		}
		if got.project != id(i) || got.seq != stored.seq {
			return Row{}, fmt.Errorf("the board pushed a miss of %q at sequence %d, expected %s's at %d", got.project, got.seq, id(i), stored.seq)
		}
		at, err := storedAt(ctx, e.store, id(i), stored.seq)
		if err != nil {
			return Row{}, err
		}
		lag := got.at.Sub(at)
		if lag <= 0 {
			return Row{}, fmt.Errorf("the board pushed %s's miss %s before the server's timestamp of it", id(i), -lag)
		}
		lags = append(lags, lag)
	}
	med, p95 := median(lags), percentile(lags, 95)
	return Row{Path: fmt.Sprintf("%s (%d misses)", path, samples), Unit: "ms", Ours: ms(med), P95: ms(p95), Median: ms(med)}.judge(targetBoardLive), nil
}

// storedAt returns the server's timestamp of project p's event at seq.
func storedAt(ctx context.Context, store *eventstore.Store, p domain.ProjectID, seq uint64) (time.Time, error) {
	recs, _, err := store.Load(ctx, p)
	if err != nil {
		return time.Time{}, err
	}
	for _, r := range recs {
		if r.Sequence == seq {
			if r.StoredAt.IsZero() {
				return time.Time{}, fmt.Errorf("%s's event at sequence %d has no stored time", p, seq)
			}
			return r.StoredAt, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s has no event at sequence %d", p, seq)
}

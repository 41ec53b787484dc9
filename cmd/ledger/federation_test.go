package main

// The federation test: three county servers and a city server, each a
// nats-server process of its own in a JetStream domain of its own, the
// counties leaf nodes of the city, each county's link through a relay the
// test can cut. docs/federation.md says what it proves and measured.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/testday"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/clustertest"
	"github.com/keyprojects/ledger/eventstore/federation"
	"github.com/keyprojects/ledger/eventstore/storetest"
)

// fedWait bounds every wait on the servers.
const fedWait = 30 * time.Second

// fedCounty is one county: its server, its link to the city, its ledger
// and the writer appending to it.
type fedCounty struct {
	county federation.County
	node   *clustertest.Node
	link   *clustertest.Link
	store  *eventstore.Store

	acked  atomic.Int64
	rng    *rand.Rand
	gen    *storetest.Commands
	shadow map[domain.ProjectID]*domain.Project
	ids    []domain.ProjectID
	seq    int
}

// write appends commands to the county until stop is closed.
func (c *fedCounty) write(ctx context.Context, t *testing.T, stop <-chan struct{}) {
	now := c.store.Clock().Now()
	for {
		select {
		case <-stop:
			return
		default:
		}
		p := c.ids[c.rng.IntN(len(c.ids))]
		st := c.shadow[p]
		c.seq++
		id := fmt.Sprintf("%s-%05d", c.county.Name, c.seq)
		var cmd domain.Command
		if !st.Registered {
			cmd = c.gen.Register(id, p)
		} else {
			cmd = c.gen.Step(id, p, st)
		}
		if _, err := domain.Decide(*st, cmd, now); err != nil {
			continue
		}
		res, err := c.store.Execute(ctx, cmd)
		if err != nil {
			t.Errorf("county %s: %v", c.county.Name, err)
			return
		}
		for _, r := range res.Records {
			domain.Evolve(st, r.Event)
		}
		c.acked.Add(1)
	}
}

func fedConnect(t *testing.T, url string, login ...nats.Option) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(url, append(eventstore.RemoteConnectOptions(), login...)...)
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	return nc
}

// waitFor polls cond every 50 ms until it holds or fedWait passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	require.Eventually(t, cond, fedWait, 50*time.Millisecond, what)
}

func TestFederationCityMirrorsEveryCountyExactlyOnceThroughACutLink(t *testing.T) {
	ctx := context.Background()
	clock := testday.Clock(t)
	bin, version := clustertest.BuildServer(t, t.TempDir())
	t.Logf("nats-server %s", version)
	// The city's logins: its administrator, who adds counties; a reader,
	// who may publish nothing on the ledger's subjects; and the counties'
	// leaf connections.
	city := clustertest.StartNode(t, bin, clustertest.NodeConfig{Name: "city", Domain: "city", LeafListen: true,
		Users: []clustertest.User{{Name: "admin", Password: "admin-pw"}, {Name: "reader", Password: "reader-pw", DenyPublish: []string{"ledger.>"}},
			{Name: "leaf", Password: "leaf-pw"}}})
	cityNC := fedConnect(t, city.ClientURL(), nats.UserInfo("admin", "admin-pw"))
	cityJS, err := jetstream.New(cityNC)
	require.NoError(t, err)
	cli := newCLI(t)
	cli.clock = clock
	onCity := func(args ...string) string {
		return cli.ok(append([]string{"--server", city.ClientURL(), "--user", "admin", "--password", "admin-pw"}, args...)...)
	}

	var counties []*fedCounty
	for i := 1; i <= 3; i++ {
		c := &fedCounty{county: federation.County{Name: fmt.Sprintf("C%d", i), Domain: fmt.Sprintf("c%d", i)},
			rng: rand.New(rand.NewPCG(uint64(i), 7)), shadow: map[domain.ProjectID]*domain.Project{}}
		c.gen = storetest.NewCommands(c.rng, false)
		c.link = clustertest.NewLink(t, strings.TrimPrefix(city.LeafURL(), "nats://"))
		c.node = clustertest.StartNode(t, bin, clustertest.NodeConfig{Name: strings.ToLower(c.county.Name), Domain: c.county.Domain,
			Remotes: []clustertest.Remote{{URL: strings.Replace(c.link.URL(), "nats://", "nats://leaf:leaf-pw@", 1), DenyImports: federation.CountyDenyImports(c.county.Domain)}}})
		c.store, err = eventstore.Open(ctx, fedConnect(t, c.node.ClientURL()), eventstore.WithClock(clock))
		require.NoError(t, err)
		for j := range 12 {
			p := domain.ProjectID(fmt.Sprintf("K%d-%02d", i, j))
			np := domain.NewProject(p)
			c.ids, c.shadow[p] = append(c.ids, p), &np
		}
		out := onCity("federation", "add-county", c.county.Name, "--domain", c.county.Domain)
		assert.Contains(t, out, "mirror LEDGER_"+c.county.Name+" of LEDGER in domain "+c.county.Domain)
		counties = append(counties, c)
	}

	// Every county appends while the city mirrors.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, c := range counties {
		wg.Go(func() { c.write(ctx, t, stop) })
	}
	stopped := false
	stopWriters := func() {
		if !stopped {
			stopped = true
			close(stop)
			wg.Wait()
		}
	}
	defer stopWriters()
	acked := func(c *fedCounty, n int64) func() bool {
		return func() bool { return c.acked.Load() >= n || t.Failed() }
	}
	for _, c := range counties {
		waitFor(t, c.county.Name+" appends", acked(c, 60))
	}

	// County C2's link is cut; it goes on appending, the city sees it out
	// of reach and its mirror stays behind.
	cut := counties[1]
	cut.link.Cut()
	waitFor(t, "the city sees C2 out of reach", func() bool {
		l, err := federation.Status(ctx, cityJS, cut.county, 300*time.Millisecond)
		return err == nil && !l.Reachable
	})
	waitFor(t, "C2 appends while cut off", acked(cut, cut.acked.Load()+80))
	countyLast, err := cut.store.LastSequence(ctx)
	require.NoError(t, err)
	l, err := federation.Status(ctx, cityJS, cut.county, 300*time.Millisecond)
	require.NoError(t, err)
	assert.Less(t, l.Mirrored, countyLast, "the mirror of a county cut off does not move")

	// The link comes back while the appends go on: the mirror catches up
	// from its last sequence.
	restored := time.Now()
	cut.link.Restore()
	waitFor(t, "C2's mirror catches up", func() bool {
		l, err := federation.Status(ctx, cityJS, cut.county, time.Second)
		return err == nil && l.Reachable && l.Mirrored >= countyLast
	})
	t.Logf("C2's mirror caught up %d events %v after the link came back", countyLast-l.Mirrored, time.Since(restored).Round(time.Millisecond))
	for _, c := range counties {
		waitFor(t, c.county.Name+" appends after the cut", acked(c, c.acked.Load()+20))
	}
	stopWriters()
	require.False(t, t.Failed())

	// The city holds every event of every county exactly once, and every
	// chain verifies on it.
	for _, c := range counties {
		waitFor(t, c.county.Name+"'s mirror catches up", func() bool {
			l, err := federation.Status(ctx, cityJS, c.county, time.Second)
			return err == nil && l.CaughtUp()
		})
		js := c.store.JetStream()
		own, err := js.Stream(ctx, "LEDGER")
		require.NoError(t, err)
		mirror, err := cityJS.Stream(ctx, c.county.Stream())
		require.NoError(t, err)
		assert.Equal(t, own.CachedInfo().State.LastSeq, mirror.CachedInfo().State.LastSeq, c.county.Name)
		assert.Equal(t, own.CachedInfo().State.Msgs, mirror.CachedInfo().State.Msgs, c.county.Name)
		st, ms := own.CachedInfo().State, mirror.CachedInfo().State
		t.Logf("county %s: %d events, %d bytes per event stored (%d bytes per event of files on disk); its mirror %d bytes per event",
			c.county.Name, st.Msgs, st.Bytes/st.Msgs, dirSize(t, c.node.StoreDir)/int64(st.Msgs), ms.Bytes/ms.Msgs)
	}
	report, err := cityStatus(ctx, cityNC, clock)
	require.NoError(t, err)
	require.Len(t, report.Counties, len(counties))
	var want []countyScore
	for i, c := range counties {
		v, err := c.store.Verify(ctx, "")
		require.NoError(t, err)
		got := report.Counties[i]
		assert.Equal(t, c.county.Name, got.Name)
		assert.Equal(t, v.Events, got.Events, c.county.Name)
		assert.Equal(t, v.Projects, got.Projects, c.county.Name)
		assert.Empty(t, got.Breaks, c.county.Name)
		assert.True(t, got.CaughtUp(), c.county.Name)
		rows, err := countyScoreboard(ctx, c.store)
		require.NoError(t, err)
		require.NotEmpty(t, rows)
		for _, r := range rows {
			want = append(want, countyScore{County: c.county.Name, ScoreRow: r})
		}
	}
	assert.Equal(t, want, report.Scoreboard, "each county's scoreboard read on its mirror is the county's own")
	assert.Equal(t, sumScores(want), report.Total, "the city's scoreboard is the sum of the counties' own")

	// The CLI says the same.
	out := onCity("federation", "status")
	t.Logf("ledger federation status:\n%s", out)
	for _, c := range counties {
		assert.Contains(t, out, "LEDGER_"+c.county.Name)
	}
	assert.Equal(t, 3, strings.Count(out, "up to date"), out)
	var parsed cityReport
	require.NoError(t, json.Unmarshal([]byte(onCity("--json", "federation", "status")), &parsed))
	assert.Len(t, parsed.Counties, 3)
	for _, c := range counties {
		onCity("--stream", c.county.Stream(), "verify", "--all")
	}

	// The city writes nothing into a county: an event published in the
	// city does not reach the county's stream, a mirror takes no publish,
	// and the ledger refuses to write on a mirror.
	before, err := counties[0].store.LastSequence(ctx)
	require.NoError(t, err)
	_, err = cityJS.Publish(ctx, "ledger.K1-00.registered", []byte("forged"), jetstream.WithRetryAttempts(0))
	require.ErrorIs(t, err, jetstream.ErrNoStreamResponse)
	_, err = cityJS.Publish(ctx, "ledger.K1-00.registered", []byte("forged"), jetstream.WithRetryAttempts(0), jetstream.WithExpectStream("LEDGER_C1"))
	require.ErrorIs(t, err, jetstream.ErrNoStreamResponse)
	after, err := counties[0].store.LastSequence(ctx)
	require.NoError(t, err)
	assert.Equal(t, before, after)
	// A ledger command run in the city on a mirror is refused at once:
	// the ledger opened a mirror and sends nothing (and the city's server
	// would refuse its reader the publish).
	code, _, stderr := cli.run("--server", city.ClientURL(), "--user", "reader", "--password", "reader-pw", "--stream", "LEDGER_C1",
		"project", "register", "NEW-1", "--name", "forged", "--investment", "100", "--unit", "u", "--leader", "l", "--kind", "new",
		"--on", testday.Today(t).String())
	assert.NotZero(t, code)
	t.Logf("a reader's write on a mirror: %s", strings.TrimSpace(stderr))
	assert.Contains(t, stderr, "stream LEDGER_C1 is a read-only mirror of LEDGER in domain c1: nothing is written to it")
	after, err = counties[0].store.LastSequence(ctx)
	require.NoError(t, err)
	assert.Equal(t, before, after)
	err = eventstore.CheckWritable(ctx, cityJS, eventstore.StreamSpec{Name: "LEDGER_C1"})
	require.ErrorIs(t, err, eventstore.ErrReadOnly)
	assert.EqualError(t, err, "stream LEDGER_C1 is a read-only mirror of LEDGER in domain c1: nothing is written to it; record on the ledger that owns LEDGER in domain c1")
}

// dirSize is the size of the files under dir.
func dirSize(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err == nil {
			n += info.Size()
		}
		return err
	}))
	return n
}

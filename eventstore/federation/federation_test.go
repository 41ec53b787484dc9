package federation_test

import (
	"context"
	"fmt"
	"strings"
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
)

// wait is the bound of every wait on the servers.
const wait = 30 * time.Second

func connect(t *testing.T, url string) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(url, eventstore.RemoteConnectOptions()...)
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	return nc
}

func TestMirrorOfACountyIsCheckedFollowsTheCountyAcrossACutAndIsMirroredAgainByTheProvince(t *testing.T) {
	ctx := context.Background()
	bin, _ := clustertest.BuildServer(t, t.TempDir())
	province := clustertest.StartNode(t, bin, clustertest.NodeConfig{Name: "province", Domain: "province", LeafListen: true})
	city := clustertest.StartNode(t, bin, clustertest.NodeConfig{Name: "city", Domain: "city", LeafListen: true,
		Remotes: []clustertest.Remote{{URL: province.LeafURL(), DenyImports: federation.CountyDenyImports("city")}}})
	link := clustertest.NewLink(t, strings.TrimPrefix(city.LeafURL(), "nats://"))
	county := clustertest.StartNode(t, bin, clustertest.NodeConfig{Name: "c1", Domain: "c1",
		Remotes: []clustertest.Remote{{URL: link.URL(), DenyImports: federation.CountyDenyImports("c1")}}})

	clock := testday.Clock(t)
	store, err := eventstore.Open(ctx, connect(t, county.ClientURL()), eventstore.WithClock(clock))
	require.NoError(t, err)
	register := func(p string) {
		t.Helper()
		_, err := store.Execute(ctx, domain.RegisterProject{Meta: domain.Meta{Actor: "clerk"}, Project: domain.ProjectID(p), Name: "project " + p,
			Unit: "发改局", Leader: "张三", TotalInvestment: 1_000_000})
		require.NoError(t, err)
	}
	for i := range 5 {
		register(fmt.Sprintf("P-%d", i))
	}

	cnc := connect(t, city.ClientURL())
	js, err := jetstream.New(cnc)
	require.NoError(t, err)
	c1 := federation.County{Name: "C1", Domain: "c1"}
	_, err = federation.Mirror(ctx, js, c1)
	require.NoError(t, err)
	_, err = federation.Mirror(ctx, js, c1)
	require.NoError(t, err, "a second call checks the mirror there")
	var mm *federation.MismatchError
	_, err = federation.Mirror(ctx, js, federation.County{Name: "C1", Domain: "c2"})
	require.ErrorAs(t, err, &mm)
	assert.EqualError(t, err, "stream LEDGER_C1 exists but mirrors LEDGER in domain c1, expected LEDGER in domain c2: it is left as it is")
	_, err = federation.Mirror(ctx, js, federation.County{Name: "C 1", Domain: "c1"})
	require.Error(t, err)

	caughtUp := func() federation.Lag {
		t.Helper()
		var l federation.Lag
		require.Eventually(t, func() bool {
			l, err = federation.Status(ctx, js, c1, time.Second)
			return err == nil && l.CaughtUp()
		}, wait, 50*time.Millisecond, "mirror of C1 catches up: %+v %v", l, err)
		return l
	}
	l := caughtUp()
	assert.Equal(t, uint64(5), l.Mirrored)

	counties, err := federation.Counties(ctx, js)
	require.NoError(t, err)
	assert.Equal(t, []federation.County{{Name: "C1", Domain: "c1", Origin: "LEDGER", Replicas: 1}}, counties)

	// The link is cut: the county goes on; the city says it cannot reach it.
	link.Cut()
	require.Eventually(t, func() bool {
		l, err = federation.Status(ctx, js, c1, 500*time.Millisecond)
		return err == nil && !l.Reachable
	}, wait, 50*time.Millisecond)
	assert.Contains(t, l.Problem, "county C1 (domain c1) did not answer")
	for i := 5; i < 8; i++ {
		register(fmt.Sprintf("P-%d", i))
	}
	link.Restore()
	l = caughtUp()
	assert.Equal(t, uint64(8), l.Mirrored)
	assert.Equal(t, uint64(8), l.Messages)

	// Nothing written in the city reaches the county: not an event
	// published on a ledger subject, not a call of the county's
	// JetStream API that would change or remove its stream.
	_, err = js.Publish(ctx, "ledger.P-9.registered", []byte("forged"), jetstream.WithRetryAttempts(0))
	require.ErrorIs(t, err, jetstream.ErrNoStreamResponse)
	jsc, err := jetstream.NewWithDomain(cnc, "c1")
	require.NoError(t, err)
	tctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	require.Error(t, jsc.DeleteStream(tctx, "LEDGER"))
	_, err = jsc.Stream(ctx, "LEDGER")
	require.NoError(t, err, "the county's stream is still there and still readable from the city")
	_, err = federation.Status(ctx, js, c1, time.Second)
	require.NoError(t, err)
	last, err := store.LastSequence(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(8), last, "the county's stream holds only its own events")

	// The deny list is what keeps the city out: a county whose link goes
	// without it stores the city's publish.
	open := clustertest.StartNode(t, bin, clustertest.NodeConfig{Name: "c9", Domain: "c9",
		Remotes: []clustertest.Remote{{URL: city.LeafURL()}}})
	ojs, err := jetstream.New(connect(t, open.ClientURL()))
	require.NoError(t, err)
	_, err = ojs.CreateStream(ctx, eventstore.StreamSpec{}.Config())
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		_, err := js.Publish(ctx, "ledger.P-9.registered", []byte("forged"), jetstream.WithRetryAttempts(0), jetstream.WithExpectStream("LEDGER"))
		return err == nil
	}, wait, 50*time.Millisecond, "without the deny list a publish in the city lands in the county")

	// The province mirrors the city's mirror: the same events, subjects
	// and sequences again, and the county's chains verify there.
	pjs, err := jetstream.New(connect(t, province.ClientURL()))
	require.NoError(t, err)
	viaCity := federation.County{Name: "C1", Domain: "city", Origin: "LEDGER_C1"}
	_, err = federation.Mirror(ctx, pjs, viaCity)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		l, err = federation.Status(ctx, pjs, viaCity, time.Second)
		return err == nil && l.CaughtUp() && l.Mirrored == 8
	}, wait, 50*time.Millisecond, "the province's mirror catches up: %+v %v", l, err)
	atProvince, err := eventstore.Open(ctx, connect(t, province.ClientURL()), eventstore.WithStream(eventstore.StreamSpec{Name: "LEDGER_C1"}), eventstore.WithClock(clock))
	require.NoError(t, err)
	v, err := atProvince.Verify(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, 8, v.Events)
	assert.Empty(t, v.Breaks)
}

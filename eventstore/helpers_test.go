package eventstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// testNow is the fixed instant tests decide commands at: 2026-11-27 10:00 in
// Shanghai.
var testNow = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

type env struct {
	dir   string
	srv   *eventstore.Embedded
	nc    *nats.Conn
	store *eventstore.Store
	clock *domain.ManualClock
}

// newEnv starts a real embedded JetStream server in a temp folder and opens
// a store on it.
func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{dir: t.TempDir(), clock: domain.NewManualClock(testNow)}
	e.start(t)
	return e
}

func (e *env) start(t *testing.T) {
	t.Helper()
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: e.dir, DontListen: true})
	require.NoError(t, err)
	nc, err := srv.Connect()
	require.NoError(t, err)
	store, err := eventstore.Open(context.Background(), nc, eventstore.WithClock(e.clock))
	require.NoError(t, err)
	e.srv, e.nc, e.store = srv, nc, store
	t.Cleanup(e.stop)
}

func (e *env) stop() {
	if e.nc != nil {
		e.nc.Close()
		e.nc = nil
	}
	if e.srv != nil {
		e.srv.Shutdown()
	}
}

// msgCount returns how many messages the ledger stream holds.
func (e *env) msgCount(t *testing.T) uint64 {
	t.Helper()
	st, err := e.store.JetStream().Stream(context.Background(), e.store.StreamName())
	require.NoError(t, err)
	info, err := st.Info(context.Background())
	require.NoError(t, err)
	return info.State.Msgs
}

func register(id domain.ProjectID) domain.RegisterProject {
	return domain.RegisterProject{
		Meta:    domain.Meta{Actor: "clerk"},
		Project: id, Name: "Wind turbine blades plant", TotalInvestment: 350_000_000,
		Unit: "County Industry Bureau", Leader: "Wang Wei", Township: "Chengguan", Kind: domain.KindNew,
	}
}

func step(id domain.ProjectID, t domain.EventType, on domain.Date) domain.RecordStep {
	return domain.RecordStep{Meta: domain.Meta{Actor: "clerk"}, Project: id, Step: t, On: on}
}

func mustExecute(t *testing.T, s *eventstore.Store, cmd domain.Command) eventstore.Result {
	t.Helper()
	res, err := s.Execute(context.Background(), cmd)
	require.NoError(t, err)
	return res
}

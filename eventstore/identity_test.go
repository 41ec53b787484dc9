package eventstore

// These tests are inside the package so that they can check the batch
// registration path (refuseCaseTwins) directly; they start a real embedded
// server as helpers_test.go does (storetest imports this package, so an
// internal test cannot use it).

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

// identityNow is the instant the tests decide commands at: 2026-11-27 10:00
// in Shanghai.
var identityNow = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

func identityStore(t testing.TB) *Store {
	t.Helper()
	srv, err := StartEmbedded(EmbeddedConfig{DataDir: t.TempDir(), DontListen: true})
	require.NoError(t, err)
	t.Cleanup(srv.Shutdown)
	nc, err := srv.Connect()
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	s, err := Open(context.Background(), nc, WithClock(domain.NewManualClock(identityNow)))
	require.NoError(t, err)
	return s
}

func identityRegister(id domain.ProjectID) domain.RegisterProject {
	return domain.RegisterProject{
		Meta:    domain.Meta{Actor: "clerk"},
		Project: id, Name: "Wind turbine blades plant", TotalInvestment: 350_000_000,
		Unit: "County Industry Bureau", Leader: "Wang Wei", Township: "Chengguan", Kind: domain.KindNew,
	}
}

func storedMessages(t *testing.T, s *Store) uint64 {
	t.Helper()
	st, err := s.js.Stream(context.Background(), s.StreamName())
	require.NoError(t, err)
	return st.CachedInfo().State.Msgs
}

func TestRegisterRefusesIDDifferingOnlyInCase(t *testing.T) {
	ctx := context.Background()
	s := identityStore(t)
	_, err := s.Execute(ctx, identityRegister("P-7"))
	require.NoError(t, err)
	before := storedMessages(t, s)

	_, err = s.Execute(ctx, identityRegister("p-7"))
	require.Error(t, err)
	assert.Equal(t, "cannot register project for p-7: project P-7 is already registered (ids differ only in case); use P-7", err.Error())
	assert.Equal(t, "无法为 p-7 登记项目：项目 P-7 已登记（项目代码仅大小写不同）；请使用 P-7", domain.Chinese(err))
	var re *domain.RuleError
	assert.True(t, errors.As(err, &re), "a refusal, as every other")
	assert.ErrorIs(t, err, domain.ErrAlreadyExists)
	assert.Equal(t, before, storedMessages(t, s), "nothing stored")
	recs, _, err := s.Load(ctx, "p-7")
	require.NoError(t, err)
	assert.Empty(t, recs)

	// Asked again, from the cache this time: still refused.
	_, err = s.Execute(ctx, identityRegister("p-7"))
	assert.ErrorIs(t, err, domain.ErrAlreadyExists)
	assert.Equal(t, before, storedMessages(t, s))

	// Another id is fine, and so is the registered one's own retry.
	_, err = s.Execute(ctx, identityRegister("P-8"))
	require.NoError(t, err)
	res, err := s.Execute(ctx, identityRegister("P-7"))
	require.NoError(t, err)
	assert.True(t, res.AlreadyStored)
}

func TestCommandOnIDDifferingOnlyInCaseHintsAtRegisteredID(t *testing.T) {
	ctx := context.Background()
	s := identityStore(t)
	_, err := s.Execute(ctx, identityRegister("P-7"))
	require.NoError(t, err)
	before := storedMessages(t, s)
	started := func(p domain.ProjectID) domain.RecordStep {
		return domain.RecordStep{Meta: domain.Meta{Actor: "clerk"}, Project: p, Step: domain.Started, On: domain.NewDate(2026, 11, 20)}
	}

	_, err = s.Execute(ctx, started("p-7"))
	require.Error(t, err)
	assert.Equal(t, "cannot record started for p-7: the project is not registered; did you mean P-7?", err.Error())
	assert.Contains(t, domain.Chinese(err), "是否指 P-7？")
	assert.ErrorIs(t, err, domain.ErrUnknownProject, "callers still see an unknown project")
	var re *domain.RuleError
	require.True(t, errors.As(err, &re))
	assert.Equal(t, domain.ProjectID("p-7"), re.Project)
	assert.Equal(t, before, storedMessages(t, s), "nothing stored")

	// No hint where no registered id matches.
	_, err = s.Execute(ctx, started("Q-1"))
	assert.ErrorIs(t, err, domain.ErrUnknownProject)
	assert.NotContains(t, err.Error(), "did you mean")
	assert.Equal(t, before, storedMessages(t, s))

	// The registered id itself still takes steps.
	res, err := s.Execute(ctx, started("P-7"))
	require.NoError(t, err)
	assert.Len(t, res.Records, 1)
}

// The import registers new projects in batches (RegisterEach), which read
// the registered ids once per batch with refuseCaseTwins.
func TestBatchRefusesIDsDifferingOnlyInCase(t *testing.T) {
	ctx := context.Background()
	s := identityStore(t)
	_, err := s.Execute(ctx, identityRegister("P-7"))
	require.NoError(t, err)

	err = s.refuseCaseTwins(ctx, []domain.RegisterProject{identityRegister("P-8"), identityRegister("p-7"), identityRegister("P-9")})
	require.Error(t, err)
	assert.Equal(t, "cannot register project for p-7: project P-7 is already registered (ids differ only in case); use P-7", err.Error())
	assert.ErrorIs(t, err, domain.ErrAlreadyExists)

	err = s.refuseCaseTwins(ctx, []domain.RegisterProject{identityRegister("Q-1"), identityRegister("P-8"), identityRegister("q-1")})
	require.Error(t, err)
	assert.Equal(t, "cannot register project for q-1: Q-1 comes earlier in the same batch (ids differ only in case); keep one of the two", err.Error())
	assert.Contains(t, domain.Chinese(err), "同一批中前面已有 Q-1（项目代码仅大小写不同）；请保留其中一个")

	// New ids, the same id twice, and a registered id's own retry pass.
	assert.NoError(t, s.refuseCaseTwins(ctx, []domain.RegisterProject{
		identityRegister("P-8"), identityRegister("P-7"), identityRegister("P-9"), identityRegister("P-9"),
	}))
	assert.NoError(t, s.refuseCaseTwins(ctx, nil))
}

// RegisterEach (bulk.go) is the import's batch path. It checks nothing
// until it calls refuseCaseTwins before storing a batch; bulk.go is not
// this change's to edit.
func TestRegisterEachRefusesIDsDifferingOnlyInCase(t *testing.T) {
	ctx := context.Background()
	s := identityStore(t)
	_, err := s.Execute(ctx, identityRegister("P-7"))
	require.NoError(t, err)
	before := storedMessages(t, s)

	each, err := s.RegisterEach(ctx, []domain.RegisterProject{identityRegister("P-8"), identityRegister("p-7")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "project P-7 is already registered (ids differ only in case); use P-7")
	assert.Empty(t, each)
	assert.Equal(t, before, storedMessages(t, s), "nothing of the batch stored")

	each, err = s.RegisterEach(ctx, []domain.RegisterProject{identityRegister("P-8"), identityRegister("P-9")})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1}, each)
}

// The server answers a stream info with up to 100,000 subjects a page
// (JSMaxSubjectDetails); nats.go asks for the next page by offset. A twin
// that sorts onto the second page is found.
func TestRegisteredIDsReadsEveryPage(t *testing.T) {
	if testing.Short() {
		t.Skip("publishes 100,001 messages")
	}
	ctx := context.Background()
	s := identityStore(t)
	const page = 100_000
	// Raw messages on the registered subjects: the subject index is all
	// the lookup reads. ZZ-1 sorts after every A-*, onto the second page.
	js := s.JetStream()
	// In waves, each acknowledged before the next: the client allows only
	// so many unacknowledged publishes at once.
	const wave = 4_000
	for start := 0; start <= page; start += wave {
		for i := start; i < min(start+wave, page+1); i++ {
			subject := fmt.Sprintf("ledger.A-%06d.registered", i)
			if i == page {
				subject = "ledger.ZZ-1.registered"
			}
			_, err := js.PublishAsync(subject, nil)
			require.NoError(t, err)
		}
		select {
		case <-js.PublishAsyncComplete():
		case <-time.After(time.Minute):
			t.Fatal("publishes not acknowledged")
		}
	}

	began := time.Now()
	ids, err := s.registeredIDs(ctx)
	require.NoError(t, err)
	t.Logf("read %d registered ids in %v", len(ids), time.Since(began))
	assert.Len(t, ids, page+1)
	assert.Equal(t, domain.ProjectID("ZZ-1"), caseTwin(ids, "zz-1"))
	assert.Equal(t, domain.ProjectID("A-099999"), caseTwin(ids, "a-099999"))

	_, err = s.Execute(ctx, identityRegister("zz-1"))
	assert.ErrorContains(t, err, "project ZZ-1 is already registered")
}

// benchRegistered runs read against a store holding n registered
// projects, for 1,000 and 10,000.
func benchRegistered(b *testing.B, read func(*Store) error) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("projects=%d", n), func(b *testing.B) {
			s := identityStore(b)
			js := s.JetStream()
			for i := range n {
				if _, err := js.PublishAsync(fmt.Sprintf("ledger.A-%06d.registered", i), nil); err != nil {
					b.Fatal(err)
				}
			}
			<-js.PublishAsyncComplete()
			for b.Loop() {
				if err := read(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRegisteredIDs is the listing of every registered id, which the
// case check of ids with many letters reads, by how many projects the
// ledger holds.
func BenchmarkRegisteredIDs(b *testing.B) {
	benchRegistered(b, func(s *Store) error {
		_, err := s.registeredIDs(context.Background())
		return err
	})
}

func TestCaseVariants(t *testing.T) {
	for _, tc := range []struct {
		id    domain.ProjectID
		limit int
		want  []domain.ProjectID
		ok    bool
	}{
		{"2010-220621-47-01-000034", maxCaseVariants, []domain.ProjectID{"2010-220621-47-01-000034"}, true},
		{"P-7", maxCaseVariants, []domain.ProjectID{"P-7", "p-7"}, true},
		{"Ab_1", maxCaseVariants, []domain.ProjectID{"Ab_1", "ab_1", "AB_1", "aB_1"}, true},
		{"Ab_1", 3, nil, false},
		{"ABCDEFGHIJK", maxCaseVariants, nil, false}, // 2,048 variants
	} {
		got, ok := caseVariants(tc.id, tc.limit)
		assert.Equal(t, tc.ok, ok, tc.id)
		assert.ElementsMatch(t, tc.want, got, tc.id)
	}
}

// A twin is found whichever way the registered ids are read: by asking for
// the id's case variants, or, for an id with more variants than one read
// asks for, from the listing of every registered id.
func TestTwinFoundByVariantsAndByListing(t *testing.T) {
	ctx := context.Background()
	s := identityStore(t)
	for _, id := range []domain.ProjectID{"Q-12", "LONGLOCALID-1"} {
		_, err := s.Execute(ctx, identityRegister(id))
		require.NoError(t, err)
	}
	for _, tc := range []struct{ id, twin domain.ProjectID }{
		{"q-12", "Q-12"},
		{"longlocalid-1", "LONGLOCALID-1"}, // 2,048 variants: read from the listing
		{"Q-13", ""},
		{"LONGLOCALID-2", ""},
	} {
		ids, err := s.registeredAmong(ctx, []domain.ProjectID{tc.id})
		require.NoError(t, err)
		assert.Equal(t, tc.twin, caseTwin(ids, tc.id), tc.id)
		_, err = s.Execute(ctx, identityRegister(tc.id))
		if tc.twin != "" {
			assert.ErrorContains(t, err, fmt.Sprintf("project %s is already registered", tc.twin))
		} else {
			assert.NoError(t, err)
		}
	}
	// A batch mixing both kinds reads once and finds each twin.
	ids, err := s.registeredAmong(ctx, []domain.ProjectID{"q-13", "longlocalid-2", "2010-220621-47-01-000034"})
	require.NoError(t, err)
	assert.Equal(t, domain.ProjectID("Q-13"), caseTwin(ids, "q-13"))
	assert.Equal(t, domain.ProjectID("LONGLOCALID-2"), caseTwin(ids, "longlocalid-2"))
	assert.Equal(t, domain.ProjectID(""), caseTwin(ids, "2010-220621-47-01-000034"))
}

// BenchmarkRegisteredAmong is the read a batch of 111 registrations pays
// (each id with one letter), by how many projects the ledger holds.
func BenchmarkRegisteredAmong(b *testing.B) {
	batch := make([]domain.ProjectID, 111)
	for i := range batch {
		batch[i] = domain.ProjectID(fmt.Sprintf("B-%06d", i))
	}
	benchRegistered(b, func(s *Store) error {
		_, err := s.registeredAmong(context.Background(), batch)
		return err
	})
}

package eventstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// tamperEnv holds a ledger with two projects, and copies it into a second
// stream (the ledger stream refuses deletes) with one change made on the
// way: the tampering under test.
type tamperEnv struct {
	*env
	msgs []*jetstream.RawStreamMsg
}

func newTamperEnv(t *testing.T) *tamperEnv {
	e := newEnv(t)
	p1 := register("P-1")
	p1.Plan = []domain.PlannedDeadline{{Milestone: domain.MilestoneStarted, Due: domain.NewDate(2027, 1, 31)}}
	mustExecute(t, e.store, p1)                                                      // seq 1, 2
	mustExecute(t, e.store, register("P-2"))                                         // 3
	mustExecute(t, e.store, step("P-1", domain.Signed, domain.NewDate(2026, 11, 2))) // 4
	mustExecute(t, e.store, domain.RecordStep{Meta: domain.Meta{Actor: "clerk"}, Project: "P-1", Step: domain.FundsReceived,
		Amount: 5_000_000, On: domain.NewDate(2026, 11, 3)}) // 5
	mustExecute(t, e.store, step("P-2", domain.Signed, domain.NewDate(2026, 11, 4)))  // 6
	mustExecute(t, e.store, step("P-1", domain.Started, domain.NewDate(2026, 11, 5))) // 7
	st, err := e.store.JetStream().Stream(context.Background(), e.store.StreamName())
	require.NoError(t, err)
	te := &tamperEnv{env: e}
	for seq := uint64(1); seq <= 7; seq++ {
		m, err := st.GetMsg(context.Background(), seq)
		require.NoError(t, err)
		te.msgs = append(te.msgs, m)
	}
	return te
}

// copyWith copies the ledger into a new stream after edit rearranges or
// changes the messages, and verifies the copy.
func (te *tamperEnv) copyWith(t *testing.T, name string, edit func([]*jetstream.RawStreamMsg) []*jetstream.RawStreamMsg) eventstore.Verification {
	ctx := context.Background()
	spec := eventstore.StreamSpec{Name: name, Subject: "c" + name}
	copied, err := eventstore.Open(ctx, te.nc, eventstore.WithStream(spec))
	require.NoError(t, err)
	for _, m := range edit(append([]*jetstream.RawStreamMsg(nil), te.msgs...)) {
		out := nats.NewMsg(spec.Subject + m.Subject[len("ledger"):])
		out.Data = m.Data
		for k, vs := range m.Header {
			if !strings.HasPrefix(k, "Nats-") { // the write's mechanics: batch ids, expected sequences
				out.Header[k] = append([]string(nil), vs...)
			}
		}
		_, err := copied.JetStream().PublishMsg(ctx, out)
		require.NoError(t, err)
	}
	v, err := copied.Verify(ctx, "")
	require.NoError(t, err)
	return v
}

func TestVerifyCleanStream(t *testing.T) {
	te := newTamperEnv(t)
	v, err := te.store.Verify(context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, eventstore.Verification{Projects: 2, Events: 7}, v)
	one, err := te.store.Verify(context.Background(), "P-1")
	require.NoError(t, err)
	assert.Equal(t, eventstore.Verification{Projects: 1, Events: 5}, one)
	assert.Equal(t, eventstore.Verification{Projects: 2, Events: 7}, te.copyWith(t, "UNTOUCHED", func(m []*jetstream.RawStreamMsg) []*jetstream.RawStreamMsg { return m }))
}

func TestVerifyFindsTheFirstTamperedEvent(t *testing.T) {
	te := newTamperEnv(t)
	codec := eventstore.NewCodec()
	reencode := func(m *jetstream.RawStreamMsg, change func(*domain.Event)) *jetstream.RawStreamMsg {
		e, err := codec.Decode(m.Data)
		require.NoError(t, err)
		change(&e)
		// Encode the changed event keeping the hash it had: the chain's
		// later links name that hash.
		data, err := codec.Encode(e)
		require.NoError(t, err)
		c := *m
		c.Data = data
		return &c
	}
	forged := func(after *jetstream.RawStreamMsg) *jetstream.RawStreamMsg {
		prev, err := codec.Decode(after.Data)
		require.NoError(t, err)
		e := domain.Event{ID: "forged-0", Project: "P-1", Type: domain.FundsReceived, Schema: 1, OccurredOn: domain.NewDate(2026, 11, 3),
			RecordedAt: testNow, Actor: "someone", CommandID: "forged", Data: &domain.FundsReceivedData{Amount: 99_000_000}}
		data, err := codec.Seal(&e, prev.Hash)
		require.NoError(t, err)
		// Headers and all, as the ledger would have written it.
		return &jetstream.RawStreamMsg{Subject: "ledger.P-1.funds_received", Header: eventstore.LedgerHeaders(e), Data: data}
	}
	cases := []struct {
		name    string
		edit    func([]*jetstream.RawStreamMsg) []*jetstream.RawStreamMsg
		project domain.ProjectID
		seq     uint64 // in the copy
		problem string
	}{
		{"altered payload", func(m []*jetstream.RawStreamMsg) []*jetstream.RawStreamMsg {
			m[4] = reencode(m[4], func(e *domain.Event) { e.Data = &domain.FundsReceivedData{Amount: 50_000_000} })
			return m
		}, "P-1", 5, "content altered"},
		{"altered business date", func(m []*jetstream.RawStreamMsg) []*jetstream.RawStreamMsg {
			m[3] = reencode(m[3], func(e *domain.Event) { e.OccurredOn = domain.NewDate(2026, 10, 2) })
			return m
		}, "P-1", 4, "content altered"},
		{"altered header the hash covers", func(m []*jetstream.RawStreamMsg) []*jetstream.RawStreamMsg {
			c := *m[1]
			c.Header = nats.Header{}
			for k, v := range m[1].Header {
				c.Header[k] = append([]string(nil), v...)
			}
			c.Header.Set(eventstore.HeaderDue, "2027-06-30")
			m[1] = &c
			return m
		}, "P-1", 2, "header Ledger-Due says \"2027-06-30\" but the event says \"2027-01-31\""},
		{"removed event", func(m []*jetstream.RawStreamMsg) []*jetstream.RawStreamMsg {
			return append(m[:3:3], m[4:]...) // drop seq 4 (P-1 signed)
		}, "P-1", 4, "link broken"},
		{"reordered events", func(m []*jetstream.RawStreamMsg) []*jetstream.RawStreamMsg {
			m[3], m[4] = m[4], m[3]
			return m
		}, "P-1", 4, "link broken"},
		{"inserted event with a forged link", func(m []*jetstream.RawStreamMsg) []*jetstream.RawStreamMsg {
			out := append([]*jetstream.RawStreamMsg{}, m[:4]...)
			out = append(out, forged(m[3]))
			return append(out, m[4:]...)
		}, "P-1", 6, "the event at sequence 5 links to the same predecessor: it was inserted"},
		{"event moved to another project's subject", func(m []*jetstream.RawStreamMsg) []*jetstream.RawStreamMsg {
			c := *m[5]
			c.Subject = "ledger.P-2.started"
			m[5] = &c
			return m
		}, "P-2", 6, "stored on subject"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := te.copyWith(t, fmt.Sprintf("T%d", i), tc.edit)
			require.Len(t, v.Breaks, 1, "%+v", v.Breaks)
			b := v.Breaks[0]
			assert.Equal(t, tc.project, b.Project)
			assert.Equal(t, tc.seq, b.Sequence)
			assert.Contains(t, b.Problem, tc.problem)
		})
	}
}

func TestVerifyChecksEveryReadableHeader(t *testing.T) {
	te := newTamperEnv(t)
	for i, k := range []string{eventstore.HeaderLeader, eventstore.HeaderActor, eventstore.HeaderMilestone} {
		t.Run(k, func(t *testing.T) {
			v := te.copyWith(t, fmt.Sprintf("H%d", i), func(m []*jetstream.RawStreamMsg) []*jetstream.RawStreamMsg {
				c := *m[0] // P-1 registered: it carries all three
				c.Header = nats.Header{}
				for key, vs := range m[0].Header {
					if key != k {
						c.Header[key] = vs
					}
				}
				if k == eventstore.HeaderMilestone {
					c = *m[3] // P-1 signed reaches a milestone
					c.Header = nats.Header{}
					for key, vs := range m[3].Header {
						if key != k {
							c.Header[key] = vs
						}
					}
					m[3] = &c
					return m
				}
				m[0] = &c
				return m
			})
			require.Len(t, v.Breaks, 1)
			assert.Contains(t, v.Breaks[0].Problem, "header "+k)
		})
	}
}

package eventstore_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

func TestCheckLink(t *testing.T) {
	codec := eventstore.NewCodec()
	sealed := func(p domain.ProjectID, prev []byte) eventstore.Record {
		e := domain.Event{ID: "k-0", Project: p, Type: domain.Signed, Schema: 1, OccurredOn: domain.NewDate(2026, 11, 2),
			RecordedAt: testNow, Actor: "clerk", CommandID: "k", Data: &domain.StepData{Step: domain.Signed}}
		_, err := codec.Seal(&e, prev)
		require.NoError(t, err)
		return eventstore.Record{Event: e, Sequence: 9, Subject: "ledger." + string(p) + ".signed"}
	}
	first := sealed("P-1", eventstore.Genesis("P-1"))
	second := sealed("P-1", first.Hash)
	unhashed := sealed("P-1", eventstore.Genesis("P-1"))
	unhashed.Hash = nil
	cases := []struct {
		name    string
		rec     eventstore.Record
		prev    []byte
		problem string // "" when it links
	}{
		{"a project's first event, linked to its genesis value", first, nil, ""},
		{"the next event, linked to the last", second, first.Hash, ""},
		{"a first event linked to something else", second, nil, "must link to its genesis value"},
		{"a replayed first event after the project's last", first, second.Hash, "it links to"},
		{"another project's genesis value", sealed("P-2", eventstore.Genesis("P-1")), nil, "must link to its genesis value"},
		{"an id the ledger never writes", sealed("bad!id", eventstore.Genesis("bad!id")), nil, `project id "bad!id"`},
		{"no hash", unhashed, nil, "its hash has 0 bytes"},
		{"a link of the wrong length", sealed("P-1", bytes.Repeat([]byte{1}, 8)), first.Hash, "it links to"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := eventstore.CheckLink(tc.rec, tc.prev)
			if tc.problem == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, eventstore.ErrOffChain)
			require.ErrorIs(t, err, eventstore.ErrUndecodable, "readers that skip unreadable messages skip it")
			assert.Contains(t, err.Error(), "stream sequence 9 (")
			assert.Contains(t, err.Error(), tc.problem)
		})
	}
}

package eventstore

import (
	"net/textproto"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/keyprojects/ledger/domain"
)

// message puts header keys into the map as written, without the
// canonicalizing Header.Set: a key not in canonical form would be stored
// in that form, and Header.Get would not find it in the message we built.
func TestMessageHeaderKeysAreCanonical(t *testing.T) {
	s := &Store{spec: StreamSpec{}.withDefaults()}
	e := domain.Event{ID: "k-0", Project: "P-1", Type: domain.MilestonePlanned, Schema: 1, Actor: "a\tb", CommandID: "k",
		Data: &domain.MilestonePlannedData{Milestone: domain.MilestoneStarted, Due: domain.NewDate(2027, 1, 1)}}
	m := s.Message(e, []byte{1})
	assert.Len(t, m.Header, len(readableHeaders(e))+2)
	for k, v := range m.Header {
		assert.Equal(t, textproto.CanonicalMIMEHeaderKey(k), k)
		assert.Len(t, v, 1, k)
	}
	assert.Equal(t, "P-1:k-0", m.Header.Get("Nats-Msg-Id"))
	assert.Equal(t, "2027-01-01", m.Header.Get(HeaderDue))
	assert.Equal(t, "ab", m.Header.Get(HeaderActor))
	assert.Equal(t, "ledger.P-1.milestone_planned", m.Subject)
}

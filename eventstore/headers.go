package eventstore

import (
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"

	"github.com/nats-io/nats.go"

	"github.com/keyprojects/ledger/domain"
)

// Readable headers on every ledger message, so a person following a subject
// with the stock nats CLI can read it without a CBOR decoder. The body is
// the authority; these copy parts of it (docs/subjects.md).
const (
	HeaderEventType  = "Ledger-Event-Type"
	HeaderProject    = "Ledger-Project"
	HeaderOccurredOn = "Ledger-Occurred-On"
	HeaderActor      = "Ledger-Actor"
	HeaderSchema     = "Ledger-Schema"
	HeaderCommandID  = "Ledger-Command-Id"
	HeaderMilestone  = "Ledger-Milestone"
	HeaderDue        = "Ledger-Due"
	HeaderUnit       = "Ledger-Unit"
	HeaderLeader     = "Ledger-Leader"
	HeaderHash       = "Ledger-Hash"
	HeaderPrevHash   = "Ledger-Prev-Hash"
	HeaderContent    = "Content-Type"
	ContentTypeCBOR  = "application/cbor"
)

// MsgID returns the Nats-Msg-Id of event e: unique per project and event,
// and the same on every retry of the command that yielded it.
func MsgID(e domain.Event) string { return string(e.Project) + ":" + e.ID }

// message builds the NATS message of a sealed event.
func (s *Store) message(e domain.Event, body []byte) *nats.Msg {
	m := nats.NewMsg(s.Subject(e.Project, e.Type))
	m.Data = body
	h := m.Header
	h.Set(nats.MsgIdHdr, MsgID(e))
	h.Set(HeaderContent, ContentTypeCBOR)
	h.Set(HeaderEventType, string(e.Type))
	h.Set(HeaderProject, string(e.Project))
	h.Set(HeaderOccurredOn, e.OccurredOn.String())
	h.Set(HeaderActor, headerValue(e.Actor))
	h.Set(HeaderSchema, strconv.Itoa(e.Schema))
	h.Set(HeaderCommandID, headerValue(e.CommandID))
	h.Set(HeaderHash, hex.EncodeToString(e.Hash))
	h.Set(HeaderPrevHash, hex.EncodeToString(e.PrevHash))
	if me, ok := e.Data.(domain.MilestoneEvent); ok {
		m, due := me.MilestoneRef()
		h.Set(HeaderMilestone, string(m))
		if !due.IsZero() {
			h.Set(HeaderDue, due.String())
		}
	} else if ms, ok := domain.MilestoneReached(e); ok {
		h.Set(HeaderMilestone, string(ms))
	}
	if re, ok := e.Data.(domain.ResponsibleEvent); ok {
		unit, leader := re.Responsible()
		h.Set(HeaderUnit, headerValue(unit))
		h.Set(HeaderLeader, headerValue(leader))
	}
	return m
}

// headerValue drops control characters, which would break the header block;
// the body keeps the exact text.
func headerValue(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

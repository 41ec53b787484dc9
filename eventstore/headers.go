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

// header is one readable header and its value.
type header struct{ key, value string }

// readableHeaders returns the Ledger-* headers of a sealed event, in a
// fixed order: what message writes and what Verify checks, from one place.
func readableHeaders(e domain.Event) []header {
	hs := make([]header, 0, 13)
	hs = append(hs,
		header{HeaderEventType, string(e.Type)},
		header{HeaderProject, string(e.Project)},
		header{HeaderOccurredOn, e.OccurredOn.String()},
		header{HeaderActor, headerValue(e.Actor)},
		header{HeaderSchema, strconv.Itoa(e.Schema)},
		header{HeaderCommandID, headerValue(e.CommandID)},
		header{HeaderHash, hex.EncodeToString(e.Hash)},
		header{HeaderPrevHash, hex.EncodeToString(e.PrevHash)},
	)
	if me, ok := e.Data.(domain.MilestoneEvent); ok {
		m, due := me.MilestoneRef()
		hs = append(hs, header{HeaderMilestone, string(m)})
		if !due.IsZero() {
			hs = append(hs, header{HeaderDue, due.String()})
		}
	} else if ms, ok := domain.MilestoneReached(e); ok {
		hs = append(hs, header{HeaderMilestone, string(ms)})
	}
	if re, ok := e.Data.(domain.ResponsibleEvent); ok {
		unit, leader := re.Responsible()
		hs = append(hs, header{HeaderUnit, headerValue(unit)}, header{HeaderLeader, headerValue(leader)})
	}
	return hs
}

// Message returns the NATS message the store appends for e, sealed as
// body (Codec.Seal): its subject, Msg-Id and readable headers. Tools that
// write events as an earlier version of the ledger wrote them (the stored
// event corpus of the tests) use it.
func (s *Store) Message(e domain.Event, body []byte) *nats.Msg {
	// The header keys are already in canonical form, so they go straight
	// into the map, with their values in one backing array: this runs once
	// per appended event.
	hs := readableHeaders(e)
	values := make([]string, 0, len(hs)+2)
	m := &nats.Msg{Subject: s.Subject(e.Project, e.Type), Data: body, Header: make(nats.Header, len(hs)+2)}
	put := func(key, value string) {
		values = append(values, value)
		m.Header[key] = values[len(values)-1 : len(values) : len(values)]
	}
	put(nats.MsgIdHdr, MsgID(e))
	put(HeaderContent, ContentTypeCBOR)
	for _, h := range hs {
		put(h.key, h.value)
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

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

// header is one readable header and its value. A hash's value is kept as
// its bytes and written as lower-case hex: a verifier compares a stored
// header with it without writing it out.
type header struct {
	key, value string
	hash       []byte
	isHash     bool
}

// text returns the header's value as written.
func (h header) text() string {
	if h.isHash {
		return hex.EncodeToString(h.hash)
	}
	return h.value
}

// is reports whether s is the header's value as written.
func (h header) is(s string) bool {
	if !h.isHash {
		return s == h.value
	}
	const digits = "0123456789abcdef"
	if len(s) != 2*len(h.hash) {
		return false
	}
	for i, b := range h.hash {
		if s[2*i] != digits[b>>4] || s[2*i+1] != digits[b&0x0f] {
			return false
		}
	}
	return true
}

// readableHeaders returns the Ledger-* headers of a sealed event, in a
// fixed order: what message writes and what Verify checks, from one place.
func readableHeaders(e domain.Event) []header {
	hs := make([]header, 0, 13)
	hs = append(hs,
		header{key: HeaderEventType, value: string(e.Type)},
		header{key: HeaderProject, value: string(e.Project)},
		header{key: HeaderOccurredOn, value: e.OccurredOn.String()},
		header{key: HeaderActor, value: headerValue(e.Actor)},
		header{key: HeaderSchema, value: strconv.Itoa(e.Schema)},
		header{key: HeaderCommandID, value: headerValue(e.CommandID)},
		header{key: HeaderHash, hash: e.Hash, isHash: true},
		header{key: HeaderPrevHash, hash: e.PrevHash, isHash: true},
	)
	if me, ok := e.Data.(domain.MilestoneEvent); ok {
		m, due := me.MilestoneRef()
		hs = append(hs, header{key: HeaderMilestone, value: string(m)})
		if !due.IsZero() {
			hs = append(hs, header{key: HeaderDue, value: due.String()})
		}
	} else if ms, ok := domain.MilestoneReached(e); ok {
		hs = append(hs, header{key: HeaderMilestone, value: string(ms)})
	}
	if re, ok := e.Data.(domain.ResponsibleEvent); ok {
		unit, leader := re.Responsible()
		hs = append(hs, header{key: HeaderUnit, value: headerValue(unit)}, header{key: HeaderLeader, value: headerValue(leader)})
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
		put(h.key, h.text())
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

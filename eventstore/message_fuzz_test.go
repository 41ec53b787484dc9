package eventstore

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/keyprojects/ledger/domain"
)

// headerBlock writes h as the header block of a NATS message, the way the
// server writes the headers it adds (net/http's Header.Write).
func headerBlock(h nats.Header) []byte {
	var b bytes.Buffer
	b.WriteString("NATS/1.0\r\n")
	_ = http.Header(h).Write(&b)
	b.WriteString("\r\n")
	return b.Bytes()
}

// FuzzMessage feeds arbitrary messages (subject, header block, body) to
// what every reader of the stream does with one: the client parses the
// header block (nats.DecodeHeadersMsg, which nats.go runs on each message
// it receives, delivering it without headers when that fails), then
// readMessage decides whether it is a ledger event, and Verify's check
// judges it as the first message of its project.
//
// Whatever the message on a subject the server takes, nothing panics; readMessage returns a record on
// the subject its event gives, or a one-line error matching
// ErrUndecodable that names the stream sequence; and Verify names every
// message the readers leave out, and passes exactly the messages that are
// readable, on the chain, hashed right and carry the ledger's headers.
func FuzzMessage(f *testing.F) {
	codec := NewCodec()
	at := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	d := domain.NewDate(2026, 11, 20)
	for _, e := range []domain.Event{
		{Type: domain.Registered, Data: &domain.RegisteredData{Name: "光伏", TotalInvestment: 350_000_000, Unit: "县工信局", Leader: "李明", Kind: domain.KindNew, TimeZone: domain.DefaultTimeZone}},
		{Type: domain.MilestonePlanned, Data: &domain.MilestonePlannedData{Milestone: domain.MilestoneStarted, Due: d}},
		{Type: domain.Signed, Data: &domain.StepData{Step: domain.Signed}},
		{Type: domain.DeadlineMissed, Data: &domain.DeadlineMissedData{Milestone: domain.MilestoneStarted, Due: d, Unit: "县工信局", Leader: "李明", DetectedAt: at}},
	} {
		e.ID, e.Project, e.Schema, e.OccurredOn, e.RecordedAt, e.Actor, e.CommandID = "k-0", "P-7", domain.EventVersion(e.Type), d, at, "clerk\t张", "k"
		body, err := codec.Seal(&e, Genesis(e.Project))
		if err != nil {
			f.Fatal(err)
		}
		m := (&Store{spec: StreamSpec{}.withDefaults()}).Message(e, body)
		own := headerBlock(m.Header)
		f.Add(m.Subject, own, body) // as the ledger writes it
		lying := m.Header.Get(HeaderProject)
		m.Header.Set(HeaderProject, "P-8")
		f.Add(m.Subject, headerBlock(m.Header), body) // a header that lies
		m.Header.Set(HeaderProject, lying)
		f.Add("ledger.P-8."+string(e.Type), own, body)                                                                 // another project's subject
		f.Add("ledger.P-7.started", own, body)                                                                         // another type's subject
		f.Add(m.Subject, []byte("GARBAGE\r\n\r\n"), body)                                                              // a header block the client cannot parse
		f.Add(m.Subject, []byte("NATS/1.0 404 No Messages\r\n\r\n"), body)                                             // a status line
		f.Add(m.Subject, []byte{}, body)                                                                               // no headers at all
		f.Add(m.Subject, own, body[:len(body)-1])                                                                      // truncated body
		f.Add(m.Subject, append(own[:len(own)-2:len(own)-2], "X-Big: "+strings.Repeat("x", 4096)+"\r\n\r\n"...), body) // a big extra header
		other, err := codec.Seal(&e, bytes.Repeat([]byte{7}, 32))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(m.Subject, own, other) // a bad link
	}
	f.Add("ledger.P-7.signed", []byte("NATS/1.0\r\nno colon\r\n\r\n"), []byte("not cbor"))
	f.Add("ledger", []byte{}, []byte{})
	f.Add("ledger..signed", []byte("NATS/1.0\r\n\r\n"), []byte{0xa0})

	spec := StreamSpec{}.withDefaults()
	const seq = 7
	f.Fuzz(func(t *testing.T, subject string, block, body []byte) {
		if !server.IsValidSubject(subject) {
			// The server takes no message on it (an empty token, white
			// space, a line break), so no reader ever meets one.
			t.Skip()
		}
		h, err := nats.DecodeHeadersMsg(block)
		if err != nil || h == nil {
			h = nats.Header{} // delivered without headers; Verify checks them as empty
		}
		m := rawMessage{Subject: subject, Sequence: seq, Time: at, Header: h, Data: body}
		rec, readErr := readMessage(spec, codec, m)
		if rec.Sequence != seq || rec.Subject != subject || !rec.StoredAt.Equal(at) {
			t.Fatalf("the record lost the message's position: %+v", rec)
		}
		if readErr != nil {
			msg := readErr.Error()
			if !errors.Is(readErr, ErrUndecodable) || strings.ContainsAny(msg, "\r\n") || !strings.Contains(msg, fmt.Sprintf("stream sequence %d", seq)) {
				t.Fatalf("refused with %q; expected one line matching ErrUndecodable and naming stream sequence %d", msg, seq)
			}
		} else {
			if want := "ledger." + string(rec.Project) + "." + string(rec.Type); subject != want {
				t.Fatalf("read a %s event of %s from subject %q", rec.Type, rec.Project, subject)
			}
			if !slices.Contains(domain.EventTypes, rec.Type) {
				t.Fatalf("read an event of unknown type %q", rec.Type)
			}
		}

		c := newChainChecker(codec, spec)
		c.check(m.Subject, m.Sequence, m.Header, m.Data)
		v := c.result()
		if v.Events != 1 || len(v.Breaks) > 1 {
			t.Fatalf("one message verified as %+v", v)
		}
		for _, b := range v.Breaks {
			if b.Sequence != seq || b.Subject != subject || b.Problem == "" || strings.ContainsAny(b.Problem, "\r\n") {
				t.Fatalf("break %+v: expected stream sequence %d, the subject, and a one-line problem", b, seq)
			}
		}
		good := readErr == nil && CheckLink(rec, nil) == nil && headerMismatch(h, rec.Event) == ""
		if good {
			sum, err := codec.Hash(rec.Event)
			good = err == nil && bytes.Equal(sum, rec.Hash)
		}
		if good != (len(v.Breaks) == 0) {
			t.Fatalf("readable, first on its chain, hashed right and with the ledger's headers: %v; verify: %+v (read: %v)", good, v.Breaks, readErr)
		}
	})
}

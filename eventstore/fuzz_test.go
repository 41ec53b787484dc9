package eventstore_test

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// sealedSamples returns one sealed event of every type, as the ledger
// writes them, with the event each encodes.
func sealedSamples(tb testing.TB) ([][]byte, []domain.Event) {
	tb.Helper()
	codec := eventstore.NewCodec()
	samples := samplePayloads()
	var out [][]byte
	var events []domain.Event
	prev := eventstore.Genesis("P-7")
	for i, typ := range domain.EventTypes {
		e := domain.Event{
			ID: "k" + string(rune('a'+i)) + "-0", Project: "P-7", Type: typ, Schema: domain.EventVersion(typ),
			OccurredOn: domain.NewDate(2026, 11, 20), RecordedAt: time.Date(2026, 11, 27, 2, 3, 4, 567_000_000, time.UTC),
			Actor: "重点办 clerk", CorrelationID: "import-7", CommandID: "k" + string(rune('a'+i)), Data: samples[typ],
		}
		if i%3 == 0 {
			e.CorrelationID = "" // an omitted field
		}
		b, err := codec.Seal(&e, prev)
		if err != nil {
			tb.Fatal(err)
		}
		prev = e.Hash
		out = append(out, b)
		events = append(events, e)
	}
	return out, events
}

// FuzzDecode feeds arbitrary bytes to the event decoder. It never panics;
// it refuses with an error matching ErrUndecodable, or returns an event of
// a known type and schema whose canonical encoding decodes to the same
// event, is a fixed point of decoding and encoding again, and hashes.
func FuzzDecode(f *testing.F) {
	sealed, _ := sealedSamples(f)
	for _, b := range sealed {
		f.Add(b)
		f.Add(b[:len(b)/2])                  // truncated
		f.Add(append(slices.Clone(b), 0x00)) // trailing byte
		flipped := slices.Clone(b)
		flipped[len(flipped)/3] ^= 0x20
		f.Add(flipped)
	}
	for _, b := range [][]byte{
		{}, {0x00}, {0xa0}, {0xf6}, {0xff}, {0x9f, 0xff}, {0xbf, 0xff},
		[]byte("not cbor at all"), []byte(`{"forged":true}`),
		{0xa1, 0x63, 'z', 'z', 'z', 0x01}, // an unknown field
		{0xa2, 0x64, 't', 'y', 'p', 'e', 0x66, 's', 'i', 'g', 'n', 'e', 'd', 0x64, 't', 'y', 'p', 'e', 0x60}, // a duplicate key
		bytes.Repeat([]byte{0x81}, 64),                         // nesting deeper than the decoder allows
		{0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, // a byte string claiming 2^64 bytes
	} {
		f.Add(b)
	}
	codec := eventstore.NewCodec()
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := codec.DecodeStored(data)
		if err != nil {
			if !errors.Is(err, eventstore.ErrUndecodable) {
				t.Fatalf("refused with %v; expected an error matching ErrUndecodable", err)
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("refused with %q; expected one line", err)
			}
			return
		}
		if !slices.Contains(domain.EventTypes, e.Type) {
			t.Fatalf("decoded an event of unknown type %q", e.Type)
		}
		if e.Schema < 1 || e.Schema > domain.EventVersion(e.Type) {
			t.Fatalf("decoded an event of schema %d", e.Schema)
		}
		if e.Data == nil || e.Data.EventType() != e.Type {
			t.Fatalf("decoded a %s event with payload %#v", e.Type, e.Data)
		}
		canonical, err := codec.Encode(e)
		if err != nil {
			t.Fatalf("decoded %+v, which does not encode: %v", e, err)
		}
		again, err := codec.DecodeStored(canonical)
		if err != nil {
			t.Fatalf("decoded %+v, whose encoding %x does not decode: %v", e, canonical, err)
		}
		if !reflect.DeepEqual(e, again) {
			t.Fatalf("decoded %+v, which encodes to an event that decodes as %+v", e, again)
		}
		if twice, err := codec.Encode(again); err != nil || !bytes.Equal(twice, canonical) {
			t.Fatalf("the canonical encoding %x encodes again as %x (%v)", canonical, twice, err)
		}
		if _, err := codec.Hash(e); err != nil {
			t.Fatalf("decoded %+v, which does not hash: %v", e, err)
		}
		if up, err := codec.Decode(data); err != nil || up.Data.EventType() != e.Type || up.Schema != e.Schema {
			t.Fatalf("read as stored as %+v, brought to the current shape as %+v (%v)", e, up, err)
		}
	})
}

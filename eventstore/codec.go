package eventstore

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"

	"github.com/fxamacker/cbor/v2"

	"github.com/keyprojects/ledger/domain"
)

// ErrUndecodable marks a message that is not a ledger event this version can
// read: wrong encoding, unknown type, unknown fields, newer schema.
var ErrUndecodable = errors.New("not a readable ledger event")

// Codec turns events into canonical bytes and back, and computes the hash
// chain over those bytes. Its zero value is not usable; call NewCodec.
//
// Encoding is CBOR with core deterministic encoding (RFC 8949 §4.2.1) and
// RFC 3339 timestamps, so the same event always encodes, and hashes, the
// same. Decoding is strict: unknown fields and duplicate keys are errors,
// because a field this version drops would change the event's hash.
type Codec struct {
	enc cbor.EncMode
	dec cbor.DecMode
}

// envelope is the wire form of an event: the domain envelope with its typed
// payload replaced by the payload's own canonical encoding.
type envelope struct {
	domain.Event
	Data cbor.RawMessage `cbor:"data"`
}

// NewCodec returns the ledger's canonical codec.
func NewCodec() *Codec {
	eo := cbor.CoreDetEncOptions()
	eo.Time = cbor.TimeRFC3339Nano
	enc, err := eo.EncMode()
	if err != nil {
		panic(fmt.Sprintf("eventstore: invalid CBOR encoding options: %v", err)) // static options
	}
	dec, err := cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
		MaxNestedLevels:   16,
	}.DecMode()
	if err != nil {
		panic(fmt.Sprintf("eventstore: invalid CBOR decoding options: %v", err)) // static options
	}
	return &Codec{enc: enc, dec: dec}
}

// Genesis returns the PrevHash of a project's first event: a fixed value
// derived from the project id, so a chain cannot be moved to another project.
func Genesis(project domain.ProjectID) []byte {
	h := sha256.Sum256([]byte("ledger genesis\x00" + string(project)))
	return h[:]
}

// Seal sets e.PrevHash to prev, computes e.Hash over the canonical encoding
// of e with Hash empty, and returns the encoded event including its hash.
func (c *Codec) Seal(e *domain.Event, prev []byte) ([]byte, error) {
	if e.Data == nil {
		return nil, fmt.Errorf("eventstore: event %s has no data", e.ID)
	}
	payload, err := c.enc.Marshal(e.Data)
	if err != nil {
		return nil, fmt.Errorf("encode %s payload: %w", e.Type, err)
	}
	e.PrevHash = bytes.Clone(prev)
	e.Hash = nil
	unsealed, err := c.enc.Marshal(envelope{Event: *e, Data: payload})
	if err != nil {
		return nil, fmt.Errorf("encode %s event: %w", e.Type, err)
	}
	sum := sha256.Sum256(unsealed)
	e.Hash = sum[:]
	return c.enc.Marshal(envelope{Event: *e, Data: payload})
}

// Encode returns the canonical encoding of e as it is, Hash included and
// not recomputed. Seal is how events are written; Encode is for tools that
// must reproduce an event's bytes exactly.
func (c *Codec) Encode(e domain.Event) ([]byte, error) {
	payload, err := c.enc.Marshal(e.Data)
	if err != nil {
		return nil, fmt.Errorf("encode %s payload: %w", e.Type, err)
	}
	return c.enc.Marshal(envelope{Event: e, Data: payload})
}

// Decode reads an encoded event. It does not check the hash; see Check.
// An error is one line, whatever text the data holds.
func (c *Codec) Decode(data []byte) (domain.Event, error) {
	var env envelope
	if err := c.dec.Unmarshal(data, &env); err != nil {
		return domain.Event{}, fmt.Errorf("%w: %s", ErrUndecodable, oneLine(err))
	}
	e := env.Event
	if e.Schema < 1 || e.Schema > domain.SchemaVersion {
		return domain.Event{}, fmt.Errorf("%w: schema version %d (this ledger reads 1 to %d)", ErrUndecodable, e.Schema, domain.SchemaVersion)
	}
	p, err := domain.NewPayload(e.Type)
	if err != nil {
		return domain.Event{}, fmt.Errorf("%w: %v", ErrUndecodable, err)
	}
	if err := c.dec.Unmarshal(env.Data, p); err != nil {
		return domain.Event{}, fmt.Errorf("%w: %s payload: %s", ErrUndecodable, e.Type, oneLine(err))
	}
	e.Data = p
	return e, nil
}

// oneLine returns err's message with its line breaks escaped: the CBOR
// library quotes parts of the data it could not read as they are.
func oneLine(err error) string {
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(err.Error())
}

// Hash recomputes the hash of e over its canonical encoding with Hash
// empty. An event whose Hash differs from Hash(e) was altered.
func (c *Codec) Hash(e domain.Event) ([]byte, error) {
	payload, err := c.enc.Marshal(e.Data)
	if err != nil {
		return nil, fmt.Errorf("encode %s payload: %w", e.Type, err)
	}
	e.Hash = nil
	unsealed, err := c.enc.Marshal(envelope{Event: e, Data: payload})
	if err != nil {
		return nil, fmt.Errorf("encode %s event: %w", e.Type, err)
	}
	sum := sha256.Sum256(unsealed)
	return sum[:], nil
}

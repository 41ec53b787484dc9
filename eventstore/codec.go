package eventstore

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"hash"
	"strings"

	"github.com/fxamacker/cbor/v2"

	"github.com/keyprojects/ledger/domain"
)

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

// decodedEnvelope is what Decode reads an envelope into: its payload is
// left in the data being decoded, not copied, and decoded at once.
type decodedEnvelope struct {
	domain.Event
	Data payloadView `cbor:"data"`
}

// payloadView is an encoded payload within the data being decoded.
type payloadView []byte

// UnmarshalCBOR keeps data, a well-formed CBOR item the decoder has
// checked, as it is.
func (v *payloadView) UnmarshalCBOR(data []byte) error {
	*v = data
	return nil
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
	if sealed, ok := withHash(unsealed, e.ID, len(payload), e.Hash); ok {
		return sealed, nil
	}
	return c.enc.Marshal(envelope{Event: *e, Data: payload})
}

// Encoded map keys around the place of "hash" in an event's canonical
// encoding: keys sort shortest first, then bytewise, so an event's map
// begins with "id", then "data", and "hash" goes between "data" and "type".
var (
	keyID   = []byte{0x62, 'i', 'd'}
	keyData = []byte{0x64, 'd', 'a', 't', 'a'}
	keyHash = []byte{0x64, 'h', 'a', 's', 'h'}
	keyType = []byte{0x64, 't', 'y', 'p', 'e'}
)

// withHash returns the canonical encoding of an event with its hash, made
// from unsealed, the encoding of the same event without it, by inserting
// the "hash" entry where the canonical order puts it: the same bytes as
// encoding the event again, at a fraction of the cost (an append encodes
// every event this way). It reports false if unsealed is not laid out as
// expected; the caller then encodes the event again.
func withHash(unsealed []byte, id string, payloadLen int, hash []byte) ([]byte, bool) {
	// A map of fewer than 23 entries has a one-byte head, before and after
	// the hash is added; an event has about a dozen.
	if len(unsealed) == 0 || unsealed[0]&0xe0 != 0xa0 || unsealed[0]&0x1f >= 23 || len(hash) > 255 {
		return nil, false
	}
	idEnd := 1 + len(keyID) + textHeadLen(len(id)) + len(id)
	split := idEnd + len(keyData) + payloadLen
	if split+len(keyType) > len(unsealed) ||
		!bytes.Equal(unsealed[1:1+len(keyID)], keyID) ||
		!bytes.Equal(unsealed[idEnd:idEnd+len(keyData)], keyData) ||
		!bytes.Equal(unsealed[split:split+len(keyType)], keyType) {
		return nil, false
	}
	out := make([]byte, 0, len(unsealed)+len(keyHash)+2+len(hash))
	out = append(out, unsealed[0]+1)
	out = append(out, unsealed[1:split]...)
	out = append(out, keyHash...)
	if len(hash) < 24 {
		out = append(out, 0x40|byte(len(hash)))
	} else {
		out = append(out, 0x58, byte(len(hash)))
	}
	out = append(out, hash...)
	return append(out, unsealed[split:]...), true
}

// sealedHash hashes data, a stored event whose id is id and whose payload
// is payloadLen bytes long, as Seal hashed it: over its bytes with the
// "hash" entry taken out (withHash reversed), with h, which it resets. It
// reports false if data is not laid out as withHash lays it out.
//
// When the result equals the hash the event states, the bytes are the
// ones sealed (SHA-256 is collision resistant), so the event as decoded
// from them is the event sealed; the verifier then need not encode it
// again. When it differs, the caller encodes the decoded event and hashes
// that (Hash), as it would have without this path.
func sealedHash(h hash.Hash, data []byte, id string, payloadLen int) ([]byte, bool) {
	if len(data) == 0 || data[0]&0xe0 != 0xa0 || data[0]&0x1f == 0 || data[0]&0x1f > 23 {
		return nil, false
	}
	idEnd := 1 + len(keyID) + textHeadLen(len(id)) + len(id)
	split := idEnd + len(keyData) + payloadLen
	i := split + len(keyHash)
	if i+2 > len(data) ||
		!bytes.Equal(data[1:1+len(keyID)], keyID) ||
		!bytes.Equal(data[idEnd:idEnd+len(keyData)], keyData) ||
		!bytes.Equal(data[split:i], keyHash) {
		return nil, false
	}
	var n int
	switch b := data[i]; {
	case b&0xe0 == 0x40 && b&0x1f < 24:
		n, i = int(b&0x1f), i+1
	case b == 0x58:
		n, i = int(data[i+1]), i+2
	default:
		return nil, false
	}
	if i+n > len(data) {
		return nil, false
	}
	h.Reset()
	h.Write([]byte{data[0] - 1})
	h.Write(data[1:split])
	h.Write(data[i+n:])
	return h.Sum(nil), true
}

// textHeadLen is the length of the head of a CBOR text string of n bytes.
func textHeadLen(n int) int {
	switch {
	case n < 24:
		return 1
	case n < 1<<8:
		return 2
	case n < 1<<16:
		return 3
	case n < 1<<32:
		return 5
	}
	return 9
}

// Encode returns the canonical encoding of e, an event as stored
// (DecodeStored), Hash included and not recomputed. Seal is how events are written; Encode is for tools that
// must reproduce an event's bytes exactly.
func (c *Codec) Encode(e domain.Event) ([]byte, error) {
	payload, err := c.enc.Marshal(e.Data)
	if err != nil {
		return nil, fmt.Errorf("encode %s payload: %w", e.Type, err)
	}
	return c.enc.Marshal(envelope{Event: e, Data: payload})
}

// Decode reads an encoded event, its payload brought to the current shape
// of its type (domain.Upcast); Schema stays the version it was stored
// with. It does not check the hash; see DecodeStored. An error is one line,
// whatever text the data holds.
func (c *Codec) Decode(data []byte) (domain.Event, error) {
	e, err := c.DecodeStored(data)
	if err != nil {
		return e, err
	}
	if e, err = domain.Upcast(e); err != nil {
		return domain.Event{}, fmt.Errorf("%w: %v", ErrUndecodable, err)
	}
	return e, nil
}

// DecodeStored reads an encoded event with its payload in the shape of the
// version it was stored with: Encode and Hash give back its bytes and its
// hash. Verification reads events this way.
func (c *Codec) DecodeStored(data []byte) (domain.Event, error) {
	e, _, err := c.decodeStored(data)
	return e, err
}

// decodeStored is DecodeStored, also returning the encoded payload: the
// part of data that holds it.
func (c *Codec) decodeStored(data []byte) (domain.Event, []byte, error) {
	var env decodedEnvelope
	if err := c.dec.Unmarshal(data, &env); err != nil {
		return domain.Event{}, nil, fmt.Errorf("%w: %s", ErrUndecodable, oneLine(err))
	}
	e := env.Event
	p, err := domain.NewStoredPayload(e.Type, e.Schema)
	if err != nil {
		return domain.Event{}, nil, fmt.Errorf("%w: %v", ErrUndecodable, err)
	}
	if err := c.dec.Unmarshal(env.Data, p); err != nil {
		return domain.Event{}, nil, fmt.Errorf("%w: %s payload: %s", ErrUndecodable, e.Type, oneLine(err))
	}
	e.Data = p
	return e, env.Data, nil
}

// oneLine returns err's message with its line breaks escaped: the CBOR
// library quotes parts of the data it could not read as they are.
func oneLine(err error) string {
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(err.Error())
}

// Hash recomputes the hash of e, an event as stored (DecodeStored), over
// its canonical encoding with Hash empty. An event whose Hash differs from
// Hash(e) was altered.
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

package eventstore

import (
	"bytes"
	"crypto/sha256"

	"github.com/nats-io/nats.go"

	"github.com/keyprojects/ledger/domain"
)

// LedgerHeaders returns the readable headers the ledger writes for sealed
// event e, for tests that forge a message as the ledger would write it.
func LedgerHeaders(e domain.Event) nats.Header {
	h := nats.Header{}
	for _, rh := range readableHeaders(e) {
		h[rh.key] = []string{rh.text()}
	}
	return h
}

// SealedHashHolds reports whether data, a stored event, passes the
// verifier's check without being encoded again: its bytes, the hash entry
// taken out, hash to the hash it states.
func SealedHashHolds(c *Codec, data []byte) bool {
	e, payload, err := c.decodeStored(data)
	if err != nil {
		return false
	}
	h, ok := sealedHash(sha256.New(), data, e.ID, len(payload))
	return ok && bytes.Equal(h, e.Hash)
}

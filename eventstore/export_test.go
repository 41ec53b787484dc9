package eventstore

import (
	"github.com/nats-io/nats.go"

	"github.com/keyprojects/ledger/domain"
)

// LedgerHeaders returns the readable headers the ledger writes for sealed
// event e, for tests that forge a message as the ledger would write it.
func LedgerHeaders(e domain.Event) nats.Header {
	h := nats.Header{}
	for _, rh := range readableHeaders(e) {
		h[rh.key] = []string{rh.value}
	}
	return h
}

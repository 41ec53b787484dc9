package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain/testday"
	"github.com/keyprojects/ledger/eventstore"
)

// BenchmarkOpenTimeChecks measures what every command pays on top of
// opening the store to know the store is what the ledger wrote: the
// stream's settings and state (one stream info, which opening asks for
// anyway) and the ledger's own records (the projections' checkpoint
// against the stream's last sequence), on the demo's store.
func BenchmarkOpenTimeChecks(b *testing.B) {
	c := &cli{dir: b.TempDir(), clock: testday.Clock(b)}
	if code, _, errs := c.run("demo"); code != 0 {
		b.Fatal(errs)
	}
	a := newApp(nil, nil)
	a.dataDir, a.stream, a.clock = c.dir, eventstore.DefaultStream, c.clock
	ctx := context.Background()
	s, err := a.open(ctx)
	require.NoError(b, err)
	defer s.close()
	b.Run("stream settings and state", func(b *testing.B) {
		for b.Loop() {
			if err := eventstore.CheckStream(ctx, s.store.JetStream(), eventstore.StreamSpec{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("own records", func(b *testing.B) {
		for b.Loop() {
			if err := a.checkOwnRecords(ctx, s); err != nil {
				b.Fatal(err)
			}
		}
	})
}

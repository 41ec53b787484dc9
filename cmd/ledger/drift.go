package main

import (
	"context"

	"github.com/keyprojects/ledger/projections"
)

// checkOwnRecords compares the stream with what the ledger itself recorded
// of it: projections that have applied more than the stream now holds mean
// events were lost since (the stream cut, re-created or restored from an
// older backup), and nothing is written or served then. Opening the store
// has already checked the stream's settings and state. A user whose rights
// do not cover the projections' buckets is not checked here; the runner of
// `ledger serve` checks the same before every catch-up.
func (a *app) checkOwnRecords(ctx context.Context, s *session) error {
	prefix := "KV_" + a.stream + "_PROJ_"
	for _, bucket := range []string{prefix + "META", prefix + "1"} {
		if !s.rights.CanReadStreamInfo(bucket) || !s.rights.CanLoadHistory(bucket) {
			return nil
		}
	}
	if !s.rights.CanReadStreamInfo(a.stream) {
		return nil
	}
	last, err := s.store.LastSequence(ctx)
	if err != nil {
		return err
	}
	return projections.NewStorage(s.store.JetStream(), a.stream).CheckNotAhead(ctx, last)
}

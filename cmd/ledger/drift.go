package main

import (
	"context"
	"errors"
	"time"

	"github.com/keyprojects/ledger/eventstore"
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
	return projections.NewStorage(s.store.JetStream(), a.stream).CheckNotAhead(ctx, s.store.LastSequence)
}

// guardInterval is how often a running service checks its store.
const guardInterval = 5 * time.Second

// guardStream checks the stream's settings, its state and the projections'
// checkpoint against it every guardInterval until ctx ends, and returns
// the first drift it finds, which stops the service: its deadline watcher
// then appends nothing to a store in drift. Other failures (a lost
// connection) are left to the runner and the watcher, which retry.
func (a *app) guardStream(ctx context.Context, store *eventstore.Store) error {
	spec := eventstore.StreamSpec{Name: a.stream, Replicas: a.replicas}
	tick := time.NewTicker(guardInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		err := eventstore.CheckStream(ctx, store.JetStream(), spec)
		if err == nil {
			err = projections.NewStorage(store.JetStream(), a.stream).CheckNotAhead(ctx, store.LastSequence)
		}
		if errors.Is(err, eventstore.ErrStreamSettings) || errors.Is(err, eventstore.ErrStreamDamaged) || errors.Is(err, projections.ErrAheadOfStream) {
			return err
		}
	}
}

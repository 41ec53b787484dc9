package eventstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/keyprojects/ledger/domain"
)

// Result is what Execute stored for a command.
type Result struct {
	Records []Record
	// AlreadyStored is true when the command had been stored before (a
	// retry, or the same command given twice) and nothing new was written.
	AlreadyStored bool
}

// maxConflictRetries bounds how often Execute re-decides a command that lost
// a race with another writer to the same project.
const maxConflictRetries = 16

// Execute decides cmd against its project's current history and appends the
// resulting events, all or none. It is idempotent: a command whose id is
// already in the project's history returns the stored events with
// AlreadyStored set. When another writer appends to the same project in
// between, Execute reloads and decides again, up to a bound; a refusal is
// returned as the domain's *domain.RuleError, decided on a history that
// ends where the stream's leader says the project's messages end.
//
// Project ids are compared without regard to case (identity.go): a
// registration whose id differs only in case from a registered project's
// is refused naming that project, and a refusal for an unregistered
// project names the registered id it matches that way ("did you mean
// P-7?"). Only those two cases read the registered ids; a command on a
// registered project does not.
func (s *Store) Execute(ctx context.Context, cmd domain.Command) (Result, error) {
	p := cmd.Target()
	if _, err := domain.ParseProjectID(string(p)); err != nil {
		return Result{}, err
	}
	unlock := s.cache.lock(p)
	defer unlock()
	var lastErr error
	// The history is read with direct gets alone, unless confirm: after a
	// conflict, or a refusal the stream's leader does not bear out, the
	// leader is asked for what a replica or mirror behind it missed
	// (leader.go).
	confirm, confirmed := false, false
	// A registration of a project with no history, and a refusal for want
	// of one, read the registered ids once (identity.go).
	var ids caseLookup
	for attempt := 0; attempt <= maxConflictRetries; attempt++ {
		now := s.clock.Now()
		entry := s.cache.get(p)
		fromCache := entry != nil
		var history []Record
		if entry == nil {
			h, asked, err := s.load(ctx, p, confirm)
			if err != nil {
				return Result{}, err
			}
			confirmed = asked
			history = h.Records
			entry = &cachedProject{state: domain.NewProject(p), version: h.Version, commands: make(map[string]struct{}, len(history))}
			for _, r := range history {
				domain.Evolve(&entry.state, r.Event)
				entry.commands[r.CommandID] = struct{}{}
			}
			s.cache.set(p, entry)
		}
		// The key is taken once the command's date is the project's today,
		// so a command given without a date is a new command each day.
		resolved := domain.ResolveDates(cmd, entry.state, now)
		key := domain.CommandKey(resolved)
		if _, seen := entry.commands[key]; seen {
			if fromCache {
				s.cache.drop(p) // read the stored events back
				continue
			}
			return Result{Records: commandRecords(history, key), AlreadyStored: true}, nil
		}
		events, err := domain.DecideKeyed(entry.state, resolved, key, now)
		if _, registers := resolved.(domain.RegisterProject); registers && err == nil {
			// Decided on a project with no registration: refused if
			// another id differs from this one only in case.
			refusal, lerr := ids.registration(ctx, s, resolved)
			if lerr != nil {
				return Result{}, lerr
			}
			err = refusal
		}
		if err != nil {
			if fromCache {
				// The cached state may be behind another writer's events:
				// a refusal only stands on the stored history.
				s.cache.drop(p)
				continue
			}
			// And on the whole of it, as the stream's leader has it.
			if !confirmed && s.askLeader {
				last, lerr := s.lastOnLeader(ctx, p)
				if lerr != nil {
					return Result{}, lerr
				}
				if last != entry.version.Sequence {
					s.cache.drop(p)
					confirm = true
					continue
				}
			}
			return Result{}, ids.explain(ctx, s, err)
		}
		recs, existed, err := s.append(ctx, entry.version, events)
		if err == nil {
			if existed {
				s.cache.drop(p)
			} else {
				for _, r := range recs {
					domain.Evolve(&entry.state, r.Event)
				}
				last := recs[len(recs)-1]
				entry.version = Version{Sequence: last.Sequence, Hash: last.Hash}
				entry.commands[key] = struct{}{}
			}
			return Result{Records: recs, AlreadyStored: existed}, nil
		}
		s.cache.drop(p)
		if !errors.Is(err, ErrConflict) {
			return Result{}, err
		}
		lastErr, confirm = err, true
		if err := backoff(ctx, attempt); err != nil {
			return Result{}, err
		}
	}
	return Result{}, fmt.Errorf("gave up after %d concurrent appends: %w", maxConflictRetries+1, lastErr)
}

func commandRecords(history []Record, key string) []Record {
	var out []Record
	for _, r := range history {
		if r.CommandID == key {
			out = append(out, r)
		}
	}
	return out
}

// backoff waits a short, random, growing time before a retry, so writers
// that collided on one project do not collide again in lockstep.
func backoff(ctx context.Context, attempt int) error {
	limit := time.Duration(1<<min(attempt, 6)) * time.Millisecond
	return sleep(ctx, rand.N(limit)+time.Millisecond)
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

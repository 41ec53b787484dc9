package eventstore

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go"

	"github.com/keyprojects/ledger/domain"
)

// maxBatchMessages is the server's limit on messages in one atomic batch.
const maxBatchMessages = 1000

// RegisterMany stores registrations of projects that have no events yet,
// many per atomic batch: each command's events are stored all or none, as
// with Execute, and each project's first event still carries the
// expected-sequence check ("no event yet"), so a project registered by
// someone else in between is not registered twice.
//
// Why: on a single-replica file stream the server stages every atomic
// batch in a file store of its own and syncs it, a few milliseconds per
// batch whatever its size; one batch per registration caps an import at a
// few hundred projects a second. Grouping spreads that cost.
//
// When a group is refused (a project exists after all, a command was
// already stored), RegisterMany falls back to Execute, one command at a
// time, which sorts out each case. It returns how many events it stored.
func (s *Store) RegisterMany(ctx context.Context, cmds []domain.RegisterProject) (int, error) {
	stored := 0
	for len(cmds) > 0 {
		var group []domain.RegisterProject
		var msgs []*nats.Msg
		for len(cmds) > 0 {
			now := s.clock.Now()
			c := domain.ResolveDates(cmds[0], domain.NewProject(cmds[0].Project), now).(domain.RegisterProject)
			events, err := domain.Decide(domain.NewProject(c.Project), c, now)
			if err != nil {
				return stored, err
			}
			if len(msgs)+len(events) > maxBatchMessages && len(group) > 0 {
				break
			}
			m, err := s.seal(Version{}, events)
			if err != nil {
				return stored, err
			}
			msgs, group, cmds = append(msgs, m...), append(group, c), cmds[1:]
		}
		if _, err := s.publish(ctx, msgs); err == nil {
			stored += len(msgs)
			continue
		} else if ctx.Err() != nil || (!isConflict(err) && !isDuplicate(err)) {
			return stored, fmt.Errorf("register %d projects: %w", len(group), err)
		}
		for _, c := range group {
			res, err := s.Execute(ctx, c)
			if err != nil {
				return stored, err
			}
			if !res.AlreadyStored {
				stored += len(res.Records)
			}
		}
	}
	return stored, nil
}

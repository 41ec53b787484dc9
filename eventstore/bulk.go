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
// time, which sorts out each case. It returns how many events it stored
// (RegisterEach says it per command).
func (s *Store) RegisterMany(ctx context.Context, cmds []domain.RegisterProject) (int, error) {
	each, err := s.RegisterEach(ctx, cmds)
	stored := 0
	for _, n := range each {
		stored += n
	}
	return stored, err
}

// RegisterEach is RegisterMany that says, command by command, how many
// events it stored: 0 for a command found already stored (by another
// import running at the same time, or an earlier run of this one). On an
// error, the commands after those it reports were not stored by it.
func (s *Store) RegisterEach(ctx context.Context, cmds []domain.RegisterProject) ([]int, error) {
	if err := s.refuseCaseTwins(ctx, cmds); err != nil {
		return nil, err
	}
	stored := make([]int, 0, len(cmds))
	for len(cmds) > 0 {
		var group []domain.RegisterProject
		var msgs []*nats.Msg
		var counts []int
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
			counts = append(counts, len(m))
		}
		if _, err := s.publish(ctx, msgs); err == nil {
			stored = append(stored, counts...)
			continue
		} else if ctx.Err() != nil || (!isConflict(err) && !isDuplicate(err)) {
			return stored, fmt.Errorf("register %d projects: %w", len(group), err)
		}
		for _, c := range group {
			res, err := s.Execute(ctx, c)
			if err != nil {
				return stored, err
			}
			n := 0
			if !res.AlreadyStored {
				n = len(res.Records)
			}
			stored = append(stored, n)
		}
	}
	return stored, nil
}

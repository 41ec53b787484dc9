package eventstore

import (
	"bytes"
	"crypto/sha256"
	"fmt"

	"github.com/keyprojects/ledger/domain"
)

// CheckLink returns nil when rec is the event that comes next on its
// project's chain after prev, the hash of the project's last event on the
// chain. A nil prev means rec must be the project's first event: linked to
// the project's genesis value, with a valid project id. Otherwise it
// returns an error matching ErrOffChain that names rec's stream sequence;
// also when rec has no hash of SHA-256's size, which the ledger always
// writes.
//
// It checks the link only, not that rec's hash is right over its content:
// that costs an encoding per event, and Verify does it.
func CheckLink(rec Record, prev []byte) error {
	if len(rec.Hash) != sha256.Size {
		return fmt.Errorf("stream sequence %d (%s): %w: its hash has %d bytes, not %d", rec.Sequence, rec.Subject, ErrOffChain, len(rec.Hash), sha256.Size)
	}
	if prev == nil {
		if err := CheckProject(rec); err != nil {
			return err
		}
		prev = Genesis(rec.Project)
		if !bytes.Equal(rec.PrevHash, prev) {
			return fmt.Errorf("stream sequence %d (%s): %w: the project's first event must link to its genesis value %s, this one links to %s",
				rec.Sequence, rec.Subject, ErrOffChain, short(prev), short(rec.PrevHash))
		}
		return nil
	}
	if !bytes.Equal(rec.PrevHash, prev) {
		return fmt.Errorf("stream sequence %d (%s): %w: it links to %s, but the project's last event is %s",
			rec.Sequence, rec.Subject, ErrOffChain, short(rec.PrevHash), short(prev))
	}
	return nil
}

// CheckProject returns nil when rec's project id is one the ledger
// accepts (domain.ParseProjectID), else an error matching ErrOffChain that
// names rec's stream sequence. A subject token needs only to be free of
// '.', '*' and '>', so the stream takes ids the ledger never writes; a
// reader that keys anything by project (a KV row, a history read) checks
// a project it has not met before with this.
func CheckProject(rec Record) error {
	if _, err := domain.ParseProjectID(string(rec.Project)); err != nil {
		return fmt.Errorf("stream sequence %d (%s): %w: %v", rec.Sequence, rec.Subject, ErrOffChain, err)
	}
	return nil
}

// chains follows every project's chain through a stream read in order,
// for a reader that does not keep rows of its own.
type chains struct {
	// fromStart: the read began at the stream's first message, so a
	// project not met yet has no events before: its first must link to its
	// genesis value. Otherwise the first event met of each project is
	// taken as it is, for lack of its predecessor.
	fromStart bool
	last      map[domain.ProjectID][]byte
}

func newChains(fromStart bool) *chains {
	return &chains{fromStart: fromStart, last: map[domain.ProjectID][]byte{}}
}

// next checks that rec continues its project's chain, and moves the chain
// on to rec if it does.
func (c *chains) next(rec Record) error {
	prev, met := c.last[rec.Project]
	if met || c.fromStart {
		if err := CheckLink(rec, prev); err != nil {
			return err
		}
	}
	c.last[rec.Project] = rec.Hash
	return nil
}

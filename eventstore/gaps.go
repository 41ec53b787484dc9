package eventstore

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/synadia-io/orbit.go/jetstreamext"

	"github.com/keyprojects/ledger/domain"
)

// ChainBreakError reports a project whose stored history does not link up:
// a message on its subjects reads as one of its events but does not link to
// the event before it, even when read again from the stream's leader. An
// event before it was lost or altered (a damaged store), or it was put
// there by something other than the ledger. Nothing is appended to such a
// project, and no history of it is shown as whole.
type ChainBreakError struct {
	Project domain.ProjectID
	// Sequence and Subject are the first message that does not link.
	Sequence uint64
	Subject  string
	// After is the stream sequence of the project's last event that links
	// (0: none does).
	After uint64
	// Missing lists the stream sequences between After and Sequence that
	// the stream no longer returns (a deny-delete stream has none), when
	// they could be looked for.
	Missing []uint64
	// Problem says how the link fails.
	Problem string
}

// Error implements error.
func (e *ChainBreakError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "project %s: its hash chain is broken at stream sequence %d (%s): %s", e.Project, e.Sequence, e.Subject, e.Problem)
	if len(e.Missing) > 0 {
		fmt.Fprintf(&b, "; stream %s missing or unreadable", sequencesText(e.Missing))
	} else if e.After > 0 {
		fmt.Fprintf(&b, "; its last event that links is at stream sequence %d", e.After)
	}
	b.WriteString("; the store was damaged, or written to by something other than the ledger, and nothing is recorded for this project until it is restored from a backup (docs/backup.md)")
	return b.String()
}

// Is makes errors.Is(err, ErrChainBroken) true.
func (e *ChainBreakError) Is(target error) bool { return target == ErrChainBroken }

// sequencesText names stream sequences: "sequence 315", "sequences 315,
// 316 and 320", or the first and last of many.
func sequencesText(seqs []uint64) string {
	switch n := len(seqs); {
	case n == 1:
		return fmt.Sprintf("sequence %d is", seqs[0])
	case n <= 5:
		parts := make([]string, n)
		for i, s := range seqs {
			parts[i] = fmt.Sprint(s)
		}
		return "sequences " + strings.Join(parts[:n-1], ", ") + " and " + parts[n-1] + " are"
	default:
		return fmt.Sprintf("%d sequences from %d to %d are", n, seqs[0], seqs[n-1])
	}
}

// GapError reports stream sequences a read of the whole stream did not
// receive although the stream says it holds them: the ledger's stream
// never deletes, so each one is an event lost to damage.
type GapError struct {
	Stream   string
	From, To uint64 // the missing sequences, inclusive
}

// Error implements error.
func (e *GapError) Error() string {
	if e.From == e.To {
		return fmt.Sprintf("stream %s: sequence %d is missing or unreadable, though the stream says it holds it (the store was damaged)", e.Stream, e.From)
	}
	return fmt.Sprintf("stream %s: sequences %d to %d are missing or unreadable, though the stream says it holds them (the store was damaged)", e.Stream, e.From, e.To)
}

// Is makes errors.Is(err, ErrGap) true.
func (e *GapError) Is(target error) bool { return target == ErrGap }

// UndeliveredError reports a read the server answered with fewer messages
// than it counts: after stream sequence After, it said Count more match,
// then that none could be read. The ledger's stream never deletes, so
// they are messages lost to a damaged store. It matches ErrGap.
type UndeliveredError struct {
	After uint64
	Count string // as the server counted them
}

// Error implements error.
func (e *UndeliveredError) Error() string {
	return fmt.Sprintf("the server counts %s more messages after stream sequence %d but cannot deliver them (the store was damaged)", e.Count, e.After)
}

// Is makes errors.Is(err, ErrGap) true.
func (e *UndeliveredError) Is(target error) bool { return target == ErrGap }

// maxGapScan bounds how many stream sequences missingBetween looks at.
const maxGapScan = 100_000

// missingBetween returns the stream sequences after a and before b that the
// stream does not return, looking at up to maxGapScan of them; nil when
// there is nothing between or too much to look at.
func (s *Store) missingBetween(ctx context.Context, a, b uint64) ([]uint64, error) {
	if b <= a+1 || b-a-1 > maxGapScan {
		return nil, nil
	}
	var missing []uint64
	next := a + 1
	for next < b {
		batch, err := s.directGet(ctx, func(ctx context.Context) (iter.Seq2[*jetstream.RawStreamMsg, error], error) {
			return jetstreamext.GetBatch(ctx, s.js, s.spec.Name, int(min(b-next, historyBatch)), jetstreamext.GetBatchSeq(next))
		})
		if err != nil {
			return nil, err
		}
		if len(batch) == 0 {
			for ; next < b; next++ {
				missing = append(missing, next)
			}
			break
		}
		for _, m := range batch {
			for ; next < m.Sequence && next < b; next++ {
				missing = append(missing, next)
			}
			next = m.Sequence + 1
		}
	}
	return missing, nil
}

package eventstore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/keyprojects/ledger/domain"
)

// The sentinel errors of the package, matched with errors.Is. Most come
// wrapped in a typed error below, or in an error naming the stream
// sequence, project or file concerned.

// ErrBundle is matched (errors.Is) by every failed bundle check.
var ErrBundle = errors.New("audit bundle does not verify")

// ErrUndecodable marks a message that is not a ledger event this version can
// read: wrong encoding, unknown type, unknown fields, newer schema.
var ErrUndecodable = errors.New("not a readable ledger event")

// ErrOffChain marks a message that reads as an event but is not on its
// project's hash chain: it does not link to the project's previous event
// (or, as the project's first, to the project's genesis value), or its
// project id is not one the ledger accepts. The ledger's appends always
// link, under the project's concurrency check, so such a message was put
// there by something else: a replayed copy, a forgery, a fork. It matches
// ErrUndecodable too, so every reader that skips unreadable messages
// skips it.
var ErrOffChain = fmt.Errorf("%w: not on its project's hash chain", ErrUndecodable)

// ErrReadCutShort marks a batched read that did not get its whole answer in
// time: the server was too slow or unreachable. Nothing read is used; the
// caller may try again.
var ErrReadCutShort = errors.New("read cut short: the server did not answer in time")

// ErrChainBroken is matched (errors.Is) by a *ChainBreakError.
var ErrChainBroken = errors.New("hash chain broken")

// ErrGap is matched (errors.Is) by a *GapError.
var ErrGap = errors.New("stream messages missing")

// ErrUnavailable is matched (errors.Is) by an *UnavailableError.
var ErrUnavailable = errors.New("stream unavailable")

// ErrNoDelivery is returned by Next when nothing arrived within its wait.
var ErrNoDelivery = errors.New("no event within the wait")

// ErrConflict is matched (errors.Is) by a *ConflictError.
var ErrConflict = errors.New("concurrent append")

// ConflictError reports that another writer appended to the project after
// its history was read (JetStream error 10071). It is retryable: reload the
// project, decide again, append again. Execute does so itself.
type ConflictError struct {
	Project  domain.ProjectID
	Expected uint64 // the last project sequence the writer had seen
}

// Error implements error.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("project %s changed while this command was being decided (expected its last event at stream sequence %d); retry the command", e.Project, e.Expected)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Retryable reports true: a conflict goes away when the command is decided
// again on fresh state.
func (e *ConflictError) Retryable() bool { return true }

// ErrStreamSettings is matched (errors.Is) by a *StreamSettingsError.
var ErrStreamSettings = errors.New("stream settings weaker than the ledger needs")

// StreamSettingsError reports an existing stream whose configuration would
// let the ledger lose, alter or drop events. The ledger refuses to use it.
type StreamSettingsError struct {
	Stream   string
	Problems []string
}

// Error implements error.
func (e *StreamSettingsError) Error() string {
	return fmt.Sprintf("stream %s exists with settings the ledger did not give it: %s; nothing is written or served until they are put back: run `ledger repair stream-config` (as the server's admin on a shared server), then check what was lost with `ledger verify --all`",
		e.Stream, strings.Join(e.Problems, "; "))
}

// Is makes errors.Is(err, ErrStreamSettings) true.
func (e *StreamSettingsError) Is(target error) bool { return target == ErrStreamSettings }

// ErrStreamDamaged is matched (errors.Is) by a *StreamDamagedError.
var ErrStreamDamaged = errors.New("stream lost events")

// StreamDamagedError reports a ledger stream whose state shows that events
// left it: the ledger never deletes, so it refuses to write on it or serve
// anything from it. Putting a changed configuration back does not silence
// it; only restoring the stream from a backup does.
type StreamDamagedError struct {
	Stream   string
	Problems []string
}

// Error implements error.
func (e *StreamDamagedError) Error() string {
	return fmt.Sprintf("stream %s has lost events: %s; nothing is written or served from it: restore it from a backup (ledger restore, docs/backup.md)",
		e.Stream, strings.Join(e.Problems, "; "))
}

// Is makes errors.Is(err, ErrStreamDamaged) true.
func (e *StreamDamagedError) Is(target error) bool { return target == ErrStreamDamaged }

// ErrPortInUse is returned by StartEmbedded when its listen address is
// taken by another process.
var ErrPortInUse = errors.New("the address to listen on is in use")

// ErrDataDirLocked is returned when another process holds the data folder.
var ErrDataDirLocked = errors.New("data folder in use by another process")

package eventstore

import (
	"time"

	"github.com/keyprojects/ledger/domain"
)

// The options of Open, applied in order.

// Option configures a Store.
type Option func(*Store)

// WithStream names the stream and subject prefix, and sets replicas and the
// duplicate window, instead of the defaults.
func WithStream(spec StreamSpec) Option { return func(s *Store) { s.spec = spec.withDefaults() } }

// WithClock sets the clock commands are decided by (default: the system
// clock).
func WithClock(c domain.Clock) Option { return func(s *Store) { s.clock = c } }

// WithPublishTimeout sets how long one try of an append waits for the
// server's acknowledgement, and one request of a history read for its
// answer (default DefaultPublishTimeout). A try that times out may or may
// not have been stored; the append sends it again within its retry budget
// (WithRetryBudget), which is safe, as its message ids make the server
// drop a second copy.
func WithPublishTimeout(d time.Duration) Option { return func(s *Store) { s.publishTimeout = d } }

// WithoutStreamCheck opens the store without asking the server anything:
// the stream is neither looked at nor created. It is for a user whose
// rights do not include the stream's info (on a shared server, the
// inspection office consuming only deadline_missed, or the reporting job
// reading only the projections); whatever such a user does next fails
// clearly if the stream does not exist.
func WithoutStreamCheck() Option { return func(s *Store) { s.checkStream = false } }

// WithoutLeaderChecks makes Load and Execute trust histories read with
// direct gets, without asking the stream's leader for what a replica or
// mirror behind it, or holding part of it, missed (leader.go). It is for a
// user whose rights do not include the leader's message get (a
// configuration written by an earlier ledger auth init); a mirror or a
// replica catching up can then make a history look short and a command be
// refused wrongly.
func WithoutLeaderChecks() Option { return func(s *Store) { s.askLeader = false } }

// WithCacheSize sets how many project states the store keeps in memory
// (default DefaultCacheSize; 0 turns the cache off). A cached state is only
// a shortcut: every append still carries the expected last sequence, so a
// state made stale by another writer shows up as a conflict, and the
// project is read again.
func WithCacheSize(n int) Option { return func(s *Store) { s.cache = newProjectCache(n) } }

// WithRetryBudget sets how long an append keeps sending again a publish
// that got no answer from the stream (default DefaultRetryBudget; 0 sends
// each publish once). No new try starts once the budget is spent; the
// last one still waits its publish timeout, so an append gives up at the
// latest after the budget plus the publish timeout.
//
// Sending again is safe: the messages carry the same Nats-Msg-Id and the
// same expected last sequence, so a try whose predecessor was stored after
// all is answered as a duplicate or a conflict, and the append then finds
// the command stored and returns it.
func WithRetryBudget(d time.Duration) Option { return func(s *Store) { s.retryBudget = max(d, 0) } }

// WithRetryReport sets a function called before each resend of a publish
// or a history read (default: none), for logs and measurements. It is
// called from the goroutine that appends or reads, which it holds up.
func WithRetryReport(f func(Retry)) Option { return func(s *Store) { s.retryReport = f } }

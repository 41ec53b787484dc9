package board

import (
	"io"
	"log/slog"
	"time"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// Option configures a Server.
type Option func(*Server)

// WithLogger sets where the board logs requests it could not answer
// (default: nowhere).
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

// WithStore gives the board the store, so its audit page can verify the
// hash chain (default: no verification).
func WithStore(st *eventstore.Store) Option { return func(s *Server) { s.store = st } }

// WithUsers has readers sign in as the people users holds, once anybody
// is registered; the board's writes then record who made them (default:
// nobody signs in, and the board writes nothing).
func WithUsers(u Users) Option { return func(s *Server) { s.users = u } }

// WithClock sets the clock sessions and sign-in limits run on (default:
// the system's).
func WithClock(c domain.Clock) Option { return func(s *Server) { s.clock = c } }

// WithSecureCookies marks the board's cookies Secure and names them with
// the __Host- prefix: for a board served over HTTPS, directly or behind a
// proxy (default: set when the board itself serves TLS).
func WithSecureCookies(on bool) Option { return func(s *Server) { s.secure = on } }

// WithStaleFor lets pages that read every project's row (the overview,
// the filters' choices) show what they computed up to d ago while they
// compute again in the background, once the ledger has moved on (default:
// 0, always current). At 100,000 projects a computation takes seconds.
func WithStaleFor(d time.Duration) Option { return func(s *Server) { s.memo.stale = d } }

// WithEvidence keeps the files of evidence a step is reported with in ev
// (evidence.Store, the <stream>_EVIDENCE object store) and shows those
// attached to a project on its card (default: no uploads, no files shown).
func WithEvidence(ev Evidence) Option { return func(s *Server) { s.evidence = ev } }

// WithMetrics adds the lines write writes, in the Prometheus text format,
// to every /metrics answer: the process's metrics beside the board's own
// (serve's notifier).
func WithMetrics(write func(io.Writer)) Option {
	return func(s *Server) { s.moreMetrics = append(s.moreMetrics, write) }
}

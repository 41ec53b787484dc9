package query

import (
	"time"

	"github.com/keyprojects/ledger/domain"
)

// The options of New, applied in order.

// Option configures a Service.
type Option func(*Service)

// DefaultWait is how long a Service waits for another process's runner to
// bring the projections up to the stream's end before it reads them.
const DefaultWait = 2 * time.Second

// WithClock sets the clock "today" is read from (default: the store's
// clock).
func WithClock(c domain.Clock) Option { return func(s *Service) { s.clock = c } }

// WithZone sets the zone business dates are read in: today, and the day of
// a recorded time (default: domain.LoadZone(""), Asia/Shanghai).
func WithZone(loc *time.Location) Option { return func(s *Service) { s.zone = loc } }

// WithCatchUp makes the Service bring the projections up to date itself
// before it reads them. It is for a process that owns the data folder:
// nothing else can be writing them.
func WithCatchUp() Option { return func(s *Service) { s.catchUp = true } }

// WithWait sets how long the Service waits for another process's runner
// (default DefaultWait); zero reads the projections as they are.
func WithWait(d time.Duration) Option { return func(s *Service) { s.wait = max(d, 0) } }

// WithoutStream is for a reader who may read the projections and not the
// event stream (the reporting job): the projections are read as the
// server's runner last wrote them, without asking how far behind they are,
// and a query that would read the stream is refused with a
// *StreamUnreadableError naming reader (e.g. "user reporter").
func WithoutStream(reader string) Option {
	return func(s *Service) { s.noStream, s.reader = true, reader }
}

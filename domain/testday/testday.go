// Package testday tells tests which calendar day they run on, so that every
// test that needs "today" can be run as if on another day.
//
// By default it is the real day in Asia/Shanghai. With the environment
// variable LEDGER_TEST_TODAY=YYYY-MM-DD the tests run as if on that day:
//
//	LEDGER_TEST_TODAY=2028-02-29 go test ./...
//
// Only tests read the variable; the ledger binary never does.
package testday

import (
	"os"
	"testing"
	"time"

	"github.com/keyprojects/ledger/domain"
)

// Env is the environment variable that sets the day the tests run as.
const Env = "LEDGER_TEST_TODAY"

// Zone returns the default project time zone, the zone "today" is read in.
func Zone(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := domain.LoadZone(domain.DefaultTimeZone)
	if err != nil {
		tb.Fatalf("testday: %v", err)
	}
	return loc
}

// Today returns the day the tests run as: LEDGER_TEST_TODAY if set, else
// the real date in Asia/Shanghai. A malformed LEDGER_TEST_TODAY fails the
// test rather than being ignored.
func Today(tb testing.TB) domain.Date {
	tb.Helper()
	if s := os.Getenv(Env); s != "" {
		d, err := domain.ParseDate(s)
		if err != nil {
			tb.Fatalf("testday: %s: %v", Env, err)
		}
		return d
	}
	return domain.DateOf(time.Now(), Zone(tb))
}

// Clock returns a clock standing still at 10:00 of Today in Asia/Shanghai.
func Clock(tb testing.TB) *domain.ManualClock {
	tb.Helper()
	return domain.NewManualClock(Today(tb).Time(Zone(tb)).Add(10 * time.Hour))
}

// Flowing returns a clock that runs with real time but stands on Today: the
// real time of day, moved by whole days. For tests that must wait for real
// time to pass (a watcher's timer), on the day of the run.
func Flowing(tb testing.TB) domain.Clock {
	tb.Helper()
	loc := Zone(tb)
	days := Today(tb).DaysSince(domain.DateOf(time.Now(), loc))
	return shifted{offset: time.Duration(days) * 24 * time.Hour}
}

type shifted struct{ offset time.Duration }

func (s shifted) Now() time.Time { return time.Now().Add(s.offset) }

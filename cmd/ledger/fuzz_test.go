package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keyprojects/ledger/domain"
)

// requireOneLine fails the test unless err is an error the CLI can print as its
// one line: not empty, no line break.
func requireOneLine(t *testing.T, in string, err error) {
	t.Helper()
	if msg := err.Error(); msg == "" || strings.ContainsAny(msg, "\r\n") {
		t.Fatalf("%q refused with %q; expected one line", in, msg)
	}
}

// FuzzParseInstant reads arbitrary text as --as-of-recorded. Accepted text
// is an instant that prints (RFC 3339) and reads back as the same instant;
// a bare date is the last instant of that day in Shanghai.
func FuzzParseInstant(f *testing.F) {
	for _, s := range []string{
		"2026-10-31", "2026-10-31 18:00", "2026-10-31T18:00:00+08:00", "2026-10-31T10:00:00Z",
		"2026-10-31T10:00:00.123456789Z", "2026-10-31T10:00:00-23:59", "2026-10-31 24:00", "2026-10-31 18:00:00",
		"2026-02-30", "1988-04-17 02:30", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-10-31T18:00:00",
		"2026-10-31 18:00 ", "yesterday", "", "2026-10-31\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		at, err := parseInstant(s)
		if err != nil {
			requireOneLine(t, s, err)
			if !strings.HasPrefix(err.Error(), "--as-of-recorded: ") {
				t.Fatalf("%q refused with %q; expected the flag named first", s, err)
			}
			return
		}
		if at.IsZero() {
			t.Fatalf("%q accepted as the zero time", s)
		}
		text := at.Format(time.RFC3339Nano)
		back, err := parseInstant(text)
		if err != nil || !back.Equal(at) {
			t.Fatalf("%q read as %s, printed as %q, read back as %s (%v)", s, at, text, back, err)
		}
		if d, err := domain.ParseDate(s); err == nil {
			if got := domain.DateOf(at, shanghai()); got != d || !at.Add(time.Nanosecond).Equal(d.End(shanghai())) {
				t.Fatalf("the date %q read as %s; expected the last instant of that day in Shanghai", s, at)
			}
		}
	})
}

// FuzzParsePlan reads arbitrary --plan values (one per line of the input).
// Accepted values are known milestones (by code, in any case, or by their
// Chinese name) with dates the ledger accepts and that print back as
// given; refused ones get one line naming the value.
func FuzzParsePlan(f *testing.F) {
	for _, s := range []string{
		"started=2027-03-31", "signed=2026-12-15\nstarted=2027-03-31", "eia=2026-06-30", "started=2027-02-30",
		"started", "=2027-03-31", "started=", "unknown=2027-03-31", "started=2027-03-31=x", "started = 2027-03-31",
		"Started=2027-03-31", "开工=2027-03-31", "started=2027-3-31", "construction_permit=2026-09-30\nfull_capacity=2100-12-31", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		items := strings.Split(s, "\n")
		plan, err := parsePlan(items)
		if err != nil {
			requireOneLine(t, s, err)
			if !strings.HasPrefix(err.Error(), "--plan ") {
				t.Fatalf("%q refused with %q; expected the flag named first", s, err)
			}
			return
		}
		if len(plan) != len(items) {
			t.Fatalf("%d values read as %d deadlines", len(items), len(plan))
		}
		for i, d := range plan {
			if !slices.Contains(domain.Milestones, d.Milestone) {
				t.Fatalf("%q read as the unknown milestone %q", items[i], d.Milestone)
			}
			if back, err := domain.ParseDate(d.Due.String()); err != nil || back != d.Due {
				t.Fatalf("%q read as the date %d, which is not one the ledger accepts (%v)", items[i], d.Due, err)
			}
			name, due, _ := strings.Cut(items[i], "=")
			if m, err := domain.ParseMilestone(name); err != nil || m != d.Milestone || due != d.Due.String() {
				t.Fatalf("%q read as %s=%s", items[i], d.Milestone, d.Due)
			}
		}
	})
}

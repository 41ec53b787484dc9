package domain_test

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/keyprojects/ledger/domain"
)

// refusedClearly fails the test unless err is the one-line input error the
// CLI prints as it is: it matches domain.ErrInvalid and has no line break
// (the input is quoted, so a newline typed in it cannot split the line).
func refusedClearly(t *testing.T, what, in string, err error) {
	t.Helper()
	if !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("%s %q refused with %v; expected an error matching domain.ErrInvalid", what, in, err)
	}
	if msg := err.Error(); msg == "" || strings.ContainsAny(msg, "\r\n") {
		t.Fatalf("%s %q refused with %q; expected one line", what, in, msg)
	}
}

// FuzzParseDate: a date the parser accepts is a real calendar date in the
// years a project may have, written exactly as the ledger prints it, so it
// prints back to the same text and parses to the same date.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2026-11-27", "2024-02-29", "2000-02-29", "1990-01-01", "2100-12-31",
		"2026-02-29", "1900-02-29", "2010-4-31", "2010-04-31", "2026-13-01", "2026-00-10",
		"1989-12-31", "2101-01-01", "0026-01-01", "20261127", "2026/11/27", "27.11.2026",
		" 2026-11-27", "2026-11-27\n", "2026-11-27T00:00:00Z", "+2026-11-27", "2026-1-1",
		"２０２６-１１-２７", "", "-", "9999-99-99",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := domain.ParseDate(s)
		if err != nil {
			refusedClearly(t, "date", s, err)
			return
		}
		if d.Year() < domain.MinYear || d.Year() > domain.MaxYear || d.Month() < 1 || d.Month() > 12 || d.Day() < 1 {
			t.Fatalf("%q parsed to %d, outside the calendar or the years %d to %d", s, d, domain.MinYear, domain.MaxYear)
		}
		if next := d.AddDays(1); next <= d || (next.Month() == d.Month() && next.Day() != d.Day()+1) {
			t.Fatalf("%q parsed to %d, which is not a day of its month (the next day is %d)", s, d, next)
		}
		text := d.String()
		if text != s {
			t.Fatalf("%q parsed to %d, which prints as %q: the accepted text is not the ledger's form", s, d, text)
		}
		back, err := domain.ParseDate(text)
		if err != nil || back != d {
			t.Fatalf("%q parsed to %d, printed as %q, parsed back to %d (%v)", s, d, text, back, err)
		}
	})
}

// FuzzParseYuan: an amount the parser accepts is a non-negative whole
// number of yuan, exactly the decimal written times its unit (checked on
// the digits, with no float anywhere), and it survives the ledger's own
// printing (FormatYuan, with thousands commas) and parsing again.
func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{
		"350000000", "350,000,000", "35000万", "3.5亿", "3.5亿元", "1200万元", "0.0001万", "0.00000001亿",
		"1,234.5万", " 42 ", "42元", "0", "-0", "007", "9223372036854775807", "9223372036854775808",
		"922337203685.4775807万", "-5", "1.5", "1e6", "0x10", "1_000", "3/4", "1,00", "12,345,67", "1,,000",
		"1.2.3", ".5万", "5.万", "万", "亿元", "", ",", "3.5 亿", "3.5万万", "５万", "1,000万元",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := domain.ParseYuan(s)
		if err != nil {
			refusedClearly(t, "amount", s, err)
			return
		}
		if v < 0 {
			t.Fatalf("%q parsed to %d, a negative amount", s, v)
		}
		if want, ok := exactYuan(s); !ok || want.Cmp(big.NewInt(v)) != 0 {
			t.Fatalf("%q parsed to %d; on its digits it is %v (readable: %v)", s, v, want, ok)
		}
		text := domain.FormatYuan(v)
		back, err := domain.ParseYuan(text)
		if err != nil || back != v {
			t.Fatalf("%q parsed to %d, printed as %q, parsed back to %d (%v)", s, v, text, back, err)
		}
	})
}

// exactYuan is the test's own reading of an accepted amount: drop commas
// and the unit, then move the decimal point by the unit's power of ten on
// the digit string. ok is false when the text has no such reading.
func exactYuan(s string) (*big.Int, bool) {
	text := strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	zeros := 0
	for _, u := range []struct {
		suffix string
		zeros  int
	}{{"亿元", 8}, {"亿", 8}, {"万元", 4}, {"万", 4}, {"元", 0}} {
		if strings.HasSuffix(text, u.suffix) {
			text, zeros = strings.TrimSpace(strings.TrimSuffix(text, u.suffix)), u.zeros
			break
		}
	}
	neg := strings.HasPrefix(text, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(text, "-"), ".")
	frac = strings.TrimRight(frac, "0")
	if len(frac) > zeros {
		return nil, false
	}
	digits := "0" + whole + frac + strings.Repeat("0", zeros-len(frac)) // "0": ".00" is zero too
	n, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return nil, false
	}
	if neg {
		n.Neg(n)
	}
	return n, true
}

// FuzzParseProjectID: an id the parser accepts is the text as given and a
// safe NATS subject token: not empty, no '.', '*', '>', no white space or
// control character, nothing outside ASCII letters, digits, '-' and '_'
// (so no ':' either, which splits a Nats-Msg-Id), and short.
func FuzzParseProjectID(f *testing.F) {
	for _, s := range []string{
		"P-7", "DEMO-1", "2010-220621-47-01-000034", "2010-220621-47-01-00003X", "a", "A_b-9",
		"", "7-P", "-P", "_P", "P.7", "P*", "P>", "P 7", "P\t7", "P\n", "P\x00", "P:7", "项目1", "Ｐ-7",
		"ledger.P-7.signed", "P-7.>", "2010-220621-47-01-0000345", "2010-220621-47-01-000034\n",
		strings.Repeat("P", 64), strings.Repeat("P", 65),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := domain.ParseProjectID(s)
		if err != nil {
			refusedClearly(t, "project id", s, err)
			return
		}
		if string(id) != s {
			t.Fatalf("%q accepted as %q", s, id)
		}
		if id == "" || len(id) > 64 {
			t.Fatalf("%q accepted: %d bytes, expected 1 to 64", s, len(id))
		}
		for _, c := range []byte(id) {
			ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
			if !ok {
				t.Fatalf("%q accepted with the byte %q, which is not safe in a subject token", s, c)
			}
		}
		// The two forms are disjoint: a national code starts with a
		// digit, a local id with a letter.
		if national := id[0] >= '0' && id[0] <= '9'; id.IsNationalCode() != national || (national && len(id) != 24) {
			t.Fatalf("%q: IsNationalCode says %v", s, id.IsNationalCode())
		}
	})
}

// FuzzParseMonth: a month the parser accepts is YYYY-MM of a real month in
// the years a project may have: its first day is a date the ledger accepts,
// and prints back to the same month.
func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{
		"2026-10", "2026-01", "2026-12", "1990-01", "2100-12", "2026-13", "2026-00", "2026-1", "2026-010",
		"0026-10", "2206-10", "1989-12", "2101-01", "202610", "2026/10", " 2026-10", "2026-10\n", "", "-",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := domain.ParseMonth(s)
		if err != nil {
			refusedClearly(t, "month", s, err)
			return
		}
		first := m.FirstDay()
		if first.IsZero() || first.Day() != 1 {
			t.Fatalf("%q accepted, but its first day is %d", s, first)
		}
		back, err := domain.ParseDate(first.String())
		if err != nil || back != first {
			t.Fatalf("%q accepted, but its first day %q is not a date the ledger accepts: %v", s, first, err)
		}
		if string(m) != s || first.String()[:7] != s {
			t.Fatalf("%q accepted as %q, first day %s", s, m, first)
		}
	})
}

package domain_test

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

func TestParseProjectID(t *testing.T) {
	cases := []struct {
		name     string
		in       string
		ok       bool
		national bool
	}{
		{"national code", "2010-220621-47-01-000034", true, true},
		{"national code with letters in the tail", "2026-330102-44-01-A1b2C3", true, true},
		{"local id", "P-7", true, false},
		{"single letter", "p", true, false},
		{"letters digits dash underscore", "Wind_farm-2026", true, false},
		{"64 characters", "P" + strings.Repeat("x", 63), true, false},

		{"empty", "", false, false},
		{"space", " ", false, false},
		{"inner space", "P 7", false, false},
		{"trailing space", "P-7 ", false, false},
		{"leading space", " P-7", false, false},
		{"tab", "P\t7", false, false},
		{"newline", "P-7\n", false, false},
		{"dot", "P.7", false, false},
		{"subject with dot", "P-7.started", false, false},
		{"star", "P-*", false, false},
		{"bare star", "*", false, false},
		{"greater than", "P->", false, false},
		{"bare greater than", ">", false, false},
		{"slash", "P/7", false, false},
		{"colon", "P:7", false, false},
		{"dollar", "$P7", false, false},
		{"starts with a digit", "7-P", false, false},
		{"starts with a dash", "-P7", false, false},
		{"starts with an underscore", "_P7", false, false},
		{"65 characters", "P" + strings.Repeat("x", 64), false, false},
		{"non-ASCII", "项目7", false, false},
		{"national code with a dot", "2010.220621-47-01-000034", false, false},
		{"national code with a space", "2010-220621-47-01-00003 ", false, false},
		{"national code too short", "2010-220621-47-01-00003", false, false},
		{"national code too long", "2010-220621-47-01-0000345", false, false},
		{"national region too short", "2010-22062-47-01-000034", false, false},
		{"national code with star", "2010-220621-47-01-00003*", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, err := domain.ParseProjectID(tc.in)
			if !tc.ok {
				require.ErrorIs(t, err, domain.ErrInvalid)
				assert.Empty(t, id)
				assert.Contains(t, err.Error(), "e.g. 2010-220621-47-01-000034")
				assert.Contains(t, err.Error(), "e.g. P-7")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, domain.ProjectID(tc.in), id)
			assert.Equal(t, tc.in, id.String())
			assert.Equal(t, tc.national, id.IsNationalCode())
			// Every valid id is a single safe NATS subject token.
			assert.NotContainsf(t, tc.in, ".", "no token separator")
			assert.False(t, strings.ContainsAny(tc.in, "*> \t\r\n"), "no wildcard or whitespace")
		})
	}
}

// The shapes of an id are matched by hand; these are the regular
// expressions they must agree with, on edge cases and on many strings made
// of the characters that matter.
var (
	nationalCodeRE = regexp.MustCompile(`^[0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9A-Za-z]{6}$`)
	localIDRE      = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)
	serialIDRE     = regexp.MustCompile(`^[1-9][0-9]{3,19}$`)
)

func checkIDShapes(t *testing.T, s string) {
	t.Helper()
	want := nationalCodeRE.MatchString(s) || localIDRE.MatchString(s) || serialIDRE.MatchString(s)
	_, err := domain.ParseProjectID(s)
	require.Equal(t, want, err == nil, "%q", s)
	require.Equal(t, nationalCodeRE.MatchString(s), domain.ProjectID(s).IsNationalCode(), "%q", s)
}

func TestProjectIDShapesAgreeWithTheirExpressions(t *testing.T) {
	for _, s := range []string{
		"", "P", "p-7", "P_7", "7", "0123", "1234", "123", "12345678901234567890", "123456789012345678901",
		"2010-220621-47-01-000034", "2010-220621-47-01-00003a", "2010-220621-47-01-00003", "2010-220621-47-01-0000345",
		"2010-220621-47-01-00003-", "201a-220621-47-01-000034", "2010_220621-47-01-000034", "2010-220621-47-01-00003.",
		"A" + strings.Repeat("b", 63), "A" + strings.Repeat("b", 64), "-P", "_P", "P.7", "P 7", "项目", "P\n",
	} {
		checkIDShapes(t, s)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	const alphabet = "0123456789-_aZ. 项"
	valid := []string{"2010-220621-47-01-000034", "2010-220621-47-01-00003A", "20263609", "P-7_x"}
	for range 20_000 {
		var b []byte
		if rng.IntN(2) == 0 {
			// A valid id with one character changed.
			b = []byte(valid[rng.IntN(len(valid))])
			b[rng.IntN(len(b))] = alphabet[rng.IntN(len(alphabet))]
		} else {
			for range rng.IntN(30) {
				b = append(b, alphabet[rng.IntN(len(alphabet))])
			}
		}
		checkIDShapes(t, string(b))
	}
}

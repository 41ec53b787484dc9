package domain_test

import (
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

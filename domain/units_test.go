package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"县工信局 (county industry bureau)": "县工信局",
		"县工信局（County Industry Bureau）":  "县工信局",
		"  县发改局  ":                      "县发改局",
		"县发改局（一科）":                      "县发改局(一科)",
		"Energy  Bureau":                "energy bureau",
	} {
		assert.Equal(t, want, domain.NormalizeName(in), in)
	}
}

func TestDecideUnitRegister(t *testing.T) {
	l := newLedger(t, domain.UnitRegisterID)
	l.must(now, domain.RegisterUnit{Meta: meta, Name: "县发展和改革局", Aliases: []string{"县发改局", "县发改局", "县发展和改革局"}})
	l.must(now, domain.RegisterUnit{Meta: meta, Name: "城关镇", Kind: domain.NameTownship})
	l.must(now, domain.AddUnitAlias{Meta: meta, Name: "县发改局", Alias: "县发改委"})
	u := l.p.Units
	require.NotNil(t, u)
	assert.Equal(t, []string{"县发改委", "县发改局"}, u.Aliases("县发展和改革局"), "duplicates and the name itself are not aliases")

	for _, tc := range []struct {
		kind, name, want, err string
	}{
		{domain.NameUnit, "县发改局", "县发展和改革局", ""},
		{domain.NameUnit, "县发改委 (DRC)", "县发展和改革局", ""},
		{domain.NameUnit, "县发展改革局", "", `unit "县发展改革局" is not in the unit register; closest: 县发展和改革局`},
		{domain.NameUnit, "城关镇", "", "closest: 县发展和改革局"}, // a township is not a unit
		{domain.NameTownship, "城关镇", "城关镇", ""},
		{domain.NameUnit, "", "", ""},
	} {
		got, err := u.Resolve(tc.kind, tc.name)
		if tc.err != "" {
			require.Error(t, err, tc.name)
			assert.Contains(t, err.Error(), tc.err)
			continue
		}
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, got)
	}

	_, err := l.decide(now, domain.RegisterUnit{Meta: meta, Name: "县发改局"})
	requireRefused(t, err, domain.ErrAlreadyExists, domain.RegisterUnit{Meta: meta, Name: "县发改局"}, "")
	_, err = l.decide(now, domain.AddUnitAlias{Meta: meta, Name: "县财政局", Alias: "财政局"})
	requireRefused(t, err, domain.ErrNotPlanned, domain.AddUnitAlias{Meta: meta, Name: "县财政局", Alias: "财政局"}, "")

	// While the register holds no townships, a township is free text.
	empty := domain.UnitsOf(nil)
	got, err := empty.Resolve(domain.NameTownship, "东山乡")
	require.NoError(t, err)
	assert.Equal(t, "东山乡", got)

	// A project cannot be registered under the register's id.
	reg := register()
	reg.Project = "Unit-Register"
	_, err = domain.Decide(domain.NewProject(reg.Project), reg, now)
	assert.ErrorIs(t, err, domain.ErrInvalid)
}

func TestEditDistanceCountsCharactersNotBytes(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"县工信", "县工信局", 1},
		{"县工信", "县商务局", 3},
		{"kitten", "sitting", 3},
		{"李明", "", 2},
		{"unti", "unit", 2},
	} {
		assert.Equal(t, tc.want, domain.EditDistance(tc.a, tc.b), "%q %q", tc.a, tc.b)
		assert.Equal(t, tc.want, domain.EditDistance(tc.b, tc.a), "%q %q", tc.b, tc.a)
	}
}

package query

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDistanceCountsRunesNotBytes(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"县工信", "县工信局", 1},
		{"县工信", "县商务局", 3},
		{"kitten", "sitting", 3},
		{"李明", "", 2},
	} {
		assert.Equal(t, tc.want, distance([]rune(tc.a), []rune(tc.b)), "%q %q", tc.a, tc.b)
	}
}

func TestClosestNamesThreeNearestFirstTiesByName(t *testing.T) {
	known := map[string]bool{"县工信局": true, "县商务局": true, "县住建局": true, "县农业农村局": true}
	assert.Equal(t, []string{"县工信局", "县住建局", "县商务局"}, closest("县工信", known, 3))
	assert.Equal(t, []string{"县工信局"}, closest("县工信", known, 1))
	assert.Empty(t, closest("x", map[string]bool{}, 3))
	assert.Empty(t, closest("Nobody", known, 3), "nothing in common")
}

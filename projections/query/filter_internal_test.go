package query

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

func TestClosestNamesThreeNearestFirstTiesByName(t *testing.T) {
	known := map[string]bool{"县工信局": true, "县商务局": true, "县住建局": true, "县农业农村局": true}
	assert.Equal(t, []string{"县工信局", "县住建局", "县商务局"}, closest("县工信", known, 3))
	assert.Equal(t, []string{"县工信局"}, closest("县工信", known, 1))
	assert.Empty(t, closest("x", map[string]bool{}, 3))
	assert.Empty(t, closest("Nobody", known, 3), "nothing in common")
}

func TestStatusFilterSearchesIDNameAndCodeAndNarrowsByIndustry(t *testing.T) {
	rows := func() []projections.StatusRow {
		return []projections.StatusRow{
			{Project: "P-7", Name: "光伏组件生产线", Industry: "制造业"},
			{Project: "DEMO-1", Name: "ＸＸ县 污水处理厂", Industry: "水利"},
			{Project: "P-9", Name: "物流园", NationalCode: "2612-220621-38-01-000512"},
		}
	}
	ids := func(rs []projections.StatusRow) []domain.ProjectID {
		var out []domain.ProjectID
		for _, r := range rs {
			out = append(out, r.Project)
		}
		return out
	}
	for _, tc := range []struct {
		f    Filter
		want []domain.ProjectID
	}{
		{Filter{Search: "p-7"}, []domain.ProjectID{"P-7"}},
		{Filter{Search: "光伏"}, []domain.ProjectID{"P-7"}},
		{Filter{Search: "xx县污水"}, []domain.ProjectID{"DEMO-1"}},
		{Filter{Search: "220621-38"}, []domain.ProjectID{"P-9"}},
		{Filter{Search: "nothing"}, nil},
		{Filter{Industry: "水利"}, []domain.ProjectID{"DEMO-1"}},
		{Filter{}, []domain.ProjectID{"P-7", "DEMO-1", "P-9"}},
	} {
		assert.Equal(t, tc.want, ids(tc.f.status(rows())), "%+v", tc.f)
	}
}

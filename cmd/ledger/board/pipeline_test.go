package board_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

// The reserve and the applications are pages of the tables the CLI
// prints, with their downloads; a unit's reporter does not see them.
func TestThePipelinePagesShowTheReserveAndTheApplications(t *testing.T) {
	f, _ := newUnitBoard(t)
	ctx := context.Background()
	for _, c := range []domain.Command{
		domain.ConceiveProject{Meta: office, Project: "CB-1", Name: "温泉康养小镇", ProposedBy: "南湖镇", BodyKind: domain.BodyTownship,
			Industry: "文旅", PlannedInvestment: 600_000_000, On: day(t, "2026-03-02")},
		domain.AssessProject{Meta: office, Project: "CB-1", Feasible: true, Conclusion: "可行", On: day(t, "2026-04-01")},
		domain.ReserveProject{Meta: office, Project: "CB-1", Level: domain.LevelCounty, On: day(t, "2026-04-10")},
		domain.SubmitApplication{Meta: office, Project: "P-1", Application: "A-1", Level: domain.LevelProvince, Programme: "省级工业转型升级专项资金",
			Asked: 20_000_000, On: day(t, "2026-05-01")},
	} {
		_, err := f.env.Store.Execute(ctx, c)
		require.NoError(t, err, "%T", c)
	}
	office := f.signedIn(t, "recorder", "recorder password")
	for _, tc := range []struct{ path, heading, row string }{
		{"/reserve", "储备库", "温泉康养小镇"},
		{"/applications", "向上争取", "省级工业转型升级专项资金"},
	} {
		resp, page := office.get(tc.path)
		require.Equal(t, http.StatusOK, resp.StatusCode, page)
		assert.Contains(t, page, h1(tc.heading))
		assert.Contains(t, page, tc.row)
		assert.Contains(t, page, `href="`+tc.path+`.xlsx`, "its download")
		assert.Contains(t, page, `href="`+tc.path+`"`, "in the navigation")
		resp, csv := office.get(tc.path + ".csv")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, csv, tc.row)
	}
	_, page := office.get("/reserve")
	assert.Contains(t, page, "项目储备库概况")
	assert.True(t, strings.Contains(page, "在库项目（按环节）"))

	unit := f.signedIn(t, "unit_reporter", "unit_reporter password")
	for _, path := range []string{"/reserve", "/applications", "/reserve.csv", "/applications.xlsx"} {
		resp, page := unit.get(path)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, path)
		assert.NotContains(t, page, "温泉康养小镇", path)
	}
	_, page = unit.get("/status")
	assert.NotContains(t, page, `href="/reserve"`, "not in a unit's navigation")
}

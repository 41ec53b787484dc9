package projections_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

// pipelineYear is a county's year before the plan: 40 projects conceived
// by four bodies, 30 assessed feasible, 25 entered into the reserve, 8
// packaged, 3 dropped, 12 converted into the 2027 list (9 new, 3
// preparatory); 6 applications to the province, 4 granted, 1 refused, 1
// waiting. Project i is CB-i; the sets below are by index.
func pipelineYear(t *testing.T) []*projections.Row {
	t.Helper()
	now := time.Date(2027, 1, 10, 10, 0, 0, 0, time.UTC)
	meta := domain.Meta{Actor: "重点办"}
	d := func(s string) domain.Date {
		v, err := domain.ParseDate(s)
		require.NoError(t, err)
		return v
	}
	in := func(i int, set ...[2]int) bool {
		for _, r := range set {
			if i >= r[0] && i <= r[1] {
				return true
			}
		}
		return false
	}
	body := func(i int) (string, domain.BodyKind, string) {
		switch {
		case i < 16:
			return "新能源产业推进组", domain.BodyIndustryGroup, "制造业"
		case i < 28:
			return "城关镇", domain.BodyTownship, "文旅"
		case i < 36:
			return "县住建局", domain.BodyDepartment, "基础设施"
		}
		return "县农业农村局", domain.BodyDepartment, "农业"
	}
	var rows []*projections.Row
	for i := range 40 {
		id := domain.ProjectID(fmt.Sprintf("CB-%02d", i))
		p := domain.NewProject(id)
		do := func(cmd domain.Command) {
			evs, err := domain.Decide(p, cmd, now)
			require.NoError(t, err, "%s %s", id, cmd.Action())
			for _, e := range evs {
				domain.Evolve(&p, e)
			}
		}
		by, kind, industry := body(i)
		do(domain.ConceiveProject{Meta: meta, Project: id, Name: fmt.Sprintf("储备项目%02d", i), ProposedBy: by, BodyKind: kind,
			Industry: industry, PlannedInvestment: 100_000_000, On: d("2026-02-02")})
		feasible := in(i, [2]int{0, 13}, [2]int{16, 24}, [2]int{28, 33}, [2]int{36, 36})
		reserved := in(i, [2]int{0, 11}, [2]int{16, 23}, [2]int{28, 32})
		if feasible {
			do(domain.AssessProject{Meta: meta, Project: id, Feasible: true, Conclusion: "可行", On: d("2026-03-15")})
		}
		if reserved {
			do(domain.ReserveProject{Meta: meta, Project: id, Level: domain.LevelCounty, On: d("2026-04-15")})
		}
		if in(i, [2]int{8, 11}, [2]int{20, 23}) {
			do(domain.PackageProject{Meta: meta, Project: id, Purpose: domain.ForPromotion, On: d("2026-05-20")})
		}
		if in(i, [2]int{14, 14}, [2]int{37, 38}) {
			do(domain.DropProject{Meta: meta, Project: id, Reason: "投资方放弃", On: d("2026-06-30")})
		}
		if in(i, [2]int{0, 7}, [2]int{16, 19}) {
			list := domain.ListNew
			if i >= 17 {
				list = domain.ListPreparatory
			}
			do(domain.ConvertProject{Meta: meta, Project: id, Year: 2027, List: list, Unit: "县发改局", Leader: "李明", On: d("2026-09-01")})
		}
		if i <= 5 {
			programme, asked := "省级专项资金", int64(20_000_000)
			if i >= 4 {
				programme, asked = "地方政府专项债券", 50_000_000
			}
			do(domain.SubmitApplication{Meta: meta, Project: id, Application: "A-1", Level: domain.LevelProvince, Programme: programme, Asked: asked, On: d("2026-06-10")})
			switch i {
			case 0, 1, 2:
				do(domain.AnswerApplication{Meta: meta, Project: id, Application: "A-1", Approved: true, Granted: 15_000_000, Document: "财建〔2026〕8号", On: d("2026-10-15")})
				do(domain.ReceiveGrant{Meta: meta, Project: id, Application: "A-1", Amount: 10_000_000, On: d("2026-11-20")})
			case 3:
				do(domain.AnswerApplication{Meta: meta, Project: id, Application: "A-1", Approved: false, Note: "不符合支持方向", On: d("2026-10-15")})
			case 4:
				do(domain.AnswerApplication{Meta: meta, Project: id, Application: "A-1", Approved: true, Granted: 50_000_000, Document: "财预〔2026〕21号", On: d("2026-10-15")})
				do(domain.ReceiveGrant{Meta: meta, Project: id, Application: "A-1", Amount: 50_000_000, On: d("2026-12-10")})
			}
		}
		rows = append(rows, &projections.Row{Project: p})
	}
	return rows
}

func TestTheReserveOnThreeDatesMatchesTheHandCount(t *testing.T) {
	rows := pipelineYear(t)
	const yi = 100_000_000
	group := func(key string, n int) projections.ReserveGroup {
		return projections.ReserveGroup{Key: key, Projects: n, PlannedInvestment: int64(n) * yi}
	}
	for _, tc := range []struct {
		asOf       string
		stages     []projections.ReserveGroup
		bodies     []projections.BodyConversion
		ready      int
		newStarts  int
		covered    *int64
		applicants projections.ApplicationGroup
	}{
		{"2026-05-31",
			[]projections.ReserveGroup{group("conceived", 10), group("assessed", 5), group("reserved", 17), group("packaged", 8)},
			[]projections.BodyConversion{
				{Body: "新能源产业推进组", Kind: domain.BodyIndustryGroup, Conceived: 16, Reserved: 12, ConversionBP: bp(0)},
				{Body: "城关镇", Kind: domain.BodyTownship, Conceived: 12, Reserved: 8, ConversionBP: bp(0)},
				{Body: "县住建局", Kind: domain.BodyDepartment, Conceived: 8, Reserved: 5, ConversionBP: bp(0)},
				{Body: "县农业农村局", Kind: domain.BodyDepartment, Conceived: 4, ConversionBP: bp(0)},
			}, 25, 0, nil, projections.ApplicationGroup{}},
		{"2026-09-30",
			[]projections.ReserveGroup{group("conceived", 7), group("assessed", 5), group("reserved", 5), group("packaged", 8)},
			[]projections.BodyConversion{
				{Body: "新能源产业推进组", Kind: domain.BodyIndustryGroup, Conceived: 16, Reserved: 12, Converted: 8, Dropped: 1, ConversionBP: bp(5000)},
				{Body: "城关镇", Kind: domain.BodyTownship, Conceived: 12, Reserved: 8, Converted: 4, ConversionBP: bp(3333)},
				{Body: "县住建局", Kind: domain.BodyDepartment, Conceived: 8, Reserved: 5, ConversionBP: bp(0)},
				{Body: "县农业农村局", Kind: domain.BodyDepartment, Conceived: 4, Dropped: 2, ConversionBP: bp(0)},
			}, 13, 9, bp(144),
			projections.ApplicationGroup{Count: 6, Waiting: 6, Asked: 180_000_000}},
		{"2026-12-31",
			[]projections.ReserveGroup{group("conceived", 7), group("assessed", 5), group("reserved", 5), group("packaged", 8)},
			nil, 13, 9, bp(144),
			projections.ApplicationGroup{Count: 6, Approved: 4, Refused: 1, Waiting: 1, Asked: 180_000_000, Granted: 95_000_000, Received: 80_000_000}},
	} {
		t.Run(tc.asOf, func(t *testing.T) {
			asOf, err := domain.ParseDate(tc.asOf)
			require.NoError(t, err)
			r := projections.ReserveOn(rows, projections.Options{AsOf: asOf})
			assert.Len(t, r.Projects, 40)
			assert.Equal(t, tc.stages, r.ByStage)
			if tc.bodies != nil {
				assert.Equal(t, tc.bodies, r.Bodies)
			}
			assert.Equal(t, tc.ready, r.Ready)
			assert.Equal(t, int64(tc.ready)*yi, r.ReadyInvestment)
			assert.Equal(t, tc.newStarts, r.NewStarts)
			assert.Equal(t, tc.covered, r.YearsCovered100)

			a := projections.ApplicationsOn(rows, projections.Options{AsOf: asOf})
			assert.Equal(t, tc.applicants, a.Total)
			assert.Len(t, a.Rows, tc.applicants.Count)
		})
	}

	dec31, err := domain.ParseDate("2026-12-31")
	require.NoError(t, err)
	a := projections.ApplicationsOn(rows, projections.Options{AsOf: dec31})
	assert.Equal(t, []projections.ApplicationGroup{
		{Level: domain.LevelProvince, Programme: "地方政府专项债券", Count: 2, Approved: 1, Waiting: 1, Asked: 100_000_000, Granted: 50_000_000, Received: 50_000_000},
		{Level: domain.LevelProvince, Programme: "省级专项资金", Count: 4, Approved: 3, Refused: 1, Asked: 80_000_000, Granted: 45_000_000, Received: 30_000_000},
	}, a.ByProgramme)
	require.Len(t, a.ByLevel, 1)
	assert.Equal(t, a.Total.Granted, a.ByLevel[0].Granted)
	dec1, err := domain.ParseDate("2026-12-01")
	require.NoError(t, err)
	assert.Equal(t, int64(30_000_000), projections.ApplicationsOn(rows, projections.Options{AsOf: dec1}).Total.Received, "the bond's funds arrive on 2026-12-10")

	converted := 0
	for _, r := range rows {
		if r.Registered {
			converted++
			assert.Equal(t, domain.Converted, r.Reserve.Stage(), "%s keeps its reserve history", r.ID)
		}
	}
	assert.Equal(t, 12, converted, "the converted projects are key projects")
}

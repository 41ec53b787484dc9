package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

const rid domain.ProjectID = "CB-2026-01"

func conceive() domain.ConceiveProject {
	return domain.ConceiveProject{Meta: meta, Project: rid, Name: "新能源电池材料项目", ProposedBy: "新能源产业推进组",
		BodyKind: domain.BodyIndustryGroup, Industry: "制造业", PlannedInvestment: 800_000_000, On: day("2026-03-02")}
}

func assess(feasible bool) domain.AssessProject {
	return domain.AssessProject{Meta: meta, Project: rid, Feasible: feasible, Conclusion: "市场前景好，用地可保障", On: day("2026-04-10")}
}

func enter(level domain.Level, on string) domain.ReserveProject {
	return domain.ReserveProject{Meta: meta, Project: rid, Level: level, On: day(on)}
}

func convert() domain.ConvertProject {
	return domain.ConvertProject{Meta: meta, Project: rid, Year: 2027, List: domain.ListNew, Unit: "县工信局", Leader: "李明", On: day("2026-11-20")}
}

func reserveLedger(t *testing.T, cmds ...domain.Command) *ledger {
	l := newLedger(t, rid)
	l.must(now, conceive())
	l.must(now, cmds...)
	return l
}

func TestAReserveProjectBecomesAKeyProjectWithItsHistory(t *testing.T) {
	l := reserveLedger(t, assess(true), enter(domain.LevelCounty, "2026-05-06"), enter(domain.LevelCity, "2026-06-01"),
		domain.PackageProject{Meta: meta, Project: rid, Purpose: domain.ForPromotion, On: day("2026-07-01")})
	r := l.p.Reserve
	require.NotNil(t, r)
	assert.Equal(t, domain.Packaged, r.Stage())
	assert.False(t, l.p.Registered, "a reserve project is not a key project yet")

	evs := l.must(now, convert())
	require.Len(t, evs, 2)
	assert.Equal(t, domain.Converted, evs[0].Type)
	assert.Equal(t, domain.Registered, evs[1].Type)
	assert.Equal(t, []string{evs[0].CommandID + "-0", evs[0].CommandID + "-1"}, []string{evs[0].ID, evs[1].ID})
	reg := evs[1].Data.(*domain.RegisteredData)
	assert.Equal(t, "新能源电池材料项目", reg.Name, "the reserve's name carries over")
	assert.Equal(t, int64(800_000_000), reg.TotalInvestment)
	assert.Equal(t, "制造业", reg.Industry)
	assert.True(t, l.p.Registered)
	assert.Equal(t, domain.Converted, l.p.Reserve.Stage())
	assert.Equal(t, 2027, l.p.Reserve.Year)

	signed := rec(domain.Signed, "2026-11-25")
	signed.Project = rid
	l.must(now, signed)
	assert.Equal(t, day("2026-11-25"), l.p.Steps[domain.Signed], "the key project takes its steps under the same id")
}

func TestReserveRefusals(t *testing.T) {
	dropped := domain.DropProject{Meta: meta, Project: rid, Reason: "投资方放弃", On: day("2026-06-01")}
	for _, tc := range []struct {
		name  string
		setup []domain.Command
		cmd   domain.Command
		kind  error
		want  string
	}{
		{"converting a dropped project", []domain.Command{assess(true), enter(domain.LevelCounty, "2026-05-06"), dropped}, convert(), domain.ErrTerminated, "dropped from the reserve on 2026-06-01"},
		{"converting before entering the reserve", []domain.Command{assess(true)}, convert(), domain.ErrOutOfOrder, "not in the county's reserve"},
		{"entering without a favourable assessment", []domain.Command{assess(false)}, enter(domain.LevelCounty, "2026-05-06"), domain.ErrOutOfOrder, "no favourable assessment"},
		{"the city library before the county's", []domain.Command{assess(true)}, enter(domain.LevelCity, "2026-05-06"), domain.ErrOutOfOrder, "not in the county's reserve"},
		{"the same library twice", []domain.Command{assess(true), enter(domain.LevelCounty, "2026-05-06")}, enter(domain.LevelCounty, "2026-05-07"), domain.ErrDuplicateStep, "entered the county library on 2026-05-06"},
		{"converted twice", []domain.Command{assess(true), enter(domain.LevelCounty, "2026-05-06"), convert()}, convert(), domain.ErrDuplicateStep, "was converted"},
		{"registered around the conversion", nil, domain.RegisterProject{Meta: meta, Project: rid, Name: "x", TotalInvestment: 1, Unit: "u", Leader: "l"}, domain.ErrAlreadyExists, "reserve project"},
		{"conceived twice", nil, conceive(), domain.ErrAlreadyExists, "id is taken"},
		{"assessed before conceived", nil, domain.AssessProject{Meta: meta, Project: rid, Feasible: true, Conclusion: "ok", On: day("2026-03-01")}, domain.ErrOutOfOrder, "before it was conceived"},
		{"no conclusion", nil, domain.AssessProject{Meta: meta, Project: rid, Feasible: true}, domain.ErrInvalid, "no conclusion"},
		{"dropped without a reason", nil, domain.DropProject{Meta: meta, Project: rid}, domain.ErrInvalid, "no reason"},
		{"a list kind unknown", []domain.Command{assess(true), enter(domain.LevelCounty, "2026-05-06")}, func() domain.Command { c := convert(); c.List = "maybe"; return c }(), domain.ErrInvalid, "list kind"},
		{"converted before entering", []domain.Command{assess(true), enter(domain.LevelCounty, "2026-05-06")}, func() domain.Command { c := convert(); c.On = day("2026-05-01"); return c }(), domain.ErrOutOfOrder, "before it entered the reserve"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := reserveLedger(t, tc.setup...)
			before := l.p.Version
			_, err := l.decide(now, tc.cmd)
			require.ErrorIs(t, err, tc.kind)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotEqual(t, err.Error(), domain.Chinese(err), "said in Chinese too")
			assert.Equal(t, before, l.p.Version)
		})
	}
	_, err := newLedger(t, rid).decide(now, assess(true))
	require.ErrorIs(t, err, domain.ErrUnknownProject, "nothing to assess")
	_, err = registered(t).decide(now, domain.AssessProject{Meta: meta, Project: pid, Feasible: true, Conclusion: "x"})
	require.ErrorIs(t, err, domain.ErrInvalid, "a key project registered directly has no reserve")
	_, err = newLedger(t, rid).decide(now, domain.ConceiveProject{Meta: meta, Project: rid, Name: "x", ProposedBy: "y", PlannedInvestment: 0})
	require.ErrorIs(t, err, domain.ErrInvalid)
}

func submit(asked int64) domain.SubmitApplication {
	return domain.SubmitApplication{Meta: meta, Project: pid, Application: "A-1", Level: domain.LevelProvince, Programme: "省级工业转型升级专项资金", Asked: asked, On: day("2026-05-01")}
}

func answer(approved bool, granted int64, note string) domain.AnswerApplication {
	return domain.AnswerApplication{Meta: meta, Project: pid, Application: "A-1", Approved: approved, Granted: granted, Document: "黑财建〔2026〕88号", Note: note, On: day("2026-08-01")}
}

func grant(amount int64, note string) domain.ReceiveGrant {
	return domain.ReceiveGrant{Meta: meta, Project: pid, Application: "A-1", Amount: amount, Note: note, On: day("2026-09-01")}
}

func TestAnApplicationIsAskedGrantedAndArrivesInTranches(t *testing.T) {
	l := registered(t, submit(20_000_000), answer(true, 15_000_000, ""), grant(10_000_000, ""), grant(5_000_000, ""))
	a := l.p.Applications["A-1"]
	require.NotNil(t, a)
	assert.Equal(t, int64(20_000_000), a.Asked)
	assert.Equal(t, int64(15_000_000), a.Granted, "a partial grant")
	assert.Equal(t, int64(15_000_000), a.Received)
	assert.Equal(t, "黑财建〔2026〕88号", a.Document)

	r := reserveLedger(t, domain.SubmitApplication{Meta: meta, Project: rid, Level: domain.LevelState, Programme: "中央预算内投资", Asked: 50_000_000})
	require.Len(t, r.p.Applications, 1, "a reserve project applies too, its id derived")
}

func TestApplicationRefusals(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup []domain.Command
		cmd   domain.Command
		kind  error
		want  string
	}{
		{"granting more than asked without a note", []domain.Command{submit(20_000_000)}, answer(true, 25_000_000, ""), domain.ErrInvalid, "more than the 20,000,000 yuan asked"},
		{"funds before approval", []domain.Command{submit(20_000_000)}, grant(1_000_000, ""), domain.ErrOutOfOrder, "is not approved"},
		{"funds of a refused application", []domain.Command{submit(20_000_000), answer(false, 0, "不符合条件")}, grant(1_000_000, ""), domain.ErrOutOfOrder, "is not approved"},
		{"more funds than granted without a note", []domain.Command{submit(20_000_000), answer(true, 15_000_000, ""), grant(10_000_000, "")}, grant(6_000_000, ""), domain.ErrInvalid, "more than the 15,000,000 yuan granted"},
		{"answered twice", []domain.Command{submit(20_000_000), answer(true, 15_000_000, "")}, answer(true, 15_000_000, ""), domain.ErrDuplicateStep, "was answered on"},
		{"a refusal that grants", []domain.Command{submit(20_000_000)}, answer(false, 5, ""), domain.ErrInvalid, "grants nothing"},
		{"approved without a document", []domain.Command{submit(20_000_000)}, func() domain.Command { c := answer(true, 1, ""); c.Document = ""; return c }(), domain.ErrInvalid, "no document number"},
		{"an unknown application", nil, answer(true, 1, ""), domain.ErrNotPlanned, `no application "A-1"`},
		{"the county is no higher level", nil, func() domain.Command { c := submit(1); c.Level = domain.LevelCounty; return c }(), domain.ErrInvalid, "not a higher level"},
		{"the same id twice", []domain.Command{submit(1)}, submit(2), domain.ErrAlreadyExists, "exists"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := registered(t, tc.setup...)
			before := l.p.Version
			_, err := l.decide(now, tc.cmd)
			require.ErrorIs(t, err, tc.kind)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotEqual(t, err.Error(), domain.Chinese(err))
			assert.Equal(t, before, l.p.Version)
		})
	}
	l := registered(t, submit(20_000_000))
	_, err := l.decide(now, answer(true, 25_000_000, "省里追加"))
	require.NoError(t, err, "more than asked, with a note")
}

func TestReserveTermsInChinese(t *testing.T) {
	for in, want := range map[string]domain.BodyKind{"产业推进组": domain.BodyIndustryGroup, "乡镇": domain.BodyTownship, "department": domain.BodyDepartment} {
		got, err := domain.ParseBodyKind(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	for in, want := range map[string]domain.Level{"省级": domain.LevelProvince, "国家级": domain.LevelState, "市": domain.LevelCity} {
		got, err := domain.ParseLevel(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	for in, want := range map[string]domain.ListKind{"前期": domain.ListPreparatory, "续建": domain.ListContinuing} {
		got, err := domain.ParseListKind(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	got, err := domain.ParsePackagePurpose("招商")
	require.NoError(t, err)
	assert.Equal(t, domain.ForPromotion, got)
	_, err = domain.ParseLevel("乡级")
	assert.Contains(t, domain.Chinese(err), "不是层级")
}

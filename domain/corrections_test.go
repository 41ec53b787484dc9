package domain_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

func correctFacts(f func(c *domain.CorrectFacts)) domain.CorrectFacts {
	c := domain.CorrectFacts{Meta: meta, Project: pid, Reason: "typed from the wrong row", On: day("2026-11-20")}
	f(&c)
	return c
}

func correctRecord(typ domain.EventType, f func(c *domain.CorrectRecord)) domain.CorrectRecord {
	c := domain.CorrectRecord{Meta: meta, Project: pid, Type: typ, Reason: "misread the scan", On: day("2026-11-20")}
	f(&c)
	return c
}

func withdraw(m domain.Milestone, reason string) domain.WithdrawDeadline {
	return domain.WithdrawDeadline{Meta: meta, Project: pid, Milestone: m, Reason: reason, On: day("2026-11-20")}
}

func TestDecideCorrectFacts(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{name: "name, unit and investment are corrected and keep what they said",
			cmd: correctFacts(func(c *domain.CorrectFacts) {
				c.Name, c.Unit, c.TotalInvestment = "Wind farm phase I", "County Energy Bureau", 380_000_000
			}),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				d := payload[*domain.FactsCorrectedData](t, evs)
				assert.Equal(t, []domain.FactChange{
					{Field: domain.FactName, From: "Wind farm", To: "Wind farm phase I"},
					{Field: domain.FactUnit, From: "Energy Bureau", To: "County Energy Bureau"},
					{Field: domain.FactTotalInvestment, FromYuan: 350_000_000, ToYuan: 380_000_000},
				}, d.Changes)
				assert.Equal(t, "typed from the wrong row", d.Reason)
				assert.Equal(t, "Wind farm phase I", p.Name)
				assert.Equal(t, "County Energy Bureau", p.Unit)
				assert.EqualValues(t, 380_000_000, p.TotalInvestment)
			}},
		{name: "a leader entered wrongly is renamed, not handed over",
			cmd: correctFacts(func(c *domain.CorrectFacts) { c.Leader = "Wang Fang" }),
			check: func(t *testing.T, _ []domain.Event, p domain.Project) {
				assert.Equal(t, "Wang Fang", p.Leader)
				require.Len(t, p.Leaders, 1)
				assert.Equal(t, "Wang Fang", p.Leaders[0].Leader)
			}},
		{name: "industry and national code",
			cmd: correctFacts(func(c *domain.CorrectFacts) { c.Industry, c.NationalCode = "电力", "2411-130202-89-01-637015" }),
			check: func(t *testing.T, _ []domain.Event, p domain.Project) {
				assert.Equal(t, "电力", p.Industry)
				assert.Equal(t, "2411-130202-89-01-637015", p.NationalCode)
			}},
		{name: "what is built",
			cmd: correctFacts(func(c *domain.CorrectFacts) { c.Content = "新建厂房3万平方米" }),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				assert.Equal(t, "新建厂房3万平方米", p.Content)
				assert.Equal(t, []domain.FactChange{{Field: domain.FactContent, To: "新建厂房3万平方米"}}, evs[0].Data.(*domain.FactsCorrectedData).Changes)
			}},
		{name: "registration date moved earlier",
			cmd: correctFacts(func(c *domain.CorrectFacts) { c.RegisteredOn = day("2025-12-20") }),
			check: func(t *testing.T, _ []domain.Event, p domain.Project) {
				assert.Equal(t, day("2025-12-20"), p.RegisteredOn)
				assert.Equal(t, day("2025-12-20"), p.Leaders[0].From)
			}},
		{name: "no reason", cmd: correctFacts(func(c *domain.CorrectFacts) { c.Name, c.Reason = "X", " " }), kind: domain.ErrInvalid},
		{name: "nothing differs", cmd: correctFacts(func(c *domain.CorrectFacts) { c.Name = "Wind farm" }), kind: domain.ErrNoChange,
			msg: "cannot correct facts for P-7: nothing differs from what is recorded; give the facts to correct (--name, --unit, --township, --leader, --industry, --code, --investment, --registered-on)"},
		{name: "bad national code", cmd: correctFacts(func(c *domain.CorrectFacts) { c.NationalCode = "2411-130202" }), kind: domain.ErrInvalid},
		{name: "overlong name", cmd: correctFacts(func(c *domain.CorrectFacts) { c.Name = strings.Repeat("名", 201) }), kind: domain.ErrInvalid,
			msg: "cannot correct facts for P-7: the name is 201 characters long; give at most 200 characters"},
		{name: "registration after the first step", given: []domain.Command{rec(domain.Signed, "2026-03-01")},
			cmd: correctFacts(func(c *domain.CorrectFacts) { c.RegisteredOn = day("2026-04-01") }), kind: domain.ErrOutOfOrder},
	})
}

func TestDecideCorrectRecord(t *testing.T) {
	twoTranches := []domain.Command{funds("2026-03-01", 5_000_000), funds("2026-04-01", 7_000_000)}
	runRuleCases(t, []ruleCase{
		{name: "a step's date", given: []domain.Command{plan(domain.MilestoneSigned, "2026-03-31"), rec(domain.Signed, "2026-04-02")},
			cmd: correctRecord(domain.Signed, func(c *domain.CorrectRecord) { c.Date = day("2026-03-28") }),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				d := payload[*domain.RecordCorrectedData](t, evs)
				assert.Equal(t, day("2026-04-02"), d.FromDate)
				assert.Equal(t, day("2026-03-28"), d.ToDate)
				assert.Equal(t, day("2026-03-28"), p.Steps[domain.Signed])
				assert.Equal(t, day("2026-03-28"), p.Deadlines[domain.MilestoneSigned].Reached, "reached in time after all")
			}},
		{name: "an approval's document number", given: []domain.Command{approve(domain.ApprovalEIA, "2026-05-01")},
			cmd: correctRecord(domain.Approved, func(c *domain.CorrectRecord) { c.Kind, c.Reference = domain.ApprovalEIA, "环审〔2026〕12号" }),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				d := payload[*domain.RecordCorrectedData](t, evs)
				assert.Equal(t, "DOC-eia", d.FromReference)
				assert.Equal(t, "环审〔2026〕12号", p.ApprovalRefs[domain.ApprovalEIA])
			}},
		{name: "a tranche's amount among two", given: twoTranches,
			cmd: correctRecord(domain.FundsReceived, func(c *domain.CorrectRecord) { c.Tranche, c.Amount = 2, 6_000_000 }),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				d := payload[*domain.RecordCorrectedData](t, evs)
				assert.EqualValues(t, 7_000_000, d.FromAmount)
				assert.EqualValues(t, 11_000_000, p.FundsTotal)
				assert.EqualValues(t, 6_000_000, p.Funds[1].Amount)
			}},
		{name: "a tranche not named among two", given: twoTranches,
			cmd: correctRecord(domain.FundsReceived, func(c *domain.CorrectRecord) { c.Amount = 6_000_000 }), kind: domain.ErrInvalid,
			msg: "cannot correct funds_received for P-7: the project has 2 tranches; name one with --tranche (1 = 2026-03-01 5,000,000 yuan; 2 = 2026-04-01 7,000,000 yuan)"},
		{name: "the only tranche's date moves the milestone", given: []domain.Command{plan(domain.MilestoneFundsReceived, "2026-03-15"), funds("2026-03-20", 1_000_000)},
			cmd: correctRecord(domain.FundsReceived, func(c *domain.CorrectRecord) { c.Date = day("2026-03-10") }),
			check: func(t *testing.T, _ []domain.Event, p domain.Project) {
				assert.Equal(t, day("2026-03-10"), p.Deadlines[domain.MilestoneFundsReceived].Reached)
				assert.Equal(t, day("2026-03-10"), p.Steps[domain.FundsReceived])
			}},
		{name: "a baseline entered wrongly", given: []domain.Command{plan(domain.MilestoneStarted, "2026-06-30")},
			cmd: correctRecord(domain.MilestonePlanned, func(c *domain.CorrectRecord) {
				c.Milestone, c.Date = domain.MilestoneStarted, day("2026-07-31")
			}),
			check: func(t *testing.T, _ []domain.Event, p domain.Project) {
				dl := p.Deadlines[domain.MilestoneStarted]
				assert.Equal(t, day("2026-07-31"), dl.Baseline)
				assert.Equal(t, day("2026-07-31"), dl.Due)
				assert.Empty(t, dl.Revisions, "a correction is not a revision")
			}},
		{name: "a date that would put completion before the start",
			given: []domain.Command{rec(domain.Started, "2026-05-01"), rec(domain.Completed, "2026-09-01")},
			cmd:   correctRecord(domain.Started, func(c *domain.CorrectRecord) { c.Date = day("2026-10-01") }), kind: domain.ErrOutOfOrder},
		{name: "a date in the future", given: []domain.Command{rec(domain.Signed, "2026-04-02")},
			cmd: correctRecord(domain.Signed, func(c *domain.CorrectRecord) { c.Date = day("2026-12-30") }), kind: domain.ErrFutureDate},
		{name: "a step never recorded",
			cmd: correctRecord(domain.Signed, func(c *domain.CorrectRecord) { c.Date = day("2026-03-01") }), kind: domain.ErrNotPlanned},
		{name: "a type that is not corrected so", given: []domain.Command{rec(domain.Started, "2026-05-01"), suspend("2026-06-01", "flood")},
			cmd: correctRecord(domain.Suspended, func(c *domain.CorrectRecord) { c.Date = day("2026-06-02") }), kind: domain.ErrInvalid},
		{name: "an amount on a step", given: []domain.Command{rec(domain.Signed, "2026-04-02")},
			cmd: correctRecord(domain.Signed, func(c *domain.CorrectRecord) { c.Amount = 5 }), kind: domain.ErrInvalid},
		{name: "nothing differs", given: []domain.Command{rec(domain.Signed, "2026-04-02")},
			cmd: correctRecord(domain.Signed, func(c *domain.CorrectRecord) { c.Date = day("2026-04-02") }), kind: domain.ErrNoChange},
		{name: "no reason", given: []domain.Command{rec(domain.Signed, "2026-04-02")},
			cmd: correctRecord(domain.Signed, func(c *domain.CorrectRecord) { c.Date, c.Reason = day("2026-04-01"), "" }), kind: domain.ErrInvalid},
	})
}

// A correction changes what the state says from the correction on; the
// state folded up to before it still says what the ledger said then.
func TestACorrectionKeepsTheOriginalInTheHistory(t *testing.T) {
	l := registered(t, rec(domain.Signed, "2026-04-02"))
	before := l.p.Clone()
	l.must(now, correctRecord(domain.Signed, func(c *domain.CorrectRecord) { c.Date = day("2026-03-28") }))
	require.Len(t, l.events, 3)
	assert.Equal(t, day("2026-04-02"), l.events[1].OccurredOn, "the original event is untouched")
	assert.Equal(t, day("2026-04-02"), before.Steps[domain.Signed])
	assert.Equal(t, day("2026-03-28"), l.p.Steps[domain.Signed])
	again := domain.Fold(pid, l.events)
	assert.Equal(t, day("2026-03-28"), again.Steps[domain.Signed], "folding the history again gives the corrected state")
	upTo := domain.Fold(pid, l.events[:2])
	assert.Equal(t, day("2026-04-02"), upTo.Steps[domain.Signed], "the history up to the correction says what it said")
}

func TestDecideWithdrawDeadline(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{name: "a deadline that no longer applies", given: []domain.Command{plan(domain.MilestoneEIA, "2026-06-30")},
			cmd: withdraw(domain.MilestoneEIA, "no EIA needed at this scale"),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				d := payload[*domain.DeadlineWithdrawnData](t, evs)
				assert.Equal(t, day("2026-06-30"), d.Due)
				assert.Nil(t, p.Deadlines[domain.MilestoneEIA])
				assert.Empty(t, p.MissedDeadlines(domain.MilestoneEIA, now), "a withdrawn deadline is never missed")
			}},
		{name: "planned again after a withdrawal",
			given: []domain.Command{plan(domain.MilestoneEIA, "2026-06-30"), withdraw(domain.MilestoneEIA, "dropped")},
			cmd:   plan(domain.MilestoneEIA, "2027-03-31")},
		{name: "not planned", cmd: withdraw(domain.MilestoneEIA, "dropped"), kind: domain.ErrNotPlanned},
		{name: "already reached", given: []domain.Command{plan(domain.MilestoneEIA, "2026-06-30"), approve(domain.ApprovalEIA, "2026-05-01")},
			cmd: withdraw(domain.MilestoneEIA, "dropped"), kind: domain.ErrDuplicateStep},
		{name: "no reason", given: []domain.Command{plan(domain.MilestoneEIA, "2026-06-30")},
			cmd: withdraw(domain.MilestoneEIA, ""), kind: domain.ErrInvalid},
	})
}

func TestDecideNodeOrderNeedsConfirming(t *testing.T) {
	confirmed := func(c domain.RecordStep) domain.RecordStep { c.ConfirmOrder = true; return c }
	runRuleCases(t, []ruleCase{
		{name: "started before signed", given: []domain.Command{rec(domain.Signed, "2026-05-01")},
			cmd: rec(domain.Started, "2026-04-01"), kind: domain.ErrOutOfOrder,
			msg: "cannot record started for P-7: started on 2026-04-01 is before signed on 2026-05-01; if that is what happened, repeat with --confirm-order: it is stored and flagged for the auditor"},
		{name: "signed after started", given: []domain.Command{rec(domain.Started, "2026-04-01")},
			cmd: rec(domain.Signed, "2026-05-01"), kind: domain.ErrOutOfOrder},
		{name: "negotiating after signed", given: []domain.Command{rec(domain.Signed, "2026-04-01")},
			cmd: rec(domain.Negotiating, "2026-05-01"), kind: domain.ErrOutOfOrder},
		{name: "confirmed, stored and flagged", given: []domain.Command{rec(domain.Signed, "2026-05-01")},
			cmd: confirmed(rec(domain.Started, "2026-04-01")),
			check: func(t *testing.T, _ []domain.Event, p domain.Project) {
				assert.Contains(t, p.Flags, domain.FlagStartedBeforeSigned)
			}},
		{name: "in order", given: []domain.Command{rec(domain.Signed, "2026-04-01")}, cmd: rec(domain.Started, "2026-05-01"),
			check: func(t *testing.T, _ []domain.Event, p domain.Project) {
				assert.NotContains(t, p.Flags, domain.FlagStartedBeforeSigned)
			}},
		{name: "a plan with 开工 before 签约", given: []domain.Command{plan(domain.MilestoneSigned, "2026-08-31")},
			cmd: plan(domain.MilestoneStarted, "2026-06-30"), kind: domain.ErrOutOfOrder,
			msg: "cannot plan started for P-7: started is due 2026-06-30, before signed due 2026-08-31; if that is what happened, repeat with --confirm-order: it is stored and flagged for the auditor"},
		{name: "a revision that runs backwards", given: []domain.Command{plan(domain.MilestoneSigned, "2026-03-31"), plan(domain.MilestoneStarted, "2026-06-30")},
			cmd: revise(domain.MilestoneSigned, "2026-07-31", "investor late", "2026-03-01"), kind: domain.ErrOutOfOrder},
		{name: "a registration whose plan runs backwards", unregistered: true,
			cmd: func() domain.Command {
				r := register()
				r.Plan = []domain.PlannedDeadline{{Milestone: domain.MilestoneStarted, Due: day("2026-05-01")}, {Milestone: domain.MilestoneCommissioned, Due: day("2026-04-01")}}
				return r
			}(), kind: domain.ErrOutOfOrder},
	})
}

func TestDecideLengthLimits(t *testing.T) {
	long := func(n int) string { return strings.Repeat("长", n) }
	runRuleCases(t, []ruleCase{
		{name: "a 10,000-character name", unregistered: true,
			cmd: func() domain.Command { r := register(); r.Name = long(10_000); return r }(), kind: domain.ErrInvalid,
			msg: "cannot register project for P-7: the name is 10000 characters long; give at most 200 characters"},
		{name: "a name at the limit", unregistered: true,
			cmd: func() domain.Command { r := register(); r.Name = long(200); return r }()},
		{name: "a unit", unregistered: true,
			cmd: func() domain.Command { r := register(); r.Unit = long(101); return r }(), kind: domain.ErrInvalid},
		{name: "a step's note", cmd: func() domain.Command { c := rec(domain.Signed, "2026-04-01"); c.Note = long(1001); return c }(), kind: domain.ErrInvalid},
		{name: "an approval's document number",
			cmd: func() domain.Command {
				c := approve(domain.ApprovalEIA, "2026-04-01")
				c.Reference = long(101)
				return c
			}(), kind: domain.ErrInvalid},
		{name: "an issue title", cmd: raise("I-1", long(501), "2026-04-01"), kind: domain.ErrInvalid},
		{name: "a bad national code at registration", unregistered: true,
			cmd: func() domain.Command { r := register(); r.NationalCode = "12345"; return r }(), kind: domain.ErrInvalid},
		{name: "a national code and industry at registration", unregistered: true,
			cmd: func() domain.Command {
				r := register()
				r.NationalCode, r.Industry, r.Content = "2411-130202-89-01-637015", "电力", " 新建光伏电站 50MW "
				return r
			}(),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				assert.Equal(t, 3, evs[0].Schema)
				assert.Equal(t, "2411-130202-89-01-637015", p.NationalCode)
				assert.Equal(t, "电力", p.Industry)
				assert.Equal(t, "新建光伏电站 50MW", p.Content)
			}},
		{name: "what is built, too long", unregistered: true,
			cmd: func() domain.Command { r := register(); r.Content = long(2001); return r }(), kind: domain.ErrInvalid},
	})
}

// Fields added to a command with omitempty leave the keys of commands
// that do not use them as they were: a retry after an upgrade is still a
// retry.
func TestNewCommandFieldsKeepOldKeys(t *testing.T) {
	for _, c := range []domain.Command{register(), rec(domain.Signed, "2026-04-01"), plan(domain.MilestoneEIA, "2026-06-30"),
		revise(domain.MilestoneEIA, "2026-07-31", "land", "2026-03-01")} {
		body, err := json.Marshal(c)
		require.NoError(t, err)
		for _, key := range []string{"ConfirmOrder", "Industry", "NationalCode", "Content", "Precision"} {
			assert.NotContains(t, string(body), key, "%s", c.Action())
		}
	}
}

package entry_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/entry"
)

// meta is who records in these tests.
func meta() domain.Meta {
	return domain.Meta{Actor: "clerk", CommandID: "c-1", CorrelationID: "meeting"}
}

// form returns the form called name in group.
func form(t *testing.T, group, name string) entry.Form {
	t.Helper()
	for _, f := range entry.Forms() {
		if f.Group == group && f.Name() == name {
			return f
		}
	}
	t.Fatalf("no form %q in group %q", name, group)
	return entry.Form{}
}

// values reads "name=value" pairs; a name given twice has two values.
func values(pairs ...string) entry.Values {
	v := entry.Values{}
	for _, p := range pairs {
		name, value, _ := strings.Cut(p, "=")
		v[name] = append(v[name], value)
	}
	return v
}

const badID = `invalid input: project id "bad.id" is not a national project code ` +
	`(YYYY-RRRRRR-II-TT-XXXXXX, e.g. 2010-220621-47-01-000034) ` +
	`nor a local id (a letter, then up to 63 letters, digits, '-' or '_', e.g. P-7) nor a project number (4 to 20 digits)`

func TestFormsBuildTheirCommands(t *testing.T) {
	cases := []struct {
		group, name string
		values      entry.Values
		want        domain.Command
	}{
		{"project", "register", values("project=P-7", "name=Cement", "investment=3.5亿", "unit=Industry", "leader=Wang",
			"township=East", "on=2026-11-02", "plan=signed=2026-11-20", "plan=started=2027-03-31"),
			domain.RegisterProject{Meta: meta(), Project: "P-7", Name: "Cement", TotalInvestment: 350_000_000, Unit: "Industry",
				Leader: "Wang", Township: "East", Kind: domain.KindNew, TimeZone: domain.DefaultTimeZone,
				On: domain.NewDate(2026, 11, 2), Plan: []domain.PlannedDeadline{
					{Milestone: domain.MilestoneSigned, Due: domain.NewDate(2026, 11, 20)},
					{Milestone: domain.MilestoneStarted, Due: domain.NewDate(2027, 3, 31)}}}},
		{"project", "register", values("project=2010-220621-47-01-000034", "investment=35000万", "kind=continuing", "tz=UTC"),
			domain.RegisterProject{Meta: meta(), Project: "2010-220621-47-01-000034", TotalInvestment: 350_000_000,
				Kind: domain.KindContinuing, TimeZone: "UTC"}},
		{"", "plan", values("project=P-7", "milestone=started", "due=2027-03-31"),
			domain.PlanMilestone{Meta: meta(), Project: "P-7", Milestone: domain.MilestoneStarted, Due: domain.NewDate(2027, 3, 31)}},
		{"", "revise-deadline", values("project=P-7", "milestone=started", "new_due=2027-05-31", "reason=land late", "on=2026-11-20"),
			domain.ReviseDeadline{Meta: meta(), Project: "P-7", Milestone: domain.MilestoneStarted, Due: domain.NewDate(2027, 5, 31),
				Reason: "land late", On: domain.NewDate(2026, 11, 20)}},
		{"", "record", values("step=signed", "project=P-7"),
			domain.RecordStep{Meta: meta(), Project: "P-7", Step: domain.Signed}},
		{"", "record", values("step=approved", "project=P-7", "kind=eia", "ref=环审〔2026〕12号", "on=2026-11-25", "note=n"),
			domain.RecordStep{Meta: meta(), Project: "P-7", Step: domain.Approved, Approval: domain.ApprovalEIA,
				Reference: "环审〔2026〕12号", On: domain.NewDate(2026, 11, 25), Note: "n"}},
		{"", "record", values("step=funds_received", "project=P-7", "amount=5000万"),
			domain.RecordStep{Meta: meta(), Project: "P-7", Step: domain.FundsReceived, Amount: 50_000_000}},
		{"", "record", values("step=suspended", "project=P-7", "reason=flood", "expected-restart=2026-12-15"),
			domain.RecordStep{Meta: meta(), Project: "P-7", Step: domain.Suspended, Reason: "flood",
				ExpectedRestart: domain.NewDate(2026, 12, 15)}},
		{"", "assign-leader", values("project=P-7", "leader=Li", "reason=moved", "on=2026-11-01"),
			domain.AssignLeader{Meta: meta(), Project: "P-7", Leader: "Li", Reason: "moved", On: domain.NewDate(2026, 11, 1)}},
		{"", "report-investment", values("project=P-7", "month=2026-10", "amount=1200万", "reason=typo"),
			domain.ReportInvestment{Meta: meta(), Project: "P-7", Month: "2026-10", Amount: 12_000_000, Reason: "typo"}},
		{"", "plan-investment", values("project=P-7", "year=2027", "amount=1.2亿"),
			domain.PlanInvestment{Meta: meta(), Project: "P-7", Year: 2027, Amount: 120_000_000}},
		{"issue", "raise", values("project=P-7", "title=land dispute", "id=I-1", "on=2026-11-01"),
			domain.RaiseIssue{Meta: meta(), Project: "P-7", IssueID: "I-1", Title: "land dispute", On: domain.NewDate(2026, 11, 1)}},
		{"issue", "resolve", values("project=P-7", "issue=I-1", "resolution=settled"),
			domain.ResolveIssue{Meta: meta(), Project: "P-7", IssueID: "I-1", Resolution: "settled"}},
		{"", "explain-delay", values("project=P-7", "milestone=started", "reason=equipment late"),
			domain.ExplainDelay{Meta: meta(), Project: "P-7", Milestone: domain.MilestoneStarted, Reason: "equipment late"}},

		// The industry, the national code (full-width digits and dashes
		// normalised) and the order switch.
		{"project", "register", values("project=P-7", "investment=1亿", "industry=制造业", "code=２４１１－３６１１０２—４７-01-000034",
			"confirm-order=true", "plan=started=2027-01-31", "plan=signed=2027-03-31"),
			domain.RegisterProject{Meta: meta(), Project: "P-7", TotalInvestment: 100_000_000, Industry: "制造业",
				NationalCode: "2411-361102-47-01-000034", ConfirmOrder: true, Kind: domain.KindNew, TimeZone: domain.DefaultTimeZone,
				Plan: []domain.PlannedDeadline{
					{Milestone: domain.MilestoneStarted, Due: domain.NewDate(2027, 1, 31)},
					{Milestone: domain.MilestoneSigned, Due: domain.NewDate(2027, 3, 31)}}}},
		{"", "plan", values("project=P-7", "milestone=signed", "due=2027-03-31", "confirm-order=true"),
			domain.PlanMilestone{Meta: meta(), Project: "P-7", Milestone: domain.MilestoneSigned, Due: domain.NewDate(2027, 3, 31), ConfirmOrder: true}},
		{"", "revise-deadline", values("project=P-7", "milestone=started", "new_due=2026-12-01", "reason=land early", "confirm-order=true"),
			domain.ReviseDeadline{Meta: meta(), Project: "P-7", Milestone: domain.MilestoneStarted, Due: domain.NewDate(2026, 12, 1),
				Reason: "land early", ConfirmOrder: true}},
		{"", "record", values("step=started", "project=P-7", "on=2026-11-02", "confirm-order=true"),
			domain.RecordStep{Meta: meta(), Project: "P-7", Step: domain.Started, On: domain.NewDate(2026, 11, 2), ConfirmOrder: true}},
		{"", "record", values("step=started", "project=P-7", "confirm-order=false"),
			domain.RecordStep{Meta: meta(), Project: "P-7", Step: domain.Started}},
		{"", "withdraw-deadline", values("project=P-7", "milestone=eia", "reason=no EIA needed", "on=2026-11-20"),
			domain.WithdrawDeadline{Meta: meta(), Project: "P-7", Milestone: domain.MilestoneEIA, Reason: "no EIA needed", On: domain.NewDate(2026, 11, 20)}},

		// Corrections.
		{"correct", "facts", values("project=P-7", "name=光伏组件生产线", "unit=县发改局", "township=东乡", "leader=李敏", "industry=制造业",
			"code=2411-361102-47-01-000034", "investment=3.8亿", "registered-on=2026-10-28", "reason=typed from the wrong row", "on=2026-11-20"),
			domain.CorrectFacts{Meta: meta(), Project: "P-7", Name: "光伏组件生产线", Unit: "县发改局", Township: "东乡", Leader: "李敏",
				Industry: "制造业", NationalCode: "2411-361102-47-01-000034", TotalInvestment: 380_000_000,
				RegisteredOn: domain.NewDate(2026, 10, 28), Reason: "typed from the wrong row", On: domain.NewDate(2026, 11, 20)}},
		{"correct", "facts", values("project=P-7", "reason=r"),
			domain.CorrectFacts{Meta: meta(), Project: "P-7", Reason: "r"}},
		{"correct", "record", values("project=P-7", "type=signed", "date=2026-11-10", "reason=misread"),
			domain.CorrectRecord{Meta: meta(), Project: "P-7", Type: domain.Signed, Date: domain.NewDate(2026, 11, 10), Reason: "misread"}},
		{"correct", "record", values("project=P-7", "type=approved", "kind=eia", "ref=环审〔2026〕21号", "reason=mistyped", "on=2026-11-26"),
			domain.CorrectRecord{Meta: meta(), Project: "P-7", Type: domain.Approved, Kind: domain.ApprovalEIA, Reference: "环审〔2026〕21号",
				Reason: "mistyped", On: domain.NewDate(2026, 11, 26)}},
		{"correct", "record", values("project=P-7", "type=funds_received", "tranche=2", "amount=600万", "date=2026-02-28", "ref=转账 0042", "reason=voucher misread"),
			domain.CorrectRecord{Meta: meta(), Project: "P-7", Type: domain.FundsReceived, Tranche: 2, Amount: 6_000_000,
				Date: domain.NewDate(2026, 2, 28), Reference: "转账 0042", Reason: "voucher misread"}},
		{"correct", "record", values("project=P-7", "type=milestone_planned", "milestone=started", "date=2027-04-30", "reason=wrong row"),
			domain.CorrectRecord{Meta: meta(), Project: "P-7", Type: domain.MilestonePlanned, Milestone: domain.MilestoneStarted,
				Date: domain.NewDate(2027, 4, 30), Reason: "wrong row"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := form(t, tc.group, tc.name).Parse(tc.values, meta())
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestFormsRefuseWhatTheyCannotRead(t *testing.T) {
	cases := []struct {
		what, group, name string
		values            entry.Values
		want              string
	}{
		{"project id", "project", "register", values("project=bad.id", "investment=x"), badID},
		{"investment", "project", "register", values("project=P-7", "investment=12.5"),
			`--investment: "12.5" is not a whole number of yuan that fits; expected e.g. 350000000 or 3.5亿`},
		{"no investment", "project", "register", values("project=P-7"),
			`--investment: "" is not an amount; expected yuan as a whole number (350000000) or with a unit (35000万, 3.5亿)`},
		{"registration date", "project", "register", values("project=P-7", "investment=1万", "on=2026-02-30", "plan=x"),
			`--on: "2026-02-30" is not a date; expected YYYY-MM-DD`},
		{"deadline without =", "project", "register", values("project=P-7", "investment=1万", "plan=started=2027-01-01", "plan=started"),
			`--plan "started": expected MILESTONE=YYYY-MM-DD, e.g. started=2027-03-31`},
		{"deadline of no milestone", "project", "register", values("project=P-7", "investment=1万", "plan=opened=2027-01-01"),
			`--plan "opened=2027-01-01": "opened" is not a milestone; expected one of ` + strings.Join(names(domain.Milestones), ", ")},
		{"deadline on no date", "project", "register", values("project=P-7", "investment=1万", "plan=started=2027-13-01"),
			`--plan "started=2027-13-01": "2027-13-01" is not a date; expected YYYY-MM-DD`},
		{"plan of no milestone", "", "plan", values("project=P-7", "milestone=opened", "due=x"),
			`"opened" is not a milestone; expected one of ` + strings.Join(names(domain.Milestones), ", ")},
		{"plan's deadline", "", "plan", values("project=P-7", "milestone=started", "due=2027-1-1"),
			`deadline: "2027-1-1" is not a date; expected YYYY-MM-DD`},
		{"implausible deadline", "", "plan", values("project=P-7", "milestone=started", "due=0026-01-01"),
			`deadline: "0026-01-01" is not a plausible date for a project; expected a year from 1990 to 2100`},
		{"plan's date", "", "plan", values("project=P-7", "milestone=started", "due=2027-01-01", "on=2026"),
			`--on: "2026" is not a date; expected YYYY-MM-DD`},
		{"revised deadline", "", "revise-deadline", values("project=P-7", "milestone=started", "new_due=2027-02-30", "on=x"),
			`deadline: "2027-02-30" is not a date; expected YYYY-MM-DD`},
		{"no step", "", "record", values("step=celebrated", "project=bad.id"),
			`"celebrated" is not a step; expected one of ` + strings.Join(names(domain.Steps), ", ")},
		{"step's project", "", "record", values("step=signed", "project=bad.id", "on=x"), badID},
		{"step's date", "", "record", values("step=suspended", "project=P-7", "on=bad", "amount=bad", "kind=bad"),
			`--on: "bad" is not a date; expected YYYY-MM-DD`},
		{"funds", "", "record", values("step=funds_received", "project=P-7", "amount=-5"),
			`--amount: "-5" is negative; expected an amount of zero or more`},
		{"funds with commas", "", "record", values("step=funds_received", "project=P-7", "amount=1,00", "kind=bad"),
			`--amount: "1,00" has commas that are not thousands separators; expected e.g. 350,000,000 or 350000000`},
		{"approval", "", "record", values("step=approved", "project=P-7", "kind=fire", "expected-restart=x"),
			`--kind: "fire" is not an approval kind; expected one of ` + strings.Join(names(domain.ApprovalKinds), ", ")},
		{"restart", "", "record", values("step=suspended", "project=P-7", "expected-restart=soon"),
			`--expected-restart: "soon" is not a date; expected YYYY-MM-DD`},
		{"leader's project", "", "assign-leader", values("project=bad.id", "leader=Li"), badID},
		{"leader's date", "", "assign-leader", values("project=P-7", "leader=Li", "on=20260101"),
			`--on: "20260101" is not a date; expected YYYY-MM-DD`},
		{"month", "", "report-investment", values("project=P-7", "month=2026-1", "amount=x"),
			`"2026-1" is not a month; expected YYYY-MM`},
		{"implausible month", "", "report-investment", values("project=P-7", "month=1900-10", "amount=1"),
			`"1900-10" is not a plausible month for a project; expected a year from 1990 to 2100`},
		{"month's amount", "", "report-investment", values("project=P-7", "month=2026-10", "amount=lots"),
			`amount: "lots" is not an amount; expected yuan as a whole number (350000000) or with a unit (35000万, 3.5亿)`},
		{"year", "", "plan-investment", values("project=P-7", "year=twenty", "amount=x"),
			`year "twenty" is not a number; expected e.g. 2027`},
		{"year's amount", "", "plan-investment", values("project=P-7", "year=2027", "amount=1.2.3"),
			`amount: "1.2.3" is not an amount; expected yuan as a whole number (350000000) or with a unit (35000万, 3.5亿)`},
		{"issue's project", "issue", "raise", values("project=bad.id", "title=x"), badID},
		{"issue's date", "issue", "raise", values("project=P-7", "title=x", "on=yesterday"),
			`--on: "yesterday" is not a date; expected YYYY-MM-DD`},
		{"resolution's date", "issue", "resolve", values("project=P-7", "issue=I-1", "on=2026-00-01"),
			`--on: "2026-00-01" is not a date; expected YYYY-MM-DD`},
		{"late milestone", "", "explain-delay", values("project=P-7", "milestone=startd"),
			`"startd" is not a milestone; expected one of ` + strings.Join(names(domain.Milestones), ", ")},
		{"explanation's date", "", "explain-delay", values("project=P-7", "milestone=started", "on=2200-01-01"),
			`--on: "2200-01-01" is not a plausible date for a project; expected a year from 1990 to 2100`},
		{"national code", "project", "register", values("project=P-7", "investment=1万", "code=2026-12-01"), "--code: " + codeError("2026-12-01")},
		{"order switch", "", "record", values("step=started", "project=P-7", "confirm-order=maybe"),
			`--confirm-order: "maybe" is not a yes or no; expected true or false`},
		{"plan's order switch", "", "plan", values("project=P-7", "milestone=started", "due=2027-01-01", "confirm-order=yes please"),
			`--confirm-order: "yes please" is not a yes or no; expected true or false`},
		{"withdrawn milestone", "", "withdraw-deadline", values("project=P-7", "milestone=EIAA", "reason=r"),
			`"EIAA" is not a milestone; expected one of ` + strings.Join(names(domain.Milestones), ", ")},
		{"corrected project", "correct", "facts", values("project=bad.id", "investment=x"), badID},
		{"corrected investment", "correct", "facts", values("project=P-7", "investment=1.234567891亿", "registered-on=x"),
			`--investment: "1.234567891亿" is not a whole number of yuan that fits; expected e.g. 350000000 or 3.5亿`},
		{"corrected code", "correct", "facts", values("project=P-7", "code=2026-361102-47-01"), "--code: " + codeError("2026-361102-47-01")},
		{"corrected registration date", "correct", "facts", values("project=P-7", "registered-on=2026/10/28"),
			`--registered-on: "2026/10/28" is not a date; expected YYYY-MM-DD`},
		{"record type", "correct", "record", values("project=P-7", "type=registered", "tranche=x"),
			`"registered" is not a record that can be corrected; expected a step (negotiating, signed, funds_received, approved, started, completed, commissioned, full_capacity) or milestone_planned`},
		{"corrected approval", "correct", "record", values("project=P-7", "type=approved", "kind=EIAA"),
			`--kind: "EIAA" is not an approval kind; expected one of ` + strings.Join(names(domain.ApprovalKinds), ", ")},
		{"corrected baseline's milestone", "correct", "record", values("project=P-7", "type=milestone_planned", "milestone=start"),
			`--milestone: "start" is not a milestone; expected one of ` + strings.Join(names(domain.Milestones), ", ")},
		{"tranche", "correct", "record", values("project=P-7", "type=funds_received", "tranche=second", "date=x"),
			`--tranche: "second" is not a tranche number; expected 1 for the first tranche recorded, 2 for the second, ...`},
		{"tranche 0", "correct", "record", values("project=P-7", "type=funds_received", "tranche=0"),
			`--tranche: "0" is not a tranche number; expected 1 for the first tranche recorded, 2 for the second, ...`},
		{"corrected date", "correct", "record", values("project=P-7", "type=signed", "date=2026-11-31"),
			`--date: "2026-11-31" is not a date; expected YYYY-MM-DD`},
		{"corrected amount", "correct", "record", values("project=P-7", "type=funds_received", "amount=600w"),
			`--amount: "600w" is not an amount; expected yuan as a whole number (350000000) or with a unit (35000万, 3.5亿)`},
	}
	for _, tc := range cases {
		t.Run(tc.what, func(t *testing.T) {
			got, err := form(t, tc.group, tc.name).Parse(tc.values, meta())
			require.Error(t, err)
			assert.Nil(t, got)
			assert.Equal(t, tc.want, err.Error())
			assert.ErrorIs(t, err, domain.ErrInvalid)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

// codeError is how domain.ParseNationalCode refuses s.
func codeError(s string) string {
	_, err := domain.ParseNationalCode(s)
	if err == nil {
		return ""
	}
	return err.Error()
}

// names lists ts as messages do: "signed (签约)".
func names[T interface {
	~string
	Chinese() string
}](ts []T) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t) + " (" + t.Chinese() + ")"
	}
	return out
}

func TestALayoutErrorIsTellable(t *testing.T) {
	_, err := entry.Deadlines("--plan", []string{"started=2027-03-31", "started 2027-03-31"})
	var le *entry.LayoutError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, `--plan "started 2027-03-31": expected MILESTONE=YYYY-MM-DD, e.g. started=2027-03-31`, le.Error())

	_, err = entry.Deadlines("--plan", []string{"started=2027-02-30"})
	require.Error(t, err)
	assert.False(t, errors.As(err, &le), "a bad date inside the layout is not a layout error")
}

func TestOptionalDate(t *testing.T) {
	d, err := entry.OptionalDate("--as-of", "")
	require.NoError(t, err)
	assert.True(t, d.IsZero(), "empty is the zero Date: today, once stored")

	d, err = entry.OptionalDate("--as-of", "2026-11-30")
	require.NoError(t, err)
	assert.Equal(t, domain.NewDate(2026, 11, 30), d)

	_, err = entry.OptionalDate("--as-of", "2026-11-31")
	assert.EqualError(t, err, `--as-of: "2026-11-31" is not a date; expected YYYY-MM-DD`)
}

// Every form is named once, says what it needs once, and reads only what
// it says it needs: with nothing typed, it refuses instead of panicking.
func TestFormsAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range entry.Forms() {
		key := f.Group + " " + f.Name()
		assert.False(t, seen[key], "form %q listed twice", key)
		seen[key] = true
		assert.NotEmpty(t, f.Short, key)
		assert.Contains(t, f.Args(), "project", "%s: every form is for one project", key)

		declared := map[string]bool{}
		for _, name := range f.Args() {
			assert.False(t, declared[name], "%s: %q declared twice", key, name)
			declared[name] = true
		}
		for _, fl := range f.Fields {
			assert.False(t, declared[fl.Name], "%s: %q declared twice", key, fl.Name)
			declared[fl.Name] = true
			assert.NotEmpty(t, fl.Help, "%s --%s", key, fl.Name)
		}
		assert.NotPanics(t, func() { _, _ = f.Parse(entry.Values{}, meta()) }, key)
	}
}

func TestArgsFollowUse(t *testing.T) {
	assert.Equal(t, []string{"project", "milestone", "new_due"}, form(t, "", "revise-deadline").Args())
	assert.Equal(t, []string{"step", "project"}, form(t, "", "record").Args())
	assert.Equal(t, []string{"project", "issue"}, form(t, "issue", "resolve").Args())
	assert.Equal(t, []string{"project", "type"}, form(t, "correct", "record").Args())
	assert.Equal(t, []string{"project"}, form(t, "correct", "facts").Args())
	assert.Equal(t, []string{"project", "milestone"}, form(t, "", "withdraw-deadline").Args())
	assert.Equal(t, "resolve", form(t, "issue", "resolve").Name())
}

package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

// historyView is what these tests read of an event of `history --json`.
type historyView struct {
	Sequence    uint64           `json:"sequence"`
	Type        domain.EventType `json:"type"`
	Schema      int              `json:"schema"`
	OccurredOn  domain.Date      `json:"occurred_on"`
	CorrectedBy []uint64         `json:"corrected_by"`
	Corrects    uint64           `json:"corrects"`
}

// historyViews is `history PROJECT --json`, decoded.
func (c *cli) historyViews(project string, flags ...string) []historyView {
	c.t.Helper()
	var views []historyView
	require.NoError(c.t, json.Unmarshal([]byte(c.ok(append([]string{"history", project, "--json"}, flags...)...)), &views))
	return views
}

// ofType returns the views of type t.
func ofType(views []historyView, t domain.EventType) []historyView {
	var out []historyView
	for _, v := range views {
		if v.Type == t {
			out = append(out, v)
		}
	}
	return out
}

// projectState is `project show PROJECT --json`, decoded.
func (c *cli) projectState(project string) domain.Project {
	c.t.Helper()
	var p domain.Project
	require.NoError(c.t, json.Unmarshal([]byte(c.ok("project", "show", project, "--json")), &p))
	return p
}

// statusRow is the row of project in `status --json` with flags.
func (c *cli) statusRow(project string, flags ...string) projections.StatusRow {
	c.t.Helper()
	var rows []projections.StatusRow
	require.NoError(c.t, json.Unmarshal([]byte(c.ok(append([]string{"status", "--json"}, flags...)...)), &rows))
	for _, r := range rows {
		if string(r.Project) == project {
			return r
		}
	}
	c.t.Fatalf("no status row for %s in %v", project, rows)
	return projections.StatusRow{}
}

// storedSeq is the sequence a recording command printed.
func storedSeq(t *testing.T, out string) uint64 {
	t.Helper()
	m := regexp.MustCompile(`at sequence (\d+)`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	seq, err := strconv.ParseUint(m[1], 10, 64)
	require.NoError(t, err)
	return seq
}

// historyLine is the line of the history table that holds seq.
func historyLine(t *testing.T, table string, seq uint64) string {
	t.Helper()
	for _, line := range strings.Split(table, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), fmt.Sprint(seq)+" ") {
			return line
		}
	}
	t.Fatalf("no line for seq %d in\n%s", seq, table)
	return ""
}

// A step recorded on the wrong day is corrected by a new event: the
// project reads the right date, the history keeps both and ties them
// together, and the chain still verifies.
func TestCorrectingAStepsDateKeepsTheOriginal(t *testing.T) {
	c := newCLI(t)
	c.ok("project", "register", "P-1", "--name", "光伏组件", "--investment", "3.5亿", "--unit", "县工信局", "--leader", "李明", "--on", "2026-11-01")
	signed := storedSeq(t, c.ok("record", "signed", "P-1", "--on", "2026-11-20"))
	c.clock.Advance(time.Hour)

	out := c.ok("correct", "record", "P-1", "signed", "--date", "2026-11-10", "--reason", "date misread from the minutes")
	assert.Contains(t, out, "stored: P-1 record_corrected")
	assert.Contains(t, out, "corrected signed: date 2026-11-20 -> 2026-11-10: date misread from the minutes")
	fix := storedSeq(t, out)

	assert.Equal(t, domain.NewDate(2026, 11, 10), c.projectState("P-1").Steps[domain.Signed])
	assert.Contains(t, c.ok("project", "show", "P-1"), "steps: signed 2026-11-10")
	assert.Equal(t, "signed", c.statusRow("P-1").Stage)

	table := c.ok("history", "P-1")
	assert.Contains(t, historyLine(t, table, signed), fmt.Sprintf("signed (corrected at seq %d)", fix))
	assert.Contains(t, historyLine(t, table, fix), fmt.Sprintf("date misread from the minutes (corrects seq %d)", signed))

	views := c.historyViews("P-1")
	require.Len(t, views, 3)
	assert.Equal(t, []uint64{fix}, ofType(views, domain.Signed)[0].CorrectedBy)
	assert.Equal(t, domain.NewDate(2026, 11, 20), ofType(views, domain.Signed)[0].OccurredOn, "the original is as it was")
	assert.Equal(t, signed, ofType(views, domain.RecordCorrected)[0].Corrects)
	assert.Empty(t, ofType(views, domain.Registered)[0].CorrectedBy)
	assert.NotContains(t, c.ok("history", "P-1", "--json"), `"corrected_by": []`, "only a corrected event carries the list")

	assert.Contains(t, c.ok("verify", "P-1"), "verified 1 projects, 3 events in")
}

// The reports as the ledger knew them before a correction show the old
// value; after it, the new one.
func TestReportsAsOfRecordedShowTheValueBeforeAndAfterACorrection(t *testing.T) {
	c := newCLI(t) // 2026-11-27 10:00 in Shanghai
	c.ok("project", "register", "P-1", "--name", "光伏组件", "--investment", "3.5亿", "--unit", "县工信局", "--leader", "李明",
		"--on", "2026-11-01", "--plan", "signed=2026-11-15")
	c.ok("record", "signed", "P-1", "--on", "2026-11-20")
	c.clock.Advance(time.Hour)
	c.ok("correct", "facts", "P-1", "--name", "光伏组件生产线", "--reason", "name typed from the wrong row")
	c.ok("correct", "record", "P-1", "signed", "--date", "2026-11-10", "--reason", "date misread from the minutes")

	signedDeadline := func(recorded string) projections.DeadlineAudit {
		var audits []projections.DeadlineAudit
		require.NoError(t, json.Unmarshal([]byte(c.ok("audit", "deadlines", "P-1", "--as-of-recorded", recorded, "--json")), &audits))
		require.Len(t, audits, 1)
		return audits[0]
	}

	assert.Equal(t, "光伏组件", c.statusRow("P-1", "--as-of-recorded", "2026-11-27 10:30").Name)
	before := signedDeadline("2026-11-27 10:30")
	assert.Equal(t, domain.NewDate(2026, 11, 20), before.Reached)
	assert.Equal(t, "reached 5 days late", before.Outcome, "as the ledger knew it, signing was on the 20th")

	assert.Equal(t, "光伏组件生产线", c.statusRow("P-1", "--as-of-recorded", "2026-11-27 11:30").Name)
	after := signedDeadline("2026-11-27 11:30")
	assert.Equal(t, domain.NewDate(2026, 11, 10), after.Reached)
	assert.Equal(t, "reached on time", after.Outcome)
	assert.Equal(t, "光伏组件生产线", c.statusRow("P-1").Name)

	// The history as recorded by then shows no correction yet.
	then := c.historyViews("P-1", "--as-of-recorded", "2026-11-27 10:30")
	require.Len(t, then, 3)
	for _, v := range then {
		assert.Empty(t, v.CorrectedBy, "%s", v.Type)
	}
	assert.NotContains(t, c.ok("history", "P-1", "--as-of-recorded", "2026-11-27 10:30"), "corrected")
	assert.Len(t, c.historyViews("P-1"), 5)
}

func TestCorrectingRegisteredFacts(t *testing.T) {
	c := newCLI(t)
	reg := storedSeq(t, c.ok("project", "register", "P-1", "--name", "光伏组件", "--investment", "3.5亿", "--unit", "县工信局",
		"--leader", "李明", "--on", "2026-11-01"))
	out := c.ok("correct", "facts", "P-1", "--name", "光伏组件生产线", "--unit", "县发改局", "--investment", "38000万",
		"--reason", "typed from the wrong row")
	assert.Contains(t, out, `stored: P-1 facts_corrected`)
	assert.Contains(t, out, `corrected name "光伏组件" -> "光伏组件生产线"; unit "县工信局" -> "县发改局"; investment 350,000,000 -> 380,000,000 yuan: typed from the wrong row`)
	fix := storedSeq(t, out)

	p := c.projectState("P-1")
	assert.Equal(t, "光伏组件生产线", p.Name)
	assert.Equal(t, "县发改局", p.Unit)
	assert.Equal(t, int64(380_000_000), p.TotalInvestment)
	row := c.statusRow("P-1")
	assert.Equal(t, "光伏组件生产线", row.Name)
	assert.Equal(t, "县发改局", row.Unit)
	assert.Equal(t, int64(380_000_000), row.TotalInvestment)

	table := c.ok("history", "P-1")
	assert.Contains(t, historyLine(t, table, reg), fmt.Sprintf("光伏组件; 350,000,000 yuan; unit 县工信局; leader 李明; new (corrected at seq %d)", fix))
	views := c.historyViews("P-1")
	assert.Equal(t, []uint64{fix}, views[0].CorrectedBy)
	assert.Equal(t, reg, views[1].Corrects)
}

// Of two tranches, the one named by --tranche is corrected; without it the
// refusal lists them.
func TestCorrectingOneTrancheOfTwo(t *testing.T) {
	c := newCLI(t)
	c.ok("project", "register", "P-1", "--name", "n", "--investment", "1亿", "--unit", "u", "--leader", "l", "--on", "2026-11-01")
	first := storedSeq(t, c.ok("record", "funds_received", "P-1", "--amount", "500万", "--on", "2026-11-10", "--ref", "转账 0041"))
	second := storedSeq(t, c.ok("record", "funds_received", "P-1", "--amount", "300万", "--on", "2026-11-20"))
	before := c.msgCount()

	code, out, errs := c.run("correct", "record", "P-1", "funds_received", "--amount", "600万", "--reason", "voucher misread")
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, "ledger: cannot correct funds_received for P-1: the project has 2 tranches; "+
		"name one with --tranche (1 = 2026-11-10 5,000,000 yuan; 2 = 2026-11-20 3,000,000 yuan)\n", errs)
	assert.Equal(t, before, c.msgCount())

	out = c.ok("correct", "record", "P-1", "funds_received", "--tranche", "2", "--amount", "600万", "--date", "2026-11-19",
		"--reason", "voucher misread")
	assert.Contains(t, out, "corrected funds_received tranche 2: amount 3,000,000 -> 6,000,000 yuan, date 2026-11-20 -> 2026-11-19: voucher misread")
	fix := storedSeq(t, out)

	p := c.projectState("P-1")
	assert.Equal(t, int64(11_000_000), p.FundsTotal)
	assert.Equal(t, []domain.Tranche{
		{On: domain.NewDate(2026, 11, 10), Amount: 5_000_000, Reference: "转账 0041"},
		{On: domain.NewDate(2026, 11, 19), Amount: 6_000_000},
	}, p.Funds)

	views := c.historyViews("P-1")
	for _, v := range views {
		switch v.Sequence {
		case first:
			assert.Empty(t, v.CorrectedBy, "the first tranche is as it was")
		case second:
			assert.Equal(t, []uint64{fix}, v.CorrectedBy)
		case fix:
			assert.Equal(t, second, v.Corrects)
		}
	}
	assert.Contains(t, historyLine(t, c.ok("history", "P-1"), second), fmt.Sprintf("received 3,000,000 yuan (corrected at seq %d)", fix))
}

// A deadline that no longer applies is withdrawn: it leaves the overdue
// list and the project's deadlines, and stays in the history.
func TestWithdrawingADeadline(t *testing.T) {
	c := newCLI(t)
	c.ok("project", "register", "P-1", "--name", "n", "--investment", "1亿", "--unit", "u", "--leader", "l", "--on", "2026-10-01",
		"--plan", "eia=2026-10-31", "--plan", "started=2027-03-31")
	overdue := func() []projections.OverdueRow {
		var rows []projections.OverdueRow
		require.NoError(t, json.Unmarshal([]byte(c.ok("overdue", "--json")), &rows))
		return rows
	}
	require.Len(t, overdue(), 1)
	assert.Equal(t, domain.MilestoneEIA, overdue()[0].Milestone)

	out := c.ok("withdraw-deadline", "P-1", "eia", "--reason", "registration-only project: no EIA required")
	assert.Contains(t, out, "stored: P-1 deadline_withdrawn")
	assert.Contains(t, out, "eia deadline 2026-10-31 withdrawn (baseline 2026-10-31): registration-only project: no EIA required")

	assert.Empty(t, overdue())
	p := c.projectState("P-1")
	assert.NotContains(t, p.Deadlines, domain.MilestoneEIA)
	assert.Contains(t, p.Deadlines, domain.MilestoneStarted)
	show := c.ok("project", "show", "P-1")
	assert.NotContains(t, show, "eia")
	assert.Contains(t, show, "2027-03-31")
	row := c.statusRow("P-1")
	assert.Equal(t, domain.MilestoneStarted, row.NextMilestone)
	assert.Zero(t, row.OverdueCount)

	history := c.ok("history", "P-1")
	assert.Contains(t, history, "eia due 2026-10-31")
	assert.Contains(t, history, "deadline_withdrawn")
	assert.Len(t, ofType(c.historyViews("P-1"), domain.MilestonePlanned), 2)
}

// The industry and the national code are stored with the registration
// and shown.
func TestRegisteringTheIndustryAndTheNationalCode(t *testing.T) {
	c := newCLI(t)
	out := c.ok("project", "register", "P-1", "--name", "光伏组件", "--investment", "3.5亿", "--unit", "县工信局", "--leader", "李明",
		"--industry", "制造业", "--code", "２４１１－３６１１０２－４７－０１－６３７０１５", "--content", "年产光伏组件2GW")
	assert.Contains(t, out, "光伏组件; 350,000,000 yuan; unit 县工信局; leader 李明; new\n", "the summary reads as it always has")
	assert.Contains(t, c.ok("project", "show", "P-1", "--json"), `"national_code": "2411-361102-47-01-637015"`)
	row := c.statusRow("P-1")
	assert.Equal(t, "制造业", row.Industry)
	assert.Equal(t, "2411-361102-47-01-637015", row.NationalCode)
	assert.Equal(t, 3, c.historyViews("P-1")[0].Schema)
	assert.Contains(t, c.ok("project", "show", "2411-361102-47-01-637015"), "光伏组件", "found by its national code")
	assert.Contains(t, c.ok("project", "show", "P-1"), "industry 制造业, national code 2411-361102-47-01-637015\n建设内容 (what is built): 年产光伏组件2GW\n")
}

// A refused correction, or a refused fact, prints one line, exits
// non-zero and stores nothing.
func TestRefusedCorrectionsAndFactsStoreNothing(t *testing.T) {
	c := newCLI(t)
	c.ok("project", "register", "P-1", "--name", "光伏组件", "--investment", "3.5亿", "--unit", "县工信局", "--leader", "李明",
		"--on", "2026-11-01", "--plan", "signed=2026-11-30", "--plan", "eia=2026-12-31", "--plan", "started=2027-03-31")
	c.ok("record", "signed", "P-1", "--on", "2026-11-20")
	before := c.msgCount()

	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"correction without reason", []string{"correct", "record", "P-1", "signed", "--date", "2026-11-10"}, 1,
			"ledger: cannot correct signed for P-1: no reason given; say why the record was wrong (--reason)\n"},
		{"facts without reason", []string{"correct", "facts", "P-1", "--name", "光伏组件生产线"}, 1,
			"ledger: cannot correct facts for P-1: no reason given; say why the facts were wrong (--reason)\n"},
		{"withdrawal without reason", []string{"withdraw-deadline", "P-1", "eia"}, 1,
			"ledger: cannot withdraw the deadline of eia for P-1: no reason given; say why the deadline no longer applies (--reason)\n"},
		{"facts that do not differ", []string{"correct", "facts", "P-1", "--name", "光伏组件", "--investment", "3.5亿", "--reason", "r"}, 1,
			"ledger: cannot correct facts for P-1: nothing differs from what is recorded; "},
		{"a date that does not differ", []string{"correct", "record", "P-1", "signed", "--date", "2026-11-20", "--reason", "r"}, 1,
			"ledger: cannot correct signed for P-1: nothing differs from what is recorded; give the right date (--date), document number (--ref) or amount (--amount)\n"},
		{"a step not recorded", []string{"correct", "record", "P-1", "started", "--date", "2026-11-20", "--reason", "r"}, 1,
			"ledger: cannot correct started for P-1: started is not recorded; record it rather than correct it\n"},
		{"a record that cannot be corrected", []string{"correct", "record", "P-1", "registered", "--reason", "r"}, 1,
			`ledger: "registered" is not a record that can be corrected; expected a step`},
		{"a bad tranche", []string{"correct", "record", "P-1", "funds_received", "--tranche", "two", "--reason", "r"}, 1,
			`ledger: --tranche: "two" is not a tranche number`},
		{"a 300-character name", []string{"project", "register", "P-2", "--name", strings.Repeat("光", 300), "--investment", "1亿",
			"--unit", "u", "--leader", "l"}, 1,
			"ledger: cannot register project for P-2: the name is 300 characters long; give at most 200 characters\n"},
		{"a 300-character corrected name", []string{"correct", "facts", "P-1", "--name", strings.Repeat("光", 300), "--reason", "r"}, 1,
			"ledger: cannot correct facts for P-1: the name is 300 characters long; give at most 200 characters\n"},
		{"a bad national code", []string{"project", "register", "P-2", "--name", "n", "--investment", "1亿", "--unit", "u", "--leader", "l",
			"--code", "2026-361102-47-01-000034"}, 1,
			`ledger: --code: "2026-361102-47-01-000034" is not a national project code: the time part 2026 is neither a year`},
		{"a bad corrected national code", []string{"correct", "facts", "P-1", "--code", "2411-361102-47-01", "--reason", "r"}, 1,
			`ledger: --code: "2411-361102-47-01" is not a national project code: it has 4 hyphen-separated parts, expected 5`},
		{"started before signed", []string{"record", "started", "P-1", "--on", "2026-11-15"}, 1,
			"ledger: cannot record started for P-1: started on 2026-11-15 is before signed on 2026-11-20; " +
				"if that is what happened, repeat with --confirm-order: it is stored and flagged for the auditor\n"},
		{"negotiating after signed", []string{"record", "negotiating", "P-1", "--on", "2026-11-25"}, 1,
			"ledger: cannot record negotiating for P-1: negotiating on 2026-11-25 is after signed on 2026-11-20; "},
		{"a plan that runs backwards", []string{"plan", "P-1", "completed", "2027-01-31"}, 1,
			"ledger: cannot plan completed for P-1: completed is due 2027-01-31, before started due 2027-03-31; " +
				"if that is what happened, repeat with --confirm-order"},
		{"a revision that runs backwards", []string{"revise-deadline", "P-1", "started", "2026-11-10", "--reason", "r"}, 1,
			"ledger: cannot revise deadline of started for P-1: started is due 2026-11-10, before signed due 2026-11-30; "},
		{"a registration plan that runs backwards", []string{"project", "register", "P-3", "--name", "n", "--investment", "1亿",
			"--unit", "u", "--leader", "l", "--plan", "signed=2027-06-30", "--plan", "started=2027-03-31"}, 1,
			"ledger: cannot register project for P-3: started is due 2027-03-31, before signed due 2027-06-30; "},
		{"a bad switch", []string{"record", "started", "P-1", "--confirm-order=perhaps"}, 2, `invalid argument "perhaps" for "--confirm-order"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := c.run(tc.args...)
			assert.Equal(t, tc.code, code)
			assert.Empty(t, out)
			assert.Equal(t, 1, strings.Count(errs, "\n"), "one line: %q", errs)
			assert.Contains(t, errs, tc.want)
		})
	}
	assert.Equal(t, before, c.msgCount(), "nothing stored by refused commands")

	// Confirmed, the same facts are stored; a start before the signing
	// is flagged.
	out := c.ok("record", "started", "P-1", "--on", "2026-11-15", "--confirm-order")
	assert.Contains(t, out, "stored: P-1 started")
	assert.Contains(t, c.ok("project", "show", "P-1"), "started_before_signed")
	assert.Contains(t, c.projectState("P-1").Flags, domain.FlagStartedBeforeSigned)
	assert.Contains(t, c.statusRow("P-1").Flags, domain.FlagStartedBeforeSigned)
	c.ok("plan", "P-1", "completed", "2027-01-31", "--confirm-order")
	c.ok("project", "register", "P-3", "--name", "n", "--investment", "1亿", "--unit", "u", "--leader", "l",
		"--plan", "signed=2027-06-30", "--plan", "started=2027-03-31", "--confirm-order")
	assert.Equal(t, before+1+1+3, c.msgCount())
}

// On the business-date axis a correction counts whatever day it was made:
// it says what was true all along.
func TestACorrectedDateCountsOnEveryBusinessDate(t *testing.T) {
	c := newCLI(t)
	c.ok("project", "register", "P-1", "--name", "n", "--investment", "1亿", "--unit", "u", "--leader", "l", "--on", "2026-11-01")
	c.ok("record", "signed", "P-1", "--on", "2026-11-20")
	stage := func() string {
		var rows []map[string]any
		require.NoError(t, json.Unmarshal([]byte(c.ok("status", "--as-of", "2026-11-15", "--json")), &rows))
		require.Len(t, rows, 1)
		return rows[0]["stage"].(string)
	}
	assert.Equal(t, "registered", stage())
	c.ok("correct", "record", "P-1", "signed", "--date", "2026-11-10", "--reason", "misread the contract date")
	assert.Equal(t, "signed", stage(), "signed on 11-10 after all")
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

func TestStatusOnTheDemoData(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")

	var rows []projections.StatusRow
	require.NoError(t, json.Unmarshal([]byte(c.ok("status", "--as-of", "2026-11-30", "--json")), &rows))
	byID := map[domain.ProjectID]projections.StatusRow{}
	for _, r := range rows {
		byID[r.Project] = r
	}
	assert.Len(t, rows, 5+50, "the terminated DEMO-6 leaves the table; the county plan's 50 are in it")
	_, terminated := byID["DEMO-6"]
	assert.False(t, terminated)
	agri := byID["DEMO-3"]
	assert.Equal(t, projections.LightRed, agri.Light)
	assert.Equal(t, domain.MilestoneLand, agri.NextMilestone)
	assert.Equal(t, 91, agri.DaysLate)
	assert.Equal(t, 3, agri.OverdueCount)
	assert.Equal(t, projections.LightSuspended, byID["DEMO-5"].Light)
	assert.Equal(t, int64(30_000_000), byID["DEMO-1"].InvestedToDate)

	red := c.ok("status", "--as-of", "2026-11-30", "--light", "red", "--unit", "县农业农村局", "--csv")
	lines := strings.Split(strings.TrimSpace(red), "\n")
	require.Len(t, lines, 5, "header, three projects of the imported sheet and DEMO-3")
	assert.True(t, strings.HasPrefix(lines[4], "DEMO-3,"))
	for _, l := range lines[1:] {
		assert.Contains(t, l, ",县农业农村局,", "only the unit asked for")
		assert.Contains(t, l, ",red,", "only red lights")
	}

	zh := c.ok("overdue", "--as-of", "2026-11-30", "--lang", "zh")
	assert.Contains(t, zh, "逾期清单")
	assert.Contains(t, zh, "红灯")
}

func TestStatusXLSXOpensWithEverySheet(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	path := filepath.Join(t.TempDir(), "out.xlsx")
	out := c.ok("status", "--as-of", "2026-11-30", "--xlsx", path)
	assert.Contains(t, out, "wrote "+path)

	f, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, []string{"status", "overdue", "scoreboard", "investment", "unit-investment", "supervision"}, f.GetSheetList())

	rows, err := f.GetRows("status")
	require.NoError(t, err)
	require.Len(t, rows, 2+1+55+1, "heading, date line, header, a row per project, total")
	assert.Equal(t, "Project status (as of 2026-11-30)", rows[0][0])
	assert.Equal(t, []string{"No.", "Project"}, rows[2][:2])
	assert.Equal(t, "Total", rows[len(rows)-1][0])
	head := rows[2]
	col := func(name string) int {
		i := indexOf(head, name)
		require.GreaterOrEqual(t, i, 0, "column %q in %v", name, head)
		return i
	}
	line := func(project string) int {
		for i, r := range rows {
			if len(r) > 1 && r[1] == project {
				return i
			}
		}
		t.Fatalf("no row for %s", project)
		return 0
	}
	assert.Equal(t, "red", rows[line("DEMO-3")][col("Light")])
	total, err := f.GetCellValue("status", cellName(t, col("Total investment (10k yuan)"), line("DEMO-1")+1), excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	assert.Equal(t, "35000", total, "money cells hold 万元, as the header says")

	var overdueJSON []projections.OverdueRow
	require.NoError(t, json.Unmarshal([]byte(c.ok("overdue", "--as-of", "2026-11-30", "--json")), &overdueJSON))
	overdue, err := f.GetRows("overdue")
	require.NoError(t, err)
	assert.Len(t, overdue, 3+len(overdueJSON)+1, "heading, date line, header, one row per overdue deadline, total")
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

func cellName(t *testing.T, col, row int) string {
	name, err := excelize.CoordinatesToCellName(col+1, row)
	require.NoError(t, err)
	return name
}

func TestBulletinForTheMonthNamesMissesAndRanksUnits(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	out := c.ok("bulletin", "--period", "month", "--as-of", "2026-11-30", "--md")
	for _, want := range []string{
		"Month bulletin 2026-11-01 to 2026-11-30", "milestones reached", "deadlines missed", "overdue", "investment", "units ranked",
		"| DEMO-2 ", "| DEMO-3 ",
	} {
		assert.Contains(t, out, want)
	}
	var b projections.Bulletin
	require.NoError(t, json.Unmarshal([]byte(c.ok("bulletin", "--period", "month", "--as-of", "2026-11-30", "--json")), &b))
	var missed []string
	for _, m := range b.Missed {
		missed = append(missed, fmt.Sprintf("%s %s %s", m.Project, m.Milestone, m.Due))
	}
	assert.Contains(t, missed, "DEMO-3 eia 2026-11-15")
	assert.Equal(t, int64(12_000_000), b.InvestmentTotal, "DEMO-1's November report")
	for i, u := range b.Units {
		assert.Equal(t, i+1, u.Rank)
	}
}

func TestReportsRefuseBadFlags(t *testing.T) {
	c := newCLI(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"status", "--as-of", "2026-13-01"}, "--as-of: \"2026-13-01\" is not a date"},
		{[]string{"status", "--lang", "fr"}, "--lang"},
		{[]string{"status", "--csv", "--json"}, "choose one of --json, --csv, --md and --xlsx"},
		{[]string{"status", "--red-late", "0"}, "traffic-light bands"},
		{[]string{"scoreboard", "--sort", "best"}, "--sort"},
		{[]string{"bulletin", "--period", "decade"}, "--period"},
		{[]string{"status", "--light", "rde"}, "--light \"rde\": expected one of green (绿灯), yellow (黄灯), red (红灯), suspended (停工)"},
		{[]string{"status", "--stage", "剪彩"}, "--stage"},
		{[]string{"status", "--kind", "扩建"}, "--kind"},
	} {
		code, out, errs := c.run(tc.args...)
		assert.NotEqual(t, 0, code, "%v", tc.args)
		assert.Empty(t, out)
		assert.Contains(t, errs, tc.want, "%v", tc.args)
		assert.Equal(t, 1, strings.Count(errs, "\n"))
	}
}

func TestServeKeepsProjectionsCurrentForOtherCommands(t *testing.T) {
	c := newCLI(t)
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var serveOut strings.Builder
	ready := make(chan struct{})
	wg.Go(func() {
		a := newApp(&lineSignal{w: &serveOut, match: "Ctrl-C", ready: ready}, &strings.Builder{})
		a.clock = c.clock
		a.run(ctx, []string{"--data", c.dir, "serve", "--listen", "127.0.0.1:0", "--board", "127.0.0.1:0"})
	})
	<-ready
	c.ok("project", "register", "P-1", "--name", "Bridge", "--investment", "1亿", "--unit", "Transport", "--leader", "Zhao",
		"--on", "2026-10-01", "--plan", "started=2026-11-20")
	var rows []projections.StatusRow
	require.NoError(t, json.Unmarshal([]byte(c.ok("status", "--json")), &rows))
	require.Len(t, rows, 1, "the serve's runner applied the registration")
	assert.Equal(t, 7, rows[0].DaysLate)

	c.ok("record", "started", "P-1", "--on", "2026-11-26")
	require.NoError(t, json.Unmarshal([]byte(c.ok("status", "--json")), &rows))
	assert.Equal(t, "started", rows[0].Stage)
	assert.Equal(t, projections.LightGreen, rows[0].Light)

	stop()
	wg.Wait()
	assert.Contains(t, serveOut.String(), "stopped cleanly")
}

// lineSignal passes writes through and closes ready once match is written.
type lineSignal struct {
	mu    sync.Mutex
	w     *strings.Builder
	match string
	ready chan struct{}
	done  bool
}

func (l *lineSignal) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.w.Write(p)
	if !l.done && strings.Contains(l.w.String(), l.match) {
		l.done = true
		close(l.ready)
	}
	return n, err
}

func TestBulletinXLSXHoldsTheBulletinSheets(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	path := filepath.Join(t.TempDir(), "bulletin.xlsx")
	c.ok("bulletin", "--period", "month", "--as-of", "2026-11-30", "--xlsx", path)
	f, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer f.Close()
	sheets := f.GetSheetList()
	require.Len(t, sheets, 5)
	for _, s := range sheets {
		assert.True(t, strings.HasPrefix(s, "bulletin-"), s)
	}
}

func TestBulletinCSVHasOneByteOrderMarkAndTitledTables(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	out := c.ok("bulletin", "--period", "month", "--as-of", "2026-11-30", "--csv", "--bom")
	assert.Equal(t, 1, strings.Count(out, "\ufeff"), "one byte order mark, at the start")
	assert.True(t, strings.HasPrefix(out, "\ufeffMonth bulletin 2026-11-01 to 2026-11-30: milestones reached\n"))
	assert.Contains(t, out, "\n\nMonth bulletin 2026-11-01 to 2026-11-30: units ranked, best first\n")
}

// On an empty ledger every list prints as [] in JSON, at any depth, never
// null: a reader iterating over it need not test it first.
func TestEmptyListsPrintAsEmptyJSONArrays(t *testing.T) {
	c := newCLI(t)
	lists := [][]string{
		{"status"}, {"overdue"}, {"scoreboard"}, {"scoreboard", "--by", "leader"}, {"investment"}, {"investment", "--by", "unit"},
		{"supervision"}, {"audit", "late-entries"},
	}
	for _, args := range lists {
		assert.Equal(t, "[]\n", c.ok(append(args, "--json")...), "ledger %v --json", args)
	}
	objects := [][]string{{"bulletin", "--period", "week"}, {"bulletin", "--period", "month"}, {"verify", "--all"}}
	for _, args := range objects {
		out := c.ok(append(args, "--json")...)
		assert.NotContains(t, out, "null", "ledger %v --json", args)
		var v map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &v))
		lists := 0
		for _, field := range v {
			if l, ok := field.([]any); ok {
				assert.Empty(t, l)
				lists++
			}
		}
		assert.Positive(t, lists, "ledger %v --json has lists", args)
	}
}

// A unit or leader the ledger does not know is a mistake to be told of,
// not an empty table: one line naming the closest known names, exit 1.
func TestReportsRefuseUnitsAndLeadersNotInTheLedger(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"overdue", "--as-of", "2026-11-30", "--unit", "县工信"}, `ledger: no unit "县工信" in the ledger; the closest: 县工信局`},
		{[]string{"status", "--leader", "李明明"}, `ledger: no leader "李明明" in the ledger; the closest: 李明`},
		{[]string{"bulletin", "--as-of-recorded", "2026-10-31 18:00", "--unit", "Nobody"}, `ledger: no unit "Nobody" in the ledger`},
	} {
		code, out, errs := c.run(tc.args...)
		assert.Equal(t, 1, code, "%v", tc.args)
		assert.Empty(t, out, "%v", tc.args)
		assert.True(t, strings.HasPrefix(errs, tc.want), "%v: %s", tc.args, errs)
		assert.Equal(t, 1, strings.Count(errs, "\n"), "%v", tc.args)
	}
	assert.Contains(t, c.ok("overdue", "--as-of", "2026-11-30", "--unit", "县工信局", "--csv"), "县工信局")
}

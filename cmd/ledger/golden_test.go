package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// updateGolden rewrites testdata/golden from what the commands print now:
// go test ./cmd/ledger/ -run TestReportsPrintWhatTheyPrinted -update-golden
var updateGolden = flag.Bool("update-golden", false, "rewrite cmd/ledger/testdata/golden")

// goldenReports are the reading commands whose output is kept byte for
// byte, each on the demo's last day so it reads the same on any day.
var goldenReports = [][]string{
	{"status", "--as-of", "2026-11-30"},
	{"overdue", "--as-of", "2026-11-30"},
	{"scoreboard", "--as-of", "2026-11-30"},
	{"investment", "--as-of", "2026-11-30"},
	{"supervision", "--as-of", "2026-11-30"},
	{"bulletin", "--period", "month", "--as-of", "2026-11-30"},
	{"bulletin", "--period", "week", "--as-of", "2026-11-30"},
	{"status", "--as-of-recorded", "2026-10-31 18:00"},
	{"overdue", "--as-of", "2026-09-30", "--unit", "县工信局"},
	{"history", "DEMO-1"},
	{"history", "DEMO-1", "--as-of-recorded", "2026-10-31 18:00"},
	{"project", "show", "DEMO-1"},
	{"audit", "late-entries", "--days", "7"},
	{"audit", "deadlines", "DEMO-1", "--as-of", "2026-11-30"},
}

// goldenFormats are the ways each report can print; history, show and the
// audit commands take only the table and --json.
var goldenFormats = [][]string{{}, {"--json"}, {"--csv"}, {"--md"}, {"--lang", "zh"}, {"--xlsx"}}

// Every report prints, in every format, exactly what it printed when its
// golden file was written: moving reporting code between packages must
// not change a byte the clerk, a script or a spreadsheet sees.
func TestReportsPrintWhatTheyPrinted(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	seconds := regexp.MustCompile(`in \d+\.\d+s`)
	for _, report := range goldenReports {
		for _, format := range goldenFormats {
			args := append(append([]string(nil), report...), format...)
			var xlsx string
			if len(format) > 0 && format[0] == "--xlsx" {
				xlsx = filepath.Join(t.TempDir(), "report.xlsx")
				args = append(args, xlsx)
			}
			code, out, errs := c.run(args...)
			if code != 0 && strings.Contains(errs, "unknown flag") {
				continue // this command does not print that format
			}
			require.Equal(t, 0, code, "%v: %s", args, errs)
			got := seconds.ReplaceAllString(out, "in _s")
			if xlsx != "" {
				got = workbookText(t, xlsx)
			}
			name := strings.NewReplacer(" ", "_", "/", "_", ":", "").Replace(strings.Join(args, " "))
			if xlsx != "" {
				name = strings.NewReplacer(" ", "_", ":", "").Replace(strings.Join(append(report, "--xlsx"), " "))
			}
			path := filepath.Join("testdata", "golden", name+".txt")
			if *updateGolden {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
				continue
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "no golden file for %v: run with -update-golden", args)
			assert.Equal(t, string(want), got, "%v", args)
		}
	}
}

// workbookText is every cell of every sheet of an XLSX file, as text.
func workbookText(t *testing.T, path string) string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer f.Close()
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		require.NoError(t, err)
		fmt.Fprintf(&b, "== %s\n", sheet)
		for _, r := range rows {
			b.WriteString(strings.Join(r, "\t") + "\n")
		}
	}
	return b.String()
}

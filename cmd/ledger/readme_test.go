package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeStep is one command of README.md and what the README says it does.
type readmeStep struct {
	cmd   string   // as the README writes it, without its comment
	code  int      // exit code
	want  []string // what its output (stdout, then stderr) contains
	lines int      // how many lines it prints on stdout, when not 0
	// other, when not empty, says why the walkthrough does not run the
	// line: it is another program, or runs until Ctrl-C.
	other string
}

// readmeWalkthrough is README.md's commands in the order shown. The test
// fails when the README and this list, or the list and the binary, drift
// apart.
var readmeWalkthrough = []readmeStep{
	{cmd: "go run ./cmd/ledger demo", want: []string{
		"imported examples/county-plan-2026.csv (utf-8): 50 rows, 50 new projects",
		"stored: DEMO-1 registered", "the deadline watcher recorded 69 missed deadlines",
		"refused, as it should be: cannot record commissioned for DEMO-2: construction has not started; record started first",
		"history of DEMO-1:", "2026-08-01 00:00  2026-07-31  deadline watcher  deadline_missed",
		"ledger status --as-of 2026-11-30"}},
	{cmd: "go test -race ./...", other: "the test command: this is one of its tests"},
	{cmd: "go run ./cmd/ledger status --as-of 2026-11-30", lines: 2 + 55, want: []string{"DEMO-5", "suspended", "XM-2026-045"}},
	{cmd: "go run ./cmd/ledger overdue --as-of 2026-11-30 --lang zh", lines: 2 + 66, want: []string{"逾期清单", "红灯", "DEMO-3"}},
	{cmd: "go run ./cmd/ledger bulletin --period month --as-of 2026-11-30", want: []string{
		"Month bulletin 2026-11-01 to 2026-11-30: milestones reached", "DEMO-2", "units ranked"}},
	{cmd: "go run ./cmd/ledger serve", other: "runs until Ctrl-C; board_browser_test.go opens its board in Chromium"},
	{cmd: "go run ./cmd/ledger auth user add li --role viewer --name 李县长", lines: 3,
		want: []string{"added li (李县长), role viewer (领导查看)", "password: "}},
	{cmd: "go run ./cmd/ledger auth user add zhangsan --role inspector --name 张三", lines: 3,
		want: []string{"added zhangsan (张三), role inspector (督查)", "password: "}},

	{cmd: "go build -o ledger ./cmd/ledger", other: "builds the binary; the walkthrough runs the same commands in-process"},
	{cmd: `./ledger project register 2010-220621-47-01-000034 --name "光伏组件项目" --investment 3.5亿 --unit 县工信局 --leader 李明 --township 城关镇 --kind new --on 2026-11-02 --plan signed=2026-11-20 --plan started=2027-03-31`,
		lines: 3, want: []string{"stored: 2010-220621-47-01-000034 registered", "350,000,000 yuan", "started due 2027-03-31"}},
	{cmd: "./ledger record signed 2010-220621-47-01-000034 --on 2026-11-18", lines: 1, want: []string{"stored: 2010-220621-47-01-000034 signed"}},
	{cmd: `./ledger record approved 2010-220621-47-01-000034 --kind eia --ref "环审〔2026〕12号" --on 2026-11-25`, lines: 1,
		want: []string{"eia approval 环审〔2026〕12号"}},
	{cmd: `./ledger revise-deadline 2010-220621-47-01-000034 started 2027-05-31 --reason "land listing postponed"`, lines: 1,
		want: []string{"started moved 2027-03-31 -> 2027-05-31 (baseline 2027-03-31): land listing postponed"}},
	{cmd: "./ledger record funds_received 2010-220621-47-01-000034 --amount 5000万", lines: 1, want: []string{"received 50,000,000 yuan"}},
	{cmd: "./ledger history 2010-220621-47-01-000034", lines: 1 + 7, want: []string{"SEQ", "deadline_revised", "funds_received"}},
	{cmd: "./ledger project show 2010-220621-47-01-000034", want: []string{"光伏组件项目", "signed 2026-11-18", "2027-05-31"}},
	{cmd: "./ledger record commissioned 2010-220621-47-01-000034", code: 1,
		want: []string{"ledger: cannot record commissioned for 2010-220621-47-01-000034: construction has not started; record started first\n"}},

	{cmd: "./ledger template plan --lang zh --xlsx 倒排计划.xlsx", lines: 1, want: []string{"wrote 倒排计划.xlsx"}},
	{cmd: "./ledger import plan examples/county-plan-2026.xlsx --dry-run", lines: 51,
		want: []string{"no change", "dry run: 50 rows; would store 0 commands (0 new projects, 0 changed); nothing stored"}},
	{cmd: "./ledger import plan examples/county-plan-2026.xlsx", lines: 1,
		want: []string{"imported county-plan-2026.xlsx (xlsx): 50 rows, 0 new projects, 0 changed, 50 unchanged; 0 events stored"}},

	{cmd: `./ledger correct facts DEMO-2 --unit 县发改局 --reason "录入时选错单位"`, lines: 1, want: []string{"stored: DEMO-2 facts_corrected", `unit "县商务局" -> "县发改局"`}},
	{cmd: `./ledger correct record DEMO-1 approved --kind eia --ref "环审〔2026〕21号" --reason "文号抄错"`, lines: 1,
		want: []string{"stored: DEMO-1 record_corrected", "环审〔2026〕21号"}},
	{cmd: `./ledger withdraw-deadline DEMO-3 eia --reason "经核定无需环评"`, lines: 1, want: []string{"stored: DEMO-3 deadline_withdrawn"}},
	{cmd: "./ledger units add 县发展和改革局 --alias 县发改局", lines: 1, want: []string{"stored: UNIT-REGISTER unit_registered"}},
	{cmd: "./ledger reserve conceive CB-2027-01 --name 温泉康养小镇 --by 南湖镇 --body-kind 乡镇 --investment 6亿", lines: 1, want: []string{"stored: CB-2027-01 conceived", "南湖镇 (township)"}},
	{cmd: `./ledger reserve assess CB-2027-01 可行 --conclusion "资源条件好"`, lines: 1, want: []string{"stored: CB-2027-01 assessed", "assessed feasible: 资源条件好"}},
	{cmd: "./ledger apply submit CB-2027-01 --level 省级 --programme 省级文旅发展专项资金 --asked 3000万", lines: 1, want: []string{"stored: CB-2027-01 application_submitted", "30,000,000 yuan asked"}},
	{cmd: "./ledger reserve report --lang zh", lines: 0, want: []string{"项目储备库概况", "各单位谋划转化情况", "南湖镇", "论证"}},
	{cmd: "./ledger status --as-of 2026-11-30 --unit 县工信局 --light red", lines: 2 + 6, want: []string{"2026-361102-30-01-000108"}},
	{cmd: "./ledger overdue --as-of 2026-11-30 --lang zh", lines: 2 + 66, want: []string{"逾期清单"}},
	{cmd: "./ledger scoreboard --as-of 2026-11-30 --by unit", want: []string{"Scoreboard of units and leaders", "县工信局"}},
	{cmd: "./ledger investment --as-of 2026-11-30 --by unit", want: []string{"Investment by unit", "县住建局"}},
	{cmd: "./ledger supervision --open", lines: 3, want: []string{"DEMO-3", "与两个村的土地补偿纠纷"}},
	{cmd: "./ledger bulletin --period week --as-of 2026-11-27 --md", want: []string{"## Week bulletin 2026-11-23 to 2026-11-27", "| DEMO-3 |"}},
	{cmd: "./ledger status --as-of 2026-11-30 --xlsx 进度表.xlsx --lang zh", lines: 1, want: []string{"wrote 进度表.xlsx"}},

	{cmd: "./ledger inspect follow --count 3", lines: 3, want: []string{
		"2026-02-01 00:00  2026-361102-30-01-000108 年产20万吨高纯石英砂新材料项目: feasibility due 2026-01-31 missed"}},
	{cmd: `./ledger inspect follow --count 3 --exec "cat >> misses.jsonl"`, lines: 3, want: []string{"eia due 2026-03-15 missed"}},
	{cmd: `./ledger inspect explain DEMO-3 started --reason "equipment late"`, lines: 1, want: []string{"stored: DEMO-3 delay_explained"}},
	{cmd: `nats --server nats://127.0.0.1:4222 --user ledger --password "$(jq -r .ledger ledger-data/credentials.json)" sub 'ledger.*.deadline_missed'`, other: "the stock nats CLI"},

	{cmd: "./ledger verify --all", lines: 1, want: []string{"verified 59 projects, 405 events in"}},
	{cmd: `./ledger history DEMO-1 --as-of-recorded "2026-10-31 18:00"`, lines: 1 + 17, want: []string{"issue_raised"}},
	{cmd: "./ledger bulletin --period month --as-of-recorded 2026-10-31", want: []string{"Month bulletin 2026-10-01 to 2026-10-31"}},
	{cmd: "./ledger audit late-entries --days 7", want: []string{"2026-09-12  2026-09-28 18:00         16  重点办 demo  land approval"}},
	{cmd: "./ledger audit deadlines DEMO-1", lines: 1 + 5, want: []string{"reached 8 days late"}},
	{cmd: "./ledger audit bundle DEMO-1 -o DEMO-1.bundle", lines: 1, want: []string{"wrote DEMO-1.bundle: 21 events of DEMO-1"}},
	{cmd: "./ledger audit check-bundle DEMO-1.bundle", lines: 1, want: []string{"DEMO-1.bundle verifies: project DEMO-1, 21 events"}},

	{cmd: "./ledger serve", other: "runs until Ctrl-C; serve_test.go runs it"},
	{cmd: "./ledger record started 2010-220621-47-01-000034", lines: 1, want: []string{"stored: 2010-220621-47-01-000034 started"}},
	{cmd: `nats --server nats://127.0.0.1:4222 --user ledger --password "$(jq -r .ledger ledger-data/credentials.json)" sub 'ledger.>'`, other: "the stock nats CLI"},
	{cmd: "./ledger --server nats://nats1:4222,nats://nats2:4222 --creds recorder.creds --replicas 3 record signed XM-2026-031",
		other: "needs a cluster at nats1 and nats2; cluster_test.go runs one"},
}

// The README's walkthrough, command by command in the order shown, on a
// fresh data folder, on the day the tests run as.
func TestReadmeWalkthrough(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	cmds := readmeCommands(string(data))
	var listed []string
	for _, s := range readmeWalkthrough {
		listed = append(listed, s.cmd)
	}
	require.Equal(t, listed, cmds, "README.md's commands and the walkthrough's differ")

	examples, err := filepath.Abs("../../examples")
	require.NoError(t, err)
	work := t.TempDir()
	t.Chdir(work)
	require.NoError(t, os.Symlink(examples, "examples"))
	c := newDemoCLI(t)
	c.dir = filepath.Join(work, "ledger-data")

	for _, s := range readmeWalkthrough {
		if s.other != "" {
			continue
		}
		args := shellWords(t, s.cmd)
		switch {
		case len(args) > 3 && args[0] == "go" && args[1] == "run" && args[2] == "./cmd/ledger":
			args = args[3:]
		case args[0] == "./ledger":
			args = args[1:]
		default:
			t.Fatalf("%s: not a ledger command; say why the walkthrough does not run it", s.cmd)
		}
		code, out, errs := c.run(args...)
		if !assert.Equal(t, s.code, code, "%s\n%s%s", s.cmd, out, errs) {
			continue
		}
		for _, w := range s.want {
			assert.Contains(t, out+errs, w, s.cmd)
		}
		if s.lines > 0 {
			assert.Equal(t, s.lines, strings.Count(out, "\n"), "lines printed by %s:\n%s", s.cmd, out)
		}
	}
	misses, err := os.ReadFile("misses.jsonl")
	require.NoError(t, err)
	assert.Equal(t, 3, strings.Count(string(misses), "\n"), "the program got one JSON line per miss")
	for _, file := range []string{"倒排计划.xlsx", "进度表.xlsx", "DEMO-1.bundle"} {
		assert.FileExists(t, file)
	}
}

// spaces is a run of white space, folded to one space in a command.
var spaces = regexp.MustCompile(`\s+`)

// readmeCommands returns the commands of the sh blocks of a README, in
// order: continued lines joined, comments dropped, `a && b` split in two.
func readmeCommands(readme string) []string {
	var cmds []string
	in := false
	var line strings.Builder
	for _, l := range strings.Split(readme, "\n") {
		switch {
		case !in && strings.TrimSpace(l) == "```sh":
			in = true
			continue
		case in && strings.TrimSpace(l) == "```":
			in = false
			continue
		case !in:
			continue
		}
		l = strings.TrimSpace(stripComment(l))
		if cont, ok := strings.CutSuffix(l, `\`); ok {
			line.WriteString(strings.TrimSpace(cont) + " ")
			continue
		}
		line.WriteString(l)
		full := strings.TrimSpace(line.String())
		line.Reset()
		for _, part := range strings.Split(full, " && ") {
			if part = strings.TrimSpace(part); part != "" {
				cmds = append(cmds, spaces.ReplaceAllString(part, " "))
			}
		}
	}
	return cmds
}

// stripComment removes a shell comment: a # at the start or after a
// space, outside quotes.
func stripComment(l string) string {
	var quote rune
	for i, r := range l {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
		case r == '#' && (i == 0 || l[i-1] == ' '):
			return l[:i]
		}
	}
	return l
}

// shellWords splits a command line as sh would for the README's commands:
// on spaces, with single and double quotes.
func shellWords(t *testing.T, s string) []string {
	var words []string
	var w strings.Builder
	var quote rune
	inWord := false
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	require.Zero(t, quote, "unclosed quote in %s", s)
	if inWord {
		words = append(words, w.String())
	}
	return words
}

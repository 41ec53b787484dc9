package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/synadia-io/orbit.go/jetstreamext"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/evidence"
)

// The stored event corpus (docs/events.md, "Versions"): events as each
// version of the ledger wrote them, which every later version must read
// the same. testdata/corpus/<name>/ is one generation, written once by
// the code of its day and never written again:
//
//	stream.jsonl   every message of the stream, in stream order: seq,
//	               subject, headers and data (the raw body, base64)
//	evidence/      the files of evidence its events list, each named by
//	               its SHA-256, put back into the evidence store first
//	corpus.json    the event versions of the ledger that wrote it, the
//	               clock the commands ran at and each command run, with
//	               the file under expected/ that holds its output
//	expected/      what each command printed: text byte for byte (after
//	               normaliseText), JSON by containsJSON (after
//	               normaliseJSON)
//
// TestCorpusReadsAsItWasWritten publishes each generation's messages
// again, as they were stored, into a new stream, and runs its commands;
// TestCorpusCoversEveryTypeAndVersion checks that the generations together
// hold every event type at every version.
//
// A new event type or version is added as a new generation, into a folder
// that does not exist yet:
//
//	go test ./cmd/ledger -run TestCorpus -write-corpus -corpus-name 2027-06
var (
	writeCorpus = flag.Bool("write-corpus", false, "write a new generation of the stored event corpus into cmd/ledger/testdata/corpus/<-corpus-name>, a folder that must not exist yet")
	corpusName  = flag.String("corpus-name", defaultCorpusName, "with -write-corpus: the name of the new corpus folder")
)

// defaultCorpusName is the first generation's folder: -write-corpus
// without -corpus-name refuses once it exists, so a new generation always
// names its own folder.
const defaultCorpusName = "2026-12"

// corpusRoot holds the generations.
var corpusRoot = filepath.Join("testdata", "corpus")

// corpusMsg is one line of stream.jsonl: a stored message as it is.
type corpusMsg struct {
	Seq     uint64              `json:"seq"`
	Subject string              `json:"subject"`
	Headers map[string][]string `json:"headers"`
	Data    []byte              `json:"data"` // base64 in the file
}

// corpusManifest is corpus.json.
type corpusManifest struct {
	// WrittenBy says how the folder was made.
	WrittenBy string `json:"written_by"`
	// EventVersions are the schema versions the ledger that wrote the
	// folder wrote each event type with.
	EventVersions map[domain.EventType]int `json:"event_versions"`
	// Clock is the time the commands run at: what they print must not
	// depend on the day the test runs.
	Clock time.Time `json:"clock"`
	// Commands run in order, after projections rebuild.
	Commands []corpusCommand `json:"commands"`
}

// encode writes the manifest as JSON, one command a line.
func (m corpusManifest) encode(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	field := func(v any) string {
		s, err := json.Marshal(v)
		require.NoError(t, err)
		return string(s)
	}
	fmt.Fprintf(&b, "{\n  \"written_by\": %s,\n  \"event_versions\": %s,\n  \"clock\": %s,\n  \"commands\": [\n",
		field(m.WrittenBy), field(m.EventVersions), field(m.Clock))
	for i, c := range m.Commands {
		sep := ","
		if i == len(m.Commands)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    %s%s\n", field(c), sep)
	}
	b.WriteString("  ]\n}\n")
	var check corpusManifest
	require.NoError(t, json.Unmarshal(b.Bytes(), &check))
	require.Equal(t, m, check)
	return b.Bytes()
}

// corpusCommand is one command and the file of its expected output: a
// .json file is compared by containsJSON, any other byte for byte.
type corpusCommand struct {
	Args     []string `json:"args"`
	Expected string   `json:"expected"`
}

// corpusTiming is how long a command took, which differs on every run.
var corpusTiming = regexp.MustCompile(`in \d+(\.\d+)?(ns|µs|us|ms|s)\b`)

// corpusTimingKeys are the JSON keys whose values are timings; they are
// left out of the expected JSON.
var corpusTimingKeys = []string{"seconds"}

// normaliseText takes out of a text output what differs on every run.
func normaliseText(out string) string { return corpusTiming.ReplaceAllString(out, "in <t>") }

// normaliseJSON decodes a JSON output without what differs on every run.
func normaliseJSON(t *testing.T, out string) any {
	t.Helper()
	v := decodeJSON(t, []byte(out))
	var drop func(v any)
	drop = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, k := range corpusTimingKeys {
				delete(x, k)
			}
			for _, e := range x {
				drop(e)
			}
		case []any:
			for _, e := range x {
				drop(e)
			}
		}
	}
	drop(v)
	return v
}

func decodeJSON(t *testing.T, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v), "not JSON: %s", data)
	return v
}

// The corpus's clock: the demo county's year ends on 2026-11-30 and the
// corpus's own projects run through December; reports are read as of the
// year's last day.
var (
	corpusLoc   = mustZone(domain.DefaultTimeZone)
	corpusStart = time.Date(2026, 12, 1, 10, 0, 0, 0, corpusLoc)
	corpusAsOf  = "2026-12-31"
)

func mustZone(name string) *time.Location {
	loc, err := domain.LoadZone(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// TestCorpusWrite writes a new generation of the corpus with -write-corpus;
// without it, it is skipped.
func TestCorpusWrite(t *testing.T) {
	if !*writeCorpus {
		t.Skip("writes a corpus generation only with -write-corpus")
	}
	if name := *corpusName; name == "" || name == "." || name == ".." || strings.HasPrefix(name, ".") || filepath.Base(name) != name {
		t.Fatalf("-corpus-name %q: give the new folder a name (not a path, not starting with a dot)", name)
	}
	target := filepath.Join(corpusRoot, *corpusName)
	if _, err := os.Stat(target); err == nil {
		t.Fatalf("%s already exists: a corpus generation is written once and never again; give the new one its own folder with -corpus-name NAME", target)
	} else if !os.IsNotExist(err) {
		t.Fatal(err)
	}

	c := newCLI(t)
	c.clock.Set(corpusStart)
	writeCorpusHistory(t, c)

	files := map[string][]byte{}
	msgs := dumpStream(t, c.dir)
	var jsonl bytes.Buffer
	for _, m := range msgs {
		line, err := json.Marshal(m)
		require.NoError(t, err)
		jsonl.Write(line)
		jsonl.WriteByte('\n')
	}
	files["stream.jsonl"] = jsonl.Bytes()
	for sha, data := range corpusEvidence(t, c.dir) {
		files[filepath.Join("evidence", sha)] = data
	}

	manifest := corpusManifest{
		WrittenBy:     "go test ./cmd/ledger -run TestCorpus -write-corpus -corpus-name " + *corpusName,
		EventVersions: map[domain.EventType]int{},
		Clock:         c.clock.Now().UTC(),
		Commands:      corpusCommands(corpusProjects(msgs)),
	}
	// The commands read as the checker's do, from the server running on
	// the data folder.
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: c.dir, Port: -1})
	require.NoError(t, err)
	defer srv.Shutdown()
	for _, typ := range domain.EventTypes {
		manifest.EventVersions[typ] = domain.EventVersion(typ)
	}
	c.ok("projections", "rebuild")
	for _, cmd := range manifest.Commands {
		out := c.ok(cmd.Args...)
		if strings.HasSuffix(cmd.Expected, ".json") {
			v := normaliseJSON(t, out)
			if cmd.Args[0] == "history" {
				dropPlaceholderSummaries(v)
			}
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			require.NoError(t, enc.Encode(v))
			files[filepath.Join("expected", cmd.Expected)] = b.Bytes()
		} else {
			files[filepath.Join("expected", cmd.Expected)] = []byte(normaliseText(out))
		}
	}
	files["corpus.json"] = manifest.encode(t)

	// Everything was made before anything is written: a writer that fails
	// leaves no half folder behind.
	for name, data := range files {
		path := filepath.Join(target, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, data, 0o644))
	}
	t.Logf("wrote %s: %d messages, %d bytes of stream.jsonl, %d commands", target, len(msgs), jsonl.Len(), len(manifest.Commands))
}

// dropPlaceholderSummaries leaves out of a history's expected JSON each
// summary that is only the event's type: domain.Describe falling back for
// a type it has no words for yet. A later ledger that describes the type
// is not held to the placeholder. A step without a note (negotiating,
// resumed, ...) is described by its name on purpose, and keeps it.
func dropPlaceholderSummaries(history any) {
	entries, _ := history.([]any)
	for _, e := range entries {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		typ, _ := m["type"].(string)
		if summary, _ := m["summary"].(string); summary != typ {
			continue
		}
		if p, err := domain.NewPayload(domain.EventType(typ)); err == nil {
			if _, step := p.(*domain.StepData); step {
				continue
			}
		}
		delete(m, "summary")
	}
}

// corpusCommands are the commands whose output a generation keeps: the
// verification, the reports as of the corpus's last day (as JSON, which
// later versions may add to), and every project's history.
func corpusCommands(projects []domain.ProjectID) []corpusCommand {
	asOf := []string{"--as-of", corpusAsOf}
	cmds := [][]string{
		{"verify", "--all"},
		{"verify", "--all", "--json"},
		append([]string{"status", "--json"}, asOf...),
		{"status", "--json", "--as-of", "2026-12-12"}, // CORPUS-1 suspended, its first funds version 1 only
		append([]string{"overdue", "--json"}, asOf...),
		append([]string{"scoreboard", "--json"}, asOf...),
		append([]string{"investment", "--json"}, asOf...),
		append([]string{"investment", "--json", "--by", "unit"}, asOf...),
		append([]string{"supervision", "--json"}, asOf...),
		append([]string{"bulletin", "--json", "--period", "month"}, asOf...),
		append([]string{"bulletin", "--json", "--period", "year"}, asOf...),
		{"units", "list", "--json"},
	}
	for _, p := range projects {
		cmds = append(cmds, []string{"history", string(p), "--json"})
	}
	out := make([]corpusCommand, len(cmds))
	for i, args := range cmds {
		ext := ".txt"
		if slices.Contains(args, "--json") {
			ext = ".json"
		}
		name := strings.NewReplacer("--", "", " ", "_", "/", "_", ":", "").Replace(strings.Join(args, " "))
		out[i] = corpusCommand{Args: args, Expected: name + ext}
	}
	return out
}

// corpusProjects returns the projects of msgs, in the order of their first
// event.
func corpusProjects(msgs []corpusMsg) []domain.ProjectID {
	var ps []domain.ProjectID
	for _, m := range msgs {
		parts := strings.Split(m.Subject, ".")
		if len(parts) != 3 {
			continue
		}
		if p := domain.ProjectID(parts[1]); !slices.Contains(ps, p) {
			ps = append(ps, p)
		}
	}
	return ps
}

// writeCorpusHistory records the corpus on c: the demo county's year, then
// projects of the corpus's own through December 2026 that take every event
// type the demo does not, funds_received events as version 1 wrote them,
// raw, since no command writes that version any more, the corrections
// (facts, records, a withdrawn deadline), which only the domain decides so
// far: the CLI has no command for them yet, and the unit register.
func writeCorpusHistory(t *testing.T, c *cli) {
	c.ok("demo")

	// day moves the clock to 18:00 of a December day, when the office
	// records that day's steps.
	day := func(d int) string {
		c.clock.Set(time.Date(2026, 12, d, 18, 0, 0, 0, corpusLoc))
		return fmt.Sprintf("2026-12-%02d", d)
	}
	const full, cut, coded = "CORPUS-1", "2026-220621-47-01-000777", "CORPUS-3"
	d := domain.NewDate
	meta := domain.Meta{Actor: "clerk"}

	on := day(1)
	c.ok("project", "register", full, "--name", "风电装备产业园 (wind equipment park)", "--investment", "2.4亿",
		"--unit", "县发改局 (county development bureau)", "--leader", "孙伟", "--township", "南湖镇", "--kind", "new",
		"--plan", "signed=2026-12-10", "--plan", "started=2026-12-20", "--on", on)
	c.ok("plan", full, "commissioned", "2026-12-28", "--on", on)
	c.ok("plan-investment", full, "2026", "8000万")
	on = day(2)
	c.ok("record", "negotiating", full, "--on", on)
	c.ok("project", "register", cut, "--name", "建材物流中心 (building materials hub)", "--investment", "6000万",
		"--unit", "县商务局 (county commerce bureau)", "--leader", "赵强", "--kind", "continuing",
		"--plan", "started=2026-12-15", "--on", on)
	day(3)
	execute(t, c, domain.RegisterProject{Meta: meta, Project: coded, Name: "光伏支架厂 (solar mounting plant)", TotalInvestment: 150_000_000,
		Unit: "县工信局 (county industry bureau)", Leader: "李明", Township: "城关镇", Kind: domain.KindNew, On: d(2026, 12, 3),
		Industry: "电气机械和器材制造业", NationalCode: "2612-220621-38-01-000512", Content: "新建光伏支架生产线2条，年产支架5万吨",
		Plan: []domain.PlannedDeadline{{Milestone: domain.MilestoneEIA, Due: d(2026, 12, 20)}, {Milestone: domain.MilestoneStarted, Due: d(2026, 12, 31)}}})
	on = day(4)
	c.ok("record", "signed", full, "--on", on, "--note", "framework agreement")

	// Two tranches and one more, as version 1 stored them: no reference.
	on = day(5)
	appendFundsV1(t, c, full, on, 30_000_000, "first tranche")
	on = day(6)
	appendFundsV1(t, c, full, on, 20_000_000, "")
	appendFundsV1(t, c, cut, on, 5_000_000, "county matching funds")

	on = day(7)
	c.ok("record", "approved", full, "--kind", "land", "--ref", "南国土〔2026〕31号", "--on", on)
	c.ok("record", "approved", full, "--kind", "construction_permit", "--ref", "建许〔2026〕7号", "--on", on)
	on = day(8)
	c.ok("record", "started", full, "--on", on)
	c.ok("revise-deadline", full, "commissioned", "2026-12-29", "--reason", "turbine delivery moved a day", "--on", on)
	on = day(9)
	c.ok("record", "funds_received", full, "--amount", "1000万", "--ref", "转账〔2026〕88号", "--on", on)
	c.ok("record", "funds_received", full, "--amount", "1000万", "--ref", "转账〔2026〕89号", "--on", on)
	on = day(10)
	c.ok("record", "suspended", full, "--reason", "winter storm", "--expected-restart", "2026-12-14", "--on", on)
	c.ok("issue", "raise", full, "--id", "I-1", "--title", "crane access road blocked by snow", "--on", on)
	day(11)
	execute(t, c, domain.CorrectRecord{Meta: meta, Project: full, Type: domain.FundsReceived, Tranche: 1, Reference: "转账〔2026〕61号",
		Reason: "the first tranche's voucher was not entered", On: d(2026, 12, 11)})
	execute(t, c, domain.CorrectRecord{Meta: meta, Project: full, Type: domain.Signed, Date: d(2026, 12, 3),
		Reason: "the agreement is dated the day before it was entered", On: d(2026, 12, 11)})
	on = day(14)
	c.ok("record", "resumed", full, "--on", on)
	c.ok("issue", "resolve", full, "I-1", "--resolution", "road cleared by the township", "--on", on)
	c.ok("report-investment", full, "2026-11", "0")

	day(15)
	execute(t, c, domain.CorrectFacts{Meta: meta, Project: full, TotalInvestment: 250_000_000, Township: "南湖乡",
		Reason: "as in the approved feasibility study", On: d(2026, 12, 15)})

	// The cut project's start passes on 2026-12-15: the watcher records
	// the miss as the day ends, with every other deadline passed since the
	// demo's year ended.
	day(16)
	c.ok("watch-deadlines", "--once")
	on = day(17)
	c.ok("explain-delay", cut, "started", "--reason", "the investor is reconsidering", "--on", on)
	c.ok("assign-leader", cut, "周敏", "--reason", "赵强 moved to the county office", "--on", on)
	day(18)
	execute(t, c, domain.WithdrawDeadline{Meta: meta, Project: coded, Milestone: domain.MilestoneEIA,
		Reason: "the plant needs only a registration form (登记表), no EIA approval", On: d(2026, 12, 18)})
	on = day(21)
	c.ok("record", "terminated", cut, "--reason", "investor withdrew", "--on", on)
	on = day(22)
	c.ok("record", "completed", full, "--on", on)
	on = day(23)
	c.ok("record", "started", coded, "--on", on)
	on = day(28)
	c.ok("record", "commissioned", full, "--on", on, "--note", "first turbine tower shipped")
	on = day(30)
	c.ok("record", "full_capacity", full, "--on", on)
	c.ok("report-investment", full, "2026-12", "4500万")

	// The county's unit register, begun on the year's last day: projects
	// stored before it under an alias count under its canonical name.
	on = day(31)
	c.ok("units", "add", "县发展和改革局", "--alias", "县发改局", "--alias", "县发改委", "--on", on)
	c.ok("units", "add", "县工业和信息化局", "--alias", "县工信局", "--on", on)
	c.ok("units", "add", "城关镇", "--township", "--on", on)
	c.ok("units", "alias", "县工信局", "--alias", "县经信局", "--on", on)
	// Deadlines at a county sheet's precision, and a month's 形象进度.
	execute(t, c, domain.PlanMilestone{Meta: meta, Project: coded, Milestone: domain.MilestoneCompleted, Due: d(2027, 6, 30),
		Precision: domain.PrecisionMonth, On: d(2026, 12, 31)})
	execute(t, c, domain.ReviseDeadline{Meta: meta, Project: coded, Milestone: domain.MilestoneCompleted, Due: d(2027, 9, 30),
		Precision: domain.PrecisionQuarter, Reason: "the equipment tender moved to the second quarter", On: d(2026, 12, 31)})
	execute(t, c, domain.ReportProgress{Meta: meta, Project: full, Month: "2026-12", Text: "已全面投产，正在办理竣工验收", On: d(2026, 12, 31)})
	// Evidence that comes with an issue, a scan attached to it later, a
	// unit's requests for a new deadline with the office's two answers,
	// and the month's bulletin as published. The files are stored in the
	// evidence store and kept with the generation (evidence/<sha256>).
	photo := putEvidence(t, c, "塔吊通道积雪.jpg", corpusJPEG)
	scan := putEvidence(t, c, "供电公司复函.pdf", []byte("%PDF-1.4\n% 供电公司复函 (reply of the grid company)\n%%EOF\n"))
	raise := domain.RaiseIssue{Meta: domain.Meta{Actor: "clerk", Evidence: []domain.EvidenceFile{photo}}, Project: coded, IssueID: "I-2",
		Title: "substation capacity not confirmed", On: d(2026, 12, 31)}
	execute(t, c, raise)
	execute(t, c, domain.AttachEvidence{Meta: meta, Project: coded, About: domain.CommandKey(raise) + "-0", On: d(2026, 12, 31),
		Files: []domain.EvidenceFile{scan}})
	unit := domain.Meta{Actor: "county industry bureau reporter"}
	execute(t, c, domain.RequestRevision{Meta: unit, Project: coded, Milestone: domain.MilestoneCompleted, Due: d(2027, 12, 31),
		Precision: domain.PrecisionQuarter, Reason: "substation capacity arrives in the fourth quarter", On: d(2026, 12, 31)})
	execute(t, c, domain.DecideRevision{Meta: meta, Project: coded, Milestone: domain.MilestoneCompleted, Approve: false,
		Note: "ask again once the grid company confirms a date", On: d(2026, 12, 31)})
	execute(t, c, domain.RequestRevision{Meta: unit, Project: coded, Milestone: domain.MilestoneCompleted, Due: d(2027, 12, 31),
		Precision: domain.PrecisionQuarter, Reason: "the grid company confirms the fourth quarter", On: d(2026, 12, 31)})
	execute(t, c, domain.DecideRevision{Meta: meta, Project: coded, Milestone: domain.MilestoneCompleted, Approve: true, On: d(2026, 12, 31)})
	execute(t, c, domain.RecordPublication{Meta: meta, Report: "bulletin", Period: "2026-12", AsOf: d(2026, 12, 31),
		Cut:  time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC),
		Args: [][]string{{"bulletin", "--period", "month", "--as-of", "2026-12-31", "--as-of-recorded", "2027-01-01T00:00:00+08:00", "--docx", "通报-2026-12.docx"}},
		Files: []domain.EvidenceFile{{Name: "通报-2026-12.docx", Type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			Size: 20_480, SHA256: strings.Repeat("ef", 32)}}, On: d(2026, 12, 31)})
	// The pipeline before the plan: a township's project conceived,
	// assessed, reserved, packaged and converted; another dropped; an
	// application to the province granted in part and paid in two
	// tranches.
	const pooled, dropped = "CB-2026-01", "CB-2026-02"
	for _, cmd := range []domain.Command{
		domain.ConceiveProject{Meta: meta, Project: pooled, Name: "温泉康养小镇 (hot spring resort)", ProposedBy: "南湖镇", BodyKind: domain.BodyTownship,
			Industry: "文旅", PlannedInvestment: 600_000_000, On: d(2026, 12, 1)},
		domain.ConceiveProject{Meta: meta, Project: dropped, Name: "物流分拨中心 (logistics hub)", ProposedBy: "现代物流产业推进组", BodyKind: domain.BodyIndustryGroup,
			PlannedInvestment: 150_000_000, On: d(2026, 12, 1)},
		domain.AssessProject{Meta: meta, Project: pooled, Feasible: true, Conclusion: "资源条件好，用地已落实", On: d(2026, 12, 5)},
		domain.ReserveProject{Meta: meta, Project: pooled, Level: domain.LevelCounty, On: d(2026, 12, 8)},
		domain.ReserveProject{Meta: meta, Project: pooled, Level: domain.LevelProvince, On: d(2026, 12, 20)},
		domain.PackageProject{Meta: meta, Project: pooled, Purpose: domain.ForApplication, Note: "申报省重点项目", On: d(2026, 12, 10)},
		domain.DropProject{Meta: meta, Project: dropped, Reason: "选址与生态红线冲突", On: d(2026, 12, 12)},
		domain.SubmitApplication{Meta: meta, Project: pooled, Application: "A-1", Level: domain.LevelProvince, Programme: "省级文旅发展专项资金",
			Asked: 30_000_000, On: d(2026, 12, 11)},
		domain.AnswerApplication{Meta: meta, Project: pooled, Application: "A-1", Approved: true, Granted: 20_000_000, Document: "文旅财〔2026〕45号", On: d(2026, 12, 22)},
		domain.ReceiveGrant{Meta: meta, Project: pooled, Application: "A-1", Amount: 12_000_000, Reference: "转账〔2026〕301号", On: d(2026, 12, 28)},
		domain.ReceiveGrant{Meta: meta, Project: pooled, Application: "A-1", Amount: 8_000_000, On: d(2026, 12, 30)},
		domain.ConvertProject{Meta: meta, Project: pooled, Year: 2027, List: domain.ListPreparatory, Unit: "南湖镇", Leader: "孙伟",
			Plan: []domain.PlannedDeadline{{Milestone: domain.MilestoneSigned, Due: d(2027, 3, 31)}}, On: d(2026, 12, 31)},
	} {
		execute(t, c, cmd)
	}
	c.ok("watch-deadlines", "--once")
}

// corpusJPEG is the smallest picture the evidence store takes for a JPEG:
// its magic bytes and an end marker.
var corpusJPEG = []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9}

// putEvidence stores a file of evidence as the CLI's --evidence would,
// and returns what a command carries of it.
func putEvidence(t *testing.T, c *cli, name string, data []byte) domain.EvidenceFile {
	t.Helper()
	var f domain.EvidenceFile
	withStore(t, c.dir, func(_ *nats.Conn, s *eventstore.Store) {
		ev, err := evidence.New(context.Background(), s)
		require.NoError(t, err)
		f, err = ev.Put(context.Background(), name, bytes.NewReader(data))
		require.NoError(t, err, name)
	}, eventstore.WithClock(c.clock))
	return f
}

// corpusEvidence reads every file of evidence the data folder's events
// list, by SHA-256.
func corpusEvidence(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	withStore(t, dir, func(_ *nats.Conn, s *eventstore.Store) {
		ctx := context.Background()
		ev, err := evidence.New(ctx, s)
		require.NoError(t, err)
		refs, err := evidence.Listed(ctx, s, "")
		require.NoError(t, err)
		for _, r := range refs {
			rc, _, err := ev.Open(ctx, r.File.SHA256)
			require.NoError(t, err, r.File.Name)
			data, err := io.ReadAll(rc)
			require.NoError(t, err)
			require.NoError(t, rc.Close())
			out[r.File.SHA256] = data
		}
	})
	return out
}

// restoreEvidence puts a generation's evidence/<sha256> files into the
// evidence store of the data folder.
func restoreEvidence(t *testing.T, corpus, dir string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(corpus, "evidence"))
	if os.IsNotExist(err) {
		return
	}
	require.NoError(t, err)
	withStore(t, dir, func(_ *nats.Conn, s *eventstore.Store) {
		ctx := context.Background()
		ev, err := evidence.New(ctx, s)
		require.NoError(t, err)
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(corpus, "evidence", e.Name()))
			require.NoError(t, err)
			f, err := ev.Put(ctx, e.Name(), bytes.NewReader(data))
			require.NoError(t, err, e.Name())
			require.Equal(t, e.Name(), f.SHA256, "evidence/%s holds other bytes", e.Name())
		}
	})
}

// execute decides cmd and stores its events as a command of the CLI
// would, at the time of c's clock, for what the CLI has no command for.
func execute(t *testing.T, c *cli, cmd domain.Command) {
	t.Helper()
	withStore(t, c.dir, func(_ *nats.Conn, s *eventstore.Store) {
		_, err := s.Execute(context.Background(), cmd)
		require.NoError(t, err, "%s %s", cmd.Action(), cmd.Target())
	}, eventstore.WithClock(c.clock))
}

// appendFundsV1 appends a funds_received event to project p as version 1
// of the event wrote it: no reference, Schema 1, sealed onto the project's
// chain and published with the headers and the concurrency check of an
// append. The CLI is not running; the data folder is opened directly.
func appendFundsV1(t *testing.T, c *cli, p domain.ProjectID, on string, amount int64, note string) {
	t.Helper()
	ctx := context.Background()
	day, err := domain.ParseDate(on)
	require.NoError(t, err)
	withStore(t, c.dir, func(_ *nats.Conn, s *eventstore.Store) {
		_, v, err := s.Load(ctx, p)
		require.NoError(t, err)
		require.NotZero(t, v.Sequence, "%s has no events to chain onto", p)
		meta := domain.Meta{Actor: "clerk"}
		key := domain.CommandKey(domain.RecordStep{Meta: meta, Project: p, Step: domain.FundsReceived, On: day, Amount: amount, Note: note})
		e := domain.Event{
			ID: key + "-0", Project: p, Type: domain.FundsReceived, Schema: 1,
			OccurredOn: day, RecordedAt: c.clock.Now().UTC(), Actor: meta.Actor, CommandID: key,
			Data: &domain.FundsReceivedV1{Amount: amount, Note: note},
		}
		body, err := s.Codec().Seal(&e, v.Hash)
		require.NoError(t, err)
		msg := s.Message(e, body)
		msg.Header.Set(jetstream.ExpectedLastSubjSeqSubjHeader, s.ProjectFilter(p))
		msg.Header.Set(jetstream.ExpectedLastSubjSeqHeader, strconv.FormatUint(v.Sequence, 10))
		_, err = s.JetStream().PublishMsg(ctx, msg)
		require.NoError(t, err)
	})
}

// withStore opens the ledger in data folder dir, with no CLI running on it.
func withStore(t *testing.T, dir string, fn func(nc *nats.Conn, s *eventstore.Store), opts ...eventstore.Option) {
	t.Helper()
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: dir, DontListen: true})
	require.NoError(t, err)
	defer srv.Shutdown()
	nc, err := srv.Connect()
	require.NoError(t, err)
	defer nc.Close()
	s, err := eventstore.Open(context.Background(), nc, opts...)
	require.NoError(t, err)
	fn(nc, s)
}

// dumpStream reads every message of the ledger stream in dir, in order.
func dumpStream(t *testing.T, dir string) []corpusMsg {
	t.Helper()
	var msgs []corpusMsg
	withStore(t, dir, func(nc *nats.Conn, s *eventstore.Store) {
		last, err := s.LastSequence(context.Background())
		require.NoError(t, err)
		for seq := uint64(1); seq <= last; seq++ {
			msgs = append(msgs, storedMsg(t, nc, s.StreamName(), seq))
		}
	})
	return msgs
}

// storedMsg gets message seq of stream as the server stores it. It asks
// the stream's API, not a direct get: a direct get adds headers of its own
// (Nats-Sequence, Nats-Time-Stamp, ...) to the message's.
func storedMsg(t *testing.T, nc *nats.Conn, stream string, seq uint64) corpusMsg {
	t.Helper()
	req, err := json.Marshal(map[string]uint64{"seq": seq})
	require.NoError(t, err)
	resp, err := nc.Request("$JS.API.STREAM.MSG.GET."+stream, req, 5*time.Second)
	require.NoError(t, err, "get stored message %d", seq)
	var r struct {
		Message *struct {
			Subject string `json:"subject"`
			Seq     uint64 `json:"seq"`
			Hdrs    []byte `json:"hdrs"`
			Data    []byte `json:"data"`
		} `json:"message"`
		Error *struct {
			Description string `json:"description"`
		} `json:"error"`
	}
	require.NoError(t, json.Unmarshal(resp.Data, &r), "get stored message %d: %s", seq, resp.Data)
	require.Nil(t, r.Error, "get stored message %d: %s", seq, resp.Data)
	require.NotNil(t, r.Message, "get stored message %d: %s", seq, resp.Data)
	m := corpusMsg{Seq: r.Message.Seq, Subject: r.Message.Subject, Data: r.Message.Data, Headers: map[string][]string{}}
	if len(r.Message.Hdrs) > 0 {
		h, err := nats.DecodeHeadersMsg(r.Message.Hdrs)
		require.NoError(t, err, "stored message %d: headers", seq)
		m.Headers = h
	}
	return m
}

// readCorpusStream reads a generation's stream.jsonl.
func readCorpusStream(t *testing.T, dir string) []corpusMsg {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "stream.jsonl"))
	require.NoError(t, err)
	var msgs []corpusMsg
	for i, line := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
		var m corpusMsg
		require.NoError(t, json.Unmarshal(line, &m), "%s line %d", dir, i+1)
		msgs = append(msgs, m)
	}
	return msgs
}

// corpusGenerations returns the folders under testdata/corpus.
func corpusGenerations(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(corpusRoot)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	var dirs []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			dirs = append(dirs, filepath.Join(corpusRoot, e.Name()))
		}
	}
	return dirs
}

// Every generation of the corpus, its messages published again as they
// were stored into a new stream, verifies and prints what it printed when
// it was written.
func TestCorpusReadsAsItWasWritten(t *testing.T) {
	gens := corpusGenerations(t)
	require.NotEmpty(t, gens, "no corpus under %s: add a corpus folder with -write-corpus", corpusRoot)
	for _, dir := range gens {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			var manifest corpusManifest
			data, err := os.ReadFile(filepath.Join(dir, "corpus.json"))
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(data, &manifest))
			require.NotEmpty(t, manifest.Commands)

			c := &cli{t: t, dir: t.TempDir(), clock: domain.NewManualClock(manifest.Clock)}
			replayCorpus(t, c.dir, readCorpusStream(t, dir))
			restoreEvidence(t, dir, c.dir)
			// The commands use the server running on the data folder, as
			// with ledger serve, rather than each starting its own.
			srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: c.dir, Port: -1})
			require.NoError(t, err)
			defer srv.Shutdown()
			c.ok("projections", "rebuild")
			for _, cmd := range manifest.Commands {
				want, err := os.ReadFile(filepath.Join(dir, "expected", cmd.Expected))
				require.NoError(t, err)
				line := "ledger " + strings.Join(cmd.Args, " ")
				code, out, errs := c.run(cmd.Args...)
				if !assert.Equal(t, 0, code, "%s: %s", line, errs) {
					continue
				}
				if strings.HasSuffix(cmd.Expected, ".json") {
					containsJSON(t, decodeJSON(t, want), normaliseJSON(t, out), line+": $")
				} else {
					assert.Equal(t, string(want), normaliseText(out), line)
				}
			}
		})
	}
}

// replayCorpus publishes msgs into a new ledger stream in dir, each with
// the subject, headers and body it was stored with, checks each lands on
// its stored sequence, and reads the stream back: it holds what the
// corpus holds, message for message.
//
// A message stored as part of an atomic batch (a registration with its
// plan, an import) keeps the batch's headers, Nats-Batch-Commit on its
// last: its batch is published again as one, under the same batch id.
func replayCorpus(t *testing.T, dir string, msgs []corpusMsg) {
	t.Helper()
	ctx := context.Background()
	withStore(t, dir, func(nc *nats.Conn, s *eventstore.Store) {
		for i := 0; i < len(msgs); {
			batch := batchID(msgs[i])
			if batch == "" {
				m := msgs[i]
				ack, err := s.JetStream().PublishMsg(ctx, &nats.Msg{Subject: m.Subject, Header: nats.Header(m.Headers), Data: m.Data})
				require.NoError(t, err, "publish stored message %d", m.Seq)
				require.Equal(t, m.Seq, ack.Sequence, "stored message %d landed on another sequence", m.Seq)
				i++
				continue
			}
			end := i + 1
			for end < len(msgs) && batchID(msgs[end]) == batch {
				end++
			}
			replayBatch(t, nc, msgs[i:end])
			i = end
		}
		last, err := s.LastSequence(ctx)
		require.NoError(t, err)
		require.Equal(t, uint64(len(msgs)), last)
		for _, m := range msgs {
			require.Equal(t, m, storedMsg(t, nc, s.StreamName(), m.Seq), "stored message %d reads back otherwise", m.Seq)
		}
	})
}

func batchID(m corpusMsg) string {
	if v := m.Headers[jetstreamext.BatchIDHeader]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// replayBatch publishes the messages of one atomic batch as they were
// stored: the first asks for the server's go-ahead, as the ledger's
// appends do, and the last, which carries Nats-Batch-Commit, commits them.
func replayBatch(t *testing.T, nc *nats.Conn, batch []corpusMsg) {
	t.Helper()
	first, last := batch[0], batch[len(batch)-1]
	require.Equal(t, []string{"1"}, last.Headers[jetstreamext.BatchCommitHeader],
		"stored messages %d to %d: the last message of a batch commits it", first.Seq, last.Seq)
	for k, m := range batch {
		msg := &nats.Msg{Subject: m.Subject, Header: nats.Header(m.Headers), Data: m.Data}
		if k > 0 && k < len(batch)-1 {
			require.NoError(t, nc.PublishMsg(msg), "publish stored message %d", m.Seq)
			continue
		}
		resp, err := nc.RequestMsg(msg, 5*time.Second)
		require.NoError(t, err, "publish stored message %d", m.Seq)
		var ack struct {
			Seq   uint64 `json:"seq"`
			Count int    `json:"count"`
			Error *struct {
				Description string `json:"description"`
			} `json:"error"`
		}
		if len(resp.Data) > 0 {
			require.NoError(t, json.Unmarshal(resp.Data, &ack), "stored message %d: %s", m.Seq, resp.Data)
		}
		require.Nil(t, ack.Error, "publish stored message %d: %s", m.Seq, resp.Data)
		if k == len(batch)-1 {
			require.Equal(t, last.Seq, ack.Seq, "the batch of stored messages %d to %d landed on other sequences", first.Seq, last.Seq)
			require.Equal(t, len(batch), ack.Count, "the batch of stored messages %d to %d", first.Seq, last.Seq)
		}
	}
}

// containsJSON checks that actual holds everything expected holds, the
// rule a stored report is read by: every key of an expected object is in
// the actual object with a value that contains the expected value (a
// later ledger may add keys to an object, never drop or change one);
// lists have the same length and contain each other element by element,
// in order; numbers, strings, booleans and null are equal. path names the
// place compared, in failures.
func containsJSON(t *testing.T, expected, actual any, path string) bool {
	t.Helper()
	switch want := expected.(type) {
	case map[string]any:
		got, ok := actual.(map[string]any)
		if !ok {
			return assert.Fail(t, "not an object", "%s: expected an object, got %s", path, brief(actual))
		}
		keys := make([]string, 0, len(want))
		for k := range want {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		ok = true
		for _, k := range keys {
			v, found := got[k]
			if !found {
				ok = assert.Fail(t, "key missing", "%s: key %q missing", path, k) && ok
				continue
			}
			ok = containsJSON(t, want[k], v, path+"."+k) && ok
		}
		return ok
	case []any:
		got, ok := actual.([]any)
		if !ok {
			return assert.Fail(t, "not a list", "%s: expected a list, got %s", path, brief(actual))
		}
		if len(got) != len(want) {
			return assert.Fail(t, "list length", "%s: expected %d elements, got %d", path, len(want), len(got))
		}
		ok = true
		for i := range want {
			ok = containsJSON(t, want[i], got[i], fmt.Sprintf("%s[%d]", path, i)) && ok
		}
		return ok
	case json.Number:
		// The same number, however it is written (30000000, 3e7).
		x, okx := new(big.Rat).SetString(want.String())
		n, isNumber := actual.(json.Number)
		if !isNumber {
			return assert.Fail(t, "not a number", "%s: expected %s, got %s", path, want, brief(actual))
		}
		y, oky := new(big.Rat).SetString(n.String())
		if !okx || !oky || x.Cmp(y) != 0 {
			return assert.Fail(t, "not equal", "%s: expected %s, got %s", path, want, n)
		}
		return true
	default:
		return assert.Equal(t, expected, actual, path)
	}
}

// brief prints a JSON value for a failure, cut short.
func brief(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}

// The corpus holds every event type at every version it was ever
// written with: each stored shape is read by TestCorpusReadsAsItWasWritten.
func TestCorpusCoversEveryTypeAndVersion(t *testing.T) {
	codec := eventstore.NewCodec()
	seen := map[domain.EventType]map[int]bool{}
	for _, dir := range corpusGenerations(t) {
		for _, m := range readCorpusStream(t, dir) {
			e, err := codec.DecodeStored(m.Data)
			require.NoError(t, err, "%s: stored message %d", dir, m.Seq)
			if seen[e.Type] == nil {
				seen[e.Type] = map[int]bool{}
			}
			seen[e.Type][e.Schema] = true
		}
	}
	var missing []string
	for _, typ := range domain.EventTypes {
		for v := 1; v <= domain.EventVersion(typ); v++ {
			if !seen[typ][v] {
				missing = append(missing, fmt.Sprintf("%s version %d", typ, v))
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("the stored corpus under %s lacks %s: add a corpus folder with -write-corpus (docs/events.md, Versions)",
			corpusRoot, strings.Join(missing, ", "))
	}
}

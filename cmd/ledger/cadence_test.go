package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/testday"
	"github.com/keyprojects/ledger/projections/cadence"
)

// cadenceFile writes the county's default cadence, publishing under out,
// and returns its path.
func cadenceFile(t *testing.T, out string) string {
	t.Helper()
	cfg := cadence.DefaultConfig()
	cfg.Out = out
	b, err := json.MarshalIndent(cfg, "", "  ")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "cadence.json")
	require.NoError(t, os.WriteFile(path, b, 0o644))
	return path
}

// at is the wall-clock instant in Asia/Shanghai, as --at takes it.
func at(t time.Time) string { return t.In(shanghai()).Format("2006-01-02 15:04") }

func publicationsOf(t *testing.T, c *cli) []cadence.Publication {
	t.Helper()
	var pubs []cadence.Publication
	require.NoError(t, json.Unmarshal([]byte(c.ok("cadence", "list", "--json")), &pubs))
	return pubs
}

// The monthly bulletin made at 09:00 on the first is recorded with its
// files' digests and command lines; an auditor's check reproduces every
// byte, and reports a file altered on disk.
func TestCadenceBulletinIsReproducedFromItsEvent(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	out := t.TempDir()
	cfg := cadenceFile(t, out)
	today := testday.Today(t)
	first := time.Date(today.Year(), today.Month()+1, 1, 9, 0, 0, 0, shanghai())
	c.clock.Set(first.Add(time.Hour))

	assert.Contains(t, c.ok("cadence", "list"), "no publication recorded")
	printed := c.ok("cadence", "once", "--config", cfg, "--at", at(first))
	month := cadence.Covered(cadence.Month, domain.DateOf(first, shanghai()))
	assert.Contains(t, printed, "published bulletin "+month.Label)
	pubs := publicationsOf(t, c)
	require.Len(t, pubs, 1)
	p := pubs[0]
	assert.Equal(t, "bulletin", p.Report)
	assert.Equal(t, month.Label, p.Period)
	assert.Equal(t, month.Last, p.AsOf)
	assert.True(t, first.Equal(p.Cut))
	require.Len(t, p.Files, 2)
	assert.Equal(t, []string{"bulletin", "--period", "month", "--as-of", month.Last.String(), "--as-of-recorded", first.Format(time.RFC3339),
		"--lang", "zh", "--docx", "通报-" + month.Label + ".docx"}, p.Args[0])
	list := c.ok("cadence", "list")
	for _, f := range p.Files {
		assert.Contains(t, list, f.SHA256)
		assert.Contains(t, list, f.Name)
	}

	// The same instant again: refused by the ledger, nothing written.
	folder := filepath.Join(out, "bulletin", month.Label)
	docx := filepath.Join(folder, p.Files[0].Name)
	before, err := os.ReadFile(docx)
	require.NoError(t, err)
	assert.Contains(t, c.ok("cadence", "once", "--config", cfg, "--at", at(first)), "already published bulletin "+month.Label)
	assert.Len(t, publicationsOf(t, c), 1)
	after, err := os.ReadFile(docx)
	require.NoError(t, err)
	assert.Equal(t, before, after)

	// Recorded later, still reproduced: the cut holds.
	c.clock.Advance(24 * time.Hour)
	c.ok("project", "register", "P-9", "--name", "新登记项目", "--investment", "1亿", "--unit", "县工信局", "--leader", "李明")
	checked := c.ok("cadence", "check", "--config", cfg)
	assert.Contains(t, checked, "1 publications reproduced")
	assert.Equal(t, 2, strings.Count(checked, "ok "), checked)

	// A file altered on disk is named.
	book := filepath.Join(folder, p.Files[1].Name)
	b, err := os.ReadFile(book)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(book, append(b, 0), 0o644))
	code, stdout, stderr := c.run("cadence", "check", "--config", cfg)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stdout, "ON DISK  bulletin "+month.Label+" "+p.Files[1].Name+": altered")
	assert.Contains(t, stderr, "1 of the published files differ")

	// Refused: an instant not yet come, a malformed one.
	code, _, stderr = c.run("cadence", "once", "--config", cfg, "--at", at(c.clock.Now().Add(time.Hour)))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "later than now")
	code, _, _ = c.run("cadence", "once", "--at", "tomorrow")
	assert.Equal(t, exitUsage, code)
}

// Every kind of publication over the turn of the year, the weekly
// dispatch, the December bulletin, the quarterly inspection, the
// half-year summary and the year-end posting, is reproduced by its
// command lines.
func TestCadenceEveryKindIsReproduced(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	out := t.TempDir()
	cfg := cadenceFile(t, out)
	today := testday.Today(t)
	monday := today.AddDays(1)
	for monday.Time(time.UTC).Weekday() != time.Monday {
		monday = monday.AddDays(1)
	}
	newYear := domain.NewDate(today.Year()+1, 1, 1).Time(shanghai())
	c.clock.Set(newYear.Add(10 * 24 * time.Hour)) // after the first Monday after today too
	for _, instant := range []time.Time{
		monday.Time(shanghai()).Add(8 * time.Hour),
		newYear.Add(9 * time.Hour), newYear.Add(10 * time.Hour), newYear.Add(11 * time.Hour),
	} {
		assert.Contains(t, c.ok("cadence", "once", "--config", cfg, "--at", at(instant)), "published")
	}
	reports := map[string]bool{}
	for _, p := range publicationsOf(t, c) {
		reports[p.Report] = true
	}
	assert.Equal(t, map[string]bool{"dispatch": true, "bulletin": true, "quarterly": true, "half-year": true, "year-end": true}, reports)
	checked := c.ok("cadence", "check", "--config", cfg)
	assert.Contains(t, checked, "publications reproduced")
	assert.NotContains(t, checked, "DIFFERS")
	assert.Equal(t, 11, strings.Count(checked, "ok "), checked)
	year := filepath.Join(out, "year-end", domain.DateOf(newYear, shanghai()).AddDays(-1).String()[:4])
	es, err := os.ReadDir(year)
	require.NoError(t, err)
	assert.Len(t, es, 2)
}

// syncBuffer is a bytes.Buffer safe for a command writing while the test
// reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// cadence run makes, at start, the runs missed while it was down, once,
// and stops when interrupted; started again it writes nothing new.
func TestCadenceRunCatchesUpOnceAtStart(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	out := t.TempDir()
	cfg := cadenceFile(t, out)
	runFor := func() string {
		var stdout, stderr syncBuffer
		a := newApp(&stdout, &stderr)
		a.clock = c.clock
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int)
		go func() {
			done <- a.run(ctx, []string{"--data", c.dir, "--actor", "clerk", "cadence", "run", "--config", cfg})
		}()
		require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "next ") }, 30*time.Second, 10*time.Millisecond)
		// The first tick comes before the line naming the next run only
		// once the scheduler is up; wait for the runs of the first tick.
		require.Eventually(t, func() bool { return strings.Count(stdout.String(), "published") >= 5 }, 60*time.Second, 20*time.Millisecond, stdout.String())
		cancel()
		select {
		case code := <-done:
			assert.Equal(t, exitOK, code, stderr.String())
		case <-time.After(30 * time.Second):
			t.Fatal("cadence run did not stop when interrupted")
		}
		return stdout.String()
	}
	first := runFor()
	assert.Equal(t, 5, strings.Count(first, "published "), first)
	assert.NotContains(t, first, "already published")
	n := len(publicationsOf(t, c))
	assert.Equal(t, 5, n)

	again := runFor()
	assert.Equal(t, 5, strings.Count(again, "already published "), again)
	assert.Len(t, publicationsOf(t, c), n)
}

// serve --cadence runs the scheduler beside the projections and the
// watcher; other commands list and check its publications meanwhile.
func TestCadenceInsideServe(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	cfg := cadenceFile(t, t.TempDir())
	var stdout, stderr syncBuffer
	a := newApp(&stdout, &stderr)
	a.clock = c.clock
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- a.run(ctx, []string{"--data", c.dir, "--actor", "clerk", "serve", "--listen", "127.0.0.1:0", "--board", "off", "--cadence", cfg})
	}()
	require.Eventually(t, func() bool { return strings.Count(stdout.String(), "published ") >= 5 }, 60*time.Second, 20*time.Millisecond,
		"%s\n%s", stdout.String(), stderr.String())
	assert.Contains(t, stdout.String(), "cadence: 5 jobs publishing under")
	assert.Len(t, publicationsOf(t, c), 5)
	assert.Contains(t, c.ok("cadence", "check", "--config", cfg), "5 publications reproduced")
	cancel()
	select {
	case code := <-done:
		assert.Equal(t, exitOK, code, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}

	code, _, errs := c.run("serve", "--cadence-out", t.TempDir())
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "--cadence-out goes with --cadence")
}

// A publication is announced in Chinese to the group robots named; a
// robot that refuses is told on stderr and the publication stands.
func TestCadenceAnnouncesEachPublicationToTheRobots(t *testing.T) {
	var mu sync.Mutex
	var posts []string
	robot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		posts = append(posts, string(b))
		mu.Unlock()
		if strings.Contains(r.URL.Path, "refuse") {
			_, _ = w.Write([]byte(`{"errcode":93000,"errmsg":"invalid webhook url"}`))
			return
		}
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	}))
	defer robot.Close()

	c := newDemoCLI(t)
	c.ok("demo")
	cfg := cadenceFile(t, t.TempDir())
	today := testday.Today(t)
	first := time.Date(today.Year(), today.Month()+1, 1, 9, 0, 0, 0, shanghai())
	c.clock.Set(first.Add(time.Hour))
	code, stdout, stderr := c.run("cadence", "once", "--config", cfg, "--at", at(first),
		"--wecom", robot.URL+"/cgi-bin/webhook/send?key=k", "--dingtalk", robot.URL+"/refuse")
	require.Equal(t, exitOK, code, stderr)
	month := cadence.Covered(cadence.Month, domain.DateOf(first, shanghai()))
	assert.Contains(t, stdout, "published bulletin "+month.Label)
	assert.Contains(t, stderr, "errcode 93000")
	assert.NotContains(t, stderr, "key=k")
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, posts, 2)
	var wecom struct {
		MsgType  string `json:"msgtype"`
		Markdown struct {
			Content string `json:"content"`
		} `json:"markdown"`
	}
	require.NoError(t, json.Unmarshal([]byte(posts[0]), &wecom))
	assert.Equal(t, "markdown", wecom.MsgType)
	assert.Contains(t, wecom.Markdown.Content, "通报已发布："+month.Label)
	assert.Contains(t, wecom.Markdown.Content, "通报-"+month.Label+".docx")
	assert.Len(t, publicationsOf(t, c), 1)
}

// A recorded command line is run again only when it is a report command.
func TestCadenceCheckRunsOnlyReportCommands(t *testing.T) {
	c := newCLI(t)
	a := newApp(io.Discard, io.Discard)
	a.clock, a.dataDir, a.actor = c.clock, c.dir, "auditor"
	for _, args := range [][]string{{"project", "register", "P-1", "--name", "x"}, {"backup", "x"}, {}} {
		_, err := a.reproduce(context.Background(), args, t.TempDir())
		require.Error(t, err, "%v", args)
		assert.Contains(t, err.Error(), "not a report command")
	}
	_, err := a.reproduce(context.Background(), []string{"status", "--xlsx", "../x.xlsx"}, t.TempDir())
	assert.ErrorContains(t, err, "not a plain name")
}

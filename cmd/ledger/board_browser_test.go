package main

// Browser tests of the web board: serve runs in-process on a demo county,
// and a headless Chromium (chromedp) loads its pages as a user would. They
// need Chromium: /usr/bin/chromium, or the binary named by CHROME_PATH. They
// fail, not skip, when it is missing.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

// browserUnit is a responsible unit of the demo county with a handful of
// projects, fewer than a page of the board.
const browserUnit = "县住建局"

// browserAsOf is the demo county's last day.
const browserAsOf = "2026-11-30"

// chromePath is the Chromium the tests drive; a missing one fails the test
// with what to install.
func chromePath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("CHROME_PATH")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the board's browser tests need Chromium at %s (%v): install it with `apt-get update && apt-get install -y chromium`, or set CHROME_PATH to a Chrome or Chromium binary", p, err)
	}
	return p
}

// screenshotDir is where the tests write their screenshots: $LEDGER_SCREENSHOTS,
// else ledger-board-screenshots in the temporary folder.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("LEDGER_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "ledger-board-screenshots")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// boardServer runs `ledger serve` with its board on a demo county's data
// folder until the test ends, on the cli's manual clock; it returns the
// board's URL, ending in "/".
func boardServer(t *testing.T, c *cli) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan struct{})
	out, errs := &syncBuilder{}, &syncBuilder{}
	var code int
	go func() {
		defer close(done)
		a := newApp(out, errs)
		a.clock = c.clock
		a.onBoard = func(u string) { urls <- u }
		code = a.run(ctx, []string{"--data", c.dir, "--actor", "clerk", "serve", "--listen", "127.0.0.1:0", "--board", "127.0.0.1:0"})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Errorf("serve did not stop within 15 s of its context ending")
		}
		if t.Failed() {
			t.Logf("serve's stdout:\n%s\nserve's stderr:\n%s", out.String(), errs.String())
		}
	})
	select {
	case u := <-urls:
		require.True(t, strings.HasPrefix(u, "http://127.0.0.1:"), u)
		return u
	case <-done:
		t.Fatalf("serve ended with code %d before its board listened: %s", code, errs.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("serve's board did not listen within 30 s: %s", errs.String())
	}
	return ""
}

// browser is a headless Chromium tab that records the page's console
// errors and uncaught exceptions.
type browser struct {
	t        *testing.T
	ctx      context.Context
	mu       sync.Mutex
	problems []string
}

// newBrowser starts a headless Chromium with a window of width×height that
// reaches only the loopback, and closes it when the test ends (at the
// latest 55 s after it started). Its back/forward cache is off: a page kept
// there keeps its /events connection open (see
// TestBoardBrowserLeavingAPageClosesItsLiveConnection), and with six of
// them Chromium has no connection left to the board (six a host).
func newBrowser(t *testing.T, width, height int) *browser {
	return newBrowserCache(t, width, height, false)
}

// newBrowserCache is newBrowser with the back/forward cache on or off.
func newBrowserCache(t *testing.T, width, height int, bfcache bool) *browser {
	t.Helper()
	path := chromePath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.WindowSize(width, height),
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("lang", "zh-CN"),
	)
	if !bfcache {
		opts = append(opts, chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,BackForwardCache"))
	}
	deadline, cancelDeadline := context.WithTimeout(context.Background(), 55*time.Second)
	alloc, cancelAlloc := chromedp.NewExecAllocator(deadline, opts...)
	b := &browser{t: t}
	ctx, cancelCtx := chromedp.NewContext(alloc, chromedp.WithListener(b.listen))
	b.ctx = ctx
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		cancelDeadline()
	})
	// The first Do starts the browser, which lives as long as the context it
	// gets: the test's (the 55-s deadline bounds the start).
	require.NoError(t, chromedp.Do(ctx), "starting Chromium %s", path)
	return b
}

// listen runs in the tab's event loop: it only notes the problems.
func (b *browser) listen(ev any) {
	var problem string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError {
			return
		}
		var args []string
		for _, a := range ev.Args {
			if len(a.Value) > 0 {
				args = append(args, string(a.Value))
			} else {
				args = append(args, a.Description)
			}
		}
		problem = "console.error: " + strings.Join(args, " ")
	case *runtime.EventExceptionThrown:
		problem = "uncaught exception: " + ev.ExceptionDetails.Text
		if e := ev.ExceptionDetails.Exception; e != nil {
			problem += " " + e.Description
		}
	case *log.EventEntryAdded:
		// Chromium asks every site for /favicon.ico, which the board has not.
		if ev.Entry.Level != log.EntryLevelError || strings.HasSuffix(ev.Entry.URL, "/favicon.ico") {
			return
		}
		problem = fmt.Sprintf("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
	default:
		return
	}
	b.mu.Lock()
	b.problems = append(b.problems, problem)
	b.mu.Unlock()
}

// takeProblems returns the problems noted since the last call.
func (b *browser) takeProblems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.problems
	b.problems = nil
	return p
}

// do runs actions with a bound of 15 s.
func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	require.NoError(b.t, chromedp.Do(ctx, actions...))
}

// browse runs one action with a bound of 15 s and returns its value.
func browse[T any](b *browser, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	require.NoError(b.t, err)
	return v
}

// screenshot writes a full-page PNG of the page shown to dir/name.png.
func (b *browser) screenshot(dir, name string) {
	b.t.Helper()
	png := browse(b, chromedp.FullScreenshot(100))
	require.True(b.t, bytes.HasPrefix(png, []byte("\x89PNG")), "a PNG")
	require.NoError(b.t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
}

// boardDemo is a demo county recorded in a fresh data folder, on the day
// the tests run as.
func boardDemo(t *testing.T) *cli {
	t.Helper()
	c := newDemoCLI(t)
	c.ok("demo")
	return c
}

// TestBoardBrowserPagesLoadCleanly loads each page in Chromium: no console
// error, no uncaught exception, the page's own heading, and the overview's
// chart drawn. It writes a screenshot of each.
func TestBoardBrowserPagesLoadCleanly(t *testing.T) {
	c := boardDemo(t)
	base := boardServer(t, c)
	b := newBrowser(t, 1280, 900)
	dir := screenshotDir(t)
	t.Logf("screenshots in %s", dir)

	for _, p := range []struct {
		name, path, h1 string
		rows           bool // a report table with rows
	}{
		{"overview", "", "总览", false},
		{"status", "status", "项目进度表", true},
		{"overdue", "overdue?as_of=" + browserAsOf, "逾期清单", true},
		{"scoreboard", "scoreboard", "单位排名", true},
		{"bulletin", "bulletin?period=month&as_of=" + browserAsOf, "通报", true},
		{"project-DEMO-1", "project/DEMO-1", "DEMO-1 光伏组件生产线", false},
		// Last: ?lang=en sets the language cookie for the pages after it.
		{"status-en", "status?lang=en", "Status table", true},
	} {
		t.Run(p.name, func(t *testing.T) {
			outer := b.t
			b.t = t
			defer func() { b.t = outer }()
			b.takeProblems()
			resp := browse(b, chromedp.NavigateResponse(base+p.path))
			require.Equal(t, int64(http.StatusOK), resp.Status, p.path)
			if p.name == "overview" {
				b.do(chromedp.WaitVisible(chromedp.CSS(".chart svg")))
				paths := browse(b, chromedp.Evaluate[int](`document.querySelectorAll(".chart svg path").length`))
				assert.Positive(t, paths, "the investment chart draws its bars")
				tiles := browse(b, chromedp.Evaluate[int](`document.querySelectorAll("#light-counts li.tile").length`))
				assert.Positive(t, tiles, "tiles of the traffic lights")
				unreadable := browse(b, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#light-counts li.tile")).filter(li => { const s = getComputedStyle(li); return s.color === s.backgroundColor }).map(li => li.className)`))
				assert.Empty(t, unreadable, "tiles whose text has the colour of their background")
			}
			h1 := browse(b, chromedp.Text(chromedp.CSS("main > h1")))
			if p.name == "project-DEMO-1" {
				assert.True(t, strings.HasPrefix(h1, p.h1), "heading %q", h1)
			} else {
				assert.Equal(t, p.h1, h1)
			}
			if p.rows {
				n := browse(b, chromedp.Evaluate[int](`document.querySelectorAll("section.report tbody tr td:not(.none)").length`))
				assert.Positive(t, n, "the report shows rows")
			}
			// Let the page's scripts run (htmx, the SSE connection, charts).
			b.do(chromedp.Sleep(300 * time.Millisecond))
			assert.Empty(t, b.takeProblems(), "console errors or uncaught exceptions on %s", p.path)
			b.screenshot(dir, "desktop-"+p.name)
		})
	}
}

// statusIDs is the project ids of the CLI's status --json.
func statusIDs(t *testing.T, js string) []string {
	t.Helper()
	var rows []projections.StatusRow
	require.NoError(t, json.Unmarshal([]byte(js), &rows))
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = string(r.Project)
	}
	return ids
}

// tableIDs is the first column of the report table the page shows.
const tableIDs = `Array.from(document.querySelectorAll("section.report tbody tr")).map(tr => tr.cells[0].textContent.trim())`

// TestBoardBrowserFiltersMatchTheCLI filters the status table by a unit,
// by its URL and by the filter form, and compares the rows with the CLI's
// status for the same unit and day.
func TestBoardBrowserFiltersMatchTheCLI(t *testing.T) {
	c := boardDemo(t)
	want := statusIDs(t, c.ok("status", "--as-of", browserAsOf, "--unit", browserUnit, "--json"))
	all := statusIDs(t, c.ok("status", "--as-of", browserAsOf, "--json"))
	require.NotEmpty(t, want)
	require.Less(t, len(want), len(all), "the unit is a part of the county")
	base := boardServer(t, c)
	b := newBrowser(t, 1280, 900)

	q := url.Values{"unit": {browserUnit}, "as_of": {browserAsOf}}
	b.do(chromedp.Navigate(base + "status?" + q.Encode()))
	assert.Equal(t, want, browse(b, chromedp.Evaluate[[]string](tableIDs)), "the board's status of %s on %s", browserUnit, browserAsOf)

	// The same through the form: the day kept, the unit chosen.
	b.do(chromedp.Navigate(base + "status?as_of=" + browserAsOf))
	assert.Equal(t, all[:min(len(all), 50)], browse(b, chromedp.Evaluate[[]string](tableIDs)), "unfiltered: every project, 50 a page")
	b.do(
		chromedp.SetValue(chromedp.CSS(`form.filters select[name="unit"]`), browserUnit),
		chromedp.Click(chromedp.CSS(`form.filters button[type="submit"]`)),
		// The new page has the unit selected in its markup.
		chromedp.WaitReady(chromedp.CSS(`form.filters select[name="unit"] option[selected]`)),
	)
	loc := browse(b, chromedp.Evaluate[string](`location.search`))
	u, err := url.ParseQuery(strings.TrimPrefix(loc, "?"))
	require.NoError(t, err)
	assert.Equal(t, browserUnit, u.Get("unit"), loc)
	assert.Equal(t, browserAsOf, u.Get("as_of"), "the form keeps the day: %s", loc)
	assert.Equal(t, want, browse(b, chromedp.Evaluate[[]string](tableIDs)), "after the form")
	assert.Empty(t, b.takeProblems())
}

// get fetches u and returns its body.
func get(t *testing.T, u string) []byte {
	t.Helper()
	cl := &http.Client{Timeout: 15 * time.Second}
	resp, err := cl.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", u, body)
	return body
}

// xlsxRows is the cells of a workbook's first sheet.
func xlsxRows(t *testing.T, r io.Reader) (string, [][]string) {
	t.Helper()
	f, err := excelize.OpenReader(r)
	require.NoError(t, err)
	defer f.Close()
	sheets := f.GetSheetList()
	require.NotEmpty(t, sheets)
	rows, err := f.GetRows(sheets[0])
	require.NoError(t, err)
	return sheets[0], rows
}

// TestBoardBrowserDownloadsMatchTheCLI follows the download links of the
// status and overdue pages, filtered, and compares the files with the
// CLI's --csv --bom --lang zh and --xlsx --lang zh of the same report.
func TestBoardBrowserDownloadsMatchTheCLI(t *testing.T) {
	c := boardDemo(t)
	cliArgs := []string{"--as-of", browserAsOf, "--unit", browserUnit}
	wantStatus := c.ok(append([]string{"status", "--csv", "--bom", "--lang", "zh"}, cliArgs...)...)
	wantOverdue := c.ok(append([]string{"overdue", "--csv", "--bom", "--lang", "zh"}, cliArgs...)...)
	xlsx := filepath.Join(t.TempDir(), "status.xlsx")
	c.ok(append([]string{"status", "--xlsx", xlsx, "--lang", "zh"}, cliArgs...)...)
	wf, err := os.Open(xlsx)
	require.NoError(t, err)
	defer wf.Close()
	wantSheet, wantCells := xlsxRows(t, wf)
	require.Greater(t, len(wantCells), 2, "a header and rows")
	require.True(t, strings.HasPrefix(wantStatus, "\ufeff"), "the CLI's CSV has its BOM")
	require.Greater(t, strings.Count(wantOverdue, "\n"), 1, "the unit has overdue deadlines on %s", browserAsOf)

	base := boardServer(t, c)
	b := newBrowser(t, 1280, 900)
	q := url.Values{"unit": {browserUnit}, "as_of": {browserAsOf}}.Encode()

	links := func(page string) (csv, xlsx string) {
		t.Helper()
		b.do(chromedp.Navigate(base + page + "?" + q))
		hrefs := browse(b, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("p.downloads a")).map(a => a.href)`))
		require.Len(t, hrefs, 2, "CSV and Excel links on /%s", page)
		return hrefs[0], hrefs[1]
	}

	statusCSV, statusXLSX := links("status")
	assert.True(t, strings.Contains(statusCSV, "/status.csv?"), statusCSV)
	assert.Equal(t, wantStatus, string(get(t, statusCSV)), "%s against ledger status --csv --bom --lang zh %v", statusCSV, cliArgs)

	gotSheet, gotCells := xlsxRows(t, bytes.NewReader(get(t, statusXLSX)))
	assert.Equal(t, wantSheet, gotSheet)
	assert.Equal(t, wantCells, gotCells, "%s against ledger status --xlsx --lang zh %v", statusXLSX, cliArgs)

	overdueCSV, _ := links("overdue")
	assert.True(t, strings.Contains(overdueCSV, "/overdue.csv?"), overdueCSV)
	assert.Equal(t, wantOverdue, string(get(t, overdueCSV)), "%s against ledger overdue --csv --bom --lang zh %v", overdueCSV, cliArgs)
	assert.Empty(t, b.takeProblems())
}

// TestBoardBrowserShowsAMissLive keeps the overview open while the clock
// passes a deadline: the watcher records the miss and the page shows it
// without a reload.
func TestBoardBrowserShowsAMissLive(t *testing.T) {
	c := boardDemo(t)
	today := domain.DateOf(c.clock.Now(), shanghai())
	// A deadline of today that nothing will meet; --confirm-order because
	// on some test days it falls after the project's later deadlines.
	c.ok("plan", "DEMO-2", "eia", today.String(), "--confirm-order")
	base := boardServer(t, c)
	b := newBrowser(t, 1280, 900)

	responses := chromedp.Events(b.ctx, network.ResponseReceived)
	b.do(chromedp.Navigate(base))
	// The page follows the misses once the board answered its /events.
	connected, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	for ev, err := range responses {
		require.NoError(t, err, "the page did not open /events within 10 s")
		if strings.HasSuffix(ev.Response.URL, "/events") {
			require.Equal(t, int64(http.StatusOK), ev.Response.Status)
			break
		}
		if connected.Err() != nil {
			t.Fatal("the page did not open /events within 10 s")
		}
	}
	assert.Equal(t, 0, browse(b, chromedp.Evaluate[int](`document.querySelectorAll("#live-misses li.miss").length`)), "no miss before the clock moves")
	b.do(chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`))

	c.clock.Advance(48 * time.Hour)
	sel := chromedp.CSS(`#live-misses li.miss a[href="/project/DEMO-2"]`)
	wait, cancelWait := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancelWait()
	require.NoError(t, chromedp.Do(wait, chromedp.WaitVisible(sel)), "DEMO-2's missed eia deadline did not show within 10 s")
	items := browse(b, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#live-misses li.miss")).map(li => li.textContent)`))
	assert.True(t, slices.ContainsFunc(items, func(s string) bool {
		return strings.Contains(s, "DEMO-2") && strings.Contains(s, today.String())
	}), "a miss of DEMO-2 due %s among %q", today, items)
	assert.True(t, browse(b, chromedp.Evaluate[bool](`window.notReloaded === true`)), "the page was not reloaded")
	assert.Equal(t, 0, browse(b, chromedp.Evaluate[int](`document.querySelectorAll("#live-misses li.none").length`)), "the 'none yet' line goes")
	assert.Empty(t, b.takeProblems())
}

// TestBoardBrowserFitsAPhone loads the status table on a 375-px phone: the
// page is no wider than the screen, the table scrolls in its own box.
func TestBoardBrowserFitsAPhone(t *testing.T) {
	c := boardDemo(t)
	base := boardServer(t, c)
	b := newBrowser(t, 375, 800)
	dir := screenshotDir(t)
	t.Logf("screenshots in %s", dir)

	b.do(
		chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile),
		chromedp.Navigate(base+"status?as_of="+browserAsOf),
		chromedp.WaitVisible(chromedp.CSS("section.report .scroll table")),
	)
	assert.Equal(t, "项目进度表", browse(b, chromedp.Text(chromedp.CSS("main > h1"))))
	width := browse(b, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	assert.LessOrEqual(t, width, 375, "the page is no wider than the phone")
	inner := browse(b, chromedp.Evaluate[[]int](`(s => [s.scrollWidth, s.clientWidth])(document.querySelector("section.report .scroll"))`))
	assert.Greater(t, inner[0], inner[1], "the table is wider than the phone and scrolls inside .scroll")
	assert.LessOrEqual(t, inner[1], 375)
	assert.Empty(t, b.takeProblems())
	b.screenshot(dir, "phone-status")
}

// livePages is how many pages follow the board's live misses, as its
// /metrics says.
func livePages(t *testing.T, base string) string {
	t.Helper()
	for l := range strings.SplitSeq(string(get(t, base+"metrics")), "\n") {
		if n, ok := strings.CutPrefix(l, "ledger_board_live_pages "); ok {
			return n
		}
	}
	t.Fatal("no ledger_board_live_pages in /metrics")
	return ""
}

// TestBoardBrowserLeavingAPageClosesItsLiveConnection goes from page to
// page in one tab, with Chromium's back/forward cache on as it is for
// users: a page left must close its /events connection, else after six
// pages (Chromium's connections to one host) the next one never loads.
func TestBoardBrowserLeavingAPageClosesItsLiveConnection(t *testing.T) {
	c := boardDemo(t)
	base := boardServer(t, c)
	b := newBrowserCache(t, 1280, 900, true)
	for i, path := range []string{"", "status", "overdue", "scoreboard", "bulletin", "project/DEMO-1", "status?page=2", ""} {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		err := chromedp.Do(ctx, chromedp.Navigate(base+path))
		cancel()
		require.NoError(t, err, "page %d, /%s, did not load within 5 s; the board follows %s pages live", i+1, path, livePages(t, base))
		b.do(chromedp.WaitVisible(chromedp.CSS("main > h1")), chromedp.Sleep(200*time.Millisecond))
		require.Equal(t, "1", livePages(t, base), "after page %d, /%s: only the page shown follows the live misses", i+1, path)
	}
}

package board_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/keyprojects/ledger/cmd/ledger/board"
	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore/storetest"
	"github.com/keyprojects/ledger/projections/query"
	"github.com/keyprojects/ledger/projections/report"
)

// now is 10:00 on 27 November 2026 in Shanghai.
var now = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

var office = domain.Meta{Actor: "key-project office"}

func day(t testing.TB, s string) domain.Date {
	t.Helper()
	d, err := domain.ParseDate(s)
	require.NoError(t, err)
	return d
}

// fixture is a board over a real embedded store.
type fixture struct {
	env   *storetest.Env
	qs    *query.Service
	board *board.Server
}

// newFixture starts a store holding three projects of three units: P-1
// (光伏组件, 县工信局) missed its start deadline of 30 June; P-2 (商贸物流园,
// 县商务局) is to sign by the end of the year; P-3 (保障房, 县住建局) has no
// plan. extra more projects Q-01… of 城关镇 are registered in one batch.
func newFixture(t *testing.T, extra int) *fixture {
	t.Helper()
	clock := domain.NewManualClock(now)
	env := storetest.Start(t, clock)
	ctx := context.Background()
	for _, c := range []domain.Command{
		domain.RegisterProject{Meta: office, Project: "P-1", Name: "光伏组件", TotalInvestment: 300_000_000, Unit: "县工信局", Leader: "李明",
			Township: "城关镇", Kind: domain.KindNew, On: day(t, "2026-02-10"),
			Plan: []domain.PlannedDeadline{
				{Milestone: domain.MilestoneSigned, Due: day(t, "2026-03-31")},
				{Milestone: domain.MilestoneStarted, Due: day(t, "2026-06-30")},
			}},
		domain.RegisterProject{Meta: office, Project: "P-2", Name: "商贸物流园", TotalInvestment: 200_000_000, Unit: "县商务局", Leader: "赵强",
			Township: "东关镇", Kind: domain.KindNew, On: day(t, "2026-03-01"),
			Plan: []domain.PlannedDeadline{{Milestone: domain.MilestoneSigned, Due: day(t, "2026-12-31")}}},
		domain.RegisterProject{Meta: office, Project: "P-3", Name: "保障房", TotalInvestment: 100_000_000, Unit: "县住建局", Leader: "刘洋",
			Township: "城关镇", Kind: domain.KindContinuing, On: day(t, "2026-01-15")},
		domain.RecordStep{Meta: office, Project: "P-1", Step: domain.Signed, On: day(t, "2026-03-20")},
		domain.RecordDeadlineMissed{Meta: office, Project: "P-1", Milestone: domain.MilestoneStarted, Due: day(t, "2026-06-30")},
	} {
		_, err := env.Store.Execute(ctx, c)
		require.NoError(t, err, "%T", c)
	}
	if extra > 0 {
		var cmds []domain.RegisterProject
		for i := 1; i <= extra; i++ {
			cmds = append(cmds, domain.RegisterProject{Meta: office, Project: domain.ProjectID(fmt.Sprintf("Q-%02d", i)),
				Name: fmt.Sprintf("批量项目%02d", i), TotalInvestment: 10_000_000, Unit: "城关镇", Leader: "张伟",
				Kind: domain.KindNew, On: day(t, "2026-04-01")})
		}
		n, err := env.Store.RegisterMany(ctx, cmds)
		require.NoError(t, err)
		require.Equal(t, extra, n)
	}
	qs := query.New(env.Store, query.WithClock(clock), query.WithCatchUp())
	srv, err := board.New(qs, board.WithStore(env.Store))
	require.NoError(t, err)
	return &fixture{env: env, qs: qs, board: srv}
}

// get asks the board for target and returns the response and its body.
func (f *fixture) get(t *testing.T, target string, cookies ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	f.board.ServeHTTP(rec, req)
	res := rec.Result()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(b)
}

func h1(s string) string { return "<h1>" + s + "</h1>" }

func TestEveryPageAnswersWithItsHeading(t *testing.T) {
	f := newFixture(t, 0)
	for _, tc := range []struct {
		path   string
		zh, en string
		want   []string // more the Chinese page shows
	}{
		{"/", "总览", "Overview", []string{"按状态", "本月逾期节点"}},
		{"/status", "项目进度表", "Status table", []string{`href="/project/P-1"`, `href="/project/P-2"`, `href="/project/P-3"`, "光伏组件", "项目代码"}},
		{"/overdue", "逾期清单", "Overdue list", []string{`href="/project/P-1"`}},
		{"/scoreboard", "单位排名", "Scoreboard", []string{"县工信局"}},
		{"/bulletin", "通报", "Bulletin", nil},
		{"/project/P-1", "P-1 光伏组件", "P-1 光伏组件", []string{"事件记录（哈希链）", "县工信局", "李明"}},
	} {
		t.Run(strings.TrimPrefix(tc.path, "/"), func(t *testing.T) {
			res, body := f.get(t, tc.path)
			require.Equal(t, http.StatusOK, res.StatusCode, body)
			assert.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"))
			assert.Contains(t, body, h1(tc.zh))
			assert.Contains(t, body, `<html lang="zh-CN">`)
			for _, w := range tc.want {
				assert.Contains(t, body, w)
			}
			assert.Empty(t, res.Cookies(), "no lang asked, no cookie set")

			sep := "?"
			if strings.Contains(tc.path, "?") {
				sep = "&"
			}
			res, body = f.get(t, tc.path+sep+"lang=en")
			require.Equal(t, http.StatusOK, res.StatusCode, body)
			assert.Contains(t, body, h1(tc.en))
			assert.Contains(t, body, `<html lang="en">`)
			var lang *http.Cookie
			for _, c := range res.Cookies() {
				if c.Name == "lang" {
					lang = c
				}
			}
			require.NotNil(t, lang, "?lang=en sets the lang cookie")
			assert.Equal(t, "en", lang.Value)
			assert.Equal(t, "/", lang.Path)

			// The cookie alone keeps the page in English.
			res, body = f.get(t, tc.path, &http.Cookie{Name: "lang", Value: "en"})
			require.Equal(t, http.StatusOK, res.StatusCode, body)
			assert.Contains(t, body, h1(tc.en))
		})
	}
}

func TestBadRequestsAndMissingPages(t *testing.T) {
	f := newFixture(t, 0)
	for _, tc := range []struct {
		name   string
		target string
		code   int
		want   []string
	}{
		{"as_of not a date", "/status?as_of=2026-13-01", http.StatusBadRequest,
			[]string{h1("请求无法处理"), "参数 as_of", "2026-13-01", "日期 YYYY-MM-DD"}},
		{"recorded garbage", "/status?recorded=garbage", http.StatusBadRequest,
			[]string{h1("请求无法处理"), "参数 recorded", "garbage", "北京时间"}},
		{"page zero", "/status?page=0", http.StatusBadRequest,
			[]string{h1("请求无法处理"), "参数 page", "从 1 起的页码"}},
		{"page not a number", "/status?page=two", http.StatusBadRequest,
			[]string{h1("请求无法处理"), "参数 page"}},
		{"unit near miss", "/status?unit=" + url.QueryEscape("县工信"), http.StatusBadRequest,
			[]string{h1("请求无法处理"), "台账中没有责任单位“县工信”", "您是否要找", "县工信局"}},
		{"unknown light", "/status?light=purple", http.StatusBadRequest,
			[]string{h1("请求无法处理"), "purple", "red"}},
		{"unknown period", "/bulletin?period=decade", http.StatusBadRequest,
			[]string{h1("请求无法处理"), "参数 period", "decade", "month、quarter 或 year"}},
		{"unknown sort", "/status?sort=x", http.StatusBadRequest,
			[]string{h1("请求无法处理"), "参数 sort", "project、light、late 或 unit"}},
		{"bad as_of on a download", "/status.csv?as_of=2026-13-01", http.StatusBadRequest,
			[]string{h1("请求无法处理"), "参数 as_of"}},
		{"project not in the ledger", "/project/NOPE-1", http.StatusNotFound,
			[]string{h1("找不到该页面"), "返回总览"}},
		{"project id malformed", "/project/bad.id", http.StatusNotFound,
			[]string{h1("找不到该页面")}},
		{"no such route", "/nowhere", http.StatusNotFound,
			[]string{h1("找不到该页面"), "/nowhere"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := f.get(t, tc.target)
			require.Equal(t, tc.code, res.StatusCode, body)
			assert.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"))
			assert.Contains(t, body, `<html lang="zh-CN">`)
			for _, w := range tc.want {
				assert.Contains(t, body, w)
			}
		})
	}

	t.Run("in English on request", func(t *testing.T) {
		res, body := f.get(t, "/status?light=purple&lang=en")
		require.Equal(t, http.StatusBadRequest, res.StatusCode, body)
		assert.Contains(t, body, h1("Bad request"))
		res, body = f.get(t, "/nowhere?lang=en")
		require.Equal(t, http.StatusNotFound, res.StatusCode, body)
		assert.Contains(t, body, h1("Page not found"))
	})
}

func TestFiltersNarrowTheRows(t *testing.T) {
	f := newFixture(t, 0)
	for _, tc := range []struct {
		name    string
		query   url.Values
		in, out []string
	}{
		{"unit", url.Values{"unit": {"县工信局"}}, []string{"P-1"}, []string{"P-2", "P-3"}},
		{"search by name", url.Values{"q": {"物流"}}, []string{"P-2"}, []string{"P-1", "P-3"}},
		{"search by id", url.Values{"q": {"p-3"}}, []string{"P-3"}, []string{"P-1", "P-2"}},
		{"township", url.Values{"township": {"城关镇"}}, []string{"P-1", "P-3"}, []string{"P-2"}},
		{"kind", url.Values{"kind": {"continuing"}}, []string{"P-3"}, []string{"P-1", "P-2"}},
		{"none", nil, []string{"P-1", "P-2", "P-3"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := "/status"
			if len(tc.query) > 0 {
				target += "?" + tc.query.Encode()
			}
			res, body := f.get(t, target)
			require.Equal(t, http.StatusOK, res.StatusCode, body)
			assert.Contains(t, body, h1("项目进度表"))
			for _, id := range tc.in {
				assert.Contains(t, body, `<a href="/project/`+id+`">`, "row %s", id)
			}
			for _, id := range tc.out {
				assert.NotContains(t, body, `<a href="/project/`+id+`">`, "row %s", id)
			}
		})
	}
}

func TestPaging(t *testing.T) {
	f := newFixture(t, 60) // 63 projects: P-1…P-3, Q-01…Q-60
	row := func(id string) string { return `<a href="/project/` + id + `">` }

	res, body := f.get(t, "/status")
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	assert.Equal(t, 50, strings.Count(body, `<a href="/project/`), "a page is 50 rows")
	assert.Contains(t, body, row("P-1"))
	assert.Contains(t, body, row("Q-47"))
	assert.NotContains(t, body, row("Q-48"))
	assert.Contains(t, body, "63 · 1/2")
	assert.Contains(t, body, `<a rel="next" href="?page=2">`)
	assert.NotContains(t, body, `rel="prev"`)

	res, body = f.get(t, "/status?page=2")
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	assert.Equal(t, 13, strings.Count(body, `<a href="/project/`), "the rest")
	assert.NotContains(t, body, row("P-1"))
	assert.NotContains(t, body, row("Q-47"))
	for i := 48; i <= 60; i++ {
		assert.Contains(t, body, row(fmt.Sprintf("Q-%02d", i)))
	}
	assert.Contains(t, body, "63 · 2/2")
	assert.Contains(t, body, `<a rel="prev" href="?page=1">`)
	assert.NotContains(t, body, `rel="next"`)

	// Paging keeps the filters.
	res, body = f.get(t, "/status?unit="+url.QueryEscape("城关镇")+"&page=2")
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	assert.Equal(t, 10, strings.Count(body, `<a href="/project/`))
	assert.Contains(t, body, row("Q-60"))
	assert.Contains(t, body, `<a rel="prev" href="?unit=`+url.QueryEscape("城关镇")+`&amp;page=1">`)

	// The download has every row, not one page.
	res, body = f.get(t, "/status.csv")
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, body, "Q-01")
	assert.Contains(t, body, "Q-60")
}

func TestDownloads(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()

	t.Run("csv", func(t *testing.T) {
		for _, q := range []url.Values{nil, {"unit": {"县商务局"}}, {"as_of": {"2026-05-01"}, "sort": {"light"}}} {
			target := "/status.csv"
			if len(q) > 0 {
				target += "?" + q.Encode()
			}
			res, body := f.get(t, target)
			require.Equal(t, http.StatusOK, res.StatusCode, body)
			assert.Equal(t, "text/csv; charset=utf-8", res.Header.Get("Content-Type"))
			assert.Equal(t, `attachment; filename="status.csv"`, res.Header.Get("Content-Disposition"))
			assert.True(t, strings.HasPrefix(body, "\xEF\xBB\xBF"), "starts with the UTF-8 BOM")

			sq := query.StatusQuery{Report: query.Report{Filter: query.Filter{Unit: q.Get("unit")}}, Order: query.ByProject}
			if s := q.Get("as_of"); s != "" {
				sq.Cut.AsOf = day(t, s)
			}
			if s := q.Get("sort"); s != "" {
				sq.Order = query.StatusOrder(s)
			}
			rows, err := f.qs.Status(ctx, sq)
			require.NoError(t, err)
			var want bytes.Buffer
			require.NoError(t, report.CSV(&want, report.StatusTable(rows.Value), report.ZH, report.CSVOptions{BOM: true}))
			assert.Equal(t, want.String(), body, target)
			assert.Contains(t, body, "项目代码,项目名称,责任单位")
		}
	})

	t.Run("bulletin csv", func(t *testing.T) {
		res, body := f.get(t, "/bulletin.csv")
		require.Equal(t, http.StatusOK, res.StatusCode, body)
		assert.True(t, strings.HasPrefix(body, "\xEF\xBB\xBF"))
		assert.Equal(t, 1, strings.Count(body, "\uFEFF"), "one BOM at the start, not one per table")
	})

	t.Run("xlsx", func(t *testing.T) {
		res, body := f.get(t, "/status.xlsx")
		require.Equal(t, http.StatusOK, res.StatusCode)
		assert.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", res.Header.Get("Content-Type"))
		assert.Equal(t, `attachment; filename="status.xlsx"`, res.Header.Get("Content-Disposition"))
		wb, err := excelize.OpenReader(strings.NewReader(body))
		require.NoError(t, err)
		defer wb.Close()
		sheets := wb.GetSheetList()
		require.NotEmpty(t, sheets)
		assert.Equal(t, "项目进度表", sheets[0])
		rows, err := wb.GetRows(sheets[0])
		require.NoError(t, err)
		require.Len(t, rows, 2+1+3+1, "the heading, the 填报单位 line, the header, three projects and the 合计")
		assert.Equal(t, append([]string{"序号"}, report.Headers(report.StatusTable(nil), report.ZH)...), rows[2])
		assert.Equal(t, []string{"序号", "项目代码", "项目名称", "责任单位"}, rows[2][:4])
		assert.Equal(t, []string{"1", "P-1", "光伏组件"}, rows[3][:3])
		assert.Equal(t, "合计", rows[6][0])
	})
}

func TestLiveMissesStream(t *testing.T) {
	f := newFixture(t, 0)
	ts := httptest.NewServer(f.board)
	t.Cleanup(ts.Close)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/events", nil)
	require.NoError(t, err)
	res, err := ts.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "text/event-stream", res.Header.Get("Content-Type"))
	assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))

	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	next := func(within time.Duration) (string, bool) {
		select {
		case l, ok := <-lines:
			return l, ok
		case <-time.After(within):
			return "", false
		}
	}

	// The hub has the page once it says it is connected.
	l, ok := next(2 * time.Second)
	require.True(t, ok, "no greeting within 2 s")
	require.Equal(t, ": connected", l)

	f.board.Hub().Publish(board.Miss{Sequence: 42, Project: "P-1", Milestone: domain.MilestoneStarted,
		Due: day(t, "2026-06-30"), Unit: "县工信局", Leader: "李明"})

	deadline := time.Now().Add(2 * time.Second)
	var event, data string
	for event == "" || data == "" {
		l, ok := next(time.Until(deadline))
		require.True(t, ok, "no miss event within 2 s (event %q, data %q)", event, data)
		switch {
		case strings.HasPrefix(l, "event: "):
			event = strings.TrimPrefix(l, "event: ")
		case strings.HasPrefix(l, "data: ") && event != "":
			data = strings.TrimPrefix(l, "data: ")
		}
	}
	assert.Equal(t, "miss", event)
	assert.True(t, strings.HasPrefix(data, `<li class="miss" data-seq="42">`), data)
	assert.Contains(t, data, `<a href="/project/P-1">P-1</a>`)
	assert.Contains(t, data, "2026-06-30")
	assert.Contains(t, data, "县工信局")
	assert.Contains(t, data, "李明")
	assert.True(t, strings.HasSuffix(data, "</li>"), data)
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t, 0)
	for _, target := range []string{"/", "/status", "/status.csv", "/project/P-1", "/nowhere", "/status?page=0", "/healthz"} {
		t.Run(target, func(t *testing.T) {
			res, _ := f.get(t, target)
			csp := res.Header.Get("Content-Security-Policy")
			assert.Contains(t, csp, "default-src 'self'")
			assert.Contains(t, csp, "script-src 'self'")
			assert.NotContains(t, csp, "script-src 'self' 'unsafe-inline'")
			assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
		})
	}
}

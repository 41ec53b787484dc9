package board_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/keyprojects/ledger/cmd/ledger/board"
	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore/access"
	"github.com/keyprojects/ledger/projections/query"
)

// signInFixture is a board over the fixture's store with users of every
// role, each with the password "<login> password", served over a real
// HTTP listener.
type signInFixture struct {
	*fixture
	clock *domain.ManualClock
	users *access.Users
	url   string
}

func newSignInFixture(t *testing.T, register bool) *signInFixture {
	t.Helper()
	f := newFixture(t, 0)
	ctx := context.Background()
	users, err := access.OpenUsers(ctx, f.env.Store.JetStream(), f.env.Store.StreamName(), true, bcrypt.MinCost)
	require.NoError(t, err)
	if register {
		for _, r := range access.PersonRoles() {
			var units []string
			if r == access.UnitReporter {
				units = []string{"县工信局"} // P-1's unit
			}
			_, err := users.Add(ctx, string(r), "用户"+r.Chinese(), r, string(r)+" password", now, units...)
			require.NoError(t, err)
		}
	}
	clock := domain.NewManualClock(now)
	qs := query.New(f.env.Store, query.WithClock(clock), query.WithCatchUp())
	srv, err := board.New(qs, board.WithStore(f.env.Store), board.WithUsers(users), board.WithClock(clock))
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &signInFixture{fixture: f, clock: clock, users: users, url: hs.URL}
}

// browser is a client with its own cookies that does not follow
// redirects, so each answer can be checked.
type browser struct {
	t    *testing.T
	c    *http.Client
	base string
}

func (f *signInFixture) browser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browser{t: t, base: f.url, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Do(req)
	require.NoError(b.t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	require.NoError(b.t, resp.Body.Close())
	return resp, string(body)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
	require.NoError(b.t, err)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values, header ...string) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

var hiddenRE = regexp.MustCompile(`name="(token|csrf|command)" value="([^"]*)"`)

// hidden is the value of the hidden field name in page.
func hidden(t *testing.T, page, name string) string {
	t.Helper()
	for _, m := range hiddenRE.FindAllStringSubmatch(page, -1) {
		if m[1] == name {
			return m[2]
		}
	}
	t.Fatalf("no hidden field %s in the page", name)
	return ""
}

// signIn signs in as login with password and returns the answer.
func (b *browser) signIn(login, password, next string) (*http.Response, string) {
	b.t.Helper()
	_, page := b.get("/login")
	return b.post("/login", url.Values{"token": {hidden(b.t, page, "token")}, "login": {login}, "password": {password}, "next": {next}})
}

func (f *signInFixture) lastSeq(t *testing.T) uint64 {
	t.Helper()
	seq, err := f.env.Store.LastSequence(context.Background())
	require.NoError(t, err)
	return seq
}

func TestEveryPageAsksToSignInOnceUsersAreRegistered(t *testing.T) {
	f := newSignInFixture(t, true)
	b := f.browser(t)
	for _, path := range []string{"/", "/status?unit=县工信局", "/project/P-1", "/inspection", "/audit", "/status.csv"} {
		resp, _ := b.get(path)
		assert.Equal(t, http.StatusSeeOther, resp.StatusCode, path)
		assert.Equal(t, "/login?next="+url.QueryEscape(path), resp.Header.Get("Location"), path)
	}
	resp, _ := b.get("/events")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the live stream is not a page to come back to")
	for _, path := range []string{"/healthz", "/static/board.css", "/login", "/metrics"} {
		resp, _ := b.get(path)
		assert.Equal(t, http.StatusOK, resp.StatusCode, path)
	}
	resp, _ = b.get("/readyz")
	assert.NotEqual(t, http.StatusSeeOther, resp.StatusCode, "probes need no sign-in")
	_, page := b.get("/login")
	assert.Contains(t, page, "用户名")
	assert.NotContains(t, page, "sse-connect", "the sign-in page shows nothing of the ledger")
}

func TestSignInWithTheRightPasswordOnly(t *testing.T) {
	f := newSignInFixture(t, true)
	b := f.browser(t)

	resp, page := b.signIn("inspector", "viewer password", "/inspection")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, page, "用户名或密码错误")
	assert.Contains(t, page, `value="inspector"`, "the login is kept in the form")
	resp, page = b.signIn("nobody", "inspector password", "/inspection")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "an unknown login reads as a wrong password")
	assert.Contains(t, page, "用户名或密码错误")

	resp, _ = b.signIn("Inspector", "inspector password", "/inspection")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/inspection", resp.Header.Get("Location"))
	cookie := resp.Header.Get("Set-Cookie")
	for _, attr := range []string{"HttpOnly", "SameSite=Strict", "Path=/"} {
		assert.Contains(t, strings.Join(resp.Header.Values("Set-Cookie"), "; "), attr)
	}
	assert.NotEmpty(t, cookie)
	resp, page = b.get("/inspection")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, "用户督查（督查）", "the page names who is signed in")

	// Signing out ends the session on the server, not only in the browser.
	resp, _ = b.post("/logout", url.Values{"csrf": {hidden(t, page, "csrf")}})
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, _ = b.get("/inspection")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
}

func TestASignInPostedWithoutItsFormTokenIsRefused(t *testing.T) {
	f := newSignInFixture(t, true)
	b := f.browser(t)
	resp, page := b.post("/login", url.Values{"login": {"inspector"}, "password": {"inspector password"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, page, "表单已失效")
	resp, _ = b.get("/inspection")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "not signed in")
}

func TestSignInAttemptsAreLimited(t *testing.T) {
	f := newSignInFixture(t, true)
	b := f.browser(t)
	for i := range 5 {
		resp, _ := b.signIn("recorder", "guess", "")
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "attempt %d", i+1)
	}
	resp, page := b.signIn("recorder", "recorder password", "")
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "even the right password waits")
	assert.Contains(t, page, "15 分钟后再试")
	// Another login from the same address is not locked yet.
	resp, _ = b.signIn("viewer", "viewer password", "")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)

	f.clock.Advance(15 * time.Minute)
	resp, _ = b.signIn("recorder", "recorder password", "")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "the failures have left the window")
}

func TestASessionEndsWithItsDayAndWithItsUser(t *testing.T) {
	f := newSignInFixture(t, true)
	b := f.browser(t)
	resp, _ := b.signIn("viewer", "viewer password", "")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	f.clock.Advance(11 * time.Hour)
	resp, _ = b.get("/")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	f.clock.Advance(time.Hour)
	resp, _ = b.get("/")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "twelve hours after signing in")

	resp, _ = b.signIn("viewer", "viewer password", "")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.NoError(t, f.users.Remove(context.Background(), "viewer"))
	resp, _ = b.get("/")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "a removed user is signed out")
}

func TestTheInspectorRaisesAndClosesAnItemAsThemself(t *testing.T) {
	f := newSignInFixture(t, true)
	b := f.browser(t)
	resp, _ := b.signIn("inspector", "inspector password", "/inspection")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page := b.get("/inspection")
	require.Contains(t, page, `action="/inspection/raise`)
	csrf, command := hidden(t, page, "csrf"), hidden(t, page, "command")

	before := f.lastSeq(t)
	form := url.Values{"csrf": {csrf}, "command": {command}, "project": {"P-1"}, "title": {"开工滞后，请县工信局说明"}}
	resp, _ = b.post("/inspection/raise", form)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Location"), "saved=")
	require.Equal(t, before+1, f.lastSeq(t))
	// The same form posted twice stores it once.
	resp, _ = b.post("/inspection/raise", form)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, before+1, f.lastSeq(t))

	recs, _, err := f.env.Store.Load(context.Background(), "P-1")
	require.NoError(t, err)
	last := recs[len(recs)-1]
	assert.Equal(t, domain.IssueRaised, last.Type)
	assert.Equal(t, "inspector", last.Actor, "the signed-in user is the actor")

	_, page = b.get("/inspection")
	assert.Contains(t, page, "开工滞后，请县工信局说明")
	open := regexp.MustCompile(`<option value="(P-1\|[^"]+)"`).FindStringSubmatch(page)
	require.NotNil(t, open, "the item is offered for closing")

	resp, _ = b.post("/inspection/resolve", url.Values{"csrf": {csrf}, "command": {hidden(t, page, "command")},
		"issue": {open[1]}, "resolution": {"已说明，县工信局承诺12月底前开工"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	recs, _, err = f.env.Store.Load(context.Background(), "P-1")
	require.NoError(t, err)
	last = recs[len(recs)-1]
	assert.Equal(t, domain.IssueResolved, last.Type)
	assert.Equal(t, "inspector", last.Actor)
}

func TestBoardWritesThatCannotBeStoredStoreNothing(t *testing.T) {
	f := newSignInFixture(t, true)
	inspector := f.browser(t)
	resp, _ := inspector.signIn("inspector", "inspector password", "")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page := inspector.get("/inspection")
	csrf, command := hidden(t, page, "csrf"), hidden(t, page, "command")
	viewer := f.browser(t)
	resp, _ = viewer.signIn("viewer", "viewer password", "")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, viewerPage := viewer.get("/inspection")
	assert.NotContains(t, viewerPage, `action="/inspection/raise`, "a viewer is offered no form")

	before := f.lastSeq(t)
	for _, c := range []struct {
		name   string
		b      *browser
		form   url.Values
		header []string
		code   int
		says   string
	}{
		{"no CSRF token", inspector, url.Values{"command": {command}, "project": {"P-1"}, "title": {"x"}}, nil, http.StatusForbidden, "表单已失效"},
		{"another session's token", inspector, url.Values{"csrf": {hidden(t, viewerPage, "csrf")}, "command": {command}, "project": {"P-1"}, "title": {"x"}}, nil, http.StatusForbidden, "表单已失效"},
		{"posted from another site", inspector, url.Values{"csrf": {csrf}, "command": {command}, "project": {"P-1"}, "title": {"x"}},
			[]string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}, http.StatusForbidden, ""},
		{"a viewer", viewer, url.Values{"csrf": {hidden(t, viewerPage, "csrf")}, "command": {command}, "project": {"P-1"}, "title": {"x"}}, nil, http.StatusForbidden, "不能在看板上写入"},
		{"unknown project", inspector, url.Values{"csrf": {csrf}, "command": {command}, "project": {"P-404"}, "title": {"x"}}, nil, http.StatusBadRequest, "未保存：无法为 P-404"},
		{"no title", inspector, url.Values{"csrf": {csrf}, "command": {command}, "project": {"P-1"}, "title": {""}}, nil, http.StatusBadRequest, "未保存"},
		{"a date to come", inspector, url.Values{"csrf": {csrf}, "command": {command}, "project": {"P-1"}, "title": {"x"}, "on": {"2027-01-05"}}, nil, http.StatusBadRequest, "未保存"},
		{"a date that is not one", inspector, url.Values{"csrf": {csrf}, "command": {command}, "project": {"P-1"}, "title": {"x"}, "on": {"2026-13-01"}}, nil, http.StatusBadRequest, "未保存"},
		{"no command id", inspector, url.Values{"csrf": {csrf}, "project": {"P-1"}, "title": {"x"}}, nil, http.StatusForbidden, "表单已失效"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, page := c.b.post("/inspection/raise", c.form, c.header...)
			assert.Equal(t, c.code, resp.StatusCode)
			assert.Contains(t, page, c.says)
			assert.Equal(t, before, f.lastSeq(t), "nothing stored")
		})
	}
	// A refused form is shown again as typed.
	_, page = inspector.post("/inspection/raise", url.Values{"csrf": {csrf}, "command": {command}, "project": {"P-404"}, "title": {"请核实项目代码"}})
	assert.Contains(t, page, `value="请核实项目代码"`)
}

func TestWithoutUsersTheBoardReadsAndWritesNothing(t *testing.T) {
	f := newSignInFixture(t, false)
	b := f.browser(t)
	resp, page := b.get("/inspection")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, "只读：尚未设置登录用户")
	assert.NotContains(t, page, `action="/inspection/raise`)
	before := f.lastSeq(t)
	resp, _ = b.post("/inspection/raise", url.Values{"csrf": {""}, "command": {"c"}, "project": {"P-1"}, "title": {"x"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, before, f.lastSeq(t))
}

func TestTheAuditPageShowsTheStoresStateAndVerifiesForItsRoles(t *testing.T) {
	f := newSignInFixture(t, true)
	events := f.lastSeq(t)
	for _, c := range []struct {
		role   access.Role
		verify bool
	}{
		{access.Viewer, false}, {access.Reporter, false}, {access.UnitReporter, false}, {access.Inspector, true}, {access.Recorder, true}, {access.Auditor, true},
	} {
		t.Run(string(c.role), func(t *testing.T) {
			b := f.browser(t)
			resp, _ := b.signIn(string(c.role), string(c.role)+" password", "")
			require.Equal(t, http.StatusSeeOther, resp.StatusCode)
			resp, page := b.get("/audit")
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Contains(t, page, "的配置与台账写入时一致", "every role sees the integrity checks")
			assert.Contains(t, page, fmt.Sprintf("第 1 至第 %d 条事件齐全", events))
			resp, page = b.get("/audit?run=1")
			if c.verify {
				assert.Equal(t, http.StatusOK, resp.StatusCode)
				assert.Contains(t, page, fmt.Sprintf("哈希链完好：3 个项目、%d 条事件", events))
			} else {
				assert.Equal(t, http.StatusForbidden, resp.StatusCode)
				assert.Contains(t, page, "不能运行哈希链校验")
			}
		})
	}
}

func TestTheAuditPageNamesDriftAndDamage(t *testing.T) {
	f := newSignInFixture(t, false)
	ctx := context.Background()
	js := f.env.Store.JetStream()
	st, err := js.Stream(ctx, f.env.Store.StreamName())
	require.NoError(t, err)
	cfg := st.CachedInfo().Config
	cfg.MaxMsgsPerSubject = 1
	_, err = js.UpdateStream(ctx, cfg)
	require.NoError(t, err)
	resp, page := f.browser(t).get("/audit")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, "配置漂移")
	assert.Contains(t, page, "max_msgs_per_subject 1")
	assert.NotContains(t, page, "的配置与台账写入时一致")

	// Limits that dropped the oldest events, then taken back: the
	// settings are right again, and the events are gone.
	discard := cfg.Discard
	cfg.MaxMsgsPerSubject, cfg.MaxMsgs, cfg.Discard = -1, 2, jetstream.DiscardOld
	_, err = js.UpdateStream(ctx, cfg)
	require.NoError(t, err)
	cfg.MaxMsgs, cfg.Discard = -1, discard
	_, err = js.UpdateStream(ctx, cfg)
	require.NoError(t, err)
	last := f.lastSeq(t)
	resp, page = f.browser(t).get("/audit?lang=en")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, "Damage: events have left the stream.")
	assert.Contains(t, page, fmt.Sprintf("its first message is sequence %d, expected 1", last-1))
}

func TestEveryRoleReadsEveryPage(t *testing.T) {
	f := newSignInFixture(t, true)
	for _, r := range access.PersonRoles() {
		t.Run(string(r), func(t *testing.T) {
			b := f.browser(t)
			resp, _ := b.signIn(string(r), string(r)+" password", "")
			require.Equal(t, http.StatusSeeOther, resp.StatusCode)
			for _, path := range []string{"/", "/status?unit=县工信局", "/overdue", "/scoreboard", "/bulletin?period=month",
				"/project/P-1", "/inspection", "/audit", "/status.csv", "/bulletin.xlsx", "/?lang=en"} {
				resp, page := b.get(path)
				assert.Equal(t, http.StatusOK, resp.StatusCode, path)
				if strings.HasSuffix(path, ".csv") || strings.HasSuffix(path, ".xlsx") {
					assert.NotEmpty(t, page, path)
					continue
				}
				assert.Contains(t, page, `<span class="user">用户`, "%s names who is signed in", path)
			}
		})
	}
}

package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// signIn fills the board's sign-in form as a person would and waits for
// what the answer shows: then, a CSS selector.
func (b *browser) signIn(login, password, then string) {
	b.t.Helper()
	b.do(
		chromedp.WaitVisible(chromedp.CSS(`form.signin input[name="login"]`)),
		chromedp.SendKeys(chromedp.CSS(`form.signin input[name="login"]`), login),
		chromedp.SendKeys(chromedp.CSS(`form.signin input[name="password"]`), password),
		chromedp.Click(chromedp.CSS(`form.signin button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(then)),
	)
}

// post sends a form post from the page's own script, as a forged or
// hand-made request would come, and returns its status.
func (b *browser) post(path string, fields map[string]string) int {
	b.t.Helper()
	body, err := json.Marshal(fields)
	require.NoError(b.t, err)
	js := `fetch(` + string(mustJSON(b.t, path)) + `, {method: "POST", body: new URLSearchParams(` + string(body) + `), redirect: "manual"}).then(r => r.status)`
	return browse(b, chromedp.Evaluate[int](js, chromedp.EvalAwaitPromise))
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// TestBoardBrowserSignInAndRoles signs in to the demo county's board in
// Chromium: a wrong password, an inspector who raises an item through the
// 督查 page's form, a leader (viewer) who reads and is refused a write, and
// posts without their form token refused. Nothing refused is stored.
func TestBoardBrowserSignInAndRoles(t *testing.T) {
	c := boardDemo(t)
	inspectorPassword := c.addUser("zhangsan", "督查", "张三")
	viewerPassword := c.addUser("li", "viewer", "李县长")
	base := boardServer(t, c)
	dir := screenshotDir(t)
	history := func() string { return c.ok("history", "DEMO-2") }

	b := newBrowser(t, 1280, 900)
	resp := browse(b, chromedp.NavigateResponse(base+"inspection"))
	require.Equal(t, int64(http.StatusOK), resp.Status)
	assert.Contains(t, browse(b, chromedp.Location()), "/login?next=%2Finspection", "a page asks to sign in first")
	b.screenshot(dir, "desktop-login")

	b.signIn("zhangsan", "not the password", "form.signin .error-message")
	assert.Contains(t, browse(b, chromedp.Text(chromedp.CSS("form.signin .error-message"))), "用户名或密码错误")
	assert.Equal(t, []string{"browser log (network): Failed to load resource: the server responded with a status of 401 (Unauthorized) " + base + "login"},
		b.takeProblems(), "the refused sign-in is answered 401, and nothing else went wrong")

	// Signing in again from a fresh page, as a person retyping would.
	browse(b, chromedp.NavigateResponse(base+"login?next=%2Finspection"))
	b.signIn("zhangsan", inspectorPassword, "header .user")
	assert.True(t, strings.HasSuffix(browse(b, chromedp.Location()), "/inspection"), "back on the page asked for")
	assert.Equal(t, "张三（督查）", browse(b, chromedp.Text(chromedp.CSS("header .user"))))

	before := history()
	b.do(
		chromedp.SendKeys(chromedp.CSS(`#raise input[name="project"]`), "DEMO-2"),
		chromedp.SendKeys(chromedp.CSS(`#raise input[name="title"]`), "并网手续滞后，请供电公司说明"),
		chromedp.Click(chromedp.CSS(`#raise button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".ok-message")),
	)
	assert.Contains(t, browse(b, chromedp.Text(chromedp.CSS(".ok-message"))), "DEMO-2 已挂账督办（第 ")
	assert.Contains(t, browse(b, chromedp.Text(chromedp.CSS("main"))), "并网手续滞后，请供电公司说明", "the item is on the supervision table")
	after := history()
	assert.Regexp(t, `zhangsan\s+issue_raised\s+issue \S+ raised: 并网手续滞后，请供电公司说明`, after, "stored with the signed-in person as its actor")
	b.screenshot(dir, "desktop-inspection-signed-in")

	// A refusal is shown on the form, and nothing is stored.
	b.do(
		chromedp.SendKeys(chromedp.CSS(`#raise input[name="project"]`), "DEMO-404"),
		chromedp.SendKeys(chromedp.CSS(`#raise input[name="title"]`), "核实"),
		chromedp.Click(chromedp.CSS(`#raise button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#raise .error-message")),
	)
	assert.Contains(t, browse(b, chromedp.Text(chromedp.CSS("#raise .error-message"))), "未保存")
	assert.Equal(t, after, history())
	assert.Equal(t, []string{"browser log (network): Failed to load resource: the server responded with a status of 400 (Bad Request) " + base + "inspection/raise"},
		b.takeProblems(), "the refused form is answered 400, and nothing else went wrong")

	// The leader reads, and is offered no form; a write sent anyway is refused.
	leader := newBrowser(t, 375, 800)
	browse(leader, chromedp.NavigateResponse(base+"inspection"))
	leader.signIn("li", viewerPassword, "header .user")
	assert.Equal(t, "李县长（领导查看）", browse(leader, chromedp.Text(chromedp.CSS("header .user"))))
	assert.Equal(t, 0, browse(leader, chromedp.Evaluate[int](`document.querySelectorAll("form.write").length`)))
	leader.screenshot(dir, "phone-inspection-viewer")
	csrf := browse(leader, chromedp.Evaluate[string](`document.querySelector('form.who input[name="csrf"]').value`))
	require.NotEmpty(t, csrf)
	assert.Equal(t, http.StatusForbidden, leader.post("/inspection/raise",
		map[string]string{"csrf": csrf, "command": "c-viewer-1", "project": "DEMO-2", "title": "领导不能挂账"}), "a viewer is refused a write")
	assert.Equal(t, http.StatusForbidden, b.post("/inspection/raise",
		map[string]string{"command": "c-no-token", "project": "DEMO-2", "title": "没有令牌"}), "a post without its form token is refused")
	assert.Equal(t, after, history(), "nothing refused was stored")

	// Signing out ends it.
	b.do(chromedp.Click(chromedp.CSS(`form.who button`)), chromedp.WaitVisible(chromedp.CSS("form.signin")))
	browse(b, chromedp.NavigateResponse(base+"status"))
	assert.Contains(t, browse(b, chromedp.Location()), "/login")
	assert.NotEqual(t, before, after)
}

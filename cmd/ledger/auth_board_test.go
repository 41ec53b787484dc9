package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serveBoard runs `ledger serve --server` as the ledger service with its
// board on a free port until the test ends, and returns the board's URL.
func (e *authEnv) serveBoard() string {
	e.t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	errs := &syncBuilder{}
	done := make(chan int, 1)
	go func() {
		a := newApp(&strings.Builder{}, errs)
		a.clock = e.clock
		a.onBoard = func(u string) { urls <- u }
		done <- a.run(ctx, append(e.login("ledger"), "serve", "--board", "127.0.0.1:0"))
	}()
	e.t.Cleanup(func() {
		stop()
		assert.Equal(e.t, 0, <-done, "serve as the ledger service: %s", errs.String())
	})
	select {
	case u := <-urls:
		return u
	case code := <-done:
		e.t.Fatalf("serve ended with %d: %s", code, errs.String())
	case <-time.After(30 * time.Second):
		e.t.Fatal("serve's board did not listen")
	}
	return ""
}

var formField = regexp.MustCompile(`name="(token|csrf|command)" value="([^"]*)"`)

// field is the value of the hidden field name in page.
func field(t *testing.T, page, name string) string {
	t.Helper()
	for _, m := range formField.FindAllStringSubmatch(page, -1) {
		if m[1] == name {
			return m[2]
		}
	}
	t.Fatalf("no field %s in %s", name, page)
	return ""
}

// TestBoardWritesAsThePersonOnASharedServer runs the board of `ledger
// serve --server` on a server set up by `ledger auth init`: the service
// keeps the register of people, a recorder cannot read it, and an item an
// inspector raises on the board is stored with them as its actor.
func TestBoardWritesAsThePersonOnASharedServer(t *testing.T) {
	e := startAuthEnv(t)
	base := e.serveBoard()
	e.ok("recorder", "project", "register", "P-1", "--name", "Cement plant", "--investment", "1亿",
		"--unit", "Industry", "--leader", "Wang", "--on", "2026-10-01", "--plan", "started=2026-11-20")
	out := e.ok("ledger", "auth", "user", "add", "zhang", "--role", "inspector", "--name", "张三")
	password := passwordRE.FindStringSubmatch(out)
	require.NotNil(t, password, out)
	code, _, errs := e.as("recorder", "auth", "user", "list")
	assert.NotEqual(t, 0, code, "a recorder may not read the register of people")
	assert.Contains(t, errs, "KV_LEDGER_USERS")

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	get := func(path string) string {
		resp, err := c.Get(base + strings.TrimPrefix(path, "/"))
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		return string(b)
	}
	post := func(path string, form url.Values) *http.Response {
		resp, err := c.PostForm(base+strings.TrimPrefix(path, "/"), form)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		require.NoError(t, resp.Body.Close())
		return resp
	}
	login := get("/login")
	resp := post("/login", url.Values{"token": {field(t, login, "token")}, "login": {"zhang"}, "password": {password[1]}, "next": {"/inspection"}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	page := get("/inspection")
	require.Contains(t, page, "张三（督查）")
	resp = post("/inspection/raise", url.Values{"csrf": {field(t, page, "csrf")}, "command": {field(t, page, "command")},
		"project": {"P-1"}, "title": {"开工滞后"}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Regexp(t, `zhang\s+issue_raised\s+issue \S+ raised: 开工滞后`, e.ok("recorder", "history", "P-1"))
}

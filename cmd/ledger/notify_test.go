package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/projections/notify"
)

// notifyRobot is a loopback stand-in for a group robot: it keeps the
// text of every post and accepts them all.
type notifyRobot struct {
	srv   *httptest.Server
	mu    sync.Mutex
	texts []string
	urls  []string
}

func newNotifyRobot(t *testing.T) *notifyRobot {
	r := &notifyRobot{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var body struct {
			Markdown struct{ Content, Title, Text string } `json:"markdown"`
		}
		b, _ := io.ReadAll(req.Body)
		if json.Unmarshal(b, &body) != nil {
			http.Error(w, "not json", http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.texts = append(r.texts, body.Markdown.Content+body.Markdown.Title+"\n"+body.Markdown.Text)
		r.urls = append(r.urls, req.URL.String())
		r.mu.Unlock()
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *notifyRobot) got() ([]string, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.texts...), append([]string(nil), r.urls...)
}

func TestNotifyPostsMissesAndTheReminderUntilInterrupted(t *testing.T) {
	c := newCLI(t) // 2026-11-27 10:00 in Shanghai
	tenMisses(t, c)
	c.ok("project", "register", "P-10", "--name", "光伏组件项目", "--investment", "3.5亿", "--unit", "县工信局", "--leader", "李明",
		"--on", "2026-11-01", "--plan", "started=2026-11-29")

	wecom, ding := newNotifyRobot(t), newNotifyRobot(t)
	var out, errs bytes.Buffer
	a := newApp(&out, &errs)
	a.clock = c.clock
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- a.run(ctx, []string{"--data", c.dir, "notify", "--wecom", wecom.srv.URL + "/cgi-bin/webhook/send?key=k",
			"--dingtalk", ding.srv.URL + "/robot/send?access_token=t", "--dingtalk-secret", "SECtest", "--remind-at", "09:00"})
	}()
	for _, r := range []*notifyRobot{wecom, ding} {
		require.Eventually(t, func() bool { texts, _ := r.got(); return len(texts) >= 11 }, 30*time.Second, 20*time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		require.Equal(t, 0, code, errs.String())
	case <-time.After(15 * time.Second):
		t.Fatal("notify did not stop within 15s of its context ending")
	}

	for _, r := range []*notifyRobot{wecom, ding} {
		texts, _ := r.got()
		require.Len(t, texts, 11, "ten misses and one reminder, each once")
		assert.Contains(t, texts[0], "重点项目节点到期提醒（2026-11-27）")
		assert.Contains(t, texts[0], "P-10 光伏组件项目 · 开工 · 2026-11-29（还有 2 天）")
		assert.Contains(t, texts[1], "P-0 Plant 0")
		assert.Contains(t, texts[1], "已逾期：17 天")
		assert.Contains(t, texts[1], "责任单位：Industry")
	}
	_, urls := ding.got()
	ms := c.clock.Now().UnixMilli()
	assert.Contains(t, urls[0], "access_token=t&timestamp=")
	assert.Contains(t, urls[0], "&sign="+strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(notify.SignDingTalk("SECtest", ms)))
	assert.Contains(t, out.String(), "ledger: notify stopped: 10 misses posted, 1 reminders, 0 failed attempts")
}

func TestNotifyRefusesAMistakenConfiguration(t *testing.T) {
	c := newCLI(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"notify"}, "no robot to post to"},
		{[]string{"notify", "--wecom", "qyapi.weixin.qq.com/cgi-bin/webhook/send"}, "expected an http(s) URL"},
		{[]string{"notify", "--wecom", "https://example.invalid/x", "--dingtalk-secret", "SEC1"}, "1 --dingtalk-secret for 0 --dingtalk robots"},
		{[]string{"notify", "--dingtalk", "https://example.invalid/x", "--remind-at", "8h"}, `--remind-at "8h": expected HH:MM`},
		{[]string{"notify", "--dingtalk", "https://example.invalid/x", "--remind-days", "-2"}, "--remind-days -2"},
		{[]string{"notify", "--wecom", "https://example.invalid/x", "--since", "last week"}, "--since"},
	} {
		code, _, errs := c.run(tc.args...)
		assert.Equal(t, exitUsage, code, "%v", tc.args)
		assert.Contains(t, errs, tc.want, "%v", tc.args)
	}
}

func TestNotifyRunsInsideServeWithItsCountersOnMetrics(t *testing.T) {
	c := newCLI(t)
	tenMisses(t, c)
	r := newNotifyRobot(t)
	ctx, stop := context.WithCancel(context.Background())
	boardURL := make(chan string, 1)
	out, errs := &syncBuilder{}, &syncBuilder{}
	var wg sync.WaitGroup
	wg.Go(func() {
		a := newApp(out, errs)
		a.clock = c.clock
		a.onBoard = func(u string) { boardURL <- u }
		a.run(ctx, []string{"--data", c.dir, "serve", "--listen", "127.0.0.1:0", "--board", "127.0.0.1:0",
			"--wecom", r.srv.URL, "--remind-days", "-1"})
	})
	defer func() { stop(); wg.Wait() }()
	var board string
	select {
	case board = <-boardURL:
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start its board within 30s: %s", errs.String())
	}
	require.Eventually(t, func() bool { texts, _ := r.got(); return len(texts) >= 10 }, 30*time.Second, 20*time.Millisecond)
	var metrics string
	require.Eventually(t, func() bool {
		resp, err := http.Get(board + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		metrics = string(b)
		return strings.Contains(metrics, "ledger_notify_posted_total 10\n") && strings.Contains(metrics, "ledger_notify_pending 0\n")
	}, 15*time.Second, 50*time.Millisecond, "metrics: %s", metrics)
	assert.Contains(t, metrics, "ledger_notify_failed_attempts_total 0\n")
	stop()
	wg.Wait()
	texts, _ := r.got()
	assert.Len(t, texts, 10, "each miss once")
	assert.Contains(t, out.String(), "notify: misses posted to wecom 127.0.0.1:")
}

func TestServeRefusesAMistakenNotifierBeforeItStarts(t *testing.T) {
	c := newCLI(t)
	code, _, errs := c.run("serve", "--listen", "127.0.0.1:0", "--board", "off", "--dingtalk-secret", "SEC1")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "1 --dingtalk-secret for 0 --dingtalk robots")
}

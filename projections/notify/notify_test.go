package notify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/testday"
	"github.com/keyprojects/ledger/eventstore/storetest"
	"github.com/keyprojects/ledger/projections/notify"
)

// robot is a loopback HTTP server standing in for a group robot: it
// keeps every post, and refuses the first ones as told.
type robot struct {
	t      *testing.T
	srv    *httptest.Server
	secret string       // DingTalk: the signing secret posts must carry
	clock  domain.Clock // DingTalk: the timestamp posts must carry

	mu       sync.Mutex
	attempts int
	fail     func(attempt int) (status int, errcode int) // nil: accept all
	accepted []post
}

type post struct {
	body  map[string]any
	query map[string]string
}

// content is the post's text: WeCom's markdown or text content,
// DingTalk's title and markdown text.
func (p post) content() string {
	var b strings.Builder
	for _, k := range []string{"markdown", "text"} {
		if m, ok := p.body[k].(map[string]any); ok {
			for _, f := range []string{"title", "content", "text"} {
				if s, ok := m[f].(string); ok {
					b.WriteString(s + "\n")
				}
			}
		}
	}
	return b.String()
}

func newRobot(t *testing.T) *robot {
	r := &robot{t: t}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *robot) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	var p post
	if err := json.Unmarshal(body, &p.body); err != nil {
		http.Error(w, "not json", http.StatusBadRequest)
		return
	}
	p.query = map[string]string{}
	for k, v := range req.URL.Query() {
		p.query[k] = v[0]
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts++
	if r.secret != "" {
		ts, err := strconv.ParseInt(p.query["timestamp"], 10, 64)
		if err != nil || ts != r.clock.Now().UnixMilli() || p.query["sign"] != independentSign(r.secret, ts) {
			_, _ = w.Write([]byte(`{"errcode":310000,"errmsg":"sign not match"}`))
			return
		}
	}
	if r.fail != nil {
		if status, code := r.fail(r.attempts); status != 0 {
			w.WriteHeader(status)
			_, _ = fmt.Fprintf(w, `{"errcode":%d,"errmsg":"refused for the test"}`, code)
			return
		}
	}
	r.accepted = append(r.accepted, p)
	_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
}

func (r *robot) posts() []post {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]post(nil), r.accepted...)
}

func (r *robot) tries() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.attempts
}

// independentSign is DingTalk's documented signature, written out again
// here rather than calling the package's.
func independentSign(secret string, ms int64) string {
	mac := hmac.New(sha256.New, []byte(secret))
	_, _ = fmt.Fprintf(mac, "%d\n%s", ms, secret)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

type env struct {
	t     testing.TB
	store *storetest.Env
	clock *domain.ManualClock
	today domain.Date
	zone  *time.Location
}

// newEnv starts a real embedded store whose clock stands at hh:mm of the
// test day in Asia/Shanghai.
func newEnv(t testing.TB, hour, minute int) *env {
	zone := testday.Zone(t)
	today := testday.Today(t)
	clock := domain.NewManualClock(today.Time(zone).Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute))
	return &env{t: t, store: storetest.Start(t, clock), clock: clock, today: today, zone: zone}
}

func (e *env) exec(cmds ...domain.Command) {
	e.t.Helper()
	for _, c := range cmds {
		_, err := e.store.Store.Execute(context.Background(), c)
		require.NoError(e.t, err, "%s", c.Action())
	}
}

// register registers a project thirty days ago with the given plan.
func (e *env) register(id, name, unit, leader string, plan ...domain.PlannedDeadline) {
	e.t.Helper()
	e.exec(domain.RegisterProject{Meta: domain.Meta{Actor: "test"}, Project: domain.ProjectID(id), Name: name, Unit: unit, Leader: leader,
		TotalInvestment: 350_000_000, Kind: domain.KindNew, On: e.today.AddDays(-30), Plan: plan, ConfirmOrder: true})
}

// miss records the miss of a deadline whose day has ended.
func (e *env) miss(id string, m domain.Milestone, due domain.Date) {
	e.t.Helper()
	e.exec(domain.RecordDeadlineMissed{Meta: domain.Meta{Actor: "test"}, Project: domain.ProjectID(id), Milestone: m, Due: due})
}

func plan(m domain.Milestone, d domain.Date) domain.PlannedDeadline {
	return domain.PlannedDeadline{Milestone: m, Due: d}
}

// noSleep records the pauses asked for and does not wait.
type noSleep struct {
	mu     sync.Mutex
	pauses []time.Duration
}

func (s *noSleep) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.pauses = append(s.pauses, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *noSleep) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.pauses...)
}

// start runs a notifier until the test ends or stop is called.
func (e *env) start(hooks []notify.Webhook, opts ...notify.Option) (n *notify.Notifier, stop func()) {
	e.t.Helper()
	opts = append([]notify.Option{notify.WithClock(e.clock), notify.WithPoll(50 * time.Millisecond),
		notify.WithReminder(notify.Reminder{Days: -1}), notify.WithBackoff(notify.Backoff{Initial: time.Millisecond, Max: 4 * time.Millisecond}),
		notify.WithReport(func(err error) { e.t.Log(err) })}, opts...)
	n, err := notify.New(e.store.Store, hooks, opts...)
	require.NoError(e.t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				require.NoError(e.t, err)
			case <-time.After(10 * time.Second):
				e.t.Fatal("the notifier did not stop within 10s")
			}
		})
	}
	e.t.Cleanup(stop)
	return n, stop
}

func waitPosts(t *testing.T, r *robot, want int) {
	t.Helper()
	require.Eventually(t, func() bool { return len(r.posts()) >= want }, 15*time.Second, 10*time.Millisecond,
		"the robot got %d posts, want %d", len(r.posts()), want)
}

func TestNotifyPostsEachMissOnceAcrossARestart(t *testing.T) {
	e := newEnv(t, 10, 0)
	for i := 1; i <= 5; i++ {
		e.register(fmt.Sprintf("P-%d", i), fmt.Sprintf("项目%d", i), "县工信局", "李明", plan(domain.MilestoneStarted, e.today.AddDays(-10+i)))
	}
	for i := 1; i <= 3; i++ {
		e.miss(fmt.Sprintf("P-%d", i), domain.MilestoneStarted, e.today.AddDays(-10+i))
	}
	wecom, ding := newRobot(t), newRobot(t)
	ding.secret, ding.clock = "SEC-test-secret", e.clock
	hooks := []notify.Webhook{{Kind: notify.WeCom, URL: wecom.srv.URL + "/cgi-bin/webhook/send?key=k"},
		{Kind: notify.DingTalk, URL: ding.srv.URL + "/robot/send?access_token=t", Secret: ding.secret}}

	first, stop := e.start(hooks)
	waitPosts(t, wecom, 3)
	waitPosts(t, ding, 3)
	require.Eventually(t, func() bool { return first.Stats().Posted == 3 }, 10*time.Second, 10*time.Millisecond)
	stop()

	for i := 4; i <= 5; i++ {
		e.miss(fmt.Sprintf("P-%d", i), domain.MilestoneStarted, e.today.AddDays(-10+i))
	}
	second, stop := e.start(hooks)
	waitPosts(t, wecom, 5)
	waitPosts(t, ding, 5)
	require.Eventually(t, func() bool { s := second.Stats(); return s.Posted == 2 && s.Pending == 0 }, 10*time.Second, 10*time.Millisecond)
	stop()

	for _, r := range []*robot{wecom, ding} {
		posts := r.posts()
		require.Len(t, posts, 5, "each miss posted once to each robot")
		for i, p := range posts {
			assert.Contains(t, p.content(), fmt.Sprintf("P-%d 项目%d", i+1, i+1), "in the order recorded")
		}
	}
	assert.Equal(t, uint64(0), second.Stats().FailedAttempts)
}

func TestNotifyStoppedAsTheRobotAcceptsStillAcknowledges(t *testing.T) {
	e := newEnv(t, 10, 0)
	e.register("P-1", "光伏组件项目", "县工信局", "李明", plan(domain.MilestoneStarted, e.today.AddDays(-5)))
	e.register("P-2", "污水处理厂", "县住建局", "王强", plan(domain.MilestoneStarted, e.today.AddDays(-4)))
	e.miss("P-1", domain.MilestoneStarted, e.today.AddDays(-5))

	r := newRobot(t)
	stopping := make(chan struct{}, 1)
	r.fail = func(int) (int, int) {
		// Stop the notifier while the robot accepts the post: between
		// the post and its acknowledgement.
		select {
		case stopping <- struct{}{}:
		default:
		}
		return 0, 0
	}
	hooks := []notify.Webhook{{Kind: notify.WeCom, URL: r.srv.URL}}
	n, stop := e.start(hooks)
	<-stopping
	stop()
	assert.Equal(t, uint64(1), n.Stats().Posted, "acknowledged within the grace after the stop")

	e.miss("P-2", domain.MilestoneStarted, e.today.AddDays(-4))
	again, stop := e.start(hooks)
	require.Eventually(t, func() bool { return again.Stats().Posted == 1 }, 10*time.Second, 10*time.Millisecond)
	stop()
	require.Len(t, r.posts(), 2, "P-1 once, then P-2")
	assert.Contains(t, r.posts()[0].content(), "P-1 光伏组件项目")
	assert.Contains(t, r.posts()[1].content(), "P-2 污水处理厂")
}

func TestNotifySinceAcknowledgesOlderMissesWithoutPosting(t *testing.T) {
	e := newEnv(t, 10, 0)
	e.register("P-1", "光伏组件项目", "县工信局", "李明", plan(domain.MilestoneStarted, e.today.AddDays(-5)))
	e.register("P-2", "污水处理厂", "县住建局", "王强", plan(domain.MilestoneStarted, e.today.AddDays(-4)))
	e.miss("P-1", domain.MilestoneStarted, e.today.AddDays(-5))
	e.clock.Advance(time.Hour)
	since := e.clock.Now()
	e.miss("P-2", domain.MilestoneStarted, e.today.AddDays(-4))

	r := newRobot(t)
	n, stop := e.start([]notify.Webhook{{Kind: notify.WeCom, URL: r.srv.URL}}, notify.WithSince(since))
	require.Eventually(t, func() bool { return n.Stats().Posted == 1 }, 10*time.Second, 10*time.Millisecond)
	stop()
	assert.Equal(t, uint64(1), n.Stats().Skipped)
	require.Len(t, r.posts(), 1)
	assert.Contains(t, r.posts()[0].content(), "P-2 污水处理厂")
}

func TestNotifyRetriesAFailingRobotAndLosesNothing(t *testing.T) {
	e := newEnv(t, 10, 0)
	e.register("P-1", "光伏组件项目", "县工信局", "李明", plan(domain.MilestoneStarted, e.today.AddDays(-5)))
	e.miss("P-1", domain.MilestoneStarted, e.today.AddDays(-5))

	flaky, steady := newRobot(t), newRobot(t)
	flaky.fail = func(attempt int) (int, int) {
		switch {
		case attempt <= 2:
			return http.StatusInternalServerError, -1
		case attempt <= 4:
			return http.StatusOK, 93000 // HTTP 200 but refused by the robot
		}
		return 0, 0
	}
	sleeper := &noSleep{}
	hooks := []notify.Webhook{{Kind: notify.WeCom, URL: steady.srv.URL}, {Kind: notify.DingTalk, URL: flaky.srv.URL}}
	n, stop := e.start(hooks, notify.WithSleep(sleeper.sleep))
	waitPosts(t, flaky, 1)
	require.Eventually(t, func() bool { return n.Stats().Posted == 1 }, 10*time.Second, 10*time.Millisecond)
	stop()

	assert.Equal(t, 5, flaky.tries(), "four refusals, then accepted")
	assert.Equal(t, 1, steady.tries(), "the robot that accepted is not posted to again while the other is retried")
	assert.Equal(t, uint64(4), n.Stats().FailedAttempts)
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{ms, 2 * ms, 4 * ms, 4 * ms}, sleeper.got()[:4], "doubling pauses, bounded")

	// Acknowledged: a notifier started again posts the next miss only.
	e.register("P-2", "污水处理厂", "县住建局", "王强", plan(domain.MilestoneStarted, e.today.AddDays(-3)))
	e.miss("P-2", domain.MilestoneStarted, e.today.AddDays(-3))
	again, stop := e.start(hooks)
	require.Eventually(t, func() bool { return again.Stats().Posted == 1 }, 10*time.Second, 10*time.Millisecond)
	stop()
	for _, r := range []*robot{steady, flaky} {
		require.Len(t, r.posts(), 2)
		assert.Contains(t, r.posts()[0].content(), "P-1 光伏组件项目")
		assert.Contains(t, r.posts()[1].content(), "P-2 污水处理厂")
	}
}

// A notifier stopped while it retries hands the miss back to the server
// (Nak), which delivers it to the next run at once, well within the
// consumer's one-minute acknowledgement wait.
func TestNotifyStoppedWhileARobotFailsPostsTheMissOnTheNextRun(t *testing.T) {
	e := newEnv(t, 10, 0)
	e.register("P-1", "光伏组件项目", "县工信局", "李明", plan(domain.MilestoneStarted, e.today.AddDays(-5)))
	e.miss("P-1", domain.MilestoneStarted, e.today.AddDays(-5))

	down := newRobot(t)
	down.fail = func(int) (int, int) { return http.StatusBadGateway, -1 }
	n, stop := e.start([]notify.Webhook{{Kind: notify.WeCom, URL: down.srv.URL}})
	require.Eventually(t, func() bool { return n.Stats().FailedAttempts >= 3 }, 10*time.Second, 5*time.Millisecond)
	stop()
	assert.Equal(t, uint64(0), n.Stats().Posted)

	up := newRobot(t)
	again, stop := e.start([]notify.Webhook{{Kind: notify.WeCom, URL: up.srv.URL}})
	require.Eventually(t, func() bool { return len(up.posts()) >= 1 }, 30*time.Second, 20*time.Millisecond, "the miss comes back before the acknowledgement wait")
	require.Eventually(t, func() bool { return again.Stats().Posted == 1 }, 10*time.Second, 10*time.Millisecond)
	stop()
	assert.Contains(t, up.posts()[0].content(), "P-1 光伏组件项目")
}

func TestNotifyMessageNamesProjectNodeDueUnitLeaderAndDaysLate(t *testing.T) {
	e := newEnv(t, 10, 0)
	due := e.today.AddDays(-5)
	e.register("2010-220621-47-01-000034", "光伏组件项目", "县工信局", "李明", plan(domain.MilestoneEIA, due))
	e.miss("2010-220621-47-01-000034", domain.MilestoneEIA, due)

	wecom, text, ding := newRobot(t), newRobot(t), newRobot(t)
	n, stop := e.start([]notify.Webhook{{Kind: notify.WeCom, URL: wecom.srv.URL}, {Kind: notify.WeCom, URL: text.srv.URL, Text: true},
		{Kind: notify.DingTalk, URL: ding.srv.URL}})
	require.Eventually(t, func() bool { return n.Stats().Posted == 1 }, 15*time.Second, 10*time.Millisecond)
	stop()

	want := []string{"2010-220621-47-01-000034 光伏组件项目", "节点：环评", "期限：" + due.String(), "责任单位：县工信局", "包保领导：李明", "已逾期：5 天"}
	for name, r := range map[string]*robot{"wecom markdown": wecom, "wecom text": text, "dingtalk": ding} {
		require.Len(t, r.posts(), 1, name)
		p := r.posts()[0]
		for _, w := range want {
			assert.Contains(t, p.content(), w, name)
		}
	}
	assert.Equal(t, "markdown", wecom.posts()[0].body["msgtype"])
	assert.Contains(t, wecom.posts()[0].body["markdown"], "content")
	assert.Equal(t, "text", text.posts()[0].body["msgtype"])
	assert.Contains(t, text.posts()[0].body["text"], "content")
	dm := ding.posts()[0]
	assert.Equal(t, "markdown", dm.body["msgtype"])
	md, _ := dm.body["markdown"].(map[string]any)
	assert.Equal(t, "重点项目节点逾期：2010-220621-47-01-000034 光伏组件项目 环评", md["title"])
	assert.Contains(t, md, "text")
	assert.Empty(t, dm.query["sign"], "no secret, no signature")
}

func TestDingTalkSignature(t *testing.T) {
	// Computed with the Python sample of DingTalk's robot documentation
	// (hmac sha256 over "<timestamp>\n<secret>", base64, quote_plus).
	assert.Equal(t, "fFV9t5lBS7KH4+5B0JjR99ab+AJkXFauQXycgTkS/tc=", notify.SignDingTalk("this is secret", 1577836800000))
	assert.Equal(t, "https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1577836800000&sign=fFV9t5lBS7KH4%2B5B0JjR99ab%2BAJkXFauQXycgTkS%2Ftc%3D",
		notify.SignedURL("https://oapi.dingtalk.com/robot/send?access_token=abc", "this is secret", time.UnixMilli(1577836800000)))
	for _, ms := range []int64{0, 1700000000000, 1893456000123} {
		assert.Equal(t, independentSign("SECa1b2c3", ms), notify.SignDingTalk("SECa1b2c3", ms))
	}

	// End to end: the robot checks the timestamp is the clock's and the
	// signature is right, and refuses otherwise.
	e := newEnv(t, 10, 0)
	e.register("P-1", "光伏组件项目", "县工信局", "李明", plan(domain.MilestoneStarted, e.today.AddDays(-2)))
	e.miss("P-1", domain.MilestoneStarted, e.today.AddDays(-2))
	ding := newRobot(t)
	ding.secret, ding.clock = "SEC0123456789abcdef+/=", e.clock
	n, stop := e.start([]notify.Webhook{{Kind: notify.DingTalk, URL: ding.srv.URL + "/robot/send?access_token=t", Secret: ding.secret}})
	require.Eventually(t, func() bool { return n.Stats().Posted == 1 }, 15*time.Second, 10*time.Millisecond)
	stop()
	require.Len(t, ding.posts(), 1)
	assert.Equal(t, uint64(0), n.Stats().FailedAttempts, "the first post was signed right")
	assert.Equal(t, "t", ding.posts()[0].query["access_token"], "the robot's own query is kept")
}

func TestNotifyReminderOncePerDay(t *testing.T) {
	e := newEnv(t, 8, 0)
	e.register("P-1", "光伏组件项目", "县工信局", "李明",
		plan(domain.MilestoneSigned, e.today),             // reached today: not listed
		plan(domain.MilestoneStarted, e.today.AddDays(1)), // listed
		plan(domain.MilestoneCompleted, e.today.AddDays(4)))
	e.register("P-2", "污水处理厂", "县住建局", "王强", plan(domain.MilestoneEIA, e.today.AddDays(3)), plan(domain.MilestoneLand, e.today))
	e.exec(domain.RecordStep{Meta: domain.Meta{Actor: "test"}, Project: "P-1", Step: domain.Signed, On: e.today})

	r := newRobot(t)
	hooks := []notify.Webhook{{Kind: notify.WeCom, URL: r.srv.URL}}
	newNotifier := func(durable string) *notify.Notifier {
		n, err := notify.New(e.store.Store, hooks, notify.WithClock(e.clock), notify.WithDurable(durable),
			notify.WithReminder(notify.Reminder{Days: 3, Hour: 8, Minute: 30}))
		require.NoError(t, err)
		return n
	}
	ctx := context.Background()
	n := newNotifier("notify")
	sent, err := n.RemindIfDue(ctx)
	require.NoError(t, err)
	assert.False(t, sent, "not before 08:30")

	e.clock.Advance(30 * time.Minute)
	sent, err = n.RemindIfDue(ctx)
	require.NoError(t, err)
	require.True(t, sent, "at 08:30")
	require.Len(t, r.posts(), 1)
	text := r.posts()[0].content()
	assert.Contains(t, text, "重点项目节点到期提醒（"+e.today.String()+"）")
	assert.Contains(t, text, "共 3 个")
	assert.Contains(t, text, "P-2 污水处理厂 · 土地 · "+e.today.String()+"（今天到期）· 县住建局 · 王强")
	assert.Contains(t, text, "P-1 光伏组件项目 · 开工 · "+e.today.AddDays(1).String()+"（还有 1 天）")
	assert.Contains(t, text, "环评 · "+e.today.AddDays(3).String()+"（还有 3 天）")
	assert.NotContains(t, text, "签约", "reached")
	assert.NotContains(t, text, "竣工", "four days away")
	assert.Less(t, strings.Index(text, "土地"), strings.Index(text, "开工"), "earliest first")

	e.clock.Advance(5 * time.Hour)
	sent, err = n.RemindIfDue(ctx)
	require.NoError(t, err)
	assert.False(t, sent, "once a day")
	sent, err = newNotifier("notify").RemindIfDue(ctx)
	require.NoError(t, err)
	assert.False(t, sent, "a notifier started again the same day does not send it again")
	require.Len(t, r.posts(), 1)

	e.clock.Advance(24 * time.Hour)
	sent, err = n.RemindIfDue(ctx)
	require.NoError(t, err)
	assert.True(t, sent, "the next day")
	require.Len(t, r.posts(), 2)
	assert.Contains(t, r.posts()[1].content(), "重点项目节点到期提醒（"+e.today.AddDays(1).String()+"）")
	assert.Equal(t, uint64(2), n.Stats().Reminders)
}

func TestReminderMessageStaysWithinWhatTheRobotsAccept(t *testing.T) {
	today := domain.NewDate(2026, 12, 1)
	var nodes []notify.Upcoming
	for i := range 200 {
		nodes = append(nodes, notify.Upcoming{Project: domain.ProjectID(fmt.Sprintf("2010-220621-47-01-%06d", i)), Name: "县城区污水处理厂提标改造工程",
			Milestone: domain.MilestoneConstructionPermit, Due: today.AddDays(i % 4), Unit: "县住房和城乡建设局", Leader: "王强", DaysLeft: i % 4})
	}
	m := notify.ReminderMessage(today, 3, nodes)
	assert.LessOrEqual(t, len(m.Markdown), 4096, "WeCom's markdown limit")
	assert.LessOrEqual(t, len(m.Text), 2048, "WeCom's text limit")
	for _, s := range []string{m.Markdown, m.Text} {
		assert.Contains(t, s, "共 200 个")
		assert.Regexp(t, `……另有 \d+ 个节点未列出$`, s)
		assert.Contains(t, s, "1. 2010-220621-47-01-000000 县城区污水处理厂提标改造工程 · 施工许可 · 2026-12-01（今天到期）· 县住房和城乡建设局 · 王强")
	}

	few := notify.ReminderMessage(today, 3, nodes[:2])
	assert.NotContains(t, few.Text, "另有")
	assert.Equal(t, "【重点项目节点到期提醒（2026-12-01）】\n3 天内到期、尚未完成的节点共 2 个：\n"+
		"1. 2010-220621-47-01-000000 县城区污水处理厂提标改造工程 · 施工许可 · 2026-12-01（今天到期）· 县住房和城乡建设局 · 王强\n"+
		"2. 2010-220621-47-01-000001 县城区污水处理厂提标改造工程 · 施工许可 · 2026-12-02（还有 1 天）· 县住房和城乡建设局 · 王强", few.Text)
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/keyprojects/ledger/domain"
)

// These tests run a real nats-server, in this process, on the very
// configuration `ledger auth init` writes, and log in as each role.

// serverLog is a nats-server logger that keeps the errors the server
// logs, among them every permission violation and failed TLS handshake:
// the server's own account of what it refused.
type serverLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *serverLog) Noticef(string, ...any) {}
func (l *serverLog) Warnf(string, ...any)   {}
func (l *serverLog) Fatalf(string, ...any)  {}
func (l *serverLog) Debugf(string, ...any)  {}
func (l *serverLog) Tracef(string, ...any)  {}
func (l *serverLog) Errorf(format string, v ...any) {
	l.mu.Lock()
	l.lines = append(l.lines, fmt.Sprintf(format, v...))
	l.mu.Unlock()
}

// take returns the logged errors that contain what, and forgets every
// error logged so far.
func (l *serverLog) take(what string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range l.lines {
		if strings.Contains(line, what) {
			out = append(out, line)
		}
	}
	l.lines = nil
	return out
}

// await waits, up to 10 s, for the server to log an error that contains
// what, and returns it ("" if none came): the server logs a failed
// handshake in its own time, after the client has given up.
func (l *serverLog) await(what string) string {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		l.mu.Lock()
		for _, line := range l.lines {
			if strings.Contains(line, what) {
				l.mu.Unlock()
				return line
			}
		}
		l.mu.Unlock()
	}
	return ""
}

// authEnv is a nats-server running a generated configuration, and the
// login files written with it.
type authEnv struct {
	t      *testing.T
	dir    string
	url    string
	srv    *server.Server
	clock  *domain.ManualClock
	logins map[string]map[string]string // role -> NATS_* variables
	log    *serverLog
}

// startAuthEnv runs `ledger auth init` with extra flags and starts a
// server on what it wrote, on a free loopback port.
func startAuthEnv(t *testing.T, initFlags ...string) *authEnv {
	t.Helper()
	return startAuthEnvWith(t, nil, initFlags...)
}

// startAuthEnvWith is startAuthEnv with the server's options changed by
// edit (when not nil) after the configuration is read.
func startAuthEnvWith(t *testing.T, edit func(*server.Options), initFlags ...string) *authEnv {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, "nats.conf")
	var out, errb bytes.Buffer
	a := newApp(&out, &errb)
	// The server checks a password on every connection; at the default
	// cost that takes over a second under the race detector.
	a.passwordCost = bcrypt.MinCost
	code := a.run(context.Background(), append([]string{"auth", "init", "--out", conf}, initFlags...))
	require.Equal(t, 0, code, errb.String())
	assert.Contains(t, out.String(), "start the server:  nats-server -c "+conf)

	opts, err := server.ProcessConfigFile(conf)
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1", opts.Host, "the generated configuration listens on loopback by default")
	opts.Port = -1 // a free port instead of 4222
	opts.NoSigs = true
	if edit != nil {
		edit(opts)
	}
	srv, err := server.NewServer(opts)
	require.NoError(t, err)
	log := &serverLog{}
	srv.SetLogger(log, false, false)
	go srv.Start()
	require.True(t, srv.ReadyForConnections(30*time.Second))
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })

	e := &authEnv{t: t, dir: dir, url: srv.ClientURL(), srv: srv, log: log, logins: map[string]map[string]string{},
		clock: domain.NewManualClock(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC))}
	for _, role := range []string{"ledger", "recorder", "auditor", "inspector", "reporter"} {
		path := filepath.Join(dir, role+".env")
		info, err := os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "%s holds a password", path)
		e.logins[role] = readEnvFile(t, path)
	}
	return e
}

func readEnvFile(t *testing.T, path string) map[string]string {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	vars := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok && !strings.HasPrefix(k, "#") {
			vars[k] = v
		}
	}
	require.NoError(t, sc.Err())
	return vars
}

// login returns the global flags that log in as role.
func (e *authEnv) login(role string) []string {
	l := e.logins[role]
	return []string{"--server", e.url, "--user", l["NATS_USER"], "--password", l["NATS_PASSWORD"],
		"--inbox-prefix", l["NATS_INBOX_PREFIX"], "--stream", l["LEDGER_STREAM"], "--actor", "clerk"}
}

// as runs a ledger command logged in as role.
func (e *authEnv) as(role string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	a := newApp(&out, &errb)
	a.clock = e.clock
	code = a.run(context.Background(), append(e.login(role), args...))
	return code, out.String(), errb.String()
}

func (e *authEnv) ok(role string, args ...string) string {
	e.t.Helper()
	code, out, errs := e.as(role, args...)
	require.Equal(e.t, 0, code, "%s: ledger %v: %s", role, args, errs)
	return out
}

// serve runs `ledger serve --server` as the ledger service until the test
// ends.
func (e *authEnv) serve() {
	e.t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	ready := make(chan struct{})
	errs := &syncBuilder{}
	done := make(chan int, 1)
	go func() {
		a := newApp(&lineSignal{w: &strings.Builder{}, match: "Ctrl-C", ready: ready}, errs)
		a.clock = e.clock
		done <- a.run(ctx, append(e.login("ledger"), "serve", "--board", "127.0.0.1:0"))
	}()
	select {
	case <-ready:
	case code := <-done:
		e.t.Fatalf("serve ended with %d: %s", code, errs.String())
	case <-time.After(30 * time.Second):
		e.t.Fatal("serve did not start")
	}
	e.t.Cleanup(func() {
		stop()
		assert.Equal(e.t, 0, <-done, "serve as the ledger service: %s", errs.String())
	})
}

// conn connects as role with the plain NATS client, and returns the
// errors the server reports asynchronously (permission violations).
func (e *authEnv) conn(role string) (*nats.Conn, <-chan error) {
	e.t.Helper()
	l := e.logins[role]
	errs := make(chan error, 256)
	nc, err := nats.Connect(e.url, nats.UserInfo(l["NATS_USER"], l["NATS_PASSWORD"]), nats.CustomInboxPrefix(l["NATS_INBOX_PREFIX"]),
		nats.Timeout(connectTimeout), nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { errs <- err }))
	require.NoError(e.t, err)
	e.t.Cleanup(nc.Close)
	return nc, errs
}

// awaitRefusal waits for the server's permissions violation naming want,
// skipping others; it fails the test if none comes.
func awaitRefusal(t *testing.T, errs <-chan error, want string) {
	t.Helper()
	limit := time.After(10 * time.Second)
	for {
		select {
		case err := <-errs:
			if strings.Contains(err.Error(), want) {
				require.ErrorIs(t, err, nats.ErrPermissionViolation)
				return
			}
		case <-limit:
			t.Fatalf("the server did not refuse: no %q", want)
		}
	}
}

// attempt is something a role might try: a publish (every JetStream API
// request is one) or a subscription.
type attempt struct {
	sub     bool
	subject string
}

func pub(subject string) attempt { return attempt{subject: subject} }
func sub(subject string) attempt { return attempt{sub: true, subject: subject} }

func (at attempt) String() string {
	if at.sub {
		return "subscribe " + at.subject
	}
	return "publish " + at.subject
}

// refusedBy asserts that the server refuses each attempt with a
// permissions violation naming its subject.
func (e *authEnv) refusedBy(t *testing.T, role string, attempts []attempt) {
	nc, errs := e.conn(role)
	for _, at := range attempts {
		t.Run(at.String(), func(t *testing.T) {
			if at.sub {
				s, err := nc.SubscribeSync(at.subject)
				require.NoError(t, err)
				require.NoError(t, nc.Flush())
				awaitRefusal(t, errs, fmt.Sprintf("Permissions Violation for Subscription to %q", at.subject))
				require.NoError(t, s.Unsubscribe())
				return
			}
			require.NoError(t, nc.PublishRequest(at.subject, nc.NewRespInbox(), []byte("{}")))
			require.NoError(t, nc.Flush())
			awaitRefusal(t, errs, fmt.Sprintf("Permissions Violation for Publish to %q", at.subject))
		})
	}
}

// TestEachRoleDoesItsJobAndNothingElse records, imports, serves, follows,
// reports and audits on one server, each as its role, and checks that the
// server refused nothing; then tries, as each role, what the role may not
// do, and checks that the server refuses every attempt.
func TestEachRoleDoesItsJobAndNothingElse(t *testing.T) {
	e := startAuthEnv(t)

	// The service creates the stream and the projection buckets, keeps
	// the projections and records misses.
	e.serve()

	// recorder: registers a project whose start was due on 2026-11-20,
	// records a step, imports a plan of three projects.
	e.ok("recorder", "project", "register", "P-1", "--name", "Cement plant", "--investment", "1亿",
		"--unit", "Industry", "--leader", "Wang", "--on", "2026-10-01", "--plan", "started=2026-11-20")
	assert.Contains(t, e.ok("recorder", "record", "signed", "P-1", "--on", "2026-10-15"), "signed")
	// A refusal is the rule's, after the leader confirmed the history,
	// not a permission's.
	code, _, errs := e.as("recorder", "record", "signed", "P-1", "--on", "2026-10-16")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "already")
	assert.NotContains(t, errs, "Permissions")
	out := e.ok("recorder", "import", "plan", writePlan(t, t.TempDir(), 3, "2027-03-31"))
	assert.Contains(t, out, "3 rows, 3 new projects, 0 changed, 0 unchanged")

	// inspector: sees the miss of P-1's start through its durable
	// consumer, with the project's name from the projections.
	views := followed(t, e.ok("inspector", "inspect", "follow", "--count", "1", "--wait", "30s", "--json"))
	require.Len(t, views, 1)
	assert.Equal(t, domain.ProjectID("P-1"), views[0].Project)
	assert.Equal(t, domain.Milestone("started"), views[0].Milestone)
	assert.Equal(t, "Cement plant", views[0].Name)
	assert.Equal(t, 7, views[0].DaysLate)
	again := followed(t, e.ok("inspector", "inspect", "follow", "--from-start", "--count", "1", "--wait", "30s", "--json"))
	require.Len(t, again, 1, "--from-start deletes the inspector's own consumer and replays")
	assert.Equal(t, views[0].EventID, again[0].EventID)

	// reporter: the status table and the overdue list, from the
	// projections alone. The service's runner may still be writing the
	// last rows, so read until they are there (bounded).
	var status []map[string]any
	for range 100 {
		require.NoError(t, json.Unmarshal([]byte(e.ok("reporter", "status", "--json")), &status))
		if len(status) == 4 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	require.Len(t, status, 4, "P-1 and the three imported projects")
	overdue := e.ok("reporter", "overdue")
	assert.Contains(t, overdue, "P-1")
	assert.Contains(t, e.ok("reporter", "status", "--unit", "Industry"), "P-1", "one unit's rows, through its index")
	assert.Contains(t, e.ok("reporter", "bulletin", "--period", "month"), "P-1")
	progress := e.ok("reporter", "projections", "status")
	assert.Contains(t, progress, "LEDGER_PROJ_", "the generation readers use")
	assert.Contains(t, progress, "behind: unknown, user reporter may not read the stream LEDGER")

	// auditor: verifies the whole stream, reads a history, writes a
	// bundle that checks offline, reports as recorded at a time.
	assert.Contains(t, e.ok("auditor", "verify", "--all"), "0 broken")
	assert.Contains(t, e.ok("auditor", "verify", "P-1"), "0 broken")
	history := e.ok("auditor", "history", "P-1")
	for _, want := range []string{"registered", "signed", "deadline_missed"} {
		assert.Contains(t, history, want)
	}
	bundle := filepath.Join(t.TempDir(), "P-1.bundle")
	e.ok("auditor", "audit", "bundle", "P-1", "-o", bundle)
	assert.Contains(t, e.ok("auditor", "audit", "check-bundle", bundle), "P-1")
	assert.Contains(t, e.ok("auditor", "status", "--as-of-recorded", "2026-11-27"), "P-1")
	assert.Contains(t, e.ok("auditor", "audit", "deadlines", "P-1"), "2026-11-20")
	e.ok("auditor", "audit", "late-entries", "--days", "7")

	assert.Empty(t, e.log.take("Violation"), "the server refused nothing the roles did for their jobs")

	// Each role asking the ledger for what another role does is refused
	// by the server, at once, in one line naming what was refused.
	for _, c := range []struct {
		role string
		args []string
		want string
	}{
		{"reporter", []string{"record", "started", "P-1"}, `Publish to "$JS.API.DIRECT.GET.LEDGER"`},
		{"reporter", []string{"history", "P-1"}, `Publish to "$JS.API.DIRECT.GET.LEDGER"`},
		{"reporter", []string{"verify", "--all"}, `Publish to "$JS.API.STREAM.INFO.LEDGER"`},
		{"reporter", []string{"status", "--as-of-recorded", "2026-11-20"}, "which user reporter may not read"},
		{"inspector", []string{"history", "P-1"}, `Publish to "$JS.API.DIRECT.GET.LEDGER"`},
		{"inspector", []string{"record", "started", "P-1"}, `Publish to "$JS.API.DIRECT.GET.LEDGER"`},
		{"auditor", []string{"record", "started", "P-1"}, `Publish to "ledger.P-1.started"`},
		{"auditor", []string{"projections", "rebuild"}, `Publish to "$JS.API.STREAM.DELETE.KV_LEDGER_PROJ_2"`},
		{"recorder", []string{"verify", "--all"}, `Publish to "$JS.API.CONSUMER.CREATE.LEDGER.`},
		{"recorder", []string{"inspect", "follow", "--count", "1"}, `Publish to "$JS.API.CONSUMER.CREATE.LEDGER.inspection.ledger.*.deadline_missed"`},
	} {
		t.Run(c.role+" "+strings.Join(c.args, " "), func(t *testing.T) {
			start := time.Now()
			code, _, errs := e.as(c.role, c.args...)
			t.Logf("refused in %s", time.Since(start))
			assert.Equal(t, 1, code)
			assert.Contains(t, errs, c.want)
			assert.Equal(t, 1, strings.Count(errs, "\n"), "one line: %s", errs)
		})
	}
	e.log.take("")

	// Raw attempts, as each role, at everything else.
	const S = "$JS.API.STREAM."
	const C = "$JS.API.CONSUMER."
	streamAdmin := []attempt{
		pub(S + "UPDATE.LEDGER"), pub(S + "DELETE.LEDGER"), pub(S + "PURGE.LEDGER"), pub(S + "MSG.DELETE.LEDGER"),
		pub(S + "SNAPSHOT.LEDGER"), pub(S + "LIST"), pub("$JS.API.INFO"),
		pub(C + "DELETE.LEDGER.inspection"),
		pub(C + "CREATE.LEDGER.inspection.ledger.>"), pub(C + "MSG.NEXT.LEDGER.inspection"),
	}
	creates := []attempt{pub(S + "CREATE.OTHER"), pub(S + "DELETE.KV_LEDGER_PROJ_1"), pub(S + "UPDATE.KV_LEDGER_PROJ_META")}
	kvWrites := []attempt{pub("$KV.LEDGER_PROJ_META.current"), pub("$KV.LEDGER_PROJ_1.p.P-1")}
	readStream := []attempt{
		pub(S + "INFO.LEDGER"), pub("$JS.API.DIRECT.GET.LEDGER"), pub("$JS.API.DIRECT.GET.LEDGER.ledger.P-1.registered"),
		pub(S + "MSG.GET.LEDGER"), pub(C + "CREATE.LEDGER.peek"), pub(C + "CREATE.LEDGER.peek.ledger.>"),
		sub("ledger.>"), sub("ledger.P-1.registered"),
	}
	otherInboxes := func(own string) []attempt {
		out := []attempt{sub("_INBOX.>"), sub(">")}
		for _, r := range []string{"ledger", "recorder", "auditor", "inspector", "reporter"} {
			if r != own {
				out = append(out, sub("_INBOX_"+r+".>"))
			}
		}
		return out
	}
	write := pub("ledger.P-1.signed")
	forgeMiss := pub("ledger.P-1.deadline_missed")

	table := map[string][]attempt{
		"ledger": concat(otherInboxes("ledger"), []attempt{write, sub("ledger.>"),
			pub(S + "UPDATE.LEDGER"), pub(S + "DELETE.LEDGER"), pub(S + "PURGE.LEDGER"), pub(S + "MSG.DELETE.LEDGER"),
			pub(C + "DELETE.LEDGER.inspection"), pub(C + "CREATE.LEDGER.inspection.ledger.>"), pub(C + "MSG.NEXT.LEDGER.inspection")}),
		"recorder": concat(otherInboxes("recorder"), streamAdmin, creates, kvWrites,
			[]attempt{forgeMiss, sub("ledger.>"), pub(C + "CREATE.LEDGER.peek"), pub(C + "MSG.NEXT.LEDGER.peek")}),
		"auditor": concat(otherInboxes("auditor"), streamAdmin, creates, kvWrites,
			[]attempt{write, forgeMiss, pub(C + "DELETE.LEDGER.peek"), pub("$JS.ACK.LEDGER.inspection.1.1.1.1.0")}),
		"inspector": concat(otherInboxes("inspector"), creates, kvWrites, readStream,
			[]attempt{write, forgeMiss, pub(S + "UPDATE.LEDGER"), pub(S + "DELETE.LEDGER"), pub(S + "PURGE.LEDGER"), pub("$JS.API.INFO"),
				pub(C + "CREATE.LEDGER.inspection"), pub(C + "CREATE.LEDGER.inspection.ledger.P-1.signed"),
				pub(C + "CREATE.LEDGER.other.ledger.*.deadline_missed"), pub(C + "MSG.NEXT.LEDGER.other"),
				pub("$JS.ACK.LEDGER.other.1.1.1.1.0")}),
		"reporter": concat(otherInboxes("reporter"), streamAdmin, creates, kvWrites, readStream,
			[]attempt{write, forgeMiss, pub(C + "CREATE.KV_LEDGER_PROJ_1.peek"), pub(C + "CREATE.KV_LEDGER_PROJ_1.peek.$KV.LEDGER_PROJ_1.>")}),
	}
	for _, role := range []string{"ledger", "recorder", "auditor", "inspector", "reporter"} {
		t.Run(role, func(t *testing.T) { e.refusedBy(t, role, table[role]) })
	}
	assert.NotEmpty(t, e.log.take("Violation"), "the server logs what it refused")
}

func concat(lists ...[]attempt) []attempt {
	var out []attempt
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// A recorder whose rights come from an earlier ledger auth init, without
// the stream leader's message get, still gets the rule's refusal: the
// ledger does not ask the leader for what it may not.
func TestARecorderWithoutTheLeadersGetIsStillRefusedByTheRules(t *testing.T) {
	e := startAuthEnvWith(t, func(opts *server.Options) {
		for _, u := range opts.Users {
			if u.Username == "recorder" {
				u.Permissions.Publish.Allow = slices.DeleteFunc(u.Permissions.Publish.Allow,
					func(s string) bool { return s == "$JS.API.STREAM.MSG.GET.LEDGER" })
			}
		}
	})
	e.serve()
	e.ok("recorder", "project", "register", "P-1", "--name", "Cement plant", "--investment", "1亿",
		"--unit", "Industry", "--leader", "Wang", "--on", "2026-10-01")
	e.ok("recorder", "record", "signed", "P-1", "--on", "2026-10-15")
	code, _, errs := e.as("recorder", "record", "signed", "P-1", "--on", "2026-10-16")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "already")
	assert.NotContains(t, errs, "Permissions")
	assert.Empty(t, e.log.take("Violation"), "the server refused nothing")
}

// TestJetStreamRefusesWhatPermissionsCannotPin covers two limits of
// subject permissions and what holds them: the inspector may create its
// durable consumer only with the deadline_missed filter its API subject
// names, and a consumer that delivers into a projection bucket stores
// nothing there.
func TestJetStreamRefusesWhatPermissionsCannotPin(t *testing.T) {
	e := startAuthEnv(t)
	e.serve()
	e.ok("recorder", "project", "register", "P-1", "--name", "Cement plant", "--investment", "1亿",
		"--unit", "Industry", "--leader", "Wang", "--on", "2026-10-01", "--plan", "started=2026-11-20")
	ctx := context.Background()

	// The subject pins the filter; a body asking for more is refused by
	// JetStream itself.
	nc, _ := e.conn("inspector")
	body, err := json.Marshal(map[string]any{"stream_name": "LEDGER", "config": map[string]any{
		"durable_name": "inspection", "filter_subject": "ledger.>", "ack_policy": "explicit"}})
	require.NoError(t, err)
	m, err := nc.RequestWithContext(ctx, "$JS.API.CONSUMER.CREATE.LEDGER.inspection.ledger.*.deadline_missed", body)
	require.NoError(t, err)
	var resp struct{ Error *jetstream.APIError }
	require.NoError(t, json.Unmarshal(m.Data, &resp))
	require.NotNil(t, resp.Error, "JetStream refuses a filter other than the subject's")
	assert.Equal(t, server.NewJSConsumerCreateFilterSubjectMismatchError().ErrCode, uint16(resp.Error.ErrorCode))

	// An auditor may create consumers on the stream, and a push consumer
	// names any subject to deliver to. Into the ledger's own subjects
	// JetStream refuses it (a cycle); into a projection bucket's subjects
	// it is created, but a stream listening there is no delivery interest:
	// the consumer delivers nothing and the bucket stores nothing.
	anc, _ := e.conn("auditor")
	js, err := jetstream.New(anc)
	require.NoError(t, err)
	_, err = js.CreateOrUpdateConsumer(ctx, "LEDGER", jetstream.ConsumerConfig{
		Name: "copy", DeliverSubject: "ledger.P-1.signed", AckPolicy: jetstream.AckNonePolicy})
	var apiErr *jetstream.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, server.NewJSConsumerDeliverCycleError().ErrCode, uint16(apiErr.ErrorCode))

	_, err = js.CreateOrUpdateConsumer(ctx, "LEDGER", jetstream.ConsumerConfig{
		Name: "push", DeliverSubject: "$KV.LEDGER_PROJ_1.p.NOBODY", AckPolicy: jetstream.AckNonePolicy})
	require.NoError(t, err)
	m, err = anc.RequestWithContext(ctx, "$JS.API.CONSUMER.INFO.LEDGER.push", nil)
	require.NoError(t, err)
	var info jetstream.ConsumerInfo
	require.NoError(t, json.Unmarshal(m.Data, &info))
	assert.False(t, info.PushBound, "nobody listens on the bucket's subject for the consumer")
	assert.Zero(t, info.Delivered.Stream)
	assert.NotZero(t, info.NumPending, "there are events it would deliver")
	_, err = e.bucket(t, "LEDGER_PROJ_1").Get(ctx, "p.NOBODY")
	assert.ErrorIs(t, err, jetstream.ErrKeyNotFound, "nothing was stored in the bucket under that key")
}

// bucket opens a projection bucket as the service sees it, once the
// service has made it.
func (e *authEnv) bucket(t *testing.T, name string) jetstream.KeyValue {
	nc, _ := e.conn("ledger")
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	// The service creates its buckets as it starts; wait for it, boundedly.
	var kv jetstream.KeyValue
	require.Eventually(t, func() bool {
		kv, err = js.KeyValue(context.Background(), name)
		return err == nil
	}, 20*time.Second, 50*time.Millisecond, "bucket %s never appeared", name)
	return kv
}

// TestAuthInitWritesTLSAndRefusesToOverwrite checks the tls block and the
// login files with --tls-*, that a client logs in over TLS with the CA
// from its login file, and that a second init does not overwrite the
// first one's passwords.
func TestAuthInitWritesTLSAndRefusesToOverwrite(t *testing.T) {
	certs := writeTestCerts(t)
	e := startAuthEnv(t, "--tls-cert", certs.serverCert, "--tls-key", certs.serverKey, "--tls-ca", certs.ca)
	conf, err := os.ReadFile(filepath.Join(e.dir, "nats.conf"))
	require.NoError(t, err)
	quotedCert, err := json.Marshal(certs.serverCert)
	require.NoError(t, err)
	assert.Contains(t, string(conf), "cert_file: "+string(quotedCert))
	assert.NotContains(t, string(conf), "verify: true")
	for _, role := range []string{"ledger", "recorder", "auditor", "inspector", "reporter"} {
		assert.Equal(t, certs.ca, e.logins[role]["NATS_CA"])
		assert.True(t, strings.HasPrefix(e.logins[role]["NATS_URL"], "tls://"), e.logins[role]["NATS_URL"])
		assert.NotContains(t, string(conf), e.logins[role]["NATS_PASSWORD"], "the configuration holds hashes only")
	}

	// Without the CA the client does not trust the server; with it (the
	// login file's NATS_CA) the service starts over TLS.
	code, _, errs := e.as("recorder", "history", "P-1")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "x509: certificate signed by unknown authority")
	tlsLogin := func(role string) []string { return append(e.login(role), "--tls-ca", certs.ca) }
	var out, errb bytes.Buffer
	a := newApp(&out, &errb)
	a.clock = e.clock
	require.Equal(t, 0, a.run(context.Background(), append(tlsLogin("ledger"), "projections", "rebuild")), errb.String())

	var again bytes.Buffer
	code = newApp(&again, &again).run(context.Background(), []string{"auth", "init", "--out", filepath.Join(e.dir, "nats.conf")})
	assert.Equal(t, 1, code)
	assert.Contains(t, again.String(), "nats.conf exists; its users' passwords would stop working: give --force")
	assert.Equal(t, e.logins["recorder"], readEnvFile(t, filepath.Join(e.dir, "recorder.env")), "nothing overwritten")
}

// TestAuthInitTLSVerifyAsksForClientCertificates checks --tls-verify: a
// client without a certificate signed by the CA is refused, one with it
// (--tls-cert/--tls-key, or NATS_CERT/NATS_KEY) works.
func TestAuthInitTLSVerifyAsksForClientCertificates(t *testing.T) {
	certs := writeTestCerts(t)
	e := startAuthEnv(t, "--tls-cert", certs.serverCert, "--tls-key", certs.serverKey, "--tls-ca", certs.ca, "--tls-verify")
	conf, err := os.ReadFile(filepath.Join(e.dir, "nats.conf"))
	require.NoError(t, err)
	assert.Contains(t, string(conf), "verify: true")
	login, err := os.ReadFile(filepath.Join(e.dir, "ledger.env"))
	require.NoError(t, err)
	assert.Contains(t, string(login), "# NATS_CERT=", "the login file says a client certificate is needed")

	withCA := append(e.login("ledger"), "--tls-ca", certs.ca)
	run := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		a := newApp(&out, &errb)
		a.clock = e.clock
		return a.run(context.Background(), args), errb.String()
	}
	code, errs := run(append(withCA, "projections", "rebuild")...)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "connect to tls://127.0.0.1:", errs)
	// The client's side of a refused handshake depends on timing (an alert,
	// or a closed connection); the server says why.
	assert.NotEmpty(t, e.log.await("TLS handshake error: tls: client didn't provide a certificate"))
	code, errs = run(append(withCA, "--tls-cert", certs.clientCert, "--tls-key", certs.clientKey, "projections", "rebuild")...)
	assert.Equal(t, 0, code, errs)
}

func TestAuthInitRefusesBadFlags(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{"--tls-cert", "x.pem"}, "--tls-cert and --tls-key go together", 2},
		{[]string{"--tls-verify"}, "--tls-verify needs --tls-ca", 2},
		{[]string{"--listen", "4222"}, `--listen "4222": expected HOST:PORT`, 2},
		{[]string{"--inspector-durable", "a.b"}, `--inspector-durable "a.b": expected letters, digits, - and _ only`, 2},
		{[]string{"--tls-cert", filepath.Join(dir, "no.pem"), "--tls-key", filepath.Join(dir, "no-key.pem")}, "no.pem: no such file or directory", 1},
	} {
		var out bytes.Buffer
		code := newApp(&out, &out).run(context.Background(), append([]string{"auth", "init", "--out", filepath.Join(dir, "n.conf")}, c.args...))
		assert.Equal(t, c.code, code, c.args)
		assert.Contains(t, out.String(), c.want)
		assert.Equal(t, 1, strings.Count(out.String(), "\n"), "one line: %s", out.String())
		_, err := os.Stat(filepath.Join(dir, "n.conf"))
		assert.True(t, os.IsNotExist(err), "nothing written")
	}
}

// TestLoginFlagsThatCannotWorkTogether checks the global login flags.
func TestLoginFlagsThatCannotWorkTogether(t *testing.T) {
	c := newCLI(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--server", "nats://127.0.0.1:1", "--creds", "x.creds", "--user", "u", "history", "P-1"}, "--creds and --user both given"},
		{[]string{"--server", "nats://127.0.0.1:1", "--password", "p", "history", "P-1"}, "--password given without --user"},
		{[]string{"--server", "nats://127.0.0.1:1", "--tls-cert", "c.pem", "history", "P-1"}, "--tls-cert and --tls-key go together"},
	} {
		code, _, errs := c.run(tc.args...)
		assert.Equal(t, 2, code, tc.args)
		assert.Contains(t, errs, tc.want)
	}
}

// testCerts are PEM files of a certificate authority and a server
// certificate it signed for 127.0.0.1.
type testCerts struct{ ca, serverCert, serverKey, clientCert, clientKey string }

func writeTestCerts(t *testing.T) testCerts {
	t.Helper()
	dir := t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ledger test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	srvTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, ca, &srvKey.PublicKey, caKey)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(srvKey)
	require.NoError(t, err)
	cliKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	cliTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "ledger service"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	cliDER, err := x509.CreateCertificate(rand.Reader, cliTmpl, ca, &cliKey.PublicKey, caKey)
	require.NoError(t, err)
	cliKeyDER, err := x509.MarshalECPrivateKey(cliKey)
	require.NoError(t, err)
	c := testCerts{ca: filepath.Join(dir, "ca.pem"), serverCert: filepath.Join(dir, "server.pem"), serverKey: filepath.Join(dir, "server-key.pem"),
		clientCert: filepath.Join(dir, "client.pem"), clientKey: filepath.Join(dir, "client-key.pem")}
	for path, block := range map[string]*pem.Block{
		c.ca: {Type: "CERTIFICATE", Bytes: caDER}, c.serverCert: {Type: "CERTIFICATE", Bytes: srvDER},
		c.serverKey:  {Type: "EC PRIVATE KEY", Bytes: keyDER},
		c.clientCert: {Type: "CERTIFICATE", Bytes: cliDER}, c.clientKey: {Type: "EC PRIVATE KEY", Bytes: cliKeyDER},
	} {
		require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(block), 0o600))
	}
	return c
}

// TestAuthInitHashesAtTheDefaultCost checks that the configuration holds
// bcrypt hashes at bcrypt's default cost, which the other tests lower.
func TestAuthInitHashesAtTheDefaultCost(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	require.Equal(t, 0, newApp(&out, &out).run(context.Background(), []string{"auth", "init", "--out", filepath.Join(dir, "n.conf")}), out.String())
	opts, err := server.ProcessConfigFile(filepath.Join(dir, "n.conf"))
	require.NoError(t, err)
	require.Len(t, opts.Users, 5)
	for _, u := range opts.Users {
		cost, err := bcrypt.Cost([]byte(u.Password))
		require.NoError(t, err, u.Username)
		assert.Equal(t, bcrypt.DefaultCost, cost, u.Username)
		assert.Equal(t, "LEDGER", u.Account.Name)
		if u.Username == "recorder" {
			// One check is enough here (each takes over a second under the
			// race detector); the other tests log in as every role.
			pw := readEnvFile(t, filepath.Join(dir, u.Username+".env"))["NATS_PASSWORD"]
			assert.NoError(t, bcrypt.CompareHashAndPassword([]byte(u.Password), []byte(pw)), "%s.env holds the password of the hash", u.Username)
		}
	}
}

// TestTheServiceBacksUpAndRestores runs backup as the ledger service's
// user and restores onto a fresh server as the same user, where the
// auditor finds the copy verifies and the reporter reads its projections.
func TestTheServiceBacksUpAndRestores(t *testing.T) {
	e := startAuthEnv(t)
	e.serve()
	// Deadlines far ahead: no miss is recorded while the backup runs.
	e.ok("recorder", "import", "plan", writeFuturePlan(t, 5))
	// Back up once the service has written the rows: a backup of a bucket
	// that is being written is the backup's own matter (docs/backup.md).
	for range 200 {
		var p struct{ Behind uint64 }
		require.NoError(t, json.Unmarshal([]byte(e.ok("auditor", "projections", "status", "--json")), &p))
		if p.Behind == 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	dir := filepath.Join(t.TempDir(), "backup")
	e.ok("ledger", "backup", dir)

	fresh := startAuthEnv(t)
	// The fresh server's users are its own: log in there with its files.
	fresh.ok("ledger", "restore", dir)
	assert.Contains(t, fresh.ok("auditor", "verify", "--all"), "verified 5 projects")
	var status []map[string]any
	require.NoError(t, json.Unmarshal([]byte(fresh.ok("reporter", "status", "--json")), &status))
	assert.Len(t, status, 5)
	assert.Empty(t, e.log.take("Violation"))
	assert.Empty(t, fresh.log.take("Violation"))
}

//go:build unix

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/plan"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections"
)

// These tests kill a real `ledger serve` process with SIGKILL in the middle
// of writing, restart it on the same data folder, and check what survived.
// The server's clock is the real one, so the plans' deadlines lie far in
// the future: its deadline watcher must find nothing to record.

// buildLedger compiles the ledger binary once per test.
func buildLedger(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ledger")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// serveProc is a `ledger serve` child process.
type serveProc struct {
	cmd  *exec.Cmd
	dir  string
	url  string
	done chan error
}

// startServe runs `ledger serve` on dir and waits until it says where it
// listens.
func startServe(t *testing.T, bin, dir string) *serveProc {
	t.Helper()
	cmd := exec.Command(bin, "--data", dir, "serve", "--listen", "127.0.0.1:0", "--board", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	p := &serveProc{cmd: cmd, dir: dir, done: make(chan error, 1)}
	t.Cleanup(func() { p.kill() })
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if _, url, ok := strings.Cut(lines.Text(), " at "); ok && strings.HasPrefix(lines.Text(), "ledger: serving ") {
			p.url = url
			break
		}
	}
	require.NotEmpty(t, p.url, "ledger serve did not say where it listens")
	go func() {
		for lines.Scan() { // keep the pipe drained
		}
		p.done <- cmd.Wait()
	}()
	return p
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *serveProc) kill() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	p.done <- errors.New("killed")
}

// stop asks the server to stop cleanly and waits.
func (p *serveProc) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, <-p.done)
	p.done <- errors.New("stopped")
}

// connect opens a store on the server at p.url, logged in as the ledger
// user of its data folder, at the tests' fixed time.
func (p *serveProc) connect(t *testing.T, clock domain.Clock) *eventstore.Store {
	t.Helper()
	creds, err := eventstore.ReadCredentials(p.dir)
	require.NoError(t, err)
	nc, err := nats.Connect(p.url, append(eventstore.ConnectOptions(), creds.LedgerLogin())...)
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	s, err := eventstore.Open(context.Background(), nc, eventstore.WithClock(clock))
	require.NoError(t, err)
	return s
}

// writeFuturePlan writes a plan of n projects, three deadlines each, all
// far in the future.
func writeFuturePlan(t *testing.T, n int) string {
	var b strings.Builder
	b.WriteString("项目代码,项目名称,总投资(万元),责任单位,包保领导,项目类型,签约,开工,投产\n")
	for i := range n {
		fmt.Fprintf(&b, "K-%05d,项目%d,%d,单位%d,领导%d,新建,2091-03-31,2091-07-31,2092-06-30\n", i, i, 1000+i, i%7, i%5)
	}
	path := filepath.Join(t.TempDir(), "plan.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	return path
}

// caughtUp waits until the running server's projections have applied the
// whole stream.
func caughtUp(t *testing.T, s *eventstore.Store) {
	t.Helper()
	r := projections.NewRunner(s)
	require.Eventually(t, func() bool {
		p, err := r.Progress(context.Background())
		return err == nil && p.Behind == 0
	}, time.Minute, 20*time.Millisecond, "the server's projections did not catch up")
}

// rowsOf returns every row of the current generation, as stored.
func rowsOf(t *testing.T, s *eventstore.Store) map[domain.ProjectID]string {
	t.Helper()
	snap, err := projections.NewStorage(s.JetStream(), s.StreamName()).Read(context.Background())
	require.NoError(t, err)
	out := map[domain.ProjectID]string{}
	for _, r := range snap.Rows {
		b, err := projections.EncodeRow(r)
		require.NoError(t, err)
		out[r.ID] = string(b)
	}
	return out
}

func TestServeKilledDuringAnImportKeepsEveryAcknowledgedEvent(t *testing.T) {
	bin := buildLedger(t)
	path := writeFuturePlan(t, 1500)
	clean := newCLI(t)
	clean.ok("import", "plan", path)

	broken := newCLI(t)
	srv := startServe(t, bin, broken.dir)

	// Import through the running server; once 300 projects are
	// acknowledged, the server is killed.
	var mu sync.Mutex
	var acked []domain.ProjectID
	var killOnce sync.Once
	a := newApp(&strings.Builder{}, &strings.Builder{})
	a.clock, a.dataDir, a.actor = broken.clock, broken.dir, "clerk"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := a.importPlan(ctx, path, plan.EncodingAuto, "", false, 8, func(ex plan.Executor, reg plan.Registrar) (plan.Executor, plan.Registrar) {
		return ex, registrarFunc(func(ctx context.Context, cmds []domain.RegisterProject) ([]int, error) {
			n, err := reg.RegisterEach(ctx, cmds)
			if err == nil {
				mu.Lock()
				for _, c := range cmds {
					acked = append(acked, c.Project)
				}
				enough := len(acked) >= 300
				mu.Unlock()
				if enough {
					killOnce.Do(srv.kill)
				}
			}
			return n, err
		})
	})
	require.Error(t, err, "the import cannot finish without its server")
	mu.Lock()
	got := len(acked)
	mu.Unlock()
	require.GreaterOrEqual(t, got, 300)
	require.Less(t, got, 1500, "the server was killed before the import ended")

	// Restarted: every acknowledged registration is there whole.
	srv = startServe(t, bin, broken.dir)
	s := srv.connect(t, broken.clock)
	for _, p := range acked {
		recs, _, err := s.Load(context.Background(), p)
		require.NoError(t, err)
		require.Len(t, recs, 4, "%s: registered and three deadlines planned", p)
	}
	v, err := s.Verify(context.Background(), "")
	require.NoError(t, err)
	assert.Empty(t, v.Breaks)

	// The import run again converges to the clean run, and the server's
	// projections equal a rebuild from zero.
	broken.ok("import", "plan", path)
	caughtUp(t, s)
	kept := rowsOf(t, s)
	_, _, err = projections.NewRunner(s).Rebuild(context.Background())
	require.NoError(t, err)
	assert.Equal(t, kept, rowsOf(t, s))
	assert.Len(t, kept, 1500)
	srv.stop(t)
	assert.Equal(t, ledgerEvents(t, clean.dir), ledgerEvents(t, broken.dir), "same events, same hashes, per project")
}

func TestServeKilledDuringARebuildKeepsTheCurrentProjections(t *testing.T) {
	bin := buildLedger(t)
	c := newCLI(t)
	c.ok("import", "plan", writeFuturePlan(t, 3000))
	srv := startServe(t, bin, c.dir)
	s := srv.connect(t, c.clock)
	caughtUp(t, s)
	storage := projections.NewStorage(s.JetStream(), s.StreamName())
	before, _, err := storage.Current(context.Background())
	require.NoError(t, err)
	rows := rowsOf(t, s)

	// A rebuild in its own process; the server dies once the new
	// generation's bucket exists and before the rebuild switches to it.
	rebuild := exec.Command(bin, "--data", c.dir, "projections", "rebuild")
	require.NoError(t, rebuild.Start())
	next := fmt.Sprintf("%s_PROJ_%d", s.StreamName(), before.Number+1)
	require.Eventually(t, func() bool {
		_, err := s.JetStream().KeyValue(context.Background(), next)
		return err == nil
	}, time.Minute, time.Millisecond, "the rebuild never started a new generation")
	srv.kill()
	// The rebuild's client would wait for its server to come back (it
	// reconnects without end); it goes down too, as on a machine crash.
	_ = rebuild.Process.Kill()
	_ = rebuild.Wait()

	// Restarted: the old generation still serves, whole; a rebuild run
	// again succeeds and yields the same rows.
	srv = startServe(t, bin, c.dir)
	s = srv.connect(t, c.clock)
	storage = projections.NewStorage(s.JetStream(), s.StreamName())
	now, _, err := storage.Current(context.Background())
	require.NoError(t, err)
	assert.Equal(t, before.Number, now.Number, "a rebuild cut short never becomes current")
	caughtUp(t, s)
	assert.Equal(t, rows, rowsOf(t, s))
	out, err := exec.Command(bin, "--data", c.dir, "projections", "rebuild").CombinedOutput()
	require.NoError(t, err, "%s", out)
	after, _, err := storage.Current(context.Background())
	require.NoError(t, err)
	assert.Greater(t, after.Number, before.Number)
	assert.Equal(t, rows, rowsOf(t, s))
}

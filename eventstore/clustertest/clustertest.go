// Package clustertest runs a real NATS cluster for tests: nats-server
// processes on loopback, built from the nats-server module at the version
// in go.mod, each with its own JetStream store in the test's temp folder,
// joined by routes. A test can kill a server with SIGKILL and start it
// again on the same ports and store. Every process is killed when the test
// ends, whether it passed or not.
package clustertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/stretchr/testify/require"
)

// serverModule is the module the nats-server binary is built from.
const serverModule = "github.com/nats-io/nats-server/v2"

// BuildServer builds the nats-server binary from the module version this
// module requires (go.mod), through the Go toolchain and its module cache,
// into dir, and returns its path and version. It downloads nothing the
// module proxy does not serve.
func BuildServer(t testing.TB, dir string) (path, version string) {
	t.Helper()
	version = moduleVersion(t)
	path = filepath.Join(dir, "nats-server")
	if runtime.GOOS == "windows" {
		path += ".exe"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, goTool(t), "build", "-o", path, serverModule).CombinedOutput()
	require.NoError(t, err, "go build %s: %s", serverModule, out)
	out, err = exec.CommandContext(ctx, path, "--version").CombinedOutput()
	require.NoError(t, err, "%s --version: %s", path, out)
	require.Contains(t, string(out), version, "the built server is the version go.mod requires")
	return path, version
}

// moduleVersion returns the nats-server version this test binary was built
// with: the one go.mod requires.
func moduleVersion(t testing.TB) string {
	t.Helper()
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			if m.Path == serverModule {
				if m.Replace != nil {
					return m.Replace.Version
				}
				return m.Version
			}
		}
	}
	// The test binary of a library package records no dependencies: ask
	// the go command what go.mod requires.
	out, err := exec.Command(goTool(t), "list", "-m", "-f", "{{if .Replace}}{{.Replace.Version}}{{else}}{{.Version}}{{end}}", serverModule).Output()
	require.NoError(t, err, "go list -m %s", serverModule)
	v := strings.TrimSpace(string(out))
	require.NotEmpty(t, v, "go.mod does not require "+serverModule)
	return v
}

// goTool is the go command on the PATH: the toolchain running the tests.
func goTool(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("go")
	require.NoError(t, err, "the go command builds nats-server; put it on the PATH")
	return p
}

// Server is one nats-server process of a Cluster.
type Server struct {
	Name        string // server name: n1, n2, ...
	ClientPort  int
	ClusterPort int
	MonitorPort int
	StoreDir    string
	LogFile     string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
}

// ClientURL is the server's client URL on loopback.
func (s *Server) ClientURL() string { return fmt.Sprintf("nats://127.0.0.1:%d", s.ClientPort) }

func (s *Server) routeURL() string { return fmt.Sprintf("nats://127.0.0.1:%d", s.ClusterPort) }

// Running reports whether the server's process is alive.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done == nil {
		return false
	}
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// Cluster is a running set of nats-server processes joined by routes.
type Cluster struct {
	t       testing.TB
	bin     string
	name    string
	Version string // nats-server version, as in go.mod
	Servers []*Server
}

// Start builds nats-server, starts n servers on free loopback ports, each
// with JetStream storing in its own temp folder, routed to one another,
// and waits until JetStream has a meta leader that every server knows.
// The processes are killed when the test ends.
func Start(t testing.TB, n int) *Cluster {
	t.Helper()
	dir := t.TempDir()
	bin, version := BuildServer(t, dir)
	ports := freePorts(t, 3*n)
	c := &Cluster{t: t, bin: bin, name: "ledger-test", Version: version}
	for i := range n {
		s := &Server{
			Name:       "n" + strconv.Itoa(i+1),
			ClientPort: ports[3*i], ClusterPort: ports[3*i+1], MonitorPort: ports[3*i+2],
		}
		s.StoreDir = filepath.Join(dir, s.Name, "store")
		s.LogFile = filepath.Join(dir, s.Name, "server.log")
		require.NoError(t, os.MkdirAll(s.StoreDir, 0o750))
		c.Servers = append(c.Servers, s)
	}
	t.Cleanup(c.stopAll)
	for i := range c.Servers {
		c.Restart(i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err := c.WaitMetaLeader(ctx)
	require.NoError(t, err)
	return c
}

// freePorts returns n distinct free TCP ports on loopback. They are held
// open until all are chosen, so none is handed out twice.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

// URLs returns every server's client URL, comma separated: what --server
// and nats.Connect take.
func (c *Cluster) URLs() string {
	urls := make([]string, len(c.Servers))
	for i, s := range c.Servers {
		urls[i] = s.ClientURL()
	}
	return strings.Join(urls, ",")
}

// Index returns the index of the server named name, or -1.
func (c *Cluster) Index(name string) int {
	for i, s := range c.Servers {
		if s.Name == name {
			return i
		}
	}
	return -1
}

// Restart starts server i (again), on its ports and its store, and waits
// until it accepts client connections.
func (c *Cluster) Restart(i int) {
	c.t.Helper()
	s := c.Servers[i]
	require.False(c.t, s.Running(), "server %s is running", s.Name)
	var routes []string
	for j, o := range c.Servers {
		if j != i {
			routes = append(routes, o.routeURL())
		}
	}
	log, err := os.OpenFile(s.LogFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o640)
	require.NoError(c.t, err)
	defer log.Close()
	cmd := exec.Command(c.bin,
		"--addr", "127.0.0.1", "--port", strconv.Itoa(s.ClientPort),
		"--http_port", strconv.Itoa(s.MonitorPort),
		"--server_name", s.Name,
		"--cluster_name", c.name,
		"--cluster", s.routeURL(),
		"--routes", strings.Join(routes, ","),
		"--jetstream", "--store_dir", s.StoreDir,
	)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = dieWithParent()
	require.NoError(c.t, cmd.Start(), "start %s", s.Name)
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	s.mu.Lock()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()
	require.NoError(c.t, waitListening(s, done), "server %s (log %s):\n%s", s.Name, s.LogFile, tail(s.LogFile))
}

// waitListening waits until s accepts TCP connections on its client port,
// or its process exits, or 30 seconds pass.
func waitListening(s *Server, done <-chan struct{}) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.ClientPort), time.Second)
		if err == nil {
			return conn.Close()
		}
		select {
		case <-done:
			return errors.New("the process exited")
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not listening on %d after 30s: %w", s.ClientPort, err)
		}
	}
}

// Kill kills server i with SIGKILL, as a crash would, and waits until the
// process is gone.
func (c *Cluster) Kill(i int) {
	c.t.Helper()
	s := c.Servers[i]
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.mu.Unlock()
	require.NotNil(c.t, cmd, "server %s was never started", s.Name)
	require.NoError(c.t, cmd.Process.Kill())
	<-done
}

// stopAll kills every server still running.
func (c *Cluster) stopAll() {
	for _, s := range c.Servers {
		s.mu.Lock()
		cmd, done := s.cmd, s.done
		s.mu.Unlock()
		if cmd == nil {
			continue
		}
		select {
		case <-done:
		default:
			_ = cmd.Process.Kill()
			<-done
		}
	}
	if c.t.Failed() {
		for _, s := range c.Servers {
			c.t.Logf("log of %s (%s), last lines:\n%s", s.Name, s.LogFile, tail(s.LogFile))
		}
	}
}

// tail returns the last lines of a log file.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-40):], "\n")
}

// JetStreamInfo returns server i's JetStream report from its monitoring
// endpoint (/jsz).
func (c *Cluster) JetStreamInfo(ctx context.Context, i int) (*server.JSInfo, error) {
	url := fmt.Sprintf("http://127.0.0.1:%d/jsz", c.Servers[i].MonitorPort)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", url, resp.Status)
	}
	var info server.JSInfo
	if err := json.NewDecoder(resp.Body).Decode(&info); err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	return &info, nil
}

// WaitMetaLeader waits until every running server names the same JetStream
// meta leader and the leader sees every other running server as a current
// peer (before that, creating a replicated stream fails with "no suitable
// peers"), and returns the leader's name.
func (c *Cluster) WaitMetaLeader(ctx context.Context) (string, error) {
	for {
		leader, err := c.metaLeader(ctx)
		if err == nil {
			return leader, nil
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("no JetStream meta leader: %w (%w)", ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (c *Cluster) metaLeader(ctx context.Context) (string, error) {
	leader, running := "", map[string]bool{}
	var leaderInfo *server.JSInfo
	for i, s := range c.Servers {
		if !s.Running() {
			continue
		}
		running[s.Name] = true
		info, err := c.JetStreamInfo(ctx, i)
		if err != nil {
			return "", err
		}
		if info.Meta == nil || info.Meta.Leader == "" {
			return "", fmt.Errorf("%s knows no meta leader", s.Name)
		}
		if leader != "" && info.Meta.Leader != leader {
			return "", fmt.Errorf("servers disagree on the meta leader: %s and %s", leader, info.Meta.Leader)
		}
		leader = info.Meta.Leader
		if s.Name == leader {
			leaderInfo = info
		}
	}
	if leader == "" {
		return "", errors.New("no server is running")
	}
	if leaderInfo == nil {
		return "", fmt.Errorf("meta leader %s is not running", leader)
	}
	current := 0
	for _, p := range leaderInfo.Meta.Replicas {
		if running[p.Name] && p.Current && !p.Offline {
			current++
		}
	}
	if current < len(running)-1 {
		return "", fmt.Errorf("meta leader %s sees %d of %d other servers as current peers", leader, current, len(running)-1)
	}
	return leader, nil
}

// WaitHealthy waits until server i reports itself healthy (/healthz: its
// JetStream assets are current with the cluster).
func (c *Cluster) WaitHealthy(ctx context.Context, i int) error {
	url := fmt.Sprintf("http://127.0.0.1:%d/healthz", c.Servers[i].MonitorPort)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = errors.New(resp.Status)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not healthy: %w (%w)", c.Servers[i].Name, ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

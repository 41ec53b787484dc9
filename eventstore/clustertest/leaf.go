package clustertest

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// Remote is a leaf node connection a Node makes to another server (its
// hub), and the subjects it will not take from that server.
type Remote struct {
	URL string
	// DenyImports are subjects whose messages from the hub this server
	// does not take (and whose interest it does not tell the hub of).
	DenyImports []string
}

// NodeConfig describes a standalone nats-server with JetStream in a
// domain of its own: a county's or a city's server.
type NodeConfig struct {
	Name   string // server name, also the folder under the test's temp folder
	Domain string // JetStream domain
	// LeafListen makes the server accept leaf node connections (a hub).
	LeafListen bool
	Remotes    []Remote // leaf node connections it makes
	// Users, when given, are the only logins the server accepts, from
	// clients and from leaf nodes alike (a remote logs in with user:password
	// in its URL).
	Users []User
}

// User is a login of a Node, denied publishing on DenyPublish.
type User struct {
	Name, Password string
	DenyPublish    []string
}

// Node is a standalone nats-server process with a JetStream domain,
// a hub of leaf nodes or a leaf node of one (NodeConfig). It can be killed
// and started again on its ports and store.
type Node struct {
	*Server
	Domain   string
	LeafPort int // 0 unless LeafListen
	ConfFile string

	t     testing.TB
	bin   string
	users []User
}

// StartNode starts a standalone server built by BuildServer (bin), with
// JetStream in cfg.Domain on free loopback ports, and waits until it
// accepts clients. It is killed when the test ends.
func StartNode(t testing.TB, bin string, cfg NodeConfig) *Node {
	t.Helper()
	dir := filepath.Join(t.TempDir(), cfg.Name)
	ports := freePorts(t, 3)
	n := &Node{users: cfg.Users, Server: &Server{Name: cfg.Name, ClientPort: ports[0], MonitorPort: ports[1],
		StoreDir: filepath.Join(dir, "store"), LogFile: filepath.Join(dir, "server.log")},
		Domain: cfg.Domain, ConfFile: filepath.Join(dir, "server.conf"), t: t, bin: bin}
	if cfg.LeafListen {
		n.LeafPort = ports[2]
	}
	require.NoError(t, os.MkdirAll(n.StoreDir, 0o750))
	require.NoError(t, os.WriteFile(n.ConfFile, []byte(n.config(cfg.Remotes)), 0o600))
	t.Cleanup(n.stop)
	n.Start()
	return n
}

// LeafURL is the URL leaf nodes connect to (LeafListen).
func (n *Node) LeafURL() string { return fmt.Sprintf("nats://127.0.0.1:%d", n.LeafPort) }

// config is the server's configuration file.
func (n *Node) config(remotes []Remote) string {
	var b strings.Builder
	fmt.Fprintf(&b, "server_name: %q\nlisten: \"127.0.0.1:%d\"\nhttp: \"127.0.0.1:%d\"\n", n.Name, n.ClientPort, n.MonitorPort)
	fmt.Fprintf(&b, "jetstream {\n  store_dir: %q\n  domain: %q\n}\n", n.StoreDir, n.Domain)
	if len(n.users) > 0 {
		b.WriteString("authorization {\n  users: [\n")
		for _, u := range n.users {
			perms := ""
			if len(u.DenyPublish) > 0 {
				perms = fmt.Sprintf(", permissions: { publish: { deny: %s } }", quoted(u.DenyPublish))
			}
			fmt.Fprintf(&b, "    { user: %q, password: %q%s }\n", u.Name, u.Password, perms)
		}
		b.WriteString("  ]\n}\n")
	}
	if n.LeafPort == 0 && len(remotes) == 0 {
		return b.String()
	}
	b.WriteString("leafnodes {\n")
	if n.LeafPort != 0 {
		fmt.Fprintf(&b, "  listen: \"127.0.0.1:%d\"\n", n.LeafPort)
	}
	if len(remotes) > 0 {
		b.WriteString("  reconnect: \"250ms\"\n  remotes: [\n")
		for _, r := range remotes {
			fmt.Fprintf(&b, "    { url: %q, deny_imports: %s }\n", r.URL, quoted(r.DenyImports))
		}
		b.WriteString("  ]\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func quoted(subjects []string) string {
	q := make([]string, len(subjects))
	for i, s := range subjects {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// Start starts the server (again) and waits until it accepts clients.
func (n *Node) Start() {
	n.t.Helper()
	require.False(n.t, n.Running(), "server %s is running", n.Name)
	log, err := os.OpenFile(n.LogFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o640)
	require.NoError(n.t, err)
	defer log.Close()
	cmd := exec.Command(n.bin, "--config", n.ConfFile)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = dieWithParent()
	require.NoError(n.t, cmd.Start(), "start %s", n.Name)
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	n.mu.Lock()
	n.cmd, n.done = cmd, done
	n.mu.Unlock()
	require.NoError(n.t, waitListening(n.Server, done), "server %s (log %s):\n%s", n.Name, n.LogFile, tail(n.LogFile))
}

// Kill kills the server with SIGKILL and waits until it is gone.
func (n *Node) Kill() {
	n.t.Helper()
	n.mu.Lock()
	cmd, done := n.cmd, n.done
	n.mu.Unlock()
	require.NotNil(n.t, cmd, "server %s was never started", n.Name)
	require.NoError(n.t, cmd.Process.Kill())
	<-done
}

func (n *Node) stop() {
	n.mu.Lock()
	cmd, done := n.cmd, n.done
	n.mu.Unlock()
	if cmd == nil {
		return
	}
	select {
	case <-done:
	default:
		_ = cmd.Process.Kill()
		<-done
	}
	if n.t.Failed() {
		n.t.Logf("log of %s (%s), last lines:\n%s", n.Name, n.LogFile, tail(n.LogFile))
	}
}

// Link is a TCP relay on loopback between a leaf node and its hub: the
// leaf connects to the Link's URL, the Link to the hub. Cut closes the
// connection and refuses new ones, as a cable pulled out would; Restore
// lets the leaf connect again. It is closed when the test ends.
type Link struct {
	t      testing.TB
	port   int
	target string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]struct{}
}

// NewLink starts a relay to target (host:port) on a free loopback port.
func NewLink(t testing.TB, target string) *Link {
	t.Helper()
	l := &Link{t: t, port: freePorts(t, 1)[0], target: target, conns: map[net.Conn]struct{}{}}
	t.Cleanup(l.Cut)
	l.Restore()
	return l
}

// URL is what the leaf node connects to.
func (l *Link) URL() string { return fmt.Sprintf("nats://127.0.0.1:%d", l.port) }

// Cut closes every connection through the link and stops accepting more.
func (l *Link) Cut() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ln != nil {
		_ = l.ln.Close()
		l.ln = nil
	}
	for c := range l.conns {
		_ = c.Close()
	}
	clear(l.conns)
}

// Restore accepts connections again, on the same port.
func (l *Link) Restore() {
	l.t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ln != nil {
		return
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", l.port))
	require.NoError(l.t, err)
	l.ln = ln
	go l.accept(ln)
}

func (l *Link) accept(ln net.Listener) {
	for {
		in, err := ln.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", l.target)
		if err != nil {
			_ = in.Close()
			continue
		}
		if !l.track(ln, in, out) {
			return
		}
		go l.pipe(in, out)
		go l.pipe(out, in)
	}
}

// track records a relayed pair unless the link was cut meanwhile.
func (l *Link) track(ln net.Listener, in, out net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ln != ln {
		_ = in.Close()
		_ = out.Close()
		return false
	}
	l.conns[in], l.conns[out] = struct{}{}, struct{}{}
	return true
}

func (l *Link) pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src) // until a cut, or either side closes
	_ = dst.Close()
	_ = src.Close()
	l.mu.Lock()
	delete(l.conns, dst)
	delete(l.conns, src)
	l.mu.Unlock()
}

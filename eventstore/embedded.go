package eventstore

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// DefaultDataDir is where the embedded server keeps its JetStream files
// unless told otherwise.
const DefaultDataDir = "./ledger-data"

// urlFile is written into the data folder by a listening embedded server so
// that other ledger commands find it instead of opening the folder.
const urlFile = "server.url"

// EmbeddedConfig configures the in-process NATS server.
type EmbeddedConfig struct {
	// DataDir holds the JetStream store; default DefaultDataDir.
	DataDir string
	// Host and Port to listen on for other processes (the stock nats CLI,
	// other ledger commands). Default 127.0.0.1:4222, loopback only: the
	// embedded server has no TLS, so it is reachable from this machine only
	// unless Host says otherwise. Port -1 picks a free port.
	Host string
	Port int
	// RequireLogin makes the server refuse every client, the in-process
	// one included, that does not log in as LedgerUser or AdminUser, whose
	// passwords it keeps in CredentialsFile in the data folder (made on
	// the first start with it). LedgerUser may not change, purge or delete
	// the stream Stream. Without it the server has no users: whoever
	// reaches it may do anything. The ledger's commands and ledger serve
	// set it.
	RequireLogin bool
	// Stream is the ledger stream only AdminUser may change (with
	// RequireLogin); DefaultStream is always among them.
	Stream string
	// DontListen serves only this process, through an in-process
	// connection: what a one-off command needs.
	DontListen bool
	// SyncAlways makes the store fsync every write before acknowledging it
	// (survives power loss, slower). Off, the store fsyncs every two
	// minutes and an acknowledged write survives a crash of this process but
	// not of the machine.
	SyncAlways bool
}

// Embedded is a running in-process NATS server with JetStream, holding the
// lock on its data folder.
type Embedded struct {
	srv  *server.Server
	lock *dirLock
	dir  string
	// creds are the users' passwords; nil when the server has no users.
	creds *Credentials
}

// StartEmbedded locks cfg.DataDir and starts a NATS server with JetStream
// storing there. Its own signal handling is off: the caller decides when it
// stops. With cfg.RequireLogin it creates the folder's CredentialsFile
// when there is none. If another process holds the folder, the error
// matches ErrDataDirLocked.
func StartEmbedded(cfg EmbeddedConfig) (*Embedded, error) {
	dir := cfg.DataDir
	if dir == "" {
		dir = DefaultDataDir
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("data folder %s: %w", cfg.DataDir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	host, port := cfg.Host, cfg.Port
	if host == "" {
		host = "127.0.0.1"
	}
	if port == 0 {
		port = 4222
	}
	var creds *Credentials
	var users []*server.User
	if cfg.RequireLogin {
		c, err := loadOrCreateCredentials(dir)
		if err == nil {
			users, err = serverUsers(c, protectedStreams(cfg.Stream))
		}
		if err != nil {
			lock.release()
			return nil, err
		}
		creds = &c
	}
	if !cfg.DontListen && port > 0 {
		// The server would only retry the taken port until the 30-second
		// wait below ran out; ask first, so a taken port is a prompt error.
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			lock.release()
			return nil, fmt.Errorf("%w: %s:%d (%w); choose another with --listen HOST:PORT (port 0 picks a free one)", ErrPortInUse, host, port, err)
		}
		_ = ln.Close()
	}
	opts := &server.Options{
		ServerName: "ledger",
		Host:       host,
		Port:       port,
		DontListen: cfg.DontListen,
		JetStream:  true,
		StoreDir:   dir,
		SyncAlways: cfg.SyncAlways,
		NoSigs:     true,
		NoLog:      true,
		Users:      users,
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		lock.release()
		return nil, fmt.Errorf("embedded server: %w", err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		srv.Shutdown()
		lock.release()
		return nil, fmt.Errorf("embedded server did not start within 30s (is %s:%d already in use?)", host, port)
	}
	e := &Embedded{srv: srv, lock: lock, dir: dir, creds: creds}
	if !cfg.DontListen {
		if err := os.WriteFile(filepath.Join(dir, urlFile), []byte(e.ClientURL()+"\n"), 0o640); err != nil {
			e.Shutdown()
			return nil, fmt.Errorf("write %s: %w", urlFile, err)
		}
	}
	return e, nil
}

// ClientURL returns the URL other processes connect to ("" when not
// listening).
func (e *Embedded) ClientURL() string {
	if e.srv.Addr() == nil {
		return ""
	}
	return e.srv.ClientURL()
}

// DataDir returns the absolute data folder.
func (e *Embedded) DataDir() string { return e.dir }

// Connect returns a client connection to the server inside this process,
// logged in as LedgerUser when the server has users.
func (e *Embedded) Connect(opts ...nats.Option) (*nats.Conn, error) {
	base := append([]nats.Option{nats.InProcessServer(e.srv), nats.Name("ledger")}, ConnectOptions()...)
	if e.creds != nil {
		base = append(base, e.creds.LedgerLogin())
	}
	opts = append(base, opts...)
	nc, err := nats.Connect("", opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to embedded server: %w", err)
	}
	return nc, nil
}

// Shutdown stops the server, waits until its store is closed, and releases
// the data folder. It is safe to call more than once.
func (e *Embedded) Shutdown() {
	if e.srv == nil {
		return
	}
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
	_ = os.Remove(filepath.Join(e.dir, urlFile))
	e.lock.release()
	e.srv = nil
}

// RunningURL returns the client URL of the ledger server that holds dataDir,
// if one is running and listening. ok is false when no server holds it,
// also when one that was killed left its URL behind.
func RunningURL(dataDir string) (url string, ok bool) {
	if dataDir == "" {
		dataDir = DefaultDataDir
	}
	b, err := os.ReadFile(filepath.Join(dataDir, urlFile))
	if err != nil {
		return "", false
	}
	url = strings.TrimSpace(string(b))
	if url == "" || !dirHeld(dataDir) {
		return "", false
	}
	return url, true
}

// ListenAddr returns the host and port the server listens on ("" when not
// listening).
func (e *Embedded) ListenAddr() string {
	if addr := e.srv.Addr(); addr != nil {
		return addr.String()
	}
	return ""
}

// IsLoopback reports whether host (a name or an address, as --listen
// takes it) is this machine's loopback interface only, which no other
// machine can reach.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

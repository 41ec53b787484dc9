package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// app holds what every subcommand shares: where the ledger is, who is
// recording, and how to print.
type app struct {
	stdout, stderr io.Writer

	dataDir  string
	server   string
	creds    string
	stream   string
	replicas int
	actor    string
	asJSON   bool

	clock domain.Clock
}

func newApp(stdout, stderr io.Writer) *app {
	return &app{stdout: stdout, stderr: stderr, clock: domain.SystemClock{}}
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "ledger",
		Short: "Event-sourced progress ledger for key investment projects (重点项目)",
		Long: `ledger records every step of a key investment project (signed, approved,
started, commissioned, ...) as an immutable, hash-chained event on NATS
JetStream. With no --server it runs an embedded NATS server on the data
folder; with --server it talks to a NATS server or cluster.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })

	f := root.PersistentFlags()
	f.StringVar(&a.dataDir, "data", envOr("LEDGER_DATA", eventstore.DefaultDataDir), "data folder of the embedded server (env LEDGER_DATA)")
	f.StringVar(&a.server, "server", os.Getenv("NATS_URL"), "NATS server URL(s), comma separated; empty runs the embedded server (env NATS_URL)")
	f.StringVar(&a.creds, "creds", os.Getenv("NATS_CREDS"), "NATS credentials file for --server (env NATS_CREDS)")
	f.StringVar(&a.stream, "stream", envOr("LEDGER_STREAM", eventstore.DefaultStream), "JetStream stream name (env LEDGER_STREAM)")
	f.IntVar(&a.replicas, "replicas", 1, "stream replicas when the ledger creates its stream on a cluster")
	f.StringVar(&a.actor, "actor", envOr("LEDGER_ACTOR", loginName()), "who records (env LEDGER_ACTOR, default the login name)")
	f.BoolVar(&a.asJSON, "json", false, "print JSON instead of a table")

	root.AddCommand(
		a.serveCommand(),
		a.demoCommand(),
		a.projectCommand(),
		a.planCommand(),
		a.reviseCommand(),
		a.recordCommand(),
		a.assignLeaderCommand(),
		a.reportInvestmentCommand(),
		a.planInvestmentCommand(),
		a.issueCommand(),
		a.explainDelayCommand(),
		a.historyCommand(),
		a.statusCommand(),
		a.overdueCommand(),
		a.scoreboardCommand(),
		a.investmentCommand(),
		a.supervisionCommand(),
		a.bulletinCommand(),
		a.projectionsCommand(),
		a.watchCommand(),
		a.inspectCommand(),
		a.importCommand(),
		a.templateCommand(),
		a.verifyCommand(),
		a.auditCommand(),
		a.backupCommand(),
		a.restoreCommand(),
		a.benchCommand(),
	)
	markUsageErrors(root)
	return root
}

// markUsageErrors makes a wrong number of arguments a usage error (exit 2)
// that shows how the command is called.
func markUsageErrors(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return usageError{fmt.Errorf("%s: %w; usage: %s", cmd.CommandPath(), err, cmd.UseLine())}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		markUsageErrors(sub)
	}
}

// loginName is the default actor: the login name of whoever runs ledger.
func loginName() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// session is an open ledger: a store on a connection, and how to let go.
type session struct {
	store *eventstore.Store
	close func()
	// owned is true when this process started the embedded server on the
	// data folder: nothing else can be writing, so it keeps the
	// projections current itself.
	owned bool
}

// conn is a connection to the ledger's server, and how to let go of it.
type conn struct {
	nc    *nats.Conn
	close func()
	// owned is true when this process started the embedded server on the
	// data folder.
	owned bool
}

// connect connects to the ledger's server: to --server when given; else to
// the ledger server already running on the data folder; else to an
// embedded server this process starts on the data folder for the length of
// the command. It neither creates nor checks the ledger stream.
func (a *app) connect() (*conn, error) {
	if a.server != "" {
		return a.connectRemote(a.server)
	}
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: a.dataDir, DontListen: true})
	if errors.Is(err, eventstore.ErrDataDirLocked) {
		if url, ok := eventstore.RunningURL(a.dataDir); ok {
			return a.connectRemote(url)
		}
	}
	if err != nil {
		return nil, err
	}
	nc, err := srv.Connect()
	if err != nil {
		srv.Shutdown()
		return nil, err
	}
	return &conn{nc: nc, close: func() { nc.Close(); srv.Shutdown() }, owned: true}, nil
}

func (a *app) connectRemote(url string) (*conn, error) {
	nopts := append([]nats.Option{nats.Name("ledger")}, eventstore.RemoteConnectOptions()...)
	if a.creds != "" {
		nopts = append(nopts, nats.UserCredentials(a.creds))
	}
	nc, err := nats.Connect(url, nopts...)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", url, err)
	}
	return &conn{nc: nc, close: func() { _ = nc.Drain() }}, nil
}

// open connects to the ledger (see connect) and opens its store, creating
// the ledger stream if it is missing.
func (a *app) open(ctx context.Context) (*session, error) {
	c, err := a.connect()
	if err != nil {
		return nil, err
	}
	store, err := eventstore.Open(ctx, c.nc,
		eventstore.WithClock(a.clock),
		eventstore.WithStream(eventstore.StreamSpec{Name: a.stream, Replicas: a.replicas}))
	if err != nil {
		c.close()
		return nil, err
	}
	return &session{store: store, close: c.close, owned: c.owned}, nil
}

// withStore runs fn on an open ledger and closes it afterwards.
func (a *app) withStore(ctx context.Context, fn func(*eventstore.Store) error) error {
	return a.withSession(ctx, func(s *session) error { return fn(s.store) })
}

// withSession is withStore for commands that need to know whether they
// own the data folder.
func (a *app) withSession(ctx context.Context, fn func(*session) error) error {
	s, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	return fn(s)
}

// meta returns the command metadata every command carries.
func (a *app) meta(commandID, correlationID string) (domain.Meta, error) {
	if strings.TrimSpace(a.actor) == "" {
		return domain.Meta{}, usageError{errors.New("no actor: give --actor NAME or set LEDGER_ACTOR")}
	}
	return domain.Meta{Actor: a.actor, CommandID: commandID, CorrelationID: correlationID}, nil
}

// oneLine folds an error message onto one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// metaFlags adds --command-id and --correlation-id to a command.
type metaFlags struct{ commandID, correlationID string }

func (m *metaFlags) add(f *pflag.FlagSet) {
	f.StringVar(&m.commandID, "command-id", "", "idempotency key; the same key is stored once (default: derived from the command's content)")
	f.StringVar(&m.correlationID, "correlation-id", "", "ties this command to others (a meeting, an import run)")
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/crypto/bcrypt"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/access"
	"github.com/keyprojects/ledger/projections/cadence"
)

// app holds what every subcommand shares: where the ledger is, who is
// recording, and how to print.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	dataDir  string
	server   string
	creds    string
	stream   string
	replicas int
	actor    string
	asJSON   bool

	// How to log in to and trust a --server: a user and password, and the
	// TLS files; inboxPrefix names the reply subjects this user may
	// subscribe to on a server configured by `ledger auth init`.
	user, password         string
	tlsCA, tlsCert, tlsKey string
	inboxPrefix            string

	clock domain.Clock

	// boardAddr is where serve serves the web board ("off": not at all);
	// onBoard, when set, is told the board's URL once it listens (tests).
	boardAddr string
	onBoard   func(url string)
	// boardCert and boardKey serve the board over HTTPS; boardSecure
	// marks its cookies Secure behind an HTTPS proxy.
	boardCert, boardKey string
	boardSecure         bool
	// serveNotify are serve's robots and reminder; nil runs no notifier.
	serveNotify *notifyFlags
	// serveCadence is the reporting cadence serve runs; nil runs none.
	serveCadence *cadence.Config

	// passwordCost is the bcrypt cost of the passwords `auth init`
	// writes. Tests lower it: under the race detector one check at the
	// default cost takes over a second, on every connection.
	passwordCost int

	// lang is the root --lang: the language of messages, and of the
	// output of commands without a --lang of their own.
	lang string

	// abort ends the running command when the server refuses one of its
	// requests (set by run; nil outside it).
	abort context.CancelCauseFunc
}

func newApp(stdout, stderr io.Writer) *app {
	return &app{stdin: os.Stdin, stdout: stdout, stderr: stderr, clock: domain.SystemClock{}, passwordCost: bcrypt.DefaultCost}
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
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{suggestFlag(c, err)} })

	f := root.PersistentFlags()
	f.StringVar(&a.dataDir, "data", envOr("LEDGER_DATA", eventstore.DefaultDataDir), "data folder of the embedded server (env LEDGER_DATA)")
	f.StringVar(&a.server, "server", os.Getenv("NATS_URL"), "NATS server URL(s), comma separated; empty runs the embedded server (env NATS_URL)")
	f.StringVar(&a.creds, "creds", os.Getenv("NATS_CREDS"), "NATS credentials file for --server (env NATS_CREDS)")
	f.StringVar(&a.user, "user", os.Getenv("NATS_USER"), "NATS user for --server (env NATS_USER)")
	f.StringVar(&a.password, "password", os.Getenv("NATS_PASSWORD"), "password of --user; better given as env NATS_PASSWORD, which other users cannot see in the process list")
	f.StringVar(&a.tlsCA, "tls-ca", os.Getenv("NATS_CA"), "PEM file of the certificate authority that signed the server's certificate (env NATS_CA)")
	f.StringVar(&a.tlsCert, "tls-cert", os.Getenv("NATS_CERT"), "PEM client certificate, for a server that asks for one (env NATS_CERT)")
	f.StringVar(&a.tlsKey, "tls-key", os.Getenv("NATS_KEY"), "PEM private key of --tls-cert (env NATS_KEY)")
	f.StringVar(&a.inboxPrefix, "inbox-prefix", os.Getenv("NATS_INBOX_PREFIX"), "subject prefix of this user's replies, e.g. _INBOX_recorder as the login files of ledger auth init set it (env NATS_INBOX_PREFIX)")
	f.StringVar(&a.stream, "stream", envOr("LEDGER_STREAM", eventstore.DefaultStream), "JetStream stream name (env LEDGER_STREAM)")
	f.IntVar(&a.replicas, "replicas", 1, "stream replicas when the ledger creates its stream on a cluster")
	f.StringVar(&a.actor, "actor", envOr("LEDGER_ACTOR", loginName()), "who records (env LEDGER_ACTOR, default the login name)")
	f.BoolVar(&a.asJSON, "json", false, "print JSON instead of a table")
	f.StringVar(&a.lang, "lang", defaultLang(), "language of messages and of what is printed: zh or en (default from LC_ALL, LC_MESSAGES or LANG: zh_CN... is zh)")

	root.AddCommand(
		a.serveCommand(),
		a.demoCommand(),
		a.projectCommand(),
		a.issueCommand(),
		a.correctCommand(),
		a.unitsCommand(),
		a.reserveCommand(),
		a.applyCommand(),
		a.notifyCommand(),
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
		a.attachCommand(),
		a.backupCommand(),
		a.restoreCommand(),
		a.repairCommand(),
		a.benchCommand(),
		a.authCommand(),
		a.cadenceCommand(),
		a.federationCommand(),
	)
	root.AddCommand(a.formCommands("")...) // plan, record, revise-deadline, ...
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

// langFlag adds --lang to c, defaulting to the language of the
// environment (chineseEnv).
func (a *app) langFlag(c *cobra.Command, lang *string) {
	c.Flags().StringVar(lang, "lang", defaultLang(), "language of what is printed: zh or en (default from LC_ALL, LC_MESSAGES or LANG: zh_CN... is zh)")
}

// defaultLang is the language --lang defaults to: zh in a Chinese
// environment (chineseEnv), else en.
func defaultLang() string {
	if chineseEnv(os.Getenv) {
		return "zh"
	}
	return "en"
}

// chinese reads a --lang value: whether to print in Chinese.
func (a *app) chinese(lang string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(lang)) {
	case "zh", "中文", "zh_cn", "zh-cn", "cn":
		return true, nil
	case "en", "english", "英文":
		return false, nil
	}
	return false, usageError{fmt.Errorf("--lang %q: expected zh (中文) or en", lang)}
}

// chineseEnv reports whether the environment asks for Chinese: the first
// of LC_ALL, LC_MESSAGES and LANG that is set starts with zh.
func chineseEnv(getenv func(string) string) bool {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			return strings.HasPrefix(strings.ToLower(v), "zh")
		}
	}
	return false
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
	// rights are what the server lets this user do; nil allows everything
	// (the embedded server this process started, whose ledger user may do
	// all the ledger does).
	rights *access.Rights
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
// the command. It neither creates nor checks the ledger stream. On the
// data folder's server it logs in as its ledger user.
func (a *app) connect() (*conn, error) { return a.connectAs(eventstore.LedgerUser) }

// connectAs is connect, logged in to the data folder's server as user
// (eventstore.LedgerUser or eventstore.AdminUser) unless the login flags
// name one.
func (a *app) connectAs(user string) (*conn, error) {
	if a.server != "" {
		return a.connectRemote(a.server)
	}
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: a.dataDir, DontListen: true, RequireLogin: true, Stream: a.stream})
	if errors.Is(err, eventstore.ErrDataDirLocked) {
		if url, ok := eventstore.RunningURL(a.dataDir); ok {
			login, err := a.dataDirLogin(user)
			if err != nil {
				return nil, err
			}
			return a.connectRemote(url, login...)
		}
	}
	if err != nil {
		return nil, err
	}
	var login []nats.Option
	if user != eventstore.LedgerUser {
		c, err := eventstore.ReadCredentials(srv.DataDir())
		if err != nil {
			srv.Shutdown()
			return nil, err
		}
		login = append(login, c.Login(user))
	}
	nc, err := srv.Connect(login...)
	if err != nil {
		srv.Shutdown()
		return nil, err
	}
	return &conn{nc: nc, close: func() { nc.Close(); srv.Shutdown() }, owned: true}, nil
}

// connectRemote connects to the server at url; login, when given, replaces
// the login flags.
func (a *app) connectRemote(url string, login ...nats.Option) (*conn, error) {
	nc, err := a.dial(url, login...)
	if err != nil {
		return nil, err
	}
	return &conn{nc: nc, close: func() { _ = nc.Drain() }}, nil
}

// dataDirLogin is how a command logs in to the ledger server running on
// the data folder: as user of the folder's credentials, unless the login
// flags name a user. A server without users (no credentials) needs no
// login.
func (a *app) dataDirLogin(user string) ([]nats.Option, error) {
	if a.user != "" || a.creds != "" {
		return nil, nil
	}
	c, err := eventstore.ReadCredentials(a.dataDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("log in to the ledger server running on %s: %w", a.dataDir, err)
	}
	return []nats.Option{c.Login(user)}, nil
}

// open connects to the ledger (see connect) and opens its store, creating
// the ledger stream if it is missing.
func (a *app) open(ctx context.Context) (*session, error) {
	c, err := a.connect()
	if err != nil {
		return nil, err
	}
	opts := []eventstore.Option{
		eventstore.WithClock(a.clock),
		eventstore.WithStream(eventstore.StreamSpec{Name: a.stream, Replicas: a.replicas}),
	}
	var rights *access.Rights
	if !c.owned {
		// One question to the server spares every request this user may
		// not make: a reporter's report then never touches the event
		// stream, an inspector never reads a project's history. A server
		// that does not answer leaves everything allowed, as before.
		r, err := access.FetchRights(ctx, c.nc, time.Second)
		if err != nil {
			r = access.Rights{}
		}
		rights = &r
		if !rights.CanReadStreamInfo(a.stream) {
			opts = append(opts, eventstore.WithoutStreamCheck())
		}
		if !rights.CanAskLeader(a.stream) {
			opts = append(opts, eventstore.WithoutLeaderChecks())
		}
	}
	store, err := eventstore.Open(ctx, c.nc, opts...)
	if err != nil {
		c.close()
		return nil, err
	}
	sess := &session{store: store, close: c.close, owned: c.owned, rights: rights}
	if err := a.checkOwnRecords(ctx, sess); err != nil {
		c.close()
		return nil, err
	}
	return sess, nil
}

// userName names the user rights belong to, for messages.
func userName(r *access.Rights) string {
	if r != nil && r.User != "" {
		return "user " + r.User
	}
	return "this user"
}

// dial opens a client connection to a NATS server with the login and TLS
// flags; login, when given, replaces the login flags.
func (a *app) dial(url string, login ...nats.Option) (*nats.Conn, error) {
	if err := a.checkLogin(); err != nil {
		return nil, err
	}
	// The error handler comes after RemoteConnectOptions, whose own it
	// replaces (asyncError hands on what it does not handle itself).
	nopts := append(append([]nats.Option{nats.Name("ledger")}, eventstore.RemoteConnectOptions()...),
		nats.ErrorHandler(a.asyncError), nats.Timeout(connectTimeout))
	switch {
	case len(login) > 0:
		nopts = append(nopts, login...)
	case a.creds != "":
		nopts = append(nopts, nats.UserCredentials(a.creds))
	case a.user != "":
		nopts = append(nopts, nats.UserInfo(a.user, a.password))
	}
	if a.tlsCA != "" {
		nopts = append(nopts, nats.RootCAs(a.tlsCA))
	}
	if a.tlsCert != "" {
		nopts = append(nopts, nats.ClientCert(a.tlsCert, a.tlsKey))
	}
	if a.inboxPrefix != "" {
		nopts = append(nopts, nats.CustomInboxPrefix(a.inboxPrefix))
	}
	nc, err := nats.Connect(url, nopts...)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", url, err)
	}
	return nc, nil
}

// connectTimeout bounds the first connection to a server. nats.go's default
// of 2 s was too short for a busy server that checks a bcrypt password and
// completes a TLS handshake per connection (seen under the race detector
// on a loaded 2-core machine); an unreachable port still fails at once.
const connectTimeout = 10 * time.Second

// checkLogin refuses login flags that cannot work together.
func (a *app) checkLogin() error {
	switch {
	case a.creds != "" && a.user != "":
		return usageError{errors.New("--creds and --user both given (or NATS_CREDS and NATS_USER): log in with one of them")}
	case a.password != "" && a.user == "":
		return usageError{errors.New("--password given without --user (or NATS_PASSWORD without NATS_USER)")}
	case (a.tlsCert == "") != (a.tlsKey == ""):
		return usageError{errors.New("--tls-cert and --tls-key go together (or NATS_CERT and NATS_KEY)")}
	}
	return nil
}

// asyncError handles what the server reports outside any request. A
// permissions violation ends the command at once with the server's words:
// the ledger asks only for what the user's rights allow, so a refusal
// means the command needs a role this user does not have, and waiting for
// the request to time out would only hide that.
func (a *app) asyncError(nc *nats.Conn, sub *nats.Subscription, err error) {
	if !errors.Is(err, nats.ErrPermissionViolation) {
		eventstore.AsyncError(nc, sub, err)
		return
	}
	switch {
	case strings.Contains(err.Error(), `Publish to "$JS.API.CONSUMER.DELETE.`):
		// nats.go's ordered consumers delete their old consumer when they
		// start over, in the background and on a best-effort basis; a
		// role that may not delete consumers leaves it to the server,
		// which removes an idle ephemeral consumer by itself.
		return
	case strings.Contains(err.Error(), `Publish to "`+access.UserInfoSubject+`"`):
		// A user set up by hand without the right to ask for its
		// permissions: the ledger goes on as if everything were allowed.
		return
	}
	who := "this user"
	if a.user != "" {
		who = "user " + a.user
	}
	refused := &refusedError{who: who, err: err}
	if strings.Contains(err.Error(), "Subscription to \"_INBOX") {
		refused.hint = "; a user set up by `ledger auth init` receives replies under its own prefix: set NATS_INBOX_PREFIX (or --inbox-prefix) as its env file does"
	}
	if a.abort != nil {
		a.abort(refused)
	}
}

// refusedError is a request the server refused for lack of permission.
type refusedError struct {
	who  string
	err  error
	hint string
}

func (e *refusedError) Error() string {
	// The server's own words, without nats.go's prefix that says the same.
	said := strings.TrimPrefix(e.err.Error(), nats.ErrPermissionViolation.Error()+": ")
	hint := e.hint
	if hint == "" {
		hint = "; this command needs a right that this user's role does not have (docs/security.md lists each role's)"
	}
	return fmt.Sprintf("the server refused %s: %s%s", e.who, said, hint)
}

func (e *refusedError) Unwrap() error { return e.err }

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

package access

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/keyprojects/ledger/eventstore"
)

// Defaults of Init.
const (
	DefaultListen           = "127.0.0.1:4222"
	DefaultAccount          = "LEDGER"
	DefaultInspectorDurable = "inspection"
)

// The sentinel errors of Init, matched with errors.Is. A setting's error
// comes wrapped in a *SettingError that names the setting.
var (
	// ErrNotAToken is a stream, account or consumer name that is not one
	// subject token of letters, digits, - and _.
	ErrNotAToken = errors.New("expected letters, digits, - and _ only")
	// ErrNotHostPort is a listen address that is not HOST:PORT.
	ErrNotHostPort = errors.New("expected HOST:PORT, e.g. 127.0.0.1:4222")
	// ErrTLSKeyPair is a TLS certificate without its key, or a key
	// without its certificate.
	ErrTLSKeyPair = errors.New("a TLS certificate and its key go together")
	// ErrVerifyWithoutCA is a request to verify client certificates
	// without the authority they must be signed by.
	ErrVerifyWithoutCA = errors.New("verifying client certificates needs the authority that signs them")
	// ErrExists is a file Init would overwrite without WithOverwrite: the
	// passwords of the users it set up would stop working.
	ErrExists = errors.New("exists; its users' passwords would stop working")
)

// A SettingError is a setting of Init that cannot make a working
// configuration.
type SettingError struct {
	// Setting is "stream", "account", "inspector-durable", "listen",
	// "tls-cert", "tls-key" or "tls-ca".
	Setting string
	Value   string
	Err     error
}

func (e *SettingError) Error() string { return fmt.Sprintf("%s %q: %v", e.Setting, e.Value, e.Err) }

// Unwrap returns the reason the setting cannot work.
func (e *SettingError) Unwrap() error { return e.Err }

// An Option changes a setting of Init. An option given an empty string
// keeps the setting's default.
type Option func(*settings)

type settings struct {
	loginDir, listen, url, storeDir, account, durable string
	tlsCert, tlsKey, tlsCA                            string
	tlsVerify, overwrite                              bool
	passwordCost                                      int
}

func keep(s *string, v string) {
	if v != "" {
		*s = v
	}
}

// WithLoginDir sets the folder of the login files; default: the folder of
// the configuration file.
func WithLoginDir(dir string) Option { return func(s *settings) { keep(&s.loginDir, dir) } }

// WithListen sets the HOST:PORT the server listens on; default
// DefaultListen, this machine only.
func WithListen(hostport string) Option { return func(s *settings) { keep(&s.listen, hostport) } }

// WithURL sets the server's URL as clients reach it, which the login files
// give; default: from the listen address, with this machine's name for an
// unspecified host.
func WithURL(url string) Option { return func(s *settings) { keep(&s.url, url) } }

// WithStoreDir sets the server's JetStream store folder; default:
// nats-data next to the configuration file.
func WithStoreDir(dir string) Option { return func(s *settings) { keep(&s.storeDir, dir) } }

// WithAccount sets the NATS account that holds the ledger's stream,
// buckets and users; default DefaultAccount.
func WithAccount(name string) Option { return func(s *settings) { keep(&s.account, name) } }

// WithInspectorDurable sets the name of the inspection office's durable
// consumer; default DefaultInspectorDurable.
func WithInspectorDurable(name string) Option { return func(s *settings) { keep(&s.durable, name) } }

// WithTLS makes the server accept TLS connections only, with the PEM
// certificate and private key in the files named.
func WithTLS(certFile, keyFile string) Option {
	return func(s *settings) { keep(&s.tlsCert, certFile); keep(&s.tlsKey, keyFile) }
}

// WithTLSCA names the PEM certificate authority that signed the server's
// certificate, which the login files give clients to trust.
func WithTLSCA(caFile string) Option { return func(s *settings) { keep(&s.tlsCA, caFile) } }

// WithClientVerify, when on, makes the server require from every client a
// certificate signed by the authority of WithTLSCA.
func WithClientVerify(on bool) Option { return func(s *settings) { s.tlsVerify = on } }

// WithOverwrite, when on, replaces existing files; the passwords they held
// stop working.
func WithOverwrite(on bool) Option { return func(s *settings) { s.overwrite = on } }

// WithPasswordCost sets the bcrypt cost of the password hashes in the
// configuration; default bcrypt.DefaultCost. Zero keeps the default.
func WithPasswordCost(cost int) Option {
	return func(s *settings) {
		if cost != 0 {
			s.passwordCost = cost
		}
	}
}

// Setup is a shared server's configuration for the ledger as Init wrote
// it.
type Setup struct {
	// ConfigFile is the nats-server configuration.
	ConfigFile string
	// Stream, Account, Listen, URL and StoreDir are the settings it was
	// written with, defaults filled in.
	Stream, Account, Listen, URL, StoreDir string
	// TLS is true when the server accepts TLS connections only.
	TLS bool
	// LoopbackOnly is true when the server listens on a loopback address:
	// no other machine can connect.
	LoopbackOnly bool
	// Logins are the login files, one per role in the order of Roles.
	Logins []Login
}

// Login is the login file of one role's user.
type Login struct {
	Grant
	// File holds the user's name and clear password (mode 0600).
	File string
}

// Init writes a nats-server configuration to configFile that defines one
// NATS account for the ledger stream named stream and in it a user per
// role with that role's Grant, and next to it each user's login file
// <role>.env: the NATS_* variables the ledger and the stock nats CLI log
// in with. The passwords are random; the configuration holds only their
// bcrypt hashes, each login file its user's clear one. Init refuses to
// overwrite a file (ErrExists) unless WithOverwrite says so, and writes
// nothing when a setting cannot work (a *SettingError, ErrTLSKeyPair,
// ErrVerifyWithoutCA).
func Init(ctx context.Context, stream, configFile string, opts ...Option) (*Setup, error) {
	s := settings{listen: DefaultListen, account: DefaultAccount, durable: DefaultInspectorDurable, passwordCost: bcrypt.DefaultCost}
	for _, o := range opts {
		o(&s)
	}
	if err := s.check(stream); err != nil {
		return nil, err
	}
	dir := filepath.Dir(configFile)
	keep(&s.storeDir, filepath.Join(dir, "nats-data"))
	if s.loginDir == "" {
		s.loginDir = dir
	}
	for _, p := range []*string{&s.storeDir, &s.tlsCert, &s.tlsKey, &s.tlsCA} {
		if *p == "" {
			continue
		}
		abs, err := filepath.Abs(*p)
		if err != nil {
			return nil, fmt.Errorf("absolute path of %s: %w", *p, err)
		}
		*p = abs
	}
	if s.url == "" {
		s.url = defaultURL(s.listen, s.tlsCert != "")
	}
	host, _, _ := net.SplitHostPort(s.listen)
	setup := &Setup{ConfigFile: configFile, Stream: stream, Account: s.account, Listen: s.listen, URL: s.url, StoreDir: s.storeDir,
		TLS: s.tlsCert != "", LoopbackOnly: eventstore.IsLoopback(host)}
	for _, g := range Grants(stream, s.durable) {
		setup.Logins = append(setup.Logins, Login{Grant: g, File: filepath.Join(s.loginDir, string(g.Role)+".env")})
	}
	if !s.overwrite {
		files := []string{configFile}
		for _, l := range setup.Logins {
			files = append(files, l.File)
		}
		for _, f := range files {
			if _, err := os.Stat(f); err == nil {
				return nil, fmt.Errorf("%s %w", f, ErrExists)
			}
		}
	}

	now := time.Now()
	users := make([]confUser, len(setup.Logins))
	logins := make([][]byte, len(setup.Logins))
	for i, l := range setup.Logins {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		password, hash, err := newPassword(s.passwordCost)
		if err != nil {
			return nil, err
		}
		users[i] = confUser{Grant: l.Grant, Name: string(l.Role), Hash: hash}
		logins[i] = loginFile(l.Grant, password, s, stream, now)
	}
	conf, err := serverConfig(s, configFile, stream, users, now)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(s.loginDir, 0o700); err != nil {
		return nil, fmt.Errorf("make the login folder: %w", err)
	}
	if err := os.WriteFile(configFile, conf, 0o640); err != nil {
		return nil, fmt.Errorf("write the server configuration: %w", err)
	}
	for i, l := range setup.Logins {
		if err := os.WriteFile(l.File, logins[i], 0o600); err != nil {
			return nil, fmt.Errorf("write the login of %s: %w", l.Role, err)
		}
	}
	return setup, nil
}

// check refuses settings that cannot make a working configuration.
func (s settings) check(stream string) error {
	for _, n := range []struct{ setting, name string }{{"stream", stream}, {"account", s.account}, {"inspector-durable", s.durable}} {
		if !isToken(n.name) {
			return &SettingError{Setting: n.setting, Value: n.name, Err: ErrNotAToken}
		}
	}
	switch {
	case (s.tlsCert == "") != (s.tlsKey == ""):
		return ErrTLSKeyPair
	case s.tlsVerify && s.tlsCA == "":
		return ErrVerifyWithoutCA
	}
	if _, _, err := net.SplitHostPort(s.listen); err != nil {
		return &SettingError{Setting: "listen", Value: s.listen, Err: ErrNotHostPort}
	}
	for _, f := range []struct{ setting, path string }{{"tls-cert", s.tlsCert}, {"tls-key", s.tlsKey}, {"tls-ca", s.tlsCA}} {
		if f.path == "" {
			continue
		}
		if _, err := os.Stat(f.path); err != nil {
			return &SettingError{Setting: f.setting, Value: f.path, Err: errors.Unwrap(err)}
		}
	}
	return nil
}

// isToken reports whether name may be a stream, account or consumer name
// here: one subject token of letters, digits, - and _.
func isToken(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// newPassword returns a random password and its bcrypt hash at cost. 24
// random bytes in URL-safe base64: 192 bits, and nothing a shell or the
// configuration format would read specially.
func newPassword(cost int) (password, hash string, err error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("make a password: %w", err)
	}
	password = base64.RawURLEncoding.EncodeToString(b)
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", "", fmt.Errorf("hash a password: %w", err)
	}
	return password, string(h), nil
}

// defaultURL is the URL clients reach a server listening on listen at.
func defaultURL(listen string, tls bool) string {
	host, port, _ := net.SplitHostPort(listen)
	if host == "" || host == "0.0.0.0" || host == "::" {
		if name, err := os.Hostname(); err == nil {
			host = name
		}
	}
	scheme := "nats"
	if tls {
		scheme = "tls"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// confUser is a role's user as the configuration states it.
type confUser struct {
	Grant
	Name, Hash string
}

// quote quotes a string for the configuration: a JSON string is a string
// in the server's configuration format too, as long as it uses no \u
// escape, which that format lacks; only control characters would need
// one, and no name, subject or path here has any.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // > and & as they are: subjects use them
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// quoteList quotes a list of strings.
func quoteList(ss []string) string {
	quoted := make([]string, len(ss))
	for i, s := range ss {
		quoted[i] = quote(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

const confText = `# nats-server configuration for the key-project ledger, written by
# ` + "`ledger auth init`" + ` on {{.Date}}. Run it with:
#   nats-server -c {{.Out}}
# One account ({{.Account}}) holds the ledger's stream {{.Stream}}, its projection buckets
# and a user per role; each user may publish and subscribe to exactly what its
# ledger commands use (docs/security.md). Passwords are bcrypt hashes: the
# clear ones are only in the login files <role>.env.
# Edit freely (listen address, store folder, TLS); keep the permissions as
# they are unless you mean to change what a role may do.

server_name: "ledger"
listen: {{q .Listen}}
# Monitoring (connections, JetStream) for the machine's own eyes only:
# http: "127.0.0.1:8222"

jetstream {
  store_dir: {{q .StoreDir}}
}
{{if .TLSCert}}
tls {
  cert_file: {{q .TLSCert}}
  key_file: {{q .TLSKey}}
{{- if .TLSCA}}
  ca_file: {{q .TLSCA}}
{{- end}}
{{- if .TLSVerify}}
  # every client must present a certificate signed by ca_file
  verify: true
{{- end}}
  timeout: 2
}
{{end}}
accounts {
  {{.Account}} {
    jetstream: enabled
    users: [
{{- range .Users}}
      # {{.About}}
      {
        user: {{q .Name}}
        password: {{q .Hash}}
        permissions: {
          publish: {
            allow: {{list .PublishAllow}}
{{- if .PublishDeny}}
            deny: {{list .PublishDeny}}
{{- end}}
          }
          subscribe: {
            allow: {{list .SubscribeAllow}}
          }
        }
      }
{{- end}}
    ]
  }
}
`

// serverConfig is the nats-server configuration for users.
func serverConfig(s settings, configFile, stream string, users []confUser, now time.Time) ([]byte, error) {
	t, err := template.New("conf").Funcs(template.FuncMap{"q": quote, "list": quoteList}).Parse(confText)
	if err != nil {
		return nil, fmt.Errorf("parse the configuration template: %w", err)
	}
	var b bytes.Buffer
	err = t.Execute(&b, map[string]any{
		"Date": now.Format("2006-01-02"), "Out": filepath.Base(configFile), "Account": s.account, "Stream": stream,
		"Listen": s.listen, "StoreDir": s.storeDir,
		"TLSCert": s.tlsCert, "TLSKey": s.tlsKey, "TLSCA": s.tlsCA, "TLSVerify": s.tlsVerify,
		"Users": users,
	})
	if err != nil {
		return nil, fmt.Errorf("write the server configuration: %w", err)
	}
	return b.Bytes(), nil
}

// loginFile is a role's env file: what the ledger CLI (and the stock nats
// CLI, which reads the same NATS_* variables) needs to log in.
func loginFile(g Grant, password string, s settings, stream string, now time.Time) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# ledger login of role %s (%s),\n", g.Role, g.About)
	fmt.Fprintf(&b, "# written by `ledger auth init` on %s. It holds a password: keep it private.\n", now.Format("2006-01-02"))
	fmt.Fprintf(&b, "# Load it into the shell before running ledger or nats:\n#   set -a; . ./%s.env; set +a\n", g.Role)
	fmt.Fprintf(&b, "NATS_URL=%s\nNATS_USER=%s\nNATS_PASSWORD=%s\nNATS_INBOX_PREFIX=%s\nLEDGER_STREAM=%s\n",
		s.url, g.Role, password, g.Role.InboxPrefix(), stream)
	if s.tlsCA != "" {
		fmt.Fprintf(&b, "NATS_CA=%s\n", s.tlsCA)
	}
	if s.tlsVerify {
		fmt.Fprintf(&b, "# the server asks for a client certificate signed by %s:\n# NATS_CERT=/path/to/%s-cert.pem\n# NATS_KEY=/path/to/%s-key.pem\n", s.tlsCA, g.Role, g.Role)
	}
	return b.Bytes()
}

package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/spf13/cobra"
	"golang.org/x/crypto/bcrypt"

	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/access"
)

// The ledger's roles on a shared NATS server (docs/security.md). Each is a
// NATS user whose subject permissions allow exactly the JetStream API
// requests and subjects that role's ledger commands use, and nothing else.

// role is one NATS user of the ledger and its permissions.
type role struct {
	Name  string // also the NATS user name
	About string // what it is for, one line
	// Publish and Subscribe are the subjects allowed and denied; a deny
	// wins over an allow, and what no allow names is refused.
	PubAllow, PubDeny, SubAllow []string
}

// inboxPrefix is the prefix of a role's reply subjects. Every role may
// subscribe to its own replies only: with the common _INBOX.> any user
// could read the answers the server sends to any other, e.g. a reporter
// the events an auditor reads.
func inboxPrefix(user string) string { return "_INBOX_" + user }

// roles returns the five roles for the ledger stream named stream, whose
// subjects start with subject, and the inspection office's durable
// consumer durable.
func roles(stream, subject, durable string) []role {
	api := "$JS.API."
	// Reading the projections: the KV buckets <stream>_PROJ_*, whose
	// streams are KV_<stream>_PROJ_*. A subject token cannot be matched by
	// prefix, so the rights name every stream (*) and take the ledger
	// stream out again where a role may not read it; the account holds
	// nothing else.
	readProjections := []string{api + "STREAM.INFO.*", api + "DIRECT.GET.*", api + "DIRECT.GET.*.>"}
	notTheStream := []string{api + "STREAM.INFO." + stream, api + "DIRECT.GET." + stream, api + "DIRECT.GET." + stream + ".>"}
	// The inspection office's durable consumer is its own: no other role
	// may redefine it, pull from it or delete it.
	notTheDurable := []string{
		api + "CONSUMER.CREATE." + stream + "." + durable, api + "CONSUMER.CREATE." + stream + "." + durable + ".>",
		api + "CONSUMER.MSG.NEXT." + stream + "." + durable, api + "CONSUMER.DELETE." + stream + "." + durable,
	}
	misses := subject + ".*.deadline_missed"
	common := []string{access.UserInfoSubject}
	withCommon := func(r role) role {
		r.PubAllow = append(r.PubAllow, common...)
		r.SubAllow = append([]string{inboxPrefix(r.Name) + ".>"}, r.SubAllow...)
		return r
	}
	return []role{
		withCommon(role{
			Name:  "ledger",
			About: "the service (`ledger serve --server`): creates the stream and the projection buckets, keeps the projections, records deadline_missed",
			PubAllow: []string{
				misses,
				"$KV.*.>",
				api + "INFO", // nats.go asks for the account's limits before it creates a bucket
				api + "STREAM.INFO.*", api + "STREAM.CREATE.*", api + "STREAM.UPDATE.*", api + "STREAM.DELETE.*",
				api + "DIRECT.GET.*", api + "DIRECT.GET.*.>",
				// A refusal stands on the history as the stream's leader
				// has it (eventstore/leader.go).
				api + "STREAM.MSG.GET." + stream,
				api + "CONSUMER.CREATE.*.*", api + "CONSUMER.CREATE.*.*.>", api + "CONSUMER.INFO.*.*",
				api + "CONSUMER.MSG.NEXT.*.*", api + "CONSUMER.DELETE.*.*",
				// ledger backup and ledger restore (docs/backup.md)
				api + "STREAM.NAMES", api + "STREAM.SNAPSHOT.*", api + "STREAM.RESTORE.*", "$JS.SNAPSHOT.RESTORE.*.*",
			},
			// Old projection generations are deleted (a bucket is a
			// stream), the ledger stream never: nor is it changed.
			PubDeny: append([]string{api + "STREAM.DELETE." + stream, api + "STREAM.UPDATE." + stream}, notTheDurable...),
		}),
		withCommon(role{
			Name:     "recorder",
			About:    "appends events (record, project register, import plan, inspect explain/raise/close); reads histories and projections",
			PubAllow: append([]string{subject + ".*.*", api + "STREAM.MSG.GET." + stream}, readProjections...),
			// Misses are the watcher's to record: a recorder cannot forge one.
			PubDeny: []string{misses},
		}),
		withCommon(role{
			Name:  "auditor",
			About: "reads everything (verify, history, audit, reports as of any time); writes nothing",
			PubAllow: slices.Concat(readProjections,
				[]string{api + "STREAM.MSG.GET." + stream,
					api + "CONSUMER.CREATE." + stream + ".*", api + "CONSUMER.CREATE." + stream + ".*.>",
					api + "CONSUMER.INFO." + stream + ".*", api + "CONSUMER.MSG.NEXT." + stream + ".*"}),
			PubDeny:  notTheDurable,
			SubAllow: []string{subject + ".>"},
		}),
		withCommon(role{
			Name:  "inspector",
			About: "follows deadline_missed through its durable consumer " + durable + " (inspect follow); reads the projections for project names",
			PubAllow: append([]string{
				api + "CONSUMER.CREATE." + stream + "." + durable + "." + misses,
				api + "CONSUMER.INFO." + stream + "." + durable,
				api + "CONSUMER.MSG.NEXT." + stream + "." + durable,
				api + "CONSUMER.DELETE." + stream + "." + durable,
				"$JS.ACK." + stream + "." + durable + ".>",
			}, readProjections...),
			PubDeny:  notTheStream,
			SubAllow: []string{misses},
		}),
		withCommon(role{
			Name:     "reporter",
			About:    "reads the projections only (status, overdue, scoreboard, investment, supervision, bulletin)",
			PubAllow: readProjections,
			PubDeny:  notTheStream,
		}),
	}
}

// authInit is what `ledger auth init` writes.
type authInit struct {
	out, loginDir, listen, url, storeDir, account, durable string
	tlsCert, tlsKey, tlsCA                                 string
	tlsVerify, force                                       bool
}

func (a *app) authCommand() *cobra.Command {
	c := &cobra.Command{Use: "auth", Short: "Users and permissions for the ledger's roles on a shared NATS server"}
	var in authInit
	initCmd := &cobra.Command{
		Use:   "init",
		Short: "Write a nats-server configuration with a user per role, and each user's login file",
		Long: `init writes a nats-server configuration (--out) that defines one NATS account
for the ledger and in it a user for each role: ledger (the service),
recorder, auditor, inspector and reporter, each allowed exactly the subjects
and JetStream requests its commands use (docs/security.md has the table).
Passwords are generated at random; the configuration holds only their
bcrypt hashes, and each user's clear password is written once, to its login
file <role>.env (mode 0600) next to the configuration. Run the server with
  nats-server -c FILE
and give each person or job its login file:
  set -a; . ./recorder.env; set +a; ledger record signed P-7
--tls-cert and --tls-key put a tls block in the configuration (the server
then accepts TLS connections only); --tls-ca is written to the login files
so that clients trust the server, and with --tls-verify the server also
asks every client for a certificate signed by it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.authInit(in) },
	}
	f := initCmd.Flags()
	f.StringVar(&in.out, "out", "ledger-nats.conf", "the nats-server configuration file to write")
	f.StringVar(&in.loginDir, "login-dir", "", "folder for the login files <role>.env (default: the folder of --out)")
	f.StringVar(&in.listen, "listen", "127.0.0.1:4222", "HOST:PORT the server listens on; 0.0.0.0:4222 serves other machines (use TLS then)")
	f.StringVar(&in.url, "url", "", "the server's URL as clients reach it, for the login files (default: from --listen, with this machine's name for 0.0.0.0)")
	f.StringVar(&in.storeDir, "store", "", "JetStream store folder of the server (default: nats-data next to --out)")
	f.StringVar(&in.account, "account", "LEDGER", "NATS account holding the ledger's stream, buckets and users")
	f.StringVar(&in.durable, "inspector-durable", "inspection", "name of the inspection office's durable consumer (inspect follow --durable)")
	f.StringVar(&in.tlsCert, "tls-cert", "", "the server's PEM certificate (with --tls-key: TLS only)")
	f.StringVar(&in.tlsKey, "tls-key", "", "the server's PEM private key")
	f.StringVar(&in.tlsCA, "tls-ca", "", "PEM certificate authority that signed the server's certificate (and, with --tls-verify, the clients')")
	f.BoolVar(&in.tlsVerify, "tls-verify", false, "require a client certificate signed by --tls-ca from every client")
	f.BoolVar(&in.force, "force", false, "overwrite existing files (the old passwords stop working)")
	c.AddCommand(initCmd)
	return c
}

// nameToken is what a stream, account or consumer name may be here: it
// becomes one subject token.
var nameToken = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func (a *app) authInit(in authInit) error {
	if err := in.check(a.stream); err != nil {
		return err
	}
	spec := eventstore.StreamSpec{Name: a.stream}.Config()
	subject := strings.TrimSuffix(spec.Subjects[0], ".*.*")
	rs := roles(a.stream, subject, in.durable)

	dir := filepath.Dir(in.out)
	if in.loginDir == "" {
		in.loginDir = dir
	}
	if in.storeDir == "" {
		in.storeDir = filepath.Join(dir, "nats-data")
	}
	var err error
	for _, p := range []*string{&in.storeDir, &in.tlsCert, &in.tlsKey, &in.tlsCA} {
		if *p != "" {
			if *p, err = filepath.Abs(*p); err != nil {
				return err
			}
		}
	}
	if in.url == "" {
		in.url = defaultURL(in.listen, in.tlsCert != "")
	}
	files := []string{in.out}
	for _, r := range rs {
		files = append(files, filepath.Join(in.loginDir, r.Name+".env"))
	}
	if !in.force {
		for _, f := range files {
			if _, err := os.Stat(f); err == nil {
				return fmt.Errorf("%s exists; its users' passwords would stop working: give --force to replace it, or another --out / --login-dir", f)
			}
		}
	}

	users := make([]confUser, len(rs))
	logins := make([][]byte, len(rs))
	for i, r := range rs {
		password, hash, err := newPassword(a.passwordCost)
		if err != nil {
			return err
		}
		users[i] = confUser{role: r, Hash: hash}
		logins[i] = loginFile(r, password, in, a.stream)
	}
	conf, err := serverConfig(in, a.stream, users)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(in.loginDir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(in.out, conf, 0o640); err != nil {
		return err
	}
	for i := range rs {
		if err := os.WriteFile(files[i+1], logins[i], 0o600); err != nil {
			return err
		}
	}

	tlsNote := ""
	if in.tlsCert != "" {
		tlsNote = " (TLS only)"
	}
	fmt.Fprintf(a.stdout, "wrote %s: nats-server configuration, account %s, stream %s, listening on %s%s\n",
		in.out, in.account, a.stream, in.listen, tlsNote)
	t := a.newTable("role (user)", "may", "login file")
	for i, r := range rs {
		t.AppendRow(table.Row{r.Name, r.About, files[i+1]})
	}
	t.Render()
	fmt.Fprintf(a.stdout, "passwords are only in the login files (mode 0600); the configuration holds their bcrypt hashes\n")
	fmt.Fprintf(a.stdout, "start the server:  nats-server -c %s\n", in.out)
	fmt.Fprintf(a.stdout, "then the service: (set -a; . %s; set +a; ledger serve)\n", shellPath(files[1]))
	fmt.Fprintf(a.stdout, "and each person or job with its own login file, e.g.: (set -a; . %s; set +a; ledger record signed P-7)\n", shellPath(files[2]))
	if !eventstore.IsLoopback(hostOf(in.listen)) && in.tlsCert == "" {
		fmt.Fprintf(a.stderr, "ledger: warning: %s is reachable from other machines and there is no TLS: passwords and events cross the network in clear; give --tls-cert and --tls-key\n", in.listen)
	}
	return nil
}

// check refuses flags that cannot make a working configuration.
func (in authInit) check(stream string) error {
	switch {
	case !nameToken.MatchString(stream):
		return usageError{fmt.Errorf("--stream %q: expected letters, digits, - and _ only", stream)}
	case !nameToken.MatchString(in.account):
		return usageError{fmt.Errorf("--account %q: expected letters, digits, - and _ only", in.account)}
	case !nameToken.MatchString(in.durable):
		return usageError{fmt.Errorf("--inspector-durable %q: expected letters, digits, - and _ only", in.durable)}
	case (in.tlsCert == "") != (in.tlsKey == ""):
		return usageError{errors.New("--tls-cert and --tls-key go together")}
	case in.tlsVerify && in.tlsCA == "":
		return usageError{errors.New("--tls-verify needs --tls-ca: the authority client certificates must be signed by")}
	}
	if _, _, err := net.SplitHostPort(in.listen); err != nil {
		return usageError{fmt.Errorf("--listen %q: expected HOST:PORT, e.g. 127.0.0.1:4222", in.listen)}
	}
	for _, f := range []struct{ flag, path string }{{"--tls-cert", in.tlsCert}, {"--tls-key", in.tlsKey}, {"--tls-ca", in.tlsCA}} {
		if f.path == "" {
			continue
		}
		if _, err := os.Stat(f.path); err != nil {
			return fmt.Errorf("%s %s: %w", f.flag, f.path, errors.Unwrap(err))
		}
	}
	return nil
}

// newPassword returns a random password and its bcrypt hash at cost. 24
// random bytes in URL-safe base64: 192 bits, and nothing a shell or the
// configuration format would read specially.
func newPassword(cost int) (password, hash string, err error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	password = base64.RawURLEncoding.EncodeToString(b)
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", "", err
	}
	return password, string(h), nil
}

// shellPath is path as the shell's "." reads it: a bare file name would be
// looked up in PATH.
func shellPath(path string) string {
	if filepath.IsAbs(path) || strings.Contains(path, string(filepath.Separator)) {
		return path
	}
	return "." + string(filepath.Separator) + path
}

func hostOf(hostport string) string {
	h, _, _ := net.SplitHostPort(hostport)
	return h
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

// confUser is a role as the configuration states it.
type confUser struct {
	role
	Hash string
}

// q quotes a string for the configuration: a JSON string is a string in
// the server's configuration format too, as long as it uses no \u escape,
// which that format lacks; only control characters would need one, and
// no name, subject or path here has any.
func q(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // > and & as they are: subjects use them
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// list quotes a list of strings.
func list(ss []string) string {
	quoted := make([]string, len(ss))
	for i, s := range ss {
		quoted[i] = q(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

var confTemplate = template.Must(template.New("conf").Funcs(template.FuncMap{"q": q, "list": list}).Parse(
	`# nats-server configuration for the key-project ledger, written by
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
            allow: {{list .PubAllow}}
{{- if .PubDeny}}
            deny: {{list .PubDeny}}
{{- end}}
          }
          subscribe: {
            allow: {{list .SubAllow}}
          }
        }
      }
{{- end}}
    ]
  }
}
`))

func serverConfig(in authInit, stream string, users []confUser) ([]byte, error) {
	var b bytes.Buffer
	err := confTemplate.Execute(&b, map[string]any{
		"Date": time.Now().Format("2006-01-02"), "Out": filepath.Base(in.out), "Account": in.account, "Stream": stream,
		"Listen": in.listen, "StoreDir": in.storeDir,
		"TLSCert": in.tlsCert, "TLSKey": in.tlsKey, "TLSCA": in.tlsCA, "TLSVerify": in.tlsVerify,
		"Users": users,
	})
	return b.Bytes(), err
}

// loginFile is a role's env file: what the ledger CLI (and the stock nats
// CLI, which reads the same NATS_* variables) needs to log in.
func loginFile(r role, password string, in authInit, stream string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# ledger login of role %s (%s),\n", r.Name, r.About)
	fmt.Fprintf(&b, "# written by `ledger auth init` on %s. It holds a password: keep it private.\n", time.Now().Format("2006-01-02"))
	fmt.Fprintf(&b, "# Load it into the shell before running ledger or nats:\n#   set -a; . ./%s.env; set +a\n", r.Name)
	fmt.Fprintf(&b, "NATS_URL=%s\nNATS_USER=%s\nNATS_PASSWORD=%s\nNATS_INBOX_PREFIX=%s\nLEDGER_STREAM=%s\n",
		in.url, r.Name, password, inboxPrefix(r.Name), stream)
	if in.tlsCA != "" {
		fmt.Fprintf(&b, "NATS_CA=%s\n", in.tlsCA)
	}
	if in.tlsVerify {
		fmt.Fprintf(&b, "# the server asks for a client certificate signed by %s:\n# NATS_CERT=/path/to/%s-cert.pem\n# NATS_KEY=/path/to/%s-key.pem\n", in.tlsCA, r.Name, r.Name)
	}
	return b.Bytes()
}

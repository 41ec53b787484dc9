package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/eventstore/access"
)

// authInitFlags are the flags of `ledger auth init`.
type authInitFlags struct {
	out, loginDir, listen, url, storeDir, account, durable string
	tlsCert, tlsKey, tlsCA                                 string
	tlsVerify, force                                       bool
}

func (a *app) authCommand() *cobra.Command {
	c := &cobra.Command{Use: "auth", Short: "Users and permissions for the ledger's roles on a shared NATS server"}
	var in authInitFlags
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
		RunE: func(cmd *cobra.Command, _ []string) error { return a.authInit(cmd, in) },
	}
	f := initCmd.Flags()
	f.StringVar(&in.out, "out", "ledger-nats.conf", "the nats-server configuration file to write")
	f.StringVar(&in.loginDir, "login-dir", "", "folder for the login files <role>.env (default: the folder of --out)")
	f.StringVar(&in.listen, "listen", access.DefaultListen, "HOST:PORT the server listens on; 0.0.0.0:4222 serves other machines (use TLS then)")
	f.StringVar(&in.url, "url", "", "the server's URL as clients reach it, for the login files (default: from --listen, with this machine's name for 0.0.0.0)")
	f.StringVar(&in.storeDir, "store", "", "JetStream store folder of the server (default: nats-data next to --out)")
	f.StringVar(&in.account, "account", access.DefaultAccount, "NATS account holding the ledger's stream, buckets and users")
	f.StringVar(&in.durable, "inspector-durable", access.DefaultInspectorDurable, "name of the inspection office's durable consumer (inspect follow --durable)")
	f.StringVar(&in.tlsCert, "tls-cert", "", "the server's PEM certificate (with --tls-key: TLS only)")
	f.StringVar(&in.tlsKey, "tls-key", "", "the server's PEM private key")
	f.StringVar(&in.tlsCA, "tls-ca", "", "PEM certificate authority that signed the server's certificate (and, with --tls-verify, the clients')")
	f.BoolVar(&in.tlsVerify, "tls-verify", false, "require a client certificate signed by --tls-ca from every client")
	f.BoolVar(&in.force, "force", false, "overwrite existing files (the old passwords stop working)")
	c.AddCommand(initCmd, a.usersCommand())
	return c
}

func (a *app) authInit(cmd *cobra.Command, in authInitFlags) error {
	// An empty flag keeps the package's default, as the flag's own
	// default does.
	setup, err := access.Init(cmd.Context(), a.stream, in.out,
		access.WithLoginDir(in.loginDir), access.WithListen(in.listen), access.WithURL(in.url),
		access.WithStoreDir(in.storeDir), access.WithAccount(in.account), access.WithInspectorDurable(in.durable),
		access.WithTLS(in.tlsCert, in.tlsKey), access.WithTLSCA(in.tlsCA), access.WithClientVerify(in.tlsVerify),
		access.WithOverwrite(in.force), access.WithPasswordCost(a.passwordCost))
	if err != nil {
		return authInitError(err)
	}

	tlsNote := ""
	if setup.TLS {
		tlsNote = " (TLS only)"
	}
	fmt.Fprintf(a.stdout, "wrote %s: nats-server configuration, account %s, stream %s, listening on %s%s\n",
		setup.ConfigFile, setup.Account, setup.Stream, setup.Listen, tlsNote)
	t := a.newTable("role (user)", "may", "login file")
	for _, l := range setup.Logins {
		t.AppendRow(table.Row{string(l.Role), l.About, l.File})
	}
	t.Render()
	fmt.Fprintf(a.stdout, "passwords are only in the login files (mode 0600); the configuration holds their bcrypt hashes\n")
	fmt.Fprintf(a.stdout, "start the server:  nats-server -c %s\n", setup.ConfigFile)
	fmt.Fprintf(a.stdout, "then the service: (set -a; . %s; set +a; ledger serve)\n", shellPath(loginOf(setup, access.Service)))
	fmt.Fprintf(a.stdout, "and each person or job with its own login file, e.g.: (set -a; . %s; set +a; ledger record signed P-7)\n",
		shellPath(loginOf(setup, access.Recorder)))
	fmt.Fprintf(a.stdout, "people sign in to the web board under their own names, with these roles or viewer (leaders): (set -a; . %s; set +a; ledger auth user add LOGIN --role viewer --name 姓名)\n",
		shellPath(loginOf(setup, access.Service)))
	if !setup.LoopbackOnly && !setup.TLS {
		fmt.Fprintf(a.stderr, "ledger: warning: %s is reachable from other machines and there is no TLS: passwords and events cross the network in clear; give --tls-cert and --tls-key\n", setup.Listen)
	}
	return nil
}

// authInitError words an error of access.Init in the flags of auth init:
// a setting that cannot work is a usage error.
func authInitError(err error) error {
	flags := map[string]string{"stream": "--stream", "account": "--account", "inspector-durable": "--inspector-durable",
		"listen": "--listen", "tls-cert": "--tls-cert", "tls-key": "--tls-key", "tls-ca": "--tls-ca"}
	var se *access.SettingError
	switch {
	case errors.Is(err, access.ErrTLSKeyPair):
		return usageError{errors.New("--tls-cert and --tls-key go together")}
	case errors.Is(err, access.ErrVerifyWithoutCA):
		return usageError{errors.New("--tls-verify needs --tls-ca: the authority client certificates must be signed by")}
	case errors.Is(err, access.ErrExists):
		return fmt.Errorf("%w: give --force to replace it, or another --out / --login-dir", err)
	case !errors.As(err, &se):
		return err
	case errors.Is(se, access.ErrNotAToken), errors.Is(se, access.ErrNotHostPort):
		return usageError{fmt.Errorf("%s %q: %w", flags[se.Setting], se.Value, se.Err)}
	default:
		// A file named by a flag that cannot be read.
		return fmt.Errorf("%s %s: %w", flags[se.Setting], se.Value, se.Err)
	}
}

// loginOf is the login file of role.
func loginOf(s *access.Setup, role access.Role) string {
	for _, l := range s.Logins {
		if l.Role == role {
			return l.File
		}
	}
	return ""
}

// shellPath is path as the shell's "." reads it: a bare file name would be
// looked up in PATH.
func shellPath(path string) string {
	if filepath.IsAbs(path) || strings.Contains(path, string(filepath.Separator)) {
		return path
	}
	return "." + string(filepath.Separator) + path
}

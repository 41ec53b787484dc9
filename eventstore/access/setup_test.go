package access_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/keyprojects/ledger/eventstore/access"
)

// cheap hashes at bcrypt's lowest cost: the server checks a password on every
// connection, which at the default cost takes over a second under the race
// detector.
func cheap() access.Option { return access.WithPasswordCost(bcrypt.MinCost) }

func readEnv(t *testing.T, path string) map[string]string {
	t.Helper()
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

// TestInitWritesWhatTheServerRunsAndEachRoleLogsInWith runs a server on
// the configuration Init wrote and logs in as each role with its login
// file, where the server reports the role's grant.
func TestInitWritesWhatTheServerRunsAndEachRoleLogsInWith(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "nats.conf")
	setup, err := access.Init(context.Background(), "LEDGER", conf, cheap())
	require.NoError(t, err)
	assert.Equal(t, conf, setup.ConfigFile)
	assert.Equal(t, access.DefaultAccount, setup.Account)
	assert.Equal(t, access.DefaultListen, setup.Listen)
	assert.Equal(t, "nats://127.0.0.1:4222", setup.URL)
	assert.True(t, setup.LoopbackOnly)
	assert.False(t, setup.TLS)
	assert.Equal(t, filepath.Join(dir, "nats-data"), setup.StoreDir)
	require.Len(t, setup.Logins, len(access.Roles()))

	opts, err := server.ProcessConfigFile(conf)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1", opts.Host)
	assert.Equal(t, filepath.Join(dir, "nats-data"), opts.StoreDir)
	require.Len(t, opts.Users, len(access.Roles()))
	opts.Port = -1
	opts.NoSigs, opts.NoLog = true, true
	srv, err := server.NewServer(opts)
	require.NoError(t, err)
	go srv.Start()
	require.True(t, srv.ReadyForConnections(30*time.Second))
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })

	for i, l := range setup.Logins {
		assert.Equal(t, access.Roles()[i], l.Role)
		assert.Equal(t, filepath.Join(dir, string(l.Role)+".env"), l.File)
		info, err := os.Stat(l.File)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "%s holds a password", l.File)
		env := readEnv(t, l.File)
		assert.Equal(t, string(l.Role), env["NATS_USER"])
		assert.Equal(t, l.Role.InboxPrefix(), env["NATS_INBOX_PREFIX"])
		assert.Equal(t, "LEDGER", env["LEDGER_STREAM"])
		assert.Equal(t, setup.URL, env["NATS_URL"])
		assert.NotContains(t, env, "NATS_CA")

		nc, err := nats.Connect(srv.ClientURL(), nats.UserInfo(env["NATS_USER"], env["NATS_PASSWORD"]),
			nats.CustomInboxPrefix(env["NATS_INBOX_PREFIX"]))
		require.NoError(t, err, l.Role)
		r, err := access.FetchRights(context.Background(), nc, 5*time.Second)
		nc.Close()
		require.NoError(t, err, l.Role)
		assert.Equal(t, string(l.Role), r.User)
		assert.Equal(t, access.DefaultAccount, r.Account)
		assert.True(t, r.Known)
		for _, s := range l.PublishAllow {
			if !slices.Contains(l.PublishDeny, s) {
				assert.True(t, r.CanPublish(s), "%s: %s", l.Role, s)
			}
		}
		for _, s := range l.PublishDeny {
			assert.False(t, r.CanPublish(s), "%s: %s", l.Role, s)
		}
		for _, s := range l.SubscribeAllow {
			assert.True(t, r.CanSubscribe(s), "%s: %s", l.Role, s)
		}
	}
	// A wrong password is refused.
	_, err = nats.Connect(srv.ClientURL(), nats.UserInfo("reporter", "guess"))
	assert.ErrorIs(t, err, nats.ErrAuthorization)
}

func TestInitWritesTheTLSBlockAndTheClientsCA(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"cert.pem", "key.pem", "ca.pem"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte("PEM"), 0o600))
	}
	conf := filepath.Join(dir, "nats.conf")
	setup, err := access.Init(context.Background(), "LEDGER", conf, cheap(),
		access.WithListen("0.0.0.0:4443"), access.WithURL("tls://ledger.example:4443"), access.WithAccount("COUNTY"),
		access.WithLoginDir(filepath.Join(dir, "logins")),
		access.WithTLS(filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")), access.WithTLSCA(filepath.Join(dir, "ca.pem")),
		access.WithClientVerify(true))
	require.NoError(t, err)
	assert.True(t, setup.TLS)
	assert.False(t, setup.LoopbackOnly)
	assert.Equal(t, "COUNTY", setup.Account)
	b, err := os.ReadFile(conf)
	require.NoError(t, err)
	for _, want := range []string{`cert_file: "` + filepath.Join(dir, "cert.pem") + `"`, `ca_file: "` + filepath.Join(dir, "ca.pem") + `"`,
		"verify: true", `listen: "0.0.0.0:4443"`, "  COUNTY {"} {
		assert.Contains(t, string(b), want)
	}
	login := filepath.Join(dir, "logins", "recorder.env")
	assert.Equal(t, login, setup.Logins[1].File)
	env := readEnv(t, login)
	assert.Equal(t, "tls://ledger.example:4443", env["NATS_URL"])
	assert.Equal(t, filepath.Join(dir, "ca.pem"), env["NATS_CA"])
	raw, err := os.ReadFile(login)
	require.NoError(t, err)
	assert.Contains(t, string(raw), "# NATS_CERT=/path/to/recorder-cert.pem")
	assert.NotContains(t, string(b), env["NATS_PASSWORD"], "the configuration holds hashes only")
}

func TestInitRefusesSettingsThatCannotWork(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "n.conf")
	missing := filepath.Join(dir, "no.pem")
	for _, c := range []struct {
		stream  string
		opts    []access.Option
		want    error
		setting string
	}{
		{"LED.GER", nil, access.ErrNotAToken, "stream"},
		{"LEDGER", []access.Option{access.WithAccount("A B")}, access.ErrNotAToken, "account"},
		{"LEDGER", []access.Option{access.WithInspectorDurable("a.b")}, access.ErrNotAToken, "inspector-durable"},
		{"LEDGER", []access.Option{access.WithListen("4222")}, access.ErrNotHostPort, "listen"},
		{"LEDGER", []access.Option{access.WithTLS("cert.pem", "")}, access.ErrTLSKeyPair, ""},
		{"LEDGER", []access.Option{access.WithClientVerify(true)}, access.ErrVerifyWithoutCA, ""},
		{"LEDGER", []access.Option{access.WithTLS(missing, missing)}, os.ErrNotExist, "tls-cert"},
	} {
		_, err := access.Init(context.Background(), c.stream, conf, append(c.opts, cheap())...)
		require.ErrorIs(t, err, c.want, c.setting)
		var se *access.SettingError
		if c.setting == "" {
			assert.NotErrorAs(t, err, &se)
		} else if assert.ErrorAs(t, err, &se) {
			assert.Equal(t, c.setting, se.Setting)
		}
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		assert.Empty(t, entries, "nothing written")
	}
}

func TestInitOverwritesOnlyWhenTold(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "n.conf")
	ctx := context.Background()
	_, err := access.Init(ctx, "LEDGER", conf, cheap())
	require.NoError(t, err)
	first := readEnv(t, filepath.Join(dir, "auditor.env"))

	_, err = access.Init(ctx, "LEDGER", conf, cheap())
	require.ErrorIs(t, err, access.ErrExists)
	assert.Contains(t, err.Error(), conf)
	assert.Equal(t, first, readEnv(t, filepath.Join(dir, "auditor.env")), "nothing overwritten")

	// A login file left alone is as good as the configuration.
	require.NoError(t, os.Remove(conf))
	_, err = access.Init(ctx, "LEDGER", conf, cheap())
	require.ErrorIs(t, err, access.ErrExists)

	_, err = access.Init(ctx, "LEDGER", conf, cheap(), access.WithOverwrite(true))
	require.NoError(t, err)
	assert.NotEqual(t, first["NATS_PASSWORD"], readEnv(t, filepath.Join(dir, "auditor.env"))["NATS_PASSWORD"], "new passwords")
}

func TestInitStopsWhenTheContextEnds(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := access.Init(ctx, "LEDGER", filepath.Join(dir, "n.conf"), cheap())
	require.ErrorIs(t, err, context.Canceled)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing written")
}

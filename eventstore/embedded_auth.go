package eventstore

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"golang.org/x/crypto/bcrypt"
)

// The users of an embedded server started with RequireLogin.
const (
	// LedgerUser is the ledger's own processes: everything but changing,
	// purging or deleting the ledger stream.
	LedgerUser = "ledger"
	// AdminUser may do everything, the ledger stream's settings included.
	AdminUser = "admin"
)

// CredentialsFile is the file in the data folder that holds the passwords
// of an embedded server started with RequireLogin, readable by its owner
// only.
const CredentialsFile = "credentials.json"

// Credentials are the passwords of the users LedgerUser and AdminUser.
type Credentials struct {
	Ledger string `json:"ledger"`
	Admin  string `json:"admin"`
}

// LedgerLogin is the connect option that logs in as LedgerUser.
func (c Credentials) LedgerLogin() nats.Option { return nats.UserInfo(LedgerUser, c.Ledger) }

// AdminLogin is the connect option that logs in as AdminUser.
func (c Credentials) AdminLogin() nats.Option { return nats.UserInfo(AdminUser, c.Admin) }

// Login is the connect option that logs in as user: AdminUser, or else
// LedgerUser.
func (c Credentials) Login(user string) nats.Option {
	if user == AdminUser {
		return c.AdminLogin()
	}
	return c.LedgerLogin()
}

// ReadCredentials reads the credentials of the embedded server on dataDir.
// When the server there has no users, the error matches fs.ErrNotExist.
func ReadCredentials(dataDir string) (Credentials, error) {
	if dataDir == "" {
		dataDir = DefaultDataDir
	}
	path := filepath.Join(dataDir, CredentialsFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return Credentials{}, fmt.Errorf("read the embedded server's credentials: %w", err)
	}
	var c Credentials
	if err := json.Unmarshal(b, &c); err != nil {
		return Credentials{}, fmt.Errorf("read the embedded server's credentials %s: %w", path, err)
	}
	if c.Ledger == "" || c.Admin == "" {
		return Credentials{}, fmt.Errorf("read the embedded server's credentials %s: a password is missing; remove the file and restart the server to make new ones", path)
	}
	return c, nil
}

// loadOrCreateCredentials returns the credentials kept in dir, creating
// the file with new random passwords when there is none.
func loadOrCreateCredentials(dir string) (Credentials, error) {
	c, err := ReadCredentials(dir)
	if !errors.Is(err, fs.ErrNotExist) {
		return c, err
	}
	if c.Ledger, err = randomPassword(); err != nil {
		return Credentials{}, err
	}
	if c.Admin, err = randomPassword(); err != nil {
		return Credentials{}, err
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return Credentials{}, fmt.Errorf("encode the embedded server's credentials: %w", err)
	}
	if err := writePrivate(filepath.Join(dir, CredentialsFile), append(b, '\n')); err != nil {
		return Credentials{}, fmt.Errorf("write the embedded server's credentials: %w", err)
	}
	return c, nil
}

// writePrivate writes a file that only its owner may read, whole or not at
// all.
func writePrivate(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() { _ = os.Remove(tmp) }()
	// CreateTemp makes it 0600 already; say so rather than rely on it.
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// randomPassword returns 24 random bytes in URL-safe base64: 192 bits, and
// nothing a shell would read specially.
func randomPassword() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make a password: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// passwordCost is the bcrypt cost of the hashes the server checks logins
// against. The passwords are 192 random bits, which no cost makes easier
// or harder to guess; a low one keeps every connection cheap.
const passwordCost = bcrypt.MinCost

// serverUsers returns the server's users for c: LedgerUser may not change,
// purge or delete the streams named (nor delete their messages),
// AdminUser may do everything.
func serverUsers(c Credentials, protected []string) ([]*server.User, error) {
	var deny []string
	for _, s := range protected {
		for _, op := range []string{"UPDATE", "DELETE", "PURGE", "MSG.DELETE"} {
			deny = append(deny, "$JS.API.STREAM."+op+"."+s)
		}
	}
	ledger, err := bcrypt.GenerateFromPassword([]byte(c.Ledger), passwordCost)
	if err != nil {
		return nil, fmt.Errorf("hash the ledger user's password: %w", err)
	}
	admin, err := bcrypt.GenerateFromPassword([]byte(c.Admin), passwordCost)
	if err != nil {
		return nil, fmt.Errorf("hash the admin user's password: %w", err)
	}
	return []*server.User{
		{Username: LedgerUser, Password: string(ledger), Permissions: &server.Permissions{
			Publish: &server.SubjectPermission{Deny: deny},
		}},
		{Username: AdminUser, Password: string(admin)},
	}, nil
}

// protectedStreams are the streams only AdminUser may change: stream and
// DefaultStream.
func protectedStreams(stream string) []string {
	out := []string{DefaultStream}
	if stream != "" && !slices.Contains(out, stream) {
		out = append(out, stream)
	}
	return out
}

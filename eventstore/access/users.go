package access

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/crypto/bcrypt"
)

// Viewer reads the web board and downloads what it shows; it writes
// nothing. It is the role of a county's leaders. It has no NATS user: a
// viewer signs in to the board only.
const Viewer Role = "viewer"

// UnitReporter is a responsible unit's reporting clerk (填报人): bound to
// one or more units, they read only those units' projects on the web
// board and report their steps, investment, explanations of delays and
// requests for new deadlines. It has no NATS user.
const UnitReporter Role = "unit_reporter"

// PersonRoles returns the roles a person can sign in to the web board
// with, the least privileged first. The service is not a person.
func PersonRoles() []Role {
	return []Role{Viewer, Reporter, UnitReporter, Inspector, Recorder, Auditor}
}

// ParsePersonRole reads a role a person can sign in with, by its English
// name or its Chinese one.
func ParsePersonRole(s string) (Role, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, r := range PersonRoles() {
		if s == string(r) || s == r.Chinese() {
			return r, nil
		}
	}
	names := make([]string, 0, len(PersonRoles()))
	for _, r := range PersonRoles() {
		names = append(names, string(r)+" ("+r.Chinese()+")")
	}
	return "", fmt.Errorf("%w: role %q: expected one of %s", ErrBadUser, s, strings.Join(names, ", "))
}

// Chinese is the role's name in Chinese.
func (r Role) Chinese() string {
	switch r {
	case Viewer:
		return "领导查看"
	case Reporter:
		return "报表"
	case UnitReporter:
		return "单位填报"
	case Inspector:
		return "督查"
	case Recorder:
		return "录入"
	case Auditor:
		return "审计"
	case Service:
		return "服务"
	}
	return string(r)
}

// A User is a person who signs in to the web board: a login, the name
// the board shows and events record, and a role. A unit reporter is
// bound to the canonical names of its units; records stored before units
// existed read without them.
type User struct {
	Login string    `json:"login"`
	Name  string    `json:"name"`
	Role  Role      `json:"role"`
	Units []string  `json:"units,omitempty"`
	Added time.Time `json:"added"`
	Hash  string    `json:"hash"` // bcrypt of the password
}

// Scoped reports whether the user sees only the projects of their units.
func (u User) Scoped() bool { return u.Role == UnitReporter }

// HasUnit reports whether unit is one of the user's units.
func (u User) HasUnit(unit string) bool { return unit != "" && slices.Contains(u.Units, unit) }

// MaxUnits is how many units one unit reporter may be bound to.
const MaxUnits = 20

// checkUnits returns the units a user of role is bound to, trimmed and
// without repeats: a unit reporter needs at least one, another role none.
func checkUnits(role Role, units []string) ([]string, error) {
	var out []string
	for _, u := range units {
		u = strings.TrimSpace(u)
		switch {
		case u == "":
			return nil, fmt.Errorf("%w: a unit name is empty", ErrBadUser)
		case utf8.RuneCountInString(u) > 100:
			return nil, fmt.Errorf("%w: unit %q is longer than 100 characters", ErrBadUser, u)
		}
		if !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	switch {
	case role == UnitReporter && len(out) == 0:
		return nil, fmt.Errorf("%w: a unit reporter (单位填报) needs the units they report for", ErrBadUser)
	case role != UnitReporter && len(out) > 0:
		return nil, fmt.Errorf("%w: only a unit reporter (单位填报) is bound to units, not a %s", ErrBadUser, role)
	case len(out) > MaxUnits:
		return nil, fmt.Errorf("%w: %d units; at most %d", ErrBadUser, len(out), MaxUnits)
	}
	return out, nil
}

// Errors of the users register.
var (
	// ErrBadUser is a login, name, role or password that cannot be used.
	ErrBadUser = errors.New("invalid user")
	// ErrUserExists is a login taken already.
	ErrUserExists = errors.New("user exists already")
	// ErrNoUser is a login nobody has.
	ErrNoUser = errors.New("no such user")
	// ErrWrongPassword is a sign-in whose login or password is wrong; it
	// does not say which.
	ErrWrongPassword = errors.New("wrong login or password")
)

// MinPasswordLength is the shortest password a person may choose.
const MinPasswordLength = 10

// Users is the register of the people who sign in to the web board: a
// key-value bucket next to the ledger's stream, <stream>_USERS, holding
// each user with the bcrypt hash of their password. Only the service's
// NATS user may read it (Grants).
type Users struct {
	kv   jetstream.KeyValue
	cost int
	// dummy is a hash at cost compared against when a login is unknown,
	// so that a wrong login takes as long to refuse as a wrong password.
	dummy     []byte
	dummyOnce sync.Once
}

// UsersBucket is the name of the users bucket of the ledger stream named
// stream.
func UsersBucket(stream string) string { return stream + "_USERS" }

// OpenUsers opens the users register of stream, creating its bucket when
// create is set; without it a missing bucket is an empty register.
// cost is the bcrypt cost of new passwords (0: bcrypt.DefaultCost).
func OpenUsers(ctx context.Context, js jetstream.JetStream, stream string, create bool, cost int) (*Users, error) {
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	kv, err := js.KeyValue(ctx, UsersBucket(stream))
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		if !create {
			return &Users{cost: cost}, nil
		}
		replicas := 1
		if st, serr := js.Stream(ctx, stream); serr == nil {
			replicas = max(st.CachedInfo().Config.Replicas, 1)
		}
		kv, err = js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
			Bucket: UsersBucket(stream), Description: "people who sign in to the ledger's web board",
			History: 5, Storage: jetstream.FileStorage, Replicas: replicas,
		})
	}
	if err != nil {
		return nil, fmt.Errorf("users bucket %s: %w", UsersBucket(stream), err)
	}
	return &Users{kv: kv, cost: cost}, nil
}

// userKey is the bucket key of login: a key is a subject token, and a
// login may be Chinese.
func userKey(login string) string { return "u." + hex.EncodeToString([]byte(foldLogin(login))) }

// foldLogin is login as logins are compared: without case.
func foldLogin(login string) string { return strings.ToLower(strings.TrimSpace(login)) }

// checkLogin refuses a login that cannot be typed on a sign-in page.
func checkLogin(login string) error {
	if login == "" {
		return fmt.Errorf("%w: the login is empty", ErrBadUser)
	}
	if utf8.RuneCountInString(login) > 64 {
		return fmt.Errorf("%w: login %q is longer than 64 characters", ErrBadUser, login)
	}
	for _, c := range login {
		if unicode.IsSpace(c) || !unicode.IsPrint(c) {
			return fmt.Errorf("%w: login %q: letters, digits and punctuation without spaces", ErrBadUser, login)
		}
	}
	return nil
}

// NewPassword returns a random password to hand to a new user: 16
// characters nobody misreads (no 0/O, 1/l/I).
func NewPassword() (string, error) {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make a password: %w", err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b), nil
}

// Add registers a user with password, refusing a login taken already
// (without case). A unit reporter is bound to units (canonical names, at
// least one); another role takes none.
func (u *Users) Add(ctx context.Context, login, name string, role Role, password string, now time.Time, units ...string) (User, error) {
	login = strings.TrimSpace(login)
	if err := checkLogin(login); err != nil {
		return User{}, err
	}
	if !slices.Contains(PersonRoles(), role) {
		return User{}, fmt.Errorf("%w: role %q", ErrBadUser, role)
	}
	units, err := checkUnits(role, units)
	if err != nil {
		return User{}, err
	}
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return User{}, fmt.Errorf("%w: the password has fewer than %d characters", ErrBadUser, MinPasswordLength)
	}
	if name = strings.TrimSpace(name); name == "" {
		name = login
	}
	if utf8.RuneCountInString(name) > 50 {
		return User{}, fmt.Errorf("%w: name %q is longer than 50 characters", ErrBadUser, name)
	}
	if u.kv == nil {
		return User{}, fmt.Errorf("%w: the users bucket was not created", ErrNoUser)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), u.cost)
	if err != nil {
		return User{}, fmt.Errorf("hash the password: %w", err)
	}
	user := User{Login: login, Name: name, Role: role, Units: units, Added: now.UTC(), Hash: string(h)}
	body, err := json.Marshal(user)
	if err != nil {
		return User{}, err
	}
	if _, err := u.kv.Create(ctx, userKey(login), body); err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) {
			return User{}, fmt.Errorf("%w: %s", ErrUserExists, login)
		}
		return User{}, fmt.Errorf("store user %s: %w", login, err)
	}
	return user, nil
}

// SetPassword replaces the password of login.
func (u *Users) SetPassword(ctx context.Context, login, password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return fmt.Errorf("%w: the password has fewer than %d characters", ErrBadUser, MinPasswordLength)
	}
	user, rev, err := u.get(ctx, login)
	if err != nil {
		return err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), u.cost)
	if err != nil {
		return fmt.Errorf("hash the password: %w", err)
	}
	user.Hash = string(h)
	body, err := json.Marshal(user)
	if err != nil {
		return err
	}
	if _, err := u.kv.Update(ctx, userKey(login), body, rev); err != nil {
		return fmt.Errorf("store user %s: %w", login, err)
	}
	return nil
}

// Remove deletes login; its sessions end at their next request.
func (u *Users) Remove(ctx context.Context, login string) error {
	if _, _, err := u.get(ctx, login); err != nil {
		return err
	}
	if err := u.kv.Purge(ctx, userKey(login)); err != nil {
		return fmt.Errorf("remove user %s: %w", login, err)
	}
	return nil
}

// Lookup returns the user of login.
func (u *Users) Lookup(ctx context.Context, login string) (User, error) {
	user, _, err := u.get(ctx, login)
	return user, err
}

func (u *Users) get(ctx context.Context, login string) (User, uint64, error) {
	if u.kv == nil || foldLogin(login) == "" {
		return User{}, 0, fmt.Errorf("%w: %s", ErrNoUser, login)
	}
	e, err := u.kv.Get(ctx, userKey(login))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return User{}, 0, fmt.Errorf("%w: %s", ErrNoUser, login)
	}
	if err != nil {
		return User{}, 0, fmt.Errorf("read user %s: %w", login, err)
	}
	var user User
	if err := json.Unmarshal(e.Value(), &user); err != nil {
		return User{}, 0, fmt.Errorf("read user %s: %w", login, err)
	}
	return user, e.Revision(), nil
}

// Authenticate returns the user of login if password is theirs, and
// ErrWrongPassword if either is wrong.
func (u *Users) Authenticate(ctx context.Context, login, password string) (User, error) {
	user, err := u.Lookup(ctx, login)
	if errors.Is(err, ErrNoUser) {
		u.dummyOnce.Do(func() { u.dummy, _ = bcrypt.GenerateFromPassword([]byte("not a password of anyone"), u.cost) })
		_ = bcrypt.CompareHashAndPassword(u.dummy, []byte(password))
		return User{}, ErrWrongPassword
	}
	if err != nil {
		return User{}, err
	}
	if bcrypt.CompareHashAndPassword([]byte(user.Hash), []byte(password)) != nil {
		return User{}, ErrWrongPassword
	}
	return user, nil
}

// List returns every user, by login.
func (u *Users) List(ctx context.Context) ([]User, error) {
	if u.kv == nil {
		return nil, nil
	}
	lister, err := u.kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	var out []User
	for k := range lister.Keys() {
		e, err := u.kv.Get(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		var user User
		if err := json.Unmarshal(e.Value(), &user); err != nil {
			return nil, fmt.Errorf("read user %s: %w", k, err)
		}
		out = append(out, user)
	}
	slices.SortFunc(out, func(a, b User) int { return strings.Compare(foldLogin(a.Login), foldLogin(b.Login)) })
	return out, nil
}

// Any reports whether anybody is registered: without users the board
// needs no sign-in.
func (u *Users) Any(ctx context.Context) (bool, error) {
	if u.kv == nil {
		return false, nil
	}
	lister, err := u.kv.ListKeys(ctx)
	if err != nil {
		return false, fmt.Errorf("users bucket: %w", err)
	}
	defer func() { _ = lister.Stop() }()
	for range lister.Keys() {
		return true, nil
	}
	return false, nil
}

package access_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore/access"
	"github.com/keyprojects/ledger/eventstore/storetest"
)

func openUsers(t *testing.T) (*access.Users, *storetest.Env) {
	t.Helper()
	env := storetest.Start(t, domain.NewManualClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)))
	u, err := access.OpenUsers(context.Background(), env.Store.JetStream(), "LEDGER", true, bcrypt.MinCost)
	require.NoError(t, err)
	return u, env
}

func TestUsersSignInWithTheirOwnPasswordOnly(t *testing.T) {
	ctx := context.Background()
	u, _ := openUsers(t)
	some, err := u.Any(ctx)
	require.NoError(t, err)
	assert.False(t, some, "a new register is empty")

	now := time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)
	added, err := u.Add(ctx, "Zhang.San", "张三", access.Inspector, "correct horse battery", now)
	require.NoError(t, err)
	assert.Equal(t, "张三", added.Name)
	assert.NotContains(t, added.Hash, "correct horse", "only a hash is kept")
	_, err = u.Add(ctx, "李县长", "", access.Viewer, "another long password", now)
	require.NoError(t, err)

	some, err = u.Any(ctx)
	require.NoError(t, err)
	assert.True(t, some)

	got, err := u.Authenticate(ctx, "zhang.san", "correct horse battery")
	require.NoError(t, err, "logins are compared without case")
	assert.Equal(t, access.Inspector, got.Role)
	assert.Equal(t, "Zhang.San", got.Login, "kept as entered")

	for _, c := range []struct{ login, password string }{
		{"Zhang.San", "correct horse batterY"},
		{"nobody", "correct horse battery"},
		{"李县长", "correct horse battery"},
		{"", ""},
	} {
		_, err := u.Authenticate(ctx, c.login, c.password)
		assert.ErrorIs(t, err, access.ErrWrongPassword, "%s/%s", c.login, c.password)
	}
	viewer, err := u.Authenticate(ctx, "李县长", "another long password")
	require.NoError(t, err)
	assert.Equal(t, "李县长", viewer.Name, "the name defaults to the login")

	require.NoError(t, u.SetPassword(ctx, "ZHANG.SAN", "a brand new password"))
	_, err = u.Authenticate(ctx, "zhang.san", "correct horse battery")
	assert.ErrorIs(t, err, access.ErrWrongPassword, "the old password stops working")
	_, err = u.Authenticate(ctx, "zhang.san", "a brand new password")
	require.NoError(t, err)

	list, err := u.List(ctx)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, "Zhang.San", list[0].Login)

	require.NoError(t, u.Remove(ctx, "zhang.san"))
	_, err = u.Lookup(ctx, "Zhang.San")
	assert.ErrorIs(t, err, access.ErrNoUser)
	require.NoError(t, u.Remove(ctx, "李县长"))
	some, err = u.Any(ctx)
	require.NoError(t, err)
	assert.False(t, some, "removed users leave nobody")
}

func TestUsersRefuseWhatCannotBeUsed(t *testing.T) {
	ctx := context.Background()
	u, _ := openUsers(t)
	now := time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)
	_, err := u.Add(ctx, "wang", "王五", access.Recorder, "long enough password", now)
	require.NoError(t, err)
	for _, c := range []struct {
		name            string
		login, password string
		role            access.Role
		want            error
	}{
		{"taken, other case", "WANG", "long enough password", access.Viewer, access.ErrUserExists},
		{"empty login", " ", "long enough password", access.Viewer, access.ErrBadUser},
		{"space in login", "wang wu", "long enough password", access.Viewer, access.ErrBadUser},
		{"short password", "zhao", "short", access.Viewer, access.ErrBadUser},
		{"the service is not a person", "svc", "long enough password", access.Service, access.ErrBadUser},
		{"unknown role", "svc", "long enough password", access.Role("boss"), access.ErrBadUser},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := u.Add(ctx, c.login, "", c.role, c.password, now)
			assert.ErrorIs(t, err, c.want)
		})
	}
	list, err := u.List(ctx)
	require.NoError(t, err)
	assert.Len(t, list, 1, "nothing refused was stored")
	assert.ErrorIs(t, u.Remove(ctx, "nobody"), access.ErrNoUser)
	assert.ErrorIs(t, u.SetPassword(ctx, "nobody", "long enough password"), access.ErrNoUser)
}

func TestPersonRolesReadInChineseAndEnglish(t *testing.T) {
	for _, r := range access.PersonRoles() {
		got, err := access.ParsePersonRole(string(r))
		require.NoError(t, err)
		assert.Equal(t, r, got)
		got, err = access.ParsePersonRole(r.Chinese())
		require.NoError(t, err)
		assert.Equal(t, r, got)
	}
	_, err := access.ParsePersonRole("ledger")
	assert.ErrorIs(t, err, access.ErrBadUser)
}

func TestWithoutABucketNobodyIsRegistered(t *testing.T) {
	ctx := context.Background()
	env := storetest.Start(t, domain.NewManualClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)))
	u, err := access.OpenUsers(ctx, env.Store.JetStream(), "LEDGER", false, bcrypt.MinCost)
	require.NoError(t, err)
	some, err := u.Any(ctx)
	require.NoError(t, err)
	assert.False(t, some)
	_, err = u.Authenticate(ctx, "a", "b")
	assert.ErrorIs(t, err, access.ErrWrongPassword)
	p, err := access.NewPassword()
	require.NoError(t, err)
	assert.Len(t, p, 16)
	assert.NotContains(t, p, "0")
}

func TestAUnitReporterIsBoundToItsUnits(t *testing.T) {
	ctx := context.Background()
	u, _ := openUsers(t)
	now := time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)
	added, err := u.Add(ctx, "gxj", "王填报", access.UnitReporter, "long enough password", now, " 县工信局 ", "县商务局", "县工信局")
	require.NoError(t, err)
	assert.Equal(t, []string{"县工信局", "县商务局"}, added.Units, "trimmed, once each")
	got, err := u.Authenticate(ctx, "gxj", "long enough password")
	require.NoError(t, err)
	assert.Equal(t, access.UnitReporter, got.Role)
	assert.Equal(t, []string{"县工信局", "县商务局"}, got.Units, "kept in the register")
	assert.True(t, got.Scoped())
	assert.True(t, got.HasUnit("县商务局"))
	assert.False(t, got.HasUnit("县住建局"))
	assert.False(t, got.HasUnit(""))

	role, err := access.ParsePersonRole("单位填报")
	require.NoError(t, err)
	assert.Equal(t, access.UnitReporter, role)

	for _, c := range []struct {
		name  string
		role  access.Role
		units []string
		says  string
	}{
		{"no unit", access.UnitReporter, nil, "needs the units"},
		{"an empty unit", access.UnitReporter, []string{" "}, "empty"},
		{"units for a viewer", access.Viewer, []string{"县工信局"}, "only a unit reporter"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := u.Add(ctx, "x"+c.name[:2], "", c.role, "long enough password", now, c.units...)
			assert.ErrorIs(t, err, access.ErrBadUser)
			assert.ErrorContains(t, err, c.says)
		})
	}
	list, err := u.List(ctx)
	require.NoError(t, err)
	assert.Len(t, list, 1, "nothing refused was stored")
}

func TestAUserStoredWithoutUnitsStillReads(t *testing.T) {
	ctx := context.Background()
	u, env := openUsers(t)
	kv, err := env.Store.JetStream().KeyValue(ctx, access.UsersBucket("LEDGER"))
	require.NoError(t, err)
	hash, err := bcrypt.GenerateFromPassword([]byte("an older password"), bcrypt.MinCost)
	require.NoError(t, err)
	// As a register written before units existed holds it.
	old := `{"login":"old","name":"老用户","role":"recorder","added":"2026-10-01T00:00:00Z","hash":"` + string(hash) + `"}`
	_, err = kv.Put(ctx, "u.6f6c64", []byte(old))
	require.NoError(t, err)
	got, err := u.Authenticate(ctx, "old", "an older password")
	require.NoError(t, err)
	assert.Equal(t, access.Recorder, got.Role)
	assert.Empty(t, got.Units)
	assert.False(t, got.Scoped())
}

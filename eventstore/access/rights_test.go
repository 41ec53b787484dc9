package access_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/eventstore/access"
)

// startWithUsers runs a server whose users have the given permissions.
func startWithUsers(t *testing.T, users ...*server.User) *server.Server {
	t.Helper()
	srv, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true, Users: users})
	require.NoError(t, err)
	go srv.Start()
	require.True(t, srv.ReadyForConnections(10*time.Second))
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	return srv
}

func TestFetchRightsReadsTheUsersPermissionsFromTheServer(t *testing.T) {
	reporter := &server.User{Username: "reporter", Password: "pw", Permissions: &server.Permissions{
		Publish: &server.SubjectPermission{
			Allow: []string{access.UserInfoSubject, "$JS.API.STREAM.INFO.*", "$JS.API.DIRECT.GET.*"},
			Deny:  []string{"$JS.API.STREAM.INFO.LEDGER", "$JS.API.DIRECT.GET.LEDGER"},
		},
		Subscribe: &server.SubjectPermission{Allow: []string{"_INBOX_reporter.>"}},
	}}
	open := &server.User{Username: "open", Password: "pw"}
	mute := &server.User{Username: "mute", Password: "pw", Permissions: &server.Permissions{
		Publish: &server.SubjectPermission{Allow: []string{"ledger.>"}},
	}}
	srv := startWithUsers(t, reporter, open, mute)
	ctx := context.Background()

	nc, err := nats.Connect(srv.ClientURL(), nats.UserInfo("reporter", "pw"), nats.CustomInboxPrefix("_INBOX_reporter"))
	require.NoError(t, err)
	defer nc.Close()
	r, err := access.FetchRights(ctx, nc, 5*time.Second)
	require.NoError(t, err)
	assert.Equal(t, "reporter", r.User)
	assert.True(t, r.Known)
	for subject, want := range map[string]bool{
		"$JS.API.STREAM.INFO.KV_LEDGER_PROJ_META": true,  // allowed by the wildcard
		"$JS.API.STREAM.INFO.LEDGER":              false, // denied: a deny wins
		"$JS.API.DIRECT.GET.LEDGER":               false,
		"$JS.API.STREAM.DELETE.KV_LEDGER_PROJ_1":  false, // named by no allow
		"ledger.P-1.signed":                       false,
	} {
		assert.Equal(t, want, r.CanPublish(subject), subject)
	}
	assert.True(t, r.CanSubscribe("_INBOX_reporter.abc"))
	assert.False(t, r.CanSubscribe("_INBOX.abc"))

	// A user without permissions may do anything.
	onc, err := nats.Connect(srv.ClientURL(), nats.UserInfo("open", "pw"))
	require.NoError(t, err)
	defer onc.Close()
	r, err = access.FetchRights(ctx, onc, 5*time.Second)
	require.NoError(t, err)
	assert.False(t, r.Known)
	assert.True(t, r.CanPublish("$JS.API.STREAM.DELETE.LEDGER"))

	// A user who may not ask gets no answer in time: the zero Rights,
	// which allow everything, and the reason.
	mnc, err := nats.Connect(srv.ClientURL(), nats.UserInfo("mute", "pw"), nats.ErrorHandler(func(*nats.Conn, *nats.Subscription, error) {}))
	require.NoError(t, err)
	defer mnc.Close()
	r, err = access.FetchRights(ctx, mnc, 200*time.Millisecond)
	require.Error(t, err)
	assert.Contains(t, err.Error(), access.UserInfoSubject)
	assert.True(t, r.CanPublish("anything"))

	var none *access.Rights
	assert.True(t, none.CanPublish("anything"), "nil Rights allow everything")
}

package access

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/evidence"
)

// rightsOf are the Rights the server reports for a user granted g.
func rightsOf(g Grant) *Rights {
	return &Rights{User: string(g.Role), Known: true,
		publish:   server.SubjectPermission{Allow: g.PublishAllow, Deny: g.PublishDeny},
		subscribe: server.SubjectPermission{Allow: g.SubscribeAllow}}
}

// grantsByRole are Grants(stream, durable) by role.
func grantsByRole(t *testing.T, stream, durable string) map[Role]*Rights {
	t.Helper()
	gs := Grants(stream, durable)
	require.Len(t, gs, len(Roles()))
	out := map[Role]*Rights{}
	for i, g := range gs {
		require.Equal(t, Roles()[i], g.Role, "in the order of Roles")
		assert.NotEmpty(t, g.About, g.Role)
		out[g.Role] = rightsOf(g)
	}
	return out
}

func TestEveryRoleAsksForItsRightsAndReadsOnlyItsOwnReplies(t *testing.T) {
	rights := grantsByRole(t, "LEDGER", "inspection")
	for _, role := range Roles() {
		r := rights[role]
		assert.True(t, r.CanPublish(UserInfoSubject), role)
		assert.True(t, r.CanSubscribe(role.InboxPrefix()+".abc"), role)
		assert.False(t, r.CanSubscribe("_INBOX.abc"), role)
		assert.False(t, r.CanSubscribe(">"), role)
		for _, other := range Roles() {
			if other != role {
				assert.False(t, r.CanSubscribe(other.InboxPrefix()+".abc"), "%s reads %s's replies", role, other)
			}
		}
		// Nobody may change or delete the ledger stream, nor purge it.
		for _, op := range []string{"UPDATE", "DELETE", "PURGE", "MSG.DELETE"} {
			assert.False(t, r.CanPublish("$JS.API.STREAM."+op+".LEDGER"), "%s: %s", role, op)
		}
	}
}

func TestEachGrantAllowsItsRolesJobAndNothingElse(t *testing.T) {
	rights := grantsByRole(t, "LEDGER", "inspection")
	const (
		S = "$JS.API.STREAM."
		C = "$JS.API.CONSUMER."
	)
	ownConsumer := C + "CREATE.LEDGER.inspection.ledger.*.deadline_missed"
	for _, c := range []struct {
		subject string
		may     []Role
	}{
		{"ledger.P-1.signed", []Role{Recorder}},
		{"ledger.P-1.issue_raised", []Role{Service, Recorder}},
		{"ledger.P-1.issue_resolved", []Role{Service, Recorder}},
		{"$JS.API.DIRECT.GET.KV_LEDGER_USERS.$KV.LEDGER_USERS.u.61", []Role{Service}},
		{"$JS.API.DIRECT.GET.KV_LEDGER_USERS", []Role{Service}},
		{S + "INFO.KV_LEDGER_USERS", []Role{Service}},
		{"$KV.LEDGER_USERS.u.61", []Role{Service}},
		{"ledger.P-1.deadline_missed", []Role{Service}},
		{"$KV.LEDGER_PROJ_1.p.P-1", []Role{Service}},
		{S + "CREATE.KV_LEDGER_PROJ_2", []Role{Service}},
		{S + "DELETE.KV_LEDGER_PROJ_1", []Role{Service}},
		{S + "SNAPSHOT.LEDGER", []Role{Service}},
		{S + "INFO.KV_LEDGER_PROJ_1", Roles()},
		{"$JS.API.DIRECT.GET.KV_LEDGER_PROJ_1.$KV.LEDGER_PROJ_1.p.P-1", Roles()},
		{S + "INFO.LEDGER", []Role{Service, Recorder, Auditor}},
		{"$JS.API.DIRECT.GET.LEDGER", []Role{Service, Recorder, Auditor}},
		{S + "MSG.GET.LEDGER", []Role{Service, Recorder, Auditor}},
		{C + "CREATE.LEDGER.peek", []Role{Service, Auditor}},
		{ownConsumer, []Role{Inspector}},
		{C + "MSG.NEXT.LEDGER.inspection", []Role{Inspector}},
		{C + "DELETE.LEDGER.inspection", []Role{Inspector}},
		{"$JS.ACK.LEDGER.inspection.1.1.1.1.0", []Role{Inspector}},
		{C + "CREATE.LEDGER.other.ledger.*.deadline_missed", []Role{Service, Auditor}},
		{"$JS.ACK.LEDGER.other.1.1.1.1.0", nil},
		// The files of evidence: the recorder and the service write them,
		// every role reads them, nobody deletes or changes their bucket.
		{"$O.LEDGER_EVIDENCE.C.abc", []Role{Service, Recorder}},
		{"$O.LEDGER_EVIDENCE.M.abc", []Role{Service, Recorder}},
		{S + "CREATE.OBJ_LEDGER_EVIDENCE", []Role{Service, Recorder}},
		{S + "PURGE.OBJ_LEDGER_EVIDENCE", []Role{Service, Recorder}},
		{S + "DELETE.OBJ_LEDGER_EVIDENCE", nil},
		{S + "UPDATE.OBJ_LEDGER_EVIDENCE", []Role{Service}},
		{S + "INFO.OBJ_LEDGER_EVIDENCE", Roles()},
		{"$JS.API.DIRECT.GET.OBJ_LEDGER_EVIDENCE.$O.LEDGER_EVIDENCE.M.abc", Roles()},
		{C + "CREATE.OBJ_LEDGER_EVIDENCE.x.$O.LEDGER_EVIDENCE.C.nuid", Roles()},
		{C + "DELETE.OBJ_LEDGER_EVIDENCE.x", Roles()},
		{"$JS.FC.OBJ_LEDGER_EVIDENCE.x.1", Roles()},
		{"$O.LEDGER_USERS.C.abc", nil},
	} {
		for _, role := range Roles() {
			want := false
			for _, m := range c.may {
				want = want || m == role
			}
			assert.Equal(t, want, rights[role].CanPublish(c.subject), "%s publishes %s", role, c.subject)
		}
	}
	assert.True(t, rights[Auditor].CanSubscribe("ledger.P-1.signed"))
	assert.True(t, rights[Inspector].CanSubscribe("ledger.P-1.deadline_missed"))
	assert.False(t, rights[Inspector].CanSubscribe("ledger.P-1.signed"))
	assert.False(t, rights[Reporter].CanSubscribe("ledger.P-1.deadline_missed"))

	// What the ledger asks of the rights before it opens a store.
	assert.False(t, rights[Reporter].CanReadStreamInfo("LEDGER"))
	assert.True(t, rights[Reporter].CanReadStreamInfo("KV_LEDGER_PROJ_1"))
	assert.False(t, rights[Inspector].CanLoadHistory("LEDGER"))
	assert.True(t, rights[Inspector].CanLoadHistory("KV_LEDGER_PROJ_1"))
	assert.True(t, rights[Recorder].CanAskLeader("LEDGER"))
	assert.False(t, rights[Reporter].CanAskLeader("LEDGER"))
}

func TestGrantsFollowTheStreamAndTheDurablesNames(t *testing.T) {
	rights := grantsByRole(t, "COUNTY", "office")
	assert.False(t, rights[Reporter].CanReadStreamInfo("COUNTY"))
	assert.True(t, rights[Reporter].CanReadStreamInfo("LEDGER"), "another stream is not the ledger's")
	assert.True(t, rights[Inspector].CanPublish("$JS.API.CONSUMER.CREATE.COUNTY.office.ledger.*.deadline_missed"))
	assert.False(t, rights[Inspector].CanPublish("$JS.API.CONSUMER.CREATE.COUNTY.inspection.ledger.*.deadline_missed"))
	assert.False(t, rights[Auditor].CanPublish("$JS.API.CONSUMER.MSG.NEXT.COUNTY.office"))
	assert.True(t, rights[Auditor].CanPublish("$JS.API.CONSUMER.MSG.NEXT.COUNTY.inspection"))
	assert.False(t, rights[Service].CanPublish("$JS.API.STREAM.DELETE.COUNTY"))
}

// TestEveryRoleReadsTheEvidenceAndOnlyTheWritersStoreIt runs the grants
// on a real server: the recorder uploads a file, every role reads it back
// and checks it, and only the recorder and the service may store one.
func TestEveryRoleReadsTheEvidenceAndOnlyTheWritersStoreIt(t *testing.T) {
	assert.Equal(t, evidence.Bucket("LEDGER"), EvidenceBucket("LEDGER"))
	var users []*server.User
	for _, g := range Grants("LEDGER", "inspection") {
		users = append(users, &server.User{Username: string(g.Role), Password: "pw", Permissions: &server.Permissions{
			Publish:   &server.SubjectPermission{Allow: g.PublishAllow, Deny: g.PublishDeny},
			Subscribe: &server.SubjectPermission{Allow: g.SubscribeAllow},
		}})
	}
	srv, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true,
		JetStream: true, StoreDir: t.TempDir(), Users: users})
	require.NoError(t, err)
	go srv.Start()
	require.True(t, srv.ReadyForConnections(10*time.Second))
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	ctx := context.Background()
	storeOf := func(role Role, opts ...eventstore.Option) *evidence.Store {
		t.Helper()
		nc, err := nats.Connect(srv.ClientURL(), nats.UserInfo(string(role), "pw"), nats.CustomInboxPrefix(role.InboxPrefix()))
		require.NoError(t, err, role)
		t.Cleanup(nc.Close)
		s, err := eventstore.Open(ctx, nc, opts...)
		require.NoError(t, err, role)
		ev, err := evidence.New(ctx, s)
		require.NoError(t, err, role)
		return ev
	}
	storeOf(Service) // creates the ledger stream

	photo := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte("site photo "), 30_000)...) // three chunks
	f, err := storeOf(Recorder, eventstore.WithoutStreamCheck()).Put(ctx, "site.jpg", bytes.NewReader(photo))
	require.NoError(t, err, "the recorder creates the bucket and stores the file")
	refs := []evidence.Ref{{Project: "P-1", Event: "e", File: f}}

	for _, role := range Roles() {
		ev := storeOf(role, eventstore.WithoutStreamCheck())
		rc, _, err := ev.Open(ctx, f.SHA256)
		require.NoError(t, err, role)
		got, err := io.ReadAll(rc)
		require.NoError(t, err, role)
		require.NoError(t, rc.Close())
		assert.Equal(t, photo, got, role)
		problems, err := ev.Check(ctx, refs)
		require.NoError(t, err, role)
		assert.Empty(t, problems, role)

		scan := []byte("%PDF-1.4 " + string(role))
		ctx, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
		_, err = ev.Put(ctx, "scan.pdf", bytes.NewReader(scan))
		cancel()
		if role == Service || role == Recorder {
			assert.NoError(t, err, role)
		} else {
			assert.Error(t, err, "%s stores no file", role)
		}
	}
}

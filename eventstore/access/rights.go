package access

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// UserInfoSubject is where a NATS server answers a connected user with its
// own account and permissions. Every Grant allows publishing to it.
const UserInfoSubject = "$SYS.REQ.USER.INFO"

// Rights are the subject permissions the server holds for the connected
// user, as it reported them. The ledger reads them so that a command does
// only what the user may do: a reporter's report reads the projections and
// never asks about the event stream, an inspector's follow never looks up
// a project's history. The server enforces the permissions; Rights only
// spare the ledger requests that would be refused.
//
// The zero Rights (and a nil *Rights) allow everything: a user without
// permissions, or a server that did not say.
type Rights struct {
	// User and Account name the connected user, when the server said.
	User, Account string
	// Known is true when the server reported permissions for this user.
	Known              bool
	publish, subscribe server.SubjectPermission
}

// FetchRights asks the server for the connected user's permissions. When
// the server does not answer (no system account, or a user without the
// right to ask) within wait, it returns the zero Rights and the reason, so
// that the caller can go on as if everything were allowed.
func FetchRights(ctx context.Context, nc *nats.Conn, wait time.Duration) (Rights, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	m, err := nc.RequestWithContext(ctx, UserInfoSubject, nil)
	if err != nil {
		return Rights{}, fmt.Errorf("ask the server for this user's permissions (%s): %w", UserInfoSubject, err)
	}
	var resp struct {
		Data  *server.UserInfo `json:"data"`
		Error *server.ApiError `json:"error"`
	}
	if err := json.Unmarshal(m.Data, &resp); err != nil {
		return Rights{}, fmt.Errorf("read this user's permissions: %w", err)
	}
	if resp.Error != nil {
		return Rights{}, fmt.Errorf("read this user's permissions: %s", resp.Error.Description)
	}
	if resp.Data == nil {
		return Rights{}, errors.New("read this user's permissions: empty answer")
	}
	r := Rights{User: resp.Data.UserID, Account: resp.Data.Account}
	if p := resp.Data.Permissions; p != nil {
		r.Known = true
		if p.Publish != nil {
			r.publish = *p.Publish
		}
		if p.Subscribe != nil {
			r.subscribe = *p.Subscribe
		}
	}
	return r, nil
}

// CanPublish reports whether the user may publish to subject (a JetStream
// API request is a publish to its API subject).
func (r *Rights) CanPublish(subject string) bool {
	return r == nil || !r.Known || allowed(r.publish, subject)
}

// CanSubscribe reports whether the user may subscribe to subject.
func (r *Rights) CanSubscribe(subject string) bool {
	return r == nil || !r.Known || allowed(r.subscribe, subject)
}

// allowed applies the server's rule: a subject is allowed when the allow
// list is empty or matches it, and no deny entry matches it.
func allowed(p server.SubjectPermission, subject string) bool {
	ok := len(p.Allow) == 0
	for _, f := range p.Allow {
		if server.SubjectMatchesFilter(subject, f) {
			ok = true
			break
		}
	}
	for _, f := range p.Deny {
		if server.SubjectMatchesFilter(subject, f) {
			return false
		}
	}
	return ok
}

// CanReadStreamInfo reports whether the user may ask for stream's info:
// what opening a store with its stream check, and "how far behind are
// the projections", need.
func (r *Rights) CanReadStreamInfo(stream string) bool {
	return r.CanPublish("$JS.API.STREAM.INFO." + stream)
}

// CanAskLeader reports whether the user may ask stream's leader for a
// message (the JetStream API's message get), which Load and Execute do to
// confirm a history read from a replica or mirror.
func (r *Rights) CanAskLeader(stream string) bool {
	return r.CanPublish("$JS.API.STREAM.MSG.GET." + stream)
}

// CanLoadHistory reports whether the user may read a project's history
// from stream (direct gets).
func (r *Rights) CanLoadHistory(stream string) bool {
	return r.CanPublish("$JS.API.DIRECT.GET." + stream)
}

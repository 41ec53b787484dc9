package eventstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/keyprojects/ledger/domain"
)

// Histories are read with direct gets, which any replica of the stream
// answers once it is nearly caught up, and so does any mirror of it (a
// mirror inherits the ledger stream's direct gets), however far behind it
// falls later or whatever part of the stream it mirrors. A command decided
// on such a read and appended is refused by the leader's expected-sequence
// check; a command refused on such a read would be refused wrongly ("not
// registered", "already started"), and a history shown from one would look
// cut short. So Load asks the stream's leader for what a direct read
// missed, and Execute, which reads with direct gets alone first, does so
// after a conflict and before a refusal stands.

// catchUpWithLeader returns the history recs, read with direct gets up to
// version, followed by the messages the stream's leader has on project p's
// subjects after version's sequence: a replica or mirror that answers a
// direct get holds a prefix of the leader's stream.
func (s *Store) catchUpWithLeader(ctx context.Context, p domain.ProjectID, recs []Record, version Version) ([]Record, Version, error) {
	last, err := s.lastOnLeader(ctx, p)
	if err != nil || last <= version.Sequence {
		return recs, version, err
	}
	more, lastSeq, err := s.loadFrom(ctx, p, version.Sequence+1, version.Hash, s.historyFromLeader)
	if err != nil {
		return nil, Version{}, err
	}
	recs = append(recs, more...)
	version.Sequence = max(version.Sequence, lastSeq)
	if len(more) > 0 {
		version.Hash = more[len(more)-1].Hash
	}
	return recs, version, nil
}

// leaderGet asks the JetStream API's message get, which only the stream's
// leader answers (unlike a direct get), for the message req names; nil when
// there is none. The store's JetStream context uses the default API
// prefix.
func (s *Store) leaderGet(ctx context.Context, req leaderGetRequest) (*leaderMessage, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.publishTimeout)
	defer cancel()
	msg, err := s.js.Conn().RequestWithContext(ctx, jetstream.DefaultAPIPrefix+"STREAM.MSG.GET."+s.spec.Name, body)
	if err != nil {
		return nil, err
	}
	var resp struct {
		Message *leaderMessage      `json:"message"`
		Error   *jetstream.APIError `json:"error"`
	}
	if err := json.Unmarshal(msg.Data, &resp); err != nil {
		return nil, err
	}
	switch {
	case resp.Error != nil && resp.Error.ErrorCode == jetstream.JSErrCodeMessageNotFound:
		return nil, nil
	case resp.Error != nil:
		return nil, resp.Error
	case resp.Message == nil:
		return nil, fmt.Errorf("an answer with no message")
	}
	return resp.Message, nil
}

// leaderGetRequest is a message get: the last message on a subject
// (LastFor), or the first at or after a sequence on one (Seq, NextFor).
type leaderGetRequest struct {
	LastFor string `json:"last_by_subj,omitempty"`
	Seq     uint64 `json:"seq,omitempty"`
	NextFor string `json:"next_by_subj,omitempty"`
}

// leaderMessage is a stored message as the message get returns it.
type leaderMessage struct {
	Subject  string    `json:"subject"`
	Sequence uint64    `json:"seq"`
	Header   []byte    `json:"hdrs,omitempty"`
	Data     []byte    `json:"data,omitempty"`
	Time     time.Time `json:"time"`
}

// lastOnLeader returns the stream sequence of the last message on project
// p's subjects as the stream's leader has it, 0 when there is none.
func (s *Store) lastOnLeader(ctx context.Context, p domain.ProjectID) (uint64, error) {
	m, err := s.leaderGet(ctx, leaderGetRequest{LastFor: s.ProjectFilter(p)})
	if err != nil {
		return 0, fmt.Errorf("ask the leader of stream %s for the last event of %s: %w", s.spec.Name, p, err)
	}
	if m == nil {
		return 0, nil
	}
	return m.Sequence, nil
}

// historyFromLeader reads the messages on project p's subjects from stream
// sequence from on from the stream's leader, one message get each: slower
// than historyDirect, and never behind. (A historyReader; prev is unused.)
func (s *Store) historyFromLeader(ctx context.Context, p domain.ProjectID, from uint64, _ []byte) ([]rawMessage, error) {
	var out []rawMessage
	for seq := max(from, 1); ; {
		m, err := s.leaderGet(ctx, leaderGetRequest{Seq: seq, NextFor: s.ProjectFilter(p)})
		if err != nil {
			return nil, fmt.Errorf("read %s from the leader of stream %s at sequence %d: %w", p, s.spec.Name, seq, err)
		}
		if m == nil {
			return out, nil
		}
		h := nats.Header{}
		if len(m.Header) > 0 {
			if decoded, err := nats.DecodeHeadersMsg(m.Header); err == nil {
				h = decoded // else read without headers, as a subscriber gets it
			}
		}
		out = append(out, rawMessage{Subject: m.Subject, Sequence: m.Sequence, Time: m.Time, Header: h, Data: m.Data})
		seq = m.Sequence + 1
	}
}

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
// falls later or whatever part of the stream it mirrors. A command refused
// on such a read would be refused wrongly ("not registered", "already
// started"), a command decided on a part of the history could be appended
// linked to the wrong event, and a history shown from one would look cut
// short. So Load asks the stream's leader for what a direct read missed,
// Execute, which reads with direct gets alone first, does so after a
// conflict and before a refusal stands, and a direct read that does not
// link up is read again from the leader (Store.load).

// catchUpWithLeader returns h, a history read with direct gets that links
// up, followed by the messages the stream's leader has on project p's
// subjects after h's last: a replica behind the leader holds a prefix of
// its stream. If those do not link to h, h.broken is set and the caller reads
// the whole history from the leader.
func (s *Store) catchUpWithLeader(ctx context.Context, p domain.ProjectID, h historyRead) (historyRead, error) {
	last, err := s.lastOnLeader(ctx, p)
	if err != nil || last <= h.last {
		return h, err
	}
	v := h.version()
	more, err := s.loadFrom(ctx, p, v.Sequence+1, v.Hash, s.historyFromLeader, 0)
	if err != nil {
		return historyRead{}, err
	}
	return historyRead{recs: append(h.recs, more.recs...), last: max(h.last, more.last),
		foreign: append(h.foreign, more.foreign...), broken: more.broken}, nil
}

// leaderGet asks the stream's leader for the message req names; nil when
// there is none. The store's JetStream context uses the default API prefix.
func (s *Store) leaderGet(ctx context.Context, req leaderGetRequest) (*leaderMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, s.publishTimeout)
	defer cancel()
	return getFromLeader(ctx, s.js.Conn(), s.spec.Name, req)
}

// GetFromLeader returns the message at seq in stream as the stream's leader
// has it, or nil when the leader has none there. It asks the JetStream
// API's message get (default API prefix), which only the leader answers,
// unlike a direct get, which any replica or mirror may answer. A header
// block the client cannot parse is returned as no header.
func GetFromLeader(ctx context.Context, nc *nats.Conn, stream string, seq uint64) (*jetstream.RawStreamMsg, error) {
	m, err := getFromLeader(ctx, nc, stream, leaderGetRequest{Seq: seq})
	if err != nil || m == nil {
		return nil, err
	}
	if m.Sequence != seq {
		return nil, fmt.Errorf("asked for sequence %d, the answer holds %d", seq, m.Sequence)
	}
	raw := &jetstream.RawStreamMsg{Subject: m.Subject, Sequence: seq, Data: m.Data, Time: m.Time}
	if len(m.Header) > 0 {
		if h, err := nats.DecodeHeadersMsg(m.Header); err == nil {
			raw.Header = h
		}
	}
	return raw, nil
}

func getFromLeader(ctx context.Context, nc *nats.Conn, stream string, req leaderGetRequest) (*leaderMessage, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	msg, err := nc.RequestWithContext(ctx, jetstream.DefaultAPIPrefix+"STREAM.MSG.GET."+stream, body)
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
// p's subjects as the stream's leader has it, 0 when there is none. A
// question left unanswered (no leader during an election) is asked again
// within the retry budget, as a read is.
func (s *Store) lastOnLeader(ctx context.Context, p domain.ProjectID) (uint64, error) {
	start := time.Now()
	for tries := 1; ; tries++ {
		m, err := s.leaderGet(ctx, leaderGetRequest{LastFor: s.ProjectFilter(p)})
		switch {
		case err == nil && m == nil:
			return 0, nil
		case err == nil:
			return m.Sequence, nil
		case !unanswered(err) || ctx.Err() != nil:
			return 0, fmt.Errorf("ask the leader of stream %s for the last event of %s: %w", s.spec.Name, p, err)
		}
		waited := time.Since(start)
		if waited >= s.retryBudget {
			return 0, fmt.Errorf("ask the leader of stream %s for the last event of %s: no answer in %s (%s): %w",
				s.spec.Name, p, waited.Round(100*time.Millisecond), triesText(tries), err)
		}
		if s.retryReport != nil {
			s.retryReport(Retry{Subject: s.ProjectFilter(p), Attempt: tries, Waited: waited, Err: err})
		}
		if err := retryPause(ctx, tries, s.retryBudget-waited); err != nil {
			return 0, err
		}
	}
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

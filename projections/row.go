package projections

import (
	"encoding/json"
	"fmt"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// Row is one project's stored projection: the project's state folded from
// its events by domain.Evolve, and the stream sequence of the last event
// folded in. Rows are stored as JSON, readable by any tool.
type Row struct {
	domain.Project
	// LastSeq is the stream sequence of the last event applied. Apply
	// skips events at or before it, so replaying a stretch of the stream
	// after a crash changes nothing.
	LastSeq uint64 `json:"last_seq"`
	// LastHash is the hash of the last event applied: the project's next
	// event must link to it (Take).
	LastHash []byte `json:"last_hash,omitempty"`
}

// NewRow returns the row of a project with no events applied.
func NewRow(id domain.ProjectID) *Row {
	return &Row{Project: domain.NewProject(id)}
}

// Apply folds the event stored at stream sequence seq into the row and
// reports whether it did; an event at or before LastSeq is skipped. It
// does not check the hash chain; Take does.
func (r *Row) Apply(seq uint64, e domain.Event) bool {
	if seq <= r.LastSeq {
		return false
	}
	domain.Evolve(&r.Project, e)
	r.LastSeq = seq
	r.LastHash = e.Hash
	return true
}

// Take applies rec if it is the project's next event: after LastSeq, and
// linked to the last event applied (the first to the project's genesis
// value). It reports whether it applied rec. An event at or before LastSeq
// is skipped without error (a stretch replayed after a crash); one off the
// chain is refused with an error matching eventstore.ErrOffChain, and the
// row is unchanged.
func (r *Row) Take(rec eventstore.Record) (bool, error) {
	if rec.Sequence <= r.LastSeq {
		return false, nil
	}
	prev := r.LastHash
	if r.LastSeq > 0 && len(prev) == 0 {
		// A row stored before rows kept the last hash: its next event
		// cannot be checked, only taken.
		prev = rec.PrevHash
	}
	if err := eventstore.CheckLink(rec, prev); err != nil {
		return false, err
	}
	return r.Apply(rec.Sequence, rec.Event), nil
}

// EncodeRow returns the row's stored form. Equal rows encode to equal
// bytes: the encoding has no maps in random order and no floats.
func EncodeRow(r *Row) ([]byte, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode row of %s: %w", r.ID, err)
	}
	return b, nil
}

// DecodeRow reads a row stored by EncodeRow.
func DecodeRow(b []byte) (*Row, error) {
	var r Row
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("decode projection row: %w", err)
	}
	if r.ID == "" {
		return nil, fmt.Errorf("decode projection row: no project id")
	}
	return &r, nil
}

package eventstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/keyprojects/ledger/domain"
)

// BundleFormat names the audit bundle's format and version.
const BundleFormat = "ledger-audit-bundle/1"

// Bundle is one project's full history as an auditor archives it: every
// event's exact stored bytes (canonical CBOR) with its stream position and
// hash, and where the stream stood when the bundle was made. CheckBundle
// verifies it without any NATS server.
type Bundle struct {
	Format    string           `json:"format"`
	Project   domain.ProjectID `json:"project"`
	Stream    string           `json:"stream"`
	Subject   string           `json:"subject_prefix"`
	CreatedAt time.Time        `json:"created_at"`
	// StreamLastSeq is the stream's last sequence when the bundle was
	// made: the checkpoint the bundle is complete up to.
	StreamLastSeq uint64 `json:"stream_last_seq"`
	// EventCount and LastHash restate the bundle's end: an auditor compares
	// them with `ledger verify PROJECT` on the live ledger, since a bundle
	// cut short and re-sealed cannot be told from a shorter history offline.
	EventCount int           `json:"event_count"`
	LastHash   string        `json:"last_hash"`
	Events     []BundleEvent `json:"events"`
}

// BundleEvent is one event of a bundle. CBOR is the authority; Summary is
// for people reading the bundle.
type BundleEvent struct {
	Sequence uint64           `json:"sequence"`
	Subject  string           `json:"subject"`
	Type     domain.EventType `json:"type"`
	Summary  string           `json:"summary"`
	Hash     string           `json:"hash"`
	CBOR     []byte           `json:"cbor"` // base64 in the file
}

// Bundle collects project p's history.
func (s *Store) Bundle(ctx context.Context, p domain.ProjectID) (Bundle, error) {
	last, err := s.LastSequence(ctx)
	if err != nil {
		return Bundle{}, err
	}
	b := Bundle{Format: BundleFormat, Project: p, Stream: s.spec.Name, Subject: s.spec.Subject,
		CreatedAt: s.clock.Now().UTC(), StreamLastSeq: last}
	msgs, err := s.rawMessages(ctx, p, 1)
	if err != nil {
		return Bundle{}, err
	}
	for m, err := range msgs {
		if err != nil {
			return Bundle{}, err
		}
		if m.Sequence > last {
			break
		}
		be := BundleEvent{Sequence: m.Sequence, Subject: m.Subject, CBOR: m.Data}
		if e, err := s.codec.Decode(m.Data); err == nil {
			be.Type, be.Summary, be.Hash = e.Type, domain.Describe(e), hex.EncodeToString(e.Hash)
		}
		b.Events = append(b.Events, be)
	}
	if len(b.Events) == 0 {
		return Bundle{}, fmt.Errorf("project %s has no events", p)
	}
	b.EventCount, b.LastHash = len(b.Events), b.Events[len(b.Events)-1].Hash
	return b, nil
}

// digestPrefix starts a bundle file's last line.
const digestPrefix = "sha256:"

// WriteBundle writes b as indented JSON followed by one line holding the
// SHA-256 of those exact bytes, so that changing any byte of the file is
// detected.
func WriteBundle(w io.Writer, b Bundle) error {
	body, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return fmt.Errorf("encode bundle: %w", err)
	}
	sum := sha256.Sum256(body)
	if _, err := w.Write(body); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "\n%s%s\n", digestPrefix, hex.EncodeToString(sum[:]))
	return err
}

// ErrBundle is matched (errors.Is) by every failed bundle check.
var ErrBundle = errors.New("audit bundle does not verify")

// CheckBundle reads a bundle written by WriteBundle and verifies it offline:
// the file's digest, every event's hash over its bytes, the chain from the
// project's genesis value, the subjects and the stream order. It returns
// the bundle and the verification, or an error matching ErrBundle that
// names what is wrong.
func CheckBundle(data []byte) (Bundle, Verification, error) {
	body, digestLine, ok := cutLastLine(data)
	if !ok || !strings.HasPrefix(digestLine, digestPrefix) {
		return Bundle{}, Verification{}, fmt.Errorf("%w: no %s line at its end", ErrBundle, digestPrefix)
	}
	sum := sha256.Sum256(body)
	if want := strings.TrimPrefix(digestLine, digestPrefix); want != hex.EncodeToString(sum[:]) {
		return Bundle{}, Verification{}, fmt.Errorf("%w: the file was changed: its content hashes to %s, its last line says %s",
			ErrBundle, hex.EncodeToString(sum[:]), want)
	}
	var b Bundle
	if err := json.Unmarshal(body, &b); err != nil {
		return Bundle{}, Verification{}, fmt.Errorf("%w: %v", ErrBundle, err)
	}
	if b.Format != BundleFormat {
		return b, Verification{}, fmt.Errorf("%w: format %q, expected %q", ErrBundle, b.Format, BundleFormat)
	}
	if len(b.Events) == 0 || b.EventCount != len(b.Events) || b.Events[len(b.Events)-1].Hash != b.LastHash {
		return b, Verification{}, fmt.Errorf("%w: it lists %d events but says it holds %d ending with hash %s", ErrBundle, len(b.Events), b.EventCount, b.LastHash)
	}
	c := newChainChecker(NewCodec(), StreamSpec{Name: b.Stream, Subject: b.Subject})
	var prevSeq uint64
	for _, e := range b.Events {
		if e.Sequence <= prevSeq || e.Sequence > b.StreamLastSeq {
			return b, Verification{}, fmt.Errorf("%w: event at sequence %d is out of order or after the checkpoint %d", ErrBundle, e.Sequence, b.StreamLastSeq)
		}
		prevSeq = e.Sequence
		c.check(e.Subject, e.Sequence, nil, e.CBOR)
		if d, err := c.codec.Decode(e.CBOR); err == nil && (hex.EncodeToString(d.Hash) != e.Hash || d.Project != b.Project) {
			c.fail(d.Project, e.Sequence, e.Subject, d.Type, fmt.Sprintf("listed with hash %s for project %s, but its bytes say %s for %s",
				e.Hash, b.Project, hex.EncodeToString(d.Hash), d.Project))
		}
	}
	v := c.result()
	if len(v.Breaks) > 0 {
		return b, v, fmt.Errorf("%w: %s", ErrBundle, v.Breaks[0].Error())
	}
	return b, v, nil
}

func cutLastLine(data []byte) (body []byte, last string, ok bool) {
	data = bytes.TrimRight(data, "\n")
	i := bytes.LastIndexByte(data, '\n')
	if i < 0 {
		return nil, "", false
	}
	return data[:i], string(data[i+1:]), true
}

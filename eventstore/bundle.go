package eventstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/keyprojects/ledger/domain"
)

// BundleFormat names the audit bundle's format and version.
const BundleFormat = "ledger-audit-bundle/2"

// BundleFormatEvidence is the format of a bundle that also holds its
// project's files of evidence (Bundle.Evidence). A bundle without them is
// written in BundleFormat, as before.
const BundleFormatEvidence = "ledger-audit-bundle/3"

// BundleFormatV1 is the earlier format, still read: it has no seal, so its
// stream, subject prefix, creation time, checkpoint and sequences are
// covered only by the file's last line.
const BundleFormatV1 = "ledger-audit-bundle/1"

// Bundle is one project's full history as an auditor archives it: every
// event's exact stored bytes (canonical CBOR) with its stream position and
// hash, and where the stream stood when the bundle was made. CheckBundle
// verifies it without any NATS server.
//
// Every field is either derived from the events' bytes, which the hash
// chain covers (Project, EventCount, LastHash and each event's Subject,
// Type, Summary and Hash), or restated in Seal, which Digest covers
// (Stream, Subject, CreatedAt, StreamLastSeq and each event's Sequence).
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
	// Evidence are the files of evidence the events list, each once, in
	// the order the events first list them (BundleFormatEvidence only).
	// Their digests are in the events, which the hash chain covers.
	Evidence []BundleFile `json:"evidence,omitempty"`
	// Seal is the canonical CBOR of every claim above that the events'
	// bytes do not state: format, project, stream, subject prefix,
	// creation time, checkpoint, event count, last hash, each event's
	// sequence with its hash, and each file of evidence's digest and size
	// (base64 in the file).
	Seal []byte `json:"seal,omitempty"`
	// Digest is "sha256:" and the hex SHA-256 of Seal.
	Digest string `json:"digest,omitempty"`
}

// BundleEvent is one event of a bundle. CBOR is the authority: Subject,
// Type, Summary and Hash must read as the CBOR says; Sequence must be as
// the bundle's seal says.
type BundleEvent struct {
	Sequence uint64           `json:"sequence"`
	Subject  string           `json:"subject"`
	Type     domain.EventType `json:"type"`
	Summary  string           `json:"summary"`
	Hash     string           `json:"hash"`
	CBOR     []byte           `json:"cbor"` // base64 in the file
}

// BundleFile is a file of evidence in a bundle: its content, and the
// SHA-256 and size the events that list it record.
type BundleFile struct {
	SHA256  string `json:"sha256"`
	Size    int64  `json:"size"`
	Content []byte `json:"content"` // base64 in the file
}

// bundleSeal is the canonical form of a bundle's claims that its events
// do not state.
type bundleSeal struct {
	Format        string      `cbor:"format"`
	Project       string      `cbor:"project"`
	Stream        string      `cbor:"stream"`
	SubjectPrefix string      `cbor:"subject_prefix"`
	CreatedAt     string      `cbor:"created_at"`
	StreamLastSeq uint64      `cbor:"stream_last_seq"`
	EventCount    int         `cbor:"event_count"`
	LastHash      string      `cbor:"last_hash"`
	Events        []sealEvent `cbor:"events"`
	// Evidence is empty, and left out, in a bundle without files: its
	// seal reads as before.
	Evidence []sealFile `cbor:"evidence,omitempty"`
}

// sealFile is one file of evidence in a bundle's seal.
type sealFile struct {
	SHA256 string `cbor:"sha256"`
	Size   int64  `cbor:"size"`
}

// sealEvent is one event's position in a bundle's seal.
type sealEvent struct {
	Sequence uint64 `cbor:"sequence"`
	Hash     string `cbor:"hash"`
}

// sealOf returns b's claims as its seal states them.
func sealOf(b Bundle) bundleSeal {
	s := bundleSeal{Format: b.Format, Project: string(b.Project), Stream: b.Stream, SubjectPrefix: b.Subject,
		CreatedAt: b.CreatedAt.Format(time.RFC3339Nano), StreamLastSeq: b.StreamLastSeq, EventCount: b.EventCount, LastHash: b.LastHash,
		Events: make([]sealEvent, len(b.Events))}
	for i, e := range b.Events {
		s.Events[i] = sealEvent{Sequence: e.Sequence, Hash: e.Hash}
	}
	for _, f := range b.Evidence {
		s.Evidence = append(s.Evidence, sealFile{SHA256: f.SHA256, Size: f.Size})
	}
	return s
}

// digestOf returns the Digest of seal.
func digestOf(seal []byte) string {
	sum := sha256.Sum256(seal)
	return digestPrefix + hex.EncodeToString(sum[:])
}

// A BundleOption changes what Bundle collects.
type BundleOption func(*bundleOptions)

type bundleOptions struct {
	open EvidenceOpener
}

// EvidenceOpener returns the content of the file of evidence whose hex
// SHA-256 is sha256 (package evidence's Store.Open).
type EvidenceOpener func(ctx context.Context, sha256 string) (io.ReadCloser, error)

// WithEvidence makes Bundle include the files of evidence the project's
// events list, read through open. The bundle is then refused when a file
// cannot be read or does not match the digest and size its event
// records.
func WithEvidence(open EvidenceOpener) BundleOption {
	return func(o *bundleOptions) { o.open = open }
}

// Bundle collects project p's history. It refuses a history holding a
// message that is not a readable ledger event.
func (s *Store) Bundle(ctx context.Context, p domain.ProjectID, opts ...BundleOption) (Bundle, error) {
	var o bundleOptions
	for _, opt := range opts {
		opt(&o)
	}
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
	var events []domain.Event
	for m, err := range msgs {
		if err != nil {
			return Bundle{}, err
		}
		if m.Sequence > last {
			break
		}
		e, err := s.codec.Decode(m.Data)
		if err != nil {
			return Bundle{}, fmt.Errorf("bundle %s: stream sequence %d (%s): %w", p, m.Sequence, m.Subject, err)
		}
		b.Events = append(b.Events, BundleEvent{Sequence: m.Sequence, Subject: m.Subject, Type: e.Type,
			Summary: domain.Describe(e), Hash: hex.EncodeToString(e.Hash), CBOR: m.Data})
		events = append(events, e)
	}
	if len(b.Events) == 0 {
		return Bundle{}, fmt.Errorf("project %s has no events", p)
	}
	if o.open != nil {
		if b.Evidence, err = bundleEvidence(ctx, p, events, o.open); err != nil {
			return Bundle{}, err
		}
		if len(b.Evidence) > 0 {
			b.Format = BundleFormatEvidence
		}
	}
	b.EventCount, b.LastHash = len(b.Events), b.Events[len(b.Events)-1].Hash
	if b.Seal, err = s.codec.enc.Marshal(sealOf(b)); err != nil {
		return Bundle{}, fmt.Errorf("seal bundle: %w", err)
	}
	b.Digest = digestOf(b.Seal)
	return b, nil
}

// listedFile is a file of evidence as the first event that lists it
// records it.
type listedFile struct {
	domain.EvidenceFile
	event string // the id of the evidence_attached event
}

// listedFiles returns the files of evidence events list, each content
// once, in the order they are first listed, and every listing of each by
// its SHA-256.
func listedFiles(events []domain.Event) ([]listedFile, map[string][]listedFile) {
	var order []listedFile
	all := map[string][]listedFile{}
	for _, e := range events {
		d, ok := e.Data.(*domain.EvidenceAttachedData)
		if !ok {
			continue
		}
		for _, f := range d.Files {
			l := listedFile{EvidenceFile: f, event: e.ID}
			if len(all[f.SHA256]) == 0 {
				order = append(order, l)
			}
			all[f.SHA256] = append(all[f.SHA256], l)
		}
	}
	return order, all
}

// bundleEvidence reads every file of evidence events list through open
// and checks it against the digest and size its event records.
func bundleEvidence(ctx context.Context, p domain.ProjectID, events []domain.Event, open EvidenceOpener) ([]BundleFile, error) {
	order, _ := listedFiles(events)
	files := make([]BundleFile, 0, len(order))
	for _, f := range order {
		what := fmt.Sprintf("bundle %s: evidence %s (SHA-256 %s, event %s)", p, f.Name, f.SHA256, f.event)
		rc, err := open(ctx, f.SHA256)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		content, err := io.ReadAll(io.LimitReader(rc, max(f.Size, 0)+1))
		_ = rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		sum := sha256.Sum256(content)
		if got := hex.EncodeToString(sum[:]); got != f.SHA256 || int64(len(content)) != f.Size {
			return nil, fmt.Errorf("%s: the evidence store holds other content; ledger verify %s names what is wrong", what, p)
		}
		files = append(files, BundleFile{SHA256: f.SHA256, Size: f.Size, Content: content})
	}
	return files, nil
}

// digestPrefix starts a bundle file's last line and its Digest.
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

// BundleFieldError is a field of a bundle file that does not say what its
// source (the event's CBOR, the seal, the other events) says. CheckBundle
// returns it wrapped with ErrBundle.
type BundleFieldError struct {
	// Field is the field's name in the file ("stream_last_seq",
	// "summary"), "events" for the list itself, or "last line".
	Field string
	// Event is the index in the file's events of the event the field
	// belongs to; -1 for a field of the bundle itself.
	Event int
	// Sequence is that event's sequence as the file states it.
	Sequence uint64
	// Problem says what the file says and what was expected.
	Problem string
}

// Error formats the mismatch as one line.
func (e *BundleFieldError) Error() string {
	if e.Event < 0 {
		return e.Field + ": " + e.Problem
	}
	return fmt.Sprintf("events[%d] (sequence %d) %s: %s", e.Event, e.Sequence, e.Field, e.Problem)
}

func bundleField(field, problem string) *BundleFieldError {
	return &BundleFieldError{Field: field, Event: -1, Problem: problem}
}

func eventField(i int, e BundleEvent, field, problem string) *BundleFieldError {
	return &BundleFieldError{Field: field, Event: i, Sequence: e.Sequence, Problem: problem}
}

// says words a mismatch: the file says found, source says want.
func says(found any, source string, want any) string {
	return fmt.Sprintf("the file says %s, %s says %s", quoted(found), source, quoted(want))
}

func quoted(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}

// CheckBundle reads a bundle written by WriteBundle and verifies it
// offline: every event's hash over its bytes and the chain from the
// project's genesis value; every field derived from the events (project,
// event count, last hash, each event's subject, type, summary and hash)
// against the events' bytes; the seal against its digest and every other
// field (format, stream, subject prefix, creation time, checkpoint, each
// event's sequence) against the seal; sequences strictly increasing up to
// the checkpoint; the file as WriteBundle writes it, and its last line.
// It returns the bundle and the verification, or an error matching
// ErrBundle that names the first field found wrong (a *BundleFieldError
// when it is one field).
//
// A bundle in BundleFormatV1 has no seal: its other fields are checked
// against the file's last line only.
func CheckBundle(data []byte) (Bundle, Verification, error) {
	body, digestLine, ok := cutLastLine(data)
	if !ok || !strings.HasPrefix(digestLine, digestPrefix) {
		return Bundle{}, Verification{}, fmt.Errorf("%w: no %s line at its end", ErrBundle, digestPrefix)
	}
	var b Bundle
	if err := json.Unmarshal(body, &b); err != nil {
		return Bundle{}, Verification{}, fmt.Errorf("%w: not a bundle: %w", ErrBundle, err)
	}
	if b.Format != BundleFormat && b.Format != BundleFormatV1 && b.Format != BundleFormatEvidence {
		return b, Verification{}, fmt.Errorf("%w: %w", ErrBundle, bundleField("format",
			fmt.Sprintf("the file says %q, this ledger reads %q, %q and %q", b.Format, BundleFormatEvidence, BundleFormat, BundleFormatV1)))
	}
	codec := NewCodec()
	if err := checkSeal(codec, b); err != nil {
		return b, Verification{}, fmt.Errorf("%w: %w", ErrBundle, err)
	}
	if err := checkDerived(codec, b); err != nil {
		return b, Verification{}, fmt.Errorf("%w: %w", ErrBundle, err)
	}
	c := newChainChecker(codec, StreamSpec{Name: b.Stream, Subject: b.Subject})
	for _, e := range b.Events {
		c.check(e.Subject, e.Sequence, nil, e.CBOR)
	}
	v := c.result()
	if len(v.Breaks) > 0 {
		br := v.Breaks[0]
		for i, e := range b.Events {
			if e.Sequence == br.Sequence {
				field := "cbor"
				if strings.HasPrefix(br.Problem, "link broken") {
					field = "events" // an event removed, reordered or inserted before this one
				}
				return b, v, fmt.Errorf("%w: %w", ErrBundle, eventField(i, e, field, br.Problem))
			}
		}
		return b, v, fmt.Errorf("%w: %s", ErrBundle, br.Error())
	}
	if err := checkEvidence(codec, b); err != nil {
		return b, v, fmt.Errorf("%w: %w", ErrBundle, err)
	}
	if err := checkLayout(body, b); err != nil {
		return b, v, fmt.Errorf("%w: %w", ErrBundle, err)
	}
	sum := sha256.Sum256(body)
	if want := strings.TrimPrefix(digestLine, digestPrefix); want != hex.EncodeToString(sum[:]) {
		return b, v, fmt.Errorf("%w: %w", ErrBundle, bundleField("last line",
			fmt.Sprintf("the file's content hashes to %s, its last line says %s", hex.EncodeToString(sum[:]), want)))
	}
	return b, v, nil
}

// checkSeal checks b's seal against its digest and b's fields against its
// seal. A BundleFormatV1 bundle has none to check; any other must have one.
func checkSeal(codec *Codec, b Bundle) error {
	if b.Format == BundleFormatV1 && b.Seal == nil && b.Digest == "" {
		return nil
	}
	if b.Seal == nil {
		return bundleField("seal", "missing")
	}
	if got := digestOf(b.Seal); b.Digest != got {
		return bundleField("digest", fmt.Sprintf("the file says %q, the seal hashes to %q", b.Digest, got))
	}
	var s bundleSeal
	if err := codec.dec.Unmarshal(b.Seal, &s); err != nil {
		return bundleField("seal", "not a bundle seal: "+err.Error())
	}
	for _, f := range []struct {
		name        string
		found, want any
	}{
		{"format", b.Format, s.Format},
		{"project", string(b.Project), s.Project},
		{"stream", b.Stream, s.Stream},
		{"subject_prefix", b.Subject, s.SubjectPrefix},
		{"created_at", b.CreatedAt.Format(time.RFC3339Nano), s.CreatedAt},
		{"stream_last_seq", b.StreamLastSeq, s.StreamLastSeq},
		{"event_count", b.EventCount, s.EventCount},
		{"last_hash", b.LastHash, s.LastHash},
	} {
		if f.found != f.want {
			return bundleField(f.name, says(f.found, "its seal", f.want))
		}
	}
	if len(b.Events) != len(s.Events) {
		return bundleField("events", fmt.Sprintf("the file lists %d events, its seal %d", len(b.Events), len(s.Events)))
	}
	for i, e := range b.Events {
		if e.Sequence != s.Events[i].Sequence {
			return eventField(i, e, "sequence", says(e.Sequence, "its seal", s.Events[i].Sequence))
		}
		if e.Hash != s.Events[i].Hash {
			return eventField(i, e, "hash", says(e.Hash, "its seal", s.Events[i].Hash))
		}
	}
	if len(b.Evidence) != len(s.Evidence) {
		return bundleField("evidence", fmt.Sprintf("the file holds %d files of evidence, its seal %d", len(b.Evidence), len(s.Evidence)))
	}
	for i, f := range b.Evidence {
		if f.SHA256 != s.Evidence[i].SHA256 {
			return bundleField(fmt.Sprintf("evidence[%d].sha256", i), says(f.SHA256, "its seal", s.Evidence[i].SHA256))
		}
		if f.Size != s.Evidence[i].Size {
			return bundleField(fmt.Sprintf("evidence[%d].size", i), says(f.Size, "its seal", s.Evidence[i].Size))
		}
	}
	return nil
}

// checkEvidence checks the files of evidence of a BundleFormatEvidence
// bundle against the events that list them: each file's content hashes to
// the SHA-256 and has the size the events record, every file the events
// list is in the bundle once, and no other. A bundle in an earlier
// format holds none.
func checkEvidence(codec *Codec, b Bundle) error {
	if b.Format != BundleFormatEvidence {
		if len(b.Evidence) > 0 {
			return bundleField("evidence", fmt.Sprintf("the file holds %d files of evidence, its format %q none", len(b.Evidence), b.Format))
		}
		return nil
	}
	events := make([]domain.Event, 0, len(b.Events))
	for _, e := range b.Events {
		d, err := codec.Decode(e.CBOR)
		if err != nil {
			return err // checkDerived read every event already
		}
		events = append(events, d)
	}
	order, listed := listedFiles(events)
	if len(b.Evidence) == 0 {
		return bundleField("evidence", fmt.Sprintf("none, in format %q", b.Format))
	}
	inFile := map[string]bool{}
	for i, f := range b.Evidence {
		field := fmt.Sprintf("evidence[%d]", i)
		refs := listed[f.SHA256]
		if len(refs) == 0 {
			return bundleField(field+".sha256", fmt.Sprintf("%q: no event lists a file with this SHA-256", f.SHA256))
		}
		if inFile[f.SHA256] {
			return bundleField(field+".sha256", fmt.Sprintf("%s (SHA-256 %s) is in the file twice", refs[0].Name, f.SHA256))
		}
		inFile[f.SHA256] = true
		sum := sha256.Sum256(f.Content)
		if got := hex.EncodeToString(sum[:]); got != f.SHA256 {
			return bundleField(field+".content", fmt.Sprintf("%s (event %s): the content hashes to %s, the event records %s", refs[0].Name, refs[0].event, got, f.SHA256))
		}
		for _, r := range refs {
			if int64(len(f.Content)) != r.Size || f.Size != r.Size {
				return bundleField(field+".size", fmt.Sprintf("%s (event %s): the file holds %d bytes and says %d, the event records %d", r.Name, r.event, len(f.Content), f.Size, r.Size))
			}
		}
	}
	for _, l := range order {
		if !inFile[l.SHA256] {
			return bundleField("evidence", fmt.Sprintf("%s (SHA-256 %s, event %s) is listed by its event but not in the file", l.Name, l.SHA256, l.event))
		}
	}
	return nil
}

// checkDerived checks the fields of b that its events' bytes state, and
// the order of its sequences.
func checkDerived(codec *Codec, b Bundle) error {
	if len(b.Events) == 0 {
		return bundleField("events", "none: a bundle holds at least its project's first event")
	}
	if b.EventCount != len(b.Events) {
		return bundleField("event_count", says(b.EventCount, "the list of events", len(b.Events)))
	}
	var prev uint64
	var lastHash string
	for i, e := range b.Events {
		if e.Sequence <= prev {
			return eventField(i, e, "sequence", fmt.Sprintf("the file says %d, not after the previous event's %d: sequences must increase", e.Sequence, prev))
		}
		if e.Sequence > b.StreamLastSeq {
			return bundleField("stream_last_seq", fmt.Sprintf("the file says %d, but events[%d] is at sequence %d after it", b.StreamLastSeq, i, e.Sequence))
		}
		prev = e.Sequence
		d, err := codec.Decode(e.CBOR)
		if err != nil {
			return eventField(i, e, "cbor", err.Error())
		}
		if d.Project != b.Project {
			return bundleField("project", says(string(b.Project), fmt.Sprintf("events[%d]'s CBOR", i), string(d.Project)))
		}
		lastHash = hex.EncodeToString(d.Hash)
		for _, f := range []struct {
			name, found, want string
		}{
			{"type", string(e.Type), string(d.Type)},
			{"hash", e.Hash, lastHash},
			{"subject", e.Subject, b.Subject + "." + string(d.Project) + "." + string(d.Type)},
			{"summary", e.Summary, domain.Describe(d)},
		} {
			if f.found != f.want {
				return eventField(i, e, f.name, says(f.found, "its CBOR", f.want))
			}
		}
	}
	if b.LastHash != lastHash {
		return bundleField("last_hash", says(b.LastHash, "the last event's CBOR", lastHash))
	}
	return nil
}

// checkLayout checks that body is b exactly as WriteBundle writes it: no
// field the ledger does not write, no duplicate, no other spelling.
func checkLayout(body []byte, b Bundle) error {
	want, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return fmt.Errorf("encode bundle: %w", err)
	}
	if bytes.Equal(body, want) {
		return nil
	}
	got, exp := bytes.Split(body, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := range max(len(got), len(exp)) {
		var g, w []byte
		if i < len(got) {
			g = got[i]
		}
		if i < len(exp) {
			w = exp[i]
		}
		if !bytes.Equal(g, w) {
			return bundleField(fmt.Sprintf("line %d", i+1), fmt.Sprintf("the file has %q where the ledger writes %q", g, w))
		}
	}
	return bundleField("layout", "the file is not as the ledger writes it")
}

func cutLastLine(data []byte) (body []byte, last string, ok bool) {
	data = bytes.TrimRight(data, "\n")
	i := bytes.LastIndexByte(data, '\n')
	if i < 0 {
		return nil, "", false
	}
	return data[:i], string(data[i+1:]), true
}

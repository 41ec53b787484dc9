package eventstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Defaults of the ledger stream.
const (
	DefaultStream  = "LEDGER"
	DefaultSubject = "ledger"
	// DefaultDuplicateWindow is how long JetStream remembers a Nats-Msg-Id.
	// One hour covers client retries, reconnects and leader elections many
	// times over; idempotency beyond it comes from the command id each
	// event carries, which Execute checks against the project's history.
	// A longer window costs server memory for every id it holds.
	DefaultDuplicateWindow = time.Hour
)

// StreamSpec describes the ledger stream to create or check.
type StreamSpec struct {
	Name            string        // default DefaultStream
	Subject         string        // first subject token, default DefaultSubject
	Replicas        int           // default 1
	DuplicateWindow time.Duration // default DefaultDuplicateWindow
}

func (s StreamSpec) withDefaults() StreamSpec {
	if s.Name == "" {
		s.Name = DefaultStream
	}
	if s.Subject == "" {
		s.Subject = DefaultSubject
	}
	if s.Replicas == 0 {
		s.Replicas = 1
	}
	if s.DuplicateWindow == 0 {
		s.DuplicateWindow = DefaultDuplicateWindow
	}
	return s
}

// Config returns the JetStream configuration of the ledger stream: subjects
// <subject>.<project>.<type>, file storage, no limits, and immutable: deletes
// and purges denied, rollups off.
func (s StreamSpec) Config() jetstream.StreamConfig {
	s = s.withDefaults()
	return jetstream.StreamConfig{
		Name:               s.Name,
		Description:        "key-project progress ledger: immutable events, one subject per project and event type",
		Subjects:           []string{s.Subject + ".*.*"},
		Retention:          jetstream.LimitsPolicy,
		Storage:            jetstream.FileStorage,
		Discard:            jetstream.DiscardNew,
		MaxMsgs:            -1,
		MaxBytes:           -1,
		MaxAge:             0,
		MaxMsgsPerSubject:  -1,
		MaxMsgSize:         -1,
		Replicas:           s.Replicas,
		Duplicates:         s.DuplicateWindow,
		DenyDelete:         true,
		DenyPurge:          true,
		AllowRollup:        false,
		AllowDirect:        true,
		AllowAtomicPublish: true,
	}
}

// EnsureStream checks the ledger stream, creating it when it does not
// exist. Calling it again is harmless. An existing stream whose settings are
// weaker than Config (deletes or purges allowed, rollups on, limits that drop
// events, fewer replicas, no duplicate window) is reported as a
// *StreamSettingsError and left untouched.
//
// It looks before it creates, so that a user allowed to read the stream's
// info but not to create streams (an auditor, a recorder on a shared
// server) can open an existing ledger.
func EnsureStream(ctx context.Context, js jetstream.JetStream, spec StreamSpec) (jetstream.Stream, error) {
	want := spec.Config()
	st, err := js.Stream(ctx, want.Name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		st, err = js.CreateStream(ctx, want)
		if err == nil {
			return st, nil
		}
		if !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			return nil, fmt.Errorf("create stream %s: %w", want.Name, err)
		}
		// Another process created it in between: check theirs.
		st, err = js.Stream(ctx, want.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("open stream %s: %w", want.Name, err)
	}
	if err := checkInfo(st.CachedInfo(), want); err != nil {
		return nil, err
	}
	return st, nil
}

// CheckStream checks the ledger stream's settings and state as
// EnsureStream does, without creating it: a *StreamSettingsError or a
// *StreamDamagedError, or the error of looking it up (matching
// jetstream.ErrStreamNotFound when there is none).
func CheckStream(ctx context.Context, js jetstream.JetStream, spec StreamSpec) error {
	want := spec.Config()
	st, err := js.Stream(ctx, want.Name)
	if err != nil {
		return fmt.Errorf("open stream %s: %w", want.Name, err)
	}
	return checkInfo(st.CachedInfo(), want)
}

// checkInfo holds a stream's settings and state against want.
func checkInfo(info *jetstream.StreamInfo, want jetstream.StreamConfig) error {
	if problems := weaker(info.Config, want); len(problems) > 0 {
		return &StreamSettingsError{Stream: want.Name, Problems: problems}
	}
	if problems := lost(info.State); len(problems) > 0 {
		return &StreamDamagedError{Stream: want.Name, Problems: problems}
	}
	return nil
}

// lost lists what the state of a ledger stream shows it lost. The stream
// never deletes (deny_delete, deny_purge, no limits), so its messages run
// from sequence 1 to its last without a hole; anything else means events
// left it: removed by hand, expired under limits someone set and took
// back, or lost by the server to damaged files.
func lost(st jetstream.StreamState) []string {
	var p []string
	if st.Lost != nil && len(st.Lost.Msgs) > 0 {
		p = append(p, fmt.Sprintf("the server reports %d messages lost (%s) to damaged files", len(st.Lost.Msgs), seqList(st.Lost.Msgs)))
	}
	if st.LastSeq > 0 && st.FirstSeq != 1 {
		p = append(p, fmt.Sprintf("its first message is sequence %d, expected 1: sequences 1 to %d are gone", st.FirstSeq, st.FirstSeq-1))
	} else if st.NumDeleted > 0 {
		p = append(p, fmt.Sprintf("%d messages between sequences 1 and %d are deleted, expected none", st.NumDeleted, st.LastSeq))
	} else if st.Msgs != st.LastSeq {
		p = append(p, fmt.Sprintf("it holds %d messages but its sequences run to %d", st.Msgs, st.LastSeq))
	}
	return p
}

// seqList names up to five sequences of seqs.
func seqList(seqs []uint64) string {
	parts := make([]string, 0, 6)
	for i, q := range seqs {
		if i == 5 {
			parts = append(parts, "...")
			break
		}
		parts = append(parts, fmt.Sprint(q))
	}
	return "sequence " + strings.Join(parts, ", ")
}

// weaker lists how have falls short of want. A mirror is held to the
// contract of a read-only copy instead (weakerMirror).
func weaker(have, want jetstream.StreamConfig) []string {
	if have.Mirror != nil {
		return weakerMirror(have, want)
	}
	var p []string
	if have.Storage != jetstream.FileStorage {
		p = append(p, "storage is "+have.Storage.String()+", expected file")
	}
	if !have.DenyDelete {
		p = append(p, "deletes are allowed, expected deny_delete")
	}
	if !have.DenyPurge {
		p = append(p, "purges are allowed, expected deny_purge")
	}
	if have.AllowRollup {
		p = append(p, "rollups are allowed, expected none")
	}
	if have.Retention != jetstream.LimitsPolicy {
		p = append(p, "retention is "+have.Retention.String()+", expected limits")
	}
	if have.Discard != jetstream.DiscardNew {
		p = append(p, "discard policy is old, expected new")
	}
	if have.Sealed {
		p = append(p, "the stream is sealed, expected open")
	}
	if have.Mirror != nil || len(have.Sources) > 0 {
		p = append(p, "the stream copies another stream (mirror or sources), expected none")
	}
	if have.SubjectTransform != nil || have.RePublish != nil {
		p = append(p, "the stream transforms or republishes subjects, expected neither")
	}
	if have.MaxAge != 0 || have.MaxMsgs > 0 || have.MaxBytes > 0 || have.MaxMsgsPerSubject > 0 {
		p = append(p, fmt.Sprintf("limits drop events (max_age %v, max_msgs %d, max_bytes %d, max_msgs_per_subject %d), expected none",
			have.MaxAge, have.MaxMsgs, have.MaxBytes, have.MaxMsgsPerSubject))
	}
	if have.Replicas < want.Replicas {
		p = append(p, fmt.Sprintf("%d replicas, expected %d", have.Replicas, want.Replicas))
	}
	if have.Duplicates < time.Minute {
		p = append(p, fmt.Sprintf("duplicate window %v, expected at least 1m", have.Duplicates))
	}
	if !have.AllowAtomicPublish {
		p = append(p, "atomic batch publish is off, expected allow_atomic")
	}
	if !have.AllowDirect {
		p = append(p, "direct get is off, expected allow_direct")
	}
	if len(have.Subjects) != 1 || have.Subjects[0] != want.Subjects[0] {
		p = append(p, fmt.Sprintf("subjects %v, expected [%s]", have.Subjects, want.Subjects[0]))
	}
	return p
}

// RepairStreamConfig puts the ledger stream's configuration back to the
// contract (spec.Config), keeping more replicas if it has more, and
// returns what it changed, one entry per setting. It repairs settings,
// not losses: events a changed setting removed stay gone, and the next
// open reports them (StreamDamagedError) until the stream is restored
// from a backup. It needs the right to update the stream.
func RepairStreamConfig(ctx context.Context, js jetstream.JetStream, spec StreamSpec) ([]string, error) {
	want := spec.Config()
	st, err := js.Stream(ctx, want.Name)
	if err != nil {
		return nil, fmt.Errorf("open stream %s: %w", want.Name, err)
	}
	have := st.CachedInfo().Config
	if have.Mirror != nil {
		return nil, &ReadOnlyError{Stream: want.Name, Origin: mirrorOrigin(have.Mirror)}
	}
	changed := weaker(have, want)
	if len(changed) == 0 {
		return nil, nil
	}
	want.Replicas = max(want.Replicas, have.Replicas)
	want.Duplicates = max(want.Duplicates, have.Duplicates)
	if _, err := js.UpdateStream(ctx, want); err != nil {
		return nil, fmt.Errorf("put back the configuration of stream %s: %w", want.Name, err)
	}
	return changed, nil
}

// A mirror of a ledger stream (a city's copy of a county's ledger,
// docs/federation.md) holds the origin's messages with their subjects and
// sequences unchanged, so every reader and verify work on it by its name.
// It is read-only: it has no subjects, the server refuses a publish into
// it, and the ledger appends nothing to it.

// ErrReadOnly is matched (errors.Is) by a *ReadOnlyError.
var ErrReadOnly = errors.New("read-only stream")

// ReadOnlyError refuses a write, or a repair, on a mirror of a ledger
// stream: only the origin's own ledger writes its events.
type ReadOnlyError struct {
	Stream string // the mirror
	Origin string // what it mirrors: stream, and domain when in another one
}

func (e *ReadOnlyError) Error() string {
	return fmt.Sprintf("stream %s is a read-only mirror of %s: nothing is written to it; record on the ledger that owns %s", e.Stream, e.Origin, e.Origin)
}

// Is makes errors.Is(err, ErrReadOnly) true.
func (e *ReadOnlyError) Is(target error) bool { return target == ErrReadOnly }

// mirrorOrigin names the stream m mirrors, with its JetStream domain when
// it reads across one ("LEDGER in domain c1").
func mirrorOrigin(m *jetstream.StreamSource) string {
	if m.Domain != "" {
		return m.Name + " in domain " + m.Domain
	}
	if m.External != nil && m.External.APIPrefix != "" {
		if d, ok := strings.CutPrefix(m.External.APIPrefix, "$JS."); ok {
			if d, ok := strings.CutSuffix(d, ".API"); ok {
				return m.Name + " in domain " + d
			}
		}
		return m.Name + " behind " + m.External.APIPrefix
	}
	return m.Name
}

// CheckWritable returns a *ReadOnlyError when the stream spec names is a
// mirror, nil when it is a stream of its own (whose contract EnsureStream
// checks), or the error of looking it up.
func CheckWritable(ctx context.Context, js jetstream.JetStream, spec StreamSpec) error {
	name := spec.withDefaults().Name
	st, err := js.Stream(ctx, name)
	if err != nil {
		return fmt.Errorf("open stream %s: %w", name, err)
	}
	if m := st.CachedInfo().Config.Mirror; m != nil {
		return &ReadOnlyError{Stream: name, Origin: mirrorOrigin(m)}
	}
	return nil
}

// weakerMirror lists how a mirror falls short of a read-only copy of a
// ledger stream: immutable and without limits as the origin is, every
// message of the origin from its first, with its subject unchanged.
func weakerMirror(have, want jetstream.StreamConfig) []string {
	var p []string
	if have.Storage != jetstream.FileStorage {
		p = append(p, "storage is "+have.Storage.String()+", expected file")
	}
	if !have.DenyDelete {
		p = append(p, "deletes are allowed, expected deny_delete")
	}
	if !have.DenyPurge {
		p = append(p, "purges are allowed, expected deny_purge")
	}
	if have.AllowRollup {
		p = append(p, "rollups are allowed, expected none")
	}
	if have.Retention != jetstream.LimitsPolicy {
		p = append(p, "retention is "+have.Retention.String()+", expected limits")
	}
	if have.MaxAge != 0 || have.MaxMsgs > 0 || have.MaxBytes > 0 || have.MaxMsgsPerSubject > 0 {
		p = append(p, fmt.Sprintf("limits drop events (max_age %v, max_msgs %d, max_bytes %d, max_msgs_per_subject %d), expected none",
			have.MaxAge, have.MaxMsgs, have.MaxBytes, have.MaxMsgsPerSubject))
	}
	if have.Replicas < want.Replicas {
		p = append(p, fmt.Sprintf("%d replicas, expected %d", have.Replicas, want.Replicas))
	}
	if !have.AllowDirect {
		p = append(p, "direct get is off, expected allow_direct")
	}
	m := have.Mirror
	if m.FilterSubject != "" || len(m.SubjectTransforms) > 0 || have.SubjectTransform != nil || have.RePublish != nil {
		p = append(p, "the mirror filters, transforms or republishes subjects, expected every message of "+m.Name+" as it is")
	}
	if m.OptStartSeq > 1 || m.OptStartTime != nil {
		p = append(p, "the mirror starts after the first message of "+m.Name+", expected all of it")
	}
	return p
}

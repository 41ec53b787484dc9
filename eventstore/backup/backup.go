// Package backup copies the ledger's streams into a folder and restores
// them, through JetStream's stream snapshot and restore API
// ($JS.API.STREAM.SNAPSHOT.<stream>, $JS.API.STREAM.RESTORE.<stream>).
//
// The snapshot protocol itself (chunks, flow control, the archive format of
// the server at hand) is left to github.com/nats-io/jsm.go, the library
// the stock nats CLI's `nats stream backup` uses; this package adds what a
// ledger needs around it: a manifest with the stream's last sequence,
// message count and last event hash, a SHA-256 of every file so a damaged
// or partial backup is refused before anything is restored, a refusal to
// overwrite an existing stream, and a check after a restore that the
// stream holds what was backed up and passes the ledger's settings check.
//
// A folder holds:
//
//	manifest.json            what was copied, and a SHA-256 of every other file
//	manifest.sha256          the SHA-256 of manifest.json (sha256sum -c reads it)
//	<stream>/backup.json     the stream's configuration and state (jsm.go)
//	<stream>/stream.arc.s2   the stream's snapshot, s2-compressed (jsm.go;
//	                         stream.tar.s2 from a server before 2.15)
package backup

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nats-io/jsm.go"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/keyprojects/ledger/eventstore"
)

// Format names the layout of a backup folder; a restore refuses others.
const Format = "ledger-backup/1"

// Files of a backup folder besides the streams' own.
const (
	ManifestFile    = "manifest.json"
	ManifestSumFile = "manifest.sha256"
)

// Manifest says what a backup holds. It is written last, so a folder
// without one is a backup that did not finish.
type Manifest struct {
	Format        string    `json:"format"`
	CreatedAt     time.Time `json:"created_at"`
	ServerVersion string    `json:"server_version"`
	// Stream is the ledger stream; Messages, FirstSeq and LastSeq are its
	// state at the moment of its snapshot, LastHash the hash of the event
	// at LastSeq (hex; empty when that message is not a ledger event).
	Stream   string `json:"stream"`
	Messages uint64 `json:"messages"`
	FirstSeq uint64 `json:"first_seq"`
	LastSeq  uint64 `json:"last_seq"`
	LastHash string `json:"last_hash"`
	// Seconds is how long the snapshots took, all streams together.
	Seconds float64 `json:"seconds"`
	// Streams are the streams copied, in the order they were copied (and
	// are restored): the others first, the ledger stream last.
	Streams []StreamCopy `json:"streams"`
	// Files are every file of the backup but the manifest's own two.
	Files []FileSum `json:"files"`
}

// StreamCopy is one stream's part of a backup.
type StreamCopy struct {
	Name      string  `json:"name"`
	Dir       string  `json:"dir"` // folder inside the backup
	Messages  uint64  `json:"messages"`
	Bytes     uint64  `json:"bytes"` // stored size, uncompressed
	FirstSeq  uint64  `json:"first_seq"`
	LastSeq   uint64  `json:"last_seq"`
	Consumers int     `json:"consumers"`
	Seconds   float64 `json:"seconds"`
}

// FileSum is a file of the backup with its size and SHA-256.
type FileSum struct {
	Path   string `json:"path"` // slash-separated, relative to the folder
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Size returns the bytes of every file of the backup.
func (m *Manifest) Size() int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Bytes
	}
	return n
}

// ErrNothingToBackUp is returned when the ledger stream is missing or empty.
var ErrNothingToBackUp = errors.New("nothing to back up")

// ErrDamaged is matched (errors.Is) by a *DamagedError.
var ErrDamaged = errors.New("backup damaged or incomplete")

// DamagedError names the file of a backup folder that is missing, changed
// or unreadable.
type DamagedError struct {
	Dir, File, Problem string
}

// Error implements error.
func (e *DamagedError) Error() string {
	return fmt.Sprintf("backup %s is damaged or incomplete: %s %s", e.Dir, e.File, e.Problem)
}

// Is makes errors.Is(err, ErrDamaged) true.
func (e *DamagedError) Is(target error) bool { return target == ErrDamaged }

// ErrStreamExists is matched (errors.Is) by a *StreamExistsError.
var ErrStreamExists = errors.New("stream exists")

// StreamExistsError reports a stream of the backup that the server already
// has: a restore never overwrites one.
type StreamExistsError struct {
	Stream   string
	Messages uint64
}

// Error implements error.
func (e *StreamExistsError) Error() string {
	return fmt.Sprintf("stream %s already exists (%d messages); restore never overwrites a stream: restore into a fresh data folder or onto a server without it",
		e.Stream, e.Messages)
}

// Is makes errors.Is(err, ErrStreamExists) true.
func (e *StreamExistsError) Is(target error) bool { return target == ErrStreamExists }

// Progress is told, for the stream being copied, how many of its bytes are
// done out of how many. It may be called from other goroutines.
type Progress func(stream string, done, total int64)

// Options configure Create.
type Options struct {
	// Stream names the ledger stream; default eventstore.DefaultStream.
	Stream string
	// Others are streams copied before the ledger stream (the projections'
	// KV streams): copied first, a projection's checkpoint is never ahead
	// of the ledger copy it goes with, so the runner only catches up after
	// a restore.
	Others []string
	// Progress, when not nil, is told how far each stream's copy is.
	Progress Progress
}

// jsmTimeout bounds each request of the snapshot protocol, one chunk at a
// time; the server answers within milliseconds unless a cluster is
// electing a leader.
const jsmTimeout = 10 * time.Second

// Create copies the ledger stream, with its durable consumers, and the
// other streams into dir, which must not exist or be empty. Each stream's
// copy is a consistent snapshot taken by the server, checked by the server
// for damaged messages first. On failure what was written is removed.
func Create(ctx context.Context, nc *nats.Conn, dir string, opts Options) (*Manifest, error) {
	name := opts.Stream
	if name == "" {
		name = eventstore.DefaultStream
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	ledger, err := js.Stream(ctx, name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, fmt.Errorf("no stream %s: %w", name, ErrNothingToBackUp)
	}
	if err != nil {
		return nil, fmt.Errorf("stream %s: %w", name, err)
	}
	if ledger.CachedInfo().State.Msgs == 0 {
		return nil, fmt.Errorf("stream %s is empty: %w", name, ErrNothingToBackUp)
	}
	cleanup, err := claimDir(dir)
	if err != nil {
		return nil, err
	}
	m, err := create(ctx, nc, ledger, dir, name, opts)
	if err != nil {
		cleanup()
		return nil, err
	}
	return m, nil
}

func create(ctx context.Context, nc *nats.Conn, ledger jetstream.Stream, dir, name string, opts Options) (*Manifest, error) {
	mgr, err := jsm.New(nc, jsm.WithTimeout(jsmTimeout))
	if err != nil {
		return nil, fmt.Errorf("jetstream manager: %w", err)
	}
	m := &Manifest{Format: Format, CreatedAt: time.Now().UTC(), ServerVersion: nc.ConnectedServerVersion(), Stream: name}
	start := time.Now()
	for _, s := range append(append([]string(nil), opts.Others...), name) {
		c, err := snapshot(ctx, mgr, dir, s, s == name, opts.Progress)
		if err != nil {
			return nil, err
		}
		m.Streams = append(m.Streams, c)
		if s == name {
			m.Messages, m.FirstSeq, m.LastSeq = c.Messages, c.FirstSeq, c.LastSeq
		}
	}
	m.Seconds = time.Since(start).Seconds()
	if m.LastHash, err = lastHash(ctx, ledger, m.LastSeq); err != nil {
		return nil, err
	}
	for _, c := range m.Streams {
		entries, err := os.ReadDir(filepath.Join(dir, c.Dir))
		if err != nil {
			return nil, err
		}
		for _, e := range entries { // sorted by name
			sum, err := sumFile(dir, c.Dir+"/"+e.Name())
			if err != nil {
				return nil, err
			}
			m.Files = append(m.Files, sum)
		}
	}
	return m, writeManifest(dir, m)
}

// snapshot copies one stream into its own folder of dir.
func snapshot(ctx context.Context, mgr *jsm.Manager, dir, name string, consumers bool, progress Progress) (StreamCopy, error) {
	st, err := mgr.LoadStream(name)
	if err != nil {
		return StreamCopy{}, fmt.Errorf("back up stream %s: %w", name, err)
	}
	opts := []jsm.SnapshotOption{jsm.SnapshotHealthCheck()}
	if consumers {
		// The inspection office's durable consumer resumes where it was.
		opts = append(opts, jsm.SnapshotConsumers())
	}
	var done atomic.Bool // jsm.go may report once more after returning
	if progress != nil {
		opts = append(opts, jsm.SnapshotNotify(func(p jsm.SnapshotProgress) {
			if !done.Load() {
				progress(name, int64(p.UncompressedBytesReceived()), int64(p.BytesExpected()))
			}
		}))
	}
	start := time.Now()
	_, err = st.SnapshotToDirectory(ctx, filepath.Join(dir, name), opts...)
	done.Store(true)
	if err != nil {
		return StreamCopy{}, fmt.Errorf("back up stream %s: %w", name, err)
	}
	meta, err := readStreamMeta(filepath.Join(dir, name))
	if err != nil {
		return StreamCopy{}, fmt.Errorf("back up stream %s: %w", name, err)
	}
	s := meta.State
	return StreamCopy{Name: name, Dir: name, Messages: s.Msgs, Bytes: s.Bytes, FirstSeq: s.FirstSeq, LastSeq: s.LastSeq,
		Consumers: s.Consumers, Seconds: time.Since(start).Seconds()}, nil
}

// streamMeta is what jsm.go writes beside a snapshot: the stream's
// configuration and its state when the server took the snapshot.
type streamMeta struct {
	Config jetstream.StreamConfig `json:"config"`
	State  jetstream.StreamState  `json:"state"`
}

func readStreamMeta(dir string) (streamMeta, error) {
	var m streamMeta
	b, err := os.ReadFile(filepath.Join(dir, jsm.SnapshotMetaFile))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %w", jsm.SnapshotMetaFile, err)
	}
	return m, nil
}

// lastHash returns the hash of the ledger event at seq, hex, or "" when
// that message is not a ledger event.
func lastHash(ctx context.Context, st jetstream.Stream, seq uint64) (string, error) {
	msg, err := st.GetMsg(ctx, seq)
	if err != nil {
		return "", fmt.Errorf("read stream sequence %d: %w", seq, err)
	}
	// A message that is not a ledger event (the stream keeps whatever was
	// published on its subjects) has no hash to record.
	if e, err := eventstore.NewCodec().Decode(msg.Data); err == nil {
		return hex.EncodeToString(e.Hash), nil
	}
	return "", nil
}

// claimDir makes dir, or accepts it when it exists and is empty, and
// returns how to remove what a failed backup leaves in it.
func claimDir(dir string) (cleanup func(), err error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create backup folder: %w", err)
		}
		return func() { _ = os.RemoveAll(dir) }, nil
	case err != nil:
		return nil, fmt.Errorf("backup folder: %w", err)
	case len(entries) > 0:
		return nil, fmt.Errorf("backup folder %s is not empty; back up into a new or empty folder", dir)
	}
	return func() {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			_ = os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}, nil
}

func sumFile(dir, rel string) (FileSum, error) {
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return FileSum{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return FileSum{}, fmt.Errorf("read %s: %w", rel, err)
	}
	return FileSum{Path: rel, Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// writeManifest writes the manifest, then its checksum in the format of
// sha256sum, each synced to disk before the next: a folder whose checksum
// file is there holds a whole backup.
func writeManifest(dir string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	sum := sha256.Sum256(b)
	if err := writeSynced(filepath.Join(dir, ManifestFile), b); err != nil {
		return err
	}
	return writeSynced(filepath.Join(dir, ManifestSumFile), []byte(hex.EncodeToString(sum[:])+"  "+ManifestFile+"\n"))
}

func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Check reads the manifest of the backup in dir and checks every file
// against it. A missing, changed or unreadable file is a *DamagedError
// naming it.
func Check(dir string) (*Manifest, error) {
	damaged := func(file, format string, args ...any) error {
		return &DamagedError{Dir: dir, File: file, Problem: fmt.Sprintf(format, args...)}
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("backup folder %s: not found", dir)
	}
	sumLine, err := os.ReadFile(filepath.Join(dir, ManifestSumFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, damaged(ManifestSumFile, "is missing (a backup writes it last; without it the backup did not finish)")
	}
	if err != nil {
		return nil, damaged(ManifestSumFile, "cannot be read: %v", err)
	}
	want, name, ok := strings.Cut(strings.TrimSpace(string(sumLine)), "  ")
	if !ok || name != ManifestFile || len(want) != sha256.Size*2 {
		return nil, damaged(ManifestSumFile, "is not one line \"<sha256>  %s\"", ManifestFile)
	}
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, damaged(ManifestFile, "is missing")
	}
	if err != nil {
		return nil, damaged(ManifestFile, "cannot be read: %v", err)
	}
	if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != want {
		return nil, damaged(ManifestFile, "has changed since the backup (its sha256 is %s, %s says %s)",
			short(hex.EncodeToString(got[:])), ManifestSumFile, short(want))
	}
	// The format first, so that a later format is named as such rather
	// than as fields this ledger does not know.
	var head struct {
		Format string `json:"format"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, damaged(ManifestFile, "is not a ledger backup manifest: %v", err)
	}
	if head.Format != Format {
		return nil, damaged(ManifestFile, "has format %q; this ledger reads %q", head.Format, Format)
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, damaged(ManifestFile, "is not a ledger backup manifest: %v", err)
	}
	for _, f := range m.Files {
		if !filepath.IsLocal(filepath.FromSlash(f.Path)) {
			return nil, damaged(ManifestFile, "names %q, outside the backup folder", f.Path)
		}
		got, err := sumFile(dir, f.Path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return nil, damaged(f.Path, "is missing")
		case err != nil:
			return nil, damaged(f.Path, "cannot be read: %v", err)
		case got.Bytes != f.Bytes:
			return nil, damaged(f.Path, "has %d bytes, the manifest says %d", got.Bytes, f.Bytes)
		case got.SHA256 != f.SHA256:
			return nil, damaged(f.Path, "has changed since the backup (its sha256 is %s, the manifest says %s)", short(got.SHA256), short(f.SHA256))
		}
	}
	for _, s := range m.Streams {
		if !filepath.IsLocal(s.Dir) || strings.ContainsAny(s.Dir, `/\`) {
			return nil, damaged(ManifestFile, "names stream folder %q, not a folder of the backup", s.Dir)
		}
		if !m.lists(s.Dir+"/"+jsm.SnapshotMetaFile) || !(m.lists(s.Dir+"/"+jsm.SnapshotDataFile) || m.lists(s.Dir+"/"+jsm.SnapshotLegacyDataFile)) {
			return nil, damaged(ManifestFile, "does not list the snapshot files of stream %s", s.Name)
		}
		// A file the manifest does not know would be read by the restore
		// (a second archive) or means folders were mixed up.
		entries, err := os.ReadDir(filepath.Join(dir, s.Dir))
		if err != nil {
			return nil, damaged(s.Dir, "cannot be read: %v", err)
		}
		for _, e := range entries {
			if !m.lists(s.Dir + "/" + e.Name()) {
				return nil, damaged(s.Dir+"/"+e.Name(), "is not part of the backup (not in %s)", ManifestFile)
			}
		}
	}
	if len(m.Streams) == 0 || m.Streams[len(m.Streams)-1].Name != m.Stream {
		return nil, damaged(ManifestFile, "does not end with the ledger stream %s", m.Stream)
	}
	return &m, nil
}

func (m *Manifest) lists(path string) bool {
	for _, f := range m.Files {
		if f.Path == path {
			return true
		}
	}
	return false
}

func short(sum string) string { return sum[:min(len(sum), 12)] }

// RestoreOptions configure Restore.
type RestoreOptions struct {
	// Replicas the restored ledger stream must have at least (the
	// ledger's settings check); 0 means 1.
	Replicas int
	// Progress, when not nil, is told how far each stream's restore is.
	Progress Progress
}

// Restore checks the backup in dir (Check), refuses when the server has any
// of its streams already, and restores every stream with the same
// configuration, messages and sequences. It then checks that the ledger
// stream holds the manifest's message count, sequences and last hash and
// passes the ledger's settings check (eventstore.EnsureStream). When any
// step fails, the streams it restored are deleted again: the server is
// left as it was.
func Restore(ctx context.Context, nc *nats.Conn, dir string, opts RestoreOptions) (*Manifest, error) {
	m, err := Check(dir)
	if err != nil {
		return nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	// The ledger stream (last) first, so the refusal names it when it is
	// there.
	for _, s := range slices.Backward(m.Streams) {
		st, err := js.Stream(ctx, s.Name)
		if err == nil {
			return nil, &StreamExistsError{Stream: s.Name, Messages: st.CachedInfo().State.Msgs}
		}
		if !errors.Is(err, jetstream.ErrStreamNotFound) {
			return nil, fmt.Errorf("stream %s: %w", s.Name, err)
		}
	}
	mgr, err := jsm.New(nc, jsm.WithTimeout(jsmTimeout))
	if err != nil {
		return nil, fmt.Errorf("jetstream manager: %w", err)
	}
	var restored []string
	undo := func(err error) (*Manifest, error) {
		// Not the caller's context: an interrupted restore is undone too.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), jsmTimeout)
		defer cancel()
		for _, name := range restored {
			if derr := js.DeleteStream(uctx, name); derr != nil {
				return nil, fmt.Errorf("%w (and removing the restored stream %s failed: %v; delete it by hand)", err, name, derr)
			}
		}
		return nil, err
	}
	for _, s := range m.Streams {
		if err := restoreStream(ctx, mgr, dir, s, opts.Progress); err != nil {
			// A failed restore may leave the stream half made; but when the
			// server refused because the stream appeared meanwhile, it is
			// someone else's.
			if !jsm.IsNatsError(err, jsErrStreamExistsRestore) {
				restored = append(restored, s.Name)
			}
			return undo(err)
		}
		restored = append(restored, s.Name)
	}
	if err := checkRestored(ctx, nc, m, opts.Replicas); err != nil {
		return undo(err)
	}
	return m, nil
}

// jsErrStreamExistsRestore is the server's error code for a restore onto a
// stream name in use.
const jsErrStreamExistsRestore = 10130

func restoreStream(ctx context.Context, mgr *jsm.Manager, dir string, s StreamCopy, progress Progress) error {
	var sopts []jsm.SnapshotOption
	var done atomic.Bool
	if progress != nil {
		size := int64(0)
		if path, err := jsm.SnapshotDataPath(filepath.Join(dir, s.Dir)); err == nil {
			if st, err := os.Stat(path); err == nil {
				size = st.Size()
			}
		}
		sopts = append(sopts, jsm.RestoreNotify(func(p jsm.RestoreProgress) {
			if !done.Load() {
				progress(s.Name, int64(p.BytesSent()), size)
			}
		}))
	}
	_, state, err := mgr.RestoreSnapshotFromDirectory(ctx, s.Name, filepath.Join(dir, s.Dir), sopts...)
	done.Store(true)
	if err != nil {
		return fmt.Errorf("restore stream %s: %w", s.Name, err)
	}
	// An empty stream's first sequence is 0 in one report and last+1 in
	// another: only a stream with messages is compared on it. A projection
	// bucket keeps one revision per key and drops the older ones as rows
	// are written, so its count (and first sequence) in the state the
	// server reports beside a snapshot taken while the runner writes can
	// differ from what the snapshot holds: it is compared on its last
	// sequence only. The ledger stream never drops a message.
	bucket := strings.HasPrefix(s.Name, "KV_")
	if state.LastSeq != s.LastSeq || (!bucket && (state.Msgs != s.Messages || (s.Messages > 0 && state.FirstSeq != s.FirstSeq))) {
		return fmt.Errorf("restore stream %s: the server holds %d messages at sequences %d-%d, the backup %d at %d-%d",
			s.Name, state.Msgs, state.FirstSeq, state.LastSeq, s.Messages, s.FirstSeq, s.LastSeq)
	}
	return nil
}

// checkRestored opens the restored ledger stream as the ledger would and
// compares it with the manifest.
func checkRestored(ctx context.Context, nc *nats.Conn, m *Manifest, replicas int) error {
	store, err := eventstore.Open(ctx, nc, eventstore.WithStream(eventstore.StreamSpec{Name: m.Stream, Replicas: replicas}))
	if err != nil {
		return fmt.Errorf("the restored stream %s: %w", m.Stream, err)
	}
	st, err := store.JetStream().Stream(ctx, m.Stream)
	if err != nil {
		return fmt.Errorf("the restored stream %s: %w", m.Stream, err)
	}
	s := st.CachedInfo().State
	if s.Msgs != m.Messages || s.LastSeq != m.LastSeq {
		return fmt.Errorf("the restored stream %s holds %d messages up to sequence %d, the backup %d up to %d",
			m.Stream, s.Msgs, s.LastSeq, m.Messages, m.LastSeq)
	}
	hash, err := lastHash(ctx, st, m.LastSeq)
	if err != nil {
		return fmt.Errorf("the restored stream %s: %w", m.Stream, err)
	}
	if hash != m.LastHash {
		return fmt.Errorf("the restored stream %s ends with hash %s, the backup with %s", m.Stream, short(hash), short(m.LastHash))
	}
	return nil
}

// Package backup copies the ledger's streams into a folder and restores
// them, through JetStream's stream snapshot and restore API
// ($JS.API.STREAM.SNAPSHOT.<stream>, $JS.API.STREAM.RESTORE.<stream>).
//
// The snapshot protocol itself (chunks, flow control, the archive format of
// the server at hand) is left to github.com/nats-io/jsm.go, the library
// the stock nats CLI's `nats stream backup` uses; this package adds what a
// ledger needs around it: a read of the whole ledger stream, message by
// message, that refuses to back up (or to pass, or to restore) a stream
// that is missing a sequence, holds a message that is not a ledger event
// or breaks its project's hash chain, or whose state says messages were
// deleted or lost; a manifest with the stream's last sequence, message
// count and last event hash; a SHA-256 of every file so a damaged or
// partial backup is refused before anything is restored; a check that
// restores a backup into a scratch server of its own and reads it back
// whole (Verify); a refusal to overwrite an existing stream; and a check
// after a restore that the stream holds what was backed up, reads back
// whole and passes the ledger's settings check.
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
	"github.com/nats-io/jsm.go/api"
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
// or unreadable, or whose content does not restore whole.
type DamagedError struct {
	Dir, File, Problem string
	// Err is the error behind Problem, when there is one (a
	// *NotWholeError for a snapshot that restores but does not read back
	// whole).
	Err error
}

// Error implements error.
func (e *DamagedError) Error() string {
	return fmt.Sprintf("backup %s is damaged or incomplete: %s %s", e.Dir, e.File, e.Problem)
}

// Is makes errors.Is(err, ErrDamaged) true.
func (e *DamagedError) Is(target error) bool { return target == ErrDamaged }

// Unwrap returns Err.
func (e *DamagedError) Unwrap() error { return e.Err }

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
// copy is a consistent snapshot taken by the server. After the ledger
// stream's snapshot the stream is read back from sequence 1 to the
// snapshot's last, message by message, and the backup fails, naming the
// first bad sequence (*NotWholeError), when one is missing or unreadable,
// is not a ledger event, or breaks its project's hash chain, or when the
// stream's state says messages were deleted or lost; then the stream's
// settings are checked as a restore will (eventstore.EnsureStream). On
// failure what was written is removed and the manifest never written:
// nothing is left that looks like a backup.
func Create(ctx context.Context, nc *nats.Conn, dir string, opts Options) (*Manifest, *Verified, error) {
	name := opts.Stream
	if name == "" {
		name = eventstore.DefaultStream
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, nil, fmt.Errorf("jetstream: %w", err)
	}
	ledger, err := js.Stream(ctx, name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, nil, fmt.Errorf("no stream %s: %w", name, ErrNothingToBackUp)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("stream %s: %w", name, err)
	}
	if ledger.CachedInfo().State.Msgs == 0 {
		return nil, nil, fmt.Errorf("stream %s is empty: %w", name, ErrNothingToBackUp)
	}
	if _, err := ledgerSubject(ledger.CachedInfo().Config); err != nil {
		return nil, nil, err
	}
	cleanup, err := claimDir(dir)
	if err != nil {
		return nil, nil, err
	}
	m, v, err := create(ctx, nc, js, dir, name, opts)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return m, v, nil
}

func create(ctx context.Context, nc *nats.Conn, js jetstream.JetStream, dir, name string, opts Options) (*Manifest, *Verified, error) {
	mgr, err := jsm.New(nc, jsm.WithTimeout(jsmTimeout))
	if err != nil {
		return nil, nil, fmt.Errorf("jetstream manager: %w", err)
	}
	m := &Manifest{Format: Format, CreatedAt: time.Now().UTC(), ServerVersion: nc.ConnectedServerVersion(), Stream: name}
	start := time.Now()
	var ledgerState jetstream.StreamState
	for _, s := range append(append([]string(nil), opts.Others...), name) {
		c, state, err := snapshot(ctx, mgr, dir, s, s == name, opts.Progress)
		if err != nil {
			return nil, nil, err
		}
		m.Streams = append(m.Streams, c)
		if s == name {
			m.Messages, m.FirstSeq, m.LastSeq = c.Messages, c.FirstSeq, c.LastSeq
			ledgerState = state
		}
	}
	m.Seconds = time.Since(start).Seconds()
	// What the snapshot holds is what the server reads of its files: the
	// stream is read back up to the snapshot's end, then the state the
	// snapshot was taken with is checked.
	v, err := verifyStream(ctx, nc, name, m.LastSeq)
	if err != nil {
		return nil, nil, err
	}
	if err := wholeState(name, ledgerState, m.LastSeq); err != nil {
		return nil, nil, err
	}
	// The settings a restore will check: a backup a restore refuses is no
	// backup.
	if _, err := eventstore.EnsureStream(ctx, js, eventstore.StreamSpec{Name: name}); err != nil {
		return nil, nil, err
	}
	m.LastHash = v.LastHash
	for _, c := range m.Streams {
		entries, err := os.ReadDir(filepath.Join(dir, c.Dir))
		if err != nil {
			return nil, nil, err
		}
		for _, e := range entries { // sorted by name
			sum, err := sumFile(dir, c.Dir+"/"+e.Name())
			if err != nil {
				return nil, nil, err
			}
			m.Files = append(m.Files, sum)
		}
	}
	if err := writeManifest(dir, m); err != nil {
		return nil, nil, err
	}
	return m, v, nil
}

// snapshot copies one stream into its own folder of dir, and returns the
// state the server took it in.
func snapshot(ctx context.Context, mgr *jsm.Manager, dir, name string, consumers bool, progress Progress) (StreamCopy, jetstream.StreamState, error) {
	fail := func(err error) (StreamCopy, jetstream.StreamState, error) {
		return StreamCopy{}, jetstream.StreamState{}, fmt.Errorf("back up stream %s: %w", name, err)
	}
	st, err := mgr.LoadStream(name)
	if err != nil {
		return fail(err)
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
		return fail(err)
	}
	meta, err := readStreamMeta(filepath.Join(dir, name))
	if err != nil {
		return fail(err)
	}
	s := meta.State
	return StreamCopy{Name: name, Dir: name, Messages: s.Msgs, Bytes: s.Bytes, FirstSeq: s.FirstSeq, LastSeq: s.LastSeq,
		Consumers: s.Consumers, Seconds: time.Since(start).Seconds()}, s, nil
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
// configuration, messages and sequences. It then checks the ledger stream:
// a read of every message from sequence 1 to the manifest's last that
// finds each there, a ledger event whose hash and link hold; the
// manifest's message count, sequences and last hash; and the ledger's
// settings check (eventstore.EnsureStream). Content of the backup that
// does not restore whole is a *DamagedError naming the stream's archive
// (wrapping a *NotWholeError naming the first bad sequence, when a
// message is the problem). When any step fails, the streams it restored
// are deleted again: the server is left as it was.
func Restore(ctx context.Context, nc *nats.Conn, dir string, opts RestoreOptions) (*Manifest, *Verified, error) {
	m, err := Check(dir)
	if err != nil {
		return nil, nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, nil, fmt.Errorf("jetstream: %w", err)
	}
	// The ledger stream (last) first, so the refusal names it when it is
	// there.
	for _, s := range slices.Backward(m.Streams) {
		st, err := js.Stream(ctx, s.Name)
		if err == nil {
			return nil, nil, &StreamExistsError{Stream: s.Name, Messages: st.CachedInfo().State.Msgs}
		}
		if !errors.Is(err, jetstream.ErrStreamNotFound) {
			return nil, nil, fmt.Errorf("stream %s: %w", s.Name, err)
		}
	}
	var restored []string
	v, err := restoreAndVerify(ctx, nc, dir, m, restoreTarget{replicas: opts.Replicas, progress: opts.Progress},
		func(name string) { restored = append(restored, name) })
	if bad := (*restoreError)(nil); errors.As(err, &bad) && ctx.Err() == nil {
		err = &DamagedError{Dir: dir, File: bad.file, Problem: bad.problem(), Err: bad.err}
	}
	if err != nil {
		// Not the caller's context: an interrupted restore is undone too.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), jsmTimeout)
		defer cancel()
		for _, name := range restored {
			if derr := js.DeleteStream(uctx, name); derr != nil {
				return nil, nil, fmt.Errorf("%w (and removing the restored stream %s failed: %v; delete it by hand)", err, name, derr)
			}
		}
		return nil, nil, err
	}
	return m, v, nil
}

// VerifyOptions configure Verify.
type VerifyOptions struct {
	// TempDir is where the scratch server keeps the restored streams
	// while it checks them; default os.TempDir(). It needs about as
	// much free space as the backed-up data folder's streams take.
	TempDir string
	// Progress, when not nil, is told how far each stream's restore is.
	Progress Progress
}

// Verify checks the backup in dir as far as a restore would, without
// touching any server of the caller's: it checks every file against the
// manifest (Check), then restores every stream into a scratch embedded
// server in a new folder of opts.TempDir, checks the restored ledger
// stream as Restore does (every message from sequence 1 to the last read
// back, each a ledger event whose hash and link hold; the manifest's
// counts, sequences and last hash; the ledger's settings), and removes the
// scratch server and its folder. A backup that does not restore whole is
// a *DamagedError naming the stream's archive; when a message is the
// problem it wraps a *NotWholeError naming its sequence.
//
// The scratch server stores every stream with one replica, whatever the
// backup says: it checks what the backup holds, not where it goes.
func Verify(ctx context.Context, dir string, opts VerifyOptions) (*Manifest, *Verified, error) {
	m, err := Check(dir)
	if err != nil {
		return nil, nil, err
	}
	tmp, err := os.MkdirTemp(opts.TempDir, "ledger-backup-check-")
	if err != nil {
		return nil, nil, fmt.Errorf("scratch folder for the check: %w", err)
	}
	defer os.RemoveAll(tmp)
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: tmp, DontListen: true})
	if err != nil {
		return nil, nil, fmt.Errorf("scratch server for the check: %w", err)
	}
	defer srv.Shutdown()
	nc, err := srv.Connect()
	if err != nil {
		return nil, nil, fmt.Errorf("scratch server for the check: %w", err)
	}
	defer nc.Close()
	v, err := restoreAndVerify(ctx, nc, dir, m, restoreTarget{scratch: true, progress: opts.Progress}, func(string) {})
	if bad := (*restoreError)(nil); errors.As(err, &bad) && ctx.Err() == nil {
		return nil, nil, &DamagedError{Dir: dir, File: bad.file, Problem: bad.problem(), Err: bad.err}
	}
	if err != nil {
		return nil, nil, err
	}
	return m, v, nil
}

// restoreTarget says where restoreAndVerify restores.
type restoreTarget struct {
	// replicas the ledger stream must have at least; 0 means 1.
	replicas int
	// scratch: a server of the check's own, where every stream is
	// restored with one replica and no placement.
	scratch  bool
	progress Progress
}

// restoreError is a stream of the backup that did not restore whole.
type restoreError struct {
	stream, file string // file: the stream's archive in the backup
	restores     bool   // the server took the archive, but what it holds is not what it should be
	err          error
}

func (e *restoreError) Error() string { return e.err.Error() }
func (e *restoreError) Unwrap() error { return e.err }

// problem says what is wrong with the archive, for a *DamagedError.
func (e *restoreError) problem() string {
	if e.restores {
		return "restores, but not whole: " + e.err.Error()
	}
	return "does not restore: " + e.err.Error()
}

// restoreAndVerify restores every stream of the backup m in dir onto the
// server of nc, telling restored each stream it created, then checks the
// ledger stream's settings, reads it back whole and compares it with the
// manifest. A stream whose archive does not restore, or restores other
// than the manifest says, is a *restoreError.
func restoreAndVerify(ctx context.Context, nc *nats.Conn, dir string, m *Manifest, to restoreTarget, restored func(string)) (*Verified, error) {
	mgr, err := jsm.New(nc, jsm.WithTimeout(jsmTimeout))
	if err != nil {
		return nil, fmt.Errorf("jetstream manager: %w", err)
	}
	var ledger StreamCopy
	var ledgerState *api.StreamState
	for _, s := range m.Streams {
		state, err := restoreStream(ctx, mgr, dir, s, to)
		if err != nil {
			// A failed restore may leave the stream half made; but when the
			// server refused because the stream appeared meanwhile, it is
			// someone else's.
			if !jsm.IsNatsError(err, jsErrStreamExistsRestore) {
				restored(s.Name)
			}
			return nil, err
		}
		restored(s.Name)
		if s.Name == m.Stream {
			// Compared after the read, which names a missing message.
			ledger, ledgerState = s, state
			continue
		}
		if err := sameState(dir, s, state); err != nil {
			return nil, err
		}
	}
	// The read first: it names the first bad message.
	v, err := verifyStream(ctx, nc, m.Stream, m.LastSeq)
	if errors.Is(err, ErrNotWhole) {
		return nil, &restoreError{stream: m.Stream, file: archiveOf(dir, ledger), restores: true, err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("the restored stream %s: %w", m.Stream, err)
	}
	if err := sameState(dir, ledger, ledgerState); err != nil {
		return nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	if _, err := eventstore.EnsureStream(ctx, js, eventstore.StreamSpec{Name: m.Stream, Replicas: to.replicas}); err != nil {
		return nil, fmt.Errorf("the restored stream %s: %w", m.Stream, err)
	}
	if v.Events != int(m.Messages) || v.LastHash != m.LastHash {
		return nil, &restoreError{stream: m.Stream, file: archiveOf(dir, ledger), restores: true, err: fmt.Errorf(
			"the restored stream %s holds %d events ending with hash %s, the manifest %d ending with %s",
			m.Stream, v.Events, short(v.LastHash), m.Messages, short(m.LastHash))}
	}
	return v, nil
}

// jsErrStreamExistsRestore is the server's error code for a restore onto a
// stream name in use.
const jsErrStreamExistsRestore = 10130

// archiveOf returns the path in the backup of stream s's archive.
func archiveOf(dir string, s StreamCopy) string {
	if _, err := os.Stat(filepath.Join(dir, s.Dir, jsm.SnapshotLegacyDataFile)); err == nil {
		return s.Dir + "/" + jsm.SnapshotLegacyDataFile
	}
	return s.Dir + "/" + jsm.SnapshotDataFile
}

func restoreStream(ctx context.Context, mgr *jsm.Manager, dir string, s StreamCopy, to restoreTarget) (*api.StreamState, error) {
	var sopts []jsm.SnapshotOption
	if to.scratch {
		var meta struct {
			Config api.StreamConfig `json:"config"`
		}
		b, err := os.ReadFile(filepath.Join(dir, s.Dir, jsm.SnapshotMetaFile))
		if err == nil {
			err = json.Unmarshal(b, &meta)
		}
		if err != nil {
			return nil, &restoreError{stream: s.Name, file: s.Dir + "/" + jsm.SnapshotMetaFile, err: err}
		}
		meta.Config.Replicas, meta.Config.Placement = 1, nil
		sopts = append(sopts, jsm.RestoreConfiguration(meta.Config))
	}
	var done atomic.Bool
	if to.progress != nil {
		size := int64(0)
		if path, err := jsm.SnapshotDataPath(filepath.Join(dir, s.Dir)); err == nil {
			if st, err := os.Stat(path); err == nil {
				size = st.Size()
			}
		}
		sopts = append(sopts, jsm.RestoreNotify(func(p jsm.RestoreProgress) {
			if !done.Load() {
				to.progress(s.Name, int64(p.BytesSent()), size)
			}
		}))
	}
	_, state, err := mgr.RestoreSnapshotFromDirectory(ctx, s.Name, filepath.Join(dir, s.Dir), sopts...)
	done.Store(true)
	if err != nil {
		err = fmt.Errorf("restore stream %s: %w", s.Name, err)
		if to.scratch && ctx.Err() == nil {
			// Nothing else is on the scratch server: the archive is the
			// cause.
			return nil, &restoreError{stream: s.Name, file: archiveOf(dir, s), err: err}
		}
		return nil, err
	}
	return state, nil
}

// sameState compares the state the server reports of a restored stream
// with the backup's.
func sameState(dir string, s StreamCopy, state *api.StreamState) error {
	// An empty stream's first sequence is 0 in one report and last+1 in
	// another: only a stream with messages is compared on it. A projection
	// bucket keeps one revision per key and drops the older ones as rows
	// are written, so its count (and first sequence) in the state the
	// server reports beside a snapshot taken while the runner writes can
	// differ from what the snapshot holds: it is compared on its last
	// sequence only. The ledger stream never drops a message.
	bucket := strings.HasPrefix(s.Name, "KV_")
	if state.LastSeq != s.LastSeq || (!bucket && (state.Msgs != s.Messages || (s.Messages > 0 && state.FirstSeq != s.FirstSeq))) {
		return &restoreError{stream: s.Name, file: archiveOf(dir, s), restores: true, err: fmt.Errorf(
			"restore stream %s: the server holds %d messages at sequences %d-%d, the backup %d at %d-%d",
			s.Name, state.Msgs, state.FirstSeq, state.LastSeq, s.Messages, s.FirstSeq, s.LastSeq)}
	}
	return nil
}

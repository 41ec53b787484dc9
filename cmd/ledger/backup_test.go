package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/s2"
	"github.com/nats-io/nats-server/v2/server/archive"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/backup"
	"github.com/keyprojects/ledger/eventstore/storetest"
	"github.com/keyprojects/ledger/projections"
)

// openDir starts an embedded server on a data folder, as another process
// would, and returns a connection to it and how to stop it.
func openDir(t testing.TB, dir string) (*nats.Conn, func()) {
	t.Helper()
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: dir, DontListen: true})
	require.NoError(t, err)
	nc, err := srv.Connect()
	require.NoError(t, err)
	return nc, func() { nc.Close(); srv.Shutdown() }
}

// ledgerCopy is what a restore must reproduce: the stream's configuration
// and every message, and the rows of the current projections.
type ledgerCopy struct {
	config   jetstream.StreamConfig
	state    jetstream.StreamState
	messages []*jetstream.RawStreamMsg
	rows     []string // the JSON of every row, in project order
}

func readLedger(t *testing.T, nc *nats.Conn) ledgerCopy {
	t.Helper()
	ctx := context.Background()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	st, err := js.Stream(ctx, eventstore.DefaultStream)
	require.NoError(t, err)
	info := st.CachedInfo()
	c := ledgerCopy{config: info.Config, state: info.State}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		require.NoError(t, err)
		c.messages = append(c.messages, m)
	}
	snap, err := projections.NewStorage(js, eventstore.DefaultStream).Read(ctx)
	require.NoError(t, err)
	for _, r := range snap.Rows {
		b, err := json.Marshal(r)
		require.NoError(t, err)
		c.rows = append(c.rows, string(b))
	}
	return c
}

func readLedgerDir(t *testing.T, dir string) ledgerCopy {
	t.Helper()
	nc, stop := openDir(t, dir)
	defer stop()
	return readLedger(t, nc)
}

func streamNames(t *testing.T, dir string) []string {
	t.Helper()
	nc, stop := openDir(t, dir)
	defer stop()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	lister := js.StreamNames(context.Background())
	var names []string
	for n := range lister.Name() {
		names = append(names, n)
	}
	require.NoError(t, lister.Err())
	slices.Sort(names)
	return names
}

// fromDir is a cli on another data folder, at the same time.
func (c *cli) fromDir(dir string) *cli { return &cli{t: c.t, dir: dir, clock: c.clock} }

func TestBackupAndRestoreRoundTrip(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	c.ok("watch-deadlines", "--once")
	misses := followed(t, c.ok("inspect", "follow", "--durable", "all", "--wait", "500ms", "--json"))
	require.Greater(t, len(misses), 3)
	// The inspection office has handled three misses; after a restore it
	// goes on with the fourth.
	require.Equal(t, misses[:3], followed(t, c.ok("inspect", "follow", "--durable", "office", "--count", "3", "--json")))
	c.ok("status") // brings the projections up to date
	before := readLedgerDir(t, c.dir)
	require.NotEmpty(t, before.rows)

	dir := filepath.Join(t.TempDir(), "backup")
	out := c.ok("backup", dir)
	assert.Contains(t, out, "backed up stream LEDGER")
	var m backup.Manifest
	require.NoError(t, json.Unmarshal([]byte(c.ok("restore", "--check", "--json", dir)), &m))
	assert.Equal(t, before.state.Msgs, m.Messages)
	assert.Equal(t, before.state.LastSeq, m.LastSeq)
	assert.Equal(t, 2, m.Streams[len(m.Streams)-1].Consumers, "the durable consumers")
	last, err := eventstore.NewCodec().Decode(before.messages[len(before.messages)-1].Data)
	require.NoError(t, err)
	assert.Len(t, m.LastHash, 64)
	assert.Contains(t, c.ok("history", string(last.Project), "--json"), m.LastHash, "the manifest's last hash is the last event's")

	fresh := c.fromDir(filepath.Join(t.TempDir(), "restored"))
	assert.Contains(t, fresh.ok("restore", dir), "restored stream LEDGER")
	after := readLedgerDir(t, fresh.dir)
	assert.Equal(t, before.config, after.config, "the same configuration: deletes and purges denied, no rollups")
	assert.Equal(t, before.state.Msgs, after.state.Msgs)
	assert.Equal(t, before.state.FirstSeq, after.state.FirstSeq)
	assert.Equal(t, before.state.LastSeq, after.state.LastSeq)
	require.Len(t, after.messages, len(before.messages))
	for i, b := range before.messages {
		a := after.messages[i]
		require.Equal(t, b.Sequence, a.Sequence)
		require.Equal(t, b.Subject, a.Subject, "sequence %d", b.Sequence)
		require.Equal(t, b.Data, a.Data, "sequence %d", b.Sequence)
		require.Equal(t, b.Header, a.Header, "sequence %d", b.Sequence)
		require.True(t, b.Time.Equal(a.Time), "sequence %d", b.Sequence)
	}
	assert.Equal(t, before.rows, after.rows, "the projections as they were")

	assert.Contains(t, fresh.ok("verify", "--all"), " 0 broken")
	rest := followed(t, fresh.ok("inspect", "follow", "--durable", "office", "--wait", "500ms", "--json"))
	assert.Equal(t, misses[3:], rest, "the office resumes after the three it handled")

	fresh.ok("projections", "rebuild")
	assert.Equal(t, before.rows, readLedgerDir(t, fresh.dir).rows, "a rebuild on the restored ledger gives the same rows")
}

func TestBackupAndRestoreThroughRunningServers(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	// A server holds the data folder, as ledger serve does: the commands
	// go through it.
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: c.dir, Port: -1})
	require.NoError(t, err)
	defer srv.Shutdown()
	dir := filepath.Join(t.TempDir(), "backup")
	c.ok("backup", dir)
	nc, err := srv.Connect()
	require.NoError(t, err)
	defer nc.Close()
	before := readLedger(t, nc)

	target, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: t.TempDir(), Port: -1})
	require.NoError(t, err)
	defer target.Shutdown()
	c.ok("--server", target.ClientURL(), "restore", dir)
	tnc, err := target.Connect()
	require.NoError(t, err)
	defer tnc.Close()
	after := readLedger(t, tnc)
	assert.Equal(t, before.state.Msgs, after.state.Msgs)
	assert.Equal(t, before.state.LastSeq, after.state.LastSeq)
	assert.Equal(t, before.rows, after.rows)
	assert.Contains(t, c.ok("--server", target.ClientURL(), "verify", "--all"), " 0 broken")

	// The running server of the data folder has the ledger: refused.
	code, _, errs := c.run("restore", dir)
	assert.Equal(t, 1, code)
	assert.Equal(t, "ledger: stream LEDGER already exists ("+strconv.FormatUint(before.state.Msgs, 10)+" messages); restore never overwrites a stream: "+
		"restore into a fresh data folder or onto a server without it; nothing restored\n", errs)
}

func TestAnEmptyProjectionBucketRestores(t *testing.T) {
	// An import on a fresh ledger builds the projections (none yet) before
	// it stores the plan: generation 1 holds no message.
	c := newCLI(t)
	c.ok("import", "plan", writePlan(t, t.TempDir(), 5, "2027-01-31"))
	dir := filepath.Join(t.TempDir(), "backup")
	c.ok("backup", dir)
	m, err := backup.Check(dir)
	require.NoError(t, err)
	require.Equal(t, "KV_LEDGER_PROJ_1", m.Streams[1].Name)
	require.Zero(t, m.Streams[1].Messages)

	fresh := c.fromDir(filepath.Join(t.TempDir(), "restored"))
	fresh.ok("restore", dir)
	assert.Equal(t, uint64(5*4), fresh.msgCount())
	assert.Contains(t, fresh.ok("verify", "--all"), "verified 5 projects, 20 events")
}

func TestRestoreRefusesALedgerThatHasAStream(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	dir := filepath.Join(t.TempDir(), "backup")
	c.ok("backup", dir)

	other := c.fromDir(t.TempDir())
	other.ok("project", "register", "P-1", "--name", "n", "--investment", "100", "--unit", "u", "--leader", "l")
	for name, target := range map[string]*cli{"the same ledger": c, "another ledger": other} {
		t.Run(name, func(t *testing.T) {
			names, count := streamNames(t, target.dir), target.msgCount()
			code, out, errs := target.run("restore", dir)
			assert.Equal(t, 1, code)
			assert.Empty(t, out)
			assert.Equal(t, 1, strings.Count(errs, "\n"), errs)
			assert.Contains(t, errs, "ledger: stream LEDGER already exists")
			assert.Contains(t, errs, "nothing restored")
			assert.Equal(t, names, streamNames(t, target.dir), "no stream added or removed")
			assert.Equal(t, count, target.msgCount(), "nothing changed")
		})
	}
}

func TestRestoreRefusesAnotherStreamName(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	dir := filepath.Join(t.TempDir(), "backup")
	c.ok("backup", dir)
	fresh := c.fromDir(filepath.Join(t.TempDir(), "data"))
	code, _, errs := fresh.run("--stream", "COUNTY", "restore", dir)
	assert.Equal(t, 1, code)
	assert.Equal(t, "ledger: backup "+dir+" holds stream LEDGER, not COUNTY; restore it with --stream LEDGER (a stream keeps its name); nothing restored\n", errs)
	assert.NoDirExists(t, fresh.dir)
}

func TestAFailedRestoreRemovesWhatItRestored(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	dir := filepath.Join(t.TempDir(), "backup")
	c.ok("backup", dir)

	// Every stream restores, then the ledger's settings check asks for
	// three replicas, which a single server refuses.
	fresh := c.fromDir(t.TempDir())
	code, _, errs := fresh.run("--replicas", "3", "restore", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "ledger: the restored stream LEDGER: ")
	assert.Contains(t, errs, "replicas")
	assert.Contains(t, errs, "nothing restored")
	assert.Empty(t, streamNames(t, fresh.dir), "the restored streams are removed again")

	fresh.ok("restore", dir)
	assert.Contains(t, fresh.ok("verify", "--all"), " 0 broken")
}

func TestRestoreRefusesADamagedOrPartialBackup(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	c.ok("status")
	good := filepath.Join(t.TempDir(), "backup")
	c.ok("backup", good)
	var files []string
	require.NoError(t, filepath.WalkDir(good, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(good, path)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	}))
	require.Len(t, files, 2+2*3, "the manifest, its sum, and two files for each of the ledger, the meta bucket and generation 1")

	type damage struct {
		name  string
		file  string // the file the error must name
		apply func(t *testing.T, dir string)
	}
	var cases []damage
	for _, f := range files {
		path := func(dir string) string { return filepath.Join(dir, filepath.FromSlash(f)) }
		cases = append(cases,
			damage{"a changed byte in " + f, f, func(t *testing.T, dir string) {
				b, err := os.ReadFile(path(dir))
				require.NoError(t, err)
				b[len(b)/2] ^= 0x01
				require.NoError(t, os.WriteFile(path(dir), b, 0o644))
			}},
			damage{"missing " + f, f, func(t *testing.T, dir string) { require.NoError(t, os.Remove(path(dir))) }},
			damage{"truncated " + f, f, func(t *testing.T, dir string) {
				st, err := os.Stat(path(dir))
				require.NoError(t, err)
				require.NoError(t, os.Truncate(path(dir), st.Size()/2))
			}},
		)
	}
	cases = append(cases, damage{"a file not in the manifest", "LEDGER/stream.tar.s2", func(t *testing.T, dir string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "LEDGER", "stream.tar.s2"), []byte("x"), 0o644))
	}})

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "backup")
			require.NoError(t, os.CopyFS(dir, os.DirFS(good)))
			tc.apply(t, dir)
			fresh := c.fromDir(filepath.Join(t.TempDir(), "data"))
			for _, args := range [][]string{{"restore", dir}, {"restore", "--check", dir}} {
				code, out, errs := fresh.run(args...)
				assert.Equal(t, 1, code)
				assert.Empty(t, out)
				assert.Equal(t, 1, strings.Count(errs, "\n"), errs)
				assert.Contains(t, errs, "backup "+dir+" is damaged or incomplete: ")
				assert.Contains(t, errs, tc.file)
				assert.Contains(t, errs, "nothing restored")
			}
			assert.NoDirExists(t, fresh.dir, "a refused restore does not even make the data folder")
		})
	}
}

func TestBackupRefusesAMissingOrEmptyLedgerAndAUsedFolder(t *testing.T) {
	noStream := t.TempDir()
	_, stop := openDir(t, noStream)
	stop()
	empty := t.TempDir()
	nc, stop := openDir(t, empty)
	_, err := eventstore.Open(context.Background(), nc)
	require.NoError(t, err)
	stop()
	withEvents := newCLI(t)
	withEvents.ok("project", "register", "P-1", "--name", "n", "--investment", "100", "--unit", "u", "--leader", "l")
	used := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(used, "notes.txt"), []byte("mine"), 0o644))

	cases := []struct {
		name, data, dir, want string
	}{
		{"no data folder", filepath.Join(t.TempDir(), "nothing"), "", "does not exist: nothing to back up"},
		{"no stream", noStream, "", "ledger: no stream LEDGER: nothing to back up\n"},
		{"an empty stream", empty, "", "ledger: stream LEDGER is empty: nothing to back up\n"},
		{"a folder in use", withEvents.dir, used, "is not empty; back up into a new or empty folder"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.dir
			if dir == "" {
				dir = filepath.Join(t.TempDir(), "backup")
			}
			code, out, errs := withEvents.fromDir(tc.data).run("backup", dir)
			assert.Equal(t, 1, code)
			assert.Empty(t, out)
			assert.Equal(t, 1, strings.Count(errs, "\n"), errs)
			assert.Contains(t, errs, tc.want)
			if tc.dir == "" {
				assert.NoDirExists(t, dir)
			}
		})
	}
	entries, err := os.ReadDir(used)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "the used folder is left as it was")
}

// docRef is a document number the small ledger records; the damage tests
// change a byte inside it.
const docRef = "环审〔2026〕12号"

// smallLedger records three projects, P-2 with an approval whose document
// number is docRef followed by two more of its events, and builds the
// projections. It returns the stream sequence of that approval.
func smallLedger(t *testing.T) (*cli, uint64) {
	t.Helper()
	c := newCLI(t)
	for _, p := range []string{"P-1", "P-2", "P-3"} {
		c.ok("project", "register", p, "--name", "n", "--investment", "100", "--unit", "u", "--leader", "l", "--on", "2026-11-01")
	}
	c.ok("record", "approved", "P-2", "--kind", "eia", "--on", "2026-11-10", "--ref", docRef)
	c.ok("record", "approved", "P-2", "--kind", "land", "--on", "2026-11-12", "--ref", "land-1")
	c.ok("record", "started", "P-2", "--on", "2026-11-20")
	c.ok("status")
	var seq uint64
	for _, m := range readLedgerDir(t, c.dir).messages {
		if bytes.Contains(m.Data, []byte(docRef)) {
			seq = m.Sequence
		}
	}
	require.NotZero(t, seq)
	return c, seq
}

// verifiedOut is what backup and restore --check print with --json.
type verifiedOut struct {
	backup.Manifest
	Verified backup.Verified `json:"verified"`
}

func TestBackupRefusesADamagedStore(t *testing.T) {
	c, seq := smallLedger(t)
	// The server cannot read the changed message any more (its checksum
	// fails), yet its state still counts every message.
	_, err := storetest.DamageOf(c.dir, eventstore.DefaultStream).FlipByte([]byte(docRef), 3)
	require.NoError(t, err)
	assert.Equal(t, uint64(3+3), c.msgCount(), "the state claims every message")

	dir := filepath.Join(t.TempDir(), "backup")
	code, out, errs := c.run("backup", dir)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, 1, strings.Count(errs, "\n"), errs)
	assert.Contains(t, errs, fmt.Sprintf("ledger: stream LEDGER does not read whole: stream sequence %d is missing or unreadable", seq))
	assert.Contains(t, errs, "nothing backed up")
	assert.NoDirExists(t, dir, "nothing left that looks like a backup")

	// Into an empty folder of the caller's: emptied again, not removed.
	empty := t.TempDir()
	code, _, _ = c.run("backup", empty)
	assert.Equal(t, 1, code)
	entries, err := os.ReadDir(empty)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

func TestBackupOfAStoreWithItsIndexRemovedChecksWhole(t *testing.T) {
	c, _ := smallLedger(t)
	want := c.ok("verify", "--all")
	// The server rebuilds the index from the blocks, losing nothing.
	require.NoError(t, storetest.DamageOf(c.dir, eventstore.DefaultStream).RemoveIndex())

	dir := filepath.Join(t.TempDir(), "backup")
	var made verifiedOut
	require.NoError(t, json.Unmarshal([]byte(c.ok("backup", "--json", dir)), &made))
	assert.Equal(t, backup.Verified{Stream: "LEDGER", Events: 6, Projects: 3, LastSeq: 6, LastHash: made.LastHash, Seconds: made.Verified.Seconds},
		made.Verified)
	assert.Equal(t, uint64(6), made.Messages)
	assert.Contains(t, want, "verified 3 projects, 6 events")

	var checked verifiedOut
	require.NoError(t, json.Unmarshal([]byte(c.ok("restore", "--check", "--json", dir)), &checked))
	assert.Equal(t, 6, checked.Verified.Events)
	assert.Equal(t, 3, checked.Verified.Projects)
	assert.Equal(t, made.LastHash, checked.Verified.LastHash)
	out := c.ok("restore", "--check", dir)
	assert.Contains(t, out, "backup "+dir+" is whole: restored into a scratch server and read back: stream LEDGER (6 messages, last sequence 6; 6 events of 3 projects")

	fresh := c.fromDir(filepath.Join(t.TempDir(), "restored"))
	assert.Contains(t, fresh.ok("restore", dir), "read back whole: 6 events of 3 projects")
	assert.Contains(t, fresh.ok("verify", "--all"), "verified 3 projects, 6 events")
}

// rewriteArchive rewrites the ledger stream's archive in the backup dir,
// passing each message's stored bytes (headers, then data) through edit
// (nil drops the message), and then the manifest's sums, as a backup
// would write them: only what the archive holds is wrong, not its files'
// digests.
func rewriteArchive(t *testing.T, dir string, edit func(seq uint64, stored []byte) []byte) {
	t.Helper()
	rel := "LEDGER/" + "stream.arc.s2"
	path := filepath.Join(dir, filepath.FromSlash(rel))
	in, err := os.ReadFile(path)
	require.NoError(t, err)
	var out bytes.Buffer
	enc := s2.NewWriter(&out)
	w := archive.NewWriter(enc)
	r := archive.NewReader(s2.NewReader(bytes.NewReader(in)))
	for {
		h, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		stored, err := io.ReadAll(r)
		require.NoError(t, err)
		if h.Sequence > 0 {
			if stored = edit(h.Sequence, stored); stored == nil {
				continue
			}
		}
		require.NoError(t, w.WriteHeader(h))
		if len(stored) > 0 {
			_, err = w.Write(stored)
			require.NoError(t, err)
		}
	}
	require.NoError(t, w.Close())
	require.NoError(t, enc.Close())
	require.NoError(t, os.WriteFile(path, out.Bytes(), 0o644))

	var m backup.Manifest
	b, err := os.ReadFile(filepath.Join(dir, backup.ManifestFile))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &m))
	sum := sha256.Sum256(out.Bytes())
	i := slices.IndexFunc(m.Files, func(f backup.FileSum) bool { return f.Path == rel })
	require.GreaterOrEqual(t, i, 0)
	m.Files[i].Bytes, m.Files[i].SHA256 = int64(out.Len()), hex.EncodeToString(sum[:])
	b, err = json.MarshalIndent(m, "", "  ")
	require.NoError(t, err)
	b = append(b, '\n')
	msum := sha256.Sum256(b)
	require.NoError(t, os.WriteFile(filepath.Join(dir, backup.ManifestFile), b, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, backup.ManifestSumFile), []byte(hex.EncodeToString(msum[:])+"  "+backup.ManifestFile+"\n"), 0o644))
}

func TestRestoreCheckReadsTheWholeBackup(t *testing.T) {
	c, seq := smallLedger(t)
	good := filepath.Join(t.TempDir(), "backup")
	c.ok("backup", good)

	cases := []struct {
		name string
		edit func(s uint64, stored []byte) []byte
		want string
	}{
		{"a changed byte in an event", func(s uint64, stored []byte) []byte {
			if i := bytes.Index(stored, []byte(docRef)); i >= 0 {
				stored[i+3] ^= 0x01
			}
			return stored
		}, fmt.Sprintf("project P-2: stream sequence %d (ledger.P-2.approved): content altered: its hash is ", seq)},
		{"an event left out", func(s uint64, stored []byte) []byte {
			if s == seq {
				return nil
			}
			return stored
		}, fmt.Sprintf("stream sequence %d is missing or unreadable", seq)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "backup")
			require.NoError(t, os.CopyFS(dir, os.DirFS(good)))
			rewriteArchive(t, dir, tc.edit)
			_, err := backup.Check(dir)
			require.NoError(t, err, "every file is as the manifest says")

			fresh := c.fromDir(filepath.Join(t.TempDir(), "data"))
			for _, args := range [][]string{{"restore", "--check", dir}, {"restore", dir}} {
				code, out, errs := fresh.run(args...)
				assert.Equal(t, 1, code, "%v", args)
				assert.Empty(t, out)
				assert.Equal(t, 1, strings.Count(errs, "\n"), errs)
				assert.Contains(t, errs, "backup "+dir+" is damaged or incomplete: LEDGER/stream.arc.s2 restores, but not whole: stream LEDGER does not read whole: ")
				assert.Contains(t, errs, tc.want)
				assert.Contains(t, errs, "nothing restored")
			}
			assert.Empty(t, streamNames(t, fresh.dir), "the restore is undone")
		})
	}
}

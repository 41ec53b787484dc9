package main

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/backup"
	"github.com/keyprojects/ledger/projections"
)

func (a *app) backupCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "backup DIR",
		Short: "Copy the ledger stream and its projections into a new folder, with a manifest that a restore checks",
		Long: `backup copies the ledger stream (with its durable consumers, such as the
inspection office's) and the projections' KV buckets into DIR, which must be
new or empty. Each stream is copied by the server as one consistent snapshot
(JetStream's stream snapshot), the projections first, so their checkpoint is
never ahead of the ledger copy.

The ledger stream is then read back from sequence 1 to the snapshot's last,
message by message: every sequence must be there and readable, every message
a ledger event whose hash and link to its project's previous event hold, and
the stream's state must say nothing was deleted or lost. If not, the backup
fails, naming the first bad stream sequence, and removes what it wrote: a
damaged ledger is not backed up as if it were whole.

manifest.json records the stream's message count, last sequence and last
event hash, the time taken, and a SHA-256 of every file; manifest.sha256
holds the manifest's own (sha256sum -c reads it). It works on a running
server: ledger serve, or --server.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if a.server == "" {
				if _, err := os.Stat(a.dataDir); errors.Is(err, os.ErrNotExist) {
					return fmt.Errorf("data folder %s does not exist: nothing to back up", a.dataDir)
				}
			}
			c, err := a.connect()
			if err != nil {
				return err
			}
			defer c.close()
			js, err := jetstream.New(c.nc)
			if err != nil {
				return fmt.Errorf("jetstream: %w", err)
			}
			// A stream whose settings or state show lost events is named
			// as such before anything is copied.
			err = eventstore.CheckStream(ctx, js, eventstore.StreamSpec{Name: a.stream, Replicas: a.replicas})
			if err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
				return err
			}
			others, err := projections.NewStorage(js, a.stream).Streams(ctx)
			if err != nil {
				return err
			}
			progress, finish := a.byteProgress("backing up")
			m, v, err := backup.Create(ctx, c.nc, args[0], backup.Options{
				Stream: a.stream, Others: others, Progress: progress,
			})
			finish()
			if errors.Is(err, backup.ErrNotWhole) {
				return fmt.Errorf("%w; nothing backed up (restore the ledger from an earlier backup: docs/backup.md)", err)
			}
			if err != nil {
				return err
			}
			if a.asJSON {
				return a.printJSON(verifiedManifest{m, v})
			}
			fmt.Fprintf(a.stdout, "backed up stream %s (%d messages, last sequence %d; read back whole: %d events of %d projects, every hash and link holds) and %d projection streams into %s: %s, snapshots %.2fs, read %.2fs\n",
				m.Stream, m.Messages, m.LastSeq, v.Events, v.Projects, len(m.Streams)-1, args[0], megabytes(m.Size()), m.Seconds, v.Seconds)
			return nil
		},
	}
}

func (a *app) restoreCommand() *cobra.Command {
	var check bool
	c := &cobra.Command{
		Use:   "restore DIR",
		Short: "Restore a backup into a ledger that has no stream yet (a fresh data folder, or a server without it)",
		Long: `restore first checks every file of the backup in DIR against its manifest
and refuses a damaged or partial backup, naming the file. It refuses a server
that already has the ledger stream or any other stream of the backup: a
restore never overwrites. Then it restores each stream with its configuration,
messages and sequences, and checks the restored ledger stream: the ledger's
settings check (deletes and purges denied, no rollups), a read of every
message from sequence 1 to the last (each there, a ledger event whose hash
and link hold), and the message count, last sequence and last event hash of
the manifest. When any step fails, the streams it restored are removed again.

Restore into a fresh data folder (--data) with no ledger serve running on
it, or onto a server (--server) without the stream.

--check restores nothing of yours: it checks the files, restores the backup
into a scratch server in a new temporary folder ($TMPDIR; it needs about the
space of the backed-up streams), makes the same checks there, and removes
the folder.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if check {
				start := time.Now()
				progress, finish := a.byteProgress("checking")
				m, v, err := backup.Verify(cmd.Context(), dir, backup.VerifyOptions{Progress: progress})
				finish()
				if err != nil {
					return fmt.Errorf("%w; nothing restored", err)
				}
				if a.asJSON {
					return a.printJSON(verifiedManifest{m, v})
				}
				fmt.Fprintf(a.stdout, "backup %s is whole: restored into a scratch server and read back: stream %s (%d messages, last sequence %d; %d events of %d projects, every hash and link holds, the last hash as in the manifest) and %d projection streams; %d files, %s, made %s; checked in %.2fs\n",
					dir, m.Stream, m.Messages, m.LastSeq, v.Events, v.Projects, len(m.Streams)-1, len(m.Files), megabytes(m.Size()),
					m.CreatedAt.Format(time.RFC3339), time.Since(start).Seconds())
				return nil
			}
			// Checked before connecting: a damaged backup leaves no trace,
			// not even a new data folder.
			m, err := backup.Check(dir)
			if err != nil {
				return fmt.Errorf("%w; nothing restored", err)
			}
			if m.Stream != a.stream {
				return fmt.Errorf("backup %s holds stream %s, not %s; restore it with --stream %s (a stream keeps its name); nothing restored",
					dir, m.Stream, a.stream, m.Stream)
			}
			// A restore that fails removes the streams it restored, the
			// ledger stream too, which only the admin user may.
			conn, err := a.connectAs(eventstore.AdminUser)
			if err != nil {
				return err
			}
			defer conn.close()
			start := time.Now()
			progress, finish := a.byteProgress("restoring")
			m, v, err := backup.Restore(cmd.Context(), conn.nc, dir, backup.RestoreOptions{Replicas: a.replicas, Progress: progress})
			finish()
			if err != nil {
				return fmt.Errorf("%w; nothing restored", err)
			}
			if a.asJSON {
				return a.printJSON(map[string]any{"manifest": m, "verified": v, "seconds": time.Since(start).Seconds()})
			}
			fmt.Fprintf(a.stdout, "restored stream %s (%d messages, last sequence %d; read back whole: %d events of %d projects, every hash and link holds) and %d projection streams from %s in %.2fs\n",
				m.Stream, m.Messages, m.LastSeq, v.Events, v.Projects, len(m.Streams)-1, dir, time.Since(start).Seconds())
			return nil
		},
	}
	c.Flags().BoolVar(&check, "check", false, "check the backup whole (its files, then a restore into a scratch server that is read back and removed); restore nothing")
	return c
}

// verifiedManifest is what backup and restore --check print with --json:
// the manifest's fields, and what the read of the ledger stream found.
type verifiedManifest struct {
	*backup.Manifest
	Verified *backup.Verified `json:"verified"`
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

// byteProgress returns a progress callback that shows one bar per stream on
// stderr, and a function that clears the last bar; the callback is nil when
// stderr is not a terminal.
func (a *app) byteProgress(verb string) (backup.Progress, func()) {
	f, ok := a.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, func() {}
	}
	var (
		mu      sync.Mutex
		bar     *progressbar.ProgressBar
		current string
	)
	finish := func() {
		if bar != nil {
			_ = bar.Finish()
		}
	}
	return func(stream string, done, total int64) {
			mu.Lock()
			defer mu.Unlock()
			if bar == nil || stream != current {
				finish()
				current = stream
				bar = progressbar.NewOptions64(max(total, 1), progressbar.OptionSetWriter(f),
					progressbar.OptionSetDescription(verb+" "+stream), progressbar.OptionShowBytes(true),
					progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
			}
			_ = bar.Set64(min(done, max(total, 1)))
		}, func() {
			mu.Lock()
			defer mu.Unlock()
			finish()
		}
}

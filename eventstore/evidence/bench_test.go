package evidence_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain/testday"
	"github.com/keyprojects/ledger/eventstore/evidence"
	"github.com/keyprojects/ledger/eventstore/storetest"
)

// BenchmarkPut measures one attachment: a phone photo (2 MiB) and a
// scanned approval (100 KiB), each new content (a file stored already
// costs one lookup). It reports the latency of Put and what the
// evidence bucket grows by on disk per file: stream bytes as JetStream
// counts them, and the size of the stream's folder.
func BenchmarkPut(b *testing.B) {
	for _, c := range []struct {
		name  string
		magic string
		size  int
	}{
		{"photo_2MiB", "\xFF\xD8\xFF\xE0", 2 << 20},
		{"pdf_100KiB", "%PDF-1.7\n", 100 << 10},
	} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			env := storetest.Start(b, testday.Clock(b))
			s, err := evidence.New(ctx, env.Store)
			require.NoError(b, err)
			content := make([]byte, c.size)
			rng := rand.New(rand.NewPCG(1, 2))
			for i := range content {
				content[i] = byte(rng.UintN(256)) // incompressible, as photos are
			}
			copy(content, c.magic)
			put := func(i uint64) {
				binary.LittleEndian.PutUint64(content[len(c.magic):], i)
				_, err := s.Put(ctx, c.name, bytes.NewReader(content))
				require.NoError(b, err)
			}
			put(0) // the bucket
			streamBefore, diskBefore := bucketBytes(b, env)
			b.SetBytes(int64(c.size))
			b.ResetTimer()
			n := uint64(0)
			for b.Loop() {
				n++
				put(n)
			}
			b.StopTimer()
			streamAfter, diskAfter := bucketBytes(b, env)
			b.ReportMetric(float64(streamAfter-streamBefore)/float64(n), "stream-B/file")
			b.ReportMetric(float64(diskAfter-diskBefore)/float64(n), "disk-B/file")
		})
	}
}

// bucketBytes returns the evidence bucket's stream bytes and the size of
// its folder on disk.
func bucketBytes(b *testing.B, env *storetest.Env) (stream, disk int64) {
	b.Helper()
	st, err := env.Store.JetStream().Stream(context.Background(), "OBJ_LEDGER_EVIDENCE")
	require.NoError(b, err)
	info, err := st.Info(context.Background())
	require.NoError(b, err)
	require.NoError(b, filepath.WalkDir(env.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(path, "OBJ_LEDGER_EVIDENCE") {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			disk += fi.Size()
		}
		return err
	}))
	return int64(info.State.Bytes), disk
}

package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain/plan"
	"github.com/keyprojects/ledger/eventstore"
)

var benchProjects = flag.Int("projects", 1000, "projects in the import benchmark's plan (the target is measured at 10000)")

// benchPlan writes a plan of n projects with eight deadlines each.
func benchPlan(b *testing.B, dir string, n int) string {
	var sb strings.Builder
	sb.WriteString("项目代码,项目名称,总投资(万元),责任单位,包保领导,乡镇,项目类型,签约,到资,可研,环评,土地,施工许可,开工,投产\n")
	for i := range n {
		fmt.Fprintf(&sb, "2026-361102-%02d-01-%06d,县重点项目%d号,%d,县单位%d,领导%d,城关镇,新建,2026-12-01,2026-12-15,2027-01-31,2027-02-28,2027-03-31,2027-04-15,2027-04-30,2027-12-31\n",
			i%90+10, i, i, 1000+i, i%8, i%12)
	}
	path := filepath.Join(dir, "plan.csv")
	require.NoError(b, os.WriteFile(path, []byte(sb.String()), 0o644))
	return path
}

// BenchmarkImportPlan imports a plan of -projects projects x 8 deadlines
// into a fresh embedded ledger, then publishes the same messages (same
// bodies, same headers) asynchronously into a plain stream on the same
// server: the raw JetStream rate the import is compared with.
func BenchmarkImportPlan(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		path := benchPlan(b, dir, *benchProjects)
		a := newApp(&strings.Builder{}, &strings.Builder{})
		a.dataDir, a.actor = filepath.Join(dir, "data"), "bench"
		b.StartTimer()

		start := time.Now()
		require.NoError(b, a.importPlan(context.Background(), path, plan.EncodingAuto, "", false, 64, nil))
		importSecs := time.Since(start).Seconds()

		b.StopTimer()
		events, rawRate := rawAsyncRate(b, a.dataDir)
		b.ReportMetric(float64(events)/importSecs, "import-events/s")
		b.ReportMetric(rawRate, "raw-async-msgs/s")
		b.ReportMetric(float64(events)/importSecs/rawRate, "ratio")
		var ru syscall.Rusage
		if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
			b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
		}
		b.StartTimer()
	}
}

// rawAsyncRate copies every ledger message into a plain file stream with
// asynchronous publishes and returns how many there were and the rate.
func rawAsyncRate(b *testing.B, dataDir string) (int, float64) {
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: dataDir, DontListen: true})
	require.NoError(b, err)
	defer srv.Shutdown()
	nc, err := srv.Connect()
	require.NoError(b, err)
	defer nc.Close()
	ctx := context.Background()
	store, err := eventstore.Open(ctx, nc)
	require.NoError(b, err)
	js := store.JetStream()
	var msgs []*nats.Msg
	src, err := js.Stream(ctx, store.StreamName())
	require.NoError(b, err)
	last := src.CachedInfo().State.LastSeq
	for seq := uint64(1); seq <= last; seq++ {
		m, err := src.GetMsg(ctx, seq)
		require.NoError(b, err)
		out := nats.NewMsg("raw." + strings.TrimPrefix(m.Subject, "ledger."))
		out.Data, out.Header = m.Data, m.Header
		out.Header.Del(jetstream.ExpectedLastSubjSeqHeader)
		out.Header.Del(jetstream.ExpectedLastSubjSeqSubjHeader)
		out.Header.Del(nats.MsgIdHdr)
		msgs = append(msgs, out)
	}
	_, err = js.CreateStream(ctx, jetstream.StreamConfig{Name: "RAW", Subjects: []string{"raw.>"}, Storage: jetstream.FileStorage})
	require.NoError(b, err)
	start := time.Now()
	for _, m := range msgs {
		_, err := js.PublishMsgAsync(m)
		require.NoError(b, err)
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(time.Minute):
		b.Fatal("raw async publishes did not complete")
	}
	return len(msgs), float64(len(msgs)) / time.Since(start).Seconds()
}

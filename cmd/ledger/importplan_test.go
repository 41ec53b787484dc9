package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/plan"
	"github.com/keyprojects/ledger/eventstore"
)

// writePlan writes a Chinese-header plan of n projects with three
// deadlines each.
func writePlan(t testing.TB, dir string, n int, started string) string {
	var b strings.Builder
	b.WriteString("项目代码,项目名称,总投资(万元),责任单位,包保领导,项目类型,签约,开工,投产,调整原因\n")
	for i := range n {
		fmt.Fprintf(&b, "P-%04d,项目%d,%d,县工信局,李明,新建,2026-03-31,%s,2027-06-30,\n", i, i, 1000+i, started)
	}
	path := filepath.Join(dir, "plan.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	return path
}

// ledgerEvents returns every stored event per project: type, data and
// hash, in order.
func ledgerEvents(t *testing.T, dir string) map[domain.ProjectID][]string {
	t.Helper()
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: dir, DontListen: true})
	require.NoError(t, err)
	defer srv.Shutdown()
	nc, err := srv.Connect()
	require.NoError(t, err)
	defer nc.Close()
	s, err := eventstore.Open(context.Background(), nc)
	require.NoError(t, err)
	out := map[domain.ProjectID][]string{}
	for r, err := range s.Read(context.Background(), 1) {
		require.NoError(t, err)
		out[r.Project] = append(out[r.Project], fmt.Sprintf("%s %s %x", r.Type, domain.Describe(r.Event), r.Hash))
	}
	return out
}

func TestImportingTheSameFileTwiceStoresNothingTheSecondTime(t *testing.T) {
	c := newCLI(t)
	path := writePlan(t, t.TempDir(), 20, "2026-07-31")
	out := c.ok("import", "plan", path)
	assert.Contains(t, out, "20 rows, 20 new projects, 0 changed, 0 unchanged; 80 events stored")
	before := c.msgCount()
	out = c.ok("import", "plan", path)
	assert.Contains(t, out, "20 rows, 0 new projects, 0 changed, 20 unchanged; 0 events stored")
	assert.Equal(t, before, c.msgCount())
}

func TestImportDryRunPrintsTheChangesAndStoresNothing(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	c.ok("import", "plan", writePlan(t, dir, 3, "2026-07-31"))
	before := c.msgCount()
	moved := writePlan(t, dir, 4, "2026-09-30")
	out := c.ok("import", "plan", moved, "--dry-run", "--reason", "land handover late")
	assert.Contains(t, out, "row 2  P-0000 项目0:\n    started: 2026-07-31 -> 2026-09-30 (baseline 2026-07-31): land handover late\n")
	assert.Contains(t, out, "row 5  P-0003 项目3:\n    register 项目3, 10,030,000 yuan")
	assert.Contains(t, out, "would store 4 commands (1 new projects, 3 changed); nothing stored")
	assert.Equal(t, before, c.msgCount())

	code, _, errs := c.run("import", "plan", moved)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "plan.csv: row 2, column 开工: deadline moved from 2026-07-31 to 2026-09-30 without a reason; expected a 调整原因/reason cell or --reason")
	assert.Contains(t, errs, "(3 problems in all; nothing stored)")
	assert.Equal(t, before, c.msgCount())

	out = c.ok("import", "plan", moved, "--reason", "land handover late")
	assert.Contains(t, out, "4 rows, 1 new projects, 3 changed, 0 unchanged; 7 events stored")
	hist := c.ok("history", "P-0000")
	assert.Contains(t, hist, "started moved 2026-07-31 -> 2026-09-30 (baseline 2026-07-31): land handover late")
}

func TestAnInterruptedImportRerunEqualsACleanRun(t *testing.T) {
	dir := t.TempDir()
	first := writePlan(t, dir, 40, "2026-07-31")
	clean := newCLI(t)
	clean.ok("import", "plan", first)

	// The failing store: registrations in bulk pass for the first 13
	// projects, then the store fails.
	broken := newCLI(t)
	a := newApp(&strings.Builder{}, &strings.Builder{})
	a.clock, a.dataDir, a.actor = broken.clock, broken.dir, "clerk"
	err := a.importPlan(context.Background(), first, plan.EncodingAuto, "", false, 8, func(ex plan.Executor, reg plan.Registrar) (plan.Executor, plan.Registrar) {
		return ex, registrarFunc(func(ctx context.Context, cmds []domain.RegisterProject) ([]int, error) {
			n, err := reg.RegisterEach(ctx, cmds[:13])
			if err != nil {
				return n, err
			}
			return n, errors.New("store unavailable")
		})
	})
	require.ErrorContains(t, err, "store unavailable")
	assert.Len(t, ledgerEvents(t, broken.dir), 13, "the import stopped part way")
	broken.ok("import", "plan", first)
	assert.Equal(t, ledgerEvents(t, clean.dir), ledgerEvents(t, broken.dir), "same events, same hashes, per project")

	// Moved deadlines go through one command at a time: fail after 17.
	moved := writePlan(t, t.TempDir(), 40, "2026-09-30")
	clean.ok("import", "plan", moved, "--reason", "land handover late")
	var stored atomic.Int64
	a = newApp(&strings.Builder{}, &strings.Builder{})
	a.clock, a.dataDir, a.actor = broken.clock, broken.dir, "clerk"
	err = a.importPlan(context.Background(), moved, plan.EncodingAuto, "land handover late", false, 8, func(ex plan.Executor, reg plan.Registrar) (plan.Executor, plan.Registrar) {
		return plan.ExecutorFunc(func(ctx context.Context, c domain.Command) (int, error) {
			if stored.Load() >= 17 {
				return 0, errors.New("store unavailable")
			}
			n, err := ex.Execute(ctx, c)
			stored.Add(int64(n))
			return n, err
		}), reg
	})
	require.ErrorContains(t, err, "store unavailable")
	broken.ok("import", "plan", moved, "--reason", "land handover late")
	assert.Equal(t, ledgerEvents(t, clean.dir), ledgerEvents(t, broken.dir), "same events, same hashes, per project")
}

type registrarFunc func(ctx context.Context, cmds []domain.RegisterProject) ([]int, error)

func (f registrarFunc) RegisterEach(ctx context.Context, cmds []domain.RegisterProject) ([]int, error) {
	return f(ctx, cmds)
}

// Two imports of one sheet at the same time: the one that writes second
// finds every row stored by the other, and its summary says what it
// stored (nothing), not what it meant to store.
func TestConcurrentImportSummaryMatchesWhatItStored(t *testing.T) {
	c := newCLI(t)
	file := writePlan(t, t.TempDir(), 40, "2026-07-31")
	var out strings.Builder
	a := newApp(&out, &strings.Builder{})
	a.clock, a.dataDir, a.actor = c.clock, c.dir, "clerk"
	err := a.importPlan(context.Background(), file, plan.EncodingAuto, "", false, 8, func(ex plan.Executor, reg plan.Registrar) (plan.Executor, plan.Registrar) {
		return ex, registrarFunc(func(ctx context.Context, cmds []domain.RegisterProject) ([]int, error) {
			if _, err := reg.RegisterEach(ctx, cmds); err != nil { // the other import, first
				return nil, err
			}
			return reg.RegisterEach(ctx, cmds)
		})
	})
	require.NoError(t, err)
	assert.Contains(t, out.String(), "40 rows, 0 stored now, 40 already stored by another import running at the same time, 0 unchanged; 0 events stored")
	assert.Len(t, ledgerEvents(t, c.dir), 40, "each project once")
}

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

// writeSheet writes a plan.csv of the given lines under a Chinese header
// with 环评 and the optional fact columns.
func writeSheet(t *testing.T, dir string, rows ...string) string {
	t.Helper()
	body := "项目代码,项目名称,总投资(万元),责任单位,包保领导,签约,环评,开工,调整原因,行业,赋码\n" + strings.Join(rows, "\n") + "\n"
	path := filepath.Join(dir, "plan.csv")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	return path
}

func TestImportWithdrawsClearedDeadlinesOnlyWhenAsked(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	out := c.ok("import", "plan", writeSheet(t, dir, "P-1,光伏组件,35000,县工信局,李明,2026-03-31,2026-06-30,2026-07-31,,制造业,2611-361102-38-01-000017"))
	assert.Contains(t, out, "1 rows, 1 new projects, 0 changed, 0 unchanged; 4 events stored")
	show := c.ok("project", "show", "P-1", "--json")
	assert.Contains(t, show, `"industry": "制造业"`)
	assert.Contains(t, show, `"national_code": "2611-361102-38-01-000017"`)

	cleared := writeSheet(t, dir, "P-1,光伏组件,35000,县工信局,李明,2026-03-31,,2026-07-31,,,")
	before := c.msgCount()
	out = c.ok("import", "plan", cleared, "--dry-run")
	assert.Contains(t, out, "row 2  P-1 光伏组件:\n    withdraw eia deadline 2026-06-30 (cell cleared): applied only with --withdraw-cleared\n")
	assert.Contains(t, out, "would store 0 commands (0 new projects, 0 changed); nothing stored\n"+
		"1 cleared deadline cell listed above would stay planned: they are withdrawn only with --withdraw-cleared\n")
	out = c.ok("import", "plan", cleared)
	assert.Contains(t, out, "1 rows, 0 new projects, 0 changed, 1 unchanged; 0 events stored")
	assert.Contains(t, out, "left 1 cleared deadline cell alone: their deadlines stay planned; --dry-run lists them, and importing again with --withdraw-cleared withdraws them\n")
	assert.Equal(t, before, c.msgCount(), "nothing withdrawn without the flag")
	assert.Contains(t, c.ok("project", "show", "P-1"), "2026-06-30")

	out = c.ok("import", "plan", cleared, "--withdraw-cleared", "--dry-run")
	assert.Contains(t, out, "    withdraw eia deadline 2026-06-30 (cell cleared): 计划表 plan.csv 中已清空\n")
	assert.Contains(t, out, "would store 1 commands (0 new projects, 1 changed); nothing stored\n")
	assert.NotContains(t, out, "would stay planned")
	assert.Equal(t, before, c.msgCount(), "a dry run stores nothing")

	out = c.ok("import", "plan", cleared, "--withdraw-cleared")
	assert.Contains(t, out, "1 rows, 0 new projects, 1 changed, 0 unchanged; 1 events stored")
	assert.NotContains(t, out, "left")
	assert.Equal(t, before+1, c.msgCount())
	hist := c.ok("history", "P-1")
	assert.Contains(t, hist, "deadline_withdrawn")
	show = c.ok("project", "show", "P-1")
	assert.NotContains(t, show, "2026-06-30", "the eia deadline is gone")
	assert.Contains(t, show, "2026-07-31")
	audit := c.ok("audit", "deadlines", "P-1")
	assert.NotContains(t, audit, "eia")
	assert.Contains(t, audit, "started")

	out = c.ok("import", "plan", cleared, "--withdraw-cleared")
	assert.Contains(t, out, "1 rows, 0 new projects, 0 changed, 1 unchanged; 0 events stored", "withdrawn once")
	assert.Equal(t, before+1, c.msgCount())
}

func TestImportRefusesBackwardsDeadlinesUnlessConfirmed(t *testing.T) {
	c := newCLI(t)
	path := writeSheet(t, t.TempDir(),
		"P-1,光伏组件,35000,县工信局,李明,2026-03-31,,2026-07-31,,,",
		"P-2,冷链物流园,12000,县商务局,王强,2026-05-31,2026-04-30,2026-04-15,,,")
	before := c.msgCount()
	code, _, errs := c.run("import", "plan", path)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "plan.csv: row 3, column 开工: started due 2026-04-15 is before signed due 2026-05-31; expected started on or after signed, or --confirm-order to store the plan as it is (1 problem in all; nothing stored)")
	assert.Equal(t, before, c.msgCount(), "a file with problems stores nothing")

	out := c.ok("import", "plan", path, "--confirm-order", "--dry-run")
	assert.Contains(t, out, "    started due 2026-04-15 is before signed due 2026-05-31: stored as confirmed (--confirm-order)\n")
	out = c.ok("import", "plan", path, "--confirm-order")
	assert.Contains(t, out, "2 rows, 2 new projects, 0 changed, 0 unchanged")
	assert.Contains(t, c.ok("project", "show", "P-2"), "2026-04-15")
}

func TestImportRefusesABadNationalCode(t *testing.T) {
	c := newCLI(t)
	path := writeSheet(t, t.TempDir(), "P-1,光伏组件,35000,县工信局,李明,2026-03-31,,2026-07-31,,制造业,2611-36110-38-01-000017")
	code, _, errs := c.run("import", "plan", path)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, `plan.csv: row 2, column 赋码: "2611-36110-38-01-000017" is not a national project code`)
	assert.Contains(t, errs, "(1 problem in all; nothing stored)")
}

// With units in the register, the import stores a unit's canonical name
// for its alias and refuses, storing nothing, a unit it does not know.
func TestImportMapsAliasesAndRefusesUnknownUnits(t *testing.T) {
	c := newCLI(t)
	c.ok("units", "add", "县工业和信息化局", "--alias", "县工信局")
	c.ok("units", "add", "县商务局")
	dir := t.TempDir()
	before := c.msgCount()
	code, _, errs := c.run("import", "plan", writeSheet(t, dir,
		"P-1,光伏组件,35000,县工信局,李明,2026-03-31,,2026-07-31,,,",
		"P-2,冷链物流园,12000,县商务厅,王强,2026-03-31,,2026-07-31,,,"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, `plan.csv: row 3, column 责任单位: unit "县商务厅" is not in the unit register; closest: 县商务局`)
	assert.Equal(t, before, c.msgCount(), "a file with problems stores nothing")

	c.ok("import", "plan", writeSheet(t, dir,
		"P-1,光伏组件,35000,县工信局,李明,2026-03-31,,2026-07-31,,,",
		"P-2,冷链物流园,12000,县商务局,王强,2026-03-31,,2026-07-31,,,"))
	assert.Contains(t, c.ok("project", "show", "P-1", "--json"), `"unit": "县工业和信息化局"`)
	out := c.ok("import", "plan", writeSheet(t, dir,
		"P-1,光伏组件,35000,县工信局,李明,2026-03-31,,2026-07-31,,,",
		"P-2,冷链物流园,12000,县商务局,王强,2026-03-31,,2026-07-31,,,"), "--dry-run")
	assert.Contains(t, out, "would store 0 commands", "the alias is the same unit: nothing changed")
}

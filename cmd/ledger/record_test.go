package main

import (
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain/entry"
)

// Every form of package entry is a command, with its fields as flags: a
// form added to the table and not wired to the root fails here.
func TestEveryFormIsACommand(t *testing.T) {
	root := newApp(io.Discard, io.Discard).rootCommand()
	for _, f := range entry.Forms() {
		path := strings.Fields(f.Group + " " + f.Name())
		c, rest, err := root.Find(path)
		require.NoError(t, err, "%v", path)
		require.Empty(t, rest, "%v", path)
		require.Equal(t, f.Name(), c.Name(), "form %v has no command", path)
		assert.Equal(t, f.Use, c.Use)
		assert.Equal(t, f.Short, c.Short)
		for _, fl := range f.Fields {
			flag := c.Flags().Lookup(fl.Name)
			if assert.NotNil(t, flag, "%v --%s", path, fl.Name) {
				assert.Equal(t, fl.Help, flag.Usage)
				assert.Equal(t, fl.Repeated, flag.Value.Type() == "stringArray", "%v --%s", path, fl.Name)
			}
		}
		assert.NotNil(t, c.Flags().Lookup("command-id"), "%v", path)
		assert.NotNil(t, c.Flags().Lookup("correlation-id"), "%v", path)
	}
}

// Two tranches of the same amount on one day are two facts when their
// references differ; without one the second is taken for a retry, and the
// answer says how to record it as a fact of its own.
func TestEqualTranchesOnOneDayAreToldApartByTheirReference(t *testing.T) {
	c := newCLI(t)
	c.ok("project", "register", "P-1", "--name", "n", "--investment", "100万", "--unit", "u", "--leader", "l")
	c.ok("record", "funds_received", "P-1", "--amount", "10万", "--on", "2026-11-20")
	code, out, errs := c.run("record", "funds_received", "P-1", "--amount", "10万", "--on", "2026-11-20")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "already stored")
	assert.Contains(t, errs, "--ref")
	before := c.msgCount()

	out = c.ok("record", "funds_received", "P-1", "--amount", "10万", "--on", "2026-11-20", "--ref", "转账 0042")
	assert.Contains(t, out, "stored: P-1 funds_received")
	assert.Equal(t, before+1, c.msgCount())
	code, out, errs = c.run("record", "funds_received", "P-1", "--amount", "10万", "--on", "2026-11-20", "--ref", "转账 0042")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "already stored")
	assert.NotContains(t, errs, "hint", "a tranche with its reference given twice is a retry")
	assert.Equal(t, before+1, c.msgCount())
	assert.Contains(t, c.ok("history", "P-1", "--json"), `"reference": "转账 0042"`)

	c.ok("issue", "raise", "P-1", "--title", "电力接入未排期", "--on", "2026-11-20")
	_, _, errs = c.run("issue", "raise", "P-1", "--title", "电力接入未排期", "--on", "2026-11-20")
	assert.Contains(t, errs, "--id")
}

// A form's switch (--confirm-order) is a bool flag: given alone, it is on.
func TestFormSwitchesAreBoolFlags(t *testing.T) {
	root := newApp(io.Discard, io.Discard).rootCommand()
	switches := 0
	for _, f := range entry.Forms() {
		c, _, err := root.Find(strings.Fields(f.Group + " " + f.Name()))
		require.NoError(t, err)
		for _, fl := range f.Fields {
			if !fl.Bool {
				continue
			}
			switches++
			if flag := c.Flags().Lookup(fl.Name); assert.NotNil(t, flag, "%s %s --%s", f.Group, f.Name(), fl.Name) {
				assert.Equal(t, "bool", flag.Value.Type(), "%s %s --%s", f.Group, f.Name(), fl.Name)
				assert.Equal(t, "true", flag.NoOptDefVal, "%s %s --%s", f.Group, f.Name(), fl.Name)
			}
		}
	}
	assert.Equal(t, 4, switches, "--confirm-order of project register, plan, revise-deadline and record")
}

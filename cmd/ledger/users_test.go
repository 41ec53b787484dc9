package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"
)

// runIn is run with stdin as the command's standard input, and the
// lowest bcrypt cost.
func (c *cli) runIn(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	a := newApp(&out, &errb)
	a.clock = c.clock
	a.stdin = strings.NewReader(stdin)
	a.passwordCost = bcrypt.MinCost
	code = a.run(context.Background(), append([]string{"--data", c.dir, "--actor", "clerk"}, args...))
	return code, out.String(), errb.String()
}

var passwordRE = regexp.MustCompile(`(?m)^password: (\S+)$`)

// addUser registers login with role and returns the password the command
// generated.
func (c *cli) addUser(login, role, name string) string {
	c.t.Helper()
	code, out, errs := c.runIn("", "auth", "user", "add", login, "--role", role, "--name", name)
	require.Equal(c.t, 0, code, errs)
	m := passwordRE.FindStringSubmatch(out)
	require.NotNil(c.t, m, "a generated password in %q", out)
	return m[1]
}

func TestAuthUserAddsListsAndRemovesPeople(t *testing.T) {
	c := newCLI(t)
	c.ok("units", "list") // a ledger to work on
	out := c.ok("auth", "user", "list")
	assert.Contains(t, out, "nobody is registered")

	pw := c.addUser("zhangsan", "督查", "张三")
	assert.Len(t, pw, 16)
	code, out, errs := c.runIn("a chosen long password\n", "auth", "user", "add", "li", "--role", "viewer", "--name", "李县长", "--password-stdin")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "added li (李县长), role viewer (领导查看)")
	assert.NotContains(t, out, "password:", "a chosen password is not printed")

	out = c.ok("auth", "user", "list")
	assert.Regexp(t, `li\s+李县长\s+viewer \(领导查看\)`, out)
	assert.Regexp(t, `zhangsan\s+张三\s+inspector \(督查\)`, out)
	assert.NotContains(t, out, pw)

	for _, cs := range []struct {
		name  string
		stdin string
		args  []string
		code  int
		says  string
	}{
		{"taken", "", []string{"add", "ZhangSan", "--role", "viewer"}, exitFailed, "user exists already: ZhangSan"},
		{"unknown role", "", []string{"add", "wang", "--role", "boss"}, exitUsage, `--role: role "boss": expected one of viewer (领导查看), reporter (报表), unit_reporter (单位填报), inspector (督查), recorder (录入), auditor (审计)`},
		{"the service", "", []string{"add", "wang", "--role", "ledger"}, exitUsage, "--role"},
		{"no role", "", []string{"add", "wang"}, exitUsage, "--role is required"},
		{"short password", "short\n", []string{"add", "wang", "--role", "viewer", "--password-stdin"}, exitUsage, "--password-stdin: the password has fewer than 10 characters"},
		{"empty stdin", "", []string{"add", "wang", "--role", "viewer", "--password-stdin"}, exitUsage, "--password-stdin: standard input holds no password"},
		{"space in login", "", []string{"add", "wang wu", "--role", "viewer"}, exitUsage, "without spaces"},
		{"remove nobody", "", []string{"remove", "wang"}, exitFailed, "no such user: wang"},
		{"password of nobody", "", []string{"password", "wang"}, exitFailed, "no such user: wang"},
	} {
		t.Run(cs.name, func(t *testing.T) {
			code, _, errs := c.runIn(cs.stdin, append([]string{"auth", "user"}, cs.args...)...)
			assert.Equal(t, cs.code, code)
			assert.Contains(t, errs, cs.says)
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(errs), "\n")+1, "one line: %q", errs)
		})
	}
	out = c.ok("auth", "user", "list")
	assert.NotContains(t, out, "wang", "nothing refused was stored")

	code, out, errs = c.runIn("", "auth", "user", "password", "zhangsan")
	require.Equal(t, 0, code, errs)
	assert.Regexp(t, `new password for zhangsan: \S{16} \(shown once\)`, out)
	assert.NotContains(t, out, pw)

	c.ok("auth", "user", "remove", "li")
	out = c.ok("auth", "user", "list")
	assert.NotContains(t, out, "李县长")
}

func TestAuthUserAddsAUnitReporterForRegisteredUnits(t *testing.T) {
	c := newCLI(t)
	c.ok("units", "add", "县工业和信息化局", "--alias", "县工信局")
	c.ok("units", "add", "县商务局")

	code, out, errs := c.runIn("", "auth", "user", "add", "gxj", "--role", "单位填报", "--unit", "县工信局", "--unit", "县商务局", "--name", "王芳")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "added gxj (王芳), role unit_reporter (单位填报), units 县工业和信息化局, 县商务局", "an alias is stored as its canonical name")
	out = c.ok("auth", "user", "list")
	assert.Regexp(t, `gxj\s+王芳\s+unit_reporter \(单位填报\)\s+\S+ \S+\s+县工业和信息化局、县商务局`, out)

	for _, cs := range []struct {
		name string
		args []string
		says string
	}{
		{"no unit", []string{"add", "wang", "--role", "unit_reporter"}, "--unit is required for a unit reporter (单位填报)"},
		{"a unit for a viewer", []string{"add", "wang", "--role", "viewer", "--unit", "县商务局"}, "--unit binds a unit reporter"},
		{"an unknown unit", []string{"add", "wang", "--role", "unit_reporter", "--unit", "县商务厅"}, `--unit: unit "县商务厅" is not in the unit register; closest: 县商务局`},
	} {
		t.Run(cs.name, func(t *testing.T) {
			code, _, errs := c.runIn("", append([]string{"auth", "user"}, cs.args...)...)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, errs, cs.says)
		})
	}
	out = c.ok("auth", "user", "list")
	assert.NotContains(t, out, "wang", "nothing refused was stored")
}

package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Once the register holds units, aliases map to the canonical name,
// unknown names are refused with the closest ones, and the scoreboard
// counts a project entered under an alias before the register existed
// under its canonical unit.
func TestTheUnitRegisterMapsAliasesAndRefusesUnknownUnits(t *testing.T) {
	c := newCLI(t)
	assert.Contains(t, c.ok("units", "list"), "the unit register is empty")
	register := func(id, unit string) (int, string) {
		code, _, errs := c.run("project", "register", id, "--name", "项目 "+id, "--investment", "1亿", "--unit", unit, "--leader", "李明", "--on", "2026-01-05")
		return code, errs
	}
	code, errs := register("P-0", "县发改局")
	require.Equal(t, 0, code, "free text while the register is empty: %s", errs)

	c.ok("units", "add", "县发展和改革局", "--alias", "县发改局", "--alias", "县发改委")
	c.ok("units", "add", "县工业和信息化局", "--alias", "县工信局")
	c.ok("units", "alias", "县工信局", "--alias", "县经信局")
	list := c.ok("units", "list")
	assert.Contains(t, list, "县发展和改革局  (also: 县发改委, 县发改局)")
	assert.Contains(t, list, "县工业和信息化局  (also: 县工信局, 县经信局)")

	code, errs = register("P-1", "县发改局")
	require.Equal(t, 0, code, errs)
	code, errs = register("P-2", "县工信局 (county industry bureau)")
	require.Equal(t, 0, code, errs)
	var views []map[string]any
	require.NoError(t, json.Unmarshal([]byte(c.ok("history", "P-1", "--json")), &views))
	assert.Equal(t, "县发展和改革局", views[0]["data"].(map[string]any)["unit"], "stored under the canonical name")
	require.NoError(t, json.Unmarshal([]byte(c.ok("history", "P-2", "--json")), &views))
	assert.Equal(t, "县工业和信息化局", views[0]["data"].(map[string]any)["unit"], "an English gloss is not a different unit")

	before := c.msgCount()
	code, errs = register("P-3", "县发展改革局")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, errs, `unit "县发展改革局" is not in the unit register; closest: 县发展和改革局`)
	assert.Equal(t, before, c.msgCount(), "nothing stored")
	code, _, errs = c.run("units", "add", "县发改局")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, errs, "already registered as 县发展和改革局")

	c.ok("projections", "rebuild")
	var board []map[string]any
	require.NoError(t, json.Unmarshal([]byte(c.ok("scoreboard", "--json", "--as-of", "2026-11-27")), &board))
	units := map[string]float64{}
	for _, r := range board {
		if r["by"] == "unit" {
			units[r["name"].(string)] = r["projects"].(float64)
		}
	}
	assert.Equal(t, map[string]float64{"县发展和改革局": 2, "县工业和信息化局": 1}, units)
	assert.NotContains(t, c.ok("status", "--as-of", "2026-11-27"), "UNIT-REGISTER", "the register is not a project")
	code, _, errs = c.run("project", "register", "unit-register", "--name", "x", "--investment", "1", "--unit", "县发改局", "--leader", "l")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, errs, "the unit register's history")
}

func TestTheUnitRegisterKnowsIndustryGroups(t *testing.T) {
	c := newCLI(t)
	c.ok("units", "add", "新能源产业推进组", "--industry-group", "--alias", "新能源推进组", "--on", "2026-03-02")
	c.ok("units", "add", "县发展和改革局", "--alias", "县发改局", "--on", "2026-03-02")
	c.ok("units", "add", "城关镇", "--township", "--on", "2026-03-02")
	list := c.ok("units", "list")
	assert.Contains(t, list, "industry_group 新能源产业推进组  (also: 新能源推进组)")
	assert.Contains(t, list, "unit           县发展和改革局")
	assert.Contains(t, list, "township       城关镇")
	code, _, errs := c.run("units", "add", "x", "--township", "--industry-group")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "a name is of one kind")
}

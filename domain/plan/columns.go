// Package plan reads the back-scheduled plan (倒逼进度表) a key-project office
// keeps in a spreadsheet, checks every cell, and turns each row into the
// commands that bring the ledger to what the row says.
//
// It does no I/O of its own: callers hand it the file's bytes. Reading order:
// columns.go (the headers it accepts), sheet.go (CSV and XLSX into cells),
// rows.go (cells into checked rows, every problem named), changes.go (a row
// against the ledger's state: the commands to store), template.go.
package plan

import (
	"strings"

	"github.com/keyprojects/ledger/domain"
)

// Field is what a column holds.
type Field int

// The fields of a plan row. A deadline column is FieldDeadline with its
// milestone.
const (
	FieldProject Field = iota
	FieldName
	FieldInvestmentYuan
	FieldInvestmentWan
	FieldUnit
	FieldLeader
	FieldTownship
	FieldKind
	FieldReason
	FieldDeadline
	FieldIndustry
	FieldNationalCode
)

// Column is one accepted header: its field, the milestone of a deadline
// column, and its names in English and Chinese.
type Column struct {
	Field     Field
	Milestone domain.Milestone
	EN, ZH    string
	// Aliases are other spellings seen in county spreadsheets.
	Aliases []string
}

// Columns are the headers a plan may have, in template order. Headers are
// matched without regard to case, spaces, underscores or full-width
// brackets.
var Columns = []Column{
	{Field: FieldProject, EN: "project", ZH: "项目代码", Aliases: []string{"project code", "project id", "项目编号"}},
	{Field: FieldName, EN: "name", ZH: "项目名称"},
	{Field: FieldInvestmentWan, EN: "total investment (10k yuan)", ZH: "总投资(万元)", Aliases: []string{"total investment wan"}},
	{Field: FieldInvestmentYuan, EN: "total investment (yuan)", ZH: "总投资(元)", Aliases: []string{"total investment yuan"}},
	{Field: FieldUnit, EN: "unit", ZH: "责任单位", Aliases: []string{"responsible unit"}},
	{Field: FieldLeader, EN: "leader", ZH: "包保领导", Aliases: []string{"responsible leader", "挂点领导"}},
	{Field: FieldTownship, EN: "township", ZH: "乡镇", Aliases: []string{"location", "所在乡镇"}},
	{Field: FieldKind, EN: "kind", ZH: "项目类型", Aliases: []string{"建设性质"}},
	{Field: FieldDeadline, Milestone: domain.MilestoneNegotiating, EN: "negotiating", ZH: "洽谈"},
	{Field: FieldDeadline, Milestone: domain.MilestoneSigned, EN: "signed", ZH: "签约"},
	{Field: FieldDeadline, Milestone: domain.MilestoneFundsReceived, EN: "funds received", ZH: "到资", Aliases: []string{"进资"}},
	{Field: FieldDeadline, Milestone: domain.MilestoneRegistration, EN: "registration", ZH: "注册"},
	{Field: FieldDeadline, Milestone: domain.MilestoneFeasibility, EN: "feasibility", ZH: "可研"},
	{Field: FieldDeadline, Milestone: domain.MilestoneEIA, EN: "eia", ZH: "环评"},
	{Field: FieldDeadline, Milestone: domain.MilestoneLand, EN: "land", ZH: "土地", Aliases: []string{"用地"}},
	{Field: FieldDeadline, Milestone: domain.MilestonePlanning, EN: "planning", ZH: "规划许可"},
	{Field: FieldDeadline, Milestone: domain.MilestoneConstructionPermit, EN: "construction permit", ZH: "施工许可"},
	{Field: FieldDeadline, Milestone: domain.MilestoneStarted, EN: "started", ZH: "开工"},
	{Field: FieldDeadline, Milestone: domain.MilestoneCompleted, EN: "completed", ZH: "竣工"},
	{Field: FieldDeadline, Milestone: domain.MilestoneCommissioned, EN: "commissioned", ZH: "投产"},
	{Field: FieldDeadline, Milestone: domain.MilestoneFullCapacity, EN: "full capacity", ZH: "达产"},
	{Field: FieldReason, EN: "reason", ZH: "调整原因", Aliases: []string{"revision reason"}},
	// Optional facts of a new project, after the older columns so that
	// their places in the template do not move. The national code may
	// also be the project column's id; this column records it as a fact.
	{Field: FieldIndustry, EN: "industry", ZH: "行业", Aliases: []string{"所属行业"}},
	{Field: FieldNationalCode, EN: "national code", ZH: "赋码", Aliases: []string{"项目赋码", "national project code", "全国投资项目代码"}},
}

// headerFold drops spaces and underscores and makes brackets ASCII; built
// once, as building a Replacer costs more than using it.
var headerFold = strings.NewReplacer(" ", "", "_", "", "\u3000", "", "\n", "", "\r", "", "\t", "", "（", "(", "）", ")")

// normalize folds a header for matching: lower case, no spaces or
// underscores, ASCII brackets.
func normalize(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	return headerFold.Replace(h)
}

// lookup finds the column a header names.
func lookup(header string) (Column, bool) {
	n := normalize(header)
	for _, c := range Columns {
		if n == normalize(c.EN) || n == normalize(c.ZH) {
			return c, true
		}
		for _, a := range c.Aliases {
			if n == normalize(a) {
				return c, true
			}
		}
	}
	return Column{}, false
}

// Lang selects the header language of a template.
type Lang int

// The header languages.
const (
	EN Lang = iota
	ZH
)

// Header returns the column's header in lang.
func (c Column) Header(lang Lang) string {
	if lang == ZH {
		return c.ZH
	}
	return c.EN
}

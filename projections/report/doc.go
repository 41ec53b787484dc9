// Package report turns the read models of package projections into tables
// and renders them as aligned text, CSV, Markdown and Excel workbooks, in
// English or Chinese.
//
// A Table is plain data: a sheet name, a two-language title, typed columns
// and rows of plain Go values. The builders (StatusTable, OverdueTable,
// ScoreboardTable, InvestmentTable, UnitInvestmentTable, SupervisionTable,
// BulletinTables) make one from each read model; the renderers (Text, CSV,
// Markdown, XLSX) print any Table, so a new report needs a builder only.
//
// Values stay language-neutral until rendered: a column's Kind says how a
// value is printed, and Format translates the ledger's codes (lights,
// milestones, stages, project kinds, compliance flags) into Chinese for ZH.
// Money is integer yuan in the rows and is shown in 万元 (10,000 yuan) with
// integer arithmetic only. The one place a number of 万元 is stored as
// such is a workbook's money cell in the form layout, where the
// spreadsheet's own formulas need it: written from the exact decimal, it
// reads back to the yuan below 10^15 yuan.
package report

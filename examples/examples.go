// Package examples holds a sample back-scheduled plan (倒排工期 / 倒逼进度表)
// of a county for 2026: 50 key projects (30 新建, 20 续建) under 8
// responsible units and 12 leaders, with deadlines that fall before, around
// and after 2026-11-27, the date most tests are set on; `ledger demo`
// imports it on 2026-01-05 and plays the year to 2026-11-30.
//
// The same plan comes in the three forms a key-project office sends: UTF-8
// CSV with a byte order mark, GB18030 CSV as Chinese Excel exports it, and
// an Excel workbook. They are embedded, so commands and tests can use them
// without reading files from the working directory; see README.md for
// importing them with ledger import plan.
package examples

import _ "embed"

// CountyPlanCSV is county-plan-2026.csv: the plan as UTF-8 CSV with a byte
// order mark and the Chinese headers of plan.Columns.
//
//go:embed county-plan-2026.csv
var CountyPlanCSV []byte

// CountyPlanGB18030 is county-plan-2026-gb18030.csv: the same plan as CSV
// in GB18030 without a byte order mark, as Chinese Excel saves it.
//
//go:embed county-plan-2026-gb18030.csv
var CountyPlanGB18030 []byte

// CountyPlanXLSX is county-plan-2026.xlsx: the same plan as an Excel
// workbook. The first sheet holds it, headers in bold; codes and deadlines
// are text cells, except the 开工 column, whose cells are Excel dates
// (serial numbers shown as yyyy-mm-dd), and total investments are numbers.
//
//go:embed county-plan-2026.xlsx
var CountyPlanXLSX []byte

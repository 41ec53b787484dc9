package plan

import (
	"encoding/csv"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/keyprojects/ledger/domain"
)

// ExampleProject is the project id of the template's example row. An
// import refuses it, so a clerk who fills in rows under the example does
// not register it for good by mistake.
const ExampleProject domain.ProjectID = "EXAMPLE-DELETE-ME"

// exampleRow fills the template's example: one project, by column.
func exampleRow(lang Lang) map[Field]string {
	name, unit, leader, township, kind, reason := "Photovoltaic module plant", "County Industry Bureau", "Li Ming", "Chengguan", "new", ""
	industry := "Manufacturing"
	if lang == ZH {
		name, unit, leader, township, kind, industry = "光伏组件生产线项目", "县工信局", "李明", "城关镇", "新建", "制造业"
	}
	return map[Field]string{
		FieldProject: string(ExampleProject), FieldName: name, FieldInvestmentWan: "35000",
		FieldUnit: unit, FieldLeader: leader, FieldTownship: township, FieldKind: kind, FieldReason: reason,
		FieldIndustry: industry, FieldNationalCode: "",
	}
}

// exampleDeadlines are the example row's deadlines, by milestone column.
var exampleDeadlines = map[string]string{
	"signed": "2026-03-31", "eia": "2026-05-31", "land": "2026-06-30", "construction permit": "2026-07-20",
	"started": "2026-07-31", "completed": "2027-03-31", "commissioned": "2027-06-30",
}

// templateColumns are the template's columns: every column but the yuan
// investment (the template uses 万元, as reports do).
func templateColumns() []Column {
	var out []Column
	for _, c := range Columns {
		if c.Field != FieldInvestmentYuan {
			out = append(out, c)
		}
	}
	return out
}

func templateRows(lang Lang) [][]string {
	cols := templateColumns()
	header, example := make([]string, len(cols)), make([]string, len(cols))
	ex := exampleRow(lang)
	for i, c := range cols {
		header[i] = c.Header(lang)
		if c.Field == FieldDeadline {
			example[i] = exampleDeadlines[c.EN]
		} else {
			example[i] = ex[c.Field]
		}
	}
	return [][]string{header, example}
}

// WriteTemplateCSV writes an empty plan with the headers in lang and one
// filled example row, as UTF-8 CSV with a byte order mark (so Excel opens
// it correctly).
func WriteTemplateCSV(w io.Writer, lang Lang) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(templateRows(lang)); err != nil {
		return fmt.Errorf("write template: %w", err)
	}
	return nil
}

// WriteTemplateXLSX writes the same template as an Excel workbook: deadline
// and text cells as text, so Excel does not reformat dates or codes.
func WriteTemplateXLSX(w io.Writer, lang Lang) error {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	sheet := "plan"
	if lang == ZH {
		sheet = "倒排计划"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 49})
	if err != nil {
		return err
	}
	rows := templateRows(lang)
	for r, row := range rows {
		for c, v := range row {
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				return err
			}
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				return err
			}
			style := text
			if r == 0 {
				style = bold
			}
			if err := f.SetCellStyle(sheet, cell, cell, style); err != nil {
				return err
			}
		}
	}
	last, _ := excelize.ColumnNumberToName(len(rows[0]))
	if err := f.SetColStyle(sheet, "A:"+last, text); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "A", last, 16); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	return f.Write(w)
}

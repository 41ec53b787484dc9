package plan

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Sheet is a plan file read into text cells: a header row and data rows,
// numbered as a spreadsheet user sees them (the header is row 1).
type Sheet struct {
	File   string // the file's name, for messages
	Header []string
	Rows   [][]string
	// RowLines are the file line numbers of Rows when they differ from
	// their position (a CSV with empty lines, which the reader skips);
	// nil means row i is on line i+2.
	RowLines []int
	// Encoding is the text encoding a CSV file was read in ("utf-8",
	// "gb18030"), or "xlsx".
	Encoding string
	// Display are Rows as Excel shows them, for a workbook: a number cell
	// formatted "2026.10" stores 2026.1. Nil for CSV.
	Display [][]string

	// Where the header was found, and what the rows above it say (a
	// county sheet's title rows); zero for a file whose header is row 1.
	HeaderLine int        // the file line of the header's first row (1 when it is the first)
	HeaderRows int        // how many rows the header takes
	Paths      [][]string // per column, the header rows' texts over it (group, then sub-header)
	Reporter   string     // the name on a 报送单位/填报单位 line
	MoneyUnit  string     // the unit a 单位：万元 line gives money columns
	Year       int        // the year the title names
	Month      string     // the month the title names (截至2026年10月), YYYY-MM
	Title      string     // the first title row's text
}

// Encoding names how a CSV file's text is encoded.
type Encoding string

// The encodings a CSV plan may be in. Chinese Excel exports CSV in GB18030
// (GBK); EncodingAuto takes UTF-8 when the bytes are valid UTF-8 (with or
// without a byte order mark) and GB18030 otherwise.
const (
	EncodingAuto    Encoding = "auto"
	EncodingUTF8    Encoding = "utf-8"
	EncodingGB18030 Encoding = "gb18030"
)

// ParseEncoding checks an --encoding value.
func ParseEncoding(s string) (Encoding, error) {
	switch e := Encoding(strings.ToLower(s)); e {
	case EncodingAuto, EncodingUTF8, EncodingGB18030:
		return e, nil
	case "gbk", "gb2312":
		return EncodingGB18030, nil
	case "utf8":
		return EncodingUTF8, nil
	}
	return "", &ReadError{en: fmt.Sprintf("encoding %q is unknown; expected auto, utf-8 or gb18030", s),
		zh: fmt.Sprintf("编码%q未知；应为auto、utf-8或gb18030", s)}
}

// ReadError is a file that cannot be read as a sheet, or an encoding
// that is not one: Error says it in English, In in either language.
type ReadError struct {
	en, zh string
	err    error // the cause, if any
}

// Error implements error.
func (e *ReadError) Error() string { return e.en }

// Unwrap returns the cause.
func (e *ReadError) Unwrap() error { return e.err }

// In is the error in Chinese (zh) or English.
func (e *ReadError) In(zh bool) string {
	if zh {
		return e.zh
	}
	return e.en
}

// readError is a ReadError of file name: en and zh say what is wrong,
// after the name; cause, if not nil, is wrapped.
func readError(name string, cause error, en, zh string) error {
	return &ReadError{en: name + ": " + en, zh: name + "：" + zh, err: cause}
}

// ErrorIn is err's text in Chinese (zh) when err is or wraps a
// ReadError, else err's text.
func ErrorIn(err error, zh bool) string {
	var re *ReadError
	if zh && errors.As(err, &re) && re.Error() == err.Error() {
		return re.In(true)
	}
	return err.Error()
}

// ReadCSV reads a CSV plan.
func ReadCSV(name string, data []byte, enc Encoding) (Sheet, error) {
	text, used, err := decodeText(data, enc)
	if err != nil {
		var re *ReadError
		if errors.As(err, &re) {
			return Sheet{}, readError(name, err, re.en, re.zh)
		}
		return Sheet{}, fmt.Errorf("%s: %w", name, err)
	}
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1 // ragged rows are reported per row, not as one error
	var records [][]string
	var lines []int
	breaks := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Sheet{}, readError(name, err, fmt.Sprintf("not a CSV file: %v", err), fmt.Sprintf("不是CSV文件：%v", err))
		}
		// The spreadsheet row: the file line, less the line breaks inside
		// quoted cells above it (Excel shows such a cell in one row), and
		// counting the empty lines the reader skips (Excel shows them).
		line, _ := r.FieldPos(0)
		records, lines = append(records, rec), append(lines, line-breaks)
		for _, c := range rec {
			breaks += strings.Count(c, "\n")
		}
	}
	return sheetOf(name, used, records, lines, nil)
}

func decodeText(data []byte, enc Encoding) (string, string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	switch enc {
	case EncodingUTF8:
		if !utf8.Valid(data) {
			return "", "", &ReadError{en: "not valid UTF-8; if Excel saved it, try --encoding gb18030",
				zh: "不是有效的UTF-8文本；如由Excel保存，请改用 --encoding gb18030"}
		}
		return string(data), string(EncodingUTF8), nil
	case EncodingGB18030:
		out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return "", "", &ReadError{en: fmt.Sprintf("not valid GB18030: %v", err), zh: fmt.Sprintf("不是有效的GB18030文本：%v", err), err: err}
		}
		return string(out), string(EncodingGB18030), nil
	}
	if utf8.Valid(data) {
		return string(data), string(EncodingUTF8), nil
	}
	return decodeText(data, EncodingGB18030)
}

// ReadXLSX reads the first worksheet of an Excel plan. Cells are read as
// stored, not as displayed: a date cell holds its date serial, which the
// row checks turn into a date (see excelDate).
func ReadXLSX(name string, r io.Reader) (Sheet, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return Sheet{}, readError(name, err, fmt.Sprintf("not an Excel .xlsx workbook: %v", err), fmt.Sprintf("不是Excel .xlsx工作簿：%v", err))
	}
	defer func() { _ = f.Close() }()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return Sheet{}, readError(name, nil, "the workbook has no sheet", "工作簿中没有工作表")
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return Sheet{}, fmt.Errorf("%s: %w", name, err)
	}
	shown, err := f.GetRows(sheets[0])
	if err != nil {
		return Sheet{}, fmt.Errorf("%s: %w", name, err)
	}
	lines := make([]int, len(rows))
	for i := range rows {
		lines[i] = i + 1
	}
	return sheetOf(name, "xlsx", rows, lines, shown)
}

// excelDate turns an Excel date serial (the number a date cell stores)
// into YYYY-MM-DD; anything else is returned as it is, to be judged as a
// date by the row checks.
func excelDate(v string) string {
	serial, err := strconv.ParseFloat(v, 64)
	// Only serials of plausible project dates (1990 to 2100): a number such
	// as 2026 or 3.31 in a date column is a typing slip, not a date in 1905.
	if err != nil || serial < 32874 || serial >= 73416 {
		return v
	}
	t, err := excelize.ExcelDateToTime(serial, false)
	if err != nil {
		return v
	}
	return t.Format(time.DateOnly)
}

// sheetOf finds the header band of records (on file lines lines) and
// the rows under it.
func sheetOf(name, enc string, records [][]string, lines []int, shown [][]string) (Sheet, error) {
	// Drop trailing empty rows, which spreadsheets leave behind.
	for len(records) > 0 && blank(records[len(records)-1]) {
		records = records[:len(records)-1]
	}
	// And leading ones: a sheet that starts a row or two down.
	for len(records) > 0 && blank(records[0]) {
		records, lines = records[1:], lines[1:]
		if len(shown) > 0 {
			shown = shown[1:]
		}
	}
	if len(records) == 0 {
		return Sheet{}, readError(name, nil, "the file is empty; expected a header row and one row per project", "文件为空；应有表头行，表头下每个项目一行")
	}
	b := findBand(records)
	body := b.first + b.rows
	s := Sheet{File: name, Header: b.header, Rows: records[body:], RowLines: lines[body:len(records)], Encoding: enc,
		HeaderLine: lines[b.first], HeaderRows: b.rows, Paths: b.paths, Reporter: b.reporter,
		MoneyUnit: string(b.unit), Year: b.year, Month: b.month, Title: b.title}
	if shown != nil {
		s.Display = make([][]string, len(s.Rows))
		for i := range s.Rows {
			if body+i < len(shown) {
				s.Display[i] = shown[body+i]
			}
		}
	}
	if len(b.header) < len(records[b.first]) {
		s.Header = records[b.first]
	}
	return s, nil
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

package plan

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/text/width"

	"github.com/keyprojects/ledger/domain"
)

// Row is one checked plan row: a project and its deadlines.
type Row struct {
	Line            int // the spreadsheet row number (the header is row 1)
	Project         domain.ProjectID
	Name            string
	TotalInvestment int64 // integer yuan
	Unit            string
	Leader          string
	Township        string
	Kind            domain.ProjectKind
	Deadlines       []domain.PlannedDeadline // the cells filled, in plan order
	Reason          string                   // why deadlines moved, if they did
	Industry        string                   // optional; recorded for a new project
	NationalCode    string                   // optional 赋码, checked and normalised; recorded for a new project
	Content         string                   // 建设内容, optional
	AnnualPlan      int64                    // the year's planned investment in yuan, 0 when not given
	AnnualYear      int                      // the year AnnualPlan is for
	Progress        string                   // 形象进度, optional
	Problem         string                   // 存在问题, optional
	Reached         []Reached                // dates reached a progress sheet gives
	MonthDone       map[int]int64            // investment completed by month of AnnualYear, yuan
	ToDate          int64                    // investment completed this year to date, yuan; 0 when not given
	Notes           []string                 // what the reader made of cells that are not plain values

	notesZH   []string           // Notes in Chinese, one for one
	layout    *layout            // the file's headers, to name columns in problems
	kindBlank bool               // no kind column or an empty cell: Kind is the default, not what the file says
	cleared   []domain.Milestone // deadline columns the file has whose cells are empty, in plan order
}

// column returns the header, as written in the file, of field f (of
// milestone m for a deadline).
func (r Row) column(f Field, m domain.Milestone) string {
	if r.layout != nil {
		i, ok := r.layout.byField[f]
		if f == FieldDeadline {
			i, ok = r.layout.deadline[m]
		}
		if ok {
			return r.layout.headers[i]
		}
	}
	for _, c := range Columns {
		if c.Field == f && c.Milestone == m {
			return c.ZH + "/" + c.EN
		}
	}
	return string(m)
}

// note adds a note in English and in Chinese.
func (r *Row) note(en, zh string) {
	r.Notes = append(r.Notes, en)
	r.notesZH = append(r.notesZH, zh)
}

// NotesIn are the row's notes in Chinese (zh) or English.
func (r Row) NotesIn(zh bool) []string {
	if zh && len(r.notesZH) == len(r.Notes) {
		return r.notesZH
	}
	return r.Notes
}

// Problem is one thing wrong with a plan file, where it is and what is
// expected.
type Problem struct {
	File    string
	Line    int    // spreadsheet row; 1 is the header
	Column  string // the header as written in the file; "" for the whole row
	Message string
	// MessageZH is Message in Chinese; "" when there is none.
	MessageZH string
	// columnZH names the column in Chinese where Column is not a header
	// as written (a header problem names the column's number).
	columnZH string
}

// problem is a problem said in English and Chinese.
func problem(file string, line int, column, en, zh string) Problem {
	return Problem{File: file, Line: line, Column: column, Message: en, MessageZH: zh}
}

// In is the problem in Chinese (zh) or English (String): "plan.csv：第17行，
// 开工列：“2010-4-31”不是日期；……".
func (p Problem) In(zh bool) string {
	if !zh {
		return p.String()
	}
	msg := p.MessageZH
	if msg == "" {
		msg = p.Message
	}
	column := p.Column
	if p.columnZH != "" {
		column = p.columnZH
	} else if column != "" {
		column += "列"
	}
	if column == "" {
		return fmt.Sprintf("%s：第%d行：%s", p.File, p.Line, msg)
	}
	return fmt.Sprintf("%s：第%d行，%s：%s", p.File, p.Line, column, msg)
}

// String reads "plan.csv: row 17, column 开工: '2010-4-31' is not a date;
// expected YYYY-MM-DD".
func (p Problem) String() string {
	if p.Column == "" {
		return fmt.Sprintf("%s: row %d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: row %d, column %s: %s", p.File, p.Line, p.Column, p.Message)
}

// Problems are everything wrong with a file, in row order. As an error it
// prints one problem per line.
type Problems []Problem

// Error implements error.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// In is every problem in Chinese (zh) or English, one per line.
func (ps Problems) In(zh bool) string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.In(zh)
	}
	return strings.Join(lines, "\n")
}

// Is makes errors.Is(err, domain.ErrInvalid) true.
func (ps Problems) Is(target error) bool { return target == domain.ErrInvalid }

// layout maps the file's columns to fields.
type layout struct {
	cols     []match // by file column index; Field -1 for none
	headers  []string
	byField  map[Field]int
	deadline map[domain.Milestone]int
	actual   map[domain.Milestone]int
	months   map[int]int // month -> column of its completed investment
	notes    []string    // what the reader guessed, for the dry-run
	notesZH  []string    // notes in Chinese, one for one
	unit     moneyUnit   // the sheet's money unit for columns that say none
	year     int         // the year of the sheet's annual figures
}

// SheetOptions are what a whole sheet lacks and the clerk supplies.
type SheetOptions struct {
	Unit   string // the responsible unit of every row without one (--unit)
	Leader string // the responsible leader of every row without one (--leader)
	Year   int    // the year of dates and annual figures that name none, when the title does not (the import's year)
	// Progress reads a progress sheet: its projects are in the ledger,
	// so only a name or a code is required of a row.
	Progress bool
}

// note adds a note of the reader's in English and in Chinese.
func (l *layout) note(en, zh string) {
	l.notes = append(l.notes, en)
	l.notesZH = append(l.notesZH, zh)
}

func readHeader(s Sheet, o SheetOptions) (layout, Problems) {
	var ps Problems
	l := layout{headers: s.Header, byField: map[Field]int{}, deadline: map[domain.Milestone]int{},
		actual: map[domain.Milestone]int{}, months: map[int]int{}, unit: moneyUnit(s.MoneyUnit), year: s.Year}
	if s.HeaderLine > 1 || s.HeaderRows > 1 {
		if s.HeaderRows > 1 {
			last := s.HeaderLine + s.HeaderRows - 1
			l.note(fmt.Sprintf("header found on rows %d–%d (merged groups read as group/sub-header)", s.HeaderLine, last),
				fmt.Sprintf("表头在第%d–%d行（合并的分组表头按“分组/子表头”读取）", s.HeaderLine, last))
		} else {
			l.note(fmt.Sprintf("header found on row %d", s.HeaderLine), fmt.Sprintf("表头在第%d行", s.HeaderLine))
		}
	}
	if l.year == 0 {
		l.year = o.Year
	} else {
		l.note(fmt.Sprintf("year %d, from the title", l.year), fmt.Sprintf("年度为%d年，取自标题", l.year))
	}
	seen := map[string]int{}
	for i, h := range s.Header {
		path := []string{h}
		if i < len(s.Paths) && len(s.Paths[i]) > 0 {
			path = s.Paths[i]
		}
		if strings.TrimSpace(h) == "" {
			l.cols = append(l.cols, match{Column: Column{Field: -1}})
			if !columnEmpty(s, i) {
				l.note(fmt.Sprintf("column %d has no header: ignored", i+1), fmt.Sprintf("第%d列没有表头，不读取", i+1))
			}
			continue
		}
		m, ok := resolve(path)
		if !ok || m.Field == FieldIgnored {
			l.cols = append(l.cols, match{Column: Column{Field: -1}})
			if !columnEmpty(s, i) && (!ok || m.month == 0) {
				l.note(fmt.Sprintf("column %d '%s' is not a ledger field: ignored", i+1, h),
					fmt.Sprintf("第%d列“%s”不是台账字段，不读取", i+1, h))
			}
			continue
		}
		// 开工时间 next to 计划开工时间 is the date reached.
		if m.Field == FieldDeadline {
			if j, dup := l.deadline[m.Milestone]; dup {
				first := strings.Contains(l.headers[j], "计划")
				this := strings.Contains(h, "计划")
				if first != this {
					m.Field = FieldActual
					if this {
						// this column is the plan; the earlier one is the date reached
						m.Field = FieldDeadline
						l.actual[m.Milestone] = j
						l.cols[j].Field = FieldActual
						delete(l.deadline, m.Milestone)
						delete(seen, keyOf(m))
					}
				}
			}
		}
		key := keyOf(m)
		if first, dup := seen[key]; dup {
			p := problem(s.File, s.HeaderLine, fmt.Sprintf("%d '%s'", i+1, h),
				fmt.Sprintf("the same column as column %d '%s'; expected each column once", first+1, l.headers[first]),
				fmt.Sprintf("与第%d列“%s”重复；每列只应出现一次", first+1, l.headers[first]))
			p.columnZH = fmt.Sprintf("第%d列“%s”", i+1, h)
			ps = append(ps, p)
			l.cols = append(l.cols, match{Column: Column{Field: -1}})
			continue
		}
		seen[key] = i
		l.cols = append(l.cols, m)
		switch m.Field {
		case FieldDeadline:
			l.deadline[m.Milestone] = i
		case FieldActual:
			l.actual[m.Milestone] = i
		case FieldMonthDone:
			l.months[m.month] = i
		default:
			l.byField[m.Field] = i
		}
	}
	for _, m := range domain.Milestones {
		i, ok := l.actual[m]
		if !ok {
			continue
		}
		l.note(fmt.Sprintf("column '%s' read as the date %s was reached", l.headers[i], m),
			fmt.Sprintf("“%s”列按%s的实际完成日期读取", l.headers[i], m.Chinese()))
	}
	// The sheet's money unit for money columns whose header says none.
	for i, m := range l.cols {
		if m.Field != FieldInvestment && !(isMoney(m.Field) && m.unit == "") {
			continue
		}
		if l.unit == "" {
			l.unit = unitWan
			l.note(fmt.Sprintf("column '%s' says no unit and no 单位 line does: read in 万元", l.headers[i]),
				fmt.Sprintf("“%s”列和标题的单位行都未注明单位，按万元读取", l.headers[i]))
		}
		l.cols[i].unit = l.unit
	}
	if i, ok := l.byField[FieldInvestment]; ok {
		delete(l.byField, FieldInvestment)
		f := map[moneyUnit]Field{unitWan: FieldInvestmentWan, unitYi: FieldInvestmentYi, unitYuan: FieldInvestmentYuan}[l.unit]
		l.byField[f] = i
		l.cols[i].Field = f
	}
	if _, ok := l.byField[FieldLeader]; !ok {
		if i, ok := l.byField[FieldContact]; ok && o.Leader == "" {
			l.byField[FieldLeader] = i
			l.note(fmt.Sprintf("no leader column: column '%s' read as the responsible leader", l.headers[i]),
				fmt.Sprintf("没有包保领导列，“%s”列按包保领导读取", l.headers[i]))
		}
	}
	if _, ok := l.byField[FieldPeriod]; ok {
		l.note("建设起止年限 read as the start and completion deadlines at month precision, where the sheet has no such column",
			"表中没有开工、竣工列的，按建设起止年限读取开工、竣工期限（精确到月）")
	}
	for _, req := range []struct {
		f          Field
		what, flag string
		given      string
		whatZH     string
	}{
		{FieldName, "项目名称 (project name)", "", "", "项目名称"},
		{FieldUnit, "责任单位 (responsible unit)", "--unit", o.Unit, "责任单位"},
		{FieldLeader, "包保领导 (responsible leader)", "--leader", o.Leader, "包保领导"},
	} {
		if _, ok := l.byField[req.f]; ok || req.given != "" || (o.Progress && req.f != FieldName) {
			continue
		}
		how, howZH := "add the column", "请增加该列"
		if req.flag != "" {
			how = fmt.Sprintf("add the column, or give %s NAME to use one for every row", req.flag)
			howZH = fmt.Sprintf("请增加该列，或用 %s 名称 为所有行统一指定", req.flag)
			if req.f == FieldUnit && s.Reporter != "" {
				how = fmt.Sprintf("add the column, or give --unit %s to use the sheet's 报送单位 for every row", s.Reporter)
				howZH = fmt.Sprintf("请增加该列，或用 --unit %s 以表中的报送单位作为所有行的责任单位", s.Reporter)
			}
		}
		ps = append(ps, problem(s.File, s.HeaderLine, "", fmt.Sprintf("no %s column; %s", req.what, how),
			fmt.Sprintf("缺少%s列；%s", req.whatZH, howZH)))
	}
	if req := []Field{FieldInvestmentWan, FieldInvestmentYuan, FieldInvestmentYi}; countFields(l, req) == 0 && !o.Progress {
		ps = append(ps, problem(s.File, s.HeaderLine, "", "no total investment column; expected 总投资(万元)/total investment (10k yuan), 总投资(亿元) or 总投资(元)",
			"缺少总投资列；应有总投资(万元)、总投资(亿元)或总投资(元)一列"))
	} else if countFields(l, req) > 1 {
		ps = append(ps, problem(s.File, s.HeaderLine, "", "two total investment columns; expected one, in 万元, 亿元 or 元",
			"有两列总投资；只应有一列，单位为万元、亿元或元"))
	}
	return l, ps
}

func keyOf(m match) string {
	return fmt.Sprintf("%d/%s/%d", m.Field, m.Milestone, m.month)
}

func countFields(l layout, fs []Field) int {
	n := 0
	for _, f := range fs {
		if _, ok := l.byField[f]; ok {
			n++
		}
	}
	return n
}

// isMoney reports whether a field holds an amount of money.
func isMoney(f Field) bool {
	switch f {
	case FieldInvestment, FieldAnnualPlan, FieldMonthDone, FieldToDate:
		return true
	}
	return false
}

// Notes are the guesses the reader made about s's layout, for the
// dry-run: where the header is, columns read as something or ignored,
// money units, rows that are not projects.
func Notes(s Sheet, o SheetOptions) []string { return NotesIn(s, o, false) }

// NotesIn are Notes in Chinese (zh) or English.
func NotesIn(s Sheet, o SheetOptions, zh bool) []string {
	l, _ := readHeader(s, o)
	nameCol := -1
	if i, ok := l.byField[FieldName]; ok {
		nameCol = i
	}
	for i, cells := range s.Rows {
		if why, whyZH := skipRow(cells, s.Header, nameCol); why != "" && !blank(cells) {
			l.note(fmt.Sprintf("row %d skipped: %s", s.line(i), why), fmt.Sprintf("第%d行跳过：%s", s.line(i), whyZH))
		}
	}
	if zh {
		return l.notesZH
	}
	return l.notes
}

// line is the file line of s.Rows[i].
func (s Sheet) line(i int) int {
	if s.RowLines != nil {
		return s.RowLines[i]
	}
	return i + 2
}

func columnEmpty(s Sheet, i int) bool {
	for _, r := range s.Rows {
		if i < len(r) && strings.TrimSpace(r[i]) != "" {
			return false
		}
	}
	return true
}

var numeric = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// ambiguousMonth is a number that reads as a year and a month, January or
// October: 2026.1.
var ambiguousMonth = regexp.MustCompile(`^20[0-9]{2}\.1$`)

// Rows checks every cell of s and returns the rows, or every problem
// found: the caller stores nothing from a file with problems.
func Rows(s Sheet) ([]Row, Problems) { return RowsWith(s, SheetOptions{}) }

// RowsWith is Rows with what the whole sheet lacks supplied by o.
func RowsWith(s Sheet, o SheetOptions) ([]Row, Problems) {
	l, ps := readHeader(s, o)
	if len(ps) > 0 {
		// A header without a required field makes every row wrong the
		// same way: say it once.
		return nil, ps
	}
	var rows []Row
	type rowOf struct {
		line int
		id   string
	}
	firstLine := map[string]rowOf{}
	nameCol := -1
	if i, ok := l.byField[FieldName]; ok {
		nameCol = i
	}
	for i, cells := range s.Rows {
		line := s.line(i)
		if why, _ := skipRow(cells, s.Header, nameCol); blank(cells) || why != "" {
			continue
		}
		if len(cells) > len(s.Header) && !blank(cells[len(s.Header):]) {
			ps = append(ps, problem(s.File, line, "",
				fmt.Sprintf("has %d cells but the header has %d columns; expected no cells right of the last column", len(cells), len(s.Header)),
				fmt.Sprintf("有%d个单元格，而表头只有%d列；最后一列右边不应再有内容", len(cells), len(s.Header))))
			continue
		}
		var shown []string // the row as Excel shows it, for a workbook
		if i < len(s.Display) {
			shown = s.Display[i]
		}
		row, rps := checkRow(s, &l, line, cells, shown, o)
		ps = append(ps, rps...)
		// Ids differing only in case name one project; rows without an id
		// are told apart by name.
		key, what, col := strings.ToLower(string(row.Project)), string(row.Project), FieldProject
		if row.Project == "" {
			key, what, col = "name:"+NormalizeName(row.Name), row.Name, FieldName
		}
		if key != "" && key != "name:" && (row.Project != "" || len(rps) == 0) {
			if first, dup := firstLine[key]; dup {
				also := fmt.Sprintf("project %s is also on row %d", what, first.line)
				alsoZH := fmt.Sprintf("项目%s在第%d行已有", what, first.line)
				if row.Project != "" && first.id != string(row.Project) {
					also = fmt.Sprintf("project %s is also on row %d, as %s (ids are compared without case)", what, first.line, first.id)
					alsoZH = fmt.Sprintf("项目%s在第%d行已有，写作%s（编号不区分大小写）", what, first.line, first.id)
				}
				ps = append(ps, problem(s.File, line, l.headers[l.byField[col]], also+"; expected one row per project", alsoZH+"；每个项目只应占一行"))
				continue
			}
			firstLine[key] = rowOf{line, string(row.Project)}
		}
		if len(rps) == 0 {
			rows = append(rows, row)
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}
	if len(rows) == 0 {
		return nil, Problems{problem(s.File, s.HeaderLine+max(s.HeaderRows, 1), "", "no project rows; expected one row per project under the header",
			"没有项目行；表头下应每个项目一行")}
	}
	return rows, nil
}

// NormalizeName folds a project name for matching: full-width letters,
// digits and spaces to half-width, spaces dropped.
func NormalizeName(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(width.Fold.String(name)), ""))
}

// stateWords are what date cells say instead of a date.
var stateWords = map[string]cellState{
	"已完成": stateDone, "完成": stateDone, "已办结": stateDone, "已批复": stateDone, "已取得": stateDone,
	"已开工": stateDone, "已签约": stateDone, "已竣工": stateDone, "已投产": stateDone, "已办理": stateDone, "已备案": stateDone,
	"正在办理": stateInProgress, "办理中": stateInProgress, "在办": stateInProgress, "推进中": stateInProgress,
	"进行中": stateInProgress, "正在推进": stateInProgress, "正在编制": stateInProgress, "编制中": stateInProgress,
	"无需办理": stateNotApplicable, "不涉及": stateNotApplicable, "不需要": stateNotApplicable, "无": stateNotApplicable,
	"—": stateNotApplicable, "-": stateNotApplicable, "／": stateNotApplicable, "/": stateNotApplicable,
}

// cellState is what a date cell's words say.
type cellState int

const (
	stateDone cellState = iota + 1
	stateInProgress
	stateNotApplicable
)

func checkRow(s Sheet, l *layout, line int, cells, shown []string, o SheetOptions) (Row, Problems) {
	var ps Problems
	displayed := func(i int) string {
		if i < len(shown) {
			return strings.TrimSpace(shown[i])
		}
		return ""
	}
	cell := func(i int) string {
		if i < len(cells) {
			return strings.TrimSpace(cells[i])
		}
		return ""
	}
	bad := func(i int, en, zh string) {
		ps = append(ps, problem(s.File, line, l.headers[i], en, zh))
	}
	text := func(f Field, what, whatZH string) string {
		i, ok := l.byField[f]
		if !ok {
			return ""
		}
		v := cell(i)
		if v == "" && what != "" {
			bad(i, "empty; expected "+what, "为空；应填写"+whatZH)
		}
		return v
	}
	r := Row{Line: line, layout: l}
	if i, ok := l.byField[FieldProject]; ok && cell(i) != "" {
		if id, err := domain.ParseProjectID(cell(i)); err != nil {
			bad(i, fmt.Sprintf("'%s' is not a project code or local id; expected e.g. 2010-220621-47-01-000034, P-7 or a project number such as 20263609 (letters, digits, '-' or '_'), or leave it empty to match the project by name", cell(i)),
				fmt.Sprintf("“%s”不是项目代码或本地编号；应形如2010-220621-47-01-000034、P-7或项目编号20263609（字母、数字、“-”或“_”），也可留空，按项目名称匹配", cell(i)))
		} else {
			r.Project = id
		}
	}
	r.Name = text(FieldName, "the project name", "项目名称")
	// A unit or leader the row leaves empty is the sheet's (--unit,
	// --leader); a progress sheet's rows need neither.
	orSheets := func(f Field, given, what, whatZH, flag string) string {
		if v := text(f, "", ""); v != "" || given != "" || o.Progress {
			return cmp.Or(v, given)
		}
		return text(f, fmt.Sprintf("%s (or give %s NAME for rows without one)", what, flag),
			fmt.Sprintf("%s（或用 %s 名称 为未填写的行指定）", whatZH, flag))
	}
	r.Unit = orSheets(FieldUnit, o.Unit, "the responsible unit", "责任单位", "--unit")
	r.Leader = orSheets(FieldLeader, o.Leader, "the responsible leader", "包保领导", "--leader")
	r.Township = text(FieldTownship, "", "")
	r.Reason = text(FieldReason, "", "")
	r.Industry = text(FieldIndustry, "", "")
	r.Content = text(FieldContent, "", "")
	r.Progress = text(FieldProgress, "", "")
	r.Problem = text(FieldProblems, "", "")
	if r.Problem == "无" || r.Problem == "暂无" || r.Problem == "/" {
		r.Problem = ""
	}
	if i, ok := l.byField[FieldNationalCode]; ok && cell(i) != "" {
		code, err := domain.ParseNationalCode(cell(i))
		if err != nil {
			bad(i, err.Error(), chinese(err, fmt.Sprintf("“%s”不是全国投资项目代码（赋码）；应为以连字符分隔的五段，如2010-220621-47-01-000034", cell(i))))
		} else {
			r.NationalCode = string(code)
		}
	}
	for f, u := range map[Field]moneyUnit{FieldInvestmentWan: unitWan, FieldInvestmentYuan: unitYuan, FieldInvestmentYi: unitYi} {
		if i, ok := l.byField[f]; ok {
			r.TotalInvestment = money(cell(i), u, !o.Progress, func(en, zh string) { bad(i, en, zh) })
		}
	}
	if i, ok := l.byField[FieldAnnualPlan]; ok && cell(i) != "" {
		r.AnnualPlan = money(cell(i), l.cols[i].unit, false, func(en, zh string) { bad(i, en, zh) })
		r.AnnualYear = l.cols[i].year
		if r.AnnualYear == 0 {
			r.AnnualYear = l.year
		}
	}
	if i, ok := l.byField[FieldToDate]; ok && cell(i) != "" {
		r.ToDate = money(cell(i), l.cols[i].unit, false, func(en, zh string) { bad(i, en, zh) })
	}
	for m, i := range l.months {
		if cell(i) == "" {
			continue
		}
		if r.MonthDone == nil {
			r.MonthDone = map[int]int64{}
		}
		r.MonthDone[m] = money(cell(i), l.cols[i].unit, false, func(en, zh string) { bad(i, en, zh) })
	}
	if i, ok := l.byField[FieldKind]; ok {
		switch cell(i) {
		case "":
			r.Kind, r.kindBlank = domain.KindNew, true
		case "new", "新建":
			r.Kind = domain.KindNew
		case "continuing", "续建":
			r.Kind = domain.KindContinuing
		default:
			bad(i, fmt.Sprintf("'%s' is not a project kind; expected 新建/new or 续建/continuing", cell(i)),
				fmt.Sprintf("“%s”不是项目类型；应为新建或续建", cell(i)))
		}
	} else {
		r.Kind, r.kindBlank = domain.KindNew, true
	}
	date := func(i int) (domain.Date, domain.Precision, cellState, bool) {
		v := cell(i)
		if st, ok := stateWords[v]; ok {
			return 0, "", st, true
		}
		if s.Encoding == "xlsx" && numeric.MatchString(v) {
			// A number: a date serial, or a month typed 2026.03 that
			// Excel keeps as 2026.03 shown, 2026.3 stored.
			if shown := displayed(i); shown != "" && shown != v {
				if d, p, err := domain.ParseDeadline(shown, l.year); err == nil && p != domain.PrecisionDay {
					return d, p, 0, true
				}
			}
			if ambiguousMonth.MatchString(v) {
				r.note(fmt.Sprintf("%s '%s': read as %s年1月; Excel keeps a month typed %s.10 as %s, so check it", l.headers[i], v, v[:4], v[:4], v),
					fmt.Sprintf("%s“%s”：按%s年1月读取；Excel会把输入的%s.10存为%s，请核对", l.headers[i], v, v[:4], v[:4], v))
			}
			v = excelDate(v)
		}
		d, p, err := domain.ParseDeadline(v, l.year)
		if err != nil {
			bad(i, fmt.Sprintf("'%s' is not a date; expected YYYY-MM-DD, a month (2026年3月, 2026.03), a quarter (2026年一季度), a half year (2026年上半年), a year (2026年底), or 已完成 / 正在办理", cell(i)),
				fmt.Sprintf("“%s”不是日期；应为YYYY-MM-DD、月份（2026年3月、2026.03）、季度（2026年一季度）、半年（2026年上半年）、年份（2026年底），或已完成、正在办理", cell(i)))
			return 0, "", 0, false
		}
		return d, p, 0, true
	}
	for _, m := range domain.Milestones {
		i, ok := l.deadline[m]
		if !ok {
			continue
		}
		if cell(i) == "" {
			r.cleared = append(r.cleared, m)
			continue
		}
		d, p, st, ok := date(i)
		switch {
		case !ok:
		case st == stateDone:
			r.note(fmt.Sprintf("%s '%s': reached, the sheet gives no date; nothing stored, record it with the day it happened", l.headers[i], cell(i)),
				fmt.Sprintf("%s“%s”：已完成，但表中没有日期；不保存，请按实际完成日期另行登记", l.headers[i], cell(i)))
		case st == stateInProgress:
			r.note(fmt.Sprintf("%s '%s': in progress, no deadline given; nothing stored", l.headers[i], cell(i)),
				fmt.Sprintf("%s“%s”：正在办理，未给出期限；不保存", l.headers[i], cell(i)))
		case st == stateNotApplicable:
			r.cleared = append(r.cleared, m)
		default:
			r.Deadlines = append(r.Deadlines, domain.PlannedDeadline{Milestone: m, Due: d, Precision: p})
		}
	}
	if i, ok := l.byField[FieldPeriod]; ok && cell(i) != "" {
		from, to, err := parsePeriod(cell(i))
		if err != nil {
			bad(i, fmt.Sprintf("'%s' is not a construction period; expected start and end months, e.g. 2025-03/2026-12 or 2026.01-2027.06", cell(i)),
				fmt.Sprintf("“%s”不是建设起止年限；应为起止年月，如2025-03/2026-12或2026.01-2027.06", cell(i)))
		} else {
			for _, pd := range []domain.PlannedDeadline{from, to} {
				if _, own := l.deadline[pd.Milestone]; own || pd.Due.IsZero() {
					continue
				}
				r.Deadlines = append(r.Deadlines, pd)
			}
			slices.SortStableFunc(r.Deadlines, func(a, b domain.PlannedDeadline) int {
				return slices.Index(domain.Milestones, a.Milestone) - slices.Index(domain.Milestones, b.Milestone)
			})
		}
	}
	for _, m := range domain.Milestones {
		i, ok := l.actual[m]
		if !ok || cell(i) == "" {
			continue
		}
		d, p, st, ok := date(i)
		switch {
		case !ok || st == stateNotApplicable:
		case st == stateInProgress:
			r.note(fmt.Sprintf("%s '%s': not reached yet; nothing stored", l.headers[i], cell(i)),
				fmt.Sprintf("%s“%s”：尚未完成；不保存", l.headers[i], cell(i)))
		case st == stateDone:
			r.note(fmt.Sprintf("%s '%s': reached, the sheet gives no date; nothing stored, record it with the day it happened", l.headers[i], cell(i)),
				fmt.Sprintf("%s“%s”：已完成，但表中没有日期；不保存，请按实际完成日期另行登记", l.headers[i], cell(i)))
		case p != domain.PrecisionDay:
			r.note(fmt.Sprintf("%s '%s': reached in %s, the sheet gives no day; nothing stored, record it with the day it happened", l.headers[i], cell(i), p.Format(d)),
				fmt.Sprintf("%s“%s”：于%s完成，但表中没有具体日期；不保存，请按实际完成日期另行登记", l.headers[i], cell(i), p.Format(d)))
		default:
			r.Reached = append(r.Reached, Reached{Milestone: m, On: d, column: l.headers[i]})
		}
	}
	return r, ps
}

// Reached is a milestone's date reached, as a progress sheet gives it.
type Reached struct {
	Milestone domain.Milestone
	On        domain.Date
	column    string
}

// money reads an amount in the column's unit; a cell may give its own
// unit ("8.62亿" in a 万元 column). A total must be more than 0; other
// figures may be 0.
func money(v string, unit moneyUnit, total bool, bad func(en, zh string)) int64 {
	if unit == "" {
		unit = unitWan
	}
	expected := "an amount in 万元, e.g. 35000 or 3500.5, or with its unit, e.g. 8.62亿"
	expectedZH := "以万元计的金额，如35000或3500.5，或带单位，如8.62亿"
	switch unit {
	case unitYuan:
		expected = "whole yuan (元), e.g. 350000000, or with its unit, e.g. 3.5亿"
		expectedZH = "以元计的整数，如350000000，或带单位，如3.5亿"
	case unitYi:
		expected = "an amount in 亿元, e.g. 8.62, or with its unit, e.g. 35000万"
		expectedZH = "以亿元计的金额，如8.62，或带单位，如35000万"
	}
	orig := v
	if v == "" {
		if total {
			bad("empty; expected the total investment, "+expected, "为空；应填写总投资，"+expectedZH)
		}
		return 0
	}
	v = strings.ReplaceAll(width.Fold.String(v), " ", "")
	suffix := unit.suffix()
	for _, u := range []string{"亿元", "万元", "亿", "万", "元"} {
		if strings.HasSuffix(v, u) {
			v, suffix = strings.TrimSuffix(v, u), strings.TrimSuffix(u, "元")
			break
		}
	}
	// Only decimal digits, thousands separators and a point: ParseYuan
	// would also take a base prefix (0x10) and digit separators (1_000).
	yuan, err := domain.ParseYuan(v + suffix)
	if err != nil || strings.Trim(v, "0123456789,.") != "" || v == "" {
		bad(fmt.Sprintf("'%s' is not an amount; expected %s", orig, expected), fmt.Sprintf("“%s”不是金额；应为%s", orig, expectedZH))
		return 0
	}
	if yuan < 0 || (total && yuan == 0) {
		bad(fmt.Sprintf("'%s' is not more than 0; expected %s", orig, expected), fmt.Sprintf("“%s”不大于0；应为%s", orig, expectedZH))
		return 0
	}
	return yuan
}

package plan

import (
	"fmt"
	"regexp"
	"strings"

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

// Problem is one thing wrong with a plan file, where it is and what is
// expected.
type Problem struct {
	File    string
	Line    int    // spreadsheet row; 1 is the header
	Column  string // the header as written in the file; "" for the whole row
	Message string
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

// Is makes errors.Is(err, domain.ErrInvalid) true.
func (ps Problems) Is(target error) bool { return target == domain.ErrInvalid }

// layout maps the file's columns to fields.
type layout struct {
	cols     []Column // by file column index; Field -1 for none
	headers  []string
	byField  map[Field]int
	deadline map[domain.Milestone]int
}

func readHeader(s Sheet) (layout, Problems) {
	var ps Problems
	l := layout{headers: s.Header, byField: map[Field]int{}, deadline: map[domain.Milestone]int{}}
	seen := map[string]int{}
	for i, h := range s.Header {
		if strings.TrimSpace(h) == "" && columnEmpty(s, i) {
			l.cols = append(l.cols, Column{Field: -1})
			continue
		}
		c, ok := lookup(h)
		if !ok {
			ps = append(ps, Problem{s.File, 1, fmt.Sprintf("%d '%s'", i+1, h),
				"unknown column; expected a plan column such as 项目代码/project or 开工/started (ledger template plan lists them all)"})
			l.cols = append(l.cols, Column{Field: -1})
			continue
		}
		key := c.EN
		if first, dup := seen[key]; dup {
			ps = append(ps, Problem{s.File, 1, fmt.Sprintf("%d '%s'", i+1, h), fmt.Sprintf("the same column as column %d; expected each column once", first+1)})
			l.cols = append(l.cols, Column{Field: -1})
			continue
		}
		seen[key] = i
		l.cols = append(l.cols, c)
		if c.Field == FieldDeadline {
			l.deadline[c.Milestone] = i
		} else {
			l.byField[c.Field] = i
		}
	}
	for _, f := range required {
		if _, ok := l.byField[f]; !ok {
			c := columnOf(f)
			ps = append(ps, Problem{s.File, 1, "", fmt.Sprintf("no %s/%s column; expected the columns %s", c.ZH, c.EN, requiredList())})
		}
	}
	_, wan := l.byField[FieldInvestmentWan]
	_, yuan := l.byField[FieldInvestmentYuan]
	switch {
	case !wan && !yuan:
		ps = append(ps, Problem{s.File, 1, "", "no total investment column; expected 总投资(万元)/total investment (10k yuan) or 总投资(元)/total investment (yuan)"})
	case wan && yuan:
		ps = append(ps, Problem{s.File, 1, "", "two total investment columns; expected one, in 万元 or in 元"})
	}
	return l, ps
}

func columnEmpty(s Sheet, i int) bool {
	for _, r := range s.Rows {
		if i < len(r) && strings.TrimSpace(r[i]) != "" {
			return false
		}
	}
	return true
}

func columnOf(f Field) Column {
	for _, c := range Columns {
		if c.Field == f {
			return c
		}
	}
	return Column{}
}

func requiredList() string {
	var names []string
	for _, f := range required {
		c := columnOf(f)
		names = append(names, c.ZH+"/"+c.EN)
	}
	return strings.Join(names, ", ") + " and a total investment"
}

var numeric = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// Rows checks every cell of s and returns the rows, or every problem
// found: the caller stores nothing from a file with problems.
func Rows(s Sheet) ([]Row, Problems) {
	l, ps := readHeader(s)
	var rows []Row
	type rowOf struct {
		line int
		id   domain.ProjectID
	}
	firstLine := map[domain.ProjectID]rowOf{}
	for i, cells := range s.Rows {
		line := i + 2
		if s.RowLines != nil {
			line = s.RowLines[i]
		}
		if blank(cells) {
			continue
		}
		if len(cells) > len(s.Header) && !blank(cells[len(s.Header):]) {
			ps = append(ps, Problem{s.File, line, "", fmt.Sprintf("has %d cells but the header has %d columns; expected no cells right of the last column", len(cells), len(s.Header))})
			continue
		}
		row, rps := checkRow(s, &l, line, cells)
		ps = append(ps, rps...)
		if row.Project != "" {
			// Ids differing only in case name one project.
			key := domain.ProjectID(strings.ToLower(string(row.Project)))
			if first, dup := firstLine[key]; dup {
				also := fmt.Sprintf("project %s is also on row %d", row.Project, first.line)
				if first.id != row.Project {
					also = fmt.Sprintf("project %s is also on row %d, as %s (ids are compared without case)", row.Project, first.line, first.id)
				}
				ps = append(ps, Problem{s.File, line, l.headers[l.byField[FieldProject]], also + "; expected one row per project"})
				continue
			}
			firstLine[key] = rowOf{line, row.Project}
		}
		if len(rps) == 0 {
			rows = append(rows, row)
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}
	if len(rows) == 0 {
		return nil, Problems{{s.File, 2, "", "no project rows; expected one row per project under the header"}}
	}
	return rows, nil
}

func checkRow(s Sheet, l *layout, line int, cells []string) (Row, Problems) {
	var ps Problems
	cell := func(i int) string {
		if i < len(cells) {
			return strings.TrimSpace(cells[i])
		}
		return ""
	}
	bad := func(i int, format string, args ...any) {
		ps = append(ps, Problem{s.File, line, l.headers[i], fmt.Sprintf(format, args...)})
	}
	text := func(f Field, what string) string {
		i, ok := l.byField[f]
		if !ok {
			return ""
		}
		v := cell(i)
		if v == "" && what != "" {
			bad(i, "empty; expected %s", what)
		}
		return v
	}
	r := Row{Line: line, layout: l}
	if i, ok := l.byField[FieldProject]; ok {
		switch id, err := domain.ParseProjectID(cell(i)); {
		case cell(i) == "":
			bad(i, "empty; expected the project code or local id")
		case err != nil:
			bad(i, "'%s' is not a project code or local id; expected e.g. 2010-220621-47-01-000034 or P-7 (letters, digits, '-' or '_')", cell(i))
		default:
			r.Project = id
		}
	}
	r.Name = text(FieldName, "the project name")
	r.Unit = text(FieldUnit, "the responsible unit")
	r.Leader = text(FieldLeader, "the responsible leader")
	r.Township = text(FieldTownship, "")
	r.Reason = text(FieldReason, "")
	r.Industry = text(FieldIndustry, "")
	if i, ok := l.byField[FieldNationalCode]; ok && cell(i) != "" {
		code, err := domain.ParseNationalCode(cell(i))
		if err != nil {
			bad(i, "%v", err)
		} else {
			r.NationalCode = string(code)
		}
	}
	if i, ok := l.byField[FieldInvestmentWan]; ok {
		r.TotalInvestment = amount(cell(i), "万", "10k yuan, e.g. 35000 or 3500.5", func(f string, a ...any) { bad(i, f, a...) })
	}
	if i, ok := l.byField[FieldInvestmentYuan]; ok {
		r.TotalInvestment = amount(cell(i), "", "yuan as a whole number, e.g. 350000000", func(f string, a ...any) { bad(i, f, a...) })
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
			bad(i, "'%s' is not a project kind; expected 新建/new or 续建/continuing", cell(i))
		}
	} else {
		r.Kind, r.kindBlank = domain.KindNew, true
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
		v := cell(i)
		if s.Encoding == "xlsx" && numeric.MatchString(v) {
			v = excelDate(v)
		}
		d, err := domain.ParseDate(v)
		if err != nil {
			bad(i, "'%s' is not a date; expected YYYY-MM-DD", cell(i))
			continue
		}
		r.Deadlines = append(r.Deadlines, domain.PlannedDeadline{Milestone: m, Due: d})
	}
	return r, ps
}

// amount reads a positive amount, in the column's unit, exactly.
func amount(v, unit, expected string, bad func(string, ...any)) int64 {
	if v == "" {
		bad("empty; expected the total investment in %s", expected)
		return 0
	}
	// Only decimal digits, thousands separators and a point: ParseYuan
	// would also take a unit (the column has one), a base prefix (0x10)
	// and digit separators (1_000).
	yuan, err := domain.ParseYuan(v + unit)
	if err != nil || strings.Trim(v, "0123456789,.") != "" {
		bad("'%s' is not an amount; expected %s", v, expected)
		return 0
	}
	if yuan <= 0 {
		bad("'%s' is not more than 0; expected %s", v, expected)
		return 0
	}
	return yuan
}

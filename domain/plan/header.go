package plan

import (
	"fmt"
	"regexp"
	"strings"
)

// A county sheet rarely starts with its header. Above it: a title row, a
// line naming who reports (报送单位：…) and the money unit (单位：万元).
// The header itself may take two to four rows, with merged group cells
// (前期计划安排 over 项目建议书 / 工可 / 初步设计); a merged cell's text
// is in its first cell only, as Excel's CSV export and an XLSX read give
// it. Under it, a 合计 row, category rows (一、交通基础设施) and page
// headers repeated may sit among the projects.

// maxTitleRows is how far down a header is looked for.
const maxTitleRows = 20

// maxHeaderRows is the most rows a header band takes.
const maxHeaderRows = 4

var (
	// reporterLine is "报送单位：XX" or "填报单位:XX" in a title row.
	reporterLine = regexp.MustCompile(`(报送|填报|报送部门|填报部门|编制)(单位|部门)?\s*[:：]\s*([^\s:：]+)`)
	// unitLine is "单位：万元" in a title row.
	unitLine = regexp.MustCompile(`(^|[^报送填编制])单位\s*[:：]\s*(亿元|万元|元)`)
	// monthInTitle is the month a progress sheet's title names:
	// "（截至2026年10月底）".
	monthInTitle = regexp.MustCompile(`(20[0-9]{2})\s*年\s*(1[0-2]|0?[1-9])\s*月`)
	// yearInTitle is the year a title names: "2026年XX市…".
	yearInTitle = regexp.MustCompile(`(20[0-9]{2})\s*年`)
	// categoryCell is a category row's label: "一、", "（二）", "三.".
	categoryCell = regexp.MustCompile(`^([一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）])`)
)

// band is where a sheet's header is, what the rows above it say, and the
// header flattened to one text per column.
type band struct {
	first, rows int      // records index of the header's first row; how many rows it takes
	header      []string // per column: the header band's texts joined with "/"
	paths       [][]string
	reporter    string    // the 报送单位 line's name, if any
	unit        moneyUnit // the 单位 line's money unit, if any
	year        int       // the year the title names, if any
	month       string    // the month the title names, YYYY-MM, if any
	title       string
}

// findBand finds the header band of records: the first row with at least
// two header words, and the rows under it that carry sub-headers only.
func findBand(records [][]string) band {
	b := band{}
	limit := min(len(records), maxTitleRows)
	b.first = -1
	for i := 0; i < limit; i++ {
		words := 0
		for _, c := range records[i] {
			if isHeaderWord(c) {
				words++
			}
		}
		if words >= 2 {
			b.first = i
			break
		}
	}
	if b.first < 0 {
		b.first = 0 // no header found: row 1 is taken, and its problems named
	}
	for i := 0; i < b.first; i++ {
		line := strings.Join(records[i], " ")
		if g := reporterLine.FindStringSubmatch(line); g != nil {
			b.reporter = strings.TrimSpace(g[3])
		}
		if g := unitLine.FindStringSubmatch(line); g != nil {
			b.unit = moneyUnit(g[2])
		}
		if g := monthInTitle.FindStringSubmatch(line); g != nil && b.month == "" {
			b.month = fmt.Sprintf("%s-%02d", g[1], atoi(g[2]))
		}
		if g := yearInTitle.FindStringSubmatch(line); g != nil && b.year == 0 {
			b.year = atoi(g[1])
		}
		if t := strings.TrimSpace(line); t != "" && b.title == "" {
			b.title = t
		}
	}
	nameCol := -1
	for j, c := range records[b.first] {
		if m, ok := resolveOne(c); ok && m.Field == FieldName {
			nameCol = j
			break
		}
	}
	b.rows = 1
	for i := b.first + 1; i < len(records) && b.rows < maxHeaderRows; i++ {
		if !subHeader(records[i], nameCol) {
			break
		}
		b.rows++
	}
	b.flatten(records[b.first : b.first+b.rows])
	return b
}

// subHeader reports whether row continues a header band: its project
// name cell is empty (the name header is merged down), it has text, and
// every text reads as a header word, not a figure or a date.
func subHeader(row []string, nameCol int) bool {
	if blank(row) {
		return false
	}
	if nameCol >= 0 && nameCol < len(row) && strings.TrimSpace(row[nameCol]) != "" {
		return false
	}
	for _, c := range row {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if categoryCell.MatchString(c) || numeric.MatchString(c) {
			return false
		}
		if !isHeaderWord(c) && !strings.ContainsAny(c, "月") && c != "合计" && c != "小计" {
			return false
		}
	}
	return true
}

// flatten gives each column the texts of the header rows over it. A group
// header is merged across the columns of its sub-headers, so its text is
// in its first column only: an empty group cell takes the text to its
// left when the column to its left is a group too (has a sub-header).
func (b *band) flatten(rows [][]string) {
	width := 0
	for _, r := range rows {
		width = max(width, len(r))
	}
	cell := func(r, j int) string {
		if j < len(rows[r]) {
			return strings.TrimSpace(rows[r][j])
		}
		return ""
	}
	hasBelow := func(r, j int) bool {
		for k := r + 1; k < len(rows); k++ {
			if cell(k, j) != "" {
				return true
			}
		}
		return false
	}
	filled := make([][]string, len(rows))
	for r := range rows {
		filled[r] = make([]string, width)
		for j := range width {
			filled[r][j] = cell(r, j)
			if filled[r][j] == "" && r < len(rows)-1 && j > 0 && filled[r][j-1] != "" &&
				hasBelow(r, j) && hasBelow(r, j-1) && (r == 0 || filled[r-1][j] == filled[r-1][j-1]) {
				filled[r][j] = filled[r][j-1]
			}
		}
	}
	b.header = make([]string, width)
	b.paths = make([][]string, width)
	for j := range width {
		var path []string
		for r := range rows {
			if t := filled[r][j]; t != "" && (len(path) == 0 || path[len(path)-1] != t) {
				path = append(path, t)
			}
		}
		b.paths[j] = path
		b.header[j] = strings.Join(path, "/")
	}
}

// skipRow says why a row under the header is not a project row, in
// English and in Chinese: a total (合计, 小计, 总计), a category
// (一、交通基础设施), or the header again.
func skipRow(row []string, header []string, nameCol int) (why, whyZH string) {
	for j, c := range row {
		c = strings.ReplaceAll(strings.TrimSpace(c), " ", "")
		if j > 2 && j != nameCol {
			continue
		}
		switch {
		case c == "":
		case strings.HasPrefix(c, "合计") || strings.HasPrefix(c, "小计") || strings.HasPrefix(c, "总计") || c == "总合计":
			return "a total row (" + c + ")", "合计行（" + c + "）"
		case categoryCell.MatchString(c) && filledCells(row) <= 3:
			return "a category row (" + c + ")", "分类行（" + c + "）"
		}
	}
	if len(row) > 0 && len(header) > 0 {
		same := 0
		for j := range min(len(row), len(header)) {
			if strings.TrimSpace(row[j]) != "" && normalize(row[j]) == normalize(header[j]) {
				same++
			}
		}
		if same >= 2 && same*2 >= filledCells(row) {
			return "the header repeated", "重复的表头"
		}
	}
	return "", ""
}

func filledCells(row []string) int {
	n := 0
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			n++
		}
	}
	return n
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0
		}
		n = n*10 + int(r-'0')
	}
	return n
}

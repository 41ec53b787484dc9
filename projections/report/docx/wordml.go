package docx

import (
	"encoding/xml"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/keyprojects/ledger/projections"
)

// The fonts a notice names: the first choice of each role. fontTable
// lists the fallbacks.
const (
	fontBody    = "仿宋_GB2312"
	fontHeading = "黑体"
	fontTitle   = "方正小标宋简体"
	fontPage    = "宋体"
	fontLatin   = "Times New Roman"
)

// Sizes in half-points, by their Chinese names.
const (
	sizeSan     = 32 // 三号, 16 pt: the body
	sizeXiaoSi  = 24 // 小四, 12 pt: tables
	sizeEr      = 44 // 二号, 22 pt: the title
	sizeSi      = 28 // 四号, 14 pt: page numbers, 抄送
	sizeIssuer  = 72 // 36 pt: the issuer's name at most
	issuerWidth = 880
)

// The page in twips (1/20 pt): A4 and the margins of GB/T 9704.
const (
	pageWidth    = 11906
	pageHeight   = 16838
	marginTop    = 2098 // 37 mm
	marginBottom = 1984 // 35 mm
	marginLeft   = 1587 // 28 mm
	marginRight  = 1474 // 26 mm
	footerFrom   = 1247 // 22 mm from the bottom edge: the number 7 mm below the text
	textWidth    = pageWidth - marginLeft - marginRight
	linePitch    = 579 // 22 lines to a page
)

const wNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

// fontTable names each font with its alternatives, in the order to try
// them (w:altName, comma-separated), its PANOSE class and the GB2312
// character set, for a reader without the font to choose a substitute.
const fontTable = `<w:fonts ` + wNS + `>` +
	`<w:font w:name="` + fontBody + `"><w:altName w:val="FangSong_GB2312,仿宋,FangSong,Noto Serif CJK SC"/>` +
	`<w:panose1 w:val="02010609030101010101"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>` +
	`<w:font w:name="` + fontHeading + `"><w:altName w:val="SimHei,Noto Sans CJK SC"/>` +
	`<w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>` +
	`<w:font w:name="` + fontTitle + `"><w:altName w:val="FZXiaoBiaoSong-B05S,小标宋,黑体,SimHei,Noto Sans CJK SC"/>` +
	`<w:panose1 w:val="02010600010101010101"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>` +
	`<w:font w:name="` + fontPage + `"><w:altName w:val="SimSun,Noto Serif CJK SC"/>` +
	`<w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>` +
	`<w:font w:name="` + fontLatin + `"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>` +
	`</w:fonts>`

// fonts is an w:rFonts naming font for Chinese and Latin text alike.
func fonts(font string) string {
	return `<w:rFonts w:ascii="` + font + `" w:eastAsia="` + font + `" w:hAnsi="` + font + `"/>`
}

// size is the w:sz and w:szCs of half-points hp.
func size(hp int) string {
	n := strconv.Itoa(hp)
	return `<w:sz w:val="` + n + `"/><w:szCs w:val="` + n + `"/>`
}

// exactLines is the body's line spacing: a fixed pitch, 22 lines a page.
var exactLines = `<w:spacing w:line="` + strconv.Itoa(linePitch) + `" w:lineRule="exact"/>`

const indent2 = `<w:ind w:firstLineChars="200" w:firstLine="640"/>`

// styles are the notice's paragraph styles, named as offices name them.
var styles = `<w:styles ` + wNS + `>` +
	`<w:docDefaults><w:rPrDefault><w:rPr>` +
	`<w:rFonts w:ascii="` + fontLatin + `" w:eastAsia="` + fontBody + `" w:hAnsi="` + fontLatin + `" w:cs="` + fontLatin + `"/>` +
	`<w:kern w:val="2"/>` + size(sizeSan) + `<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>` +
	`</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	paragraphStyle("Normal", "Normal", "", true, `<w:widowControl w:val="0"/>`+exactLines+`<w:jc w:val="both"/>`, "") +
	paragraphStyle("Body", "公文正文", "Normal", true, indent2, "") +
	paragraphStyle("Issuer", "发文机关标志", "Normal", false,
		`<w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>`,
		fonts(fontTitle)+`<w:color w:val="FF0000"/>`+size(sizeIssuer)) +
	paragraphStyle("DocNumber", "发文字号", "Normal", false,
		`<w:pBdr><w:bottom w:val="single" w:sz="18" w:space="11" w:color="FF0000"/></w:pBdr>`+
			`<w:spacing w:before="`+strconv.Itoa(2*linePitch)+`" w:after="0"/><w:jc w:val="center"/>`, "") +
	paragraphStyle("DocTitle", "公文标题", "Normal", true,
		`<w:spacing w:before="`+strconv.Itoa(2*linePitch)+`" w:after="`+strconv.Itoa(linePitch)+`" w:line="700" w:lineRule="exact"/><w:jc w:val="center"/>`,
		fonts(fontTitle)+size(sizeEr)) +
	paragraphStyle("Heading1", "heading 1", "Normal", true,
		`<w:keepNext/>`+indent2+`<w:outlineLvl w:val="0"/>`, fonts(fontHeading)) +
	paragraphStyle("TableText", "表格文字", "Normal", false,
		`<w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>`, size(sizeXiaoSi)) +
	paragraphStyle("TableHeading", "表头", "TableText", false, "", fonts(fontHeading)) +
	paragraphStyle("TableNote", "表注", "Normal", false,
		`<w:spacing w:line="240" w:lineRule="auto"/>`, size(sizeXiaoSi)) +
	paragraphStyle("Chart", "图", "Normal", false,
		`<w:keepNext/><w:spacing w:before="`+strconv.Itoa(linePitch/2)+`" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>`, "") +
	paragraphStyle("Caption", "caption", "Normal", true,
		`<w:spacing w:after="`+strconv.Itoa(linePitch/2)+`" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>`,
		fonts(fontHeading)+size(sizeSi)) +
	paragraphStyle("Signature", "落款", "Normal", false, `<w:ind w:right="640"/><w:jc w:val="right"/>`, "") +
	paragraphStyle("CopyTo", "版记", "Normal", false,
		`<w:pBdr><w:top w:val="single" w:sz="8" w:space="1" w:color="000000"/><w:bottom w:val="single" w:sz="8" w:space="1" w:color="000000"/></w:pBdr>`+
			`<w:spacing w:before="`+strconv.Itoa(2*linePitch)+`"/><w:ind w:left="280" w:right="280"/>`, size(sizeSi)) +
	paragraphStyle("Footer", "footer", "Normal", false,
		`<w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>`, fonts(fontPage)+size(sizeSi)) +
	`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>` +
	`<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="57" w:type="dxa"/>` +
	`<w:bottom w:w="0" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
	`</w:styles>`

// paragraphStyle is one w:style of paragraphs.
func paragraphStyle(id, name, basedOn string, quick bool, pPr, rPr string) string {
	var s strings.Builder
	s.WriteString(`<w:style w:type="paragraph"`)
	if id == "Normal" {
		s.WriteString(` w:default="1"`)
	}
	s.WriteString(` w:styleId="` + id + `"><w:name w:val="` + name + `"/>`)
	if basedOn != "" {
		s.WriteString(`<w:basedOn w:val="` + basedOn + `"/>`)
	}
	if quick {
		s.WriteString(`<w:qFormat/>`)
	}
	if pPr != "" {
		s.WriteString(`<w:pPr>` + pPr + `</w:pPr>`)
	}
	if rPr != "" {
		s.WriteString(`<w:rPr>` + rPr + `</w:rPr>`)
	}
	s.WriteString(`</w:style>`)
	return s.String()
}

// footer holds the page number between dashes: — 1 —.
const footer = `<w:ftr ` + wNS + `><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>` +
	`<w:r><w:t xml:space="preserve">— </w:t></w:r>` +
	`<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>` +
	`<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>`

// esc escapes text for an XML element or attribute.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}

// run is a w:r of text with run properties rPr; a line break in text
// is a w:br.
func run(text, rPr string) string {
	var b strings.Builder
	b.WriteString(`<w:r>`)
	if rPr != "" {
		b.WriteString(`<w:rPr>` + rPr + `</w:rPr>`)
	}
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteString(`<w:br/>`)
		}
		b.WriteString(`<w:t xml:space="preserve">` + esc(line) + `</w:t>`)
	}
	b.WriteString(`</w:r>`)
	return b.String()
}

// para is a w:p of style with more paragraph properties pPr (after the
// style, in schema order) and the runs.
func para(style, pPr string, runs ...string) string {
	return `<w:p><w:pPr><w:pStyle w:val="` + style + `"/>` + pPr + `</w:pPr>` + strings.Join(runs, "") + `</w:p>`
}

// column is one column of a section's table.
type column struct {
	header string
	width  int  // twips
	left   bool // aligned left (names); centred otherwise
}

// table is a section's table: its columns, rows of cell texts, and a
// total row or nil.
type table struct {
	columns []column
	rows    [][]string
	total   []string
}

// xml writes the table: borders, fixed column widths, the header row
// repeated on every page, rows kept whole on a page.
func (t table) xml() string {
	var b strings.Builder
	border := func(side string) string {
		return `<w:` + side + ` w:val="single" w:sz="4" w:space="0" w:color="000000"/>`
	}
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="` + strconv.Itoa(textWidth) + `" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		b.WriteString(border(side))
	}
	b.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/>` +
		`<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>` +
		`<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>`)
	for _, c := range t.columns {
		b.WriteString(`<w:gridCol w:w="` + strconv.Itoa(c.width) + `"/>`)
	}
	b.WriteString(`</w:tblGrid>`)
	row := func(cells []string, header, total bool) {
		b.WriteString(`<w:tr><w:trPr><w:cantSplit/>`)
		if header {
			b.WriteString(`<w:tblHeader/>`)
		}
		b.WriteString(`</w:trPr>`)
		for i, c := range t.columns {
			b.WriteString(`<w:tc><w:tcPr><w:tcW w:w="` + strconv.Itoa(c.width) + `" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>`)
			style, pPr, rPr := "TableText", "", ""
			switch {
			case header:
				style = "TableHeading"
			case c.left && !total:
				pPr = `<w:jc w:val="left"/>`
			}
			if total {
				rPr = fonts(fontHeading)
			}
			text := ""
			if i < len(cells) {
				text = cells[i]
			}
			b.WriteString(para(style, pPr, run(text, rPr)))
			b.WriteString(`</w:tc>`)
		}
		b.WriteString(`</w:tr>`)
	}
	headers := make([]string, len(t.columns))
	for i, c := range t.columns {
		headers[i] = c.header
	}
	row(headers, true, false)
	for _, r := range t.rows {
		row(r, false, false)
	}
	if t.total != nil {
		row(t.total, false, true)
	}
	b.WriteString(`</w:tbl>`)
	return b.String()
}

// issuerSize is the half-point size of the issuer's name: as large as
// 36 pt while it fits one line.
func issuerSize(name string) int {
	n := max(utf8.RuneCountInString(name), 1)
	return max(min(sizeIssuer, issuerWidth/n), sizeEr)
}

// document is word/document.xml: the notice, and the figures it draws,
// in order, whose parts are word/charts/chart1.xml and on.
func document(b projections.Bulletin, o Options) (string, []figure) {
	c := count(b)
	var figures []figure
	var d strings.Builder
	d.WriteString(`<w:document ` + wNS + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"` +
		` xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><w:body>`)
	issuer := o.issuer()
	d.WriteString(para("Issuer", "", run(issuer, size(issuerSize(issuer)))))
	d.WriteString(para("DocNumber", "", run(strings.TrimSpace(o.DocNumber), "")))
	d.WriteString(para("DocTitle", "", run(o.titleLines(b), "")))
	d.WriteString(para("Body", "", run(summary(b, o, c), "")))
	d.WriteString(para("Body", "", run("现将有关情况通报如下：", "")))
	for _, s := range sections(b, c) {
		d.WriteString(para("Heading1", "", run(s.heading, "")))
		if len(s.table.rows) == 0 {
			d.WriteString(para("Body", "", run("无。", "")))
			continue
		}
		if s.lead != "" {
			d.WriteString(para("Body", "", run(s.lead, "")))
		}
		d.WriteString(s.table.xml())
		if s.note != "" {
			d.WriteString(para("TableNote", "", run(s.note, "")))
		}
		if s.figure != nil {
			figures = append(figures, *s.figure)
			n := len(figures)
			d.WriteString(para("Chart", "", s.figure.inline(n, chartRel(n))))
			d.WriteString(para("Caption", "", run("图"+strconv.Itoa(n)+"　"+s.figure.caption, "")))
		}
	}
	d.WriteString(para("Normal", "", ""))
	d.WriteString(para("Signature", "", run(issuer, "")))
	d.WriteString(para("Signature", "", run(numeralDate(b.AsOf), "")))
	if cc := strings.TrimSpace(o.CC); cc != "" {
		d.WriteString(para("CopyTo", "", run("抄送："+strings.TrimRight(cc, "。.")+"。", "")))
	}
	d.WriteString(`<w:sectPr><w:footerReference w:type="default" r:id="rId4"/>` +
		`<w:pgSz w:w="` + strconv.Itoa(pageWidth) + `" w:h="` + strconv.Itoa(pageHeight) + `"/>` +
		`<w:pgMar w:top="` + strconv.Itoa(marginTop) + `" w:right="` + strconv.Itoa(marginRight) +
		`" w:bottom="` + strconv.Itoa(marginBottom) + `" w:left="` + strconv.Itoa(marginLeft) +
		`" w:header="851" w:footer="` + strconv.Itoa(footerFrom) + `" w:gutter="0"/>` +
		`<w:pgNumType w:start="1"/><w:cols w:space="425"/></w:sectPr>`)
	d.WriteString(`</w:body></w:document>`)
	return d.String(), figures
}

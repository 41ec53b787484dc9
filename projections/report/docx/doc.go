// Package docx writes a bulletin (projections.Bulletin) as a Word document
// laid out as a government notice (通报, 公文): the issuing office's name in
// red, the document number (文号) and a red rule, the title, a summary
// paragraph whose figures are counted from the bulletin, five numbered
// sections each holding a table (or 无), a chart of the units' on-time
// rates under the ranking (a native DrawingML chart, word/charts/chart1.xml,
// its figures cached in the chart part, no workbook embedded), the issuing
// office and the date in Chinese numerals, an optional 抄送 line, and
// — 1 — page numbers.
//
// The page follows GB/T 9704 roughly: A4 portrait, margins 37 mm (top),
// 35 mm (bottom), 28 mm (left) and 26 mm (right), body text in
// 仿宋_GB2312 三号 with a two-character first-line indent, headings in
// 黑体, the title in 方正小标宋简体, tables in 仿宋 小四 with their header
// row repeated on every page. Each font is named in the font table with
// its Latin name (w:altName), PANOSE class and GB2312 character set, from
// which Word and WPS choose a substitute when it is missing. LibreOffice
// reads none of them and substitutes through fontconfig (see
// docs/projections.md).
//
// The document is hand-written WordprocessingML packed with archive/zip:
// the Go DOCX libraries that are maintained are commercial, and the free
// ones are abandoned. The same bulletin and Options give the same bytes:
// the parts are written in a fixed order, stamped with the as-of date.
package docx

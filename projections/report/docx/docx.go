package docx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

// The defaults of Options.
const (
	DefaultIssuer = "重点项目办公室"
	DefaultScope  = "全县"
)

// Options shape the notice. The zero Options give a notice of
// DefaultIssuer on the whole county with no document number.
type Options struct {
	// Issuer is the issuing office (发文机关): the red heading, and the
	// signature above the date. Empty: DefaultIssuer.
	Issuer string
	// DocNumber is the document number (文号), 县重点办〔2026〕12号. Empty:
	// its line stays blank above the red rule.
	DocNumber string
	// Title replaces the title built from the period and Scope,
	// 关于2026年11月全县重点项目推进情况的通报.
	Title string
	// CC lists the offices sent a copy (抄送), 县委办，县政府办. Empty: no
	// 抄送 line.
	CC string
	// Scope is what the notice covers, in the title and the summary: a
	// unit's name for a bulletin of one unit. Empty: DefaultScope (全县).
	Scope string
	// Projects is the number of projects under dispatch on the as-of date
	// (the rows of the status table the bulletin was built from). Zero
	// leaves that clause out of the summary.
	Projects int
}

func (o Options) issuer() string {
	if s := strings.TrimSpace(o.Issuer); s != "" {
		return s
	}
	return DefaultIssuer
}

func (o Options) scope() string {
	if s := strings.TrimSpace(o.Scope); s != "" {
		return s
	}
	return DefaultScope
}

// title is the notice's title: Options.Title, or one built from the
// period, 关于2026年11月全县重点项目推进情况的通报.
func (o Options) title(b projections.Bulletin) string {
	return strings.ReplaceAll(o.titleLines(b), "\n", "")
}

// titleLines is the title as printed: a built title in two lines, the
// second 推进情况的通报, as a title too long for one line is set.
func (o Options) titleLines(b projections.Bulletin) string {
	if s := strings.TrimSpace(o.Title); s != "" {
		return s
	}
	return "关于" + periodName(b) + o.scope() + "重点项目\n推进情况的通报"
}

// File writes the bulletin's notice to path, whose name must end in
// .docx. Nothing is written when the bulletin cannot be.
func File(path string, b projections.Bulletin, o Options) error {
	if ext := filepath.Ext(path); !strings.EqualFold(ext, ".docx") {
		return fmt.Errorf("write document %s: the file name must end in .docx", path)
	}
	data, err := Encode(b, o)
	if err == nil {
		err = os.WriteFile(path, data, 0o644)
	}
	if err != nil {
		return fmt.Errorf("write document %s: %w", path, err)
	}
	return nil
}

// Write writes the bulletin's notice to w.
func Write(w io.Writer, b projections.Bulletin, o Options) error {
	data, err := Encode(b, o)
	if err == nil {
		_, err = w.Write(data)
	}
	if err != nil {
		return fmt.Errorf("write document: %w", err)
	}
	return nil
}

// Encode returns the bulletin's notice as the bytes of a DOCX file.
func Encode(b projections.Bulletin, o Options) ([]byte, error) {
	if b.AsOf.IsZero() || b.From.IsZero() {
		return nil, errors.New("the bulletin has no period: its first day or as-of date is missing")
	}
	if _, err := projections.ParsePeriod(string(b.Period)); err != nil {
		return nil, err
	}
	doc, figures := document(b, o)
	parts := []part{
		{"[Content_Types].xml", contentTypes(len(figures))},
		{"_rels/.rels", packageRels},
		{"docProps/app.xml", appProps},
		{"docProps/core.xml", coreProps(b, o)},
		{"word/_rels/document.xml.rels", documentRels(len(figures))},
		{"word/document.xml", doc},
		{"word/styles.xml", styles},
		{"word/settings.xml", settings},
		{"word/fontTable.xml", fontTable},
		{"word/footer1.xml", footer},
	}
	for i, f := range figures {
		parts = append(parts, part{chartPart(i + 1), f.part()})
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	stamp := stampOf(b.AsOf)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(w, xmlHeader+p.body); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// part is one file of the package.
type part struct{ name, body string }

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

// stampOf is the time every part is stamped with: the start of the as-of
// day, as a wall-clock time (zip stores no zone).
func stampOf(d domain.Date) time.Time { return d.Time(time.UTC) }

// coreProps are the document's title, author, language and dates: created
// and modified at the start of the as-of day in Asia/Shanghai, so that a
// notice says when its figures are as of, not when it was written.
func coreProps(b projections.Bulletin, o Options) string {
	loc, err := domain.LoadZone(domain.DefaultTimeZone)
	if err != nil {
		loc = time.UTC
	}
	when := b.AsOf.Time(loc).UTC().Format(time.RFC3339)
	return `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ` +
		`xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + esc(o.title(b)) + `</dc:title>` +
		`<dc:creator>` + esc(o.issuer()) + `</dc:creator>` +
		`<dc:language>zh-CN</dc:language>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + when + `</dcterms:created>` +
		`<dcterms:modified xsi:type="dcterms:W3CDTF">` + when + `</dcterms:modified>` +
		`</cp:coreProperties>`
}

// chartPart is the name of chart n's part, from 1: word/charts/chart1.xml.
func chartPart(n int) string { return "word/charts/chart" + strconv.Itoa(n) + ".xml" }

// chartRel is the id of the document's relationship to chart n, from 1:
// after the four relationships of every notice.
func chartRel(n int) string { return "rId" + strconv.Itoa(4+n) }

// contentTypes are the parts' types, of a notice with charts charts.
func contentTypes(charts int) string {
	var s strings.Builder
	s.WriteString(strings.TrimSuffix(baseContentTypes, `</Types>`))
	for n := 1; n <= charts; n++ {
		s.WriteString(`<Override PartName="/` + chartPart(n) + `" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>`)
	}
	s.WriteString(`</Types>`)
	return s.String()
}

// documentRels are the document's relationships, of a notice with charts
// charts.
func documentRels(charts int) string {
	var s strings.Builder
	s.WriteString(strings.TrimSuffix(baseDocumentRels, `</Relationships>`))
	for n := 1; n <= charts; n++ {
		s.WriteString(`<Relationship Id="` + chartRel(n) + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart" Target="` +
			strings.TrimPrefix(chartPart(n), "word/") + `"/>`)
	}
	s.WriteString(`</Relationships>`)
	return s.String()
}

const baseContentTypes = `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
	`<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>` +
	`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
	`</Types>`

const packageRels = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

const baseDocumentRels = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>` +
	`<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>` +
	`</Relationships>`

const appProps = `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">` +
	`<Application>ledger</Application></Properties>`

const settings = `<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	`<w:zoom w:percent="100"/>` +
	`<w:defaultTabStop w:val="420"/>` +
	`<w:characterSpacingControl w:val="doNotCompress"/>` +
	`<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>` +
	`<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>` +
	`</w:settings>`

package main

// Tests of `ledger bulletin --docx` on the demo county, and of the notice
// as LibreOffice lays it out. The LibreOffice test needs soffice,
// pdftoppm and pdftotext (poppler-utils) on PATH; it fails, not skips,
// when they are missing.

import (
	"archive/zip"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/projections"
)

// docxParagraphs returns the text of every paragraph of the notice at
// path, in order, table cells' included.
func docxParagraphs(t *testing.T, path string) []string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	require.NoError(t, err)
	defer zr.Close()
	f, err := zr.Open("word/document.xml")
	require.NoError(t, err)
	defer f.Close()
	dec := xml.NewDecoder(f)
	var paras []string
	var p *strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		switch tok := tok.(type) {
		case xml.StartElement:
			switch tok.Name.Local {
			case "p":
				p = &strings.Builder{}
			case "t":
				inText = true
			case "br":
				p.WriteString("\n")
			}
		case xml.EndElement:
			switch tok.Name.Local {
			case "p":
				paras = append(paras, p.String())
			case "t":
				inText = false
			}
		case xml.CharData:
			if inText {
				p.Write(tok)
			}
		}
	}
	return paras
}

// docxSummary reads the figures of the notice's summary paragraph.
var docxSummary = regexp.MustCompile(`^截至(\d+)年(\d+)月(\d+)日，全县纳入调度的重点项目共(\d+)个，本期（[^）]*）完成节点(\d+)个。` +
	`本期应完成节点(\d+)个，按期完成(\d+)个，逾期完成(\d+)个，逾期未完成(\d+)个；当前逾期未完成节点(\d+)个。本期完成投资(\d+)\.(\d\d)万元。$`)

func TestBulletinDocxSummaryIsWhatTheBulletinSays(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	path := filepath.Join(t.TempDir(), "通报.docx")
	out := c.ok("bulletin", "--period", "month", "--as-of", "2026-11-30", "--docx", path,
		"--issuer", "XX县重点项目建设工作领导小组办公室", "--doc-number", "县重点办〔2026〕12号")
	assert.Equal(t, "wrote "+path+"\n", out)

	var b projections.Bulletin
	require.NoError(t, json.Unmarshal([]byte(c.ok("bulletin", "--period", "month", "--as-of", "2026-11-30", "--json")), &b))
	var status []projections.StatusRow
	require.NoError(t, json.Unmarshal([]byte(c.ok("status", "--as-of", "2026-11-30", "--json")), &status))

	paras := docxParagraphs(t, path)
	require.GreaterOrEqual(t, len(paras), 4)
	assert.Equal(t, []string{"XX县重点项目建设工作领导小组办公室", "县重点办〔2026〕12号", "关于2026年11月全县重点项目\n推进情况的通报"}, paras[:3])
	var summary []string
	for _, p := range paras {
		if m := docxSummary.FindStringSubmatch(p); m != nil {
			summary = m[1:]
		}
	}
	require.NotNil(t, summary, "no summary paragraph in %q", paras)

	var due, onTime, late, open int
	for _, u := range b.Units {
		due, onTime, late, open = due+u.Due, onTime+u.OnTime, late+u.Late, open+u.Open
	}
	hundredths := (b.InvestmentTotal + 50) / 100
	want := []string{"2026", "11", "30", fmt.Sprint(len(status)), fmt.Sprint(len(b.Reached)),
		fmt.Sprint(due), fmt.Sprint(onTime), fmt.Sprint(late), fmt.Sprint(open), fmt.Sprint(len(b.Overdue)),
		fmt.Sprint(hundredths / 100), fmt.Sprintf("%02d", hundredths%100)}
	assert.Equal(t, want, summary)
	assert.Equal(t, len(b.Missed), late+open, "the deadlines missed in the period are the late and the open")
	assert.Equal(t, []string{"55", "1", "10", "0", "0", "10", "66", "1200", "00"}, summary[3:], "the demo county's November")
	assert.Contains(t, paras, "二〇二六年十一月三十日")
	assert.Contains(t, paras, "县工信局（26个）、县住建局（11个）、县农业农村局（9个）、县发改局（7个）、县交通运输局（5个）、县教育局（4个）、县文旅局（4个）"+
		"存在逾期未完成节点，请抓紧推进。")
}

func TestBulletinDocxRefusesBadInputWritingNothing(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "通报.docx")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--docx", path, "--xlsx", filepath.Join(dir, "b.xlsx")}, "--docx writes the document alone: leave out --json, --csv, --md and --xlsx"},
		{[]string{"--docx", path, "--csv"}, "--docx writes the document alone"},
		{[]string{"--docx", path, "--md"}, "--docx writes the document alone"},
		{[]string{"--json", "--docx", path}, "--docx writes the document alone"},
		{[]string{"--docx", path, "--layout", "plain"}, "--layout shapes the workbook, not the --docx document"},
		{[]string{"--doc-number", "县重点办〔2026〕12号"}, "--doc-number and --cc shape the notice: give --docx FILE"},
		{[]string{"--cc", "县委办"}, "--doc-number and --cc shape the notice: give --docx FILE"},
		{[]string{"--docx", filepath.Join(dir, "通报.doc")}, "the file name must end in .docx"},
		{[]string{"--docx", filepath.Join(dir, "missing", "通报.docx")}, "write document " + filepath.Join(dir, "missing", "通报.docx")},
		{[]string{"--docx", path, "--period", "decade"}, "--period"},
		{[]string{"--docx", path, "--unit", "Nobody"}, `no unit "Nobody"`},
	} {
		code, out, errs := c.run(append([]string{"bulletin", "--as-of", "2026-11-30"}, tc.args...)...)
		assert.NotEqual(t, 0, code, "%v", tc.args)
		assert.Empty(t, out, "%v", tc.args)
		assert.Contains(t, errs, tc.want, "%v", tc.args)
		assert.Equal(t, 1, strings.Count(errs, "\n"), "one line: %q", errs)
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		assert.Empty(t, entries, "%v wrote nothing", tc.args)
	}
	// --title and --issuer shape the notice as they shape a workbook.
	c.ok("bulletin", "--as-of", "2026-11-30", "--docx", path, "--title", "关于全县重点项目的通报", "--issuer", "县重点办")
	assert.Equal(t, []string{"县重点办", "", "关于全县重点项目的通报"}, docxParagraphs(t, path)[:3])
}

// pdfPage is a page object of a PDF (not the /Pages tree).
var pdfPage = regexp.MustCompile(`/Type\s*/Page\b`)

// docxFontsConf maps the notice's fonts to the Noto CJK fonts its font
// table names last, for LibreOffice, which reads neither w:altName nor
// PANOSE and asks fontconfig for a missing font: the body in a serif
// (仿宋, 宋体 and the title's 小标宋 look like one) and the headings in a
// sans-serif (黑体), as Word and WPS show them.
const docxFontsConf = `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <alias binding="same"><family>仿宋_GB2312</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>宋体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>方正小标宋简体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>黑体</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
</fontconfig>
`

// docxTool returns the path of a program the LibreOffice test needs, and
// fails the test with what to install when it is missing.
func docxTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("the DOCX test needs %s (%v): install it with `apt-get update && apt-get install -y libreoffice-writer-nogui poppler-utils fonts-noto-cjk`", name, err)
	}
	return p
}

// runTool runs a program in its own process group, killed whole when ctx
// ends (soffice starts soffice.bin), with env added to the environment,
// and returns what it printed.
func runTool(t *testing.T, ctx context.Context, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %s: %s (context: %v)", name, strings.Join(args, " "), out, ctx.Err())
	return string(out)
}

func TestBulletinDocxRendersInLibreOffice(t *testing.T) {
	soffice, pdftoppm := docxTool(t, "soffice"), docxTool(t, "pdftoppm")
	c := newDemoCLI(t)
	c.ok("demo")
	dir := t.TempDir()
	doc := filepath.Join(dir, "bulletin-2026-11.docx")
	c.ok("bulletin", "--period", "month", "--as-of", "2026-11-30", "--docx", doc,
		"--issuer", "XX县重点项目建设工作领导小组办公室", "--doc-number", "县重点办〔2026〕12号", "--cc", "县委办，县政府办")

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// A profile and home of its own, so that runs in parallel do not
	// share LibreOffice's lock.
	home := filepath.Join(dir, "home")
	conf := filepath.Join(dir, "fonts.conf")
	require.NoError(t, os.WriteFile(conf, []byte(docxFontsConf), 0o644))
	env := []string{"HOME=" + home, "FONTCONFIG_FILE=" + conf}
	said := runTool(t, ctx, env, soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--norestore", "--convert-to", "pdf", "--outdir", dir, doc)

	pdf, err := os.ReadFile(filepath.Join(dir, "bulletin-2026-11.pdf"))
	require.NoError(t, err, "soffice said: %s(a LibreOffice without Writer cannot open a .docx: install libreoffice-writer-nogui)", said)
	// The head, the summary and the month's one milestone reached on page
	// 1; the ten deadlines missed on page 2; the 66 overdue on pages 2 to
	// 7; investment, ranking and its chart of on-time rates on page 7; the
	// signature and 抄送 on page 8.
	assert.Equal(t, 8, len(pdfPage.FindAll(pdf, -1)), "pages")
	assert.Contains(t, string(pdf), "/MediaBox[0 0 595.", "A4")

	// The chart is drawn, in text: its title, each unit ranked with a
	// rate as a bar's label with that rate, the value axis, the caption.
	text := runTool(t, ctx, env, docxTool(t, "pdftotext"), "-layout", filepath.Join(dir, "bulletin-2026-11.pdf"), "-")
	pages := strings.Split(text, "\f")
	require.GreaterOrEqual(t, len(pages), 8)
	chartPage := slices.IndexFunc(pages, func(p string) bool { return strings.Contains(p, "图1") })
	require.GreaterOrEqual(t, chartPage, 0, "a page with the chart")
	last := strings.Join(pages[chartPage:], "\f") // from the chart to the end
	assert.Equal(t, 2, strings.Count(last, "本期各单位节点按期完成率"), "the chart's title and its caption on page %d:\n%s", chartPage+1, last)
	assert.Regexp(t, `图1\s+本期各单位节点按期完成率`, last)
	var b projections.Bulletin
	require.NoError(t, json.Unmarshal([]byte(c.ok("bulletin", "--period", "month", "--as-of", "2026-11-30", "--json")), &b))
	charted := 0
	for _, u := range b.Units {
		if u.RateBP != nil {
			charted++
			assert.Regexp(t, regexp.QuoteMeta(u.Unit)+`\s+`+regexp.QuoteMeta(fmt.Sprintf("%d.%02d%%", *u.RateBP/100, *u.RateBP%100)), last, "%s's bar", u.Unit)
		}
	}
	assert.Equal(t, 5, charted, "the demo's five units with something due")
	assert.Regexp(t, `\s0%(\s+[1-9]0%)+\s+100%`, last, "the value axis, from 0 to 100%")
	assert.Less(t, strings.Index(last, "图1"), strings.Index(last, "二〇二六年十一月三十日"), "the chart before the signature")

	shots := screenshotDir(t)
	for _, page := range []string{"1", strconv.Itoa(chartPage + 1)} {
		stem := filepath.Join(shots, "bulletin-docx-page"+page)
		runTool(t, ctx, env, pdftoppm, "-png", "-r", "96", "-f", page, "-l", page, "-singlefile", filepath.Join(dir, "bulletin-2026-11.pdf"), stem)
		info, err := os.Stat(stem + ".png")
		require.NoError(t, err)
		assert.Greater(t, info.Size(), int64(10_000), "page %s has something on it", page)
		t.Logf("page %s of the notice: %s.png", page, stem)
	}
}

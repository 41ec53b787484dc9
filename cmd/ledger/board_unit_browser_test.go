package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain/testday"
)

// sitePhoto writes a small PNG photo to a temporary file and returns its
// path (a Latin name: Chromium's DevTools upload does not take a
// Chinese path).
func sitePhoto(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(40 + x*3), uint8(90 + y*2), 60, 255})
		}
	}
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	path := filepath.Join(t.TempDir(), "site-photo.png")
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	return path
}

// seriousProblems are the problems other than the answers' own status
// lines (a refused form is a 400, another unit's card a 404).
func seriousProblems(ps []string) []string {
	var out []string
	for _, p := range ps {
		if strings.Contains(p, "the server responded with a status of 400") || strings.Contains(p, "the server responded with a status of 404") {
			continue
		}
		out = append(out, p)
	}
	return out
}

// TestUnitReportingBrowser: a unit's reporting clerk signs in, records
// 开工 on its project's card with a photo and sees the step and the
// thumbnail; another unit's project is neither on its overview nor
// reachable (404); a date that is not one is refused under its field and
// nothing is stored; the unit asks for a new deadline, the office
// (recorder) approves it on the card, and the card shows the new deadline.
func TestUnitReportingBrowser(t *testing.T) {
	c := newDemoCLI(t)
	today := testday.Today(t)
	d := func(n int) string { return today.AddDays(n).String() }
	c.ok("units", "add", "县工业和信息化局", "--alias", "县工信局", "--on", d(-120))
	c.ok("units", "add", "县商务局", "--on", d(-120))
	c.ok("project", "register", "U-1", "--name", "光伏组件项目", "--investment", "3亿", "--unit", "县工信局", "--leader", "李明",
		"--township", "城关镇", "--on", d(-90), "--plan", "signed="+d(-70), "--plan", "started="+d(30), "--plan", "completed="+d(200))
	c.ok("project", "register", "U-2", "--name", "商贸物流园", "--investment", "2亿", "--unit", "县商务局", "--leader", "赵强",
		"--on", d(-90), "--plan", "signed="+d(60))
	c.ok("record", "signed", "U-1", "--on", d(-75))
	code, out, errs := c.runIn("", "auth", "user", "add", "gxj", "--role", "单位填报", "--unit", "县工信局", "--name", "工信局填报员")
	require.Equal(t, 0, code, errs)
	m := passwordRE.FindStringSubmatch(out)
	require.NotNil(t, m, out)
	unitPassword := m[1]
	officePassword := c.addUser("office", "录入", "重点办王")
	base := boardServer(t, c)
	dir := screenshotDir(t)
	history := func() string { return c.ok("history", "U-1") }

	b := newBrowser(t, 1280, 1000)
	browse(b, chromedp.NavigateResponse(base+"project/U-1"))
	b.signIn("gxj", unitPassword, "header .user")
	assert.Equal(t, "工信局填报员（单位填报）", browse(b, chromedp.Text(chromedp.CSS("header .user"))))
	require.True(t, strings.HasSuffix(browse(b, chromedp.Location()), "/project/U-1"), "back on the card asked for")

	// 开工 with a photo.
	b.do(
		chromedp.SetValue(chromedp.CSS(`#record select[name="step"]`), "开工"),
		chromedp.SendKeys(chromedp.CSS(`#record input[name="on"]`), d(-1)),
		chromedp.SendKeys(chromedp.CSS(`#record input[name="note"]`), "主体厂房桩基施工"),
		chromedp.SetUploadFiles(chromedp.CSS(`#record input[type="file"]`), []string{sitePhoto(t)}),
	)
	b.do(
		chromedp.Click(chromedp.CSS(`#record button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".ok-message")),
		chromedp.WaitVisible(chromedp.CSS("#evidence .thumb img")),
	)
	assert.Regexp(t, `U-1 已记录步骤（第 \d+ 条事件），附佐证材料 1 个`, browse(b, chromedp.Text(chromedp.CSS(".ok-message"))))
	loaded := `(() => { const i = document.querySelector("#evidence .thumb img"); return i.complete && i.naturalWidth === 64 })()`
	assert.True(t, browse(b, chromedp.Poll[bool](loaded)), "the thumbnail loads")
	assert.Equal(t, "site-photo.png", browse(b, chromedp.Evaluate[string](`document.querySelector("#evidence .thumb img").alt`)))
	assert.Contains(t, browse(b, chromedp.Text(chromedp.CSS("table.history"))), "started", "the step is in the card's history")
	after := history()
	assert.Regexp(t, `gxj\s+started`, after, "recorded with the signed-in login as its actor")
	assert.Contains(t, after, "evidence_attached")
	b.screenshot(dir, "desktop-unit-step-with-photo")

	// A date that is not one: refused under its field, nothing stored.
	b.do(
		chromedp.SetValue(chromedp.CSS(`#record select[name="step"]`), "竣工"),
		chromedp.SendKeys(chromedp.CSS(`#record input[name="on"]`), "2027-02-30"),
		chromedp.Click(chromedp.CSS(`#record button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#record .field-error`)),
	)
	assert.Contains(t, browse(b, chromedp.Text(chromedp.CSS(`#record .field-error`))), "“2027-02-30”不是有效日期")
	assert.Equal(t, "on", browse(b, chromedp.Evaluate[string](`document.querySelector("#record .field-error").previousElementSibling.querySelector("input").name`)),
		"the error is under the date it is about")
	assert.Equal(t, "2027-02-30", browse(b, chromedp.Evaluate[string](`document.querySelector('#record input[name="on"]').value`)), "kept as typed")
	assert.Equal(t, after, history(), "nothing stored")
	b.screenshot(dir, "desktop-unit-bad-date-refused")

	// Another unit's project: not on the overview or the status table, and
	// its card is not there.
	resp := browse(b, chromedp.NavigateResponse(base+"project/U-2"))
	assert.Equal(t, int64(http.StatusNotFound), resp.Status)
	for _, page := range []string{"", "overdue", "status"} {
		resp := browse(b, chromedp.NavigateResponse(base+page))
		require.Equal(t, int64(http.StatusOK), resp.Status, page)
		text := browse(b, chromedp.Text(chromedp.CSS("body")))
		assert.NotContains(t, text, "商贸物流园", page)
		assert.NotContains(t, text, "U-2", page)
	}
	assert.Contains(t, browse(b, chromedp.Text(chromedp.CSS("body"))), "U-1", "its own project is on the status table")

	// A new deadline asked for: it waits for the office.
	browse(b, chromedp.NavigateResponse(base+"project/U-1"))
	b.do(
		chromedp.SetValue(chromedp.CSS(`#revision select[name="milestone"]`), "completed"),
		chromedp.SendKeys(chromedp.CSS(`#revision input[name="new_due"]`), d(300)),
		chromedp.SendKeys(chromedp.CSS(`#revision input[name="reason"]`), "设备到货推迟"),
		chromedp.Click(chromedp.CSS(`#revision button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".ok-message")),
		chromedp.WaitVisible(chromedp.CSS("#requests")),
	)
	assert.Contains(t, browse(b, chromedp.Text(chromedp.CSS("#requests"))), d(300))
	assert.Equal(t, 0, browse(b, chromedp.Evaluate[int](`document.querySelectorAll("form.decide").length`)), "the unit does not decide")
	b.screenshot(dir, "desktop-unit-revision-requested")
	assert.Empty(t, seriousProblems(b.takeProblems()))

	// The office approves it on the card.
	office := newBrowser(t, 1280, 1000)
	browse(office, chromedp.NavigateResponse(base+"project/U-1"))
	office.signIn("office", officePassword, "header .user")
	office.do(
		chromedp.WaitVisible(chromedp.CSS(`form.decide`)),
		chromedp.Click(chromedp.CSS(`form.decide button[value="同意"]`)),
		chromedp.WaitVisible(chromedp.CSS(".ok-message")),
	)
	assert.Contains(t, browse(office, chromedp.Text(chromedp.CSS(".ok-message"))), "已审定")
	assert.Equal(t, 0, browse(office, chromedp.Evaluate[int](`document.querySelectorAll("#requests").length`)), "nothing waits any more")
	office.screenshot(dir, "desktop-office-approved-revision")
	assert.Empty(t, seriousProblems(office.takeProblems()))

	browse(b, chromedp.NavigateResponse(base+"project/U-1"))
	milestones := browse(b, chromedp.Text(chromedp.CSS("main")))
	assert.Contains(t, milestones, d(300), "the card shows the new deadline")
	assert.Contains(t, milestones, d(200), "and keeps the baseline")
	assert.Regexp(t, `office\s+revision_decided`, history())

	// On a phone, the card and its forms fit the screen's width.
	phone := newBrowser(t, 375, 800)
	browse(phone, chromedp.NavigateResponse(base+"project/U-1"))
	phone.signIn("gxj", unitPassword, "#record")
	phone.do(
		chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile),
		chromedp.Navigate(base+"project/U-1"),
		chromedp.WaitVisible(chromedp.CSS("#record")),
	)
	assert.LessOrEqual(t, browse(phone, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)), 375, "nothing wider than the phone")
	phone.screenshot(dir, "phone-unit-card")
	assert.Empty(t, seriousProblems(phone.takeProblems()))
}

package board_test

import (
	"bufio"
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/keyprojects/ledger/cmd/ledger/board"
	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore/access"
	"github.com/keyprojects/ledger/eventstore/evidence"
	"github.com/keyprojects/ledger/projections/query"
)

// newUnitFixture is the sign-in fixture with an evidence store and a
// second unit reporter, "swj" of 县商务局 (P-2's unit); "unit_reporter" is
// 县工信局's (P-1's).
func newUnitFixture(t *testing.T) *signInFixture {
	f, _ := newUnitBoard(t)
	return f
}

// newUnitBoard is newUnitFixture and the board it serves.
func newUnitBoard(t *testing.T) (*signInFixture, *board.Server) {
	t.Helper()
	f := newFixture(t, 0)
	ctx := context.Background()
	users, err := access.OpenUsers(ctx, f.env.Store.JetStream(), f.env.Store.StreamName(), true, bcrypt.MinCost)
	require.NoError(t, err)
	for _, r := range access.PersonRoles() {
		var units []string
		if r == access.UnitReporter {
			units = []string{"县工信局"}
		}
		_, err := users.Add(ctx, string(r), "用户"+r.Chinese(), r, string(r)+" password", now, units...)
		require.NoError(t, err)
	}
	_, err = users.Add(ctx, "swj", "商务局填报", access.UnitReporter, "swj password", now, "县商务局")
	require.NoError(t, err)
	ev, err := evidence.New(ctx, f.env.Store)
	require.NoError(t, err)
	clock := domain.NewManualClock(now)
	qs := query.New(f.env.Store, query.WithClock(clock), query.WithCatchUp())
	srv, err := board.New(qs, board.WithStore(f.env.Store), board.WithUsers(users), board.WithClock(clock), board.WithEvidence(ev))
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &signInFixture{fixture: f, clock: clock, users: users, url: hs.URL}, srv
}

// pngPhoto is a small PNG picture of a building site.
func pngPhoto(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 48, 32))
	for x := range 48 {
		for y := range 32 {
			img.Set(x, y, color.RGBA{uint8(x * 5), uint8(y * 7), 120, 255})
		}
	}
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

// postFiles posts fields and files (name → content) as multipart/form-data.
func (b *browser) postFiles(path string, fields url.Values, files map[string][]byte) (*http.Response, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			require.NoError(b.t, mw.WriteField(k, v))
		}
	}
	for name, content := range files {
		w, err := mw.CreateFormFile("evidence", name)
		require.NoError(b.t, err)
		_, err = w.Write(content)
		require.NoError(b.t, err)
	}
	require.NoError(b.t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, b.base+path, &body)
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

func (f *signInFixture) signedIn(t *testing.T, login, password string) *browser {
	t.Helper()
	b := f.browser(t)
	resp, _ := b.signIn(login, password, "")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	return b
}

func TestAUnitReporterSeesOnlyItsUnitsProjects(t *testing.T) {
	f := newUnitFixture(t)
	b := f.signedIn(t, "unit_reporter", "unit_reporter password")

	resp, page := b.get("/status")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, `href="/project/P-1"`)
	assert.NotContains(t, page, `href="/project/P-2"`)
	assert.NotContains(t, page, `href="/project/P-3"`)
	assert.NotContains(t, page, "县商务局", "not even among the filter's choices")
	assert.Contains(t, page, "用户单位填报（单位填报）")

	for _, path := range []string{"/project/P-2", "/project/P-3", "/status?unit=县商务局", "/status.csv?unit=县商务局", "/project/P-404"} {
		resp, page := b.get(path)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, "%s: another unit's is not there, as what does not exist", path)
		assert.NotContains(t, page, "商贸物流园", path)
	}
	for _, path := range []string{"/", "/overdue", "/scoreboard", "/bulletin", "/inspection", "/status.csv", "/overdue.csv"} {
		resp, page := b.get(path)
		assert.Equal(t, http.StatusOK, resp.StatusCode, path)
		assert.NotContains(t, page, "商贸物流园", path)
		assert.NotContains(t, page, "P-2", path)
	}
	_, csv := b.get("/status.csv")
	assert.Contains(t, csv, "P-1")

	// The office sees every unit.
	office := f.signedIn(t, "recorder", "recorder password")
	_, page = office.get("/status")
	assert.Contains(t, page, `href="/project/P-2"`)
}

func TestAUnitReportsAStepWithAPhotoOnce(t *testing.T) {
	f := newUnitFixture(t)
	b := f.signedIn(t, "unit_reporter", "unit_reporter password")
	_, page := b.get("/project/P-1")
	require.Contains(t, page, `action="/project/P-1/record"`)
	require.Contains(t, page, `type="file" name="evidence" multiple accept="image/jpeg,image/png,image/webp,application/pdf"`)
	csrf, command := hidden(t, page, "csrf"), hidden(t, page, "command")

	photo := pngPhoto(t)
	before := f.lastSeq(t)
	form := url.Values{"csrf": {csrf}, "command": {command}, "step": {"开工"}, "on": {"2026-11-20"}, "note": {"主体厂房桩基施工"}}
	resp, _ := b.postFiles("/project/P-1/record", form, map[string][]byte{"工地.png": photo})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Location"), "/project/P-1?saved=")
	require.Equal(t, before+2, f.lastSeq(t), "the step and its evidence, together")
	resp, _ = b.postFiles("/project/P-1/record", form, map[string][]byte{"工地.png": photo})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, before+2, f.lastSeq(t), "the same post twice stores once")

	recs, _, err := f.env.Store.Load(context.Background(), "P-1")
	require.NoError(t, err)
	started, attached := recs[len(recs)-2], recs[len(recs)-1]
	assert.Equal(t, domain.Started, started.Type)
	assert.Equal(t, "unit_reporter", started.Actor, "the signed-in login is the actor")
	assert.Equal(t, day(t, "2026-11-20"), started.OccurredOn)
	require.Equal(t, domain.EvidenceAttached, attached.Type)
	files := attached.Data.(*domain.EvidenceAttachedData).Files
	require.Len(t, files, 1)
	assert.Equal(t, "工地.png", files[0].Name)
	assert.Equal(t, "image/png", files[0].Type)

	_, page = b.get("/project/P-1")
	img := regexp.MustCompile(`<img src="(/project/P-1/evidence/[0-9a-f]{64})" alt="工地.png"`).FindStringSubmatch(page)
	require.NotNil(t, img, "the card shows the photo")
	resp, got := b.get(img[1])
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, photo, []byte(got))
	assert.Equal(t, "image/png", resp.Header.Get("Content-Type"))
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	assert.Contains(t, resp.Header.Get("Content-Disposition"), "inline")
	assert.Contains(t, resp.Header.Get("Content-Disposition"), "filename*=utf-8''%E5%B7%A5%E5%9C%B0.png")

	// Another unit's reporter does not get the file, nor a file not attached.
	other := f.signedIn(t, "swj", "swj password")
	resp, _ = other.get(img[1])
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, _ = b.get("/project/P-1/evidence/" + strings.Repeat("0", 64))
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestAUnitsRefusedFormIsShownAgainOnTheFieldAndStoresNothing(t *testing.T) {
	f, srv := newUnitBoard(t)
	board.SetMaxUpload(srv, 64<<10)
	b := f.signedIn(t, "unit_reporter", "unit_reporter password")
	_, page := b.get("/project/P-1")
	csrf, command := hidden(t, page, "csrf"), hidden(t, page, "command")
	before := f.lastSeq(t)
	for _, c := range []struct {
		name, path string
		form       url.Values
		files      map[string][]byte
		code       int
		field      string // the input the error is shown under
		says       string
	}{
		{"a date that is not one", "/project/P-1/record", url.Values{"step": {"开工"}, "on": {"2026-11-31"}}, nil, http.StatusBadRequest, "on", "不是有效日期"},
		{"a date to come", "/project/P-1/record", url.Values{"step": {"开工"}, "on": {"2026-12-25"}}, nil, http.StatusBadRequest, "on", "未保存"},
		{"not a step", "/project/P-1/record", url.Values{"step": {"开会"}}, nil, http.StatusBadRequest, "step", "不是可记录的步骤"},
		{"not a picture", "/project/P-1/record", url.Values{"step": {"开工"}}, map[string][]byte{"说明.txt": []byte("plain text")}, http.StatusBadRequest, "evidence", "只接受照片"},
		{"a bad month", "/project/P-1/investment", url.Values{"month": {"2026-13"}, "amount": {"1200万"}}, nil, http.StatusBadRequest, "month", "不是有效月份"},
		{"a bad amount", "/project/P-1/investment", url.Values{"month": {"2026-10"}, "amount": {"很多"}}, nil, http.StatusBadRequest, "amount", "未保存"},
		{"a request without a reason", "/project/P-1/revision", url.Values{"milestone": {"started"}, "new_due": {"2027-03-31"}}, nil, http.StatusBadRequest, "", "未保存"},
		{"a bad new deadline", "/project/P-1/revision", url.Values{"milestone": {"started"}, "new_due": {"2027-02-30"}, "reason": {"用地交付推迟"}}, nil, http.StatusBadRequest, "new_due", "不是有效日期"},
		{"too large", "/project/P-1/record", url.Values{"step": {"开工"}}, map[string][]byte{"大.png": bytes.Repeat([]byte{1}, 100<<10)}, http.StatusRequestEntityTooLarge, "", "上传内容过大"},
	} {
		t.Run(c.name, func(t *testing.T) {
			form := url.Values{"csrf": {csrf}, "command": {command}}
			for k, v := range c.form {
				form[k] = v
			}
			resp, page := b.postFiles(c.path, form, c.files)
			assert.Equal(t, c.code, resp.StatusCode)
			assert.Contains(t, page, c.says)
			if c.field != "" {
				re := regexp.MustCompile(`name="` + regexp.QuoteMeta(c.field) + `"[^>]*>(?:<option[^<]*</option>)*(</select>)?</label>\s*<p class="field-error" role="alert">([^<]*)</p>`)
				m := re.FindStringSubmatch(page)
				require.NotNil(t, m, "the error is under the field %s", c.field)
				assert.Contains(t, m[2], c.says)
			}
			assert.Equal(t, before, f.lastSeq(t), "nothing stored")
		})
	}
	_, page = b.postFiles("/project/P-1/record", url.Values{"csrf": {csrf}, "command": {command}, "step": {"开工"}, "on": {"2026-11-31"}, "note": {"桩基"}}, nil)
	assert.Contains(t, page, `value="2026-11-31"`, "shown again as typed")
	assert.Contains(t, page, `value="桩基"`)

	// Writes a role may not make.
	viewer := f.signedIn(t, "viewer", "viewer password")
	_, vpage := viewer.get("/project/P-1")
	assert.NotContains(t, vpage, `action="/project/P-1/record"`, "a leader is offered no form")
	resp, _ := viewer.post("/project/P-1/investment", url.Values{"csrf": {hidden(t, vpage, "csrf")}, "command": {"c-1"}, "month": {"2026-10"}, "amount": {"1200万"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	resp, _ = b.post("/project/P-2/investment", url.Values{"csrf": {csrf}, "command": {"c-2"}, "month": {"2026-10"}, "amount": {"1200万"}})
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "another unit's project is not there")
	resp, _ = b.post("/project/P-1/decide", url.Values{"csrf": {csrf}, "command": {"c-3"}, "milestone": {"started"}, "decision": {"同意"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "a unit does not decide its own request")
	resp, _ = b.post("/project/P-1/investment", url.Values{"command": {"c-4"}, "month": {"2026-10"}, "amount": {"1200万"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "no form token")
	assert.Equal(t, before, f.lastSeq(t), "nothing stored")
}

func TestAUnitAsksForANewDeadlineAndTheOfficeDecides(t *testing.T) {
	f := newUnitFixture(t)
	b := f.signedIn(t, "unit_reporter", "unit_reporter password")
	_, page := b.get("/project/P-1")
	csrf, command := hidden(t, page, "csrf"), hidden(t, page, "command")

	resp, _ := b.post("/project/P-1/explain", url.Values{"csrf": {csrf}, "command": {command}, "milestone": {"started"}, "reason": {"用地指标未落实"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, _ = b.post("/project/P-1/revision", url.Values{"csrf": {csrf}, "command": {command}, "milestone": {"开工"}, "new_due": {"2027-03-31"}, "reason": {"用地交付推迟"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, _ = b.post("/project/P-1/investment", url.Values{"csrf": {csrf}, "command": {command}, "month": {"2026-10"}, "amount": {"1200万"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)

	p, err := f.qs.Project(context.Background(), "P-1")
	require.NoError(t, err)
	dl := p.Value.Deadlines[domain.MilestoneStarted]
	assert.Equal(t, day(t, "2026-06-30"), dl.Due, "the deadline waits for the office")
	require.NotNil(t, dl.Requested)
	assert.Equal(t, "unit_reporter", dl.Requested.By)
	assert.Equal(t, int64(12_000_000), p.Value.Investment["2026-10"])

	_, page = b.get("/project/P-1")
	assert.Contains(t, page, "待审定的期限调整申请")
	assert.NotContains(t, page, `action="/project/P-1/decide"`, "the unit is offered no decision")

	office := f.signedIn(t, "recorder", "recorder password")
	_, page = office.get("/inspection")
	assert.Contains(t, page, `<a href="/project/P-1#requests">P-1</a>`, "the 督查 page lists what waits")
	assert.Contains(t, page, "用地交付推迟")
	_, page = office.get("/project/P-1")
	require.Contains(t, page, `action="/project/P-1/decide"`)
	ocsrf := hidden(t, page, "csrf")
	ocommand := regexp.MustCompile(`name="command" value="([^"]+-started)"`).FindStringSubmatch(page)
	require.NotNil(t, ocommand)
	before := f.lastSeq(t)
	resp, page = office.post("/project/P-1/decide", url.Values{"csrf": {ocsrf}, "command": {ocommand[1]}, "milestone": {"started"}, "decision": {"驳回"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, page, "未说明驳回理由", "a refusal needs a note")
	assert.Equal(t, before, f.lastSeq(t))
	resp, _ = office.post("/project/P-1/decide", url.Values{"csrf": {ocsrf}, "command": {ocommand[1]}, "milestone": {"started"}, "decision": {"同意"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, before+2, f.lastSeq(t), "the decision and the revised deadline")

	p, err = f.qs.Project(context.Background(), "P-1")
	require.NoError(t, err)
	dl = p.Value.Deadlines[domain.MilestoneStarted]
	assert.Equal(t, day(t, "2027-03-31"), dl.Due)
	assert.Equal(t, day(t, "2026-06-30"), dl.Baseline, "the baseline is kept")
	assert.Nil(t, dl.Requested)
	_, page = b.get("/project/P-1")
	assert.Contains(t, page, "2027-03-31")
	assert.NotContains(t, page, "待审定的期限调整申请")
	_, page = office.get("/inspection")
	assert.NotContains(t, page, "待审定的期限调整申请", "nothing waits any more")
}

func TestAUnitWithoutProjectsSeesAnEmptyBoard(t *testing.T) {
	f := newUnitFixture(t)
	_, err := f.users.Add(context.Background(), "fgj", "发改局填报", access.UnitReporter, "fgj password", now, "县发改局")
	require.NoError(t, err)
	b := f.signedIn(t, "fgj", "fgj password")
	for _, path := range []string{"/", "/status", "/overdue"} {
		resp, page := b.get(path)
		assert.Equal(t, http.StatusOK, resp.StatusCode, path)
		assert.Contains(t, page, "县发改局 在台账中尚无项目", path)
		assert.NotContains(t, page, "P-1", path)
	}
}

func TestAUnitReporterFollowsOnlyItsUnitsMisses(t *testing.T) {
	f, srv := newUnitBoard(t)
	b := f.signedIn(t, "unit_reporter", "unit_reporter password")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.base+"/events", nil)
	require.NoError(t, err)
	resp, err := b.c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	require.Equal(t, ": connected", <-lines)
	srv.Hub().Publish(board.Miss{Sequence: 41, Project: "P-2", Milestone: domain.MilestoneSigned, Due: day(t, "2026-12-31"), Unit: "县商务局", Leader: "赵强"})
	srv.Hub().Publish(board.Miss{Sequence: 42, Project: "P-1", Milestone: domain.MilestoneStarted, Due: day(t, "2026-06-30"), Unit: "县工信局", Leader: "李明"})
	var data []string
	timeout := time.After(3 * time.Second)
	for len(data) < 1 {
		select {
		case l, ok := <-lines:
			require.True(t, ok)
			if strings.HasPrefix(l, "data: ") {
				data = append(data, l)
			}
		case <-timeout:
			t.Fatal("no miss within 3 s")
		}
	}
	assert.Contains(t, data[0], `data-seq="42"`, "its own unit's miss, and not the other's before it")
}

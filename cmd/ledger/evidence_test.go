package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/evidence"
)

// Files of evidence as a phone and a scanner make them, told by their
// first bytes.
var (
	testJPEG = append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, bytes.Repeat([]byte("site "), 200)...)
	testPDF  = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
)

// writeFile writes content to name in the test's folder and returns its
// path.
func writeFile(t *testing.T, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, content, 0o600))
	return path
}

// withBucket runs fn on the data folder's evidence bucket, through the
// object store's own API as another client would, with the ledger
// stopped.
func (c *cli) withBucket(fn func(obs jetstream.ObjectStore)) {
	c.t.Helper()
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: c.dir, DontListen: true})
	require.NoError(c.t, err)
	defer srv.Shutdown()
	nc, err := srv.Connect()
	require.NoError(c.t, err)
	defer nc.Close()
	js, err := jetstream.New(nc)
	require.NoError(c.t, err)
	obs, err := js.ObjectStore(context.Background(), "LEDGER_EVIDENCE")
	if err == jetstream.ErrBucketNotFound {
		fn(nil)
		return
	}
	require.NoError(c.t, err)
	fn(obs)
}

// objects lists the names of the objects in the evidence bucket.
func (c *cli) objects() []string {
	var names []string
	c.withBucket(func(obs jetstream.ObjectStore) {
		if obs == nil {
			return
		}
		list, err := obs.List(context.Background())
		if err == jetstream.ErrNoObjectsFound {
			return
		}
		require.NoError(c.t, err)
		for _, o := range list {
			names = append(names, o.Name)
		}
	})
	return names
}

// historyOf is project p's history as `history --json` prints it.
func (c *cli) historyOf(p string) []recordView {
	c.t.Helper()
	var views []struct {
		recordView
		Data json.RawMessage `json:"data"`
	}
	require.NoError(c.t, json.Unmarshal([]byte(c.ok("history", p, "--json")), &views))
	out := make([]recordView, len(views))
	for i, v := range views {
		out[i] = v.recordView
		out[i].Data = nil
	}
	return out
}

func registered(t *testing.T) *cli {
	c := newCLI(t)
	c.ok("project", "register", "P-1", "--name", "光伏", "--investment", "1亿", "--unit", "县工信局", "--leader", "李明", "--on", "2026-03-02")
	return c
}

func TestRecordWithEvidenceStoresTheFileAndItsDigest(t *testing.T) {
	c := registered(t)
	photo := writeFile(t, "工地.jpg", testJPEG)
	out := c.ok("record", "started", "P-1", "--on", "2026-04-01", "--evidence", photo)
	assert.Contains(t, out, "evidence_attached")

	h := c.historyOf("P-1")
	require.Len(t, h, 3)
	assert.Equal(t, domain.Started, h[1].Type)
	assert.Equal(t, domain.EvidenceAttached, h[2].Type)
	assert.Equal(t, []string{sha(testJPEG)}, c.objects())

	out = c.ok("verify", "P-1")
	assert.Contains(t, out, "verified 1 projects, 3 events")
	assert.Contains(t, out, "checked 1 evidence files: 0 missing or altered")
	assert.Contains(t, c.ok("verify", "--all", "--lang", "zh"), "已核对 1 个佐证材料：0 个缺失或被改动")

	// The same photo for a later step is stored once.
	c.ok("record", "completed", "P-1", "--on", "2026-10-01", "--evidence", photo)
	assert.Equal(t, []string{sha(testJPEG)}, c.objects())
	assert.Contains(t, c.ok("verify", "P-1"), "checked 2 evidence files: 0 missing or altered")
}

func sha(b []byte) string {
	f, err := evidence.Describe("x.jpg", bytes.NewReader(b))
	if err != nil {
		panic(err)
	}
	return f.SHA256
}

func TestEvidenceThatCannotBeStoredStoresNothing(t *testing.T) {
	c := registered(t)
	photo := writeFile(t, "ok.jpg", testJPEG)
	before := c.msgCount()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"missing", []string{"--evidence", filepath.Join(t.TempDir(), "nope.jpg")}, "nope.jpg: no such file or directory"},
		{"text", []string{"--evidence", photo, "--evidence", writeFile(t, "notes.txt", []byte("just text"))},
			"notes.txt is a text/plain; charset=utf-8 file; accepted are photos (JPEG, PNG, WebP), PDF, OFD, Word and Excel files"},
		{"empty", []string{"--evidence", writeFile(t, "empty.pdf", nil)}, "empty.pdf is empty"},
		{"too large", []string{"--evidence", writeFile(t, "huge.jpg", append(append([]byte{}, testJPEG...), make([]byte, domain.MaxEvidenceBytes)...))},
			"huge.jpg is larger than 25 MiB; a file of evidence may be at most 25 MiB"},
		{"twice", []string{"--evidence", photo, "--evidence", photo}, "ok.jpg is given twice"},
		{"refused step", []string{"--evidence", photo, "--on", "2099-01-01"}, "cannot record started for P-1"},
	} {
		args := append([]string{"record", "started", "P-1"}, tc.args...)
		code, _, errs := c.run(args...)
		assert.Equal(t, exitFailed, code, tc.name)
		assert.Contains(t, errs, tc.want, tc.name)
		assert.Equal(t, 1, strings.Count(strings.TrimSpace(errs), "\n")+1, "%s: one line: %s", tc.name, errs)
	}
	code, _, errs := c.run("--lang", "zh", "record", "started", "P-1", "--evidence", writeFile(t, "说明.txt", []byte("文字")))
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errs, "说明.txt 的类型是 text/plain; charset=utf-8；只接受照片（JPEG、PNG、WebP）、PDF、OFD、Word 和 Excel 文件")
	code, _, errs = c.run("--lang", "zh", "record", "started", "P-1", "--evidence", writeFile(t, "空.jpg", nil))
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errs, "空.jpg 是空文件")
	assert.Equal(t, before, c.msgCount(), "nothing stored in the stream")
	assert.Empty(t, c.objects(), "nothing stored in the evidence store")
}

func TestAttachAddsFilesToAnEventRecorded(t *testing.T) {
	c := registered(t)
	c.ok("record", "started", "P-1", "--on", "2026-04-01")
	started := c.historyOf("P-1")[1]
	scan := writeFile(t, "批复.pdf", testPDF)

	code, _, errs := c.run("attach", "P-1", "P-1-nosuchevent", scan)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errs, "P-1 has no event P-1-nosuchevent")
	code, _, errs = c.run("attach", "P-1", started.ID, writeFile(t, "a.txt", []byte("text")))
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errs, "a.txt is a text/plain")
	assert.Empty(t, c.objects())

	out := c.ok("attach", "P-1", started.ID, scan, "--on", "2026-04-02")
	assert.Contains(t, out, "evidence_attached")
	h := c.historyOf("P-1")
	require.Len(t, h, 3)
	assert.Equal(t, domain.EvidenceAttached, h[2].Type)
	assert.Equal(t, []string{sha(testPDF)}, c.objects())
	assert.Contains(t, c.ok("verify", "P-1"), "checked 1 evidence files: 0 missing or altered")
}

func TestVerifyNamesAReplacedAndADeletedFile(t *testing.T) {
	c := registered(t)
	photo := writeFile(t, "工地.jpg", testJPEG)
	scan := writeFile(t, "批复.pdf", testPDF)
	c.ok("record", "started", "P-1", "--on", "2026-04-01", "--evidence", photo, "--evidence", scan)
	listing := c.historyOf("P-1")[2]

	// Another client writes other bytes under the photo's name.
	c.withBucket(func(obs jetstream.ObjectStore) {
		_, err := obs.PutBytes(context.Background(), sha(testJPEG), []byte("\xFF\xD8\xFF other bytes"))
		require.NoError(t, err)
	})
	code, out, errs := c.run("verify", "P-1")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, out, "EVIDENCE project P-1, event "+listing.ID+": evidence 工地.jpg was altered: the event records 1011 bytes with SHA-256 "+sha(testJPEG)[:12]+", the store holds 15 bytes with SHA-256")
	assert.Contains(t, out, "verified 1 projects, 3 events")
	assert.Contains(t, out, "checked 2 evidence files: 1 missing or altered")
	assert.Contains(t, errs, "verification failed, 1 evidence file missing or altered; the first: project P-1, event "+listing.ID+": evidence 工地.jpg was altered")

	// And deletes the scan.
	c.withBucket(func(obs jetstream.ObjectStore) {
		require.NoError(t, obs.Delete(context.Background(), sha(testPDF)))
	})
	code, out, errs = c.run("verify", "--all", "--lang", "zh")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, out, "EVIDENCE 项目 P-1，记录 "+listing.ID+"：佐证材料 工地.jpg 已被改动")
	assert.Contains(t, out, "EVIDENCE 项目 P-1，记录 "+listing.ID+"：佐证材料 批复.pdf（SHA-256 "+sha(testPDF)[:12]+"）在佐证材料库中缺失")
	assert.Contains(t, out, "已核对 2 个佐证材料：2 个缺失或被改动")
	assert.Contains(t, errs, "校验未通过，2 个佐证材料缺失或被改动")

	code, out, _ = c.run("verify", "P-1", "--json")
	assert.Equal(t, exitFailed, code)
	var v struct {
		Evidence struct {
			Files    int `json:"files"`
			Problems []struct {
				Event   string              `json:"event"`
				File    domain.EvidenceFile `json:"file"`
				Missing bool                `json:"missing"`
			} `json:"problems"`
		} `json:"evidence"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &v))
	assert.Equal(t, 2, v.Evidence.Files)
	require.Len(t, v.Evidence.Problems, 2)
	assert.Equal(t, "批复.pdf", v.Evidence.Problems[1].File.Name)
	assert.True(t, v.Evidence.Problems[1].Missing)

	// Storing the photo again repairs it; the scan stays missing.
	c.ok("record", "completed", "P-1", "--on", "2026-10-01", "--evidence", photo)
	code, out, _ = c.run("verify", "P-1")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, out, "checked 3 evidence files: 1 missing or altered")
	assert.NotContains(t, out, "工地.jpg")
}

func TestVerifyWithoutEvidenceSaysNothingOfIt(t *testing.T) {
	c := registered(t)
	out := c.ok("verify", "P-1")
	assert.NotContains(t, out, "evidence")
	assert.NotContains(t, c.ok("verify", "P-1", "--json"), "evidence")
	assert.Empty(t, c.objects(), "verify creates no bucket")
}

func TestBundleWithEvidenceChecksAndATamperedFileIsCaught(t *testing.T) {
	c := registered(t)
	photo := writeFile(t, "工地.jpg", testJPEG)
	c.ok("record", "started", "P-1", "--on", "2026-04-01", "--evidence", photo, "--evidence", writeFile(t, "批复.pdf", testPDF))
	dir := t.TempDir()
	plain, with := filepath.Join(dir, "plain.json"), filepath.Join(dir, "with.json")

	out := c.ok("audit", "bundle", "P-1", "-o", plain)
	assert.Contains(t, out, "evidence: the events list 2 files, not in this bundle (ledger audit bundle --evidence includes them)")
	assert.Contains(t, c.ok("audit", "check-bundle", plain), "evidence: the events list 2 files, not in this bundle", "a bundle without files checks as before")

	out = c.ok("audit", "bundle", "P-1", "-o", with, "--evidence")
	assert.Contains(t, out, fmt.Sprintf("evidence: 2 files, %d bytes, each matching the SHA-256 and size its event records", len(testJPEG)+len(testPDF)))
	assert.Contains(t, c.ok("audit", "check-bundle", with), "verifies: project P-1, 3 events")
	assert.Contains(t, c.ok("audit", "check-bundle", with), "evidence: 2 files")

	// The photo's bytes changed in the file, its last line recomputed.
	data, err := os.ReadFile(with)
	require.NoError(t, err)
	body, _, _ := bytes.Cut(data, []byte("\nsha256:"))
	var b eventstore.Bundle
	require.NoError(t, json.Unmarshal(body, &b))
	b.Evidence[0].Content[20] ^= 1
	var buf bytes.Buffer
	require.NoError(t, eventstore.WriteBundle(&buf, b))
	require.NoError(t, os.WriteFile(with, buf.Bytes(), 0o600))
	code, _, errs := c.run("audit", "check-bundle", with)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errs, "evidence[0].content: 工地.jpg (event ")
	assert.Contains(t, errs, "the event records "+sha(testJPEG))

	// A bundle of a file the store lost is refused.
	c.withBucket(func(obs jetstream.ObjectStore) {
		require.NoError(t, obs.Delete(context.Background(), sha(testPDF)))
	})
	code, _, errs = c.run("audit", "bundle", "P-1", "-o", filepath.Join(dir, "lost.json"), "--evidence")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errs, "bundle P-1: evidence 批复.pdf (SHA-256 "+sha(testPDF))
	assert.Contains(t, errs, "evidence file not found")
}

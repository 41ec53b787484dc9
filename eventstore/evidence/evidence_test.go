package evidence_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/testday"
	"github.com/keyprojects/ledger/eventstore/evidence"
	"github.com/keyprojects/ledger/eventstore/storetest"
)

// A JPEG, PNG, WebP and PDF are told by their first bytes.
var (
	jpeg = append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, bytes.Repeat([]byte("site photo "), 50)...)
	png  = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1, 2, 3}, 40)...)
	webp = append([]byte("RIFF\x24\x00\x00\x00WEBPVP8 "), bytes.Repeat([]byte{7}, 40)...)
	pdf  = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
)

// zipOf is a ZIP archive holding files with the names given.
func zipOf(t testing.TB, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, n := range names {
		f, err := w.Create(n)
		require.NoError(t, err)
		_, err = f.Write([]byte("<x/>"))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	return b.Bytes()
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func open(t testing.TB) (*evidence.Store, *storetest.Env) {
	t.Helper()
	env := storetest.Start(t, testday.Clock(t))
	s, err := evidence.New(context.Background(), env.Store)
	require.NoError(t, err)
	return s, env
}

// messages is how many messages the evidence bucket's stream holds (0
// without a bucket).
func messages(t testing.TB, env *storetest.Env) uint64 {
	t.Helper()
	st, err := env.Store.JetStream().Stream(context.Background(), "OBJ_LEDGER_EVIDENCE")
	if err == jetstream.ErrStreamNotFound {
		return 0
	}
	require.NoError(t, err)
	info, err := st.Info(context.Background())
	require.NoError(t, err)
	return info.State.Msgs
}

func TestPutStoresTheFileUnderItsDigestOnce(t *testing.T) {
	ctx := context.Background()
	s, env := open(t)
	assert.Equal(t, "LEDGER_EVIDENCE", s.BucketName())

	f, err := s.Put(ctx, `C:\photos\工地.jpg`, bytes.NewReader(jpeg))
	require.NoError(t, err)
	assert.Equal(t, domain.EvidenceFile{Name: "工地.jpg", Type: "image/jpeg", Size: int64(len(jpeg)), SHA256: sum(jpeg)}, f)
	require.NoError(t, domain.CheckEvidence([]domain.EvidenceFile{f}))
	stored := messages(t, env)
	assert.Equal(t, uint64(2), stored, "one chunk and its meta")

	again, err := s.Put(ctx, "copy.jpg", bytes.NewReader(jpeg))
	require.NoError(t, err)
	assert.Equal(t, f.SHA256, again.SHA256)
	assert.Equal(t, "copy.jpg", again.Name, "the name is the upload's")
	assert.Equal(t, stored, messages(t, env), "the same bytes are stored once")

	rc, info, err := s.Open(ctx, f.SHA256)
	require.NoError(t, err)
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	assert.Equal(t, jpeg, got)
	assert.Equal(t, f, info, "as first stored")

	_, _, err = s.Open(ctx, sum(png))
	assert.ErrorIs(t, err, evidence.ErrNotFound)
}

func TestOpenWithoutABucketFindsNothing(t *testing.T) {
	s, env := open(t)
	_, _, err := s.Open(context.Background(), sum(jpeg))
	assert.ErrorIs(t, err, evidence.ErrNotFound)
	problems, err := s.Check(context.Background(), []evidence.Ref{{Project: "P-1", Event: "e1", File: domain.EvidenceFile{Name: "a.jpg", SHA256: sum(jpeg), Size: 3}}})
	require.NoError(t, err)
	require.Len(t, problems, 1)
	assert.True(t, problems[0].Missing)
	assert.Zero(t, messages(t, env), "reading creates no bucket")
}

func TestPutTellsTheTypeByTheContent(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	for _, c := range []struct {
		name    string
		content []byte
		want    string
	}{
		{"a.png", png, "image/png"},
		{"a.webp", webp, "image/webp"},
		{"scan", pdf, "application/pdf"},
		{"photo.png", jpeg, "image/jpeg"}, // the content wins over the extension
		{"合同", zipOf(t, "[Content_Types].xml", "word/document.xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"进度", zipOf(t, "[Content_Types].xml", "xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"批复.ofd", zipOf(t, "OFD.xml", "Doc_0/Document.xml"), "application/ofd"},
		{"x.ofd", zipOf(t, "other.xml"), "application/ofd"},
		{"old.doc", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, 1, 2, 3), "application/msword"},
		{"old.xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, 4, 5, 6), "application/vnd.ms-excel"},
	} {
		f, err := s.Put(ctx, c.name, bytes.NewReader(c.content))
		require.NoError(t, err, c.name)
		assert.Equal(t, c.want, f.Type, c.name)
	}
}

func TestPutRefusesWhatCannotBeEvidenceAndStoresNothing(t *testing.T) {
	ctx := context.Background()
	s, env := open(t)
	_, err := s.Put(ctx, "a.pdf", bytes.NewReader(pdf))
	require.NoError(t, err)
	before := messages(t, env)

	large := append(append([]byte{}, jpeg...), make([]byte, domain.MaxEvidenceBytes)...)
	for _, c := range []struct {
		name    string
		content []byte
		kind    error
		en, zh  string
	}{
		{"notes.txt", []byte("just some text"), evidence.ErrType, "notes.txt is a text/plain; charset=utf-8 file; accepted are", "只接受照片"},
		{"a.zip", zipOf(t, "readme.txt"), evidence.ErrType, "a.zip is a application/zip file", "a.zip 的类型是 application/zip"},
		{"empty.jpg", nil, evidence.ErrEmpty, "empty.jpg is empty", "empty.jpg 是空文件"},
		{"huge.jpg", large, evidence.ErrTooLarge, "huge.jpg is larger than 25 MiB", "huge.jpg 超过 25 MiB"},
		{"", jpeg, evidence.ErrName, "a file has no name", "文件缺少文件名"},
	} {
		_, err := s.Put(ctx, c.name, bytes.NewReader(c.content))
		require.Error(t, err, c.name)
		assert.ErrorIs(t, err, c.kind, c.name)
		assert.ErrorIs(t, err, domain.ErrInvalid, c.name)
		assert.Contains(t, err.Error(), c.en, c.name)
		assert.Contains(t, domain.Chinese(err), c.zh, c.name)
	}
	assert.Equal(t, before, messages(t, env), "nothing of a refused file remains")
}

func TestPutReadsNoMoreThanTheLimit(t *testing.T) {
	s, _ := open(t)
	r := &counting{r: io.MultiReader(bytes.NewReader(jpeg), strings.NewReader(strings.Repeat("x", 2*domain.MaxEvidenceBytes)))}
	_, err := s.Put(context.Background(), "big.jpg", r)
	assert.ErrorIs(t, err, evidence.ErrTooLarge)
	assert.Equal(t, int64(domain.MaxEvidenceBytes+1), r.n)
}

type counting struct {
	r io.Reader
	n int64
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// rawBucket is the evidence bucket through nats.go's object store API, as
// another client would write to it.
func rawBucket(t testing.TB, env *storetest.Env) jetstream.ObjectStore {
	t.Helper()
	js, err := jetstream.New(env.Connect(t))
	require.NoError(t, err)
	obs, err := js.ObjectStore(context.Background(), "LEDGER_EVIDENCE")
	require.NoError(t, err)
	return obs
}

package eventstore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/testday"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/evidence"
	"github.com/keyprojects/ledger/eventstore/storetest"
)

// bundleOf returns P-1's bundle file from the tamper environment: events
// at sequences 1, 2, 4, 5 and 7 of a stream that ends at 7.
func bundleOf(t *testing.T) []byte {
	return bundleFile(t, newTamperEnv(t))
}

func bundleFile(t *testing.T, te *tamperEnv) []byte {
	t.Helper()
	b, err := te.store.Bundle(context.Background(), "P-1")
	require.NoError(t, err)
	require.Len(t, b.Events, 5)
	assert.Equal(t, uint64(7), b.StreamLastSeq)
	var buf bytes.Buffer
	require.NoError(t, eventstore.WriteBundle(&buf, b))
	return buf.Bytes()
}

// parseBundle reads a bundle file's JSON as anyone can, without checking it.
func parseBundle(t *testing.T, data []byte) eventstore.Bundle {
	t.Helper()
	body, _, ok := bytes.Cut(data, []byte("\nsha256:"))
	require.True(t, ok)
	var b eventstore.Bundle
	require.NoError(t, json.Unmarshal(body, &b))
	return b
}

// writeForged writes b as a forger would: the file's last line recomputed.
func writeForged(t *testing.T, b eventstore.Bundle) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, eventstore.WriteBundle(&buf, b))
	return buf.Bytes()
}

// reseal rewrites b's seal from its fields as they now read, and its
// digest, as a forger who knows the format would.
func reseal(t *testing.T, b *eventstore.Bundle) {
	t.Helper()
	events := make([]map[string]any, len(b.Events))
	for i, e := range b.Events {
		events[i] = map[string]any{"sequence": e.Sequence, "hash": e.Hash}
	}
	enc, err := cbor.CoreDetEncOptions().EncMode()
	require.NoError(t, err)
	b.Seal, err = enc.Marshal(map[string]any{
		"format": b.Format, "project": string(b.Project), "stream": b.Stream, "subject_prefix": b.Subject,
		"created_at": b.CreatedAt.Format(time.RFC3339Nano), "stream_last_seq": b.StreamLastSeq,
		"event_count": b.EventCount, "last_hash": b.LastHash, "events": events,
	})
	require.NoError(t, err)
	redigest(b)
}

func redigest(b *eventstore.Bundle) {
	sum := sha256.Sum256(b.Seal)
	b.Digest = "sha256:" + hex.EncodeToString(sum[:])
}

func TestBundleRoundTripVerifiesOffline(t *testing.T) {
	data := bundleOf(t)
	b, v, err := eventstore.CheckBundle(data)
	require.NoError(t, err)
	assert.Equal(t, eventstore.Verification{Projects: 1, Events: 5}, v)
	assert.Equal(t, eventstore.BundleFormat, b.Format)
	assert.Equal(t, domain.ProjectID("P-1"), b.Project)
	assert.Equal(t, domain.Registered, b.Events[0].Type)
	assert.Contains(t, b.Events[3].Summary, "received 5,000,000 yuan")
	assert.Equal(t, []uint64{1, 2, 4, 5, 7}, []uint64{b.Events[0].Sequence, b.Events[1].Sequence, b.Events[2].Sequence,
		b.Events[3].Sequence, b.Events[4].Sequence})
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, b.Digest)

	// The test's forger seals exactly as the ledger does.
	forged := parseBundle(t, data)
	reseal(t, &forged)
	assert.Equal(t, b.Seal, forged.Seal)
}

func TestABundleWithAnyByteChangedFailsTheCheck(t *testing.T) {
	data := bundleOf(t)
	for _, at := range []int{0, 10, len(data) / 3, len(data) / 2, len(data) - 5} {
		t.Run(fmt.Sprintf("byte %d", at), func(t *testing.T) {
			changed := bytes.Clone(data)
			changed[at] ^= 0x01
			_, _, err := eventstore.CheckBundle(changed)
			require.ErrorIs(t, err, eventstore.ErrBundle)
		})
	}
}

// TestEveryFieldOfABundleIsBound edits one field a reader sees per row,
// then seals the file again as a forger would: its last line always; the
// seal and its digest too (reseal) where the field is one the events'
// bytes state, so that only those bytes can catch the edit. The check
// must fail in one line that names the field, and the event for an
// event's field.
func TestEveryFieldOfABundleIsBound(t *testing.T) {
	data := bundleOf(t)
	codec := eventstore.NewCodec()
	for _, row := range []struct {
		name   string
		edit   func(t *testing.T, b *eventstore.Bundle)
		reseal bool
		file   func(data []byte) []byte // an edit of the written file itself
		field  string
		event  int // -1: a field of the bundle
		says   string
	}{
		{name: "format", field: "format", event: -1, says: `the file says "ledger-audit-bundle/1", its seal says "ledger-audit-bundle/2"`,
			edit: func(_ *testing.T, b *eventstore.Bundle) { b.Format = eventstore.BundleFormatV1 }},
		{name: "format unknown", field: "format", event: -1, reseal: true, says: `the file says "ledger-audit-bundle/9"`,
			edit: func(_ *testing.T, b *eventstore.Bundle) { b.Format = "ledger-audit-bundle/9" }},
		{name: "project", field: "project", event: -1, reseal: true, says: `the file says "P-2", events[0]'s CBOR says "P-1"`,
			edit: func(_ *testing.T, b *eventstore.Bundle) { b.Project = "P-2" }},
		{name: "stream", field: "stream", event: -1, says: `the file says "LEDGER2", its seal says "LEDGER"`,
			edit: func(_ *testing.T, b *eventstore.Bundle) { b.Stream = "LEDGER2" }},
		{name: "subject_prefix", field: "subject_prefix", event: -1, says: `the file says "ledger2", its seal says "ledger"`,
			edit: func(_ *testing.T, b *eventstore.Bundle) {
				b.Subject = "ledger2"
				for i := range b.Events {
					b.Events[i].Subject = strings.Replace(b.Events[i].Subject, "ledger.", "ledger2.", 1)
				}
			}},
		{name: "created_at", field: "created_at", event: -1, says: `the file says "2026-11-26T02:00:00Z", its seal says "2026-11-27T02:00:00Z"`,
			edit: func(_ *testing.T, b *eventstore.Bundle) { b.CreatedAt = b.CreatedAt.Add(-24 * time.Hour) }},
		{name: "stream_last_seq", field: "stream_last_seq", event: -1, says: "the file says 9, its seal says 7",
			edit: func(_ *testing.T, b *eventstore.Bundle) { b.StreamLastSeq = 9 }},
		{name: "stream_last_seq before the last event", field: "stream_last_seq", event: -1, reseal: true,
			says: "the file says 6, but events[4] is at sequence 7 after it",
			edit: func(_ *testing.T, b *eventstore.Bundle) { b.StreamLastSeq = 6 }},
		{name: "event_count", field: "event_count", event: -1, reseal: true, says: "the file says 4, the list of events says 5",
			edit: func(_ *testing.T, b *eventstore.Bundle) { b.EventCount = 4 }},
		{name: "last_hash", field: "last_hash", event: -1, reseal: true, says: "the last event's CBOR says",
			edit: func(_ *testing.T, b *eventstore.Bundle) { b.LastHash = b.Events[3].Hash }},
		{name: "events: one removed", field: "events", event: 2, reseal: true, says: "link broken",
			edit: func(_ *testing.T, b *eventstore.Bundle) {
				b.Events = append(b.Events[:2:2], b.Events[3:]...)
				b.EventCount = len(b.Events)
			}},
		{name: "events: two swapped", field: "events", event: 2, reseal: true, says: "link broken",
			edit: func(_ *testing.T, b *eventstore.Bundle) {
				e := b.Events
				e[2], e[3] = e[3], e[2]
				e[2].Sequence, e[3].Sequence = e[3].Sequence, e[2].Sequence
			}},
		{name: "seal", field: "seal", event: -1, says: "not a bundle seal",
			edit: func(_ *testing.T, b *eventstore.Bundle) {
				b.Seal = []byte{0xa1, 0x61, 'x', 0x01} // {"x": 1}
				redigest(b)
			}},
		{name: "digest", field: "digest", event: -1, says: `the seal hashes to "sha256:`,
			edit: func(_ *testing.T, b *eventstore.Bundle) { b.Digest = "sha256:" + strings.Repeat("0", 64) }},
		{name: "sequence", field: "sequence", event: 3, says: "the file says 6, its seal says 5",
			edit: func(_ *testing.T, b *eventstore.Bundle) { b.Events[3].Sequence = 6 }},
		{name: "sequence not increasing", field: "sequence", event: 3, reseal: true, says: "the file says 4, not after the previous event's 4",
			edit: func(_ *testing.T, b *eventstore.Bundle) { b.Events[3].Sequence = 4 }},
		{name: "subject", field: "subject", event: 2, says: `the file says "ledger.P-1.started", its CBOR says "ledger.P-1.signed"`,
			edit: func(_ *testing.T, b *eventstore.Bundle) { b.Events[2].Subject = "ledger.P-1.started" }},
		{name: "type", field: "type", event: 2, says: `the file says "started", its CBOR says "signed"`,
			edit: func(_ *testing.T, b *eventstore.Bundle) { b.Events[2].Type = domain.Started }},
		{name: "summary: a due date", field: "summary", event: 1, says: `the file says "started due 2027-06-30", its CBOR says "started due 2027-01-31"`,
			edit: func(t *testing.T, b *eventstore.Bundle) {
				require.Equal(t, "started due 2027-01-31", b.Events[1].Summary)
				b.Events[1].Summary = "started due 2027-06-30"
			}},
		{name: "summary: an amount", field: "summary", event: 3, says: `its CBOR says "received 5,000,000 yuan`,
			edit: func(_ *testing.T, b *eventstore.Bundle) {
				b.Events[3].Summary = strings.Replace(b.Events[3].Summary, "5,000,000", "50,000,000", 1)
			}},
		{name: "hash", field: "hash", event: 2, reseal: true, says: "its CBOR says",
			edit: func(_ *testing.T, b *eventstore.Bundle) { b.Events[2].Hash = b.Events[1].Hash }},
		{name: "cbor", field: "cbor", event: 3, reseal: true, says: "content altered",
			edit: func(t *testing.T, b *eventstore.Bundle) {
				e, err := codec.Decode(b.Events[3].CBOR)
				require.NoError(t, err)
				e.Data = &domain.FundsReceivedData{Amount: 50_000_000}
				b.Events[3].CBOR, err = codec.Encode(e) // the hash it states kept
				require.NoError(t, err)
				b.Events[3].Summary = domain.Describe(e)
			}},
		{name: "a field the ledger does not write", field: "line 2", event: -1, says: `the file has "  \"note\": \"checked by the county\","`,
			file: func(data []byte) []byte {
				data = bytes.Replace(data, []byte("{\n"), []byte("{\n  \"note\": \"checked by the county\",\n"), 1)
				body, _, _ := bytes.Cut(data, []byte("\nsha256:"))
				sum := sha256.Sum256(body)
				return append(body, "\nsha256:"+hex.EncodeToString(sum[:])+"\n"...)
			}},
		{name: "last line", field: "last line", event: -1, says: "its last line says " + strings.Repeat("0", 64),
			file: func(data []byte) []byte {
				body, _, _ := bytes.Cut(data, []byte("\nsha256:"))
				return append(body, "\nsha256:"+strings.Repeat("0", 64)+"\n"...)
			}},
	} {
		t.Run(row.name, func(t *testing.T) {
			forged := data
			if row.edit != nil {
				b := parseBundle(t, data)
				row.edit(t, &b)
				if row.reseal {
					reseal(t, &b)
				}
				forged = writeForged(t, b)
			}
			if row.file != nil {
				forged = row.file(bytes.Clone(forged))
			}
			_, _, err := eventstore.CheckBundle(forged)
			require.ErrorIs(t, err, eventstore.ErrBundle)
			var fe *eventstore.BundleFieldError
			require.True(t, errors.As(err, &fe), "%v", err)
			assert.Equal(t, row.field, fe.Field, "%v", err)
			assert.Equal(t, row.event, fe.Event, "%v", err)
			assert.Contains(t, err.Error(), row.says)
			assert.NotContains(t, err.Error(), "\n")
			if row.event >= 0 {
				assert.Contains(t, err.Error(), fmt.Sprintf("events[%d] (sequence %d) %s: ", row.event, fe.Sequence, row.field))
			} else {
				assert.Contains(t, err.Error(), ": "+row.field+": ")
			}
		})
	}
}

func TestABundleReSealedAfterTamperingStillFails(t *testing.T) {
	data := bundleOf(t)
	b := parseBundle(t, data)
	codec := eventstore.NewCodec()
	e, err := codec.Decode(b.Events[3].CBOR)
	require.NoError(t, err)
	e.Data = &domain.FundsReceivedData{Amount: 50_000_000}
	b.Events[3].CBOR, err = codec.Encode(e) // same hash field, new content
	require.NoError(t, err)
	b.Events[3].Summary = domain.Describe(e)

	// The forger also recomputes the file's digest.
	_, v, err := eventstore.CheckBundle(writeForged(t, b))
	require.ErrorIs(t, err, eventstore.ErrBundle)
	require.Len(t, v.Breaks, 1)
	assert.Equal(t, uint64(5), v.Breaks[0].Sequence)
	assert.Contains(t, v.Breaks[0].Problem, "content altered")
}

func TestABundleCutShortWithoutRestatingItsEndFails(t *testing.T) {
	b := parseBundle(t, bundleOf(t))
	b.Events = b.Events[:3]
	_, _, err := eventstore.CheckBundle(writeForged(t, b))
	require.ErrorIs(t, err, eventstore.ErrBundle)
	assert.Contains(t, err.Error(), "events: the file lists 3 events, its seal 5")

	reseal(t, &b) // the seal agrees with the cut, the count does not
	_, _, err = eventstore.CheckBundle(writeForged(t, b))
	require.ErrorIs(t, err, eventstore.ErrBundle)
	assert.Contains(t, err.Error(), "event_count: the file says 5, the list of events says 3")

	b.EventCount = 3
	reseal(t, &b) // the last hash does not
	_, _, err = eventstore.CheckBundle(writeForged(t, b))
	require.ErrorIs(t, err, eventstore.ErrBundle)
	assert.Contains(t, err.Error(), "last_hash: the file says")
}

// TestABundleWhoseSealIsRewrittenVerifiesOfflineButNotAgainstTheStream
// states the limit of the seal: a forger who rewrites a claim no event
// states, the seal and both digests, is caught only by comparing with the
// live stream.
func TestABundleWhoseSealIsRewrittenVerifiesOfflineButNotAgainstTheStream(t *testing.T) {
	te := newTamperEnv(t)
	b := parseBundle(t, bundleFile(t, te))
	b.StreamLastSeq = 9
	reseal(t, &b)
	checked, _, err := eventstore.CheckBundle(writeForged(t, b))
	require.NoError(t, err)
	last, err := te.store.LastSequence(context.Background())
	require.NoError(t, err)
	assert.Greater(t, checked.StreamLastSeq, last, "a checkpoint the stream never reached")
}

func TestAVersion1BundleIsStillReadWithoutASeal(t *testing.T) {
	b := parseBundle(t, bundleOf(t))
	b.Format, b.Seal, b.Digest = eventstore.BundleFormatV1, nil, ""
	v1 := writeForged(t, b)
	assert.NotContains(t, string(v1), `"seal"`)
	checked, v, err := eventstore.CheckBundle(v1)
	require.NoError(t, err)
	assert.Equal(t, eventstore.BundleFormatV1, checked.Format)
	assert.Equal(t, 5, v.Events)

	// Its fields the events state are checked as in version 2.
	b.Events[1].Summary = "started due 2027-06-30"
	_, _, err = eventstore.CheckBundle(writeForged(t, b))
	assert.ErrorContains(t, err, "events[1] (sequence 2) summary: ")

	// The others only by the file's last line.
	edited := bytes.Replace(v1, []byte(`"stream_last_seq": 7`), []byte(`"stream_last_seq": 9`), 1)
	_, _, err = eventstore.CheckBundle(edited)
	assert.ErrorContains(t, err, "last line: the file's content hashes to")
}

// evidenceBundle is the bundle, with its files of evidence, of a project
// whose start was recorded with a photo and a scan.
func evidenceBundle(t *testing.T) (eventstore.Bundle, []byte, *evidence.Store) {
	t.Helper()
	ctx := context.Background()
	env := storetest.Start(t, testday.Clock(t))
	ev, err := evidence.New(ctx, env.Store)
	require.NoError(t, err)
	photo, err := ev.Put(ctx, "工地.jpg", bytes.NewReader(bundleJPEG))
	require.NoError(t, err)
	scan, err := ev.Put(ctx, "批复.pdf", bytes.NewReader(bundlePDF))
	require.NoError(t, err)
	day := testday.Today(t).AddDays(-30)
	_, err = env.Store.Execute(ctx, domain.RegisterProject{Meta: domain.Meta{Actor: "李明"}, Project: "P-1", Name: "光伏",
		TotalInvestment: 100_000_000, Unit: "县工信局", Leader: "李明", Kind: domain.KindNew, On: day})
	require.NoError(t, err)
	_, err = env.Store.Execute(ctx, domain.RecordStep{Meta: domain.Meta{Actor: "李明", Evidence: []domain.EvidenceFile{photo, scan}},
		Project: "P-1", Step: domain.Started, On: day.AddDays(1)})
	require.NoError(t, err)
	_, err = env.Store.Execute(ctx, domain.RecordStep{Meta: domain.Meta{Actor: "李明", Evidence: []domain.EvidenceFile{photo}},
		Project: "P-1", Step: domain.Completed, On: day.AddDays(2)})
	require.NoError(t, err)

	b, err := env.Store.Bundle(ctx, "P-1", eventstore.WithEvidence(openWith(ev)))
	require.NoError(t, err)
	return b, writeForged(t, b), ev
}

var (
	bundleJPEG = append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, bytes.Repeat([]byte("site "), 100)...)
	bundlePDF  = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
)

func openWith(ev *evidence.Store) eventstore.EvidenceOpener {
	return func(ctx context.Context, sha string) (io.ReadCloser, error) {
		rc, _, err := ev.Open(ctx, sha)
		return rc, err
	}
}

func TestABundleWithEvidenceHoldsEachFileOnceAndChecks(t *testing.T) {
	b, data, _ := evidenceBundle(t)
	assert.Equal(t, eventstore.BundleFormatEvidence, b.Format)
	require.Len(t, b.Evidence, 2, "the photo listed twice is in the bundle once")
	assert.Equal(t, bundleJPEG, b.Evidence[0].Content)
	assert.Equal(t, bundlePDF, b.Evidence[1].Content)
	assert.Equal(t, int64(len(bundlePDF)), b.Evidence[1].Size)

	checked, v, err := eventstore.CheckBundle(data)
	require.NoError(t, err)
	assert.Equal(t, 5, v.Events)
	assert.Len(t, checked.Evidence, 2)
}

func TestABundleWithoutEvidenceIsWrittenAsBefore(t *testing.T) {
	data := bundleOf(t)
	assert.NotContains(t, string(data), `"evidence"`)
	assert.Contains(t, string(data), `"format": "`+eventstore.BundleFormat+`"`)
}

func TestATamperedFileOfEvidenceInABundleIsCaught(t *testing.T) {
	b, _, _ := evidenceBundle(t)
	fileOf := func(b eventstore.Bundle) eventstore.Bundle {
		b.Evidence = append([]eventstore.BundleFile{}, b.Evidence...)
		return b
	}
	sum := func(b []byte) string {
		s := sha256.Sum256(b)
		return hex.EncodeToString(s[:])
	}
	other := append(append([]byte{}, bundleJPEG[:len(bundleJPEG)-5]...), "forge"...)
	var listing string // the id of the first evidence_attached event
	for _, e := range b.Events {
		if d, err := eventstore.NewCodec().Decode(e.CBOR); err == nil && d.Type == domain.EvidenceAttached && listing == "" {
			listing = d.ID
		}
	}

	// Other bytes of the same length, the file's last line recomputed.
	forged := fileOf(b)
	forged.Evidence[0].Content = other
	_, _, err := eventstore.CheckBundle(writeForged(t, forged))
	require.ErrorIs(t, err, eventstore.ErrBundle)
	assert.ErrorContains(t, err, "evidence[0].content: 工地.jpg (event "+listing+"): ")
	assert.ErrorContains(t, err, "the content hashes to "+sum(other)+", the event records "+sum(bundleJPEG))

	// Other bytes under their own digest, the seal rewritten to match.
	forged = fileOf(b)
	forged.Evidence[0] = eventstore.BundleFile{SHA256: sum(other), Size: int64(len(other)), Content: other}
	resealWithEvidence(t, &forged)
	_, _, err = eventstore.CheckBundle(writeForged(t, forged))
	assert.ErrorContains(t, err, "evidence[0].sha256: \""+sum(other)+"\": no event lists a file with this SHA-256")

	// A file left out, the seal rewritten.
	forged = fileOf(b)
	forged.Evidence = forged.Evidence[:1]
	resealWithEvidence(t, &forged)
	_, _, err = eventstore.CheckBundle(writeForged(t, forged))
	assert.ErrorContains(t, err, "evidence: 批复.pdf (SHA-256 "+sum(bundlePDF)+", event "+listing+")")
	assert.ErrorContains(t, err, "is listed by its event but not in the file")

	// A file left out, the seal not rewritten.
	forged = fileOf(b)
	forged.Evidence = forged.Evidence[1:]
	_, _, err = eventstore.CheckBundle(writeForged(t, forged))
	assert.ErrorContains(t, err, "evidence: the file holds 1 files of evidence, its seal 2")

	// Files put into a bundle of the earlier format.
	forged = fileOf(b)
	forged.Format = eventstore.BundleFormat
	resealWithEvidence(t, &forged)
	_, _, err = eventstore.CheckBundle(writeForged(t, forged))
	assert.ErrorContains(t, err, `evidence: the file holds 2 files of evidence, its format "ledger-audit-bundle/2" none`)
}

func TestABundleOfEvidenceTheStoreLostIsRefused(t *testing.T) {
	ctx := context.Background()
	env := storetest.Start(t, testday.Clock(t))
	day := testday.Today(t).AddDays(-3)
	missing := domain.EvidenceFile{Name: "lost.pdf", Type: "application/pdf", Size: 3, SHA256: strings.Repeat("ab", 32)}
	_, err := env.Store.Execute(ctx, domain.RegisterProject{Meta: domain.Meta{Actor: "李明", Evidence: []domain.EvidenceFile{missing}}, Project: "P-2", Name: "风电",
		TotalInvestment: 100_000_000, Unit: "县工信局", Leader: "李明", Kind: domain.KindNew, On: day})
	require.NoError(t, err)
	other, err := evidence.New(ctx, env.Store)
	require.NoError(t, err)
	_, err = env.Store.Bundle(ctx, "P-2", eventstore.WithEvidence(openWith(other)))
	require.ErrorIs(t, err, evidence.ErrNotFound)
	assert.ErrorContains(t, err, "bundle P-2: evidence lost.pdf (SHA-256 abababababab")

	b, err := env.Store.Bundle(ctx, "P-2")
	require.NoError(t, err, "without --evidence the bundle is the events alone")
	assert.Equal(t, eventstore.BundleFormat, b.Format)
}

// resealWithEvidence is reseal for a bundle with files of evidence.
func resealWithEvidence(t *testing.T, b *eventstore.Bundle) {
	t.Helper()
	events := make([]map[string]any, len(b.Events))
	for i, e := range b.Events {
		events[i] = map[string]any{"sequence": e.Sequence, "hash": e.Hash}
	}
	files := make([]map[string]any, len(b.Evidence))
	for i, f := range b.Evidence {
		files[i] = map[string]any{"sha256": f.SHA256, "size": f.Size}
	}
	enc, err := cbor.CoreDetEncOptions().EncMode()
	require.NoError(t, err)
	b.Seal, err = enc.Marshal(map[string]any{
		"format": b.Format, "project": string(b.Project), "stream": b.Stream, "subject_prefix": b.Subject,
		"created_at": b.CreatedAt.Format(time.RFC3339Nano), "stream_last_seq": b.StreamLastSeq,
		"event_count": b.EventCount, "last_hash": b.LastHash, "events": events, "evidence": files,
	})
	require.NoError(t, err)
	redigest(b)
}

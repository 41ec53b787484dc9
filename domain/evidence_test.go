package domain_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

func photo(name string, b byte) domain.EvidenceFile {
	return domain.EvidenceFile{Name: name, Type: "image/jpeg", Size: 1_234_567, SHA256: strings.Repeat(string("0123456789abcdef"[b%16])+"a", 32)}
}

func TestEvidenceComesWithItsStepInTheSameDecision(t *testing.T) {
	l := registered(t)
	cmd := rec(domain.Started, "2026-11-20")
	cmd.Evidence = []domain.EvidenceFile{photo("开工现场.jpg", 1), photo("开工仪式.jpg", 2)}
	evs := l.must(now, cmd)
	require.Len(t, evs, 2)
	assert.Equal(t, domain.Started, evs[0].Type)
	assert.Equal(t, domain.EvidenceAttached, evs[1].Type)
	att := evs[1].Data.(*domain.EvidenceAttachedData)
	assert.Equal(t, evs[0].ID, att.About, "the files document the step")
	assert.Equal(t, cmd.Evidence, att.Files)
	assert.Equal(t, evs[0].CommandID, evs[1].CommandID)
	assert.NotEqual(t, evs[0].ID, evs[1].ID)
	assert.Equal(t, evs[0].OccurredOn, evs[1].OccurredOn)
	require.Len(t, l.p.Evidence, 2)
	assert.Equal(t, evs[0].ID, l.p.Evidence[0].About)

	plain := rec(domain.Started, "2026-11-20")
	assert.NotEqual(t, domain.CommandKey(plain), domain.CommandKey(cmd), "the files are part of the command's key")
	again := rec(domain.Signed, "2026-11-19")
	assert.Equal(t, domain.CommandKey(again), domain.CommandKey(rec(domain.Signed, "2026-11-19")), "without files the key is as before")
}

func TestEvidenceAttachedLater(t *testing.T) {
	l := registered(t)
	step := l.must(now, rec(domain.Signed, "2026-11-19"))[0]
	evs := l.must(now, domain.AttachEvidence{Meta: meta, Project: pid, About: step.ID, Files: []domain.EvidenceFile{
		{Name: "投资协议.pdf", Type: "application/pdf", Size: 300_000, SHA256: strings.Repeat("cd", 32)}}})
	require.Len(t, evs, 1)
	assert.Equal(t, step.ID, evs[0].Data.(*domain.EvidenceAttachedData).About)
}

func TestEvidenceRefusals(t *testing.T) {
	good := photo("a.jpg", 1)
	with := func(files ...domain.EvidenceFile) domain.Command {
		c := rec(domain.Signed, "2026-11-19")
		c.Evidence = files
		return c
	}
	many := make([]domain.EvidenceFile, domain.MaxEvidenceFiles+1)
	for i := range many {
		many[i] = domain.EvidenceFile{Name: "p.jpg", Type: "image/jpeg", Size: 1, SHA256: strings.Repeat("0", 62) + string("0123456789abcdef"[i%16]) + string("0123456789abcdef"[i/16])}
	}
	for _, tc := range []struct {
		name string
		cmd  domain.Command
		want string
	}{
		{"an executable", with(domain.EvidenceFile{Name: "a.exe", Type: "application/x-msdownload", Size: 10, SHA256: good.SHA256}), "a.exe is a application/x-msdownload file"},
		{"too large", with(domain.EvidenceFile{Name: "big.pdf", Type: "application/pdf", Size: domain.MaxEvidenceBytes + 1, SHA256: good.SHA256}), "big.pdf is 25.0 MiB"},
		{"empty", with(domain.EvidenceFile{Name: "e.png", Type: "image/png", Size: 0, SHA256: good.SHA256}), "e.png is empty"},
		{"a path", with(domain.EvidenceFile{Name: "../etc/passwd.pdf", Type: "application/pdf", Size: 5, SHA256: good.SHA256}), "is not a plain name"},
		{"no name", with(domain.EvidenceFile{Type: "application/pdf", Size: 5, SHA256: good.SHA256}), "has no name"},
		{"bad digest", with(domain.EvidenceFile{Name: "a.pdf", Type: "application/pdf", Size: 5, SHA256: "XYZ"}), "is not a SHA-256"},
		{"upper-case digest", with(domain.EvidenceFile{Name: "a.pdf", Type: "application/pdf", Size: 5, SHA256: strings.ToUpper(good.SHA256)}), "is not a SHA-256"},
		{"twice", with(good, good), "a.jpg is given twice"},
		{"too many", with(many...), "21 files attached at once; at most 20"},
		{"attach without about", domain.AttachEvidence{Meta: meta, Project: pid, Files: []domain.EvidenceFile{good}}, "no event named"},
		{"attach nothing", domain.AttachEvidence{Meta: meta, Project: pid, About: "k-0"}, "no file given"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := registered(t)
			before := l.p.Version
			_, err := l.decide(now, tc.cmd)
			require.ErrorIs(t, err, domain.ErrInvalid)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotEqual(t, domain.Chinese(err), err.Error(), "said in Chinese too")
			assert.Equal(t, before, l.p.Version, "nothing stored")
		})
	}
	units := newLedger(t, domain.UnitRegisterID)
	_, err := units.decide(now, domain.RegisterUnit{Meta: domain.Meta{Actor: "office", Evidence: []domain.EvidenceFile{good}}, Name: "县发改局"})
	require.ErrorIs(t, err, domain.ErrInvalid, "the unit register takes no evidence")
}

package evidence_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/testday"
	"github.com/keyprojects/ledger/eventstore/evidence"
	"github.com/keyprojects/ledger/eventstore/storetest"
)

// recordWithEvidence registers P-1 and records its start with files.
func recordWithEvidence(t *testing.T, env *storetest.Env, files ...domain.EvidenceFile) {
	t.Helper()
	ctx := context.Background()
	day := testday.Today(t).AddDays(-30)
	_, err := env.Store.Execute(ctx, domain.RegisterProject{Meta: domain.Meta{Actor: "李明"}, Project: "P-1", Name: "光伏",
		TotalInvestment: 100_000_000, Unit: "县工信局", Leader: "李明", Kind: domain.KindNew, On: day})
	require.NoError(t, err)
	_, err = env.Store.Execute(ctx, domain.RecordStep{Meta: domain.Meta{Actor: "李明", Evidence: files}, Project: "P-1",
		Step: domain.Started, On: day.AddDays(1)})
	require.NoError(t, err)
}

func TestCheckNamesAReplacedAndADeletedFile(t *testing.T) {
	ctx := context.Background()
	s, env := open(t)
	photo, err := s.Put(ctx, "工地.jpg", bytes.NewReader(jpeg))
	require.NoError(t, err)
	scan, err := s.Put(ctx, "批复.pdf", bytes.NewReader(pdf))
	require.NoError(t, err)
	recordWithEvidence(t, env, photo, scan)

	refs, err := evidence.Listed(ctx, env.Store, "P-1")
	require.NoError(t, err)
	require.Len(t, refs, 2)
	assert.Equal(t, photo, refs[0].File)
	assert.Equal(t, domain.ProjectID("P-1"), refs[0].Project)
	assert.NotEmpty(t, refs[0].Event)
	assert.NotEqual(t, refs[0].Event, refs[0].About, "the event listing the file documents the step")
	all, err := evidence.Listed(ctx, env.Store, "")
	require.NoError(t, err)
	assert.Equal(t, refs, all)
	none, err := evidence.Listed(ctx, env.Store, "P-2")
	require.NoError(t, err)
	assert.Empty(t, none)

	problems, err := s.Check(ctx, refs)
	require.NoError(t, err)
	assert.Empty(t, problems, "as stored")

	// Another client replaces the photo's bytes under the same name and
	// deletes the scan, through the object store's own API.
	raw := rawBucket(t, env)
	_, err = raw.PutBytes(ctx, photo.SHA256, []byte("\xFF\xD8\xFFother bytes"))
	require.NoError(t, err)
	require.NoError(t, raw.Delete(ctx, scan.SHA256))

	problems, err = s.Check(ctx, refs)
	require.NoError(t, err)
	require.Len(t, problems, 2)
	assert.False(t, problems[0].Missing)
	assert.Equal(t, int64(14), problems[0].Size)
	assert.Contains(t, problems[0].Error(), "project P-1, event "+refs[0].Event+": evidence 工地.jpg was altered: the event records")
	assert.Contains(t, problems[0].Chinese(), "佐证材料 工地.jpg 已被改动")
	assert.True(t, problems[1].Missing)
	assert.Contains(t, problems[1].Error(), "evidence 批复.pdf (SHA-256 "+scan.SHA256[:12]+") is missing from the evidence store")
	assert.Contains(t, problems[1].Chinese(), "在佐证材料库中缺失")

	// Put again repairs the altered object.
	_, err = s.Put(ctx, "工地.jpg", bytes.NewReader(jpeg))
	require.NoError(t, err)
	problems, err = s.Check(ctx, refs)
	require.NoError(t, err)
	require.Len(t, problems, 1)
	assert.Equal(t, "批复.pdf", problems[0].File.Name)
}

package eventstore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

func bundleOf(t *testing.T) []byte {
	te := newTamperEnv(t)
	b, err := te.store.Bundle(context.Background(), "P-1")
	require.NoError(t, err)
	require.Len(t, b.Events, 5)
	assert.Equal(t, uint64(7), b.StreamLastSeq)
	var buf bytes.Buffer
	require.NoError(t, eventstore.WriteBundle(&buf, b))
	return buf.Bytes()
}

func TestBundleRoundTripVerifiesOffline(t *testing.T) {
	data := bundleOf(t)
	b, v, err := eventstore.CheckBundle(data)
	require.NoError(t, err)
	assert.Equal(t, eventstore.Verification{Projects: 1, Events: 5}, v)
	assert.Equal(t, domain.ProjectID("P-1"), b.Project)
	assert.Equal(t, domain.Registered, b.Events[0].Type)
	assert.Contains(t, b.Events[3].Summary, "received 5,000,000 yuan")
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

func TestABundleReSealedAfterTamperingStillFails(t *testing.T) {
	data := bundleOf(t)
	body, _, _ := bytes.Cut(data, []byte("\nsha256:"))
	var b eventstore.Bundle
	require.NoError(t, json.Unmarshal(body, &b))
	codec := eventstore.NewCodec()
	e, err := codec.Decode(b.Events[3].CBOR)
	require.NoError(t, err)
	e.Data = &domain.FundsReceivedData{Amount: 50_000_000}
	b.Events[3].CBOR, err = codec.Encode(e) // same hash field, new content
	require.NoError(t, err)

	// The forger also recomputes the file's digest.
	newBody, err := json.MarshalIndent(b, "", "  ")
	require.NoError(t, err)
	sum := sha256.Sum256(newBody)
	forged := append(append(newBody, "\nsha256:"...), hex.EncodeToString(sum[:])+"\n"...)
	_, v, err := eventstore.CheckBundle(forged)
	require.ErrorIs(t, err, eventstore.ErrBundle)
	require.Len(t, v.Breaks, 1)
	assert.Equal(t, uint64(5), v.Breaks[0].Sequence)
	assert.Contains(t, v.Breaks[0].Problem, "content altered")
}

func TestABundleCutShortWithoutRestatingItsEndFails(t *testing.T) {
	data := bundleOf(t)
	body, _, _ := bytes.Cut(data, []byte("\nsha256:"))
	var b eventstore.Bundle
	require.NoError(t, json.Unmarshal(body, &b))
	b.Events = b.Events[:3]
	newBody, err := json.MarshalIndent(b, "", "  ")
	require.NoError(t, err)
	sum := sha256.Sum256(newBody)
	_, _, err = eventstore.CheckBundle(append(append(newBody, "\nsha256:"...), hex.EncodeToString(sum[:])+"\n"...))
	require.ErrorIs(t, err, eventstore.ErrBundle)
	assert.Contains(t, err.Error(), "it lists 3 events but says it holds 5")
}

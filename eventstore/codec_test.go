package eventstore_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// samplePayloads has one filled payload of every event type.
func samplePayloads() map[domain.EventType]domain.Payload {
	d := domain.NewDate(2026, 11, 20)
	return map[domain.EventType]domain.Payload{
		domain.Registered:         &domain.RegisteredData{Name: "光伏组件项目", TotalInvestment: 1_200_000_000, Unit: "县工信局", Leader: "李明", Township: "城关镇", Kind: domain.KindNew, TimeZone: domain.DefaultTimeZone},
		domain.LeaderAssigned:     &domain.LeaderAssignedData{Leader: "张华", Previous: "李明", Reason: "job change"},
		domain.MilestonePlanned:   &domain.MilestonePlannedData{Milestone: domain.MilestoneStarted, Due: d},
		domain.DeadlineRevised:    &domain.DeadlineRevisedData{Milestone: domain.MilestoneStarted, From: d, Due: d.AddDays(30), Baseline: d, Reason: "land not delivered"},
		domain.Negotiating:        &domain.StepData{Step: domain.Negotiating, Note: "first talks"},
		domain.Signed:             &domain.StepData{Step: domain.Signed},
		domain.FundsReceived:      &domain.FundsReceivedData{Amount: 50_000_000, Note: "first tranche"},
		domain.Approved:           &domain.ApprovedData{Kind: domain.ApprovalEIA, Reference: "环审〔2026〕12号"},
		domain.Started:            &domain.StartedData{Flags: []domain.ComplianceFlag{domain.FlagStartedWithoutLand}},
		domain.Suspended:          &domain.SuspendedData{Reason: "flood", ExpectedRestart: d.AddDays(10)},
		domain.Resumed:            &domain.StepData{Step: domain.Resumed},
		domain.Completed:          &domain.StepData{Step: domain.Completed},
		domain.Commissioned:       &domain.StepData{Step: domain.Commissioned},
		domain.FullCapacity:       &domain.StepData{Step: domain.FullCapacity},
		domain.Terminated:         &domain.TerminatedData{Reason: "investor withdrew"},
		domain.InvestmentReported: &domain.InvestmentReportedData{Month: "2026-10", Amount: 30_000_000},
		domain.ProgressReported:   &domain.ProgressReportedData{Month: "2026-10", Text: "主体结构完成60%"},
		domain.InvestmentPlanned:  &domain.InvestmentPlannedData{Year: 2027, Amount: 200_000_000, Reason: "raised by the county plan"},
		domain.IssueRaised:        &domain.IssueRaisedData{IssueID: "I-1", Title: "power connection late"},
		domain.IssueResolved:      &domain.IssueResolvedData{IssueID: "I-1", Resolution: "grid company connected"},
		domain.DelayExplained:     &domain.DelayExplainedData{Milestone: domain.MilestoneStarted, Due: d, Reason: "rain"},
		domain.DeadlineMissed:     &domain.DeadlineMissedData{Milestone: domain.MilestoneStarted, Due: d, Unit: "县工信局", Leader: "李明", DetectedAt: time.Date(2026, 11, 20, 16, 0, 0, 1234, time.UTC)},
		domain.FactsCorrected: &domain.FactsCorrectedData{Reason: "typed from the wrong row", Changes: []domain.FactChange{
			{Field: domain.FactName, From: "光伏组件", To: "光伏组件生产线"},
			{Field: domain.FactTotalInvestment, FromYuan: 350_000_000, ToYuan: 380_000_000},
			{Field: domain.FactRegisteredOn, FromDate: d, ToDate: d.AddDays(-3)},
		}},
		domain.RecordCorrected:   &domain.RecordCorrectedData{Type: domain.FundsReceived, Tranche: 2, FromAmount: 5_000_000, ToAmount: 6_000_000, FromDate: d, ToDate: d.AddDays(-1), ToReference: "转账 0042", Reason: "voucher misread"},
		domain.UnitRegistered:    &domain.UnitRegisteredData{Name: "县发展和改革局", Kind: domain.NameUnit, Aliases: []string{"县发改局"}},
		domain.UnitAliasAdded:    &domain.UnitAliasAddedData{Name: "县发展和改革局", Alias: "县发改委"},
		domain.DeadlineWithdrawn: &domain.DeadlineWithdrawnData{Milestone: domain.MilestoneEIA, Due: d, Baseline: d, Reason: "no EIA needed for this scale"},
		domain.EvidenceAttached: &domain.EvidenceAttachedData{About: "abc-0", Files: []domain.EvidenceFile{
			{Name: "开工现场.jpg", Type: "image/jpeg", Size: 2_345_678, SHA256: strings.Repeat("ab", 32)},
		}},
		domain.RevisionRequested: &domain.RevisionRequestedData{Milestone: domain.MilestoneStarted, From: d, Due: d.AddDays(61), Reason: "用地未交付"},
		domain.RevisionDecided:   &domain.RevisionDecidedData{Milestone: domain.MilestoneStarted, Due: d.AddDays(61), Approved: true, Note: "同意"},
		domain.ReportPublished: &domain.ReportPublishedData{Report: "bulletin", Period: "2026-11", AsOf: d, Cut: time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC),
			Args:  [][]string{{"bulletin", "--period", "month", "--as-of", "2026-11-30", "--docx", "通报.docx"}},
			Files: []domain.EvidenceFile{{Name: "通报.docx", Type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Size: 20480, SHA256: strings.Repeat("cd", 32)}}},
		domain.Conceived: &domain.ConceivedData{Name: "新能源电池材料项目", ProposedBy: "新能源产业推进组", BodyKind: domain.BodyIndustryGroup, Industry: "制造业",
			PlannedInvestment: 800_000_000, TimeZone: domain.DefaultTimeZone},
		domain.Assessed:             &domain.AssessedData{Feasible: true, Conclusion: "市场前景好"},
		domain.Reserved:             &domain.ReservedData{Level: domain.LevelCity},
		domain.Packaged:             &domain.PackagedData{Purpose: domain.ForApplication, Note: "申报省重点项目"},
		domain.Converted:            &domain.ConvertedData{Year: 2027, List: domain.ListPreparatory},
		domain.Dropped:              &domain.DroppedData{Reason: "投资方放弃"},
		domain.ApplicationSubmitted: &domain.ApplicationSubmittedData{Application: "A-1", Level: domain.LevelProvince, Programme: "省级专项资金", Asked: 20_000_000},
		domain.ApplicationAnswered:  &domain.ApplicationAnsweredData{Application: "A-1", Approved: true, Granted: 15_000_000, Document: "财建〔2026〕88号"},
		domain.GrantReceived:        &domain.GrantReceivedData{Application: "A-1", Amount: 10_000_000, Reference: "转账 0042"},
	}
}

func TestCodecRoundTripOfEveryEventTypeIsByteStable(t *testing.T) {
	codec := eventstore.NewCodec()
	samples := samplePayloads()
	require.Len(t, samples, len(domain.EventTypes), "a sample for every event type")
	for _, typ := range domain.EventTypes {
		t.Run(string(typ), func(t *testing.T) {
			ev := domain.Event{
				ID: "abc-0", Project: "2010-220621-47-01-000034", Type: typ, Schema: domain.EventVersion(typ),
				OccurredOn: domain.NewDate(2026, 11, 20), RecordedAt: time.Date(2026, 11, 27, 2, 3, 4, 567_000_000, time.UTC),
				Actor: "重点办 clerk", CorrelationID: "import-7", CommandID: "abc", Data: samples[typ],
			}
			first, err := codec.Seal(&ev, eventstore.Genesis(ev.Project))
			require.NoError(t, err)

			encoded, err := codec.Encode(ev)
			require.NoError(t, err)
			assert.Equal(t, encoded, first, "sealing gives the bytes of encoding the sealed event")

			decoded, err := codec.Decode(first)
			require.NoError(t, err)
			assert.Equal(t, ev, decoded, "decodes to the same event")

			again, err := codec.Seal(&decoded, decoded.PrevHash)
			require.NoError(t, err)
			assert.Equal(t, first, again, "re-encoding gives the same bytes")
			assert.Equal(t, ev.Hash, decoded.Hash, "and the same hash")

			h, err := codec.Hash(decoded)
			require.NoError(t, err)
			assert.Equal(t, ev.Hash, h)
			assert.True(t, eventstore.SealedHashHolds(codec, first), "the sealed bytes hash to their hash without encoding again")
		})
	}
}

func TestCodecHashChangesWithAnyField(t *testing.T) {
	codec := eventstore.NewCodec()
	base := domain.Event{ID: "a-0", Project: "P-1", Type: domain.FundsReceived, Schema: 1, OccurredOn: domain.NewDate(2026, 1, 2),
		RecordedAt: testNow, Actor: "clerk", CommandID: "a", Data: &domain.FundsReceivedData{Amount: 100}}
	_, err := codec.Seal(&base, eventstore.Genesis("P-1"))
	require.NoError(t, err)

	altered := base
	altered.Data = &domain.FundsReceivedData{Amount: 1000}
	h, err := codec.Hash(altered)
	require.NoError(t, err)
	assert.NotEqual(t, base.Hash, h, "amount is covered")

	altered = base
	altered.OccurredOn = domain.NewDate(2026, 1, 1)
	h, err = codec.Hash(altered)
	require.NoError(t, err)
	assert.NotEqual(t, base.Hash, h, "business date is covered")

	altered = base
	altered.PrevHash = eventstore.Genesis("P-2")
	h, err = codec.Hash(altered)
	require.NoError(t, err)
	assert.NotEqual(t, base.Hash, h, "the link is covered")
}

func TestCodecRejectsWhatItCannotReadFaithfully(t *testing.T) {
	codec := eventstore.NewCodec()
	for name, data := range map[string][]byte{
		"not cbor":      []byte("hello"),
		"empty":         {},
		"cbor integer":  {0x01},
		"unknown field": {0xa1, 0x63, 'z', 'z', 'z', 0x01},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := codec.Decode(data)
			require.ErrorIs(t, err, eventstore.ErrUndecodable)
		})
	}
}

// Sealing inserts the hash into the encoding it hashed rather than
// encoding the event again; whatever the lengths of the event's texts, the
// bytes are those of encoding the sealed event.
func TestSealGivesTheBytesOfEncodingForAnyLengths(t *testing.T) {
	codec := eventstore.NewCodec()
	for _, n := range []int{0, 1, 20, 21, 22, 23, 24, 254, 255, 256, 70_000} {
		for _, correlation := range []string{"", "import-7"} {
			ev := domain.Event{
				ID: strings.Repeat("c", n) + "-0", Project: "P-1", Type: domain.IssueRaised, Schema: domain.EventVersion(domain.IssueRaised),
				OccurredOn: domain.NewDate(2026, 11, 20), RecordedAt: testNow, Actor: strings.Repeat("a", n),
				CorrelationID: correlation, CommandID: strings.Repeat("c", n),
				Data: &domain.IssueRaisedData{IssueID: "I-1", Title: strings.Repeat("t", n)},
			}
			sealed, err := codec.Seal(&ev, eventstore.Genesis(ev.Project))
			require.NoError(t, err)
			encoded, err := codec.Encode(ev)
			require.NoError(t, err)
			require.Equal(t, encoded, sealed, "id of %d bytes, correlation %q", len(ev.ID), correlation)
			h, err := codec.Hash(ev)
			require.NoError(t, err)
			require.Equal(t, ev.Hash, h)
			require.True(t, eventstore.SealedHashHolds(codec, sealed), "id of %d bytes, correlation %q", len(ev.ID), correlation)
		}
	}
}

// The verifier takes an event's stored bytes as sealed when they, the hash
// entry taken out, hash to the hash they state; no change to any single
// byte passes that check.
func TestNoAlteredByteHashesAsSealed(t *testing.T) {
	codec := eventstore.NewCodec()
	for _, typ := range domain.EventTypes {
		ev := domain.Event{
			ID: "abc-0", Project: "2010-220621-47-01-000034", Type: typ, Schema: domain.EventVersion(typ),
			OccurredOn: domain.NewDate(2026, 11, 20), RecordedAt: testNow, Actor: "重点办", CommandID: "abc", Data: samplePayloads()[typ],
		}
		sealed, err := codec.Seal(&ev, eventstore.Genesis(ev.Project))
		require.NoError(t, err)
		require.True(t, eventstore.SealedHashHolds(codec, sealed), typ)
		for i := range sealed {
			for _, flip := range []byte{0x01, 0x80} {
				altered := bytes.Clone(sealed)
				altered[i] ^= flip
				require.False(t, eventstore.SealedHashHolds(codec, altered), "%s: byte %d ^ %#x", typ, i, flip)
			}
		}
	}
}

package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

func planned(t *testing.T) *ledger {
	return registered(t, domain.PlanMilestone{Meta: meta, Project: pid, Milestone: domain.MilestoneStarted, Due: day("2026-12-31")})
}

func request(due, reason string) domain.RequestRevision {
	return domain.RequestRevision{Meta: domain.Meta{Actor: "能源局 reporter"}, Project: pid, Milestone: domain.MilestoneStarted, Due: day(due), Reason: reason}
}

func decideRevision(approve bool, note string) domain.DecideRevision {
	return domain.DecideRevision{Meta: meta, Project: pid, Milestone: domain.MilestoneStarted, Approve: approve, Note: note}
}

func TestARequestMovesTheDeadlineOnlyWhenApproved(t *testing.T) {
	l := planned(t)
	evs := l.must(now, request("2027-03-31", "land delivery slipped"))
	require.Len(t, evs, 1)
	assert.Equal(t, &domain.RevisionRequestedData{Milestone: domain.MilestoneStarted, From: day("2026-12-31"), Due: day("2027-03-31"), Reason: "land delivery slipped"}, evs[0].Data)
	dl := l.p.Deadlines[domain.MilestoneStarted]
	assert.Equal(t, day("2026-12-31"), dl.Due, "a request does not move the deadline")
	require.NotNil(t, dl.Requested)
	assert.Equal(t, "能源局 reporter", dl.Requested.By)

	evs = l.must(now, decideRevision(false, "settle the land first"))
	require.Len(t, evs, 1, "a refusal stores only the decision")
	assert.False(t, evs[0].Data.(*domain.RevisionDecidedData).Approved)
	assert.Equal(t, day("2026-12-31"), l.p.Deadlines[domain.MilestoneStarted].Due)
	assert.Nil(t, l.p.Deadlines[domain.MilestoneStarted].Requested)

	l.must(now, request("2027-04-30", "land now promised for April"))
	evs = l.must(now, decideRevision(true, ""))
	require.Len(t, evs, 2, "an approval stores the decision and the revision together")
	assert.Equal(t, domain.RevisionDecided, evs[0].Type)
	assert.Equal(t, &domain.DeadlineRevisedData{Milestone: domain.MilestoneStarted, From: day("2026-12-31"), Due: day("2027-04-30"),
		Baseline: day("2026-12-31"), Reason: "land now promised for April"}, evs[1].Data)
	assert.Equal(t, day("2027-04-30"), l.p.Deadlines[domain.MilestoneStarted].Due)
	assert.Nil(t, l.p.Deadlines[domain.MilestoneStarted].Requested)
	assert.Equal(t, "office", evs[1].Actor, "the office moves the deadline")
}

func TestRevisionRequestRefusals(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup []domain.Command
		cmd   domain.Command
		kind  error
		want  string
	}{
		{"not planned", nil, domain.RequestRevision{Meta: meta, Project: pid, Milestone: domain.MilestoneSigned, Due: day("2027-01-31"), Reason: "x"}, domain.ErrNotPlanned, "has no planned deadline"},
		{"no reason", nil, request("2027-03-31", " "), domain.ErrInvalid, "no reason given"},
		{"same date", nil, request("2026-12-31", "x"), domain.ErrNoChange, "already due on 2026-12-31"},
		{"one waits already", []domain.Command{request("2027-03-31", "x")}, request("2027-04-30", "y"), domain.ErrAlreadyExists, "waits for the office's decision"},
		{"reached", []domain.Command{rec(domain.Started, "2026-11-20")}, request("2027-03-31", "x"), domain.ErrDuplicateStep, "already reached"},
		{"nothing to decide", nil, decideRevision(true, ""), domain.ErrNotPlanned, "no new deadline of started is asked for"},
		{"refused without a note", []domain.Command{request("2027-03-31", "x")}, decideRevision(false, ""), domain.ErrInvalid, "no note given"},
		{"approved after the step was reached", []domain.Command{request("2027-03-31", "x"), rec(domain.Started, "2026-11-20")}, decideRevision(true, ""), domain.ErrDuplicateStep, "already reached"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := planned(t)
			l.must(now, tc.setup...)
			before := l.p.Version
			_, err := l.decide(now, tc.cmd)
			require.ErrorIs(t, err, tc.kind)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotEqual(t, err.Error(), domain.Chinese(err))
			assert.Equal(t, before, l.p.Version)
		})
	}
}

func TestParseDecision(t *testing.T) {
	for in, want := range map[string]bool{"approve": true, "同意": true, "批准": true, " Refuse ": false, "驳回": false, "不同意": false} {
		got, err := domain.ParseDecision(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := domain.ParseDecision("maybe")
	require.ErrorIs(t, err, domain.ErrInvalid)
	assert.Contains(t, domain.Chinese(err), "不是审定结果")
}

func TestPublicationsAreRecordedOncePerReportAndPeriod(t *testing.T) {
	l := newLedger(t, domain.PublicationsID)
	pub := domain.RecordPublication{Meta: meta, Report: "bulletin", Period: "2026-11", AsOf: day("2026-11-30"),
		Files: []domain.EvidenceFile{{Name: "通报.docx", Type: "application/octet-stream", Size: 99_000_000, SHA256: photo("x", 3).SHA256}}}
	evs := l.must(now, pub)
	require.Len(t, evs, 1)
	assert.Equal(t, domain.PublicationsID, evs[0].Project)
	assert.Equal(t, day("2026-11-27"), l.p.Published[domain.PublicationKey("bulletin", "2026-11")])
	other := pub
	other.Meta.CommandID = "another run"
	_, err := l.decide(now, other)
	require.ErrorIs(t, err, domain.ErrAlreadyExists)
	assert.Contains(t, domain.Chinese(err), "已于 2026-11-27 发布")

	pub.Period = "2026-12"
	pub.Files = nil
	_, err = l.decide(now, pub)
	require.ErrorIs(t, err, domain.ErrInvalid)

	_, err = domain.Decide(domain.NewProject(domain.PublicationsID), domain.RegisterProject{Meta: meta, Project: domain.PublicationsID, Name: "x",
		TotalInvestment: 1, Unit: "u", Leader: "l"}, now)
	require.ErrorIs(t, err, domain.ErrInvalid, "no project under the publications' history")
}

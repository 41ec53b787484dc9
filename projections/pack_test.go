package projections

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

// A row set aside and taken back is the same row: it stores as the same
// JSON, times with their nanoseconds and zones, dates, maps and all.
func TestPackedRowsComeBackTheSame(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	now := time.Date(2026, 11, 27, 10, 11, 12, 123456789, shanghai)
	p := domain.NewProject("B-1")
	reg := domain.RegisterProject{Meta: domain.Meta{Actor: "重点办"}, Project: "B-1", Name: "变电站", TotalInvestment: 100_000_000,
		Unit: "县发改局", Leader: "李明", Kind: domain.KindNew, On: domain.NewDate(2026, 1, 10)}
	for i, m := range domain.Milestones[:8] {
		reg.Plan = append(reg.Plan, domain.PlannedDeadline{Milestone: m, Due: domain.NewDate(2027, 1, 1+i)})
	}
	cmds := []domain.Command{reg,
		domain.ReviseDeadline{Meta: domain.Meta{Actor: "clerk"}, Project: "B-1", Milestone: domain.Milestones[0], Due: domain.NewDate(2027, 3, 1), Reason: "land", On: domain.NewDate(2026, 2, 1), ConfirmOrder: true},
		domain.RecordStep{Meta: domain.Meta{Actor: "clerk"}, Project: "B-1", Step: domain.FundsReceived, Amount: 5_000_000, Reference: "转账 1", On: domain.NewDate(2026, 3, 1)},
		domain.RecordStep{Meta: domain.Meta{Actor: "clerk"}, Project: "B-1", Step: domain.Approved, Approval: domain.ApprovalEIA, Reference: "环审 1", On: domain.NewDate(2026, 3, 2)},
		domain.CorrectFacts{Meta: domain.Meta{Actor: "clerk"}, Project: "B-1", Industry: "电力", NationalCode: "2411-130202-89-01-637015", Reason: "from the platform"},
		domain.ReportInvestment{Meta: domain.Meta{Actor: "clerk"}, Project: "B-1", Month: "2026-10", Amount: 1_234_567},
	}
	for i := range 3 {
		cmds = append(cmds, domain.RaiseIssue{Meta: domain.Meta{Actor: "clerk"}, Project: "B-1", IssueID: fmt.Sprintf("I-%d", i), Title: "征地", On: domain.NewDate(2026, 11, 1)})
	}
	for _, c := range cmds {
		evs, err := domain.Decide(p, c, now)
		require.NoError(t, err, "%T", c)
		for _, e := range evs {
			domain.Evolve(&p, e)
		}
	}
	row := &Row{Project: p, LastSeq: 12345, LastHash: []byte{1, 2, 3}}
	want, err := EncodeRow(row)
	require.NoError(t, err)

	k := newPacker()
	packed, err := k.pack(row)
	require.NoError(t, err)
	back, err := k.unpack(row.ID, packed)
	require.NoError(t, err)
	got, err := EncodeRow(back)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))
	require.Less(t, len(packed), len(want), "packed smaller than stored")
}

// A packer reuses its buffers: rows packed and unpacked one after another
// by the same packer keep their own bytes.
func TestPackerReusesNoRowsBytes(t *testing.T) {
	k := newPacker()
	var rows []*Row
	var packed [][]byte
	for i := range 3 {
		p := domain.ProjectID(fmt.Sprintf("B-%d", i))
		row := NewRow(p)
		row.Name = fmt.Sprintf("project %d %s", i, strings.Repeat("x", (2-i)*100)) // largest first: later rows fit in the buffers
		row.LastHash = []byte{byte(i), 2, 3}
		row.Unit = fmt.Sprintf("unit-%d", i)
		rows = append(rows, row)
		data, err := k.pack(row)
		require.NoError(t, err)
		packed = append(packed, data)
	}
	var back []*Row
	for i, data := range packed {
		row, err := k.unpack(rows[i].ID, data)
		require.NoError(t, err)
		back = append(back, row)
	}
	for i := range rows {
		want, err := EncodeRow(rows[i])
		require.NoError(t, err)
		got, err := EncodeRow(back[i])
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), "row %d", i)
	}
}

package eventstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

// BenchmarkLoad reads one project's history (ten events, on three
// subjects) among 200 projects: the read every command decides on when
// the project is not cached.
func BenchmarkLoad(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	const projects = 200
	for p := range projects {
		id := domain.ProjectID(fmt.Sprintf("X-%d", p))
		cmd := register(id)
		cmd.Plan = []domain.PlannedDeadline{{Milestone: domain.MilestoneStarted, Due: domain.NewDate(2027, 1, 1)}}
		_, err := e.store.Execute(ctx, cmd)
		require.NoError(b, err)
		for i := range 8 {
			_, err := e.store.Execute(ctx, domain.RaiseIssue{Meta: domain.Meta{Actor: "bench"}, Project: id, IssueID: fmt.Sprintf("I-%d", i), Title: "t"})
			require.NoError(b, err)
		}
	}
	i := 0
	for b.Loop() {
		recs, _, err := e.store.Load(ctx, domain.ProjectID(fmt.Sprintf("X-%d", i%projects)))
		if err != nil || len(recs) != 10 {
			b.Fatal(err, len(recs))
		}
		i++
	}
}

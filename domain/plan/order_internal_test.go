package plan

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

// TestPlanOrderIsTheDomains: the import finds a plan backwards exactly
// when the domain refuses it, pair by pair, so the problems it lists are
// the refusals the store would give.
func TestPlanOrderIsTheDomains(t *testing.T) {
	now := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	for _, first := range domain.Milestones {
		for _, then := range domain.Milestones {
			if first == then {
				continue
			}
			reg := domain.RegisterProject{
				Meta: domain.Meta{Actor: "clerk"}, Project: "P-1", Name: "plant", TotalInvestment: 1, Unit: "bureau", Leader: "Li",
				On: domain.NewDate(2026, 1, 5),
				Plan: []domain.PlannedDeadline{
					{Milestone: first, Due: domain.NewDate(2026, 6, 30)},
					{Milestone: then, Due: domain.NewDate(2026, 6, 1)},
				},
			}
			_, err := domain.Decide(domain.NewProject("P-1"), reg, now)
			refused := errors.Is(err, domain.ErrOutOfOrder)
			if !refused {
				require.NoError(t, err)
			}
			plan := map[domain.Milestone]planned{first: {reg.Plan[0].Due, true}, then: {reg.Plan[1].Due, true}}
			assert.Equal(t, refused, len(backwards(plan)) > 0, "%s due after %s", first, then)
			assert.Equal(t, refused, slices.Contains(domain.PlanOrder(), [2]domain.Milestone{first, then}), "%s due after %s", first, then)
		}
	}
}

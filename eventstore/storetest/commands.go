package storetest

import (
	"fmt"
	"math/rand/v2"

	"github.com/keyprojects/ledger/domain"
)

// Units and Leaders are the responsible units and leaders Commands picks
// from.
var (
	Units   = []string{"县工信局", "县商务局", "县住建局", "县农业农村局", "城关镇"}
	Leaders = []string{"李明", "王芳", "赵强", "陈静", "刘洋", "张伟"}
)

// Commands makes plausible random commands for tests that fill a ledger:
// registrations with random plans, then steps, approvals, deadlines,
// issues and investment in any order a clerk might send them, some of
// which a project's state refuses. The same source gives the same
// commands.
type Commands struct {
	rng *rand.Rand
	// lifecycle adds planned investment, suspensions, resumptions,
	// terminations and recorded misses to the mix.
	lifecycle bool
}

// NewCommands returns a generator drawing from rng; lifecycle adds the
// commands that change a project's course (suspend, resume, terminate,
// record a miss) and annual plans.
func NewCommands(rng *rand.Rand, lifecycle bool) *Commands {
	return &Commands{rng: rng, lifecycle: lifecycle}
}

func (c *Commands) pick(options []string) string { return options[c.rng.IntN(len(options))] }

// date is a random day from 2025-01-01 up to 2026-11-27.
func (c *Commands) date() domain.Date { return domain.NewDate(2025, 1, 1).AddDays(c.rng.IntN(696)) }

func (c *Commands) meta(commandID string) domain.Meta {
	return domain.Meta{Actor: c.pick(Leaders), CommandID: commandID}
}

// Register returns a registration of p with a plan of up to four
// deadlines.
func (c *Commands) Register(commandID string, p domain.ProjectID) domain.RegisterProject {
	plan := []domain.PlannedDeadline{}
	for _, ms := range []domain.Milestone{domain.MilestoneSigned, domain.MilestoneEIA, domain.MilestoneStarted, domain.MilestoneCommissioned} {
		if c.rng.IntN(2) == 0 {
			plan = append(plan, domain.PlannedDeadline{Milestone: ms, Due: domain.NewDate(2025, 3, 1).AddDays(c.rng.IntN(900))})
		}
	}
	return domain.RegisterProject{Meta: c.meta(commandID), Project: p, Name: "项目 " + string(p), TotalInvestment: int64(1+c.rng.IntN(500)) * 1_000_000,
		Unit: c.pick(Units), Leader: c.pick(Leaders), Kind: domain.KindNew, On: domain.NewDate(2025, 1, 1).AddDays(c.rng.IntN(60)), Plan: plan,
		ConfirmOrder: true}
}

// Step returns a command other than a registration for p, whose state as
// the caller knows it is st.
func (c *Commands) Step(commandID string, p domain.ProjectID, st *domain.Project) domain.Command {
	m := c.meta(commandID)
	ms := domain.Milestones[c.rng.IntN(len(domain.Milestones))]
	kinds := 12 // the last three draws are plain steps
	if c.lifecycle {
		kinds = 15
	}
	switch c.rng.IntN(kinds) {
	case 0:
		return domain.PlanMilestone{Meta: m, Project: p, Milestone: ms, Due: domain.NewDate(2025, 3, 1).AddDays(c.rng.IntN(900)), On: c.date(), ConfirmOrder: true}
	case 1:
		return domain.ReviseDeadline{Meta: m, Project: p, Milestone: ms, Due: domain.NewDate(2025, 6, 1).AddDays(c.rng.IntN(900)), Reason: "moved", On: c.date(), ConfirmOrder: true}
	case 2:
		return domain.AssignLeader{Meta: m, Project: p, Leader: c.pick(Leaders), On: c.date()}
	case 3:
		month := domain.Month(fmt.Sprintf("%d-%02d", 2025+c.rng.IntN(2), 1+c.rng.IntN(11)))
		return domain.ReportInvestment{Meta: m, Project: p, Month: month, Amount: int64(c.rng.IntN(50)) * 100_000, Reason: "corrected", On: c.date()}
	case 4:
		return domain.RaiseIssue{Meta: m, Project: p, IssueID: fmt.Sprintf("I-%d", c.rng.IntN(6)), Title: "land", On: c.date()}
	case 5:
		return domain.ResolveIssue{Meta: m, Project: p, IssueID: fmt.Sprintf("I-%d", c.rng.IntN(6)), Resolution: "done", On: c.date()}
	case 6:
		return domain.ExplainDelay{Meta: m, Project: p, Milestone: ms, Reason: "rain", On: c.date()}
	case 7:
		return domain.RecordStep{Meta: m, Project: p, Step: domain.Approved, Approval: domain.ApprovalKinds[c.rng.IntN(len(domain.ApprovalKinds))], On: c.date()}
	case 8:
		return domain.RecordStep{Meta: m, Project: p, Step: domain.FundsReceived, Amount: int64(1+c.rng.IntN(100)) * 100_000, On: c.date()}
	case 12:
		return domain.PlanInvestment{Meta: m, Project: p, Year: 2025 + c.rng.IntN(2), Amount: int64(1+c.rng.IntN(90)) * 1_000_000, Reason: "replanned", On: c.date()}
	case 13:
		if dl := st.Deadlines[ms]; dl != nil {
			return domain.RecordDeadlineMissed{Meta: m, Project: p, Milestone: ms, Due: dl.Due}
		}
		return domain.PlanMilestone{Meta: m, Project: p, Milestone: ms, Due: c.date(), On: c.date(), ConfirmOrder: true}
	case 14:
		if c.rng.IntN(40) == 0 {
			return domain.RecordStep{Meta: m, Project: p, Step: domain.Terminated, Reason: "dropped", On: c.date()}
		}
		if st.Suspended {
			return domain.RecordStep{Meta: m, Project: p, Step: domain.Resumed, On: c.date()}
		}
		return domain.RecordStep{Meta: m, Project: p, Step: domain.Suspended, Reason: "weather", On: c.date()}
	default:
		steps := []domain.EventType{domain.Negotiating, domain.Signed, domain.Started, domain.Completed, domain.Commissioned, domain.FullCapacity}
		return domain.RecordStep{Meta: m, Project: p, Step: steps[c.rng.IntN(len(steps))], On: c.date(), ConfirmOrder: true}
	}
}

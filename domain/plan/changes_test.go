package plan_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/plan"
)

var (
	// now is the instant every import is checked at: 27 November 2026,
	// 10:00 in Shanghai.
	now   = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	today = domain.NewDate(2026, 11, 27)
	meta  = domain.Meta{Actor: "重点办", CorrelationID: "import-0123456789ab"}
	opts  = plan.Options{Actor: meta.Actor, CorrelationID: meta.CorrelationID, On: today, Now: now}
)

// decide folds commands into p at now, as the event store would.
func decide(t testing.TB, p domain.Project, cmds ...domain.Command) domain.Project {
	t.Helper()
	for _, c := range cmds {
		events, err := domain.Decide(p, c, now)
		require.NoError(t, err, c.Action())
		for _, e := range events {
			domain.Evolve(&p, e)
		}
	}
	return p
}

var office = domain.Meta{Actor: "重点办"}

// registration is P-1 as d.row("P-1") says it, registered in January.
func registration(d dialect) domain.RegisterProject {
	return domain.RegisterProject{
		Meta: office, Project: "P-1", Name: d.nameText, TotalInvestment: 350_000_000, Unit: d.unitText,
		Leader: "李明", Kind: domain.KindNew, On: date("2026-01-05"),
		Plan: []domain.PlannedDeadline{
			{Milestone: domain.MilestoneSigned, Due: date("2026-03-31")},
			{Milestone: domain.MilestoneStarted, Due: date("2026-07-31")},
		},
	}
}

// onlyRow reads a one-row plan and returns its row.
func onlyRow(t testing.TB, header, cells []string) plan.Row {
	t.Helper()
	rows, ps := plan.Rows(sheetOf(t, header, cells))
	require.Empty(t, texts(ps))
	require.Len(t, rows, 1)
	return rows[0]
}

func stateJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestDiff(t *testing.T) {
	type state func(t *testing.T, d dialect) domain.Project
	unregistered := func(*testing.T, dialect) domain.Project { return domain.Project{} }
	registered := func(extra ...domain.Command) state {
		return func(t *testing.T, d dialect) domain.Project {
			return decide(t, domain.NewProject("P-1"), append([]domain.Command{registration(d)}, extra...)...)
		}
	}
	registeredAs := func(change func(*domain.RegisterProject), extra ...domain.Command) state {
		return func(t *testing.T, d dialect) domain.Project {
			reg := registration(d)
			change(&reg)
			return decide(t, domain.NewProject("P-1"), append([]domain.Command{reg}, extra...)...)
		}
	}
	step := func(s domain.EventType, on string) domain.RecordStep {
		return domain.RecordStep{Meta: office, Project: "P-1", Step: s, On: date(on)}
	}
	moveStarted := func(d dialect) ([]string, []string) { return d.header(), with(d.row("P-1"), colStarted, "2026-09-30") }
	revise := func(reason string) domain.Command {
		return domain.ReviseDeadline{Meta: meta, Project: "P-1", Milestone: domain.MilestoneStarted, Due: date("2026-09-30"), Reason: reason, On: today}
	}
	withdraw := func(m domain.Milestone, reason string) domain.WithdrawDeadline {
		return domain.WithdrawDeadline{Meta: meta, Project: "P-1", Milestone: m, Reason: reason, On: today}
	}
	reviseTo := func(m domain.Milestone, due, reason string, confirm bool) domain.Command {
		return domain.ReviseDeadline{Meta: meta, Project: "P-1", Milestone: m, Due: date(due), Reason: reason, On: today, ConfirmOrder: confirm}
	}
	// planned registers P-1 with signed and started due on the days given.
	planned := func(signed, started string, confirm bool) state {
		return registeredAs(func(r *domain.RegisterProject) {
			r.Plan = []domain.PlannedDeadline{
				{Milestone: domain.MilestoneSigned, Due: date(signed)}, {Milestone: domain.MilestoneStarted, Due: date(started)},
			}
			r.ConfirmOrder = confirm
		})
	}
	withReason := func(cells ...string) func(d dialect) ([]string, []string) {
		return func(d dialect) ([]string, []string) {
			return append(d.header(), d.reason), append(with(with(d.row("P-1"), colSigned, cells[0]), colStarted, cells[1]), cells[2])
		}
	}
	withWithdrawal := func(o *plan.Options) { o.WithdrawCleared = true }
	withConfirm := func(o *plan.Options) { o.ConfirmOrder = true }
	facts := func(industry, code string) func(d dialect) ([]string, []string) {
		return func(d dialect) ([]string, []string) {
			return append(d.header(), d.industry, d.code), append(d.row("P-1"), industry, code)
		}
	}
	const (
		differs     = "; expected the registered value (ledger correct facts changes it, with a reason)"
		defaultWhy  = "计划表 plan.csv 中已清空"
		backwards   = "started due 2026-02-28 is before signed due 2026-03-31"
		confirmHint = "; expected started on or after signed, or --confirm-order to store the plan as it is"
	)

	cases := []struct {
		name     string
		state    state
		file     func(d dialect) (header, cells []string)
		opts     func(o *plan.Options)
		want     []domain.Command          // when no problems are expected
		lines    []string                  // when no problems are expected
		cleared  []domain.WithdrawDeadline // when no problems are expected
		problems func(d dialect) []string
	}{
		{
			name:  "unregistered: one registration with the plan",
			state: unregistered,
			file:  func(d dialect) ([]string, []string) { return d.header(), d.row("P-1") },
			want: []domain.Command{domain.RegisterProject{
				Meta: meta, Project: "P-1", Name: "%name", TotalInvestment: 350_000_000, Unit: "%unit", Leader: "李明",
				Kind: domain.KindNew, On: today,
				Plan: []domain.PlannedDeadline{
					{Milestone: domain.MilestoneSigned, Due: date("2026-03-31")},
					{Milestone: domain.MilestoneStarted, Due: date("2026-07-31")},
				},
			}},
			lines: []string{"register %name, 350,000,000 yuan, unit %unit, leader 李明, new; deadlines: signed 2026-03-31, started 2026-07-31"},
		},
		{
			name:  "unregistered without deadlines, continuing, in a township",
			state: unregistered,
			file: func(d dialect) ([]string, []string) {
				h := append(d.header()[:colSigned], d.township)
				return h, append(with(d.row("P-1"), colKind, d.kindContinuing)[:colSigned], "城关镇")
			},
			want: []domain.Command{domain.RegisterProject{
				Meta: meta, Project: "P-1", Name: "%name", TotalInvestment: 350_000_000, Unit: "%unit", Leader: "李明",
				Township: "城关镇", Kind: domain.KindContinuing, On: today,
			}},
			lines: []string{"register %name, 350,000,000 yuan, unit %unit, leader 李明, continuing; deadlines: none"},
		},
		{
			name:  "the same data: nothing to store",
			state: registered(),
			file:  func(d dialect) ([]string, []string) { return d.header(), d.row("P-1") },
		},
		{
			name:    "a cleared deadline cell: listed, and left alone without --withdraw-cleared",
			state:   registered(),
			file:    func(d dialect) ([]string, []string) { return d.header(), with(d.row("P-1"), colSigned, "") },
			lines:   []string{"withdraw signed deadline 2026-03-31 (cell cleared): applied only with --withdraw-cleared"},
			cleared: []domain.WithdrawDeadline{withdraw(domain.MilestoneSigned, defaultWhy)},
		},
		{
			name:    "a cleared deadline cell withdrawn with --withdraw-cleared",
			state:   registered(),
			file:    func(d dialect) ([]string, []string) { return d.header(), with(d.row("P-1"), colSigned, "") },
			opts:    withWithdrawal,
			want:    []domain.Command{withdraw(domain.MilestoneSigned, defaultWhy)},
			lines:   []string{"withdraw signed deadline 2026-03-31 (cell cleared): " + defaultWhy},
			cleared: []domain.WithdrawDeadline{withdraw(domain.MilestoneSigned, defaultWhy)},
		},
		{
			name:  "a cleared deadline cell withdrawn for the --reason",
			state: registered(),
			file:  func(d dialect) ([]string, []string) { return d.header(), with(d.row("P-1"), colSigned, "") },
			opts: func(o *plan.Options) {
				o.WithdrawCleared, o.Reason = true, "招商方式调整, 不再签约"
			},
			want:    []domain.Command{withdraw(domain.MilestoneSigned, "招商方式调整, 不再签约")},
			lines:   []string{"withdraw signed deadline 2026-03-31 (cell cleared): 招商方式调整, 不再签约"},
			cleared: []domain.WithdrawDeadline{withdraw(domain.MilestoneSigned, "招商方式调整, 不再签约")},
		},
		{
			name:  "a cleared cell of a reached milestone keeps its deadline",
			state: registered(step(domain.Signed, "2026-03-20")),
			file:  func(d dialect) ([]string, []string) { return d.header(), with(d.row("P-1"), colSigned, "") },
			opts:  withWithdrawal,
			lines: []string{"signed deadline 2026-03-31 kept: reached on 2026-03-20 (cell cleared)"},
		},
		{
			name:  "a deadline whose column the file does not have stays as it is",
			state: registered(),
			file: func(d dialect) ([]string, []string) {
				return without(d.header(), colSigned), without(d.row("P-1"), colSigned)
			},
			opts: withWithdrawal,
		},
		{
			name:  "an empty cell of a milestone the ledger has not planned",
			state: registered(),
			file: func(d dialect) ([]string, []string) {
				return append(d.header(), d.completed), append(d.row("P-1"), "")
			},
			opts: withWithdrawal,
		},
		{
			name:  "a new project whose deadlines run backwards",
			state: unregistered,
			file:  func(d dialect) ([]string, []string) { return d.header(), with(d.row("P-1"), colStarted, "2026-02-28") },
			problems: func(d dialect) []string {
				return []string{"plan.csv: row 2, column " + d.started + ": " + backwards + confirmHint}
			},
		},
		{
			name:  "a new project whose deadlines run backwards, with --confirm-order",
			state: unregistered,
			file:  func(d dialect) ([]string, []string) { return d.header(), with(d.row("P-1"), colStarted, "2026-02-28") },
			opts:  withConfirm,
			want: []domain.Command{domain.RegisterProject{
				Meta: meta, Project: "P-1", Name: "%name", TotalInvestment: 350_000_000, Unit: "%unit", Leader: "李明",
				Kind: domain.KindNew, On: today, ConfirmOrder: true,
				Plan: []domain.PlannedDeadline{
					{Milestone: domain.MilestoneSigned, Due: date("2026-03-31")},
					{Milestone: domain.MilestoneStarted, Due: date("2026-02-28")},
				},
			}},
			lines: []string{
				"register %name, 350,000,000 yuan, unit %unit, leader 李明, new; deadlines: signed 2026-03-31, started 2026-02-28",
				backwards + ": stored as confirmed (--confirm-order)",
			},
		},
		{
			name:  "a deadline moved before the node it follows",
			state: registered(),
			file:  withReason("2026-03-31", "2026-02-28", "提前开工"),
			problems: func(d dialect) []string {
				return []string{"plan.csv: row 2, column " + d.started + ": " + backwards + confirmHint}
			},
		},
		{
			name:  "a deadline moved before the node it follows, with --confirm-order",
			state: registered(),
			file:  withReason("2026-03-31", "2026-02-28", "提前开工"),
			opts:  withConfirm,
			want:  []domain.Command{reviseTo(domain.MilestoneStarted, "2026-02-28", "提前开工", true)},
			lines: []string{
				"started: 2026-07-31 -> 2026-02-28 (baseline 2026-07-31): 提前开工",
				backwards + ": stored as confirmed (--confirm-order)",
			},
		},
		{
			name:  "--confirm-order leaves a row in order unconfirmed",
			state: registered(),
			file:  moveStarted,
			opts:  func(o *plan.Options) { o.ConfirmOrder, o.Reason = true, "资金未到位" },
			want:  []domain.Command{revise("资金未到位")},
			lines: []string{"started: 2026-07-31 -> 2026-09-30 (baseline 2026-07-31): 资金未到位"},
		},
		{
			name:  "a deadline moved before a cleared one the ledger keeps",
			state: registered(),
			file:  withReason("", "2026-02-28", "提前开工"),
			problems: func(d dialect) []string {
				return []string{"plan.csv: row 2, column " + d.started + ": started due 2026-02-28 is before signed due 2026-03-31 (as the ledger has it)" + confirmHint}
			},
		},
		{
			name:  "a deadline moved before a cleared one that is withdrawn",
			state: registered(),
			file:  withReason("", "2026-02-28", "提前开工"),
			opts:  withWithdrawal,
			want: []domain.Command{
				withdraw(domain.MilestoneSigned, "提前开工"),
				reviseTo(domain.MilestoneStarted, "2026-02-28", "提前开工", false),
			},
			lines: []string{
				"withdraw signed deadline 2026-03-31 (cell cleared): 提前开工",
				"started: 2026-07-31 -> 2026-02-28 (baseline 2026-07-31): 提前开工",
			},
			cleared: []domain.WithdrawDeadline{withdraw(domain.MilestoneSigned, "提前开工")},
		},
		{
			name:  "two deadlines moved later: the later node moves first",
			state: registered(),
			file:  withReason("2026-08-31", "2026-10-31", "土地未摘牌"),
			want: []domain.Command{
				reviseTo(domain.MilestoneStarted, "2026-10-31", "土地未摘牌", false),
				reviseTo(domain.MilestoneSigned, "2026-08-31", "土地未摘牌", false),
			},
			lines: []string{
				"signed: 2026-03-31 -> 2026-08-31 (baseline 2026-03-31): 土地未摘牌",
				"started: 2026-07-31 -> 2026-10-31 (baseline 2026-07-31): 土地未摘牌",
			},
		},
		{
			name:  "two deadlines moved earlier: the earlier node moves first",
			state: planned("2026-03-31", "2026-04-30", false),
			file:  withReason("2026-01-31", "2026-03-15", "提前"),
			want: []domain.Command{
				reviseTo(domain.MilestoneSigned, "2026-01-31", "提前", false),
				reviseTo(domain.MilestoneStarted, "2026-03-15", "提前", false),
			},
			lines: []string{
				"signed: 2026-03-31 -> 2026-01-31 (baseline 2026-03-31): 提前",
				"started: 2026-04-30 -> 2026-03-15 (baseline 2026-04-30): 提前",
			},
		},
		{
			name:  "a stored plan out of order put back in order",
			state: planned("2026-05-31", "2026-04-30", true),
			file:  withReason("2026-05-10", "2026-05-20", "重排"),
			want: []domain.Command{
				reviseTo(domain.MilestoneStarted, "2026-05-20", "重排", true),
				reviseTo(domain.MilestoneSigned, "2026-05-10", "重排", true),
			},
			lines: []string{
				"signed: 2026-05-31 -> 2026-05-10 (baseline 2026-05-31): 重排",
				"started: 2026-04-30 -> 2026-05-20 (baseline 2026-04-30): 重排",
				"deadlines put back in the order of the nodes",
			},
		},
		{
			name:  "a new project's industry and national code",
			state: unregistered,
			file:  facts("制造业", "2611-361102-38-01-000017"),
			want: []domain.Command{domain.RegisterProject{
				Meta: meta, Project: "P-1", Name: "%name", TotalInvestment: 350_000_000, Unit: "%unit", Leader: "李明",
				Kind: domain.KindNew, On: today, Industry: "制造业", NationalCode: "2611-361102-38-01-000017",
				Plan: []domain.PlannedDeadline{
					{Milestone: domain.MilestoneSigned, Due: date("2026-03-31")},
					{Milestone: domain.MilestoneStarted, Due: date("2026-07-31")},
				},
			}},
			lines: []string{"register %name, 350,000,000 yuan, unit %unit, leader 李明, new, industry 制造业, national code 2611-361102-38-01-000017; deadlines: signed 2026-03-31, started 2026-07-31"},
		},
		{
			name:  "industry and national code of a project registered without them",
			state: registered(),
			file:  facts("制造业", "2611-361102-38-01-000017"),
			lines: []string{
				"industry 制造业 not recorded: an import records it for new projects only",
				"national code 2611-361102-38-01-000017 not recorded: an import records it for new projects only",
			},
		},
		{
			name: "the registered industry and national code",
			state: registeredAs(func(r *domain.RegisterProject) {
				r.Industry, r.NationalCode = "制造业", "2611-361102-38-01-000017"
			}),
			file: facts("制造业", "2611-361102-38-01-000017"),
		},
		{
			name: "empty industry and national code cells say nothing",
			state: registeredAs(func(r *domain.RegisterProject) {
				r.Industry, r.NationalCode = "制造业", "2611-361102-38-01-000017"
			}),
			file: facts("", ""),
		},
		{
			name: "a changed industry and national code",
			state: registeredAs(func(r *domain.RegisterProject) {
				r.Industry, r.NationalCode = "制造业", "2611-361102-38-01-000017"
			}),
			file: facts("物流", "2611-361102-38-01-000018"),
			problems: func(d dialect) []string {
				return []string{
					"plan.csv: row 2, column " + d.industry + ": '物流' differs from the ledger's '制造业'" + differs,
					"plan.csv: row 2, column " + d.code + ": '2611-361102-38-01-000018' differs from the ledger's '2611-361102-38-01-000017'" + differs,
				}
			},
		},
		{
			name:  "a deadline moved without a reason",
			state: registered(),
			file:  moveStarted,
			problems: func(d dialect) []string {
				return []string{"plan.csv: row 2, column " + d.started + ": deadline moved from 2026-07-31 to 2026-09-30 without a reason; expected a 调整原因/reason cell or --reason"}
			},
		},
		{
			name:  "a deadline moved with a reason cell",
			state: registered(),
			file: func(d dialect) ([]string, []string) {
				return append(d.header(), d.reason), append(with(d.row("P-1"), colStarted, "2026-09-30"), "土地未摘牌")
			},
			opts:  func(o *plan.Options) { o.Reason = "--reason loses to the cell" },
			want:  []domain.Command{revise("土地未摘牌")},
			lines: []string{"started: 2026-07-31 -> 2026-09-30 (baseline 2026-07-31): 土地未摘牌"},
		},
		{
			name:  "a deadline moved with --reason",
			state: registered(),
			file: func(d dialect) ([]string, []string) {
				return append(d.header(), d.reason), append(with(d.row("P-1"), colStarted, "2026-09-30"), "")
			},
			opts:  func(o *plan.Options) { o.Reason = "环评批复延后" },
			want:  []domain.Command{revise("环评批复延后")},
			lines: []string{"started: 2026-07-31 -> 2026-09-30 (baseline 2026-07-31): 环评批复延后"},
		},
		{
			name: "a deadline moved again keeps its baseline",
			state: registered(domain.ReviseDeadline{
				Meta: office, Project: "P-1", Milestone: domain.MilestoneStarted, Due: date("2026-08-31"), Reason: "设计变更", On: date("2026-06-01"),
			}),
			file:  moveStarted,
			opts:  func(o *plan.Options) { o.Reason = "资金未到位" },
			want:  []domain.Command{revise("资金未到位")},
			lines: []string{"started: 2026-08-31 -> 2026-09-30 (baseline 2026-07-31): 资金未到位"},
		},
		{
			name:  "a changed leader",
			state: registered(),
			file:  func(d dialect) ([]string, []string) { return d.header(), with(d.row("P-1"), colLeader, "张伟") },
			want: []domain.Command{domain.AssignLeader{
				Meta: meta, Project: "P-1", Leader: "张伟", Reason: "计划表中调整", On: today,
			}},
			lines: []string{"leader 李明 -> 张伟"},
		},
		{
			name:  "a changed leader with a reason",
			state: registered(),
			file:  func(d dialect) ([]string, []string) { return d.header(), with(d.row("P-1"), colLeader, "张伟") },
			opts:  func(o *plan.Options) { o.Reason = "干部调整" },
			want: []domain.Command{domain.AssignLeader{
				Meta: meta, Project: "P-1", Leader: "张伟", Reason: "干部调整", On: today,
			}},
			lines: []string{"leader 李明 -> 张伟"},
		},
		{
			name:  "a new deadline column",
			state: registered(),
			file: func(d dialect) ([]string, []string) {
				return append(d.header(), d.completed), append(d.row("P-1"), "2027-03-31")
			},
			want: []domain.Command{domain.PlanMilestone{
				Meta: meta, Project: "P-1", Milestone: domain.MilestoneCompleted, Due: date("2027-03-31"), On: today,
			}},
			lines: []string{"completed: plan 2027-03-31"},
		},
		{
			name:  "leader, moved and new deadlines together, in plan order",
			state: registered(),
			file: func(d dialect) ([]string, []string) {
				return append(d.header(), d.completed, d.reason),
					append(with(with(d.row("P-1"), colLeader, "张伟"), colStarted, "2026-09-30"), "2027-03-31", "土地未摘牌")
			},
			want: []domain.Command{
				domain.AssignLeader{Meta: meta, Project: "P-1", Leader: "张伟", Reason: "土地未摘牌", On: today},
				revise("土地未摘牌"),
				domain.PlanMilestone{Meta: meta, Project: "P-1", Milestone: domain.MilestoneCompleted, Due: date("2027-03-31"), On: today},
			},
			lines: []string{
				"leader 李明 -> 张伟",
				"started: 2026-07-31 -> 2026-09-30 (baseline 2026-07-31): 土地未摘牌",
				"completed: plan 2027-03-31",
			},
		},
		{
			name:  "a changed name",
			state: registered(),
			file:  func(d dialect) ([]string, []string) { return d.header(), with(d.row("P-1"), colName, "二期") },
			problems: func(d dialect) []string {
				return []string{"plan.csv: row 2, column " + d.name + ": '二期' differs from the ledger's '" + d.nameText + "'" + differs}
			},
		},
		{
			name:  "a changed unit",
			state: registered(),
			file:  func(d dialect) ([]string, []string) { return d.header(), with(d.row("P-1"), colUnit, "县发改局") },
			problems: func(d dialect) []string {
				return []string{"plan.csv: row 2, column " + d.unit + ": '县发改局' differs from the ledger's '" + d.unitText + "'" + differs}
			},
		},
		{
			name:  "a changed investment in 10k yuan",
			state: registered(),
			file:  func(d dialect) ([]string, []string) { return d.header(), with(d.row("P-1"), colWan, "36000") },
			problems: func(d dialect) []string {
				return []string{"plan.csv: row 2, column " + d.wan + ": '360,000,000 yuan' differs from the ledger's '350,000,000 yuan'" + differs}
			},
		},
		{
			name:  "a changed investment in yuan",
			state: registered(),
			file: func(d dialect) ([]string, []string) {
				return with(d.header(), colWan, d.yuan), with(d.row("P-1"), colWan, "350000001")
			},
			problems: func(d dialect) []string {
				return []string{"plan.csv: row 2, column " + d.yuan + ": '350,000,001 yuan' differs from the ledger's '350,000,000 yuan'" + differs}
			},
		},
		{
			name:  "the same investment in yuan",
			state: registered(),
			file: func(d dialect) ([]string, []string) {
				return with(d.header(), colWan, d.yuan), with(d.row("P-1"), colWan, "350,000,000")
			},
		},
		{
			name:  "a changed kind",
			state: registered(),
			file:  func(d dialect) ([]string, []string) { return d.header(), with(d.row("P-1"), colKind, d.kindContinuing) },
			problems: func(d dialect) []string {
				return []string{"plan.csv: row 2, column " + d.kind + ": 'continuing' differs from the ledger's 'new'" + differs}
			},
		},
		{
			name:  "no kind column says nothing about a continuing project",
			state: registeredAs(func(r *domain.RegisterProject) { r.Kind = domain.KindContinuing }),
			file: func(d dialect) ([]string, []string) {
				return without(d.header(), colKind), without(d.row("P-1"), colKind)
			},
		},
		{
			name:  "an empty kind cell says nothing about a continuing project",
			state: registeredAs(func(r *domain.RegisterProject) { r.Kind = domain.KindContinuing }),
			file:  func(d dialect) ([]string, []string) { return d.header(), with(d.row("P-1"), colKind, "") },
		},
		{
			name:  "a changed township",
			state: registeredAs(func(r *domain.RegisterProject) { r.Township = "城关镇" }),
			file: func(d dialect) ([]string, []string) {
				return append(d.header(), d.township), append(d.row("P-1"), "东山镇")
			},
			problems: func(d dialect) []string {
				return []string{"plan.csv: row 2, column " + d.township + ": '东山镇' differs from the ledger's '城关镇'" + differs}
			},
		},
		{
			name:  "an empty township cell says nothing",
			state: registeredAs(func(r *domain.RegisterProject) { r.Township = "城关镇" }),
			file: func(d dialect) ([]string, []string) {
				return append(d.header(), d.township), append(d.row("P-1"), "")
			},
		},
		{
			name:  "a reached milestone's deadline moved",
			state: registered(step(domain.Signed, "2026-03-20")),
			file: func(d dialect) ([]string, []string) {
				return append(d.header(), d.reason), append(with(d.row("P-1"), colSigned, "2026-04-30"), "补录")
			},
			problems: func(d dialect) []string {
				return []string{"plan.csv: row 2, column " + d.signed + ": '2026-04-30' differs from the deadline 2026-03-31, but signed was reached on 2026-03-20; expected 2026-03-31 (a reached milestone keeps its deadline)"}
			},
		},
		{
			name:  "a reached milestone's deadline unchanged",
			state: registered(step(domain.Signed, "2026-04-02")),
			file:  func(d dialect) ([]string, []string) { return d.header(), d.row("P-1") },
		},
		{
			name:  "a milestone reached without a plan is not planned afterwards",
			state: registeredAs(func(r *domain.RegisterProject) { r.Plan = r.Plan[1:] }, step(domain.Signed, "2026-03-20")),
			file:  func(d dialect) ([]string, []string) { return d.header(), d.row("P-1") },
			lines: []string{"signed: reached on 2026-03-20, not planned"},
		},
		{
			name:  "refused by the domain: registration in the future",
			state: unregistered,
			file:  func(d dialect) ([]string, []string) { return d.header(), d.row("P-1") },
			opts:  func(o *plan.Options) { o.On = date("2026-11-28") },
			problems: func(dialect) []string {
				return []string{"plan.csv: row 2: cannot register project for P-1: 2026-11-28 is in the future (today is 2026-11-27 in Asia/Shanghai); record a step on or after the day it happens"}
			},
		},
		{
			name:  "refused by the domain: a plan dated in the future",
			state: registered(),
			file: func(d dialect) ([]string, []string) {
				return append(d.header(), d.completed), append(d.row("P-1"), "2027-03-31")
			},
			opts: func(o *plan.Options) { o.On = date("2026-12-01") },
			problems: func(dialect) []string {
				return []string{"plan.csv: row 2: cannot plan completed for P-1: 2026-12-01 is in the future (today is 2026-11-27 in Asia/Shanghai); record a step on or after the day it happens"}
			},
		},
		{
			name: "refused by the domain: a terminated project",
			state: registered(domain.RecordStep{
				Meta: office, Project: "P-1", Step: domain.Terminated, Reason: "投资方撤资", On: date("2026-10-01"),
			}),
			file: func(d dialect) ([]string, []string) { return d.header(), with(d.row("P-1"), colLeader, "张伟") },
			problems: func(dialect) []string {
				return []string{"plan.csv: row 2: cannot assign leader for P-1: the project was terminated on 2026-10-01; a terminated project takes no further steps"}
			},
		},
		{
			name:  "refused by the domain: no actor",
			state: unregistered,
			file:  func(d dialect) ([]string, []string) { return d.header(), d.row("P-1") },
			opts:  func(o *plan.Options) { o.Actor = " " },
			problems: func(dialect) []string {
				return []string{"plan.csv: row 2: cannot register project for P-1: no actor given; say who records this (--actor)"}
			},
		},
		{
			name:  "every problem of a row at once",
			state: registered(),
			file: func(d dialect) ([]string, []string) {
				return d.header(), with(with(with(d.row("P-1"), colName, "二期"), colWan, "1"), colStarted, "2026-09-30")
			},
			problems: func(d dialect) []string {
				return []string{
					"plan.csv: row 2, column " + d.name + ": '二期' differs from the ledger's '" + d.nameText + "'" + differs,
					"plan.csv: row 2, column " + d.wan + ": '10,000 yuan' differs from the ledger's '350,000,000 yuan'" + differs,
					"plan.csv: row 2, column " + d.started + ": deadline moved from 2026-07-31 to 2026-09-30 without a reason; expected a 调整原因/reason cell or --reason",
				}
			},
		},
	}
	for _, tc := range cases {
		for _, d := range dialects {
			t.Run(tc.name+"/"+d.lang, func(t *testing.T) {
				current := tc.state(t, d)
				before := stateJSON(t, current)
				header, cells := tc.file(d)
				o := opts
				if tc.opts != nil {
					tc.opts(&o)
				}
				ch, ps := plan.Diff(file, onlyRow(t, header, cells), current, o)
				assert.Equal(t, before, stateJSON(t, current), "Diff leaves the state it is given as it was")
				if tc.problems != nil {
					assert.Equal(t, tc.problems(d), texts(ps))
					return
				}
				require.Empty(t, texts(ps))
				assert.Equal(t, localize(tc.want, d), ch.Commands)
				assert.Equal(t, localizeLines(tc.lines, d), ch.Lines)
				assert.Equal(t, tc.cleared, ch.Cleared)
				assert.Equal(t, domain.ProjectID("P-1"), ch.Row.Project)
			})
		}
	}
}

// localize fills the dialect's name and unit into commands written with
// the placeholders %name and %unit.
func localize(cmds []domain.Command, d dialect) []domain.Command {
	var out []domain.Command
	for _, c := range cmds {
		if r, ok := c.(domain.RegisterProject); ok {
			if r.Name == "%name" {
				r.Name = d.nameText
			}
			if r.Unit == "%unit" {
				r.Unit = d.unitText
			}
			c = r
		}
		out = append(out, c)
	}
	return out
}

func localizeLines(lines []string, d dialect) []string {
	var out []string
	for _, l := range lines {
		out = append(out, strings.ReplaceAll(strings.ReplaceAll(l, "%name", d.nameText), "%unit", d.unitText))
	}
	return out
}

// TestDiffRowWithoutLayout: a row built in code, not read from a file,
// names its columns in both languages.
func TestDiffRowWithoutLayout(t *testing.T) {
	current := decide(t, domain.NewProject("P-1"), registration(en))
	r := plan.Row{
		Line: 9, Project: "P-1", Name: en.nameText, TotalInvestment: 350_000_001, Unit: en.unitText, Leader: "李明",
		Kind: domain.KindNew,
		Deadlines: []domain.PlannedDeadline{
			{Milestone: domain.MilestoneStarted, Due: date("2026-09-30")},
		},
	}
	_, ps := plan.Diff(file, r, current, opts)
	assert.Equal(t, []string{
		"plan.csv: row 9, column 总投资(万元)/total investment (10k yuan): '350,000,001 yuan' differs from the ledger's '350,000,000 yuan'; expected the registered value (ledger correct facts changes it, with a reason)",
		"plan.csv: row 9, column 开工/started: deadline moved from 2026-07-31 to 2026-09-30 without a reason; expected a 调整原因/reason cell or --reason",
	}, texts(ps))
}

// TestDiffCommandsPassTheDomain: the commands of a change, decided in
// order on the current state, are all accepted; after them the row
// yields no change.
func TestDiffCommandsPassTheDomain(t *testing.T) {
	d := zh
	current := decide(t, domain.NewProject("P-1"), registration(d))
	r := onlyRow(t, append(d.header(), d.completed, d.reason),
		append(with(with(d.row("P-1"), colLeader, "张伟"), colStarted, "2026-09-30"), "2027-03-31", "土地未摘牌"))
	ch, ps := plan.Diff(file, r, current, opts)
	require.Empty(t, texts(ps))
	require.Len(t, ch.Commands, 3)
	after := decide(t, current.Clone(), ch.Commands...)
	ch, ps = plan.Diff(file, r, after, opts)
	require.Empty(t, texts(ps))
	assert.Empty(t, ch.Commands)
	assert.Equal(t, "张伟", after.Leader)
	assert.Equal(t, date("2026-09-30"), after.Deadlines[domain.MilestoneStarted].Due)
	assert.Equal(t, date("2026-07-31"), after.Deadlines[domain.MilestoneStarted].Baseline)
	assert.Equal(t, date("2027-03-31"), after.Deadlines[domain.MilestoneCompleted].Due)
}

// TestDiffWithdrawalsPassTheDomain: with --withdraw-cleared, a row that
// clears, moves and adds deadlines of an ordered plan, leaving it ordered,
// stores commands the domain accepts in order, whichever deadlines move
// which way; after them the row yields no change and the ledger's plan is
// the row's.
func TestDiffWithdrawalsPassTheDomain(t *testing.T) {
	ms := []domain.Milestone{
		domain.MilestoneNegotiating, domain.MilestoneSigned, domain.MilestoneEIA, domain.MilestoneStarted,
		domain.MilestoneCompleted, domain.MilestoneCommissioned, domain.MilestoneFullCapacity,
	}
	header := []string{"project", "name", "total investment (10k yuan)", "unit", "leader"}
	for _, m := range ms {
		header = append(header, string(m))
	}
	header = append(header, "reason")
	rnd := rand.New(rand.NewPCG(1, 2))
	// ordered returns deadlines for a random subset of ms, in plan order.
	ordered := func() map[domain.Milestone]domain.Date {
		out := map[domain.Milestone]domain.Date{}
		day := date("2026-01-01").AddDays(rnd.IntN(60))
		for _, m := range ms {
			day = day.AddDays(rnd.IntN(45))
			if rnd.IntN(4) > 0 {
				out[m] = day
			}
		}
		return out
	}
	o := opts
	o.WithdrawCleared = true
	for i := range 400 {
		before, after := ordered(), ordered()
		reg := domain.RegisterProject{Meta: office, Project: "P-1", Name: "plant", TotalInvestment: 10_000, Unit: "bureau", Leader: "Li", On: date("2026-01-05")}
		for _, m := range ms {
			if due, ok := before[m]; ok {
				reg.Plan = append(reg.Plan, domain.PlannedDeadline{Milestone: m, Due: due})
			}
		}
		current := decide(t, domain.NewProject("P-1"), reg)
		cells := []string{"P-1", "plant", "1", "bureau", "Li"}
		for _, m := range ms {
			if due, ok := after[m]; ok {
				cells = append(cells, due.String())
			} else {
				cells = append(cells, "")
			}
		}
		cells = append(cells, "重排")
		r := onlyRow(t, header, cells)
		ch, ps := plan.Diff(file, r, current, o)
		require.Empty(t, texts(ps), "case %d: %v -> %v", i, before, after)
		for _, c := range ch.Commands {
			switch c := c.(type) {
			case domain.ReviseDeadline:
				assert.False(t, c.ConfirmOrder, "case %d: an ordered plan needs no confirmation", i)
			case domain.PlanMilestone:
				assert.False(t, c.ConfirmOrder, "case %d: an ordered plan needs no confirmation", i)
			}
		}
		now := decide(t, current.Clone(), ch.Commands...)
		got := map[domain.Milestone]domain.Date{}
		for m, dl := range now.Deadlines {
			got[m] = dl.Due
		}
		assert.Equal(t, after, got, "case %d", i)
		ch, ps = plan.Diff(file, r, now, o)
		require.Empty(t, texts(ps))
		assert.Empty(t, ch.Commands, "case %d", i)
		assert.Empty(t, ch.Cleared, "case %d", i)
	}
}

// TestDiffSameAcrossFormats: the same plan as GB18030 CSV, UTF-8 CSV and
// XLSX with date cells asks the ledger for the same commands.
func TestDiffSameAcrossFormats(t *testing.T) {
	utf8Plan := csvBytes(t, zhPlan)
	read := map[string]func() (plan.Sheet, error){
		"utf-8 csv":   func() (plan.Sheet, error) { return plan.ReadCSV(file, utf8Plan, plan.EncodingAuto) },
		"gb18030 csv": func() (plan.Sheet, error) { return plan.ReadCSV(file, gb18030(t, utf8Plan), plan.EncodingAuto) },
		"xlsx": func() (plan.Sheet, error) {
			return plan.ReadXLSX(file, bytes.NewReader(workbook(t, zhPlan, map[int]bool{7: true, 8: true, 9: true, 10: true})))
		},
	}
	commands := map[string][]domain.Command{}
	for format, read := range read {
		s, err := read()
		require.NoError(t, err, format)
		rows, ps := plan.Rows(s)
		require.Empty(t, texts(ps), format)
		for _, r := range rows {
			ch, ps := plan.Diff(file, r, domain.Project{}, opts)
			require.Empty(t, texts(ps), format)
			commands[format] = append(commands[format], ch.Commands...)
		}
	}
	want := []domain.Command{
		domain.RegisterProject{
			Meta: meta, Project: "2026-361102-38-01-000017", Name: "光伏组件生产线项目", TotalInvestment: 350_000_000,
			Unit: "县工信局", Leader: "李明", Township: "城关镇", Kind: domain.KindNew, On: today,
			Plan: []domain.PlannedDeadline{
				{Milestone: domain.MilestoneSigned, Due: date("2026-03-31")},
				{Milestone: domain.MilestoneEIA, Due: date("2026-05-31")},
				{Milestone: domain.MilestoneStarted, Due: date("2026-07-31")},
				{Milestone: domain.MilestoneCompleted, Due: date("2027-03-31")},
			},
		},
		domain.RegisterProject{
			Meta: meta, Project: "P-12", Name: "冷链物流园", TotalInvestment: 86_005_000, Unit: "县商务局", Leader: "王强",
			Kind: domain.KindContinuing, On: today,
			Plan: []domain.PlannedDeadline{{Milestone: domain.MilestoneCompleted, Due: date("2027-06-30")}},
		},
	}
	assert.Equal(t, want, commands["utf-8 csv"])
	assert.Equal(t, want, commands["gb18030 csv"])
	assert.Equal(t, want, commands["xlsx"])
}

// ---- Apply ----

var errStore = errors.New("store unavailable")

// memStore is an in-memory Executor and Registrar: it folds each command
// into its project's state with domain.Decide, as the event store does.
// Once failAfter commands are stored (failAfter >= 0) it fails every call,
// as a store that went down would. It ignores ctx on purpose, and counts
// the calls it gets with a context already cancelled: Apply itself must
// stop sending after a failure.
type memStore struct {
	mu        sync.Mutex
	states    map[domain.ProjectID]domain.Project
	calls     int // Execute calls
	bulkCalls int // RegisterEach calls
	late      int // calls made after the import was cancelled
	stored    int // commands stored
	failAfter int
}

func newMemStore(states map[domain.ProjectID]domain.Project) *memStore {
	s := &memStore{states: map[domain.ProjectID]domain.Project{}, failAfter: -1}
	for id, p := range states {
		s.states[id] = p.Clone()
	}
	return s
}

// Execute implements plan.Executor.
func (s *memStore) Execute(ctx context.Context, c domain.Command) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if ctx.Err() != nil {
		s.late++
	}
	return s.store(c)
}

// RegisterEach implements plan.Registrar: registrations one after the
// other, each all or none, the events stored so far returned with a
// failure.
func (s *memStore) RegisterEach(ctx context.Context, cmds []domain.RegisterProject) ([]int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bulkCalls++
	if ctx.Err() != nil {
		s.late++
	}
	var each []int
	for _, c := range cmds {
		n, err := s.store(c)
		if err != nil {
			return each, err
		}
		each = append(each, n)
	}
	return each, nil
}

func (s *memStore) store(c domain.Command) (int, error) {
	if s.failAfter >= 0 && s.stored >= s.failAfter {
		return 0, errStore
	}
	p, ok := s.states[c.Target()]
	if !ok {
		p = domain.NewProject(c.Target())
	}
	events, err := domain.Decide(p, c, now)
	if err != nil {
		return 0, err
	}
	for _, e := range events {
		domain.Evolve(&p, e)
	}
	s.states[c.Target()] = p
	s.stored++
	return len(events), nil
}

// snapshot returns a copy of the states, for Diff.
func (s *memStore) snapshot() map[domain.ProjectID]domain.Project {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[domain.ProjectID]domain.Project{}
	for id, p := range s.states {
		out[id] = p.Clone()
	}
	return out
}

// events counts the events stored since states.
func (s *memStore) events(states map[domain.ProjectID]domain.Project) int {
	n := 0
	for id, p := range s.snapshot() {
		n += p.Version - states[id].Version
	}
	return n
}

// registrar is reg as Apply takes it: a nil interface when reg is nil.
func registrar(bulk bool, s *memStore) plan.Registrar {
	if bulk {
		return s
	}
	return nil
}

// importScenario is a county's second import of the year: ten projects
// already in the ledger (some change leader, some move a deadline, all
// plan completion) and fresh new ones.
func importScenario(t testing.TB, fresh int) (map[domain.ProjectID]domain.Project, []plan.Row) {
	t.Helper()
	d := zh
	states := map[domain.ProjectID]domain.Project{}
	header := append(d.header(), d.completed, d.reason)
	var records [][]string
	for i := 1; i <= 10+fresh; i++ {
		id := fmt.Sprintf("P-%d", i)
		cells := append(d.row(id), "2027-06-30", "")
		if i <= 10 {
			reg := registration(d)
			reg.Project = domain.ProjectID(id)
			states[reg.Project] = decide(t, domain.NewProject(reg.Project), reg)
			if i%2 == 0 {
				cells[colLeader] = "张伟"
			}
			if i%3 == 0 {
				cells[colStarted] = "2026-12-31"
				cells[len(cells)-1] = "征地拆迁未完成"
			}
		}
		records = append(records, cells)
	}
	rows, ps := plan.Rows(sheetOf(t, header, records...))
	require.Empty(t, texts(ps))
	return states, rows
}

// diffAll is the import's check pass: every row against the ledger, the
// rows with something to store.
func diffAll(t testing.TB, rows []plan.Row, states map[domain.ProjectID]domain.Project) []plan.Change {
	t.Helper()
	var changes []plan.Change
	for _, r := range rows {
		ch, ps := plan.Diff(file, r, states[r.Project], opts)
		require.Empty(t, texts(ps))
		if len(ch.Commands) > 0 {
			changes = append(changes, ch)
		}
	}
	return changes
}

// cleanRun is the ledger after one uninterrupted import.
func cleanRun(t testing.TB) (string, int) {
	t.Helper()
	states, rows := importScenario(t, 20)
	s := newMemStore(states)
	changes := diffAll(t, rows, s.snapshot())
	applied, err := plan.Apply(context.Background(), s, nil, file, changes, 1, nil)
	require.NoError(t, err)
	return stateJSON(t, s.snapshot()), applied.Commands
}

func TestApplyStoresEveryChange(t *testing.T) {
	for _, bulk := range []bool{false, true} {
		for _, workers := range []int{0, 1, 4, 32} {
			t.Run(fmt.Sprintf("bulk %v, %d workers", bulk, workers), func(t *testing.T) {
				states, rows := importScenario(t, 20)
				s := newMemStore(states)
				changes := diffAll(t, rows, s.snapshot())
				commands, events := 0, 0
				want := map[domain.ProjectID]domain.Project{}
				for id, p := range states {
					want[id] = p.Clone()
				}
				for _, ch := range changes {
					commands += len(ch.Commands)
					p, ok := want[ch.Row.Project]
					if !ok {
						p = domain.NewProject(ch.Row.Project)
					}
					v := p.Version
					want[ch.Row.Project] = decide(t, p, ch.Commands...)
					events += want[ch.Row.Project].Version - v
				}
				// 20 registrations, 5 leaders, 3 revisions, 10 plans.
				require.Equal(t, 38, commands)
				require.Len(t, changes, 30)

				var progress atomic.Int64
				applied, err := plan.Apply(context.Background(), s, registrar(bulk, s), file, changes, workers, func() { progress.Add(1) })
				require.NoError(t, err)
				assert.Equal(t, plan.Applied{Commands: commands, Events: events, Rows: len(changes)}, applied)
				assert.Equal(t, int64(len(changes)), progress.Load(), "progress is called once per row")
				assert.Equal(t, commands, s.stored)
				if bulk {
					assert.Equal(t, commands-20, s.calls, "registrations go to the registrar")
					assert.Equal(t, 1, s.bulkCalls)
				} else {
					assert.Equal(t, commands, s.calls)
					assert.Zero(t, s.bulkCalls)
				}
				assert.Equal(t, stateJSON(t, want), stateJSON(t, s.snapshot()))
				assert.Empty(t, diffAll(t, rows, s.snapshot()), "an applied plan has nothing left to store")
			})
		}
	}
}

// TestApplyRowsWithNothingToStore: Apply takes every change Diff returns,
// those with no commands too.
func TestApplyRowsWithNothingToStore(t *testing.T) {
	for _, bulk := range []bool{false, true} {
		t.Run(fmt.Sprintf("bulk %v", bulk), func(t *testing.T) {
			d := zh
			states := map[domain.ProjectID]domain.Project{"P-1": decide(t, domain.NewProject("P-1"), registration(d))}
			rows, ps := plan.Rows(sheetOf(t, d.header(), d.row("P-1"), d.row("P-2")))
			require.Empty(t, texts(ps))
			var changes []plan.Change
			for _, r := range rows {
				ch, ps := plan.Diff(file, r, states[r.Project], opts)
				require.Empty(t, texts(ps))
				changes = append(changes, ch)
			}
			require.Empty(t, changes[0].Commands)
			s := newMemStore(states)
			var progress atomic.Int64
			applied, err := plan.Apply(context.Background(), s, registrar(bulk, s), file, changes, 2, func() { progress.Add(1) })
			require.NoError(t, err)
			assert.Equal(t, plan.Applied{Commands: 1, Events: 3, Rows: 1}, applied)
			assert.Equal(t, int64(2), progress.Load())
		})
	}
}

func TestApplyNothing(t *testing.T) {
	s := newMemStore(nil)
	for _, reg := range []plan.Registrar{nil, s} {
		applied, err := plan.Apply(context.Background(), s, reg, file, nil, 4, nil)
		require.NoError(t, err)
		assert.Equal(t, plan.Applied{}, applied)
	}
}

// TestApplyStopsAtTheFirstFailure: the error names the row whose command
// failed, and nothing is sent to the store after it.
func TestApplyStopsAtTheFirstFailure(t *testing.T) {
	states, rows := importScenario(t, 20)
	changes := diffAll(t, rows, states)
	// The row of each command, in file order.
	var lineOf []int
	for _, ch := range changes {
		for range ch.Commands {
			lineOf = append(lineOf, ch.Row.Line)
		}
	}
	for _, n := range []int{0, 1, 2, 5, 13, 37} {
		t.Run(fmt.Sprintf("after %d commands", n), func(t *testing.T) {
			// A failure races the next row handed out; run it often
			// enough to see either side win.
			for range 50 {
				s := newMemStore(states)
				s.failAfter = n
				applied, err := plan.Apply(context.Background(), s, nil, file, changes, 1, nil)
				require.Error(t, err)
				assert.ErrorIs(t, err, errStore)
				assert.Equal(t, fmt.Sprintf("plan.csv: row %d: store unavailable", lineOf[n]), err.Error())
				assert.Equal(t, n, applied.Commands)
				assert.Equal(t, s.events(states), applied.Events)
				require.Zero(t, s.late, "no command is sent after the failure")
				require.Equal(t, n+1, s.calls)
			}
		})
	}
}

// TestApplyBulkStopsAtTheFirstFailure: a failed batch of registrations
// names its rows, and no batch is sent after it.
func TestApplyBulkStopsAtTheFirstFailure(t *testing.T) {
	states, rows := importScenario(t, 1100) // ten batches of 111 registrations
	changes := diffAll(t, rows, states)
	for range 100 {
		s := newMemStore(states)
		s.failAfter = 0
		applied, err := plan.Apply(context.Background(), s, s, file, changes, 4, nil)
		require.Error(t, err)
		assert.ErrorIs(t, err, errStore)
		assert.Regexp(t, `^plan\.csv: rows (12 to 122|123 to 233|234 to 344|345 to 455): store unavailable$`, err.Error(),
			"one of the batches the four bulk workers took first")
		assert.Equal(t, plan.Applied{}, applied)
		// The bulk workers take the first four batches; a worker free for
		// the fifth has seen its own batch fail, so the import is over.
		require.LessOrEqual(t, s.bulkCalls, 4, "no batch is sent after the failure")
		require.Zero(t, s.calls, "rows that change projects wait for the registrations")
	}
}

// TestApplyInterrupted: a cancelled import says how far it got and sends
// nothing more.
func TestApplyInterrupted(t *testing.T) {
	states, rows := importScenario(t, 20)
	changes := diffAll(t, rows, states)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, bulk := range []bool{false, true} {
		for range 50 {
			s := newMemStore(states)
			applied, err := plan.Apply(ctx, s, registrar(bulk, s), file, changes, 1, nil)
			require.Error(t, err)
			assert.ErrorIs(t, err, context.Canceled)
			assert.Equal(t, "plan.csv: interrupted after 0 commands: context canceled", err.Error())
			assert.Equal(t, plan.Applied{}, applied)
			require.Zero(t, s.calls+s.bulkCalls, "a cancelled import sends nothing")
		}
	}
}

// TestApplyConvergesAfterAFailure: an import that failed after any number
// of commands, run again (Diff against what was stored, then Apply), leaves
// every project as one clean run does.
func TestApplyConvergesAfterAFailure(t *testing.T) {
	want, total := cleanRun(t)
	require.Equal(t, 38, total)
	for _, bulk := range []bool{false, true} {
		for _, workers := range []int{1, 3} {
			for n := 1; n < total; n++ {
				t.Run(fmt.Sprintf("bulk %v, %d workers, failed after %d", bulk, workers, n), func(t *testing.T) {
					states, rows := importScenario(t, 20)
					s := newMemStore(states)
					s.failAfter = n
					applied, err := plan.Apply(context.Background(), s, registrar(bulk, s), file, diffAll(t, rows, s.snapshot()), workers, nil)
					require.ErrorIs(t, err, errStore)
					require.Equal(t, n, s.stored)
					assert.Equal(t, s.events(states), applied.Events, "the events stored before the failure")
					if !bulk {
						assert.Equal(t, n, applied.Commands)
					}

					s.failAfter = -1
					again, err := plan.Apply(context.Background(), s, registrar(bulk, s), file, diffAll(t, rows, s.snapshot()), workers, nil)
					require.NoError(t, err)
					assert.Equal(t, total-n, again.Commands, "the second run stores only what is missing")
					assert.Equal(t, want, stateJSON(t, s.snapshot()))
				})
			}
		}
	}
}

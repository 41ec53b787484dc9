package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/query"
	"github.com/keyprojects/ledger/projections/report"
)

// The pipeline before the plan: the reserve pool (ledger reserve) and the
// applications sent up (ledger apply), each its forms and its report.

func (a *app) reserveCommand() *cobra.Command {
	c := &cobra.Command{Use: "reserve", Short: "The reserve pool (项目储备库): conceive, assess, enter, package, convert or drop a project; the report"}
	c.AddCommand(a.formCommands("reserve")...)
	c.AddCommand(a.reportCommand("report", "The reserve on a date: by stage and industry, each proposing body's conversion rate, the years of new starts it holds (不断档)",
		true, nil, nil, nil,
		func(ctx context.Context, qs *query.Service, q query.Report) (answer, error) {
			r, err := qs.Reserve(ctx, q)
			return answerOf(r, err, func(v projections.Reserve) []report.Table { return report.ReserveTables(v) })
		}))
	return c
}

func (a *app) applyCommand() *cobra.Command {
	c := &cobra.Command{Use: "apply", Short: "Upward applications (向上争取): submit, answer, funds received; the report"}
	c.AddCommand(a.formCommands("apply")...)
	c.AddCommand(a.reportCommand("report", "The upward applications on a date (争取台账): asked, granted and arrived, by level and programme",
		true, nil, nil, nil,
		func(ctx context.Context, qs *query.Service, q query.Report) (answer, error) {
			r, err := qs.Applications(ctx, q)
			return answerOf(r, err, func(v projections.Applications) []report.Table { return report.ApplicationTables(v) })
		}))
	return c
}

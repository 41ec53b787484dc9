package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/query"
	"github.com/keyprojects/ledger/projections/report"
)

// The pipeline before the plan: the reserve pool (ledger reserve) and the
// applications sent up (ledger apply), each its forms and its report.

func (a *app) reserveCommand() *cobra.Command {
	c := &cobra.Command{Use: "reserve", Short: "The reserve pool (项目储备库): conceive, assess, enter, package, convert or drop a project; the report"}
	c.AddCommand(a.formCommands("reserve")...)
	var body, industry string
	c.AddCommand(a.reportCommand("report", "The reserve on a date: by stage and industry, each proposing body's conversion rate, the years of new starts it holds (不断档)",
		true, nil,
		func(fs *pflag.FlagSet) {
			fs.StringVar(&body, "body", "", "only the projects this body proposed")
			fs.StringVar(&industry, "industry", "", "only the projects of this industry")
		}, nil,
		func(ctx context.Context, qs *query.Service, q query.Report) (answer, error) {
			r, err := qs.Reserve(ctx, query.ReserveQuery{Report: q, Body: body, Industry: industry})
			return answerOf(r, err, func(v projections.Reserve) []report.Table { return report.ReserveTables(v) })
		}))
	return c
}

func (a *app) applyCommand() *cobra.Command {
	c := &cobra.Command{Use: "apply", Short: "Upward applications (向上争取): submit, answer, funds received; the report"}
	c.AddCommand(a.formCommands("apply")...)
	var level, programme string
	var lv domain.Level
	c.AddCommand(a.reportCommand("report", "The upward applications on a date (争取台账): asked, granted and arrived, by level and programme",
		true, nil,
		func(fs *pflag.FlagSet) {
			fs.StringVar(&level, "level", "", "only the applications to this level: city, province or state (市级, 省级, 国家级)")
			fs.StringVar(&programme, "programme", "", "only the applications of this programme")
		},
		func() (err error) {
			lv = ""
			if level != "" {
				if lv, err = domain.ParseLevel(level); err != nil {
					return usageError{fmt.Errorf("--level: %w", err)}
				}
			}
			return nil
		},
		func(ctx context.Context, qs *query.Service, q query.Report) (answer, error) {
			r, err := qs.Applications(ctx, query.ApplicationsQuery{Report: q, Level: lv, Programme: programme})
			return answerOf(r, err, func(v projections.Applications) []report.Table { return report.ApplicationTables(v) })
		}))
	return c
}

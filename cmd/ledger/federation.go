package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/federation"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/query"
)

// The city's commands over its counties' mirrors (docs/federation.md),
// run with --server on the city's server.

func (a *app) federationCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "federation",
		Short: "A city's read-only mirrors of its counties' ledgers: add a county, report on all of them",
	}
	c.AddCommand(a.addCountyCommand(), a.federationStatusCommand())
	return c
}

func (a *app) addCountyCommand() *cobra.Command {
	var domainName, origin string
	c := &cobra.Command{
		Use:   "add-county NAME --domain DOMAIN",
		Short: "Create (or check) the city's mirror LEDGER_<NAME> of the county's ledger in JetStream domain DOMAIN",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if domainName == "" {
				return usageError{errors.New("--domain: give the county server's JetStream domain")}
			}
			county := federation.County{Name: args[0], Domain: domainName, Origin: origin, Replicas: a.replicas}
			if err := federation.CheckName("county", county.Name); err != nil {
				return usageError{err}
			}
			return a.withCity(func(js jetstream.JetStream) error {
				ctx := cmd.Context()
				if _, err := federation.Mirror(ctx, js, county); err != nil {
					return err
				}
				l, err := federation.Status(ctx, js, county, countyTimeout)
				if err != nil {
					return err
				}
				if a.asJSON {
					return a.printJSON(l)
				}
				fmt.Fprintf(a.stdout, "mirror %s of %s in domain %s: %d events mirrored, %s\n", county.Stream(), l.Origin, county.Domain, l.Mirrored, lagText(l))
				return nil
			})
		},
	}
	c.Flags().StringVar(&domainName, "domain", "", "the county server's JetStream domain")
	c.Flags().StringVar(&origin, "origin", eventstore.DefaultStream, "the county's ledger stream")
	return c
}

// countyTimeout bounds how long the city waits for a county's answer
// across the leaf connection.
const countyTimeout = 2 * time.Second

func (a *app) federationStatusCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Per county: events, projects, last event, lag behind the county and verify; then the scoreboard summed over the counties",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withCity(func(js jetstream.JetStream) error {
				st, err := cityStatus(cmd.Context(), js.Conn(), a.clock)
				if err != nil {
					return err
				}
				if a.asJSON {
					if err := a.printJSON(st); err != nil {
						return err
					}
				} else {
					a.printCityStatus(st)
				}
				return st.failure()
			})
		},
	}
}

// withCity runs fn with a JetStream context on the city's server.
func (a *app) withCity(fn func(jetstream.JetStream) error) error {
	if a.server == "" {
		return usageError{errors.New("federation commands run on the city's server: give --server (or NATS_URL)")}
	}
	c, err := a.connect()
	if err != nil {
		return err
	}
	defer c.close()
	js, err := jetstream.New(c.nc)
	if err != nil {
		return err
	}
	return fn(js)
}

// countyStatus is one county as the city sees it.
type countyStatus struct {
	federation.Lag
	Events   int                `json:"events"`
	Projects int                `json:"projects"`
	Breaks   []eventstore.Break `json:"breaks"`
	Foreign  []uint64           `json:"foreign"`
}

// countyScore is a scoreboard row with its county ("" in the city's sum).
type countyScore struct {
	County string `json:"county"`
	projections.ScoreRow
}

type cityReport struct {
	Counties   []countyStatus `json:"counties"`
	Scoreboard []countyScore  `json:"scoreboard"` // per county
	Total      []countyScore  `json:"total"`      // summed over the counties
}

// cityStatus reads every county's mirror on the city's server: its lag,
// its chains verified, and its scoreboard through the query layer, summed.
func cityStatus(ctx context.Context, nc *nats.Conn, clock domain.Clock) (cityReport, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return cityReport{}, err
	}
	counties, err := federation.Counties(ctx, js)
	if err != nil {
		return cityReport{}, err
	}
	var r cityReport
	for _, c := range counties {
		l, err := federation.Status(ctx, js, c, countyTimeout)
		if err != nil {
			return cityReport{}, err
		}
		store, err := eventstore.Open(ctx, nc, eventstore.WithStream(eventstore.StreamSpec{Name: c.Stream()}), eventstore.WithClock(clock))
		if err != nil {
			return cityReport{}, fmt.Errorf("county %s: %w", c.Name, err)
		}
		v, err := store.Verify(ctx, "")
		if err != nil {
			return cityReport{}, fmt.Errorf("county %s: verify: %w", c.Name, err)
		}
		r.Counties = append(r.Counties, countyStatus{Lag: l, Events: v.Events, Projects: v.Projects, Breaks: v.Breaks, Foreign: v.Foreign})
		rows, err := countyScoreboard(ctx, store)
		if err != nil {
			return cityReport{}, fmt.Errorf("county %s: scoreboard: %w", c.Name, err)
		}
		for _, row := range rows {
			r.Scoreboard = append(r.Scoreboard, countyScore{County: c.Name, ScoreRow: row})
		}
	}
	r.Total = sumScores(r.Scoreboard)
	return r, nil
}

// countyScoreboard is a ledger's scoreboard today, folded from its stream
// (a mirror has no projections of its own, and the city writes none).
func countyScoreboard(ctx context.Context, store *eventstore.Store) ([]projections.ScoreRow, error) {
	qs := query.New(store, query.WithClock(store.Clock()))
	everything := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	res, err := qs.Scoreboard(ctx, query.ScoreboardQuery{Report: query.Report{Cut: query.Cut{Recorded: everything, AsOf: qs.Today()}}, Order: projections.SortName})
	return res.Value, err
}

// sumScores adds up the counties' rows of each unit and leader.
func sumScores(rows []countyScore) []countyScore {
	type key struct{ by, name string }
	sum := map[key]*projections.ScoreRow{}
	for _, r := range rows {
		k := key{r.By, r.Name}
		s := sum[k]
		if s == nil {
			s = &projections.ScoreRow{By: r.By, Name: r.Name}
			sum[k] = s
		}
		s.Projects += r.Projects
		s.OnTime += r.OnTime
		s.Late += r.Late
		s.OpenOverdue += r.OpenOverdue
		s.MissedRevised += r.MissedRevised
		s.Overdue += r.Overdue
	}
	out := make([]countyScore, 0, len(sum))
	for _, s := range sum {
		if due := s.OnTime + s.Overdue; due > 0 {
			bp := int64(s.OnTime) * 10_000 / int64(due)
			s.OnTimeRateBP = &bp
		}
		out = append(out, countyScore{ScoreRow: *s})
	}
	slices.SortFunc(out, func(a, b countyScore) int { return cmp.Or(cmp.Compare(b.By, a.By), cmp.Compare(a.Name, b.Name)) })
	return out
}

// failure is the error status ends with: a county whose chains do not
// verify. A county behind or out of reach is reported, not an error.
func (r cityReport) failure() error {
	for _, c := range r.Counties {
		if len(c.Breaks) > 0 {
			return fmt.Errorf("county %s: verification failed, %d broken; the first: %s", c.Name, len(c.Breaks), c.Breaks[0].Error())
		}
	}
	return nil
}

func lagText(l federation.Lag) string {
	switch {
	case l.Reachable && l.Behind == 0:
		return "up to date"
	case l.Reachable:
		return fmt.Sprintf("%d behind", l.Behind)
	default:
		return "county unreachable: " + l.Problem
	}
}

func (a *app) printCityStatus(r cityReport) {
	t := a.newTable("county", "domain", "stream", "events", "projects", "last event", "mirrored", "county last", "lag", "verify")
	for _, c := range r.Counties {
		last := "-"
		if !c.LastTime.IsZero() {
			last = c.LastTime.UTC().Format(time.RFC3339)
		}
		county := "?"
		if c.Reachable {
			county = fmt.Sprint(c.CountyLast)
		}
		verify := "ok"
		if n := len(c.Breaks); n > 0 {
			verify = fmt.Sprintf("%d broken", n)
		}
		t.AppendRow([]any{c.Name, c.Domain, c.Stream(), c.Events, c.Projects, last, c.Mirrored, county, lagText(c.Lag), verify})
	}
	t.Render()
	fmt.Fprintln(a.stdout)
	s := a.newTable("county", "by", "name", "projects", "on time", "late", "open overdue", "missed, revised", "overdue", "on-time rate")
	for _, rows := range [][]countyScore{r.Scoreboard, r.Total} {
		for _, row := range rows {
			rate := "-"
			if row.OnTimeRateBP != nil {
				rate = fmt.Sprintf("%d.%02d%%", *row.OnTimeRateBP/100, *row.OnTimeRateBP%100)
			}
			s.AppendRow([]any{cmp.Or(row.County, "all"), row.By, row.Name, row.Projects, row.OnTime, row.Late, row.OpenOverdue, row.MissedRevised, row.Overdue, rate})
		}
	}
	s.Render()
}

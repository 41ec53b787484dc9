package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// unitsCommand keeps the unit register: the canonical names of responsible
// units and townships, with their aliases.
func (a *app) unitsCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "units",
		Short: "The unit register: canonical unit and township names with their aliases (单位名录)",
	}
	c.AddCommand(a.unitsAddCommand(), a.unitsAliasCommand(), a.unitsListCommand())
	return c
}

func (a *app) unitsAddCommand() *cobra.Command {
	var aliases []string
	var township, group bool
	var on string
	var m metaFlags
	c := &cobra.Command{
		Use:   "add NAME",
		Short: "Register a canonical unit (a department's; with --township a township's, with --industry-group an industry promotion group's) name and its aliases",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			meta, err := a.meta(m.commandID, m.correlationID)
			if err != nil {
				return err
			}
			day, err := a.date("on", on)
			if err != nil {
				return err
			}
			kind := domain.NameUnit
			switch {
			case township && group:
				return usageError{errors.New("--township and --industry-group: a name is of one kind")}
			case township:
				kind = domain.NameTownship
			case group:
				kind = domain.NameIndustryGroup
			}
			return a.execute(cmd.Context(), domain.RegisterUnit{Meta: meta, Name: args[0], Kind: kind, Aliases: aliases, On: day})
		},
	}
	c.Flags().StringArrayVar(&aliases, "alias", nil, "another name it goes by (repeat the flag for each)")
	c.Flags().BoolVar(&township, "township", false, "the name is a township's (乡镇), not a unit's")
	c.Flags().BoolVar(&group, "industry-group", false, "the name is an industry promotion group's (产业推进组), which proposes projects for the reserve")
	c.Flags().StringVar(&on, "on", "", "the day it was registered, YYYY-MM-DD (default today)")
	m.add(c.Flags())
	return c
}

func (a *app) unitsAliasCommand() *cobra.Command {
	var alias, on string
	var m metaFlags
	c := &cobra.Command{
		Use:   "alias NAME --alias OTHER",
		Short: "Add another name for a registered unit or township",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			meta, err := a.meta(m.commandID, m.correlationID)
			if err != nil {
				return err
			}
			day, err := a.date("on", on)
			if err != nil {
				return err
			}
			return a.execute(cmd.Context(), domain.AddUnitAlias{Meta: meta, Name: args[0], Alias: alias, On: day})
		},
	}
	c.Flags().StringVar(&alias, "alias", "", "the other name")
	c.Flags().StringVar(&on, "on", "", "the day it was added, YYYY-MM-DD (default today)")
	m.add(c.Flags())
	return c
}

func (a *app) unitsListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "The registered units and townships with their aliases",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withStore(cmd.Context(), func(s *eventstore.Store) error {
				u, err := loadUnits(cmd.Context(), s)
				if err != nil {
					return err
				}
				type entry struct {
					Kind    string   `json:"kind"`
					Name    string   `json:"name"`
					Aliases []string `json:"aliases"`
				}
				var out []entry
				for _, kind := range []string{domain.NameUnit, domain.NameTownship, domain.NameIndustryGroup} {
					if u == nil {
						break
					}
					for _, name := range u.Names[kind] {
						out = append(out, entry{Kind: kind, Name: name, Aliases: u.Aliases(name)})
					}
				}
				if a.asJSON {
					return a.printJSON(out)
				}
				if len(out) == 0 {
					fmt.Fprintln(a.stdout, "the unit register is empty: unit and township names are free text (add one with ledger units add)")
					return nil
				}
				for _, e := range out {
					fmt.Fprintf(a.stdout, "%-14s %s", e.Kind, e.Name)
					if len(e.Aliases) > 0 {
						fmt.Fprintf(a.stdout, "  (also: %s)", strings.Join(e.Aliases, ", "))
					}
					fmt.Fprintln(a.stdout)
				}
				return nil
			})
		},
	}
}

// loadUnits reads the unit register from its history; nil when it has
// none.
func loadUnits(ctx context.Context, s *eventstore.Store) (*domain.UnitRegister, error) {
	recs, _, err := s.Load(ctx, domain.UnitRegisterID)
	if err != nil {
		return nil, fmt.Errorf("read the unit register: %w", err)
	}
	events := make([]domain.Event, len(recs))
	for i, r := range recs {
		events[i] = r.Event
	}
	return domain.UnitsOf(events), nil
}

// resolveNames maps the unit and township names of cmd to their canonical
// forms in the unit register.
func resolveNames(ctx context.Context, s *eventstore.Store, cmd domain.Command) (domain.Command, error) {
	switch cmd.(type) {
	case domain.RegisterProject, domain.CorrectFacts:
	default:
		return cmd, nil
	}
	u, err := loadUnits(ctx, s)
	if err != nil {
		return nil, err
	}
	return u.ResolveNames(cmd)
}

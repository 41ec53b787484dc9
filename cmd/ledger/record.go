package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/entry"
	"github.com/keyprojects/ledger/eventstore"
)

// The commands that change a project: one per form of package entry, which
// reads the arguments and flags into a domain command for execute.

func (a *app) projectCommand() *cobra.Command {
	c := &cobra.Command{Use: "project", Short: "Register and inspect projects"}
	c.AddCommand(a.formCommands("project")...)
	c.AddCommand(a.showCommand())
	return c
}

func (a *app) correctCommand() *cobra.Command {
	c := &cobra.Command{Use: "correct", Short: "Correct facts or records entered wrongly; the original stays in the history"}
	c.AddCommand(a.formCommands("correct")...)
	return c
}

func (a *app) issueCommand() *cobra.Command {
	c := &cobra.Command{Use: "issue", Short: "Raise and resolve supervision items (挂账督办 / 销号)"}
	c.AddCommand(a.formCommands("issue")...)
	return c
}

// The forms inspect offers too.

func (a *app) issueRaiseCommand() *cobra.Command { return a.formCommand("issue", "raise") }

func (a *app) issueResolveCommand() *cobra.Command { return a.formCommand("issue", "resolve") }

func (a *app) explainDelayCommand() *cobra.Command { return a.formCommand("", "explain-delay") }

// formCommands returns the commands of the forms of group.
func (a *app) formCommands(group string) []*cobra.Command {
	var cs []*cobra.Command
	for _, f := range entry.Forms() {
		if f.Group == group {
			cs = append(cs, a.fromForm(f))
		}
	}
	return cs
}

// formCommand returns the command of the form called name in group.
func (a *app) formCommand(group, name string) *cobra.Command {
	for _, f := range entry.Forms() {
		if f.Group == group && f.Name() == name {
			return a.fromForm(f)
		}
	}
	panic(fmt.Sprintf("no form %q in group %q of entry.Forms", name, group))
}

// fromForm returns the command that takes form's arguments and fields as
// arguments and flags, and stores the command they ask for.
func (a *app) fromForm(form entry.Form) *cobra.Command {
	var m metaFlags
	var evidenceFiles []string
	names := form.Args()
	c := &cobra.Command{
		Use:     form.Use,
		Short:   form.Short,
		Example: form.Example,
		Args:    cobra.ExactArgs(len(names)),
		RunE: func(cmd *cobra.Command, args []string) error {
			v := entry.Values{}
			for i, name := range names {
				v[name] = []string{args[i]}
			}
			flags := cmd.Flags()
			for _, fl := range form.Fields {
				switch {
				case fl.Bool:
					b, _ := flags.GetBool(fl.Name)
					v[fl.Name] = []string{strconv.FormatBool(b)}
				case fl.Repeated:
					v[fl.Name], _ = flags.GetStringArray(fl.Name)
				default:
					s, _ := flags.GetString(fl.Name)
					v[fl.Name] = []string{s}
				}
			}
			// What was typed is checked before who records it.
			meta, noActor := a.meta(m.commandID, m.correlationID)
			c, err := form.Parse(v, meta)
			if err != nil {
				return layoutIsUsage(err)
			}
			if noActor != nil {
				return noActor
			}
			if len(evidenceFiles) > 0 {
				return a.executeWithEvidence(cmd.Context(), evidenceFiles, func(files []domain.EvidenceFile) (domain.Command, error) {
					meta.Evidence = files
					return form.Parse(v, meta)
				})
			}
			return a.execute(cmd.Context(), c)
		},
	}
	f := c.Flags()
	for _, fl := range form.Fields {
		switch {
		case fl.Bool:
			f.Bool(fl.Name, false, fl.Help)
		case fl.Repeated:
			f.StringArray(fl.Name, nil, fl.Help)
		default:
			f.String(fl.Name, fl.Default, fl.Help)
		}
	}
	m.add(f)
	f.StringArrayVar(&evidenceFiles, "evidence", nil, "a file of evidence for the step (photo, PDF, OFD, Word, Excel; at most 25 MiB); repeat for more")
	return c
}

// layoutIsUsage makes a value typed in the wrong layout a usage error.
func layoutIsUsage(err error) error {
	var le *entry.LayoutError
	if errors.As(err, &le) {
		return usageError{err}
	}
	return err
}

// parsePlan reads --plan values, MILESTONE=YYYY-MM-DD each.
func parsePlan(items []string) ([]domain.PlannedDeadline, error) {
	plan, err := entry.Deadlines("--plan", items)
	return plan, layoutIsUsage(err)
}

// date parses a date flag; empty is the zero Date, which the event store
// resolves to today in the project's own time zone before it stores the
// command.
func (a *app) date(flag, value string) (domain.Date, error) {
	return entry.OptionalDate(flag, value)
}

func (a *app) today() domain.Date {
	loc, _ := domain.LoadZone("")
	return domain.DateOf(a.clock.Now(), loc)
}

// execute stores one command and prints what was stored.
func (a *app) execute(ctx context.Context, cmd domain.Command) error {
	return a.withStore(ctx, func(s *eventstore.Store) error {
		cmd, err := resolveNames(ctx, s, cmd)
		if err != nil {
			return err
		}
		res, err := s.Execute(ctx, cmd)
		if err != nil {
			return err
		}
		return a.printStored(res)
	})
}

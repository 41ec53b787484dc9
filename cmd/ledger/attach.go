package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/entry"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/evidence"
)

// Files of evidence (印证资料) from the command line: --evidence FILE on
// every form command, and `ledger attach` for files that come after the
// step. Every file is read and checked before any is stored, and the
// command is decided before the files are uploaded, so that bad input
// leaves nothing in the stream or in the evidence store.

func (a *app) attachCommand() *cobra.Command {
	var m metaFlags
	var on string
	c := &cobra.Command{
		Use:   "attach PROJECT EVENT_ID FILE...",
		Short: "Attach files of evidence (photos, PDF, OFD, Word, Excel) to an event already recorded",
		Example: "  ledger attach P-7 P-7-3f2a9c-0 site.jpg approval.pdf\n" +
			"  (the event ids are in `ledger history P-7 --json`)",
		Args: cobra.MinimumNArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := domain.ParseProjectID(args[0])
			if err != nil {
				return err
			}
			day, err := entry.OptionalDate("--on", on)
			if err != nil {
				return layoutIsUsage(err)
			}
			meta, noActor := a.meta(m.commandID, m.correlationID)
			if noActor != nil {
				return noActor
			}
			about := args[1]
			return a.executeWithEvidence(cmd.Context(), args[2:], func(files []domain.EvidenceFile) (domain.Command, error) {
				return domain.AttachEvidence{Meta: meta, Project: p, About: about, Files: files, On: day}, nil
			})
		},
	}
	c.Flags().StringVar(&on, "on", "", "the day the files were attached, YYYY-MM-DD (default: today)")
	m.add(c.Flags())
	return c
}

// executeWithEvidence reads and checks the files at paths, builds the
// command that lists them, decides it against the project's history,
// uploads the files to the evidence store and stores the command. A file
// missing, of a type not accepted or too large, and a command refused,
// store nothing.
func (a *app) executeWithEvidence(ctx context.Context, paths []string, build func([]domain.EvidenceFile) (domain.Command, error)) error {
	files := make([]domain.EvidenceFile, len(paths))
	for i, path := range paths {
		f, err := describeFile(path)
		if err != nil {
			return err
		}
		files[i] = f
	}
	if err := domain.CheckEvidence(files); err != nil {
		return err
	}
	cmd, err := build(files)
	if err != nil {
		return layoutIsUsage(err)
	}
	return a.withStore(ctx, func(s *eventstore.Store) error {
		cmd, err := resolveNames(ctx, s, cmd)
		if err != nil {
			return err
		}
		if err := decideFirst(ctx, s, cmd); err != nil {
			return err
		}
		store, err := evidence.New(ctx, s)
		if err != nil {
			return err
		}
		for i, path := range paths {
			if err := putFile(ctx, store, path, files[i]); err != nil {
				return err
			}
		}
		res, err := s.Execute(ctx, cmd)
		if err != nil {
			return err
		}
		return a.printStored(res)
	})
}

// describeFile reads the file at path and returns it as an event lists
// it, storing nothing.
func describeFile(path string) (domain.EvidenceFile, error) {
	r, err := os.Open(path)
	if err != nil {
		return domain.EvidenceFile{}, fmt.Errorf("--evidence: %w", err)
	}
	defer r.Close()
	if st, err := r.Stat(); err == nil && st.IsDir() {
		return domain.EvidenceFile{}, domain.NewInputError("--evidence "+path+": is a folder, not a file", "--evidence "+path+"：是文件夹，不是文件")
	}
	return evidence.Describe(filepath.Base(path), r)
}

// putFile stores the file at path, which describeFile found to be want.
func putFile(ctx context.Context, store *evidence.Store, path string, want domain.EvidenceFile) error {
	r, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("--evidence: %w", err)
	}
	defer r.Close()
	got, err := store.Put(ctx, filepath.Base(path), r)
	if err != nil {
		return err
	}
	if got.SHA256 != want.SHA256 {
		return fmt.Errorf("--evidence %s: the file changed while it was being stored; give it again", path)
	}
	return nil
}

// decideFirst decides cmd against the project's stored history without
// storing anything, so that a command the ledger refuses uploads no file.
// A command stored already (the same command id) is not refused: storing
// it again returns what was stored.
func decideFirst(ctx context.Context, s *eventstore.Store, cmd domain.Command) error {
	h, err := s.History(ctx, cmd.Target())
	if err != nil {
		return err
	}
	state := domain.NewProject(cmd.Target())
	seen := map[string]bool{}
	for _, r := range h.Records {
		domain.Evolve(&state, r.Event)
		seen[r.CommandID] = true
	}
	now := s.Clock().Now()
	if seen[domain.CommandKey(domain.ResolveDates(cmd, state, now))] {
		return nil
	}
	if c, ok := cmd.(domain.AttachEvidence); ok && !hasEvent(h.Records, c.About) && len(h.Records) > 0 {
		return domain.NewInputError(
			fmt.Sprintf("%s has no event %s; `ledger history %s --json` lists its events' ids", c.Project, c.About, c.Project),
			fmt.Sprintf("项目 %s 没有编号为 %s 的记录；`ledger history %s --json` 可查各记录的编号", c.Project, c.About, c.Project))
	}
	_, err = domain.Decide(state, cmd, now)
	return err
}

func hasEvent(records []eventstore.Record, id string) bool {
	for _, r := range records {
		if r.ID == id {
			return true
		}
	}
	return false
}

package main

import (
	"context"
	"fmt"
	"io"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/evidence"
)

// evidenceCheck is what verify found of the files of evidence the
// verified projects' events list: how many, and each one missing from
// the evidence store or altered there.
type evidenceCheck struct {
	files    int
	problems []evidence.Problem
}

// checkEvidence reads the files of evidence project p's events list
// (every project's when p is "") back from the evidence store and
// compares each with the digest and size its event records.
func checkEvidence(ctx context.Context, s *eventstore.Store, p domain.ProjectID) (evidenceCheck, error) {
	refs, err := evidence.Listed(ctx, s, p)
	if err != nil || len(refs) == 0 {
		return evidenceCheck{}, err
	}
	store, err := evidence.New(ctx, s)
	if err != nil {
		return evidenceCheck{}, err
	}
	problems, err := store.Check(ctx, refs)
	if err != nil {
		return evidenceCheck{}, fmt.Errorf("check evidence: %w", err)
	}
	return evidenceCheck{files: len(refs), problems: problems}, nil
}

// addJSON adds the check to verify's JSON output when there was evidence
// to check.
func (c evidenceCheck) addJSON(out map[string]any) map[string]any {
	if c.files == 0 {
		return out
	}
	bad := make([]map[string]any, 0, len(c.problems))
	for _, p := range c.problems {
		bad = append(bad, map[string]any{"project": p.Project, "event": p.Event, "file": p.File, "missing": p.Missing,
			"found_sha256": p.SHA256, "found_size": p.Size, "unreadable": p.Unreadable, "message": p.Error()})
	}
	out["evidence"] = map[string]any{"files": c.files, "problems": bad}
	return out
}

// print writes a line per file missing or altered and one line for the
// files checked; nothing when there were none.
func (c evidenceCheck) print(a *app, zh bool) {
	if c.files == 0 {
		return
	}
	for _, p := range c.problems {
		if zh {
			fmt.Fprintln(a.stdout, "EVIDENCE "+p.Chinese())
		} else {
			fmt.Fprintln(a.stdout, "EVIDENCE "+p.Error())
		}
	}
	if zh {
		fmt.Fprintf(a.stdout, "已核对 %d 个佐证材料：%d 个缺失或被改动\n", c.files, len(c.problems))
	} else {
		fmt.Fprintf(a.stdout, "checked %d evidence files: %d missing or altered\n", c.files, len(c.problems))
	}
}

// failure is the error verify ends with when a file is missing or
// altered, nil when none is.
func (c evidenceCheck) failure() error {
	if len(c.problems) == 0 {
		return nil
	}
	return &evidenceFailure{c.problems}
}

// evidenceFailure is verify's failure for files of evidence missing or
// altered, in English and in Chinese.
type evidenceFailure struct{ problems []evidence.Problem }

func (e *evidenceFailure) Error() string {
	return fmt.Sprintf("verification failed, %d evidence %s missing or altered; the first: %s",
		len(e.problems), plural(len(e.problems), "file", "files"), e.problems[0].Error())
}

// Chinese implements domain.Chinese.
func (e *evidenceFailure) Chinese() string {
	return fmt.Sprintf("校验未通过，%d 个佐证材料缺失或被改动；第一个：%s", len(e.problems), e.problems[0].Chinese())
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// bundleEvidence is the option that puts the files of evidence in a
// bundle when withEvidence is set.
func bundleEvidence(s *eventstore.Store, withEvidence bool) []eventstore.BundleOption {
	if !withEvidence {
		return nil
	}
	var store *evidence.Store
	return []eventstore.BundleOption{eventstore.WithEvidence(func(ctx context.Context, sha string) (io.ReadCloser, error) {
		if store == nil {
			var err error
			if store, err = evidence.New(ctx, s); err != nil {
				return nil, err
			}
		}
		rc, _, err := store.Open(ctx, sha)
		return rc, err
	})}
}

// printBundleEvidence says how many files of evidence a bundle holds,
// when it holds any; their content matches the digests their events
// record (Bundle and CheckBundle check it).
func printBundleEvidence(a *app, b eventstore.Bundle) {
	if len(b.Evidence) == 0 {
		if n := listedInBundle(b); n > 0 {
			fmt.Fprintf(a.stdout, "evidence: the events list %d %s, not in this bundle (ledger audit bundle --evidence includes them)\n",
				n, plural(n, "file", "files"))
		}
		return
	}
	var size int64
	for _, f := range b.Evidence {
		size += f.Size
	}
	fmt.Fprintf(a.stdout, "evidence: %d %s, %d bytes, each matching the SHA-256 and size its event records\n",
		len(b.Evidence), plural(len(b.Evidence), "file", "files"), size)
}

// listedInBundle is how many files of evidence the events of b list.
func listedInBundle(b eventstore.Bundle) int {
	codec := eventstore.NewCodec()
	events := make([]domain.Event, 0, len(b.Events))
	for _, e := range b.Events {
		if d, err := codec.Decode(e.CBOR); err == nil {
			events = append(events, d)
		}
	}
	return len(evidence.RefsOf(events))
}

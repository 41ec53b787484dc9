package main

import (
	"fmt"
	"strings"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// corrections ties, in one project's history, each correction to the
// event it corrects: by maps an event's sequence to the sequences of its
// later corrections, in order; of maps a correction's sequence to the
// event it corrects.
type corrections struct {
	by map[uint64][]uint64
	of map[uint64]uint64
}

// correctionLinks finds what each facts_corrected and record_corrected of
// recs, a project's events in stream order, corrects: the registration;
// the latest event of a step, of an approval of the kind, or of a
// milestone's plan; the N-th funds_received for tranche N. A correction
// whose original is not in recs links to nothing.
func correctionLinks(recs []eventstore.Record) corrections {
	links := corrections{by: map[uint64][]uint64{}, of: map[uint64]uint64{}}
	var registered uint64
	var funds []uint64
	steps := map[domain.EventType]uint64{}
	approvals := map[domain.ApprovalKind]uint64{}
	plans := map[domain.Milestone]uint64{}
	link := func(original, correction uint64) {
		if original != 0 {
			links.by[original] = append(links.by[original], correction)
			links.of[correction] = original
		}
	}
	for _, r := range recs {
		switch d := r.Data.(type) {
		case *domain.RegisteredData:
			registered = r.Sequence
		case *domain.FundsReceivedData:
			funds = append(funds, r.Sequence)
		case *domain.ApprovedData:
			approvals[d.Kind] = r.Sequence
		case *domain.MilestonePlannedData:
			plans[d.Milestone] = r.Sequence
		case *domain.StepData, *domain.StartedData:
			steps[r.Type] = r.Sequence
		case *domain.FactsCorrectedData:
			link(registered, r.Sequence)
		case *domain.RecordCorrectedData:
			switch d.Type {
			case domain.Approved:
				link(approvals[d.Kind], r.Sequence)
			case domain.MilestonePlanned:
				link(plans[d.Milestone], r.Sequence)
			case domain.FundsReceived:
				n := max(d.Tranche, 1) // 0: the only tranche
				if n <= len(funds) {
					link(funds[n-1], r.Sequence)
				}
			default:
				link(steps[d.Type], r.Sequence)
			}
		}
	}
	return links
}

// correctionNote is what a history line adds to an event's details: the
// corrections of it, or what it corrects.
func correctionNote(v recordView, zh bool) string {
	var notes []string
	if len(v.CorrectedBy) > 0 {
		seqs := make([]string, len(v.CorrectedBy))
		for i, s := range v.CorrectedBy {
			seqs[i] = fmt.Sprint(s)
		}
		if zh {
			notes = append(notes, "（已由第 "+strings.Join(seqs, "、")+" 号更正）")
		} else {
			notes = append(notes, "(corrected at seq "+strings.Join(seqs, ", ")+")")
		}
	}
	if v.Corrects != 0 {
		if zh {
			notes = append(notes, fmt.Sprintf("（更正第 %d 号）", v.Corrects))
		} else {
			notes = append(notes, fmt.Sprintf("(corrects seq %d)", v.Corrects))
		}
	}
	if len(notes) == 0 {
		return ""
	}
	return " " + strings.Join(notes, " ")
}

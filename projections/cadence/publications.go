package cadence

import (
	"context"
	"time"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// Publication is a publication as the ledger recorded it.
type Publication struct {
	domain.ReportPublishedData
	// On is the day it was published, Recorded when, Actor by whom.
	On       domain.Date `json:"on"`
	Recorded time.Time   `json:"recorded_at"`
	Actor    string      `json:"actor"`
}

// Publications returns every publication recorded, in the order recorded.
func Publications(ctx context.Context, store *eventstore.Store) ([]Publication, error) {
	recs, _, err := store.Load(ctx, domain.PublicationsID)
	if err != nil {
		return nil, err
	}
	var out []Publication
	for _, r := range recs {
		d, ok := r.Data.(*domain.ReportPublishedData)
		if !ok {
			continue
		}
		out = append(out, Publication{ReportPublishedData: *d, On: r.OccurredOn, Recorded: r.RecordedAt, Actor: r.Actor})
	}
	return out, nil
}

// Folder returns where cfg's jobs write the publication's files: the
// folder of the first job of its report kind (Out when none).
func (c Config) Folder(p Publication) string {
	folder := c.out()
	if jobs, err := c.compile(); err == nil {
		for _, j := range jobs {
			if string(j.Report) == p.Report {
				folder = j.folder
				break
			}
		}
	}
	return folder + "/" + p.Report + "/" + p.Period
}

package domain

import (
	"strings"
	"time"
)

// What the office publishes on its cadence (the weekly dispatch, the
// monthly bulletin, the quarterly and year-end tables) is recorded in a
// history of its own, PublicationsID: each publication names the report,
// the period it covers, the cut it was computed on (the business day and
// the instant of recording) and every file it wrote with its SHA-256. An
// auditor reproduces a publication by running its command line again and
// comparing the digests.

// PublicationsID is the history publications are kept in; no project may
// be registered under it.
const PublicationsID ProjectID = "PUBLICATIONS"

// ReportPublished is the event type of a publication.
const ReportPublished EventType = "report_published"

// RecordPublication records that a report was produced and published.
type RecordPublication struct {
	Meta
	Report string // what was published: dispatch, bulletin, quarterly, ...
	Period string // the period it covers: 2026-W48, 2026-11, 2026-Q4, 2026
	// AsOf is the business day the report was computed for, Cut the
	// instant of recording it read up to (--as-of-recorded).
	AsOf Date
	Cut  time.Time
	// Args are the ledger command lines that write the files again, one
	// per file or one for all, without the data folder or server.
	Args  [][]string
	Files []EvidenceFile
	On    Date
}

// Target implements Command.
func (c RecordPublication) Target() ProjectID { return PublicationsID }

// Action implements Command.
func (c RecordPublication) Action() string {
	return "record the publication of " + c.Report + " " + c.Period
}

// ReportPublishedData is one publication.
type ReportPublishedData struct {
	Report string         `cbor:"report" json:"report"`
	Period string         `cbor:"period" json:"period"`
	AsOf   Date           `cbor:"as_of" json:"as_of"`
	Cut    time.Time      `cbor:"cut" json:"cut"`
	Args   [][]string     `cbor:"args" json:"args"`
	Files  []EvidenceFile `cbor:"files" json:"files"`
}

// EventType implements Payload.
func (*ReportPublishedData) EventType() EventType { return ReportPublished }

// PublicationKey names a publication in Project.Published: report and
// period.
func PublicationKey(report, period string) string { return report + " " + period }

func isPublication(cmd Command) bool {
	_, ok := cmd.(RecordPublication)
	return ok
}

func (d *decision) publish(c RecordPublication) ([]Event, error) {
	report, period := strings.TrimSpace(c.Report), strings.TrimSpace(c.Period)
	if report == "" || period == "" || len(report) > 64 || len(period) > 64 {
		return nil, d.refuse(ErrInvalid, "report %q, period %q", "name the report and the period it covers, each at most 64 characters", report, period).
			zh("报表“%s”、时段“%s”", "请填写报表名称和所涵盖的时段，各不超过 64 个字符", report, period)
	}
	if on, ok := d.p.Published[PublicationKey(report, period)]; ok {
		return nil, d.refuse(ErrAlreadyExists, "%s %s was already published on %s", "a period's report is published once", report, period, on).
			zh("%s（%s）已于 %s 发布", "每个时段的报表只发布一次", report, period, on)
	}
	if len(c.Files) == 0 {
		return nil, d.refuse(ErrInvalid, "no file given", "a publication lists the files it wrote").zh("未列出文件", "发布记录须列出所写的文件")
	}
	if err := CheckPublishedFiles(c.Files); err != nil {
		return nil, d.refuse(ErrInvalid, "%v", "", err).zh("%s", "", Chinese(err))
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	return d.events(on, &ReportPublishedData{Report: report, Period: period, AsOf: c.AsOf, Cut: c.Cut.UTC(), Args: c.Args, Files: c.Files}), nil
}

// CheckPublishedFiles refuses a publication's file list with a file
// that has no plain name or SHA-256, or the same content twice; a
// published file may be of any type and size.
func CheckPublishedFiles(files []EvidenceFile) error {
	seen := map[string]bool{}
	for _, f := range files {
		if err := checkFile(f, seen); err != nil {
			return err
		}
	}
	return nil
}

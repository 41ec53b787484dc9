package cadence

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/query"
)

// Lookback bounds how far before its start a scheduler looks for a run
// it missed: a year and a little, so a year-end posting missed while the
// scheduler was down is still made.
const Lookback = 400 * 24 * time.Hour

// maxSteps bounds the search for a job's runs in a span of time: a cron
// firing every minute over Lookback has fewer.
const maxSteps = 600_000

// DefaultPoll is how often Run reads the clock.
const DefaultPoll = 20 * time.Second

// Status says what became of a job's run.
type Status string

// The outcomes of a run.
const (
	// Published: the files were written and the publication recorded.
	Published Status = "published"
	// AlreadyPublished: the period had been published (by an earlier
	// run, before a restart, or by another scheduler); nothing written.
	AlreadyPublished Status = "already published"
	// OutsideMonths: the period has a month outside the job's months.
	OutsideMonths Status = "outside months"
	// Restored: the period had been published but its folder was
	// missing; its files were rendered again on the publication's cut,
	// found to have the recorded digests, and put back.
	Restored Status = "restored"
	// Failed: the run failed; it is tried again at the next tick.
	Failed Status = "failed"
)

// Outcome is what one run of a job did.
type Outcome struct {
	Job    string
	Report Kind
	Span   Span
	// Due is the instant the run was due, the cut it reads up to.
	Due    time.Time
	Status Status
	// Folder is where the files are, Files what they are.
	Folder string
	Files  []domain.EvidenceFile
	Args   [][]string
	Err    error
}

// Options configure a Scheduler.
type Options struct {
	// Clock tells the time (default the system clock).
	Clock domain.Clock
	// Actor records the publications (default the Config's Actor, else
	// "cadence").
	Actor string
	// Out, when set, replaces the Config's Out.
	Out string
	// Poll is how often Run reads the clock (default DefaultPoll).
	Poll time.Duration
	// OnRun, when set, is told every outcome but OutsideMonths.
	OnRun func(Outcome)
}

// Scheduler runs a Config's jobs on a store.
type Scheduler struct {
	store *eventstore.Store
	qs    *query.Service
	cfg   Config
	jobs  []job
	zone  *time.Location
	o     Options
	// checked is, per job, the instant up to which its runs were made.
	checked map[string]time.Time
}

// New returns a Scheduler for cfg on store.
func New(store *eventstore.Store, cfg Config, o Options) (*Scheduler, error) {
	if o.Out != "" {
		cfg.Out = o.Out
	}
	jobs, err := cfg.compile()
	if err != nil {
		return nil, err
	}
	zone, err := cfg.zone()
	if err != nil {
		return nil, err
	}
	if o.Clock == nil {
		o.Clock = domain.SystemClock{}
	}
	if o.Actor == "" {
		o.Actor = cfg.Actor
	}
	if o.Actor == "" {
		o.Actor = "cadence"
	}
	if o.Poll <= 0 {
		o.Poll = DefaultPoll
	}
	qs := query.New(store, query.WithClock(o.Clock), query.WithZone(zone))
	return &Scheduler{store: store, qs: qs, cfg: cfg, jobs: jobs, zone: zone, o: o, checked: map[string]time.Time{}}, nil
}

// lastDue returns the latest instant in (after, upTo] that j runs at.
func (j job) lastDue(after, upTo time.Time, zone *time.Location) (time.Time, bool) {
	var last time.Time
	t := after.In(zone)
	for range maxSteps {
		next := j.schedule.Next(t)
		if next.IsZero() || next.After(upTo) {
			break
		}
		last, t = next, next
	}
	return last, !last.IsZero()
}

// Tick makes the runs due by the clock's now: for each job, its latest
// run due since the last tick. The first tick looks back Lookback, so a
// run missed while no scheduler ran is made once at start, on the cut
// of the instant it was due; earlier missed runs of the same job are not
// made (see RunAt). A run that fails is tried again at the next tick.
func (s *Scheduler) Tick(ctx context.Context) ([]Outcome, error) {
	now := s.o.Clock.Now()
	var outs []Outcome
	var errs []error
	for _, j := range s.jobs {
		after, ok := s.checked[j.Name]
		if !ok {
			after = now.Add(-Lookback)
		}
		due, ok := j.lastDue(after, now, s.zone)
		if !ok {
			s.checked[j.Name] = now
			continue
		}
		out := s.run(ctx, j, due)
		if out.Status == Failed {
			errs = append(errs, out.Err)
		} else {
			s.checked[j.Name] = now
		}
		outs = append(outs, out)
	}
	return outs, errors.Join(errs...)
}

// RunAt makes the runs due at the minute of at: the jobs whose cron
// fires then, each on the cut of that instant. It is how a clerk makes a
// run that was missed, or makes one again to see it refused.
func (s *Scheduler) RunAt(ctx context.Context, at time.Time) ([]Outcome, error) {
	at = at.Truncate(time.Minute)
	var outs []Outcome
	var errs []error
	for _, j := range s.jobs {
		due, ok := j.lastDue(at.Add(-time.Minute), at, s.zone)
		if !ok {
			continue
		}
		out := s.run(ctx, j, due)
		if out.Err != nil {
			errs = append(errs, out.Err)
		}
		outs = append(outs, out)
	}
	return outs, errors.Join(errs...)
}

// Run ticks until ctx ends, reading the clock every Poll. Failed runs
// are told to OnRun and tried again; Run returns only when ctx ends.
func (s *Scheduler) Run(ctx context.Context) error {
	for {
		_, _ = s.Tick(ctx)
		t := time.NewTimer(s.o.Poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// Next returns the next instant after the clock's now that a job runs
// at, and the job.
func (s *Scheduler) Next() (time.Time, string) {
	now := s.o.Clock.Now().In(s.zone)
	var next time.Time
	var name string
	for _, j := range s.jobs {
		if t := j.schedule.Next(now); !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next, name = t, j.Name
		}
	}
	return next, name
}

// run makes one run of j, due at due.
func (s *Scheduler) run(ctx context.Context, j job, due time.Time) Outcome {
	due = due.In(s.zone)
	span := Covered(j.Period, domain.DateOf(due, s.zone))
	out := Outcome{Job: j.Name, Report: j.Report, Span: span, Due: due,
		Folder: filepath.Join(j.folder, string(j.Report), span.Label)}
	defer func() {
		if s.o.OnRun != nil && out.Status != OutsideMonths {
			s.o.OnRun(out)
		}
	}()
	fail := func(err error) Outcome {
		out.Status, out.Err = Failed, fmt.Errorf("%s %s %s: %w", j.Name, j.Report, span.Label, err)
		return out
	}
	if !span.within(j.Months) {
		out.Status = OutsideMonths
		return out
	}
	pubs, err := Publications(ctx, s.store)
	if err != nil {
		return fail(err)
	}
	for _, p := range pubs {
		if p.Report == string(j.Report) && p.Period == span.Label {
			out.Status = AlreadyPublished
			if _, err := os.Stat(out.Folder); errors.Is(err, fs.ErrNotExist) {
				s.restore(ctx, j, span, p, &out)
			}
			return out
		}
	}
	// The files are written to a staging folder beside the final one and
	// moved there once the publication is recorded: a scheduler that loses
	// the race to record it removes its own files.
	stage, files, args, err := s.stage(ctx, j, span, due, out.Folder)
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(stage)
	out.Files, out.Args = files, args
	cmd := domain.RecordPublication{Meta: domain.Meta{Actor: s.o.Actor}, Report: string(j.Report), Period: span.Label,
		AsOf: span.Last, Cut: due, Args: out.Args, Files: out.Files, On: domain.DateOf(due, s.zone)}
	_, err = s.store.Execute(ctx, cmd)
	if errors.Is(err, domain.ErrAlreadyExists) {
		out.Status, out.Files, out.Args = AlreadyPublished, nil, nil
		return out
	}
	if err != nil {
		return fail(err)
	}
	if err := place(stage, out.Folder, out.Files); err != nil {
		return fail(err)
	}
	out.Status = Published
	return out
}

// stage renders j's files for span on the cut of due into a new staging
// folder beside folder, and returns it with the files and their command
// lines.
func (s *Scheduler) stage(ctx context.Context, j job, span Span, due time.Time, folder string) (string, []domain.EvidenceFile, [][]string, error) {
	parent := filepath.Dir(folder)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", nil, nil, err
	}
	stage, err := os.MkdirTemp(parent, "."+span.Label+".")
	if err != nil {
		return "", nil, nil, err
	}
	var files []domain.EvidenceFile
	var args [][]string
	q := query.Report{Cut: query.Cut{AsOf: span.Last, Recorded: due}, Bands: projections.DefaultBands}
	for _, f := range j.files(span, due, s.cfg.Issuer) {
		b, err := f.render(ctx, s.qs, q)
		if err == nil {
			err = os.WriteFile(filepath.Join(stage, f.name), b, 0o644)
		}
		if err != nil {
			os.RemoveAll(stage)
			return "", nil, nil, fmt.Errorf("%s: %w", f.name, err)
		}
		files = append(files, Describe(f.name, b))
		args = append(args, f.args)
	}
	return stage, files, args, nil
}

// place moves the staging folder to folder. When folder is there already
// (another scheduler recorded the same publication, the same command
// stored once, and moved its files first), its files must be the same.
func place(stage, folder string, files []domain.EvidenceFile) error {
	if err := os.Rename(stage, folder); err != nil {
		if bad := CheckFolder(folder, files); len(bad) > 0 {
			return fmt.Errorf("%s holds other files than the publication's: %v", folder, bad)
		}
	}
	return nil
}

// restore writes again the files of p, published but missing from its
// folder (a scheduler stopped between recording it and moving its files
// into place, or the folder was removed): rendered on p's cut, and put in
// place only when every digest is the recorded one.
func (s *Scheduler) restore(ctx context.Context, j job, span Span, p Publication, out *Outcome) {
	stage, files, _, err := s.stage(ctx, j, span, p.Cut.In(s.zone), out.Folder)
	if err != nil {
		out.Err = fmt.Errorf("restore %s: %w", out.Folder, err)
		return
	}
	defer os.RemoveAll(stage)
	if len(files) != len(p.Files) {
		out.Err = fmt.Errorf("restore %s: the job writes %d files, the publication has %d", out.Folder, len(files), len(p.Files))
		return
	}
	for i, f := range files {
		if f != p.Files[i] {
			out.Err = fmt.Errorf("restore %s: %s rendered again differs from the publication's", out.Folder, f.Name)
			return
		}
	}
	if err := place(stage, out.Folder, files); err != nil {
		out.Err = fmt.Errorf("restore %s: %w", out.Folder, err)
		return
	}
	out.Status, out.Files = Restored, files
}

// Describe returns a published file's name, type, size and SHA-256.
func Describe(name string, b []byte) domain.EvidenceFile {
	sum := sha256.Sum256(b)
	return domain.EvidenceFile{Name: name, Type: mediaType(name), Size: int64(len(b)), SHA256: hex.EncodeToString(sum[:])}
}

func mediaType(name string) string {
	switch filepath.Ext(name) {
	case ".docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".md":
		return "text/markdown; charset=utf-8"
	}
	return "application/octet-stream"
}

// CheckFolder compares the files in folder with a publication's list and
// returns what differs: a file missing, or of other content.
func CheckFolder(folder string, files []domain.EvidenceFile) []string {
	var bad []string
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(folder, f.Name))
		switch {
		case err != nil:
			bad = append(bad, f.Name+": missing")
		case Describe(f.Name, b).SHA256 != f.SHA256:
			bad = append(bad, f.Name+": altered")
		}
	}
	return bad
}

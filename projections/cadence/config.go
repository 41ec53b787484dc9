package cadence

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/keyprojects/ledger/domain"
)

// Kind is what a job publishes.
type Kind string

// The kinds of publication.
const (
	// Dispatch (调度): the status table and the overdue list, as a
	// workbook of every read model and two Markdown tables.
	Dispatch Kind = "dispatch"
	// Bulletin (通报): the bulletin of the period as a Word notice and a
	// workbook.
	Bulletin Kind = "bulletin"
	// Quarterly (季度检查): the quarter's bulletin as a workbook and the
	// units' scoreboard.
	Quarterly Kind = "quarterly"
	// HalfYear (半年总结): the half-year's bulletin as a Word summary and a
	// workbook.
	HalfYear Kind = "half-year"
	// YearEnd (年终张榜): the public posting of every unit's results for
	// the year, deadlines and investment, with nothing internal (no
	// project, leader or reason).
	YearEnd Kind = "year-end"
)

// kinds lists the kinds with their Chinese names, the period each covers
// by default and the periods each may cover.
var kinds = map[Kind]struct {
	zh      string
	period  Period
	periods []Period
}{
	Dispatch:  {"调度", Week, []Period{Week, HalfMonth, Month}},
	Bulletin:  {"通报", Month, []Period{Week, Month, Quarter, Half, Year}},
	Quarterly: {"季度检查", Quarter, []Period{Quarter}},
	HalfYear:  {"半年总结", Half, []Period{Half}},
	YearEnd:   {"年终张榜", Year, []Period{Year}},
}

// Chinese returns the kind's Chinese name.
func (k Kind) Chinese() string { return kinds[k].zh }

// Config is a cadence file (cadence.json): where the publications go and
// the jobs that make them.
type Config struct {
	// Zone is the time zone the cron expressions and the periods are read
	// in. Empty: Asia/Shanghai.
	Zone string `json:"zone,omitempty"`
	// Out is the folder the publications are written under. Empty:
	// "publications".
	Out string `json:"out,omitempty"`
	// Issuer is the office the documents are issued by (发文机关,
	// 填报单位). Empty: the notice's default, 重点项目办公室.
	Issuer string `json:"issuer,omitempty"`
	// Actor is who records the publications. Empty: the ledger's actor.
	Actor string `json:"actor,omitempty"`
	Jobs  []Job  `json:"jobs"`
}

// Job is one line of the cadence: when it runs and what it publishes.
type Job struct {
	// Name names the job in logs and messages (周调度, 月通报).
	Name string `json:"name"`
	// Cron is when the job runs: minute hour day-of-month month
	// day-of-week, in the Config's zone ("0 8 * * 1": Mondays at 08:00).
	Cron string `json:"cron"`
	// Report is the kind of publication.
	Report Kind `json:"report"`
	// Period is the span a run covers: the last whole one before the run
	// (week, half-month, month, quarter, half, year). Empty: the kind's.
	Period Period `json:"period,omitempty"`
	// Months, when set, are the months the covered period must lie in:
	// a period with a month outside them is not published by this job.
	// Quarterly bulletins for Q1-Q3 are months 1-9, monthly ones for Q4
	// months 10-12.
	Months []int `json:"months,omitempty"`
	// Folder is where the job's files go: <folder>/<report>/<period>/.
	// Empty: the Config's Out; a relative folder is under Out.
	Folder string `json:"folder,omitempty"`
	// Title heads the workbooks (and the half-year summary). Empty: the
	// kind's default.
	Title string `json:"title,omitempty"`
}

// DefaultConfig is the county's announced cadence: the weekly dispatch
// on Monday morning (每周一调度), the monthly bulletin on the first
// (一月一通报), the quarterly inspection (一季一检查), the half-year
// summary (半年一总结) and the year-end posting (年终张榜).
func DefaultConfig() Config {
	return Config{
		Zone: domain.DefaultTimeZone,
		Out:  "publications",
		Jobs: []Job{
			{Name: "周调度", Cron: "0 8 * * 1", Report: Dispatch, Period: Week},
			{Name: "月通报", Cron: "0 9 1 * *", Report: Bulletin, Period: Month},
			{Name: "季度检查", Cron: "0 10 1 1,4,7,10 *", Report: Quarterly, Period: Quarter},
			{Name: "半年总结", Cron: "0 10 1 1,7 *", Report: HalfYear, Period: Half},
			{Name: "年终张榜", Cron: "0 11 1 1 *", Report: YearEnd, Period: Year},
		},
	}
}

// QuarterlyThenMonthly is the cadence of counties that publish the
// bulletin by quarter for the first three quarters and by month in the
// fourth (前三季度按季通报、第四季度按月通报); the other jobs are
// DefaultConfig's.
func QuarterlyThenMonthly() Config {
	c := DefaultConfig()
	c.Jobs = []Job{
		c.Jobs[0],
		{Name: "季度通报", Cron: "0 9 1 4,7,10 *", Report: Bulletin, Period: Quarter, Months: []int{1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{Name: "四季度月通报", Cron: "0 9 1 1,11,12 *", Report: Bulletin, Period: Month, Months: []int{10, 11, 12}},
		c.Jobs[2], c.Jobs[3], c.Jobs[4],
	}
	return c
}

// ReadConfig reads a cadence file; unknown fields are refused, so a
// misspelt key is not silently ignored.
func ReadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read cadence %s: %w", path, err)
	}
	var c Config
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("read cadence %s: %w", path, err)
	}
	if _, err := c.compile(); err != nil {
		return Config{}, fmt.Errorf("cadence %s: %w", path, err)
	}
	return c, nil
}

// job is a Job ready to run.
type job struct {
	Job
	schedule cron.Schedule
	folder   string
}

// parser reads the five standard cron fields, and a CRON_TZ= prefix.
var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// zone returns the Config's time zone.
func (c Config) zone() (*time.Location, error) {
	return domain.LoadZone(c.Zone)
}

// out returns the folder publications go under.
func (c Config) out() string {
	if c.Out == "" {
		return "publications"
	}
	return c.Out
}

// compile checks the Config and returns its jobs ready to run.
func (c Config) compile() ([]job, error) {
	if _, err := c.zone(); err != nil {
		return nil, fmt.Errorf("zone %q: %w", c.Zone, err)
	}
	if len(c.Jobs) == 0 {
		return nil, errors.New("no jobs")
	}
	var errs []error
	var out []job
	names := map[string]bool{}
	for i, j := range c.Jobs {
		where := fmt.Sprintf("job %d (%s)", i+1, j.Name)
		if strings.TrimSpace(j.Name) == "" {
			errs = append(errs, fmt.Errorf("job %d: no name", i+1))
		}
		if names[j.Name] {
			errs = append(errs, fmt.Errorf("%s: the name is used twice", where))
		}
		names[j.Name] = true
		k, ok := kinds[j.Report]
		if !ok {
			errs = append(errs, fmt.Errorf("%s: report %q is unknown; expected dispatch, bulletin, quarterly, half-year or year-end", where, j.Report))
			continue
		}
		if j.Period == "" {
			j.Period = k.period
		}
		if !slices.Contains(k.periods, j.Period) {
			errs = append(errs, fmt.Errorf("%s: a %s covers %s, not %q", where, j.Report, periodList(k.periods), j.Period))
		}
		for _, m := range j.Months {
			if m < 1 || m > 12 {
				errs = append(errs, fmt.Errorf("%s: month %d is not 1 to 12", where, m))
			}
		}
		s, err := parser.Parse(j.Cron)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: cron %q: %w", where, j.Cron, err))
			continue
		}
		folder := c.out()
		if j.Folder != "" {
			folder = j.Folder
			if !filepath.IsAbs(folder) {
				folder = filepath.Join(c.out(), folder)
			}
		}
		out = append(out, job{Job: j, schedule: s, folder: folder})
	}
	return out, errors.Join(errs...)
}

func periodList(ps []Period) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return strings.Join(s, ", ")
}

package projections

import (
	"cmp"
	"slices"

	"github.com/keyprojects/ledger/domain"
)

// ReserveRow is one project of the pipeline before the plan (项目储备库)
// as it stood on a date: its stage, who proposed it, what it would cost.
type ReserveRow struct {
	Project           domain.ProjectID `json:"project"`
	Name              string           `json:"name"`
	ProposedBy        string           `json:"proposed_by"`
	BodyKind          domain.BodyKind  `json:"body_kind"`
	Industry          string           `json:"industry"`
	PlannedInvestment int64            `json:"planned_investment_yuan"`
	// Stage is conceived, assessed, reserved, packaged, converted or
	// dropped.
	Stage     domain.EventType `json:"stage"`
	Conceived domain.Date      `json:"conceived"`
	Reserved  domain.Date      `json:"reserved"` // entered the county's reserve; zero if not yet
	// Libraries are the higher levels' libraries it had entered.
	Libraries []domain.Level  `json:"libraries"`
	Year      int             `json:"year,omitempty"` // the list it was converted into
	List      domain.ListKind `json:"list,omitempty"`
}

// ReserveGroup sums the projects of one stage, body or industry.
type ReserveGroup struct {
	Key               string `json:"key"`
	Projects          int    `json:"projects"`
	PlannedInvestment int64  `json:"planned_investment_yuan"`
}

// BodyConversion is one proposing body's record: how many projects it
// conceived, how many entered the reserve, were converted into a key
// project list or dropped, and its conversion rate (converted over
// conceived, in 1/100 %).
type BodyConversion struct {
	Body         string          `json:"body"`
	Kind         domain.BodyKind `json:"kind"`
	Conceived    int             `json:"conceived"`
	Reserved     int             `json:"reserved"`
	Converted    int             `json:"converted"`
	Dropped      int             `json:"dropped"`
	ConversionBP *int64          `json:"conversion_rate_bp"`
}

// Reserve is the reserve pool on a date.
type Reserve struct {
	AsOf     domain.Date  `json:"as_of"`
	Projects []ReserveRow `json:"projects"`
	// ByStage, ByBody and ByIndustry sum the projects still in the
	// pipeline (neither converted nor dropped).
	ByStage    []ReserveGroup   `json:"by_stage"`
	ByIndustry []ReserveGroup   `json:"by_industry"`
	Bodies     []BodyConversion `json:"bodies"`
	// Ready counts the projects in the county's reserve waiting to be
	// converted (reserved or packaged), ReadyInvestment their planned
	// investment.
	Ready           int   `json:"ready"`
	ReadyInvestment int64 `json:"ready_investment_yuan"`
	// NewStartsYear is the latest list year with new projects converted
	// from the reserve by AsOf, NewStarts how many; YearsCovered100 is
	// Ready over NewStarts in hundredths, truncated (250: the pool holds
	// two and a half years of new starts, 不断档), null when no list has
	// new projects from the reserve yet.
	NewStartsYear   int    `json:"new_starts_year,omitempty"`
	NewStarts       int    `json:"new_starts"`
	YearsCovered100 *int64 `json:"years_covered_x100"`
}

// ReserveOn returns the reserve pool on o.AsOf: every project conceived
// by then, in the order conceived.
func ReserveOn(rows []*Row, o Options) Reserve {
	out := Reserve{AsOf: o.AsOf, Projects: []ReserveRow{}, ByStage: []ReserveGroup{}, ByIndustry: []ReserveGroup{}, Bodies: []BodyConversion{}}
	stages, industries := map[string]*ReserveGroup{}, map[string]*ReserveGroup{}
	bodies := map[string]*BodyConversion{}
	newStarts := map[int]int{}
	add := func(m map[string]*ReserveGroup, key string, yuan int64) {
		if m[key] == nil {
			m[key] = &ReserveGroup{Key: key}
		}
		m[key].Projects++
		m[key].PlannedInvestment += yuan
	}
	for _, r := range rows {
		res := r.Reserve
		if res == nil {
			continue
		}
		stage, ok := res.StageOn(o.AsOf)
		if !ok {
			continue
		}
		row := ReserveRow{Project: r.ID, Name: res.Name, ProposedBy: res.ProposedBy, BodyKind: res.BodyKind, Industry: res.Industry,
			PlannedInvestment: res.PlannedInvestment, Stage: stage, Conceived: res.Conceived, Libraries: []domain.Level{}}
		if d := res.Libraries[domain.LevelCounty]; !d.IsZero() && d <= o.AsOf {
			row.Reserved = d
		}
		for _, l := range []domain.Level{domain.LevelCity, domain.LevelProvince, domain.LevelState} {
			if d, ok := res.Libraries[l]; ok && d <= o.AsOf {
				row.Libraries = append(row.Libraries, l)
			}
		}
		if stage == domain.Converted {
			row.Year, row.List = res.Year, res.List
			if res.List == domain.ListNew {
				newStarts[res.Year]++
			}
		}
		out.Projects = append(out.Projects, row)

		b := bodies[res.ProposedBy]
		if b == nil {
			b = &BodyConversion{Body: res.ProposedBy, Kind: res.BodyKind}
			bodies[res.ProposedBy] = b
		}
		b.Conceived++
		if !row.Reserved.IsZero() {
			b.Reserved++
		}
		switch stage {
		case domain.Converted:
			b.Converted++
		case domain.Dropped:
			b.Dropped++
		default:
			add(stages, string(stage), res.PlannedInvestment)
			add(industries, res.Industry, res.PlannedInvestment)
			if stage == domain.Reserved || stage == domain.Packaged {
				out.Ready++
				out.ReadyInvestment += res.PlannedInvestment
			}
		}
	}
	slices.SortFunc(out.Projects, func(a, b ReserveRow) int {
		return cmp.Or(cmp.Compare(a.Conceived, b.Conceived), cmp.Compare(a.Project, b.Project))
	})
	for _, s := range []domain.EventType{domain.Conceived, domain.Assessed, domain.Reserved, domain.Packaged} {
		if g := stages[string(s)]; g != nil {
			out.ByStage = append(out.ByStage, *g)
		}
	}
	for _, g := range industries {
		out.ByIndustry = append(out.ByIndustry, *g)
	}
	slices.SortFunc(out.ByIndustry, func(a, b ReserveGroup) int {
		return cmp.Or(cmp.Compare(b.PlannedInvestment, a.PlannedInvestment), cmp.Compare(a.Key, b.Key))
	})
	for _, b := range bodies {
		b.ConversionBP = ratioBP(int64(b.Converted), int64(b.Conceived))
		out.Bodies = append(out.Bodies, *b)
	}
	slices.SortFunc(out.Bodies, func(a, b BodyConversion) int {
		return cmp.Or(cmp.Compare(b.Converted*a.Conceived, a.Converted*b.Conceived), cmp.Compare(b.Conceived, a.Conceived), cmp.Compare(a.Body, b.Body))
	})
	for y, n := range newStarts {
		if y > out.NewStartsYear {
			out.NewStartsYear, out.NewStarts = y, n
		}
	}
	if out.NewStarts > 0 {
		v := int64(out.Ready) * 100 / int64(out.NewStarts)
		out.YearsCovered100 = &v
	}
	return out
}

// ratioBP is num over den in basis points (1/100 %), truncated as
// basisPoints does; nil when den is zero.
func ratioBP(num, den int64) *int64 {
	if den == 0 {
		return nil
	}
	v := basisPoints(num, den)
	return &v
}

// ApplicationRow is one upward application (争取) as it stood on a date.
type ApplicationRow struct {
	Project     domain.ProjectID `json:"project"`
	Name        string           `json:"name"`
	Application string           `json:"application"`
	Level       domain.Level     `json:"level"`
	Programme   string           `json:"programme"`
	Submitted   domain.Date      `json:"submitted"`
	// Status is submitted (waiting for the answer), approved or refused.
	Status   string      `json:"status"`
	Answered domain.Date `json:"answered"`
	Document string      `json:"document"`
	Asked    int64       `json:"asked_yuan"`
	Granted  int64       `json:"granted_yuan"`
	Received int64       `json:"received_yuan"`
}

// ApplicationGroup sums applications of one level and programme ("" for
// all of a level, or for the total).
type ApplicationGroup struct {
	Level     domain.Level `json:"level"`
	Programme string       `json:"programme"`
	Count     int          `json:"applications"`
	Approved  int          `json:"approved"`
	Refused   int          `json:"refused"`
	Waiting   int          `json:"waiting"`
	Asked     int64        `json:"asked_yuan"`
	Granted   int64        `json:"granted_yuan"`
	Received  int64        `json:"received_yuan"`
}

// Applications is the ledger of upward applications on a date.
type Applications struct {
	AsOf        domain.Date        `json:"as_of"`
	Rows        []ApplicationRow   `json:"applications"`
	ByLevel     []ApplicationGroup `json:"by_level"`
	ByProgramme []ApplicationGroup `json:"by_programme"`
	Total       ApplicationGroup   `json:"total"`
}

// The statuses of an application.
const (
	ApplicationWaiting  = "submitted"
	ApplicationApproved = "approved"
	ApplicationRefused  = "refused"
)

// ApplicationsOn returns every application submitted by o.AsOf, by date
// submitted, with what had been answered and had arrived by then.
func ApplicationsOn(rows []*Row, o Options) Applications { return ApplicationsWhere(rows, o, nil) }

// ApplicationsWhere is ApplicationsOn of the applications keep keeps (all
// when keep is nil), summed over those alone.
func ApplicationsWhere(rows []*Row, o Options, keep func(*domain.Application) bool) Applications {
	out := Applications{AsOf: o.AsOf, Rows: []ApplicationRow{}, ByLevel: []ApplicationGroup{}, ByProgramme: []ApplicationGroup{}}
	for _, r := range rows {
		name := r.Name
		if name == "" && r.Reserve != nil {
			name = r.Reserve.Name
		}
		for _, a := range r.Applications {
			if a.Submitted > o.AsOf || keep != nil && !keep(a) {
				continue
			}
			row := ApplicationRow{Project: r.ID, Name: name, Application: a.ID, Level: a.Level, Programme: a.Programme,
				Submitted: a.Submitted, Status: ApplicationWaiting, Asked: a.Asked}
			if !a.Answered.IsZero() && a.Answered <= o.AsOf {
				row.Answered, row.Document, row.Status = a.Answered, a.Document, ApplicationRefused
				if a.Approved {
					row.Status, row.Granted, row.Received = ApplicationApproved, a.Granted, a.ReceivedBy(o.AsOf)
				}
			}
			out.Rows = append(out.Rows, row)
		}
	}
	slices.SortFunc(out.Rows, func(a, b ApplicationRow) int {
		return cmp.Or(cmp.Compare(a.Submitted, b.Submitted), cmp.Compare(a.Project, b.Project), cmp.Compare(a.Application, b.Application))
	})
	levels, programmes := map[domain.Level]*ApplicationGroup{}, map[[2]string]*ApplicationGroup{}
	count := func(g *ApplicationGroup, r ApplicationRow) {
		g.Count++
		switch r.Status {
		case ApplicationApproved:
			g.Approved++
		case ApplicationRefused:
			g.Refused++
		default:
			g.Waiting++
		}
		g.Asked += r.Asked
		g.Granted += r.Granted
		g.Received += r.Received
	}
	for _, r := range out.Rows {
		if levels[r.Level] == nil {
			levels[r.Level] = &ApplicationGroup{Level: r.Level}
		}
		key := [2]string{string(r.Level), r.Programme}
		if programmes[key] == nil {
			programmes[key] = &ApplicationGroup{Level: r.Level, Programme: r.Programme}
		}
		count(levels[r.Level], r)
		count(programmes[key], r)
		count(&out.Total, r)
	}
	rank := map[domain.Level]int{domain.LevelState: 0, domain.LevelProvince: 1, domain.LevelCity: 2, domain.LevelCounty: 3}
	for _, g := range levels {
		out.ByLevel = append(out.ByLevel, *g)
	}
	for _, g := range programmes {
		out.ByProgramme = append(out.ByProgramme, *g)
	}
	byLevel := func(a, b ApplicationGroup) int {
		return cmp.Or(cmp.Compare(rank[a.Level], rank[b.Level]), cmp.Compare(a.Programme, b.Programme))
	}
	slices.SortFunc(out.ByLevel, byLevel)
	slices.SortFunc(out.ByProgramme, byLevel)
	return out
}

package plan_test

import (
	"regexp"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/plan"
)

var isoDate = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// FuzzRows reads arbitrary bytes as a CSV plan. Whatever the bytes, Rows
// does not panic; a row it returns is one the ledger can store as it is;
// a problem it reports says what and where.
func FuzzRows(f *testing.F) {
	for _, lang := range []plan.Lang{plan.EN, plan.ZH} {
		f.Add(templateCSV(f, lang))
	}
	zhCSV := csvBytes(f, zhPlan)
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes(zhCSV)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][]byte{
		zhCSV,
		gb,
		[]byte(""),
		[]byte("\ufeff"),
		[]byte("project,name,total investment (yuan),unit,leader\n"),
		[]byte("project,name,total investment (yuan),unit,leader\nP-1,Plant,100.5,Bureau,Li\nP-1,Plant,0,,\n"),
		[]byte("项目代码,项目名称,总投资(万元),总投资(元),责任单位,包保领导,开工,开工,预算\n2010-220621-47-01-000034,光伏,3.5亿,1,县工信局,李明,2010-4-31,31/12/2026,x,y\n"),
		[]byte("project,name,total investment wan,unit,leader,kind,started,reason\nP-1,Plant,0x10,Bureau,Li,扩建,2026-02-30,\n7-P, , -5,,,,,\n"),
		[]byte("project,,name\n\"P-1\n"),
		[]byte(",,,\nP-1,,,\n"),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := plan.ReadCSV(file, data, plan.EncodingAuto)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		rows, ps := plan.Rows(s)
		if (len(rows) == 0) == (len(ps) == 0) {
			t.Fatalf("Rows returned %d rows and %d problems; expected rows or problems", len(rows), len(ps))
		}
		for _, p := range ps {
			if p.Message == "" || p.Line < 1 || p.File != file {
				t.Fatalf("problem %+v: expected a message, a line >= 1 and the file name", p)
			}
		}
		seen := map[domain.ProjectID]bool{}
		for _, r := range rows {
			if _, err := domain.ParseProjectID(string(r.Project)); err != nil {
				t.Fatalf("row %d: project %q: %v", r.Line, r.Project, err)
			}
			if seen[r.Project] {
				t.Fatalf("row %d: project %s twice", r.Line, r.Project)
			}
			seen[r.Project] = true
			if r.TotalInvestment <= 0 {
				t.Fatalf("row %d: investment %d", r.Line, r.TotalInvestment)
			}
			if r.Name == "" || r.Unit == "" || r.Leader == "" {
				t.Fatalf("row %d: name %q, unit %q, leader %q", r.Line, r.Name, r.Unit, r.Leader)
			}
			if r.Kind != domain.KindNew && r.Kind != domain.KindContinuing {
				t.Fatalf("row %d: kind %q", r.Line, r.Kind)
			}
			if r.Line < 2 {
				t.Fatalf("row %d: a row above the first data row", r.Line)
			}
			for _, d := range r.Deadlines {
				text := d.Due.String()
				back, err := domain.ParseDate(text)
				if !isoDate.MatchString(text) || err != nil || back != d.Due {
					t.Fatalf("row %d: %s due %d formats as %q", r.Line, d.Milestone, d.Due, text)
				}
			}
			// A row without problems is one the domain accepts: its
			// registration passes Decide. (The template's example row is
			// refused on purpose.)
			if r.Project == plan.ExampleProject {
				continue
			}
			ch, ps := plan.Diff(file, r, domain.Project{}, opts)
			if len(ps) > 0 {
				t.Fatalf("row %d: checked, yet refused: %v", r.Line, ps)
			}
			if len(ch.Commands) != 1 {
				t.Fatalf("row %d: %d commands for a new project", r.Line, len(ch.Commands))
			}
		}
	})
}

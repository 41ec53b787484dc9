package plan

import "github.com/keyprojects/ledger/domain"

// CanonicalNames returns rows with their unit and township names in the
// canonical form the unit register gives them, and a problem for each
// name the register does not know while it holds names of that kind. A
// nil register changes nothing.
func CanonicalNames(file string, rows []Row, u *domain.UnitRegister) ([]Row, Problems) {
	if u == nil {
		return rows, nil
	}
	var problems Problems
	out := make([]Row, len(rows))
	for i, r := range rows {
		for _, f := range []struct {
			kind, column string
			name         *string
		}{{domain.NameUnit, "责任单位", &r.Unit}, {domain.NameTownship, "乡镇", &r.Township}} {
			c, err := u.Resolve(f.kind, *f.name)
			if err != nil {
				problems = append(problems, Problem{File: file, Line: r.Line, Column: f.column, Message: err.Error()})
				continue
			}
			*f.name = c
		}
		out[i] = r
	}
	return out, problems
}

package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/keyprojects/ledger/domain"
)

// Many county sheets have no project code. A row without one is matched
// by its name, folded by NormalizeName (full-width letters and spaces,
// case), to a project the ledger holds; a name the ledger does not know
// gets a local id made from the folded name, the same on every import of
// any sheet, so importing it again finds the same project.

// LocalIDPrefix starts the local ids an import makes for projects without
// a code.
const LocalIDPrefix = "XM-"

// LocalID is the local id an import gives a project without a code.
func LocalID(name string) domain.ProjectID {
	sum := sha256.Sum256([]byte(NormalizeName(name)))
	return domain.ProjectID(LocalIDPrefix + strings.ToUpper(hex.EncodeToString(sum[:5])))
}

// AssignIDs gives every row without a project id the id of the project of
// the same name in states, or a new local id, and says which in the row's
// notes. Two projects in states with one folded name make the row a
// problem: the clerk must give the code.
func AssignIDs(file string, rows []Row, states map[domain.ProjectID]domain.Project) ([]Row, Problems) {
	byName := map[string][]domain.ProjectID{}
	for id, p := range states {
		if p.Registered && id != domain.UnitRegisterID {
			n := NormalizeName(p.Name)
			byName[n] = append(byName[n], id)
		}
	}
	var ps Problems
	out := make([]Row, len(rows))
	for i, r := range rows {
		if r.Project == "" {
			switch ids := byName[NormalizeName(r.Name)]; len(ids) {
			case 0:
				r.Project = LocalID(r.Name)
				r.note(fmt.Sprintf("no project code: new local id %s", r.Project), fmt.Sprintf("无项目代码：新编本地编号%s", r.Project))
			case 1:
				r.Project = ids[0]
				r.note(fmt.Sprintf("no project code: matched by name to %s", r.Project), fmt.Sprintf("无项目代码：按项目名称对应到%s", r.Project))
			default:
				ps = append(ps, problem(file, r.Line, r.column(FieldName, ""),
					fmt.Sprintf("no project code, and the ledger has %d projects named '%s' (%s); expected the project code in the row", len(ids), r.Name, joinIDs(ids)),
					fmt.Sprintf("无项目代码，而台账中有%d个名为“%s”的项目（%s）；请在该行填写项目代码", len(ids), r.Name, joinIDs(ids))))
			}
		}
		out[i] = r
	}
	return out, ps
}

func joinIDs(ids []domain.ProjectID) string {
	slices.Sort(ids)
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, ", ")
}

// MatchIDs gives every row without a project id the id of the project of
// the same name in states; a name the ledger does not know, or knows
// twice, is a problem (a progress sheet reports on projects the ledger
// holds).
func MatchIDs(file string, rows []Row, states map[domain.ProjectID]domain.Project) ([]Row, Problems) {
	out, ps := AssignIDs(file, rows, states)
	for i, r := range out {
		if rows[i].Project == "" && !states[r.Project].Registered {
			ps = append(ps, problem(file, r.Line, r.column(FieldName, ""),
				fmt.Sprintf("no project code, and the ledger has no project named '%s'; expected the name as registered, or the project code", r.Name),
				fmt.Sprintf("无项目代码，台账中也没有名为“%s”的项目；应填写登记时的项目名称，或填写项目代码", r.Name)))
		}
	}
	return out, ps
}

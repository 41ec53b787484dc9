package plan

import (
	"fmt"
	"strings"

	"github.com/keyprojects/ledger/domain"
)

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
				problems = append(problems, problem(file, r.Line, f.column, err.Error(), notRegisteredZH(f.column, *f.name, err.Error())))
				continue
			}
			*f.name = c
		}
		out[i] = r
	}
	return out, problems
}

// notRegisteredZH says in Chinese that name is not in the unit register,
// with the closest names the register's refusal (msg) gives.
func notRegisteredZH(what, name, msg string) string {
	closest := ""
	if _, after, ok := strings.Cut(msg, "; closest: "); ok {
		closest, _, _ = strings.Cut(after, " (add it with")
	}
	if closest != "" {
		closest = "；最接近的有：" + strings.ReplaceAll(closest, ", ", "、")
	}
	return fmt.Sprintf("%s“%s”不在单位名录中%s（可用 ledger units add 添加，或用 ledger units alias 添加别名）", what, name, closest)
}

package domain

import (
	"regexp"
)

// ProjectID identifies a project: its national project code (项目代码, e.g.
// 2010-220621-47-01-000034) or, before it has one, a local id (e.g. P-7).
// Every valid ProjectID is a safe NATS subject token.
type ProjectID string

var (
	nationalCode = regexp.MustCompile(`^[0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9A-Za-z]{6}$`)
	localID      = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)
	// serialID is an office's numeric project number (项目编号 20263609).
	serialID = regexp.MustCompile(`^[1-9][0-9]{3,19}$`)
)

// ParseProjectID checks s and returns it as a ProjectID. It accepts a national
// project code, a local id (a letter followed by up to 63 letters, digits,
// '-' or '_') or an office's project number (4 to 20 digits, not starting
// with 0).
func ParseProjectID(s string) (ProjectID, error) {
	if nationalCode.MatchString(s) || localID.MatchString(s) || serialID.MatchString(s) {
		return ProjectID(s), nil
	}
	return "", invalidf("%v: project id %q is not a national project code "+
		"(YYYY-RRRRRR-II-TT-XXXXXX, e.g. 2010-220621-47-01-000034) "+
		"nor a local id (a letter, then up to 63 letters, digits, '-' or '_', e.g. P-7) nor a project number (4 to 20 digits)", ErrInvalid, s).
		zh("项目编号“%s”无效：既不是项目代码（YYYY-RRRRRR-II-TT-XXXXXX，例如 2010-220621-47-01-000034），"+
			"也不是本地编号（字母开头，其后至多 63 个字母、数字、“-”或“_”，例如 P-7），也不是项目序号（4 至 20 位数字）", s)
}

// IsNationalCode reports whether id has the shape of a national project code.
func (id ProjectID) IsNationalCode() bool { return nationalCode.MatchString(string(id)) }

// String returns the id as text.
func (id ProjectID) String() string { return string(id) }

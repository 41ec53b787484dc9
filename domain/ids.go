package domain

// ProjectID identifies a project: its national project code (项目代码, e.g.
// 2010-220621-47-01-000034) or, before it has one, a local id (e.g. P-7).
// Every valid ProjectID is a safe NATS subject token.
type ProjectID string

// The three shapes of an id, matched by hand: ParseProjectID runs on every
// command and every project a verify reads, and the regular expressions
// took 0.3 to 0.4 us an id where these take a tenth of that. ids_test.go
// holds them to the regular expressions they were:
//
//	national code  ^[0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9A-Za-z]{6}$
//	local id       ^[A-Za-z][A-Za-z0-9_-]{0,63}$
//	serial number  ^[1-9][0-9]{3,19}$   (an office's 项目编号, e.g. 20263609)

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// isNationalCode reports whether s has the shape of a national project code.
func isNationalCode(s string) bool {
	if len(s) != 24 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch {
		case i == 4 || i == 11 || i == 14 || i == 17:
			if c != '-' {
				return false
			}
		case i >= 18:
			if !isDigit(c) && !isLetter(c) {
				return false
			}
		case !isDigit(c):
			return false
		}
	}
	return true
}

// isLocalID reports whether s is a local id: a letter, then up to 63
// letters, digits, '-' or '_'.
func isLocalID(s string) bool {
	if len(s) == 0 || len(s) > 64 || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && !isDigit(c) && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// isSerialID reports whether s is an office's project number: 4 to 20
// digits, the first not 0.
func isSerialID(s string) bool {
	if len(s) < 4 || len(s) > 20 || s[0] == '0' {
		return false
	}
	for i := range len(s) {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// ParseProjectID checks s and returns it as a ProjectID. It accepts a national
// project code, a local id (a letter followed by up to 63 letters, digits,
// '-' or '_') or an office's project number (4 to 20 digits, not starting
// with 0).
func ParseProjectID(s string) (ProjectID, error) {
	if isNationalCode(s) || isLocalID(s) || isSerialID(s) {
		return ProjectID(s), nil
	}
	return "", invalidf("%v: project id %q is not a national project code "+
		"(YYYY-RRRRRR-II-TT-XXXXXX, e.g. 2010-220621-47-01-000034) "+
		"nor a local id (a letter, then up to 63 letters, digits, '-' or '_', e.g. P-7) nor a project number (4 to 20 digits)", ErrInvalid, s).
		zh("项目编号“%s”无效：既不是项目代码（YYYY-RRRRRR-II-TT-XXXXXX，例如 2010-220621-47-01-000034），"+
			"也不是本地编号（字母开头，其后至多 63 个字母、数字、“-”或“_”，例如 P-7），也不是项目序号（4 至 20 位数字）", s)
}

// IsNationalCode reports whether id has the shape of a national project code.
func (id ProjectID) IsNationalCode() bool { return isNationalCode(string(id)) }

// String returns the id as text.
func (id ProjectID) String() string { return string(id) }

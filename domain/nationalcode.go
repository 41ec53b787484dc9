package domain

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// NationalCode is a project's code on the national investment project platform
// (全国投资项目在线审批监管平台 项目代码, 赋码): 24 characters in five
// hyphen-joined parts, e.g. 2411-130202-89-01-637015.
//
// The layout follows GB/T 40058-2021 (全国固定资产投资项目代码编码规范) and the
// NDRC rules it grew from (《固定资产投资项目代码管理规范》, 发改投资〔2020〕1439号):
//
//	TTTT   4-digit time code (时间代码)
//	RRRRRR 6-digit administrative division code of the project (地区代码, GB/T 2260)
//	II     2-digit central supervising department code (中央业务指导部门代码)
//	TT     2-digit project type code (项目类型代码)
//	NNNNNN 5 random characters and 1 check character (随机码 + 校验码)
//
// The time code was a 4-digit year (YYYY, e.g. 2017-110105-47-01-000001) until
// the 2020 rules switched the provinces over, in batches from November 2020, to
// the year and month of coding (YYMM, e.g. 2111-522323-04-01-342068 for November
// 2021; the sources name the part only "4位时间代码", the YYMM reading comes from
// codes in published notices). Both forms are in use: a key project coded in 2019 keeps its code for
// life.
//
// The check character is NOT verified. The standard has a section on it (4.7
// 校验码), but no source we could read states the algorithm, and a guessed one
// would refuse genuine codes; ParseNationalCode checks the structure only. To
// confirm that a code exists, ask the platform (项目代码核验). Every code we
// have seen ends in six digits, so the last part must be digits too.
type NationalCode string

// The form shown in every refusal.
const (
	nationalCodeForm   = "form YYMM-RRRRRR-II-TT-NNNNNN; codes issued before 2021 start with the year YYYY"
	nationalCodeFormZh = "格式为 YYMM-RRRRRR-II-TT-NNNNNN；2021 年以前赋予的代码以年份 YYYY 开头"
)

// The parts of a national code, in order, with their lengths.
var nationalCodeParts = [...]struct {
	name   string
	nameZh string
	size   int
}{
	{"time", "时间", 4},
	{"region", "地区", 6},
	{"industry", "行业", 2},
	{"type", "类型", 2},
	{"serial", "序号", 6},
}

// Time codes. A bare year is accepted from 2000: the platform began issuing
// codes in 2017, but a tolerant lower bound keeps back-filled ledgers working
// while still refusing garbage such as 0000 or 1999. It is accepted up to 2021,
// for the provinces that switched to YYMM last. A year-month is accepted from 2011
// (November 2020, the first switch) through 9912 (December 2099). The two forms
// overlap only at 2011 and 2012, read as November and December 2020: old-form
// codes for 2011 and 2012 predate the platform.
const (
	firstBareYear  = 2000
	lastBareYear   = 2021
	firstYearMonth = 2011
)

// ParseNationalCode reads s (surrounding spaces ignored; full-width digits and
// hyphens such as ０-９, － and — accepted and normalised) and returns the code,
// or an error wrapping ErrInvalid whose message says what is wrong and what is
// expected, e.g. `"2017-11010-47-01-000001" is not a national project code:
// the region part has 5 digits, expected 6 (form ...)`.
func ParseNationalCode(s string) (NationalCode, error) {
	in := strings.TrimSpace(s)
	refuse := func(problem string, args ...any) *InputError {
		return invalidf("%q is not a national project code: "+problem+" (%s)",
			append(append([]any{in}, args...), nationalCodeForm)...)
	}
	zh := func(e *InputError, problem string, args ...any) error {
		return e.zh("“%s”不是有效的项目代码："+problem+"（%s）",
			append(append([]any{in}, args...), nationalCodeFormZh)...)
	}
	if in == "" {
		return "", zh(refuse("it is empty"), "代码为空")
	}
	if !utf8.ValidString(in) {
		return "", zh(refuse("it is not valid UTF-8 text"), "不是有效的 UTF-8 文本")
	}

	var b strings.Builder
	b.Grow(len(in))
	pos := 0
	for _, r := range in {
		pos++
		switch {
		case r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		case isDashLike(r):
			b.WriteByte('-')
		default:
			return "", zh(refuse("character %q at position %d is not a digit or a hyphen", r, pos), "第 %d 个字符“%c”不是数字或连字符", pos, r)
		}
	}
	code := b.String()

	parts := strings.Split(code, "-")
	if len(parts) != len(nationalCodeParts) {
		return "", zh(refuse("it has %s, expected %d", countNoun(len(parts), "hyphen-separated part"), len(nationalCodeParts)),
			"以连字符分为 %d 段，应为 %d 段", len(parts), len(nationalCodeParts))
	}
	for i, p := range nationalCodeParts {
		if len(parts[i]) != p.size {
			return "", zh(refuse("the %s part has %s, expected %d", p.name, countNoun(len(parts[i]), "digit"), p.size),
				"%s段为 %d 位，应为 %d 位", p.nameZh, len(parts[i]), p.size)
		}
	}

	if _, _, ok := readTimeCode(parts[0]); !ok {
		return "", zh(refuse("the time part %s is neither a year %d-%d nor a year and month YYMM from %d (November 2020)",
			parts[0], firstBareYear, lastBareYear, firstYearMonth),
			"时间段 %s 既不是 %d 至 %d 的年份，也不是 %d（2020 年 11 月）以后的年月 YYMM", parts[0], firstBareYear, lastBareYear, firstYearMonth)
	}
	if !isProvincePrefix(parts[1][:2]) {
		return "", zh(refuse("the region part %s starts with %s, which opens no province-level division code; "+
			"expected 11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81 or 82", parts[1], parts[1][:2]),
			"地区段 %s 以 %s 开头，不是省级行政区划代码；应为 11-15、21-23、31-37、41-46、50-54、61-65、71、81 或 82", parts[1], parts[1][:2])
	}
	return NationalCode(code), nil
}

// countNoun writes n and the noun, with an s unless n is 1.
func countNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// isDashLike reports whether r is a hyphen look-alike that people type or paste
// into a code: the full-width hyphen-minus, the Unicode hyphens and dashes
// U+2010 to U+2015 (—, –, ‐ ...) and the minus sign.
func isDashLike(r rune) bool {
	return r == '－' || (r >= '\u2010' && r <= '\u2015') || r == '\u2212'
}

// readTimeCode reads a 4-digit time code as a year and, for the YYMM form, a
// month (0 for a bare year).
func readTimeCode(t string) (year, month int, ok bool) {
	v, err := strconv.Atoi(t)
	if err != nil || len(t) != 4 {
		return 0, 0, false
	}
	if yy, mm := v/100, v%100; v >= firstYearMonth && mm >= 1 && mm <= 12 {
		return 2000 + yy, mm, true
	}
	if v >= firstBareYear && v <= lastBareYear {
		return v, 0, true
	}
	return 0, 0, false
}

// isProvincePrefix reports whether p, two digits, opens a province-level
// division code of GB/T 2260 (including 71 Taiwan, 81 Hong Kong, 82 Macao).
func isProvincePrefix(p string) bool {
	v, err := strconv.Atoi(p)
	if err != nil {
		return false
	}
	switch {
	case v >= 11 && v <= 15, v >= 21 && v <= 23, v >= 31 && v <= 37, v >= 41 && v <= 46,
		v >= 50 && v <= 54, v >= 61 && v <= 65, v == 71, v == 81, v == 82:
		return true
	}
	return false
}

// part returns the i-th hyphen-separated part of c, or "" if c is not shaped
// like a national code (a NationalCode made without ParseNationalCode).
func (c NationalCode) part(i int) string {
	parts := strings.Split(string(c), "-")
	if len(parts) != len(nationalCodeParts) {
		return ""
	}
	return parts[i]
}

// Year is the year the code was assigned, read from the time code (2017 for
// 2017-..., 2021 for 2111-...), or 0 if c is not a valid code.
func (c NationalCode) Year() int {
	y, _, _ := readTimeCode(c.part(0))
	return y
}

// Month is the month the code was assigned (1-12) for a code in the YYMM form,
// or 0 for a code that carries only its year (issued before the 2020 rules).
func (c NationalCode) Month() int {
	_, m, _ := readTimeCode(c.part(0))
	return m
}

// Region is the 6-digit administrative division code (行政区划代码) of the
// place the project was coded for, e.g. "130202".
func (c NationalCode) Region() string { return c.part(1) }

// Industry is the 2-digit code of the central supervising department
// (中央业务指导部门代码), e.g. "89".
func (c NationalCode) Industry() string { return c.part(2) }

// Type is the 2-digit project type code (项目类型代码), e.g. "01".
func (c NationalCode) Type() string { return c.part(3) }

// Serial is the last part: 5 random characters and a check character, which
// is not verified.
func (c NationalCode) Serial() string { return c.part(4) }

// ProjectID returns the code as a project id; a valid NationalCode is always
// a valid ProjectID.
func (c NationalCode) ProjectID() ProjectID { return ProjectID(c) }

// String returns the code as text, with ASCII digits and hyphens.
func (c NationalCode) String() string { return string(c) }

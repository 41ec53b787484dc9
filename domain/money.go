package domain

import (
	"math/big"
	"regexp"
	"strings"
)

// thousands matches a number whose commas separate thousands, with an
// optional fraction and unit after it.
var thousands = regexp.MustCompile(`^-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?[^0-9,.]*$`)

// yuanUnits are the suffixes ParseYuan accepts and how many yuan each is.
var yuanUnits = []struct {
	suffix string
	yuan   int64
}{
	{"亿元", 100_000_000}, {"亿", 100_000_000},
	{"万元", 10_000}, {"万", 10_000},
	{"元", 1},
}

// ParseYuan reads an amount of money as integer yuan. It accepts plain yuan
// ("350000000", "350,000,000") and the units reports use: 万元 and 亿元
// ("35000万", "3.5亿元"). The result must be a whole, non-negative number of
// yuan that fits in int64; floats never enter.
func ParseYuan(s string) (int64, error) {
	text := strings.TrimSpace(s)
	// The minus sign as typography and full-width input write it.
	for _, minus := range []string{"\u2212", "－"} {
		if rest, ok := strings.CutPrefix(text, minus); ok {
			text = "-" + rest
			s = text
		}
	}
	if strings.Contains(text, ",") {
		if !thousands.MatchString(text) {
			return 0, invalidf("%q has commas that are not thousands separators; expected e.g. 350,000,000 or 350000000", s).zh("“%s”中的逗号不是千位分隔符；应为 350,000,000 或 350000000 这样的写法", s)
		}
		text = strings.ReplaceAll(text, ",", "")
	}
	unit := int64(1)
	for _, u := range yuanUnits {
		if strings.HasSuffix(text, u.suffix) {
			text, unit = strings.TrimSpace(strings.TrimSuffix(text, u.suffix)), u.yuan
			break
		}
	}
	// Only decimal digits with one point (and a sign, refused below):
	// big.Rat would also read 0x10, 1_000, 1e6 and 3/4.
	digits := strings.TrimPrefix(text, "-")
	r, ok := new(big.Rat).SetString(text)
	if !ok || digits == "" || strings.Trim(digits, "0123456789.") != "" || strings.Count(digits, ".") > 1 {
		return 0, invalidf("%q is not an amount; expected yuan as a whole number (350000000) or with a unit (35000万, 3.5亿)", s).zh("“%s”不是金额；应为以元为单位的整数（350000000）或带单位的金额（35000万、3.5亿）", s)
	}
	r.Mul(r, new(big.Rat).SetInt64(unit))
	if r.Sign() < 0 {
		return 0, invalidf("%q is negative; expected an amount of zero or more", s).zh("“%s”为负数；金额应不小于零", s)
	}
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, invalidf("%q is not a whole number of yuan that fits; expected e.g. 350000000 or 3.5亿", s).zh("“%s”不是可容纳的整元金额；应为 350000000 或 3.5亿 这样的金额", s)
	}
	return r.Num().Int64(), nil
}

package domain_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

func TestParseNationalCodeAccepts(t *testing.T) {
	cases := []struct {
		name     string
		in       string
		want     domain.NationalCode
		year     int
		month    int
		region   string
		industry string
		typ      string
		serial   string
	}{
		// Year form (YYYY), issued before the 2020 rules.
		{"year form", "2017-110105-47-01-000001", "2017-110105-47-01-000001", 2017, 0, "110105", "47", "01", "000001"},
		{"glossary example", "2010-220621-47-01-000034", "2010-220621-47-01-000034", 2010, 0, "220621", "47", "01", "000034"},
		{"year 2020", "2020-330327-48-01-167360", "2020-330327-48-01-167360", 2020, 0, "330327", "48", "01", "167360"},
		{"year 2020 filing", "2020-451421-88-03-016343", "2020-451421-88-03-016343", 2020, 0, "451421", "88", "03", "016343"},
		{"lowest year", "2000-110000-01-01-000000", "2000-110000-01-01-000000", 2000, 0, "110000", "01", "01", "000000"},
		{"late switcher year 2021", "2021-610102-04-01-123456", "2021-610102-04-01-123456", 2021, 0, "610102", "04", "01", "123456"},
		{"year 2013 is a year, not month 13", "2013-370102-47-01-000001", "2013-370102-47-01-000001", 2013, 0, "370102", "47", "01", "000001"},

		// Year-month form (YYMM), GB/T 40058.
		{"year-month form", "2411-130202-89-01-637015", "2411-130202-89-01-637015", 2024, 11, "130202", "89", "01", "637015"},
		{"November 2021", "2111-522323-04-01-342068", "2111-522323-04-01-342068", 2021, 11, "522323", "04", "01", "342068"},
		{"March 2026", "2603-141124-89-05-346948", "2603-141124-89-05-346948", 2026, 3, "141124", "89", "05", "346948"},
		{"first month of the new form", "2011-330106-04-01-371549", "2011-330106-04-01-371549", 2020, 11, "330106", "04", "01", "371549"},
		{"December 2020", "2012-330106-04-01-371549", "2012-330106-04-01-371549", 2020, 12, "330106", "04", "01", "371549"},
		{"January 2021", "2101-420102-04-01-000001", "2101-420102-04-01-000001", 2021, 1, "420102", "04", "01", "000001"},
		{"last month", "9912-500101-04-01-000001", "9912-500101-04-01-000001", 2099, 12, "500101", "04", "01", "000001"},

		// Province-level prefixes at the edges of their ranges.
		{"Inner Mongolia 15", "2411-150102-04-01-000001", "2411-150102-04-01-000001", 2024, 11, "150102", "04", "01", "000001"},
		{"Tibet 54", "2411-540102-04-01-000001", "2411-540102-04-01-000001", 2024, 11, "540102", "04", "01", "000001"},
		{"Xinjiang 65", "2411-650102-04-01-000001", "2411-650102-04-01-000001", 2024, 11, "650102", "04", "01", "000001"},
		{"Taiwan 71", "2411-710000-04-01-000001", "2411-710000-04-01-000001", 2024, 11, "710000", "04", "01", "000001"},
		{"Hong Kong 81", "2411-810000-04-01-000001", "2411-810000-04-01-000001", 2024, 11, "810000", "04", "01", "000001"},
		{"Macao 82", "2411-820000-04-01-000001", "2411-820000-04-01-000001", 2024, 11, "820000", "04", "01", "000001"},

		// Spaces around the code are ignored.
		{"surrounding spaces", "  2411-130202-89-01-637015 ", "2411-130202-89-01-637015", 2024, 11, "130202", "89", "01", "637015"},
		{"tab and newline", "\t2411-130202-89-01-637015\n", "2411-130202-89-01-637015", 2024, 11, "130202", "89", "01", "637015"},
		{"ideographic spaces", "\u30002411-130202-89-01-637015\u3000", "2411-130202-89-01-637015", 2024, 11, "130202", "89", "01", "637015"},

		// Full-width digits and hyphen look-alikes are normalised.
		{"full-width", "２４１１－１３０２０２－８９－０１－６３７０１５", "2411-130202-89-01-637015", 2024, 11, "130202", "89", "01", "637015"},
		{"full-width digits, ASCII hyphens", "２０１７-１１０１０５-４７-０１-０００００１", "2017-110105-47-01-000001", 2017, 0, "110105", "47", "01", "000001"},
		{"em dashes", "2411—130202—89—01—637015", "2411-130202-89-01-637015", 2024, 11, "130202", "89", "01", "637015"},
		{"en dash and minus sign", "2411–130202−89-01-637015", "2411-130202-89-01-637015", 2024, 11, "130202", "89", "01", "637015"},
		{"mixed widths with spaces", " 2411－130202-８９—01-637015 ", "2411-130202-89-01-637015", 2024, 11, "130202", "89", "01", "637015"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := domain.ParseNationalCode(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, c)
			assert.Equal(t, string(tc.want), c.String())
			assert.Equal(t, tc.year, c.Year())
			assert.Equal(t, tc.month, c.Month())
			assert.Equal(t, tc.region, c.Region())
			assert.Equal(t, tc.industry, c.Industry())
			assert.Equal(t, tc.typ, c.Type())
			assert.Equal(t, tc.serial, c.Serial())

			// A parsed code reads back as itself and is a national-code project id.
			again, err := domain.ParseNationalCode(c.String())
			require.NoError(t, err)
			assert.Equal(t, c, again)
			id, err := domain.ParseProjectID(c.String())
			require.NoError(t, err)
			assert.Equal(t, id, c.ProjectID())
			assert.True(t, id.IsNationalCode())
		})
	}
}

func TestParseNationalCodeRefuses(t *testing.T) {
	const form = "form YYMM-RRRRRR-II-TT-NNNNNN; codes issued before 2021 start with the year YYYY"
	// The message quotes the input with surrounding spaces removed.
	msg := func(in, problem string) string {
		return fmt.Sprintf("%q is not a national project code: %s (%s)", strings.TrimSpace(in), problem, form)
	}
	const timeProblem = "is neither a year 2000-2021 nor a year and month YYMM from 2011 (November 2020)"
	const provinces = "expected 11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81 or 82"
	cases := []struct {
		name    string
		in      string
		problem string
	}{
		{"empty", "", "it is empty"},
		{"only spaces", " \t\u3000", "it is empty"},
		{"invalid UTF-8", "2411-130202-89-01-63701\xff", "it is not valid UTF-8 text"},

		{"letter in the serial", "2411-130202-89-01-63701A", "character 'A' at position 24 is not a digit or a hyphen"},
		{"lower-case letter", "2411-130202-89-01-a37015", "character 'a' at position 19 is not a digit or a hyphen"},
		{"full-width letter", "2411-130202-89-01-63701Ａ", "character 'Ａ' at position 24 is not a digit or a hyphen"},
		{"dot separator", "2411.130202-89-01-637015", "character '.' at position 5 is not a digit or a hyphen"},
		{"inner space", "2411-130202 -89-01-637015", "character ' ' at position 12 is not a digit or a hyphen"},
		{"underscore", "2411_130202_89_01_637015", "character '_' at position 5 is not a digit or a hyphen"},
		{"Chinese text", "项目代码2411-130202-89-01-637015", "character '项' at position 1 is not a digit or a hyphen"},

		{"no hyphens", "241113020289010637015", "it has 1 hyphen-separated part, expected 5"},
		{"four parts", "2411-13020289-01-637015", "it has 4 hyphen-separated parts, expected 5"},
		{"trailing hyphen", "2411-130202-89-01-637015-", "it has 6 hyphen-separated parts, expected 5"},
		{"leading hyphen", "-2411-130202-89-01-637015", "it has 6 hyphen-separated parts, expected 5"},

		{"region 5 digits", "2017-11010-47-01-000001", "the region part has 5 digits, expected 6"},
		{"region 7 digits", "2017-1101050-47-01-000001", "the region part has 7 digits, expected 6"},
		{"empty region", "2411--89-01-637015", "the region part has 0 digits, expected 6"},
		{"time 3 digits", "241-130202-89-01-637015", "the time part has 3 digits, expected 4"},
		{"time 8 digits", "20241101-130202-89-01-637015", "the time part has 8 digits, expected 4"},
		{"industry 3 digits", "2411-130202-891-01-637015", "the industry part has 3 digits, expected 2"},
		{"industry 1 digit", "2411-130202-8-01-637015", "the industry part has 1 digit, expected 2"},
		{"type 1 digit", "2411-130202-89-1-637015", "the type part has 1 digit, expected 2"},
		{"serial 5 digits", "2411-130202-89-01-63701", "the serial part has 5 digits, expected 6"},
		{"serial 7 digits", "2411-130202-89-01-6370150", "the serial part has 7 digits, expected 6"},
		{"full-width region 5 digits", "２０１７－１１０１０－４７－０１－００００００１", "the region part has 5 digits, expected 6"},

		{"time 0000", "0000-130202-89-01-637015", "the time part 0000 " + timeProblem},
		{"time 1999", "1999-130202-89-01-637015", "the time part 1999 " + timeProblem},
		{"month 13", "2413-130202-89-01-637015", "the time part 2413 " + timeProblem},
		{"month 00", "2400-130202-89-01-637015", "the time part 2400 " + timeProblem},
		{"year 2050 in the old form", "2050-130202-89-01-637015", "the time part 2050 " + timeProblem},
		{"time 2100", "2100-130202-89-01-637015", "the time part 2100 " + timeProblem},
		{"year-month before the new form", "1912-130202-89-01-637015", "the time part 1912 " + timeProblem},

		{"region prefix 00", "2411-000000-89-01-637015", "the region part 000000 starts with 00, which opens no province-level division code; " + provinces},
		{"region prefix 10", "2411-100000-89-01-637015", "the region part 100000 starts with 10, which opens no province-level division code; " + provinces},
		{"region prefix 16", "2411-160102-89-01-637015", "the region part 160102 starts with 16, which opens no province-level division code; " + provinces},
		{"region prefix 38", "2411-380102-89-01-637015", "the region part 380102 starts with 38, which opens no province-level division code; " + provinces},
		{"region prefix 47", "2411-470102-89-01-637015", "the region part 470102 starts with 47, which opens no province-level division code; " + provinces},
		{"region prefix 55", "2411-550102-89-01-637015", "the region part 550102 starts with 55, which opens no province-level division code; " + provinces},
		{"region prefix 66", "2411-660102-89-01-637015", "the region part 660102 starts with 66, which opens no province-level division code; " + provinces},
		{"region prefix 72", "2411-720000-89-01-637015", "the region part 720000 starts with 72, which opens no province-level division code; " + provinces},
		{"region prefix 83", "2411-830000-89-01-637015", "the region part 830000 starts with 83, which opens no province-level division code; " + provinces},
		{"region prefix 99", "2411-991234-89-01-637015", "the region part 991234 starts with 99, which opens no province-level division code; " + provinces},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := domain.ParseNationalCode(tc.in)
			require.Error(t, err)
			assert.ErrorIs(t, err, domain.ErrInvalid)
			assert.Empty(t, c)
			assert.EqualError(t, err, msg(tc.in, tc.problem))
			assert.NotContains(t, err.Error(), "\n", "the message is one line")
		})
	}
}

func TestNationalCodeAccessorsOnMalformedValue(t *testing.T) {
	for _, c := range []domain.NationalCode{"", "P-7", "2411-130202-89-01"} {
		assert.Zero(t, c.Year(), "%q", c)
		assert.Zero(t, c.Month(), "%q", c)
		assert.Empty(t, c.Region(), "%q", c)
		assert.Empty(t, c.Industry(), "%q", c)
		assert.Empty(t, c.Type(), "%q", c)
		assert.Empty(t, c.Serial(), "%q", c)
	}
}

package entry_test

import (
	"regexp"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/entry"
)

// What a form cannot read is told in Chinese too: the field's label, then
// what is wrong and what is expected.
func TestFormsRefuseInChinese(t *testing.T) {
	englishTemplate := regexp.MustCompile(`\b(cannot|expected|record|is not|not|give)\b`)
	cases := []struct {
		what, group, name string
		values            entry.Values
		english, chinese  string
	}{
		{"date", "project", "register", values("project=P-7", "investment=1万", "on=2026-13-01"),
			`--on: "2026-13-01" is not a date; expected YYYY-MM-DD`,
			"--on：“2026-13-01”不是有效日期；应为 YYYY-MM-DD，例如 2026-11-30"},
		{"layout", "project", "register", values("project=P-7", "investment=1万", "plan=started"),
			`--plan "started": expected MILESTONE=YYYY-MM-DD, e.g. started=2027-03-31`,
			"--plan“started”：应为 节点=YYYY-MM-DD，例如 started=2027-03-31"},
		{"deadline item", "project", "register", values("project=P-7", "investment=1万", "plan=started=2027-13-01"),
			`--plan "started=2027-13-01": "2027-13-01" is not a date; expected YYYY-MM-DD`,
			"--plan“started=2027-13-01”：“2027-13-01”不是有效日期；应为 YYYY-MM-DD，例如 2026-11-30"},
		{"deadline", "", "plan", values("project=P-7", "milestone=started", "due=2027-1-1"),
			`deadline: "2027-1-1" is not a date; expected YYYY-MM-DD`,
			"期限：“2027-1-1”不是有效日期；应为 YYYY-MM-DD，例如 2026-11-30"},
		{"amount", "", "record", values("step=funds_received", "project=P-7", "amount=-5"),
			`--amount: "-5" is negative; expected an amount of zero or more`,
			"--amount：“-5”为负数；金额应不小于零"},
		{"tranche", "correct", "record", values("project=P-7", "type=funds_received", "tranche=0", "reason=typo"),
			"", "--tranche：“0”不是到资批次号；第一笔到资为 1，第二笔为 2，依此类推"},
	}
	for _, tc := range cases {
		t.Run(tc.what, func(t *testing.T) {
			_, err := form(t, tc.group, tc.name).Parse(tc.values, meta())
			require.Error(t, err)
			require.ErrorIs(t, err, domain.ErrInvalid)
			if tc.english != "" {
				assert.Equal(t, tc.english, err.Error())
			}
			zh := domain.Chinese(err)
			assert.Equal(t, tc.chinese, zh)
			assert.False(t, englishTemplate.MatchString(zh), zh)
			assert.True(t, containsHan(zh), zh)
		})
	}
}

func containsHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func TestProjectKindRefusedInChinese(t *testing.T) {
	_, err := form(t, "project", "register").Parse(values("project=P-7", "investment=1万", "kind=old"), meta())
	require.Error(t, err)
	assert.Equal(t, `--kind: "old" is not a project kind; expected one of new (新建), continuing (续建)`, err.Error())
	assert.Equal(t, "--kind：“old”不是项目类型；应为以下之一：new (新建)、continuing (续建)", domain.Chinese(err))
}

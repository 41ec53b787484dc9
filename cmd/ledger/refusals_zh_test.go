package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A refusal is printed in the reader's language: Chinese in a Chinese
// environment or with --lang zh, English otherwise; one line, the same
// exit code, nothing stored.
func TestRefusalsInTheReadersLanguage(t *testing.T) {
	cases := []struct {
		name    string
		env     string // LANG, "" for none
		args    []string
		english string
		chinese string
	}{
		{"rule", "zh_CN.UTF-8", []string{"record", "commissioned", "P-1", "--on", "2026-11-20"},
			"ledger: cannot record commissioned for P-1: construction has not started; record started first",
			"ledger: 无法为 P-1 记录投产：尚未开工；请先记录开工"},
		{"input", "zh_CN.UTF-8", []string{"record", "signed", "P-1", "--on", "2026-13-01"},
			`ledger: --on: "2026-13-01" is not a date; expected YYYY-MM-DD`,
			"ledger: --on：“2026-13-01”不是有效日期；应为 YYYY-MM-DD，例如 2026-11-30"},
		{"--lang zh", "", []string{"history", "P-1", "--as-of", "2026-13-01", "--lang", "zh"},
			`ledger: --as-of: "2026-13-01" is not a date; expected YYYY-MM-DD`,
			"ledger: --as-of：“2026-13-01”不是有效日期；应为 YYYY-MM-DD，例如 2026-11-30"},
		{"--lang=zh", "", []string{"history", "P-1", "--as-of", "2026-13-01", "--lang=zh"},
			`ledger: --as-of: "2026-13-01" is not a date; expected YYYY-MM-DD`,
			"ledger: --as-of：“2026-13-01”不是有效日期；应为 YYYY-MM-DD，例如 2026-11-30"},
		{"--lang en in a Chinese environment", "zh_CN.UTF-8", []string{"history", "P-1", "--as-of", "2026-13-01", "--lang", "en"},
			`ledger: --as-of: "2026-13-01" is not a date; expected YYYY-MM-DD`,
			`ledger: --as-of: "2026-13-01" is not a date; expected YYYY-MM-DD`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			c.ok("project", "register", "P-1", "--name", "Bridge", "--investment", "1亿", "--unit", "Transport", "--leader", "Zhao",
				"--on", "2026-10-01")
			before := c.msgCount()

			// English: no Chinese environment, no --lang zh.
			englishArgs := withoutLangZh(tc.args)
			codeEn, outEn, errEn := c.run(englishArgs...)
			assert.Equal(t, tc.english+"\n", errEn)
			assert.Empty(t, outEn)

			if tc.env != "" {
				t.Setenv("LANG", tc.env)
			}
			code, out, errs := c.run(tc.args...)
			assert.Equal(t, tc.chinese+"\n", errs)
			assert.Equal(t, 1, strings.Count(errs, "\n"), "one line")
			assert.Empty(t, out)
			assert.Equal(t, codeEn, code, "the same exit code")
			assert.NotZero(t, code)
			require.Equal(t, before, c.msgCount(), "nothing stored")
		})
	}
}

// withoutLangZh is args without a --lang zh.
func withoutLangZh(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		switch {
		case args[i] == "--lang=zh":
			continue
		case args[i] == "--lang" && i+1 < len(args) && args[i+1] == "zh":
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
}

func TestChineseArgs(t *testing.T) {
	env := func(lang string) func(string) string {
		return func(name string) string {
			if name == "LANG" {
				return lang
			}
			return ""
		}
	}
	cases := []struct {
		args []string
		lang string
		want bool
	}{
		{[]string{"record", "signed", "P-1"}, "", false},
		{[]string{"record", "signed", "P-1"}, "zh_CN.UTF-8", true},
		{[]string{"history", "P-1", "--lang", "zh"}, "", true},
		{[]string{"history", "P-1", "--lang=中文"}, "", true},
		{[]string{"history", "P-1", "--lang", "en"}, "zh_CN.UTF-8", false},
		{[]string{"history", "P-1", "--lang", "xx"}, "zh_CN.UTF-8", false},
		{[]string{"record", "note", "--", "--lang", "zh"}, "", false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, chineseArgs(tc.args, env(tc.lang)), "%v LANG=%s", tc.args, tc.lang)
	}
}

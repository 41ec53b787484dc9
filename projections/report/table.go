package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

// Table is one report table: what a renderer prints as one block of text,
// one CSV file or one worksheet.
type Table struct {
	// Name is the table's short ASCII name ("status"), used as the sheet
	// name of an English workbook and as a file-name stem.
	Name string
	// Title is the caption printed above the table.
	Title Label
	// Columns describe the cells of every row, in order.
	Columns []Column
	// Rows hold one Value per column.
	Rows [][]Value
}

// Label is a text in English and Chinese.
type Label struct {
	EN, ZH string
}

// In returns the label in lang; a missing Chinese text falls back to the
// English one.
func (l Label) In(lang Lang) string {
	if lang == ZH && l.ZH != "" {
		return l.ZH
	}
	return l.EN
}

// Column describes one column of a Table.
type Column struct {
	// Key is a stable ASCII identifier of the column, named after the
	// JSON field of the read model it shows ("next_due").
	Key string
	// Label is the column header, without any unit: Header adds the 万元
	// of a money column.
	Label Label
	// Kind says how the column's values are printed.
	Kind Kind
}

// Header returns the column's header in lang. A money column's header
// names its unit: "总投资(万元)", "Total investment (10k yuan)".
func (c Column) Header(lang Lang) string {
	h := c.Label.In(lang)
	if c.Kind == KindMoney {
		if lang == ZH {
			return h + "(万元)"
		}
		return h + " (10k yuan)"
	}
	return h
}

// Kind is the type of a column's values, which decides how they are
// printed. The names carry a Kind prefix because Text is the text renderer.
type Kind int

// The kinds of column. A nil Value prints as an empty cell in every kind.
const (
	// KindText: a string, a Label (printed in the output language), or a
	// ledger code (projections.Light, domain.Milestone, domain.EventType
	// for a stage, domain.ProjectKind, domain.ApprovalKind,
	// projections.Period, domain.ComplianceFlag or a slice of flags),
	// printed as stored for EN and in Chinese for ZH; anything else is
	// printed with fmt.Sprint.
	KindText Kind = iota
	// KindInt: an integer of any Go integer type.
	KindInt
	// KindDate: a domain.Date, printed YYYY-MM-DD, or a DueDate, a
	// deadline printed at its precision (2026年3月); the zero Date is
	// empty.
	KindDate
	// KindMoney: int64 yuan, printed in 万元 (yuan / 10,000) with up to
	// four decimals and no trailing zeros: 18000000 is "1800", 12345 is
	// "1.2345". Exact: the division is done on the decimal digits.
	KindMoney
	// KindPercent: int64 or *int64 basis points (1/100 %), printed with
	// two decimals: 1234 is "12.34%"; a nil pointer is empty.
	KindPercent
	// KindBool: a bool, printed yes/no (是/否).
	KindBool
	// KindTime: a time.Time, printed in Asia/Shanghai as
	// "2006-01-02 15:04"; the zero time is empty.
	KindTime
)

// Value is one cell: a plain Go value of the type its column's Kind
// expects (see the Kind constants), or nil for an empty cell.
type Value = any

// DueDate is a deadline given at a precision coarser than a day: Due is
// the last day of its period, and it prints as the period (2026年3月,
// 2026年一季度). A day deadline is a plain domain.Date; see dueValue.
type DueDate struct {
	Due       domain.Date
	Precision domain.Precision
}

// String returns the deadline as its plan gave it (domain.Precision.Format).
func (d DueDate) String() string { return d.Precision.Format(d.Due) }

// dueValue is the cell of a deadline due on d at precision p: d itself
// for a day, so that a day deadline prints and exports exactly as it
// always did, a DueDate otherwise.
func dueValue(d domain.Date, p domain.Precision) Value {
	if p == domain.PrecisionDay || d.IsZero() {
		return d
	}
	return DueDate{Due: d, Precision: p}
}

// Lang is the language of a rendering. The zero value is English.
type Lang int

// The languages.
const (
	EN Lang = iota // English (the default)
	ZH             // Chinese (简体中文)
)

// ParseLang reads a --lang flag: "en" or "zh" ("" means en).
func ParseLang(s string) (Lang, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "en":
		return EN, nil
	case "zh", "zh-cn", "cn":
		return ZH, nil
	}
	return EN, fmt.Errorf("language %q is unknown; expected en or zh", s)
}

// String returns "en" or "zh".
func (l Lang) String() string {
	if l == ZH {
		return "zh"
	}
	return "en"
}

// shanghai is the zone times are shown in. domain embeds the time-zone
// database, so it resolves on any machine.
var shanghai = func() *time.Location {
	loc, err := domain.LoadZone(domain.DefaultTimeZone)
	if err != nil {
		panic(err)
	}
	return loc
}()

// Format prints one value of a column of kind k in lang, as Text, CSV and
// Markdown show it. A value of a type the kind does not expect is printed
// as text rather than dropped.
func Format(k Kind, v Value, lang Lang) string {
	if p, ok := v.(*int64); ok {
		if p == nil {
			return ""
		}
		v = *p
	}
	if v == nil {
		return ""
	}
	switch k {
	case KindMoney:
		if n, ok := asInt64(v); ok {
			return wan(n)
		}
	case KindPercent:
		if n, ok := asInt64(v); ok {
			return percent(n)
		}
	case KindInt:
		if n, ok := asInt64(v); ok {
			return strconv.FormatInt(n, 10)
		}
	case KindDate:
		switch d := v.(type) {
		case domain.Date:
			return d.String()
		case DueDate:
			return d.String()
		}
	case KindTime:
		if t, ok := v.(time.Time); ok {
			if t.IsZero() {
				return ""
			}
			return t.In(shanghai).Format("2006-01-02 15:04")
		}
	case KindBool:
		if b, ok := v.(bool); ok {
			if b {
				return Label{"yes", "是"}.In(lang)
			}
			return Label{"no", "否"}.In(lang)
		}
	}
	return textOf(v, lang)
}

// textOf prints a text value: ledger codes in Chinese for ZH, as stored for
// EN (the names the command line and the JSON use).
func textOf(v Value, lang Lang) string {
	switch v := v.(type) {
	case string:
		return v
	case Label:
		return v.In(lang)
	case projections.Light, domain.Milestone, domain.EventType, domain.ProjectKind, domain.ComplianceFlag, domain.ApprovalKind, projections.Period:
		if zh, ok := zhTerms[v]; ok && lang == ZH {
			return zh
		}
		return fmt.Sprint(v)
	case []domain.ComplianceFlag:
		s := make([]string, len(v))
		for i, f := range v {
			s[i] = textOf(f, lang)
		}
		if lang == ZH {
			return strings.Join(s, "、")
		}
		return strings.Join(s, ", ")
	}
	return fmt.Sprint(v)
}

// zhTerms are the Chinese names of the ledger's codes, keyed by typed value
// so that the milestone "land" and the approval kind "land" stay apart.
var zhTerms = map[any]string{
	projections.LightGreen:     "绿灯",
	projections.LightYellow:    "黄灯",
	projections.LightRed:       "红灯",
	projections.LightSuspended: "停工",

	domain.MilestoneNegotiating:        "洽谈",
	domain.MilestoneSigned:             "签约",
	domain.MilestoneFundsReceived:      "到资",
	domain.MilestoneRegistration:       "注册",
	domain.MilestoneFeasibility:        "可研",
	domain.MilestoneEIA:                "环评",
	domain.MilestoneLand:               "土地",
	domain.MilestonePlanning:           "规划许可",
	domain.MilestoneConstructionPermit: "施工许可",
	domain.MilestoneStarted:            "开工",
	domain.MilestoneCompleted:          "竣工",
	domain.MilestoneCommissioned:       "投产",
	domain.MilestoneFullCapacity:       "达产",

	domain.ApprovalRegistration:       "注册",
	domain.ApprovalFeasibility:        "可研",
	domain.ApprovalEIA:                "环评",
	domain.ApprovalLand:               "土地",
	domain.ApprovalPlanning:           "规划许可",
	domain.ApprovalConstructionPermit: "施工许可",

	// Stages: the furthest lifecycle step taken. "registered" means the
	// project is in the ledger with no lifecycle step yet; it is not the
	// company registration (注册).
	domain.Registered:    "已登记",
	domain.Negotiating:   "洽谈",
	domain.Signed:        "签约",
	domain.FundsReceived: "到资",
	domain.Started:       "开工",
	domain.Suspended:     "停工",
	domain.Resumed:       "复工",
	domain.Completed:     "竣工",
	domain.Commissioned:  "投产",
	domain.FullCapacity:  "达产",
	domain.Terminated:    "终止",

	domain.KindNew:        "新建",
	domain.KindContinuing: "续建",

	domain.FlagStartedWithoutEIA:    "无环评开工",
	domain.FlagStartedWithoutLand:   "无土地开工",
	domain.FlagStartedWithoutPermit: "无施工许可开工",
	domain.FlagStartedBeforeSigned:  "未签约先开工",

	projections.Week:    "周调度",
	projections.Month:   "月通报",
	projections.Quarter: "季度通报",
	projections.Half:    "半年通报",
	projections.Year:    "年度通报",
}

// asInt64 reads any Go integer.
func asInt64(v Value) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	}
	return 0, false
}

// wan prints yuan in 万元 with up to four decimals, trailing zeros cut.
func wan(yuan int64) string {
	s := scaled(yuan, 4)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// percent prints basis points as a percentage with two decimals.
func percent(bp int64) string { return scaled(bp, 2) + "%" }

// scaled prints n / 10^places with exactly places decimals, on the digits:
// no float, no rounding.
func scaled(n int64, places int) string {
	digits := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, digits = "-", digits[1:] // also right for math.MinInt64
	}
	if len(digits) <= places {
		digits = strings.Repeat("0", places-len(digits)+1) + digits
	}
	cut := len(digits) - places
	return sign + digits[:cut] + "." + digits[cut:]
}

package docx

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

// zhDate is a date as prose writes it: 2026年11月30日.
func zhDate(d domain.Date) string {
	return fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
}

// zhSpan is the days from first to last as prose writes them, the year
// and month not repeated: 2026年11月1日至30日, 2026年11月30日至12月6日.
func zhSpan(first, last domain.Date) string {
	switch {
	case first == last:
		return zhDate(first)
	case first.Year() != last.Year():
		return zhDate(first) + "至" + zhDate(last)
	case first.Month() != last.Month():
		return zhDate(first) + "至" + fmt.Sprintf("%d月%d日", int(last.Month()), last.Day())
	}
	return zhDate(first) + "至" + fmt.Sprintf("%d日", last.Day())
}

// digits are the Chinese numerals a date is written in: 〇 to 九.
var digits = [10]string{"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// numeralDate is a date in Chinese numerals, as a notice is dated:
// 二〇二六年十一月三十日.
func numeralDate(d domain.Date) string {
	var b strings.Builder
	for _, c := range strconv.Itoa(d.Year()) {
		b.WriteString(digits[c-'0'])
	}
	return b.String() + "年" + numeral(int(d.Month())) + "月" + numeral(d.Day()) + "日"
}

// numeral writes 1 to 99 in Chinese numerals: 十, 十一, 二十, 三十一.
func numeral(n int) string {
	tens, ones := n/10, n%10
	s := ""
	switch tens {
	case 0:
	case 1:
		s = "十"
	default:
		s = digits[tens] + "十"
	}
	if ones > 0 || tens == 0 {
		s += digits[ones]
	}
	return s
}

// quarters are the quarters' names: 第一季度 to 第四季度.
var quarters = [4]string{"第一季度", "第二季度", "第三季度", "第四季度"}

// periodName names the period of b as a title does: 2026年11月,
// 2026年第四季度, 2026年下半年, 2026年, or a week's days.
func periodName(b projections.Bulletin) string {
	d := b.From
	y := strconv.Itoa(d.Year()) + "年"
	switch b.Period {
	case projections.Month:
		return y + strconv.Itoa(int(d.Month())) + "月"
	case projections.Quarter:
		return y + quarters[(d.Month()-1)/3]
	case projections.Half:
		if d.Month() <= 6 {
			return y + "上半年"
		}
		return y + "下半年"
	case projections.Year:
		return y
	}
	first, last := b.Period.Span(b.AsOf)
	return zhSpan(first, last)
}

// wan writes integer yuan in 万元 with two decimals, rounded half away
// from zero: 12345678 is "1234.57". Integer arithmetic only.
func wan(yuan int64) string {
	sign := ""
	u := uint64(yuan)
	if yuan < 0 {
		sign, u = "-", uint64(-(yuan+1))+1 // also right for math.MinInt64
	}
	hundreds := (u + 50) / 100 // hundredths of 万元
	return fmt.Sprintf("%s%d.%02d", sign, hundreds/100, hundreds%100)
}

// percent writes basis points as a percentage with two decimals.
func percent(bp int64) string { return fmt.Sprintf("%d.%02d%%", bp/100, bp%100) }

// counts are the figures the summary gives, counted from a bulletin.
type counts struct {
	reached                 int // milestones reached in the period
	due, onTime, late, open int // deadlines that fell due in the period
	overdue                 int // deadlines overdue and open on the as-of date
	investment              int64
	// The units with an on-time rate (something fell due), the first and
	// the last of them, and the units with deadlines overdue, most first.
	rankedUnits             int
	rankedFirst, rankedLast *projections.UnitRankRow
	unitsOverdue            []projections.UnitRankRow
}

// count adds up the bulletin's figures: the deadlines of the period from
// the units' ranking, which counts each of them once.
func count(b projections.Bulletin) counts {
	c := counts{reached: len(b.Reached), overdue: len(b.Overdue), investment: b.InvestmentTotal}
	for i, u := range b.Units {
		c.due += u.Due
		c.onTime += u.OnTime
		c.late += u.Late
		c.open += u.Open
		if u.RateBP != nil {
			c.rankedUnits++
			if c.rankedFirst == nil {
				c.rankedFirst = &b.Units[i]
			}
			c.rankedLast = &b.Units[i]
		}
		if u.OverdueNow > 0 {
			c.unitsOverdue = append(c.unitsOverdue, u)
		}
	}
	slices.SortFunc(c.unitsOverdue, func(x, y projections.UnitRankRow) int {
		return cmp.Or(cmp.Compare(y.OverdueNow, x.OverdueNow), cmp.Compare(x.Unit, y.Unit))
	})
	return c
}

// summary is the paragraph that opens the notice.
func summary(b projections.Bulletin, o Options, c counts) string {
	var s strings.Builder
	s.WriteString("截至" + zhDate(b.AsOf) + "，")
	if o.Projects > 0 {
		fmt.Fprintf(&s, "%s纳入调度的重点项目共%d个，", o.scope(), o.Projects)
	}
	fmt.Fprintf(&s, "本期（%s）完成节点%d个。", zhSpan(b.From, b.AsOf), c.reached)
	fmt.Fprintf(&s, "本期应完成节点%d个，按期完成%d个，逾期完成%d个，逾期未完成%d个；", c.due, c.onTime, c.late, c.open)
	fmt.Fprintf(&s, "当前逾期未完成节点%d个。", c.overdue)
	fmt.Fprintf(&s, "本期完成投资%s万元。", wan(c.investment))
	return s.String()
}

// namedUnits is the sentence naming the units with deadlines overdue
// (点名), or "" when there are none.
func namedUnits(c counts) string {
	if len(c.unitsOverdue) == 0 {
		return ""
	}
	names := make([]string, len(c.unitsOverdue))
	for i, u := range c.unitsOverdue {
		names[i] = fmt.Sprintf("%s（%d个）", u.Unit, u.OverdueNow)
	}
	return strings.Join(names, "、") + "存在逾期未完成节点，请抓紧推进。"
}

// rankingSentence names the first and the last of the units ranked.
func rankingSentence(c counts) string {
	if c.rankedUnits == 0 {
		return "本期各单位均无应完成节点。"
	}
	first, last := c.rankedFirst, c.rankedLast
	if c.rankedUnits == 1 {
		return fmt.Sprintf("本期仅%s有应完成节点（%s）。", first.Unit, unitFigures(*first))
	}
	return fmt.Sprintf("按本期节点按期完成率排名（按期完成率相同时，未完成节点少者在前），%s排名第一（%s），%s排名末位（%s）。",
		first.Unit, unitFigures(*first), last.Unit, unitFigures(*last))
}

// unitFigures are a ranked unit's figures in prose.
func unitFigures(u projections.UnitRankRow) string {
	s := fmt.Sprintf("应完成%d个，按期完成%d个", u.Due, u.OnTime)
	if u.Late > 0 {
		s += fmt.Sprintf("，逾期完成%d个", u.Late)
	}
	if u.Open > 0 {
		s += fmt.Sprintf("，逾期未完成%d个", u.Open)
	}
	return s + "，按期完成率" + percent(*u.RateBP)
}

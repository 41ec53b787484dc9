package notify

import (
	"fmt"
	"strings"

	"github.com/keyprojects/ledger/domain"
)

// Miss is one missed deadline as it is posted: the project, the node, its
// deadline, who answers for it, and how late it is on the day posted.
type Miss struct {
	EventID   string
	Project   domain.ProjectID
	Name      string
	Milestone domain.Milestone
	Due       domain.Date
	Unit      string
	Leader    string
	DaysLate  int
}

// MissMessage is the alert posted for a miss, in Chinese.
func MissMessage(m Miss) Message {
	title := fmt.Sprintf("重点项目节点逾期：%s %s", projectLabel(m.Project, m.Name), m.Milestone.Chinese())
	lines := []string{
		"项目：" + projectLabel(m.Project, m.Name),
		"节点：" + m.Milestone.Chinese(),
		"期限：" + m.Due.String(),
		"责任单位：" + orNone(m.Unit),
		"包保领导：" + orNone(m.Leader),
		fmt.Sprintf("已逾期：%d 天", m.DaysLate),
	}
	var md strings.Builder
	md.WriteString("### 重点项目节点逾期\n")
	for _, l := range lines {
		md.WriteString("> " + mdEscape(l) + "\n\n")
	}
	md.WriteString("请责任单位说明原因并尽快推进。")
	text := "【重点项目节点逾期】\n" + strings.Join(lines, "\n") + "\n请责任单位说明原因并尽快推进。"
	return Message{Title: title, Markdown: md.String(), Text: text}
}

// Upcoming is one planned node not yet reached whose deadline is near.
type Upcoming struct {
	Project   domain.ProjectID
	Name      string
	Milestone domain.Milestone
	Due       domain.Date
	Unit      string
	Leader    string
	DaysLeft  int // 0: due today
}

// The most a reminder holds, in bytes, within what the robots accept:
// WeCom takes 4096 bytes of markdown and 2048 of text (DingTalk more).
const (
	maxMarkdownBytes = 3800
	maxTextBytes     = 1900
)

// ReminderMessage is the daily reminder of the nodes due within days
// days of today, in Chinese. Nodes beyond what one message holds are
// counted, not listed.
func ReminderMessage(today domain.Date, days int, nodes []Upcoming) Message {
	title := fmt.Sprintf("重点项目节点到期提醒（%s）", today)
	head := fmt.Sprintf("%d 天内到期、尚未完成的节点共 %d 个：", days, len(nodes))
	lines := make([]string, len(nodes))
	for i, n := range nodes {
		when := fmt.Sprintf("还有 %d 天", n.DaysLeft)
		if n.DaysLeft == 0 {
			when = "今天到期"
		}
		lines[i] = fmt.Sprintf("%d. %s · %s · %s（%s）· %s · %s", i+1, projectLabel(n.Project, n.Name), n.Milestone.Chinese(), n.Due, when, orNone(n.Unit), orNone(n.Leader))
	}
	md := listWithin("### "+title+"\n"+head+"\n", lines, mdEscape, maxMarkdownBytes)
	text := listWithin("【"+title+"】\n"+head, lines, func(s string) string { return s }, maxTextBytes)
	return Message{Title: title, Markdown: md, Text: text}
}

// listWithin is head and the lines, one a line, as many as fit in limit
// bytes with a last line counting those left out.
func listWithin(head string, lines []string, escape func(string) string, limit int) string {
	var b strings.Builder
	b.WriteString(head)
	for i, l := range lines {
		l = escape(l)
		more := fmt.Sprintf("……另有 %d 个节点未列出", len(lines)-i)
		if rest := len(lines) - i - 1; b.Len()+1+len(l) > limit || (rest > 0 && b.Len()+1+len(l)+1+len(more) > limit) {
			b.WriteString("\n" + more)
			break
		}
		b.WriteString("\n" + l)
	}
	return b.String()
}

func projectLabel(id domain.ProjectID, name string) string {
	if name == "" {
		return string(id)
	}
	return string(id) + " " + name
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "（未填）"
	}
	return s
}

// mdEscape keeps text typed by people on its line and out of the
// robots' tags: neither robot reads backslash escapes, so angle brackets
// become their full-width forms and line breaks spaces.
var mdEscape = strings.NewReplacer("<", "＜", ">", "＞", "\r\n", " ", "\n", " ", "\r", " ").Replace

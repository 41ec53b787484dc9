package domain

import (
	"fmt"
	"strings"
)

// ProgressReported records a month's 形象进度: the state of the works in
// the unit's words ("主体结构完成60%"), as the monthly progress sheet
// gives it.
const ProgressReported EventType = "progress_reported"

// ReportProgress records the state of the works for a month.
type ReportProgress struct {
	Meta
	Project ProjectID
	Month   Month
	Text    string // 形象进度, trimmed, not empty
	On      Date   // the day of the report; zero means today
}

// Target implements Command.
func (c ReportProgress) Target() ProjectID { return c.Project }

// Action implements Command.
func (c ReportProgress) Action() string { return "report progress for " + string(c.Month) }

// ProgressReportedData is the state of the works (形象进度) for a month. A
// later report for the same month replaces the earlier text.
type ProgressReportedData struct {
	Month Month  `cbor:"month" json:"month"`
	Text  string `cbor:"text" json:"text"`
}

// EventType implements Payload.
func (*ProgressReportedData) EventType() EventType { return ProgressReported }

func (d *decision) reportProgress(c ReportProgress) ([]Event, error) {
	if _, err := ParseMonth(string(c.Month)); err != nil {
		return nil, d.refuse(ErrInvalid, "%q is not a month", "give the month as YYYY-MM", c.Month).zh("“%s”不是有效月份", "请按 YYYY-MM 填写月份", c.Month)
	}
	text := strings.TrimSpace(c.Text)
	if text == "" {
		return nil, d.refuse(ErrInvalid, "the progress is empty", "describe the state of the works, e.g. 主体结构完成60%").zh("形象进度为空", "请描述工程现状，例如 主体结构完成60%")
	}
	if err := d.checkLength("progress", text); err != nil {
		return nil, err
	}
	today := d.today()
	if c.Month.FirstDay() > today {
		return nil, d.refuse(ErrFutureDate, "%s has not begun (today is %s)", "report a month once it has begun", c.Month, today).zh("%s 尚未开始（今天是 %s）", "请在该月开始后报送", c.Month, today)
	}
	if prev, ok := d.p.Progress[c.Month]; ok && prev == text {
		return nil, d.refuse(ErrNoChange, "%s progress is already reported as %q", "", c.Month, prev).zh("%s 的形象进度已报送为“%s”", "", c.Month, prev)
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	return d.events(on, &ProgressReportedData{Month: c.Month, Text: text}), nil
}

// describeProgress says a progress report in one line.
func describeProgress(d *ProgressReportedData) string {
	return fmt.Sprintf("%s progress: %s", d.Month, d.Text)
}

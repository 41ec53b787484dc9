package domain

import (
	"fmt"
	"strings"
)

// eventTypeNames are the Chinese names of the events that are not steps
// (the steps' are in eventNames).
var eventTypeNames = map[EventType]string{
	LeaderAssigned:       "调整包保领导",
	MilestonePlanned:     "计划节点",
	DeadlineRevised:      "调整期限",
	InvestmentReported:   "报送投资",
	InvestmentPlanned:    "年度计划投资",
	IssueRaised:          "挂账督办",
	IssueResolved:        "销号",
	DelayExplained:       "说明原因",
	DeadlineMissed:       "逾期",
	ProgressReported:     "形象进度",
	FactsCorrected:       "更正基本信息",
	RecordCorrected:      "更正记录",
	DeadlineWithdrawn:    "撤销节点",
	UnitRegistered:       "登记单位",
	UnitAliasAdded:       "单位别名",
	EvidenceAttached:     "佐证材料",
	RevisionRequested:    "申请调整期限",
	RevisionDecided:      "审定调整申请",
	ReportPublished:      "发布报表",
	Conceived:            "谋划",
	Assessed:             "论证",
	Reserved:             "入库",
	Packaged:             "包装",
	Converted:            "转化",
	Dropped:              "退库",
	ApplicationSubmitted: "向上申报",
	ApplicationAnswered:  "申报批复",
	GrantReceived:        "争取资金到位",
}

// EventName is the event type's name in Chinese, for histories (登记,
// 签约, 挂账督办, ...).
func EventName(t EventType) string {
	if t == Registered {
		return "登记入库"
	}
	if n, ok := eventTypeNames[t]; ok {
		return n
	}
	return t.Chinese()
}

// factNames are the facts a correction changes, in Chinese.
var factNames = map[string]string{
	FactName: "项目名称", FactUnit: "责任单位", FactTownship: "乡镇", FactLeader: "包保领导", FactIndustry: "行业",
	FactContent: "建设内容", FactNationalCode: "项目代码（赋码）", FactTotalInvestment: "总投资", FactRegisteredOn: "登记日期",
}

// flagNames are the compliance flags in Chinese.
var flagNames = map[ComplianceFlag]string{
	FlagStartedWithoutEIA:    "无环评开工",
	FlagStartedWithoutLand:   "无土地开工",
	FlagStartedWithoutPermit: "无施工许可开工",
	FlagStartedBeforeSigned:  "未签约先开工",
}

// Chinese is the compliance flag's name in Chinese.
func (f ComplianceFlag) Chinese() string {
	if n, ok := flagNames[f]; ok {
		return n
	}
	return string(f)
}

// DescribeChinese is Describe in Chinese: "开工；标记：无环评开工".
func DescribeChinese(e Event) string {
	if s, ok := describeReserve(e, true); ok {
		return s
	}
	if s, ok := describeApplication(e, true); ok {
		return s
	}
	switch d := e.Data.(type) {
	case *RegisteredData:
		return fmt.Sprintf("%s；总投资 %s 元；责任单位 %s；包保领导 %s；%s", d.Name, FormatYuan(d.TotalInvestment), d.Unit, d.Leader, d.Kind.Chinese())
	case *LeaderAssignedData:
		return zhReason(fmt.Sprintf("包保领导 %s（原为 %s）", d.Leader, d.Previous), d.Reason)
	case *MilestonePlannedData:
		if d.Precision != PrecisionDay {
			return fmt.Sprintf("%s 计划于 %s（%s）前完成", d.Milestone.Chinese(), d.Precision.Format(d.Due), d.Due)
		}
		return fmt.Sprintf("%s 计划于 %s 前完成", d.Milestone.Chinese(), d.Due)
	case *DeadlineRevisedData:
		due := d.Due.String()
		if d.Precision != PrecisionDay {
			due = d.Precision.Format(d.Due) + "（" + due + "）"
		}
		return fmt.Sprintf("%s 期限由 %s 调整为 %s（基准 %s）：%s", d.Milestone.Chinese(), d.From, due, d.Baseline, d.Reason)
	case *StepData:
		return zhReason(d.Step.Chinese(), d.Note)
	case *FundsReceivedData:
		s := fmt.Sprintf("到位资金 %s 元", FormatYuan(d.Amount))
		if d.Reference != "" {
			s += "（" + d.Reference + "）"
		}
		return zhReason(s, d.Note)
	case *ApprovedData:
		s := d.Kind.Chinese() + "批复"
		if d.Reference != "" {
			s += " " + d.Reference
		}
		return zhReason(s, d.Note)
	case *StartedData:
		s := zhReason("开工", d.Note)
		if len(d.Flags) > 0 {
			flags := make([]string, len(d.Flags))
			for i, f := range d.Flags {
				flags[i] = f.Chinese()
			}
			s += "；标记：" + strings.Join(flags, "、")
		}
		return s
	case *SuspendedData:
		s := "停工：" + d.Reason
		if !d.ExpectedRestart.IsZero() {
			s += "；预计 " + d.ExpectedRestart.String() + " 复工"
		}
		return s
	case *TerminatedData:
		return "终止：" + d.Reason
	case *ProgressReportedData:
		return fmt.Sprintf("%s 形象进度：%s", d.Month, d.Text)
	case *InvestmentReportedData:
		return zhReason(fmt.Sprintf("%s 完成投资 %s 元", d.Month, FormatYuan(d.Amount)), d.Reason)
	case *InvestmentPlannedData:
		return zhReason(fmt.Sprintf("%d 年计划投资 %s 元", d.Year, FormatYuan(d.Amount)), d.Reason)
	case *IssueRaisedData:
		return fmt.Sprintf("挂账督办 %s：%s", d.IssueID, d.Title)
	case *IssueResolvedData:
		return fmt.Sprintf("销号 %s：%s", d.IssueID, d.Resolution)
	case *DelayExplainedData:
		return fmt.Sprintf("%s（期限 %s）逾期原因：%s", d.Milestone.Chinese(), d.Due, d.Reason)
	case *DeadlineMissedData:
		return fmt.Sprintf("%s 未在期限 %s 前完成（责任单位 %s，包保领导 %s）", d.Milestone.Chinese(), d.Due, d.Unit, d.Leader)
	case *FactsCorrectedData:
		changes := make([]string, len(d.Changes))
		for i, ch := range d.Changes {
			name := factNames[ch.Field]
			if name == "" {
				name = ch.Field
			}
			switch ch.Field {
			case FactTotalInvestment:
				changes[i] = fmt.Sprintf("%s %s → %s 元", name, FormatYuan(ch.FromYuan), FormatYuan(ch.ToYuan))
			case FactRegisteredOn:
				changes[i] = fmt.Sprintf("%s %s → %s", name, ch.FromDate, ch.ToDate)
			default:
				changes[i] = fmt.Sprintf("%s “%s” → “%s”", name, ch.From, ch.To)
			}
		}
		return zhReason("更正"+strings.Join(changes, "；"), d.Reason)
	case *RecordCorrectedData:
		return describeRecordChinese(d)
	case *DeadlineWithdrawnData:
		return fmt.Sprintf("撤销 %s 期限 %s（基准 %s）：%s", d.Milestone.Chinese(), d.Due, d.Baseline, d.Reason)
	case *UnitRegisteredData:
		s := "登记单位 " + d.Name
		if len(d.Aliases) > 0 {
			s += "（别名：" + strings.Join(d.Aliases, "、") + "）"
		}
		return s
	case *UnitAliasAddedData:
		return fmt.Sprintf("%s 的别名：%s", d.Name, d.Alias)
	case *EvidenceAttachedData:
		names := make([]string, len(d.Files))
		for i, f := range d.Files {
			names[i] = fmt.Sprintf("%s（%s，SHA-256 %s）", f.Name, FormatBytes(f.Size), f.SHA256[:min(12, len(f.SHA256))])
		}
		return fmt.Sprintf("%s 的佐证材料：%s", d.About, strings.Join(names, "、"))
	case *RevisionRequestedData:
		return fmt.Sprintf("申请将%s期限由 %s 调整为 %s：%s", d.Milestone.Chinese(), d.From, d.Due, d.Reason)
	case *RevisionDecidedData:
		if d.Approved {
			return zhReason(fmt.Sprintf("同意将%s期限调整为 %s", d.Milestone.Chinese(), d.Due), d.Note)
		}
		return zhReason(fmt.Sprintf("驳回将%s期限调整为 %s 的申请", d.Milestone.Chinese(), d.Due), d.Note)
	case *ReportPublishedData:
		return fmt.Sprintf("发布%s（%s，截至 %s，%d 个文件）", d.Report, d.Period, d.AsOf, len(d.Files))
	}
	return EventName(e.Type)
}

func describeRecordChinese(d *RecordCorrectedData) string {
	what, date := EventName(d.Type), "日期"
	switch {
	case d.Kind != "":
		what += " " + d.Kind.Chinese()
	case d.Milestone != "":
		what, date = what+" "+d.Milestone.Chinese(), "基准期限"
	case d.Tranche != 0:
		what += fmt.Sprintf(" 第 %d 笔", d.Tranche)
	}
	var changes []string
	if d.ToAmount != 0 {
		changes = append(changes, fmt.Sprintf("金额 %s → %s 元", FormatYuan(d.FromAmount), FormatYuan(d.ToAmount)))
	}
	if !d.ToDate.IsZero() {
		changes = append(changes, fmt.Sprintf("%s %s → %s", date, d.FromDate, d.ToDate))
	}
	if d.ToReference != "" {
		changes = append(changes, fmt.Sprintf("文号 “%s” → “%s”", d.FromReference, d.ToReference))
	}
	return zhReason("更正"+what+"："+strings.Join(changes, "，"), d.Reason)
}

func zhReason(s, reason string) string {
	if reason == "" {
		return s
	}
	return s + "：" + reason
}

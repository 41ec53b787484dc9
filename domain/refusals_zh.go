package domain

import (
	"fmt"
	"strings"
)

// actionChinese is what cmd asks, in Chinese, as a refusal names it:
// "记录投产", "计划开工节点", "登记项目".
func actionChinese(cmd Command) string {
	switch c := cmd.(type) {
	case RegisterProject:
		return "登记项目"
	case AssignLeader:
		return "调整包保领导"
	case PlanMilestone:
		return "计划" + c.Milestone.Chinese() + "节点"
	case ReviseDeadline:
		return "调整" + c.Milestone.Chinese() + "期限"
	case RecordStep:
		if c.Step == Approved && c.Approval != "" {
			return "记录" + c.Approval.Chinese() + "批复"
		}
		return "记录" + c.Step.Chinese()
	case ReportInvestment:
		return "报送 " + string(c.Month) + " 投资完成额"
	case ReportProgress:
		return "报送 " + string(c.Month) + " 形象进度"
	case PlanInvestment:
		return fmt.Sprintf("计划 %d 年度投资", c.Year)
	case RaiseIssue:
		return "挂账督办"
	case ResolveIssue:
		return "销号督办事项 " + c.IssueID
	case ExplainDelay:
		return "说明" + c.Milestone.Chinese() + "逾期原因"
	case RecordDeadlineMissed:
		return "记录" + c.Milestone.Chinese() + "逾期"
	case CorrectFacts:
		return "更正基本信息"
	case CorrectRecord:
		switch {
		case c.Type == Approved && c.Kind != "":
			return "更正" + c.Kind.Chinese() + "批复"
		case c.Type == MilestonePlanned && c.Milestone != "":
			return "更正" + c.Milestone.Chinese() + "原定期限"
		}
		return "更正" + c.Type.Chinese() + "记录"
	case WithdrawDeadline:
		return "撤销" + c.Milestone.Chinese() + "节点"
	case RegisterUnit:
		if c.kind() == NameTownship {
			return "登记乡镇" + c.Name
		}
		return "登记单位" + c.Name
	case AddUnitAlias:
		return "为" + c.Name + "添加别名"
	case AttachEvidence:
		return "上传佐证材料"
	case RequestRevision:
		return "申请调整" + c.Milestone.Chinese() + "期限"
	case DecideRevision:
		if c.Approve {
			return "同意调整" + c.Milestone.Chinese() + "期限"
		}
		return "驳回调整" + c.Milestone.Chinese() + "期限的申请"
	case RecordPublication:
		return "记录发布 " + c.Report + " " + c.Period
	case ConceiveProject:
		return "录入谋划项目"
	case AssessProject:
		return "记录论证结论"
	case ReserveProject:
		return "纳入" + c.Level.Chinese() + "项目库"
	case PackageProject:
		return "记录包装"
	case ConvertProject:
		return fmt.Sprintf("转化为 %d 年重点项目", c.Year)
	case DropProject:
		return "退库"
	case SubmitApplication:
		return "向" + c.Level.Chinese() + "申报"
	case AnswerApplication:
		return "记录申报 " + c.Application + " 的批复"
	case ReceiveGrant:
		return "记录申报 " + c.Application + " 的资金到位"
	}
	return cmd.Action()
}

// chineseNames joins names in Chinese, with the Chinese enumeration comma.
func chineseNames[T interface{ ~string }](names []T, chinese func(T) string) string {
	s := make([]string, len(names))
	for i, n := range names {
		s[i] = chinese(n)
	}
	return strings.Join(s, "、")
}

// fieldChinese is the Chinese name of an entered field, as MaxLength and
// the refusals name it in English.
func fieldChinese(field string) string {
	if n, ok := factNames[field]; ok {
		return n
	}
	switch field {
	case "name":
		return "项目名称"
	case "responsible unit":
		return "责任单位"
	case "responsible leader":
		return "包保领导"
	case "reference":
		return "文号"
	case "title":
		return "标题"
	case "reason":
		return "原因"
	case "note":
		return "备注"
	case "resolution":
		return "销号说明"
	case "previous value":
		return "原值"
	case "progress":
		return "形象进度"
	case "issue id":
		return "督办事项编号"
	}
	return field
}

// precisionChinese is a deadline precision as a refusal names it: 月, 季度.
func precisionChinese(p Precision) string {
	switch p {
	case PrecisionMonth:
		return "月"
	case PrecisionQuarter:
		return "季度"
	case PrecisionHalf:
		return "半年"
	case PrecisionYear:
		return "年"
	}
	return "日"
}

// unitKindChinese is a kind of name in the unit register, in Chinese.
func unitKindChinese(kind string) string {
	if kind == NameTownship {
		return "乡镇"
	}
	return "责任单位"
}

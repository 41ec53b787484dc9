package board

import (
	"net/http"

	"github.com/keyprojects/ledger/projections/report"
)

// langOf is the page's language: ?lang=en or ?lang=zh, else the lang
// cookie, else Chinese.
func langOf(r *http.Request) report.Lang {
	s := r.URL.Query().Get("lang")
	if s == "" {
		if c, err := r.Cookie("lang"); err == nil {
			s = c.Value
		}
	}
	if s == "en" {
		return report.EN
	}
	return report.ZH
}

// text is a label in both languages.
type text struct{ zh, en string }

// words are the board's own labels; report tables bring theirs.
var words = map[string]text{
	"title":              {"重点项目推进台账", "Key project ledger"},
	"overview":           {"总览", "Overview"},
	"status":             {"项目进度表", "Status table"},
	"overdue":            {"逾期清单", "Overdue list"},
	"scoreboard":         {"单位排名", "Scoreboard"},
	"bulletin":           {"通报", "Bulletin"},
	"reserve":            {"储备库", "Reserve"},
	"applications":       {"向上争取", "Applications"},
	"project":            {"项目卡片", "Project card"},
	"inspection":         {"督查", "Inspection"},
	"audit":              {"审计", "Audit"},
	"as_of":              {"业务日期", "Business date"},
	"recorded":           {"记录时点", "As recorded at"},
	"today":              {"今天", "today"},
	"all":                {"全部", "all"},
	"unit":               {"责任单位", "Unit"},
	"leader":             {"包保领导", "Leader"},
	"township":           {"乡镇", "Township"},
	"industry":           {"行业", "Industry"},
	"stage":              {"阶段", "Stage"},
	"light":              {"状态灯", "Light"},
	"search":             {"搜索项目代码、名称或赋码", "Search id, name or national code"},
	"apply":              {"筛选", "Filter"},
	"reset":              {"清除", "Clear"},
	"download":           {"下载", "Download"},
	"rows":               {"共 %d 个", "%d in all"},
	"page":               {"第 %d / %d 页", "page %d of %d"},
	"prev":               {"上一页", "previous"},
	"next":               {"下一页", "next"},
	"by_light":           {"按状态", "By light"},
	"by_stage":           {"按阶段", "By stage"},
	"misses":             {"本月逾期节点", "Deadlines missed this month"},
	"live":               {"实时逾期", "Live misses"},
	"live_none":          {"打开本页后尚无新的逾期。", "No deadline missed since this page opened."},
	"investment":         {"年度投资：计划与完成（按单位，万元）", "Investment this year: plan and completed, by unit (10k yuan)"},
	"planned":            {"年度计划", "Planned"},
	"completed":          {"累计完成", "Completed"},
	"period":             {"期间", "Period"},
	"month":              {"月度", "month"},
	"quarter":            {"季度", "quarter"},
	"year":               {"年度", "year"},
	"facts":              {"基本情况", "Facts"},
	"leaders":            {"包保领导变更", "Leaders over time"},
	"timeline":           {"节点进度（基准、调整后、实际）", "Milestones: baseline, revised, actual"},
	"history":            {"事件记录（哈希链）", "History (hash chain)"},
	"issues":             {"督办事项", "Supervision issues"},
	"baseline":           {"基准", "baseline"},
	"due":                {"调整后", "revised"},
	"reached":            {"实际", "actual"},
	"chain_ok":           {"链接完好", "linked"},
	"not_found":          {"找不到该页面", "Page not found"},
	"bad_request":        {"请求无法处理", "Bad request"},
	"error":              {"出错了", "Something went wrong"},
	"back":               {"返回总览", "Back to the overview"},
	"lang_switch":        {"English", "中文"},
	"no_rows":            {"没有符合条件的项目。", "No rows match."},
	"sign_in":            {"登录", "Sign in"},
	"sign_out":           {"退出", "Sign out"},
	"login":              {"用户名", "Login"},
	"password":           {"密码", "Password"},
	"wrong_password":     {"用户名或密码错误。", "Wrong login or password."},
	"too_many_attempts":  {"登录失败次数过多，请 15 分钟后再试。", "Too many failed sign-ins: try again in 15 minutes."},
	"form_expired":       {"表单已失效（可能来自其他网站或页面已过期），请刷新页面后重试；未保存任何内容。", "The form has expired or came from another site: reload the page and try again. Nothing was stored."},
	"forbidden":          {"无权操作", "Not allowed"},
	"role_cannot":        {"您的角色（%s）不能在看板上写入；挂账督办和销号需要督查或录入角色。未保存任何内容。", "Your role (%s) cannot write on the board: raising and closing items takes the inspector or recorder role. Nothing was stored."},
	"cannot_verify":      {"您的角色（%s）不能运行哈希链校验；需要审计、督查或录入角色。", "Your role (%s) cannot run the chain verification: it takes the auditor, inspector or recorder role."},
	"read_only":          {"只读：尚未设置登录用户", "Read-only: nobody is registered to sign in"},
	"not_stored":         {"未保存：", "Not stored: "},
	"saved_raise":        {"%s 已挂账督办（第 %d 条事件）", "%s: supervision item raised (event %d)"},
	"saved_resolve":      {"%s 已销号（第 %d 条事件）", "%s: supervision item closed (event %d)"},
	"saved":              {"已保存：", "Stored: "},
	"raise":              {"挂账督办", "Raise a supervision item"},
	"resolve":            {"销号", "Close a supervision item"},
	"project_id":         {"项目代码", "Project"},
	"issue_title":        {"督办事项", "Item"},
	"raised_on":          {"挂账日期（留空：今天）", "Date raised (empty: today)"},
	"open_issue":         {"待销号事项", "Open item"},
	"resolution":         {"办理结果", "Resolution"},
	"resolved_on":        {"销号日期（留空：今天）", "Date closed (empty: today)"},
	"save":               {"保存", "Save"},
	"role_cannot_report": {"您的角色（%s）不能为该项目填报或审定；填报需要本项目责任单位的单位填报角色或录入角色，审定需要录入角色。未保存任何内容。", "Your role (%s) cannot report for this project or decide on it: reporting takes the project's unit reporter or a recorder, deciding a recorder. Nothing was stored."},
	"saved_record":       {"%s 已记录步骤（第 %d 条事件）", "%s: step recorded (event %d)"},
	"saved_investment":   {"%s 已填报投资完成额（第 %d 条事件）", "%s: investment reported (event %d)"},
	"saved_explain":      {"%s 已说明原因（第 %d 条事件）", "%s: delay explained (event %d)"},
	"saved_revision":     {"%s 已申请调整期限，待重点办审定（第 %d 条事件）", "%s: new deadline requested, waiting for the office (event %d)"},
	"saved_decide":       {"%s 已审定调整申请（第 %d 条事件）", "%s: request decided (event %d)"},
	"saved_files":        {"，附佐证材料 %d 个", ", with %d files of evidence"},
	"saved_nothing":      {"无需保存：台账中已有相同记录", "nothing new to store"},
	"too_large_title":    {"上传内容过大", "Upload too large"},
	"too_large":          {"上传内容过大，未保存任何内容：一次最多 %d 个文件，每个不超过 %d MiB。请减少文件或压缩后重试。", "The upload is too large and nothing was stored: at most %d files at once, each of at most %d MiB."},
	"report_forms":       {"填报", "Report"},
	"record_step":        {"记录步骤", "Record a step"},
	"step":               {"步骤", "Step"},
	"happened_on":        {"发生日期（YYYY-MM-DD，留空：今天）", "Date (YYYY-MM-DD, empty: today)"},
	"approval_kind":      {"审批类型（审批时填：环评、土地、规划许可、施工许可…）", "Approval kind (approved: eia, land, ...)"},
	"doc_ref":            {"文号或凭证号", "Document or voucher number"},
	"funds_amount":       {"到资金额（到资时填，元或万、亿）", "Amount received (funds_received)"},
	"step_reason":        {"原因（停工、终止时必填）", "Reason (suspended, terminated)"},
	"expected_restart":   {"预计复工日期（停工时填）", "Expected restart (suspended)"},
	"note":               {"备注", "Note"},
	"evidence_files":     {"佐证材料（照片或 PDF，最多 %d 个，每个不超过 %d MiB）", "Evidence (photos or PDF, at most %d files of %d MiB each)"},
	"report_investment":  {"填报投资完成额", "Report investment"},
	"inv_month":          {"月份（YYYY-MM）", "Month (YYYY-MM)"},
	"inv_amount":         {"完成额（元或万、亿）", "Amount (yuan, 万 or 亿)"},
	"inv_reason":         {"更正已填报月份时的原因", "Reason, when correcting a month"},
	"explain_delay":      {"说明逾期原因", "Explain a delay"},
	"milestone":          {"节点", "Milestone"},
	"delay_reason":       {"原因", "Reason"},
	"explained_on":       {"说明日期（YYYY-MM-DD，留空：今天）", "Date (YYYY-MM-DD, empty: today)"},
	"request_revision":   {"申请调整期限", "Request a new deadline"},
	"new_due":            {"申请的新期限（YYYY-MM-DD）", "New deadline asked (YYYY-MM-DD)"},
	"revision_reason":    {"调整原因", "Reason"},
	"revision_note":      {"期限在重点办审定同意后才调整。", "The deadline moves once the office approves."},
	"requests":           {"待审定的期限调整申请", "New deadlines waiting for a decision"},
	"asked":              {"申请调整至", "asked"},
	"decide_note":        {"审定意见（驳回时必填）", "Opinion (required to refuse)"},
	"approve":            {"同意", "Approve"},
	"refuse":             {"驳回", "Refuse"},
	"evidence":           {"佐证材料", "Evidence"},
	"decide_on_card":     {"在项目卡片上审定（同意或驳回）。", "Decide on the project's card (approve or refuse)."},
	"unit_no_projects":   {"%s 在台账中尚无项目。", "%s has no project in the ledger yet."},
	"behind":             {"投影尚未追上事件流（落后 %d 条），数据可能不是最新。", "The projections are %d events behind the stream."},
}

// word returns label key in lang.
func word(lang report.Lang, key string) string {
	t, ok := words[key]
	if !ok {
		return key
	}
	if lang == report.EN {
		return t.en
	}
	return t.zh
}

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
	"title":             {"重点项目推进台账", "Key project ledger"},
	"overview":          {"总览", "Overview"},
	"status":            {"项目进度表", "Status table"},
	"overdue":           {"逾期清单", "Overdue list"},
	"scoreboard":        {"单位排名", "Scoreboard"},
	"bulletin":          {"通报", "Bulletin"},
	"project":           {"项目卡片", "Project card"},
	"inspection":        {"督查", "Inspection"},
	"audit":             {"审计", "Audit"},
	"as_of":             {"业务日期", "Business date"},
	"recorded":          {"记录时点", "As recorded at"},
	"today":             {"今天", "today"},
	"all":               {"全部", "all"},
	"unit":              {"责任单位", "Unit"},
	"leader":            {"包保领导", "Leader"},
	"township":          {"乡镇", "Township"},
	"industry":          {"行业", "Industry"},
	"stage":             {"阶段", "Stage"},
	"light":             {"状态灯", "Light"},
	"search":            {"搜索项目代码、名称或赋码", "Search id, name or national code"},
	"apply":             {"筛选", "Filter"},
	"reset":             {"清除", "Clear"},
	"download":          {"下载", "Download"},
	"rows":              {"共 %d 个", "%d in all"},
	"page":              {"第 %d / %d 页", "page %d of %d"},
	"prev":              {"上一页", "previous"},
	"next":              {"下一页", "next"},
	"by_light":          {"按状态", "By light"},
	"by_stage":          {"按阶段", "By stage"},
	"misses":            {"本月逾期节点", "Deadlines missed this month"},
	"live":              {"实时逾期", "Live misses"},
	"live_none":         {"打开本页后尚无新的逾期。", "No deadline missed since this page opened."},
	"investment":        {"年度投资：计划与完成（按单位，万元）", "Investment this year: plan and completed, by unit (10k yuan)"},
	"planned":           {"年度计划", "Planned"},
	"completed":         {"累计完成", "Completed"},
	"period":            {"期间", "Period"},
	"month":             {"月度", "month"},
	"quarter":           {"季度", "quarter"},
	"year":              {"年度", "year"},
	"facts":             {"基本情况", "Facts"},
	"leaders":           {"包保领导变更", "Leaders over time"},
	"timeline":          {"节点进度（基准、调整后、实际）", "Milestones: baseline, revised, actual"},
	"history":           {"事件记录（哈希链）", "History (hash chain)"},
	"issues":            {"督办事项", "Supervision issues"},
	"baseline":          {"基准", "baseline"},
	"due":               {"调整后", "revised"},
	"reached":           {"实际", "actual"},
	"chain_ok":          {"链接完好", "linked"},
	"not_found":         {"找不到该页面", "Page not found"},
	"bad_request":       {"请求无法处理", "Bad request"},
	"error":             {"出错了", "Something went wrong"},
	"back":              {"返回总览", "Back to the overview"},
	"lang_switch":       {"English", "中文"},
	"no_rows":           {"没有符合条件的项目。", "No rows match."},
	"sign_in":           {"登录", "Sign in"},
	"sign_out":          {"退出", "Sign out"},
	"login":             {"用户名", "Login"},
	"password":          {"密码", "Password"},
	"wrong_password":    {"用户名或密码错误。", "Wrong login or password."},
	"too_many_attempts": {"登录失败次数过多，请 15 分钟后再试。", "Too many failed sign-ins: try again in 15 minutes."},
	"form_expired":      {"表单已失效（可能来自其他网站或页面已过期），请刷新页面后重试；未保存任何内容。", "The form has expired or came from another site: reload the page and try again. Nothing was stored."},
	"forbidden":         {"无权操作", "Not allowed"},
	"role_cannot":       {"您的角色（%s）不能在看板上写入；挂账督办和销号需要督查或录入角色。未保存任何内容。", "Your role (%s) cannot write on the board: raising and closing items takes the inspector or recorder role. Nothing was stored."},
	"cannot_verify":     {"您的角色（%s）不能运行哈希链校验；需要审计、督查或录入角色。", "Your role (%s) cannot run the chain verification: it takes the auditor, inspector or recorder role."},
	"read_only":         {"只读：尚未设置登录用户", "Read-only: nobody is registered to sign in"},
	"not_stored":        {"未保存：", "Not stored: "},
	"saved_raise":       {"%s 已挂账督办（第 %d 条事件）", "%s: supervision item raised (event %d)"},
	"saved_resolve":     {"%s 已销号（第 %d 条事件）", "%s: supervision item closed (event %d)"},
	"saved":             {"已保存：", "Stored: "},
	"raise":             {"挂账督办", "Raise a supervision item"},
	"resolve":           {"销号", "Close a supervision item"},
	"project_id":        {"项目代码", "Project"},
	"issue_title":       {"督办事项", "Item"},
	"raised_on":         {"挂账日期（留空：今天）", "Date raised (empty: today)"},
	"open_issue":        {"待销号事项", "Open item"},
	"resolution":        {"办理结果", "Resolution"},
	"resolved_on":       {"销号日期（留空：今天）", "Date closed (empty: today)"},
	"save":              {"保存", "Save"},
	"behind":            {"投影尚未追上事件流（落后 %d 条），数据可能不是最新。", "The projections are %d events behind the stream."},
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

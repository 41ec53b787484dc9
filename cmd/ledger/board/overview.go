package board

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/query"
	"github.com/keyprojects/ledger/projections/report"
)

// overviewData is the 总览: counts by light and by stage, the month's
// misses, and the year's investment by unit.
type overviewData struct {
	Projects int
	Lights   []count
	Stages   []count
	Misses   tableView
	Chart    template.JS // ECharts option: plan vs completed by unit
}

type count struct {
	Key, Label string
	N          int
	Link       string
}

// overviewPage is the overview as computed, with how far behind its rows
// were.
type overviewPage struct {
	data   overviewData
	behind uint64
}

// overview reads every project's row three times: it is kept while the
// ledger stands still (cache.go).
func (s *Server) overview(r *http.Request, p params, v *view) error {
	key := fmt.Sprintf("overview|%s|%s|%s|%s", p.lang, v.AsOf, r.URL.RawQuery, p.report.Filter.Unit)
	got, err := s.memo.get(r.Context(), key, func(ctx context.Context) (any, error) {
		d, behind, err := s.computeOverview(ctx, p)
		return overviewPage{d, behind}, err
	})
	if err != nil {
		return err
	}
	page := got.(overviewPage)
	v.Data, v.Behind = page.data, page.behind
	return nil
}

func (s *Server) computeOverview(ctx context.Context, p params) (overviewData, uint64, error) {
	st, err := s.qs.Status(ctx, query.StatusQuery{Report: p.report})
	if err != nil {
		return overviewData{}, 0, err
	}
	d := overviewData{Projects: len(st.Value)}
	lights := map[projections.Light]int{}
	stages := map[string]int{}
	for _, row := range st.Value {
		lights[row.Light]++
		stages[row.Stage]++
	}
	for _, l := range []projections.Light{projections.LightRed, projections.LightYellow, projections.LightGreen, projections.LightSuspended} {
		d.Lights = append(d.Lights, count{Key: string(l), Label: report.Term(l, p.lang), N: lights[l], Link: "/status" + p.With("light", string(l))})
	}
	for _, stage := range query.Stages() {
		d.Stages = append(d.Stages, count{Key: stage, Label: report.Term(domain.EventType(stage), p.lang), N: stages[stage], Link: "/status" + p.With("stage", stage)})
	}
	b, err := s.qs.Bulletin(ctx, query.BulletinQuery{Report: p.report, Period: projections.Month})
	if err != nil {
		return overviewData{}, 0, err
	}
	tables := report.BulletinTables(b.Value)
	d.Misses = tableOf(tables[1], p.lang, p, 0)
	inv, err := s.qs.InvestmentByUnit(ctx, p.report)
	if err != nil {
		return overviewData{}, 0, err
	}
	d.Chart = investmentChart(inv.Value, p.lang)
	return d, max(st.Behind, b.Behind, inv.Behind), nil
}

// investmentChart is the ECharts option of a bar chart of each unit's
// annual plan and investment completed, in 万元.
func investmentChart(rows []projections.UnitInvestmentRow, lang report.Lang) template.JS {
	var units []string
	var plan, done []int64
	for _, r := range rows {
		if r.Unit == "" {
			continue
		}
		units = append(units, r.Unit)
		plan = append(plan, r.AnnualPlan/10_000)
		done = append(done, r.YearToDate/10_000)
	}
	opt := map[string]any{
		"tooltip": map[string]any{"trigger": "axis"},
		"legend":  map[string]any{"data": []string{word(lang, "planned"), word(lang, "completed")}},
		"grid":    map[string]any{"left": 8, "right": 8, "bottom": 8, "containLabel": true},
		"xAxis":   map[string]any{"type": "value"},
		"yAxis":   map[string]any{"type": "category", "data": units},
		"series": []map[string]any{
			{"name": word(lang, "planned"), "type": "bar", "data": plan},
			{"name": word(lang, "completed"), "type": "bar", "data": done},
		},
	}
	return chartJSON(opt)
}

// scoreChart is the ECharts option of the units' on-time and overdue
// counts.
func scoreChart(rows []projections.ScoreRow, lang report.Lang) template.JS {
	var names []string
	var onTime, overdue []int
	for _, r := range rows {
		names = append(names, r.Name)
		onTime = append(onTime, r.OnTime)
		overdue = append(overdue, r.Overdue)
	}
	on, late := "按期完成", "逾期合计"
	if lang == report.EN {
		on, late = "On time", "Overdue"
	}
	opt := map[string]any{
		"tooltip": map[string]any{"trigger": "axis"},
		"legend":  map[string]any{"data": []string{on, late}},
		"grid":    map[string]any{"left": 8, "right": 8, "bottom": 8, "containLabel": true},
		"xAxis":   map[string]any{"type": "value"},
		"yAxis":   map[string]any{"type": "category", "data": names},
		"series": []map[string]any{
			{"name": on, "type": "bar", "stack": "n", "data": onTime, "itemStyle": map[string]string{"color": "#2e7d32"}},
			{"name": late, "type": "bar", "stack": "n", "data": overdue, "itemStyle": map[string]string{"color": "#c62828"}},
		},
	}
	return chartJSON(opt)
}

func chartJSON(v any) template.JS {
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return template.JS(b)
}

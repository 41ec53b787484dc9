package board

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/query"
	"github.com/keyprojects/ledger/projections/report"
)

// pageSize is how many rows a table page shows.
const pageSize = 50

// view is what every page template gets.
type view struct {
	Lang    report.Lang
	Page    string // the nav key: "overview", "status", ...
	Title   string
	P       params
	Today   domain.Date
	AsOf    domain.Date // the business date reported on
	Behind  uint64
	Data    any
	Filters *filterView
	Who     *who // the reader: a signed-in user or a guest
	Bare    bool // the sign-in page: no navigation, no live misses
}

// pageFunc answers one page: its title and data.
type pageFunc func(r *http.Request, p params, v *view) error

// page renders name with what fn puts in the view; a query error is a 400
// (or a 404) page naming what was wrong, in the page's language.
func (s *Server) page(name string, fn pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := readParams(r)
		v := &view{Lang: p.lang, Page: name, Title: word(p.lang, name), P: p, Today: s.qs.Today(), Who: whoOf(r)}
		_, v.AsOf = s.qs.Resolve(p.report.Cut)
		if err == nil {
			err = scope(r, &p)
			v.P = p
		}
		if err == nil {
			err = fn(r, p, v)
		}
		var unknown *query.UnknownNameError
		if errors.As(err, &unknown) && unknown.Field == "unit" && v.Who.Scoped() && unknown.Value == p.report.Filter.Unit {
			// A unit reporter whose unit has no project yet: nothing to
			// show, which is not a mistake of theirs.
			heading := word(p.lang, name)
			v.Page, v.Data = "error", errorView{heading, fmt.Sprintf(word(p.lang, "unit_no_projects"), unknown.Value)}
			s.render(w, http.StatusOK, "error", v)
			return
		}
		if err != nil {
			s.fail(w, r, p.lang, err)
			return
		}
		if l := r.URL.Query().Get("lang"); l == "en" || l == "zh" {
			http.SetCookie(w, &http.Cookie{Name: "lang", Value: l, Path: "/", SameSite: http.SameSiteLaxMode, HttpOnly: true, MaxAge: 365 * 24 * 3600})
		}
		s.render(w, http.StatusOK, name, v)
	}
}

func (s *Server) render(w http.ResponseWriter, code int, name string, v *view) {
	var b strings.Builder
	if err := s.pages[name].ExecuteTemplate(&b, "layout.html", v); err != nil {
		s.log.Error("board: render", "page", name, "err", err)
		http.Error(w, "render: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(b.String()))
}

// errorView is the error page's data.
type errorView struct {
	Heading, Message string
}

// fail answers err as an error page: 400 for what the reader asked wrong,
// 404 for what is not there, 500 otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, lang report.Lang, err error) {
	code, heading := http.StatusInternalServerError, word(lang, "error")
	var bad *badParam
	var refused *forbiddenError
	var unknown *query.UnknownNameError
	var filter *query.BadFilterError
	msg := err.Error()
	switch {
	case errors.As(err, &bad):
		code, heading = http.StatusBadRequest, word(lang, "bad_request")
	case errors.As(err, &refused):
		code, heading = http.StatusForbidden, word(lang, "forbidden")
	case errors.As(err, &unknown):
		code, heading = http.StatusBadRequest, word(lang, "bad_request")
		msg = fmt.Sprintf("台账中没有%s“%s”", word(lang, unknown.Field), unknown.Value)
		if len(unknown.Closest) > 0 {
			msg += "；您是否要找：" + strings.Join(unknown.Closest, "、")
		}
		if lang == report.EN {
			msg = err.Error()
		}
	case errors.As(err, &filter):
		code, heading = http.StatusBadRequest, word(lang, "bad_request")
		msg = fmt.Sprintf("%s 的值 %q 无法识别；应为 %s", word(lang, filter.Field), filter.Value, strings.Join(filter.Allowed, "、"))
		if lang == report.EN {
			msg = err.Error()
		}
	case errors.Is(err, query.ErrNoEvents), errors.Is(err, errNotFound):
		code, heading = http.StatusNotFound, word(lang, "not_found")
	default:
		s.log.Error("board: request failed", "path", r.URL.Path, "err", err)
	}
	p, _ := readParams(r)
	s.render(w, code, "error", &view{Lang: lang, Page: "error", Title: heading, P: p, Who: whoOf(r), Data: errorView{heading, msg}})
}

var errNotFound = errors.New("no such page")

// forbiddenError is what the reader's role may not do: a 403 page.
type forbiddenError struct{ msg string }

func (e *forbiddenError) Error() string { return e.msg }

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	s.fail(w, r, lang, fmt.Errorf("%w: %s", errNotFound, r.URL.Path))
}

// tableView is a report table as a page shows it: one page of rows.
type tableView struct {
	Title    string
	Name     string
	Headers  []string
	Numeric  []bool
	Rows     [][]cellView
	Total    int
	Page     int
	Pages    int
	PrevURL  string
	NextURL  string
	Download bool
}

// cellView is one cell: its text, a link (a project's card) and a class
// (a light).
type cellView struct {
	Text  string
	Link  string
	Class string
}

// tableOf shows t, page page of it (0: every row).
func tableOf(t report.Table, lang report.Lang, p params, page int) tableView {
	tv := tableView{Title: t.Title.In(lang), Name: t.Name, Headers: report.Headers(t, lang), Total: len(t.Rows), Page: 1, Pages: 1}
	for _, c := range t.Columns {
		tv.Numeric = append(tv.Numeric, report.Numeric(c.Kind))
	}
	from, to := 0, len(t.Rows)
	if page > 0 {
		tv.Pages = max(1, (len(t.Rows)+pageSize-1)/pageSize)
		tv.Page = min(page, tv.Pages)
		from, to = (tv.Page-1)*pageSize, min(tv.Page*pageSize, len(t.Rows))
		if tv.Page > 1 {
			tv.PrevURL = pageURL(p, tv.Page-1)
		}
		if tv.Page < tv.Pages {
			tv.NextURL = pageURL(p, tv.Page+1)
		}
	}
	for i := from; i < to; i++ {
		texts := report.Cells(t, i, lang)
		row := make([]cellView, len(texts))
		for j, c := range t.Columns {
			row[j] = cellView{Text: texts[j]}
			if j >= len(t.Rows[i]) {
				continue
			}
			switch c.Key {
			case "project":
				if id, ok := t.Rows[i][j].(domain.ProjectID); ok {
					row[j].Link = "/project/" + string(id)
				}
			case "light":
				if l, ok := t.Rows[i][j].(projections.Light); ok {
					row[j].Class = "light light-" + string(l)
				}
			}
		}
		tv.Rows = append(tv.Rows, row)
	}
	return tv
}

func pageURL(p params, n int) string {
	q := p.With("page", "")
	sep := "?"
	if q != "" {
		sep = "&"
	}
	return q + sep + fmt.Sprintf("page=%d", n)
}

// filterView is the filter form: the choices of each select.
type filterView struct {
	Units, Leaders, Townships, Industries []string
	Stages, Lights                        []string
	Show                                  map[string]bool // which fields the page's form has
}

// filters lists the names the filter selects offer, from the status rows
// of the cut (the same names the query layer accepts).
func (s *Server) filters(r *http.Request, p params, fields ...string) (*filterView, error) {
	// The choices come from every project's row: kept while the ledger
	// stands still (cache.go).
	// A unit reporter's choices are those of its unit's projects.
	unit := ""
	if whoOf(r).Scoped() {
		unit = p.report.Filter.Unit
	}
	key := fmt.Sprintf("filters|%+v|%s", p.report.Cut, unit)
	v, err := s.memo.get(r.Context(), key, func(ctx context.Context) (any, error) {
		q := query.StatusQuery{Report: query.Report{Cut: p.report.Cut, Bands: p.report.Bands, Filter: query.Filter{Unit: unit}}}
		res, err := s.qs.Status(ctx, q)
		if err != nil {
			return nil, err
		}
		set := func(get func(projections.StatusRow) string) []string {
			var out []string
			for _, row := range res.Value {
				if v := get(row); v != "" {
					out = append(out, v)
				}
			}
			slices.Sort(out)
			return slices.Compact(out)
		}
		return filterView{
			Units:      set(func(r projections.StatusRow) string { return r.Unit }),
			Leaders:    set(func(r projections.StatusRow) string { return r.Leader }),
			Townships:  set(func(r projections.StatusRow) string { return r.Township }),
			Industries: set(func(r projections.StatusRow) string { return r.Industry }),
		}, nil
	})
	if err != nil {
		return nil, err
	}
	fv := v.(filterView)
	if reader := whoOf(r); reader.Scoped() {
		fv.Units = reader.User.Units
	}
	fv.Stages = query.Stages()
	fv.Lights = []string{string(projections.LightRed), string(projections.LightYellow), string(projections.LightGreen), string(projections.LightSuspended)}
	fv.Show = map[string]bool{}
	for _, f := range fields {
		fv.Show[f] = true
	}
	return &fv, nil
}

func (s *Server) statusTables(r *http.Request, p params) ([]report.Table, uint64, error) {
	order := query.StatusOrder(cmp.Or(p.sort, string(query.ByProject)))
	if _, err := query.ParseStatusOrder(string(order)); err != nil {
		return nil, 0, &badParam{"sort", p.sort, "project、light、late 或 unit"}
	}
	res, err := s.qs.Status(r.Context(), query.StatusQuery{Report: p.report, Order: order})
	if err != nil {
		return nil, 0, err
	}
	return []report.Table{report.StatusTable(res.Value)}, res.Behind, nil
}

func (s *Server) overdueTables(r *http.Request, p params) ([]report.Table, uint64, error) {
	res, err := s.qs.Overdue(r.Context(), p.report)
	if err != nil {
		return nil, 0, err
	}
	return []report.Table{report.OverdueTable(res.Value)}, res.Behind, nil
}

func (s *Server) scoreboardTables(r *http.Request, p params) ([]report.Table, uint64, error) {
	res, err := s.qs.Scoreboard(r.Context(), query.ScoreboardQuery{Report: p.report})
	if err != nil {
		return nil, 0, err
	}
	return []report.Table{report.ScoreboardTable(res.Value)}, res.Behind, nil
}

func (s *Server) bulletinTables(r *http.Request, p params) ([]report.Table, uint64, error) {
	period := projections.Period(cmp.Or(p.period, string(projections.Month)))
	if _, err := projections.ParsePeriod(string(period)); err != nil {
		return nil, 0, &badParam{"period", p.period, "month、quarter 或 year"}
	}
	res, err := s.qs.Bulletin(r.Context(), query.BulletinQuery{Report: p.report, Period: period})
	if err != nil {
		return nil, 0, err
	}
	return report.BulletinTables(res.Value), res.Behind, nil
}

// tablePage is a page of one or more report tables with a filter form.
type tablePage struct {
	Tables    []tableView
	Downloads string // the report's download stem: "/status"
	Chart     template.JS
}

func (s *Server) tablesPage(tables func(*http.Request, params) ([]report.Table, uint64, error), stem string, paged bool, fields ...string) pageFunc {
	return func(r *http.Request, p params, v *view) error {
		ts, behind, err := tables(r, p)
		if err != nil {
			return err
		}
		if v.Filters, err = s.filters(r, p, fields...); err != nil {
			return err
		}
		v.Behind = behind
		tp := tablePage{Downloads: stem}
		for _, t := range ts {
			page := 0
			if paged {
				page = p.page
			}
			tp.Tables = append(tp.Tables, tableOf(t, p.lang, p, page))
		}
		v.Data = tp
		return nil
	}
}

func (s *Server) status(r *http.Request, p params, v *view) error {
	return s.tablesPage(s.statusTables, "/status", true, "unit", "leader", "township", "industry", "stage", "light", "q", "sort")(r, p, v)
}

func (s *Server) overdue(r *http.Request, p params, v *view) error {
	return s.tablesPage(s.overdueTables, "/overdue", true, "unit", "leader", "township", "light")(r, p, v)
}

func (s *Server) scoreboard(r *http.Request, p params, v *view) error {
	if err := s.tablesPage(s.scoreboardTables, "/scoreboard", false, "unit", "leader", "township")(r, p, v); err != nil {
		return err
	}
	tp := v.Data.(tablePage)
	res, err := s.qs.Scoreboard(r.Context(), query.ScoreboardQuery{Report: p.report, By: query.ScoreUnits})
	if err != nil {
		return err
	}
	tp.Chart = scoreChart(res.Value, p.lang)
	v.Data = tp
	return nil
}

func (s *Server) bulletin(r *http.Request, p params, v *view) error {
	return s.tablesPage(s.bulletinTables, "/bulletin", false, "unit", "township", "period")(r, p, v)
}

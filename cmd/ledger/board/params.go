package board

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/query"
	"github.com/keyprojects/ledger/projections/report"
)

// params are what a page's query string asks for: the same filters and
// cut as the CLI's flags, by the same names (as_of is --as-of).
type params struct {
	Values       url.Values
	lang         report.Lang
	report       query.Report
	AsOfText     string // as given, for the form
	RecordedText string
	page         int
	sort         string
	period       string
}

// badParam is a query parameter the board cannot read: a 400 naming it.
type badParam struct {
	name, value, expected string
}

func (e *badParam) Error() string {
	return fmt.Sprintf("参数 %s 的值 %q 无法识别；应为 %s", e.name, e.value, e.expected)
}

// zone is the zone of the county's calendar and clock times.
var zone = mustZone()

func mustZone() *time.Location {
	loc, err := domain.LoadZone("")
	if err != nil {
		return time.UTC
	}
	return loc
}

// readParams reads r's query string.
func readParams(r *http.Request) (params, error) {
	v := r.URL.Query()
	p := params{Values: v, lang: langOf(r), page: 1, sort: v.Get("sort"), period: v.Get("period")}
	f := query.Filter{
		Unit: strings.TrimSpace(v.Get("unit")), Leader: strings.TrimSpace(v.Get("leader")),
		Township: strings.TrimSpace(v.Get("township")), Light: projections.Light(v.Get("light")),
		Stage: v.Get("stage"), Kind: domain.ProjectKind(v.Get("kind")),
		Industry: strings.TrimSpace(v.Get("industry")), Search: strings.TrimSpace(v.Get("q")),
	}
	p.report = query.Report{Filter: f}
	if s := strings.TrimSpace(v.Get("as_of")); s != "" {
		d, err := domain.ParseDate(s)
		if err != nil {
			return p, &badParam{"as_of", s, "日期 YYYY-MM-DD"}
		}
		p.report.Cut.AsOf, p.AsOfText = d, s
	}
	if s := strings.TrimSpace(v.Get("recorded")); s != "" {
		t, err := query.ParseRecorded(s, zone)
		if err != nil {
			return p, &badParam{"recorded", s, "时间 YYYY-MM-DD、YYYY-MM-DD HH:MM（北京时间）或 RFC 3339"}
		}
		p.report.Cut.Recorded, p.RecordedText = t, s
	}
	if s := v.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return p, &badParam{"page", s, "从 1 起的页码"}
		}
		p.page = n
	}
	return p, nil
}

// with returns the page's query string with key set to value (dropped
// when empty) and the page number reset.
func (p params) With(key, value string) string {
	v := url.Values{}
	for k, vs := range p.Values {
		v[k] = vs
	}
	v.Del("page")
	if value == "" {
		v.Del(key)
	} else {
		v.Set(key, value)
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// query is the page's query string as it is.
func (p params) Query() string {
	if len(p.Values) == 0 {
		return ""
	}
	return "?" + p.Values.Encode()
}

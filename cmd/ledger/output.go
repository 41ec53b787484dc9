package main

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/query"
)

// recordView is the JSON form of a stored event: everything it carries, with
// hashes in hex and a readable summary.
type recordView struct {
	Sequence      uint64           `json:"sequence"`
	Subject       string           `json:"subject"`
	ID            string           `json:"id"`
	Project       domain.ProjectID `json:"project"`
	Type          domain.EventType `json:"type"`
	Schema        int              `json:"schema"`
	OccurredOn    domain.Date      `json:"occurred_on"`
	RecordedAt    time.Time        `json:"recorded_at"`
	Actor         string           `json:"actor"`
	CorrelationID string           `json:"correlation_id,omitempty"`
	CommandID     string           `json:"command_id"`
	PrevHash      string           `json:"prev_hash"`
	Hash          string           `json:"hash"`
	Summary       string           `json:"summary"`
	Data          domain.Payload   `json:"data"`
	// In a history: the sequences of the later corrections of this event,
	// and, for a correction, the sequence of the event it corrects.
	CorrectedBy []uint64 `json:"corrected_by,omitempty"`
	Corrects    uint64   `json:"corrects,omitempty"`
}

func viewOf(r eventstore.Record) recordView {
	return recordView{
		Sequence: r.Sequence, Subject: r.Subject, ID: r.ID, Project: r.Project, Type: r.Type, Schema: r.Schema,
		OccurredOn: r.OccurredOn, RecordedAt: r.RecordedAt, Actor: r.Actor, CorrelationID: r.CorrelationID,
		CommandID: r.CommandID, PrevHash: hex.EncodeToString(r.PrevHash), Hash: hex.EncodeToString(r.Hash),
		Summary: domain.Describe(r.Event), Data: r.Data,
	}
}

// printJSON prints v as indented JSON. An empty list prints as [], never
// null, at any depth: a reader iterating over a field need not test it.
func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if v != nil {
		v = emptyLists(reflect.ValueOf(v)).Interface()
	}
	return enc.Encode(v)
}

// emptyLists returns a copy of v in which every nil slice reachable
// through exported fields, elements, map values, pointers and interfaces
// is an empty one.
func emptyLists(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			if v.Type().Elem().Kind() == reflect.Uint8 {
				return v // []byte encodes as a string
			}
			return reflect.MakeSlice(v.Type(), 0, 0)
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(emptyLists(v.Index(i)))
		}
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(emptyLists(v.Elem()))
		return out
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(emptyLists(v.Elem()))
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), emptyLists(it.Value()))
		}
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		for i := range v.NumField() {
			if f := out.Field(i); f.CanSet() {
				f.Set(emptyLists(v.Field(i)))
			}
		}
		return out
	}
	return v
}

// printStored reports the outcome of a command.
func (a *app) printStored(res eventstore.Result) error {
	if a.asJSON {
		views := make([]recordView, len(res.Records))
		for i, r := range res.Records {
			views[i] = viewOf(r)
		}
		return a.printJSON(struct {
			AlreadyStored bool         `json:"already_stored"`
			Events        []recordView `json:"events"`
		}{res.AlreadyStored, views})
	}
	zh, _ := a.chinese(a.lang)
	for _, r := range res.Records {
		switch {
		case zh && res.AlreadyStored:
			fmt.Fprintf(a.stdout, "已保存过，未重复保存：%s %s，序号 %d（哈希 %s）：%s\n",
				r.Project, domain.EventName(r.Type), r.Sequence, shortHash(r.Hash), domain.DescribeChinese(r.Event))
		case zh:
			fmt.Fprintf(a.stdout, "已保存：%s %s，序号 %d（哈希 %s）：%s\n",
				r.Project, domain.EventName(r.Type), r.Sequence, shortHash(r.Hash), domain.DescribeChinese(r.Event))
		case res.AlreadyStored:
			fmt.Fprintf(a.stdout, "already stored, nothing new: %s %s at sequence %d (hash %s): %s\n",
				r.Project, r.Type, r.Sequence, shortHash(r.Hash), domain.Describe(r.Event))
		default:
			fmt.Fprintf(a.stdout, "stored: %s %s at sequence %d (hash %s): %s\n",
				r.Project, r.Type, r.Sequence, shortHash(r.Hash), domain.Describe(r.Event))
		}
		if res.AlreadyStored {
			if hint := repeatHint(r.Event, zh); hint != "" {
				fmt.Fprintln(a.stderr, hint)
			}
		}
	}
	return nil
}

// repeatHint tells how to record a second, separate fact that looks the
// same as e, one the ledger took for a retry of e.
func repeatHint(e domain.Event, zh bool) string {
	switch d := e.Data.(type) {
	case *domain.FundsReceivedData:
		if d.Reference == "" && zh {
			return "提示：如果这是同一天、同一金额的另一笔资金，请用 --ref 填写其凭证号或转账单号再记录"
		}
		if d.Reference == "" {
			return "hint: if this is another tranche of the same amount on the same day, record it with --ref and its voucher or transfer number"
		}
	case *domain.IssueRaisedData:
		if zh {
			return "提示：如果这是另一项同名的督办事项，请用 --id 给它自己的编号再挂账"
		}
		return "hint: if this is another issue with the same title, raise it with its own --id"
	}
	return ""
}

func shortHash(h []byte) string {
	s := hex.EncodeToString(h)
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

func (a *app) historyCommand() *cobra.Command {
	var asOf, recorded, lang string
	c := &cobra.Command{
		Use:   "history PROJECT",
		Short: "Every event of a project, in order, with sequence, dates, actor, hash and compliance flags",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			zh, err := a.chinese(lang)
			if err != nil {
				return err
			}
			cut := projections.Cut{}
			if recorded != "" {
				t, err := parseInstant(recorded)
				if err != nil {
					return err
				}
				cut.Recorded = t
			}
			if asOf != "" {
				d, err := a.date("--as-of", asOf)
				if err != nil {
					return err
				}
				cut.Occurred = d
			}
			ctx := cmd.Context()
			return a.withProject(ctx, args[0], func(qs *query.Service, id domain.ProjectID) error {
				h, err := qs.History(ctx, query.HistoryQuery{Project: id, Events: cut})
				a.noteForeign(id, h.Foreign)
				if err != nil {
					return err
				}
				all := h.Value.Records
				if !cut.IsZero() {
					// A correction names its original by its place among
					// all the project's events (the N-th tranche).
					full, err := qs.History(ctx, query.HistoryQuery{Project: id})
					if err != nil {
						return err
					}
					all = full.Value.Records
				}
				return a.printHistoryLinked(h.Value.Records, correctionLinks(all), zh)
			})
		},
	}
	a.langFlag(c, &lang)
	c.Flags().StringVar(&asOf, "as-of", "", "only events that had happened by this business date, YYYY-MM-DD")
	c.Flags().StringVar(&recorded, "as-of-recorded", "", "only events the ledger had recorded by this time: YYYY-MM-DD, 'YYYY-MM-DD HH:MM' or RFC 3339")
	return c
}

// noteForeign says on stderr that messages on project id's subjects that
// are not ledger events were left out.
func (a *app) noteForeign(id domain.ProjectID, foreign []uint64) {
	if n := len(foreign); n > 0 {
		fmt.Fprintf(a.stderr, "ledger: note: %d messages on %s's subjects are not ledger events and are not shown (stream %s); ledger verify %s names each\n",
			n, id, sequenceList(foreign), id)
	}
}

// printHistory prints recs, a project's events in stream order.
func (a *app) printHistory(recs []eventstore.Record) error {
	return a.printHistoryLinked(recs, correctionLinks(recs), false)
}

// printHistoryLinked prints recs; links tie corrections to what they
// correct, and a link to a correction outside recs is left out.
func (a *app) printHistoryLinked(recs []eventstore.Record, links corrections, zh bool) error {
	shown := make(map[uint64]bool, len(recs))
	for _, r := range recs {
		shown[r.Sequence] = true
	}
	views := make([]recordView, len(recs))
	for i, r := range recs {
		views[i] = viewOf(r)
		for _, by := range links.by[r.Sequence] {
			if shown[by] {
				views[i].CorrectedBy = append(views[i].CorrectedBy, by)
			}
		}
		views[i].Corrects = links.of[r.Sequence]
	}
	if a.asJSON {
		return a.printJSON(views)
	}
	state := domain.Fold(recs[0].Project, eventsOf(recs))
	loc := state.Location()
	t := a.newTable("seq", "recorded", "occurred", "actor", "type", "details", "hash")
	if zh {
		t = a.newTable("序号", "记录时间", "发生日期", "记录人", "事件", "内容", "哈希")
	}
	for i, r := range recs {
		kind, details := string(r.Type), domain.Describe(r.Event)
		if zh {
			kind, details = domain.EventName(r.Type), domain.DescribeChinese(r.Event)
		}
		t.AppendRow(table.Row{r.Sequence, r.RecordedAt.In(loc).Format("2006-01-02 15:04"),
			r.OccurredOn.String(), r.Actor, kind, details + correctionNote(views[i], zh), shortHash(r.Hash)})
	}
	t.Render()
	return nil
}

func eventsOf(recs []eventstore.Record) []domain.Event {
	out := make([]domain.Event, len(recs))
	for i, r := range recs {
		out[i] = r.Event
	}
	return out
}

func (a *app) showCommand() *cobra.Command {
	var lang string
	c := &cobra.Command{
		Use:   "show PROJECT",
		Short: "A project's current state: stage, leader, deadlines, issues, flags",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			zh, err := a.chinese(lang)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			return a.withProject(ctx, args[0], func(qs *query.Service, id domain.ProjectID) error {
				r, err := qs.Project(ctx, id)
				if errors.Is(err, query.ErrNoEvents) {
					return fmt.Errorf("%w; register it first (ledger project register)", err)
				}
				if err != nil {
					return err
				}
				if a.asJSON {
					return a.printJSON(r.Value)
				}
				if zh {
					return a.printProject(r.Value, projectChinese)
				}
				return a.printProject(r.Value, projectEnglish)
			})
		},
	}
	a.langFlag(c, &lang)
	return c
}

// projectWords are the words printProject prints in one language.
type projectWords struct {
	facts, more, content, progress, steps, approval, sep, open, flags, flagSep string
	headers                                                                    []any
	kind                                                                       func(domain.ProjectKind) string
	step                                                                       func(domain.EventType) string
	approvalKind                                                               func(domain.ApprovalKind) string
	milestone                                                                  func(domain.Milestone) any
	flag                                                                       func(domain.ComplianceFlag) string
}

var (
	projectEnglish = projectWords{
		facts: "unit %s, leader %s, %s, %s yuan, township %s\n", more: "industry %s, national code %s\n",
		content: "建设内容 (what is built): %s\n", progress: "形象进度 (progress, %s): %s\n", steps: "steps: %s\n",
		approval: "%s approval %s", sep: "; ", open: "open issues: %s\n", flags: "compliance flags: %s\n", flagSep: ", ",
		headers:      []any{"milestone", "baseline", "due", "revisions", "reached"},
		kind:         func(k domain.ProjectKind) string { return string(k) },
		step:         func(t domain.EventType) string { return string(t) },
		milestone:    func(m domain.Milestone) any { return m },
		flag:         func(f domain.ComplianceFlag) string { return string(f) },
		approvalKind: func(k domain.ApprovalKind) string { return string(k) },
	}
	projectChinese = projectWords{
		facts: "责任单位 %s，包保领导 %s，%s，总投资 %s 元，乡镇 %s\n", more: "行业 %s，项目代码（赋码）%s\n",
		content: "建设内容：%s\n", progress: "形象进度（%s）：%s\n", steps: "已完成：%s\n",
		approval: "%s批复 %s", sep: "；", open: "未销号督办事项：%s\n", flags: "合规标记：%s\n", flagSep: "、",
		headers:      []any{"节点", "基准期限", "当前期限", "调整次数", "完成日期"},
		kind:         domain.ProjectKind.Chinese,
		step:         domain.EventType.Chinese,
		milestone:    func(m domain.Milestone) any { return m.Chinese() },
		flag:         domain.ComplianceFlag.Chinese,
		approvalKind: domain.ApprovalKind.Chinese,
	}
)

// printProject prints a project's state in the words of w.
func (a *app) printProject(p domain.Project, words projectWords) error {
	w := a.stdout
	fmt.Fprintf(w, "%s  %s\n", p.ID, p.Name)
	fmt.Fprintf(w, words.facts, p.Unit, p.Leader, words.kind(p.Kind), domain.FormatYuan(p.TotalInvestment), orNone(p.Township))
	if p.Industry != "" || p.NationalCode != "" {
		fmt.Fprintf(w, words.more, orNone(p.Industry), orNone(p.NationalCode))
	}
	if p.Content != "" {
		fmt.Fprintf(w, words.content, p.Content)
	}
	if len(p.Progress) > 0 {
		last := slices.Max(slices.Collect(maps.Keys(p.Progress)))
		fmt.Fprintf(w, words.progress, last, p.Progress[last])
	}
	var steps []string
	for _, st := range domain.Steps {
		if d, ok := p.Steps[st]; ok {
			steps = append(steps, fmt.Sprintf("%s %s", words.step(st), d))
		}
	}
	for _, k := range domain.ApprovalKinds {
		if d, ok := p.Approvals[k]; ok {
			steps = append(steps, fmt.Sprintf(words.approval, words.approvalKind(k), d))
		}
	}
	fmt.Fprintf(w, words.steps, orNone(strings.Join(steps, words.sep)))
	t := a.newTable(words.headers...)
	for _, m := range domain.Milestones {
		if dl := p.Deadlines[m]; dl != nil {
			t.AppendRow(table.Row{words.milestone(m), dl.BaselinePrecision.Format(dl.Baseline), dl.Precision.Format(dl.Due), len(dl.Revisions), orNone(dl.Reached.String())})
		}
	}
	t.Render()
	var open []string
	for _, is := range p.Issues {
		if is.ResolvedOn.IsZero() {
			open = append(open, is.ID+" "+is.Title)
		}
	}
	sort.Strings(open)
	fmt.Fprintf(w, words.open, orNone(strings.Join(open, words.sep)))
	flags := make([]string, len(p.Flags))
	for i, f := range p.Flags {
		flags[i] = words.flag(f)
	}
	fmt.Fprintf(w, words.flags, orNone(strings.Join(flags, words.flagSep)))
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// orNoneZh is orNone for a Chinese table: 无 for nothing.
func orNoneZh(s string) string {
	if s == "" {
		return "无"
	}
	return s
}

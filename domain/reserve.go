package domain

import (
	"fmt"
	"strings"
)

// The reserve pool (项目储备库) holds the projects that do not exist yet:
// conceived (谋划) by a department, a township or an industry promotion
// group, assessed (论证), entered into the county's reserve (入库) and
// perhaps a city's or province's key-project library, packaged (包装) for
// investment promotion or an upward application, and in the end converted
// (转化) into a year's key-project list — or dropped (退库). A reserve
// project keeps its id and its history when it becomes a key project: the
// conversion registers it, in the same batch.

// The reserve's event types.
const (
	Conceived EventType = "conceived"
	Assessed  EventType = "assessed"
	Reserved  EventType = "reserved"
	Packaged  EventType = "packaged"
	Converted EventType = "converted"
	Dropped   EventType = "dropped"
)

// BodyKind is the kind of body that proposes a project or answers for a
// unit: a department (部门), a township (乡镇) or an industry promotion
// group (产业推进组).
type BodyKind string

// The kinds of body.
const (
	BodyDepartment    BodyKind = "department"
	BodyTownship      BodyKind = "township"
	BodyIndustryGroup BodyKind = "industry_group"
)

// Level is a level of government: a library a project enters, a level an
// application goes up to.
type Level string

// The levels.
const (
	LevelCounty   Level = "county"
	LevelCity     Level = "city"
	LevelProvince Level = "province"
	LevelState    Level = "state"
)

// ListKind is how a converted project enters the year's key-project list:
// new (新建), continuing (续建) or preparatory (前期, not yet to start).
type ListKind string

// The list kinds.
const (
	ListNew         ListKind = "new"
	ListContinuing  ListKind = "continuing"
	ListPreparatory ListKind = "preparatory"
)

// PackagePurpose is what a project is packaged for.
type PackagePurpose string

// The purposes of packaging.
const (
	ForPromotion   PackagePurpose = "promotion"   // 招商
	ForApplication PackagePurpose = "application" // 向上申报
)

var (
	bodyNames    = map[BodyKind][]string{BodyDepartment: {"部门"}, BodyTownship: {"乡镇", "街道"}, BodyIndustryGroup: {"产业推进组", "推进组"}}
	levelNames   = map[Level][]string{LevelCounty: {"县级", "县"}, LevelCity: {"市级", "市"}, LevelProvince: {"省级", "省"}, LevelState: {"国家级", "国家", "中央"}}
	listNames    = map[ListKind][]string{ListNew: {"新建"}, ListContinuing: {"续建"}, ListPreparatory: {"前期", "预备"}}
	purposeNames = map[PackagePurpose][]string{ForPromotion: {"招商", "对外招商"}, ForApplication: {"申报", "向上申报"}}
)

// Chinese is the body kind's Chinese name.
func (k BodyKind) Chinese() string { return firstName(k, bodyNames) }

// Chinese is the level's Chinese name.
func (l Level) Chinese() string { return firstName(l, levelNames) }

// Chinese is the list kind's Chinese name.
func (k ListKind) Chinese() string { return firstName(k, listNames) }

// Chinese is the purpose's Chinese name.
func (p PackagePurpose) Chinese() string { return firstName(p, purposeNames) }

func firstName[T ~string](v T, names map[T][]string) string {
	if n := names[v]; len(n) > 0 {
		return n[0]
	}
	return string(v)
}

// ParseBodyKind reads department, township or industry_group, or 部门,
// 乡镇, 产业推进组.
func ParseBodyKind(s string) (BodyKind, error) {
	kinds := []BodyKind{BodyDepartment, BodyTownship, BodyIndustryGroup}
	if k, ok := readTerm(s, kinds, bodyNames); ok {
		return k, nil
	}
	return "", invalidf("%q is not a kind of body; expected one of %s", s, namesOf(kinds, bodyNames)).
		zh("“%s”不是单位类别；应为 部门、乡镇 或 产业推进组", s)
}

// ParseLevel reads county, city, province or state, or 县级, 市级, 省级,
// 国家级.
func ParseLevel(s string) (Level, error) {
	levels := []Level{LevelCounty, LevelCity, LevelProvince, LevelState}
	if l, ok := readTerm(s, levels, levelNames); ok {
		return l, nil
	}
	return "", invalidf("%q is not a level; expected one of %s", s, namesOf(levels, levelNames)).
		zh("“%s”不是层级；应为 县级、市级、省级 或 国家级", s)
}

// ParseListKind reads new, continuing or preparatory, or 新建, 续建, 前期.
func ParseListKind(s string) (ListKind, error) {
	kinds := []ListKind{ListNew, ListContinuing, ListPreparatory}
	if k, ok := readTerm(s, kinds, listNames); ok {
		return k, nil
	}
	return "", invalidf("%q is not a kind of key project; expected one of %s", s, namesOf(kinds, listNames)).
		zh("“%s”不是重点项目类别；应为 新建、续建 或 前期", s)
}

// ParsePackagePurpose reads promotion or application, or 招商, 申报.
func ParsePackagePurpose(s string) (PackagePurpose, error) {
	ps := []PackagePurpose{ForPromotion, ForApplication}
	if p, ok := readTerm(s, ps, purposeNames); ok {
		return p, nil
	}
	return "", invalidf("%q is not a purpose; expected one of %s", s, namesOf(ps, purposeNames)).
		zh("“%s”不是包装用途；应为 招商 或 申报", s)
}

// ConceiveProject enters a conceived project (谋划) into the ledger.
type ConceiveProject struct {
	Meta
	Project           ProjectID
	Name              string
	ProposedBy        string // the body that proposes it
	BodyKind          BodyKind
	Industry          string `json:",omitempty"`
	PlannedInvestment int64  // integer yuan
	Content           string `json:",omitempty"`
	TimeZone          string `json:",omitempty"`
	On                Date
}

// AssessProject records the assessment (论证) and its conclusion.
type AssessProject struct {
	Meta
	Project    ProjectID
	Feasible   bool
	Conclusion string
	On         Date
}

// ReserveProject enters the project into a level's library: the county's
// reserve (入库), or a city's or province's key-project library.
type ReserveProject struct {
	Meta
	Project ProjectID
	Level   Level
	On      Date
}

// PackageProject records the project packaged (包装) for promotion or an
// upward application.
type PackageProject struct {
	Meta
	Project ProjectID
	Purpose PackagePurpose
	Note    string
	On      Date
}

// ConvertProject converts a reserve project into a year's key-project
// list and registers it as a key project, in one batch. Name, total
// investment and industry default to the reserve's.
type ConvertProject struct {
	Meta
	Project         ProjectID
	Year            int
	List            ListKind
	Unit            string
	Leader          string
	Township        string `json:",omitempty"`
	Name            string `json:",omitempty"`
	TotalInvestment int64  `json:",omitempty"`
	On              Date
	// Plan optionally sets baseline deadlines, as RegisterProject's.
	Plan []PlannedDeadline `json:",omitempty"`
}

// DropProject drops a project from the reserve (退库), with the reason.
type DropProject struct {
	Meta
	Project ProjectID
	Reason  string
	On      Date
}

// Target implements Command.
func (c ConceiveProject) Target() ProjectID { return c.Project }

// Target implements Command.
func (c AssessProject) Target() ProjectID { return c.Project }

// Target implements Command.
func (c ReserveProject) Target() ProjectID { return c.Project }

// Target implements Command.
func (c PackageProject) Target() ProjectID { return c.Project }

// Target implements Command.
func (c ConvertProject) Target() ProjectID { return c.Project }

// Target implements Command.
func (c DropProject) Target() ProjectID { return c.Project }

// Action implements Command.
func (c ConceiveProject) Action() string { return "enter the conceived project" }

// Action implements Command.
func (c AssessProject) Action() string { return "record the assessment" }

// Action implements Command.
func (c ReserveProject) Action() string { return "enter it into the " + string(c.Level) + " library" }

// Action implements Command.
func (c PackageProject) Action() string { return "record it packaged for " + string(c.Purpose) }

// Action implements Command.
func (c ConvertProject) Action() string {
	return fmt.Sprintf("convert it into the %d key-project list", c.Year)
}

// Action implements Command.
func (c DropProject) Action() string { return "drop it from the reserve" }

// ConceivedData is a project conceived.
type ConceivedData struct {
	Name              string   `cbor:"name" json:"name"`
	ProposedBy        string   `cbor:"proposed_by" json:"proposed_by"`
	BodyKind          BodyKind `cbor:"body_kind" json:"body_kind"`
	Industry          string   `cbor:"industry,omitempty" json:"industry,omitempty"`
	PlannedInvestment int64    `cbor:"planned_investment_yuan" json:"planned_investment_yuan"`
	Content           string   `cbor:"content,omitempty" json:"content,omitempty"`
	TimeZone          string   `cbor:"time_zone" json:"time_zone"`
}

// AssessedData is an assessment's conclusion.
type AssessedData struct {
	Feasible   bool   `cbor:"feasible" json:"feasible"`
	Conclusion string `cbor:"conclusion" json:"conclusion"`
}

// ReservedData is an entry into a level's library.
type ReservedData struct {
	Level Level `cbor:"level" json:"level"`
}

// PackagedData is a project packaged.
type PackagedData struct {
	Purpose PackagePurpose `cbor:"purpose" json:"purpose"`
	Note    string         `cbor:"note,omitempty" json:"note,omitempty"`
}

// ConvertedData is a reserve project converted into a year's list; the
// registered event follows it in the same batch.
type ConvertedData struct {
	Year int      `cbor:"year" json:"year"`
	List ListKind `cbor:"list" json:"list"`
}

// DroppedData is a project dropped from the reserve.
type DroppedData struct {
	Reason string `cbor:"reason" json:"reason"`
}

// EventType implements Payload.
func (*ConceivedData) EventType() EventType { return Conceived }

// EventType implements Payload.
func (*AssessedData) EventType() EventType { return Assessed }

// EventType implements Payload.
func (*ReservedData) EventType() EventType { return Reserved }

// EventType implements Payload.
func (*PackagedData) EventType() EventType { return Packaged }

// EventType implements Payload.
func (*ConvertedData) EventType() EventType { return Converted }

// EventType implements Payload.
func (*DroppedData) EventType() EventType { return Dropped }

// Reserve is a reserve project's state.
type Reserve struct {
	Name              string   `json:"name"`
	ProposedBy        string   `json:"proposed_by"`
	BodyKind          BodyKind `json:"body_kind"`
	Industry          string   `json:"industry,omitempty"`
	PlannedInvestment int64    `json:"planned_investment_yuan"`
	Conceived         Date     `json:"conceived"`
	Assessed          Date     `json:"assessed,omitempty"`
	Feasible          bool     `json:"feasible,omitempty"`
	Conclusion        string   `json:"conclusion,omitempty"`
	// Libraries holds the day the project entered each level's library.
	Libraries   map[Level]Date `json:"libraries,omitempty"`
	Packaged    Date           `json:"packaged,omitempty"`
	PackagedFor PackagePurpose `json:"packaged_for,omitempty"`
	Converted   Date           `json:"converted,omitempty"`
	Year        int            `json:"year,omitempty"`
	List        ListKind       `json:"list,omitempty"`
	Dropped     Date           `json:"dropped,omitempty"`
	DropReason  string         `json:"drop_reason,omitempty"`
}

// Stage names where a reserve project stands: conceived, assessed,
// reserved, packaged, converted or dropped.
func (r *Reserve) Stage() EventType {
	s, _ := r.StageOn(NewDate(9999, 12, 31))
	return s
}

// StageOn names where the project stood on day d, and false when it had
// not been conceived yet.
func (r *Reserve) StageOn(d Date) (EventType, bool) {
	on := func(day Date) bool { return !day.IsZero() && day <= d }
	switch {
	case !on(r.Conceived):
		return "", false
	case on(r.Dropped):
		return Dropped, true
	case on(r.Converted):
		return Converted, true
	case on(r.Packaged):
		return Packaged, true
	case on(r.Libraries[LevelCounty]):
		return Reserved, true
	case on(r.Assessed):
		return Assessed, true
	}
	return Conceived, true
}

func (r *Reserve) clone() *Reserve {
	if r == nil {
		return nil
	}
	c := *r
	c.Libraries = cloneMap(r.Libraries)
	return &c
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func isReserveCommand(cmd Command) bool {
	switch cmd.(type) {
	case ConceiveProject, AssessProject, ReserveProject, PackageProject, ConvertProject, DropProject:
		return true
	}
	return false
}

func (d *decision) decideReserve(cmd Command) ([]Event, error) {
	if c, ok := cmd.(ConceiveProject); ok {
		return d.conceive(c)
	}
	r := d.p.Reserve
	if r == nil {
		if d.p.Registered {
			return nil, d.refuse(ErrInvalid, "the project was registered without passing through the reserve", "reserve steps are for projects conceived in the ledger (ledger reserve conceive)").
				zh("项目未经储备直接登记", "储备环节只适用于在台账中谋划的项目（ledger reserve conceive）")
		}
		return nil, d.refuse(ErrUnknownProject, "the project is not in the reserve", "enter it as conceived first (ledger reserve conceive)").
			zh("项目不在储备库中", "请先录入谋划项目（ledger reserve conceive）")
	}
	if !r.Dropped.IsZero() {
		return nil, d.refuse(ErrTerminated, "the project was dropped from the reserve on %s (%s)", "a dropped project takes no further steps; conceive it again under a new id", r.Dropped, r.DropReason).
			zh("项目已于 %s 退库（%s）", "已退库的项目不再办理后续环节；如需重新谋划，请使用新编号", r.Dropped, r.DropReason)
	}
	if !r.Converted.IsZero() {
		return nil, d.refuse(ErrDuplicateStep, "the project was converted into the %d key-project list on %s", "it is a key project now: record its steps", r.Year, r.Converted).
			zh("项目已于 %s 转化为 %d 年重点项目", "已是重点项目，请记录其推进步骤", r.Converted, r.Year)
	}
	switch c := cmd.(type) {
	case AssessProject:
		return d.assess(c)
	case ReserveProject:
		return d.reserve(c)
	case PackageProject:
		return d.pack(c)
	case ConvertProject:
		return d.convert(c)
	case DropProject:
		return d.drop(c)
	}
	return nil, d.refuse(ErrInvalid, "the command %T is unknown", "", cmd).zh("未知的命令 %T", "", cmd)
}

func (d *decision) conceive(c ConceiveProject) ([]Event, error) {
	if d.p.Reserve != nil || d.p.Registered {
		return nil, d.refuse(ErrAlreadyExists, "the project id is taken", "give the conceived project a new id").zh("项目编号已被使用", "请为谋划项目另取编号")
	}
	for _, f := range []struct{ value, name, zh string }{{c.Name, "name", "项目名称"}, {c.ProposedBy, "proposing body", "提出单位"}} {
		if strings.TrimSpace(f.value) == "" {
			return nil, d.refuse(ErrInvalid, "no %s given", "a conceived project needs a name and the body that proposes it", f.name).
				zh("未填写%s", "谋划项目须有项目名称和提出单位", f.zh)
		}
	}
	if err := d.checkLengths([2]string{FactName, c.Name}, [2]string{FactUnit, c.ProposedBy}, [2]string{FactIndustry, c.Industry}, [2]string{FactContent, c.Content}); err != nil {
		return nil, err
	}
	kind := c.BodyKind
	if kind == "" {
		kind = BodyDepartment
	}
	if kind != BodyDepartment && kind != BodyTownship && kind != BodyIndustryGroup {
		return nil, d.refuse(ErrInvalid, "kind of body %q is unknown", "expected department, township or industry_group", kind).
			zh("单位类别“%s”无法识别", "应为 department（部门）、township（乡镇）或 industry_group（产业推进组）", kind)
	}
	if c.PlannedInvestment <= 0 {
		return nil, d.refuse(ErrInvalid, "planned investment %d yuan is not positive", "give the planned investment in yuan, e.g. 350000000", c.PlannedInvestment).
			zh("计划总投资 %d 元不是正数", "请填写计划总投资（元），例如 350000000", c.PlannedInvestment)
	}
	zone := c.TimeZone
	if zone == "" {
		zone = DefaultTimeZone
	}
	loc, err := LoadZone(zone)
	if err != nil {
		return nil, d.refuse(ErrInvalid, "time zone %q is unknown", "give an IANA name such as Asia/Shanghai", zone).zh("时区“%s”无法识别", "请填写 IANA 时区名，如 Asia/Shanghai", zone)
	}
	d.loc = loc
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	return d.events(on, &ConceivedData{Name: strings.TrimSpace(c.Name), ProposedBy: strings.TrimSpace(c.ProposedBy), BodyKind: kind,
		Industry: strings.TrimSpace(c.Industry), PlannedInvestment: c.PlannedInvestment, Content: strings.TrimSpace(c.Content), TimeZone: zone}), nil
}

func (d *decision) assess(c AssessProject) ([]Event, error) {
	if strings.TrimSpace(c.Conclusion) == "" {
		return nil, d.refuse(ErrInvalid, "no conclusion given", "say what the assessment concluded (--conclusion)").zh("未填写论证结论", "请填写论证结论（--conclusion）")
	}
	if err := d.checkLength("note", c.Conclusion); err != nil {
		return nil, err
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	if on < d.p.Reserve.Conceived {
		return nil, d.refuse(ErrOutOfOrder, "assessed on %s, before it was conceived on %s", "give a date on or after the day it was conceived", on, d.p.Reserve.Conceived).
			zh("论证日期 %s 早于谋划日期 %s", "请填写谋划当日或之后的日期", on, d.p.Reserve.Conceived)
	}
	return d.events(on, &AssessedData{Feasible: c.Feasible, Conclusion: strings.TrimSpace(c.Conclusion)}), nil
}

func (d *decision) reserve(c ReserveProject) ([]Event, error) {
	r := d.p.Reserve
	level := c.Level
	if level == "" {
		level = LevelCounty
	}
	if level != LevelCounty && level != LevelCity && level != LevelProvince && level != LevelState {
		return nil, d.refuse(ErrInvalid, "level %q is unknown", "expected county, city, province or state", level).zh("层级“%s”无法识别", "应为 县级、市级、省级 或 国家级", level)
	}
	if r.Assessed.IsZero() || !r.Feasible {
		return nil, d.refuse(ErrOutOfOrder, "the project has no favourable assessment", "record a feasible assessment first (ledger reserve assess --feasible)").
			zh("项目尚未通过论证", "请先记录论证可行的结论（ledger reserve assess --feasible）")
	}
	if level != LevelCounty && r.Libraries[LevelCounty].IsZero() {
		return nil, d.refuse(ErrOutOfOrder, "the project is not in the county's reserve", "enter it into the county's reserve first").
			zh("项目尚未进入县级储备库", "请先纳入县级储备库")
	}
	if on, ok := r.Libraries[level]; ok {
		return nil, d.refuse(ErrDuplicateStep, "the project entered the %s library on %s", "it enters each library once", level, on).
			zh("项目已于 %s 进入%s项目库", "每级项目库只入库一次", on, level.Chinese())
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	if on < r.Assessed {
		return nil, d.refuse(ErrOutOfOrder, "entered on %s, before its assessment on %s", "give a date on or after the assessment", on, r.Assessed).
			zh("入库日期 %s 早于论证日期 %s", "请填写论证当日或之后的日期", on, r.Assessed)
	}
	return d.events(on, &ReservedData{Level: level}), nil
}

func (d *decision) pack(c PackageProject) ([]Event, error) {
	r := d.p.Reserve
	if c.Purpose != ForPromotion && c.Purpose != ForApplication {
		return nil, d.refuse(ErrInvalid, "purpose %q is unknown", "expected promotion or application", c.Purpose).zh("包装用途“%s”无法识别", "应为 招商（promotion）或 申报（application）", c.Purpose)
	}
	if r.Libraries[LevelCounty].IsZero() {
		return nil, d.refuse(ErrOutOfOrder, "the project is not in the county's reserve", "enter it into the reserve first (ledger reserve enter)").
			zh("项目尚未入库", "请先纳入储备库（ledger reserve enter）")
	}
	if err := d.checkLength("note", c.Note); err != nil {
		return nil, err
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	return d.events(on, &PackagedData{Purpose: c.Purpose, Note: strings.TrimSpace(c.Note)}), nil
}

func (d *decision) drop(c DropProject) ([]Event, error) {
	if strings.TrimSpace(c.Reason) == "" {
		return nil, d.refuse(ErrInvalid, "no reason given", "say why the project leaves the reserve (--reason)").zh("未说明退库原因", "请说明退库原因（--reason）")
	}
	if err := d.checkLength("reason", c.Reason); err != nil {
		return nil, err
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	return d.events(on, &DroppedData{Reason: strings.TrimSpace(c.Reason)}), nil
}

func (d *decision) convert(c ConvertProject) ([]Event, error) {
	r := d.p.Reserve
	if r.Libraries[LevelCounty].IsZero() {
		return nil, d.refuse(ErrOutOfOrder, "the project is not in the county's reserve", "a project enters the key-project list from the reserve: enter it first (ledger reserve enter)").
			zh("项目尚未入库", "重点项目从储备库中转化：请先纳入储备库（ledger reserve enter）")
	}
	if c.Year < 2000 || c.Year > 2100 {
		return nil, d.refuse(ErrInvalid, "year %d is not a list's year", "give the year of the key-project list, e.g. 2027", c.Year).zh("%d 不是重点项目清单的年份", "请填写清单年份，例如 2027", c.Year)
	}
	if c.List != ListNew && c.List != ListContinuing && c.List != ListPreparatory {
		return nil, d.refuse(ErrInvalid, "list kind %q is unknown", "expected new, continuing or preparatory", c.List).zh("清单类别“%s”无法识别", "应为 新建、续建 或 前期", c.List)
	}
	kind := KindNew
	if c.List == ListContinuing {
		kind = KindContinuing
	}
	reg := RegisterProject{Meta: c.Meta, Project: c.Project, Name: c.Name, TotalInvestment: c.TotalInvestment, Unit: c.Unit, Leader: c.Leader,
		Township: c.Township, Kind: kind, TimeZone: d.p.TimeZone, On: c.On, Industry: r.Industry, Plan: c.Plan}
	if strings.TrimSpace(reg.Name) == "" {
		reg.Name = r.Name
	}
	if reg.TotalInvestment == 0 {
		reg.TotalInvestment = r.PlannedInvestment
	}
	d.converting = true
	evs, err := d.register(reg)
	if err != nil {
		return nil, err
	}
	on := evs[0].OccurredOn
	if on < r.Libraries[LevelCounty] {
		return nil, d.refuse(ErrOutOfOrder, "converted on %s, before it entered the reserve on %s", "give a date on or after its entry", on, r.Libraries[LevelCounty]).
			zh("转化日期 %s 早于入库日期 %s", "请填写入库当日或之后的日期", on, r.Libraries[LevelCounty])
	}
	out := append(d.events(on, &ConvertedData{Year: c.Year, List: c.List}), evs...)
	for i := range out {
		out[i].ID = fmt.Sprintf("%s-%d", d.key, i)
	}
	return out, nil
}

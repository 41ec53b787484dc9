package domain

import (
	"maps"
	"slices"
	"strings"
	"unicode"
)

// The unit register holds the county's canonical names of responsible
// units (责任单位) and townships (乡镇), each with the other names it goes
// by: "县发改局" for "县发展和改革局". It is kept as events in a history of
// its own, UnitRegisterID, so every name and alias says who added it and
// when. Once the register holds a name of a kind, commands and imports
// map aliases to the canonical name and refuse names of that kind it does
// not know; while it holds none, names of that kind are free text.

// UnitRegisterID is the history the unit register is kept in; no project
// may be registered under it.
const UnitRegisterID ProjectID = "UNIT-REGISTER"

// The unit register's event types.
const (
	UnitRegistered EventType = "unit_registered"
	UnitAliasAdded EventType = "unit_alias_added"
)

// The kinds of name the register holds.
const (
	NameUnit     = "unit"
	NameTownship = "township"
	// NameIndustryGroup is an industry promotion group (产业推进组): it
	// proposes projects for the reserve pool; a unit name is a
	// department's (部门).
	NameIndustryGroup = "industry_group"
)

// RegisterUnit adds a canonical name, with its aliases, to the register.
type RegisterUnit struct {
	Meta
	Name    string
	Kind    string // NameUnit (default), NameTownship or NameIndustryGroup
	Aliases []string
	On      Date
}

// AddUnitAlias adds another name for a registered unit or township.
type AddUnitAlias struct {
	Meta
	Name  string // the canonical name, or one of its aliases
	Alias string
	On    Date
}

// Target implements Command.
func (c RegisterUnit) Target() ProjectID { return UnitRegisterID }

// Target implements Command.
func (c AddUnitAlias) Target() ProjectID { return UnitRegisterID }

// Action implements Command.
func (c RegisterUnit) Action() string { return "register " + c.kind() + " " + c.Name }

// Action implements Command.
func (c AddUnitAlias) Action() string { return "add alias to " + c.Name }

func (c RegisterUnit) kind() string {
	if c.Kind == "" {
		return NameUnit
	}
	return c.Kind
}

// UnitRegisteredData adds a canonical name and its aliases.
type UnitRegisteredData struct {
	Name    string   `cbor:"name" json:"name"`
	Kind    string   `cbor:"kind" json:"kind"`
	Aliases []string `cbor:"aliases,omitempty" json:"aliases,omitempty"`
}

// UnitAliasAddedData adds an alias to a canonical name.
type UnitAliasAddedData struct {
	Name  string `cbor:"name" json:"name"`
	Alias string `cbor:"alias" json:"alias"`
}

// EventType implements Payload.
func (*UnitRegisteredData) EventType() EventType { return UnitRegistered }

// EventType implements Payload.
func (*UnitAliasAddedData) EventType() EventType { return UnitAliasAdded }

// UnitRegister is the register's state: canonical names by kind, and every
// known name's canonical form.
type UnitRegister struct {
	Names     map[string][]string `json:"names"`     // kind -> canonical names, in order of registration
	Canonical map[string]string   `json:"canonical"` // normalised name or alias -> canonical name
	Kinds     map[string]string   `json:"kinds"`     // canonical name -> kind
}

// NormalizeName returns the form names are compared in: surrounding and
// repeated spaces dropped, full-width brackets and spaces made half-width,
// and a trailing bracketed gloss in Latin letters ("县工信局 (county
// industry bureau)") left off.
func NormalizeName(s string) string {
	s = strings.NewReplacer("（", "(", "）", ")", "\u3000", " ").Replace(s)
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.LastIndex(s, "("); i > 0 && strings.HasSuffix(s, ")") {
		gloss := s[i+1 : len(s)-1]
		latin := gloss != "" && !strings.ContainsFunc(gloss, func(r rune) bool { return r > unicode.MaxLatin1 })
		if latin {
			s = strings.TrimSpace(s[:i])
		}
	}
	return strings.ToLower(s)
}

func (u *UnitRegister) ensure() {
	if u.Names == nil {
		u.Names, u.Canonical, u.Kinds = map[string][]string{}, map[string]string{}, map[string]string{}
	}
}

func (u *UnitRegister) clone() *UnitRegister {
	c := &UnitRegister{Names: make(map[string][]string, len(u.Names)), Canonical: maps.Clone(u.Canonical), Kinds: maps.Clone(u.Kinds)}
	for k, v := range u.Names {
		c.Names[k] = slices.Clone(v)
	}
	return c
}

// evolve applies one register event.
func (u *UnitRegister) evolve(e Event) {
	u.ensure()
	switch d := e.Data.(type) {
	case *UnitRegisteredData:
		u.Names[d.Kind] = append(u.Names[d.Kind], d.Name)
		u.Kinds[d.Name] = d.Kind
		u.Canonical[NormalizeName(d.Name)] = d.Name
		for _, a := range d.Aliases {
			u.Canonical[NormalizeName(a)] = d.Name
		}
	case *UnitAliasAddedData:
		u.Canonical[NormalizeName(d.Alias)] = d.Name
	}
}

// Holds reports whether the register holds names of kind.
func (u *UnitRegister) Holds(kind string) bool { return u != nil && len(u.Names[kind]) > 0 }

// Canonicalize returns the canonical name of name, and false when the
// register does not know it (name is then returned as given).
func (u *UnitRegister) Canonicalize(name string) (string, bool) {
	if u == nil {
		return name, false
	}
	c, ok := u.Canonical[NormalizeName(name)]
	if !ok {
		return name, false
	}
	return c, true
}

// Resolve returns the canonical name of a name of kind: the name itself
// while the register holds no names of that kind, else its canonical form,
// or an error naming the closest registered names.
func (u *UnitRegister) Resolve(kind, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || !u.Holds(kind) {
		return name, nil
	}
	if c, ok := u.Canonicalize(name); ok && u.Kinds[c] == kind {
		return c, nil
	}
	return "", invalidf("%s %q is not in the unit register; closest: %s (add it with ledger units add, or an alias with ledger units alias)",
		kind, name, strings.Join(u.closest(kind, name, 3), ", ")).zh("%s“%s”不在单位名录中；最接近的是：%s（可用 ledger units add 登记，或用 ledger units alias 添加别名）",
		unitKindChinese(kind), name, strings.Join(u.closest(kind, name, 3), "、"))
}

// closest returns up to n registered names of kind nearest to name.
func (u *UnitRegister) closest(kind, name string, n int) []string {
	type scored struct {
		name string
		d    int
	}
	target := NormalizeName(name)
	var all []scored
	for _, c := range u.Names[kind] {
		best := EditDistance(target, NormalizeName(c))
		for alias, canon := range u.Canonical {
			if canon == c {
				best = min(best, EditDistance(target, alias))
			}
		}
		all = append(all, scored{c, best})
	}
	slices.SortStableFunc(all, func(a, b scored) int { return a.d - b.d })
	out := make([]string, 0, n)
	for i := 0; i < len(all) && i < n; i++ {
		out = append(out, all[i].name)
	}
	return out
}

// EditDistance is the Levenshtein distance between a and b, counted in
// characters: how many to insert, delete or replace to turn one into the
// other. The did-you-mean hints rank names by it.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			sub := prev[j-1]
			if ra[i-1] != rb[j-1] {
				sub++
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, sub)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func (d *decision) registerUnit(c RegisterUnit) ([]Event, error) {
	u := d.p.Units
	kind := c.kind()
	if kind != NameUnit && kind != NameTownship && kind != NameIndustryGroup {
		return nil, d.refuse(ErrInvalid, "kind %q is unknown", "expected unit, township or industry_group", kind).zh("名称类型“%s”无法识别", "应为 unit（单位）、township（乡镇）或 industry_group（产业推进组）", kind)
	}
	name := strings.Join(strings.Fields(c.Name), " ")
	if name == "" {
		return nil, d.refuse(ErrInvalid, "no name given", "give the canonical name").zh("未填写名称", "请填写规范名称")
	}
	field := FactUnit
	if kind == NameTownship {
		field = FactTownship
	}
	if err := d.checkLength(field, name); err != nil {
		return nil, err
	}
	if c, ok := u.Canonicalize(name); ok {
		return nil, d.refuse(ErrAlreadyExists, "%q is already registered as %s", "", name, c).zh("“%s”已登记为%s", "", name, c)
	}
	var aliases []string
	for _, a := range c.Aliases {
		a = strings.Join(strings.Fields(a), " ")
		if a == "" || slices.Contains(aliases, a) || NormalizeName(a) == NormalizeName(name) {
			continue
		}
		if err := d.checkLength(field, a); err != nil {
			return nil, err
		}
		if c, ok := u.Canonicalize(a); ok {
			return nil, d.refuse(ErrAlreadyExists, "alias %q already names %s", "", a, c).zh("别名“%s”已指%s", "", a, c)
		}
		aliases = append(aliases, a)
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	return d.events(on, &UnitRegisteredData{Name: name, Kind: kind, Aliases: aliases}), nil
}

func (d *decision) addUnitAlias(c AddUnitAlias) ([]Event, error) {
	u := d.p.Units
	canon, ok := u.Canonicalize(c.Name)
	if !ok {
		return nil, d.refuse(ErrNotPlanned, "%q is not in the unit register", "register it first (ledger units add)", c.Name).zh("“%s”不在单位名录中", "请先登记（ledger units add）", c.Name)
	}
	alias := strings.Join(strings.Fields(c.Alias), " ")
	if alias == "" {
		return nil, d.refuse(ErrInvalid, "no alias given", "give the other name (--alias)").zh("未填写别名", "请填写另一个名称（--alias）")
	}
	if err := d.checkLength(FactUnit, alias); err != nil {
		return nil, err
	}
	if other, ok := u.Canonicalize(alias); ok {
		return nil, d.refuse(ErrAlreadyExists, "%q already names %s", "", alias, other).zh("“%s”已指%s", "", alias, other)
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	return d.events(on, &UnitAliasAddedData{Name: canon, Alias: alias}), nil
}

// decideUnits judges a command on the unit register.
func (d *decision) decideUnits(cmd Command) ([]Event, error) {
	switch c := cmd.(type) {
	case RegisterUnit:
		return d.registerUnit(c)
	case AddUnitAlias:
		return d.addUnitAlias(c)
	}
	return nil, d.refuse(ErrInvalid, "the unit register takes only unit commands", "").zh("单位名录只接受单位名录的命令", "")
}

// isUnitCommand reports whether cmd is for the unit register.
func isUnitCommand(cmd Command) bool {
	switch cmd.(type) {
	case RegisterUnit, AddUnitAlias:
		return true
	}
	return false
}

// reserved reports whether id names the unit register or the
// publications' history, in any case.
func reserved(id ProjectID) bool {
	return strings.EqualFold(string(id), string(UnitRegisterID)) || strings.EqualFold(string(id), string(PublicationsID))
}

// ResolveNames returns cmd with its unit and township names in their
// canonical form, or a refusal naming the closest registered names when
// the register holds names of that kind and not this one. Commands that
// name no unit or township are returned as they are.
func (u *UnitRegister) ResolveNames(cmd Command) (Command, error) {
	resolve := func(unit, township *string) error {
		for _, f := range []struct {
			kind string
			name *string
		}{{NameUnit, unit}, {NameTownship, township}} {
			c, err := u.Resolve(f.kind, *f.name)
			if err != nil {
				e := refuse(ErrInvalid, cmd.Target(), cmd.Action(), "%v", "", err).zh("%s", "", Chinese(err))
				e.stepZh = actionChinese(cmd)
				return e
			}
			*f.name = c
		}
		return nil
	}
	switch c := cmd.(type) {
	case RegisterProject:
		err := resolve(&c.Unit, &c.Township)
		return c, err
	case CorrectFacts:
		err := resolve(&c.Unit, &c.Township)
		return c, err
	}
	return cmd, nil
}

// UnitsOf returns the unit register folded from its history's events.
func UnitsOf(events []Event) *UnitRegister {
	return Fold(UnitRegisterID, events).Units
}

// Aliases returns the other names of a canonical name, as normalised.
func (u *UnitRegister) Aliases(name string) []string {
	var out []string
	self := NormalizeName(name)
	for alias, c := range u.Canonical {
		if c == name && alias != self {
			out = append(out, alias)
		}
	}
	slices.Sort(out)
	return out
}

// Package entry turns what a person typed into the ledger's forms (project
// ids, dates, amounts, approval kinds, document numbers, reasons) into
// domain commands. An input it cannot read is refused with one line that
// says what was wrong, where, and what is expected.
//
// The forms are listed once, in Forms, with what each needs and its help;
// the command line builds its commands from them, and a web form can too.
// Nothing here performs I/O: whether a command may be stored is for
// domain.Decide.
package entry

import (
	"fmt"
	"slices"
	"strings"

	"github.com/keyprojects/ledger/domain"
)

// Values is what was typed into a form: each argument and field by its
// name, a repeated field with one value per time it was given. A
// url.Values converts to it.
type Values map[string][]string

// Field is a named value a form takes besides its arguments.
type Field struct {
	Name     string // the field's name, on the command line its flag: --name
	Default  string // the value when it is not given
	Help     string // what to type into it
	Repeated bool   // it may be given more than once
	// Bool makes the field a switch: given alone (--confirm-order) it is
	// "true"; not given, "false". It is read with strconv.ParseBool.
	Bool bool
}

// Form is one change a person can ask the ledger for: how it is called,
// what it needs, its help, and how what was typed becomes its command.
type Form struct {
	// Group is the family the form belongs to ("project", "issue"), or ""
	// when it stands alone.
	Group string
	// Use is the form's name, then its arguments in capitals, then the
	// fields it cannot do without: "plan PROJECT MILESTONE DUE".
	Use     string
	Short   string // one line saying what the form does
	Example string // typed examples, one per line
	Fields  []Field
	// build reads the command out of in; in keeps the first error.
	build func(in *input) domain.Command
}

// Name returns the word that asks for the form: the first word of Use.
func (f Form) Name() string {
	name, _, _ := strings.Cut(f.Use, " ")
	return name
}

// Args returns the names of the form's arguments, in the order Use gives
// them: "PROJECT MILESTONE DUE" names project, milestone and due.
func (f Form) Args() []string {
	var names []string
	for _, w := range strings.Fields(f.Use)[1:] {
		if strings.HasPrefix(w, "--") {
			break
		}
		names = append(names, strings.ToLower(w))
	}
	return names
}

// Parse returns the command the values ask for, carrying meta, or the
// first value that cannot be read.
func (f Form) Parse(v Values, meta domain.Meta) (domain.Command, error) {
	in := &input{form: f, values: v, meta: meta}
	cmd := f.build(in)
	if in.err != nil {
		return nil, in.err
	}
	return cmd, nil
}

// OptionalDate reads a date written YYYY-MM-DD, or "" for the zero Date,
// which the event store resolves to today in the project's time zone. An
// error names label, where the date was typed.
func OptionalDate(label, s string) (domain.Date, error) {
	if s == "" {
		return 0, nil
	}
	d, err := domain.ParseDate(s)
	if err != nil {
		return 0, labelled(label, err)
	}
	return d, nil
}

// Deadlines reads baseline deadlines written MILESTONE=YYYY-MM-DD, one
// per item. An error names label and the item.
func Deadlines(label string, items []string) ([]domain.PlannedDeadline, error) {
	var out []domain.PlannedDeadline
	for _, it := range items {
		ms, due, ok := strings.Cut(it, "=")
		if !ok {
			return nil, &LayoutError{Msg: fmt.Sprintf("%s %q: expected MILESTONE=YYYY-MM-DD, e.g. started=2027-03-31", label, it),
				zh: fmt.Sprintf("%s“%s”：应为 节点=YYYY-MM-DD，例如 started=2027-03-31", labelChinese(label), it)}
		}
		m, err := domain.ParseMilestone(ms)
		if err != nil {
			return nil, labelled(fmt.Sprintf("%s %q", label, it), err, fmt.Sprintf("%s“%s”", labelChinese(label), it))
		}
		d, err := domain.ParseDate(due)
		if err != nil {
			return nil, labelled(fmt.Sprintf("%s %q", label, it), err, fmt.Sprintf("%s“%s”", labelChinese(label), it))
		}
		out = append(out, domain.PlannedDeadline{Milestone: m, Due: d})
	}
	return out, nil
}

// LayoutError is a value not laid out as its field asks (a deadline
// without its "="), before any of its parts is read. It matches
// domain.ErrInvalid.
type LayoutError struct {
	Msg string
	zh  string // the same message in Chinese
}

// Error implements error.
func (e *LayoutError) Error() string { return e.Msg }

// Chinese is the message in Chinese, or the English one when it has none.
func (e *LayoutError) Chinese() string {
	if e.zh == "" {
		return e.Msg
	}
	return e.zh
}

// fieldError is an error about the value of one field, named by its label
// ("--on: ..."); its Chinese text keeps the label and gives the error's
// Chinese after it.
type fieldError struct {
	label, labelZh string
	err            error
}

func (e *fieldError) Error() string   { return e.label + ": " + e.err.Error() }
func (e *fieldError) Unwrap() error   { return e.err }
func (e *fieldError) Chinese() string { return e.labelZh + "：" + domain.Chinese(e.err) }

// labelled is err about the field label; labelZh, when given, is how the
// Chinese text names it (by default labelChinese(label)).
func labelled(label string, err error, labelZh ...string) error {
	zh := labelChinese(label)
	if len(labelZh) > 0 {
		zh = labelZh[0]
	}
	return &fieldError{label: label, labelZh: zh, err: err}
}

// labelChinese is a field's label in Chinese: a flag keeps its name.
func labelChinese(label string) string {
	switch label {
	case "deadline":
		return "期限"
	case "amount":
		return "金额"
	}
	return label
}

// Is makes errors.Is(err, domain.ErrInvalid) true.
func (e *LayoutError) Is(target error) bool { return target == domain.ErrInvalid }

// input reads the values of one form. Each reader returns the zero value
// once a value has failed, so a form's build reads its values in the
// order it checks them and in.err is the first failure.
type input struct {
	form   Form
	values Values
	meta   domain.Meta
	err    error
}

// keep records err as the failure unless one came before it.
func (in *input) keep(err error) {
	if in.err == nil {
		in.err = err
	}
}

// list returns the values given for name, or its default; name must be an
// argument or a field of the form.
func (in *input) list(name string) []string {
	if vs, ok := in.values[name]; ok {
		return vs
	}
	if slices.Contains(in.form.Args(), name) {
		return nil
	}
	for _, f := range in.form.Fields {
		if f.Name == name {
			if f.Default == "" {
				return nil
			}
			return []string{f.Default}
		}
	}
	panic(fmt.Sprintf("entry: form %q reads %q, which it does not declare", in.form.Use, name))
}

// text returns the value given for name, or its default.
func (in *input) text(name string) string {
	if vs := in.list(name); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// read parses the value of name with parse unless a value failed before;
// label, when not empty, prefixes the error.
func read[T any](in *input, label, name string, parse func(string) (T, error)) T {
	var zero T
	s := in.text(name)
	if in.err != nil {
		return zero
	}
	v, err := parse(s)
	if err != nil {
		if label != "" {
			err = labelled(label, err)
		}
		in.keep(err)
		return zero
	}
	return v
}

// optional is parse, with "" read as the zero value.
func optional[T any](parse func(string) (T, error)) func(string) (T, error) {
	return func(s string) (T, error) {
		if s == "" {
			var zero T
			return zero, nil
		}
		return parse(s)
	}
}

// flag is the label of the field name in errors: --name.
func flag(name string) string { return "--" + name }

func (in *input) project() domain.ProjectID {
	return read(in, "", "project", domain.ParseProjectID)
}

func (in *input) milestone() domain.Milestone {
	return read(in, "", "milestone", domain.ParseMilestone)
}

// deadline reads the argument name, a due date.
func (in *input) deadline(name string) domain.Date {
	return read(in, "deadline", name, domain.ParseDate)
}

// amount reads the argument amount, in yuan or 万/亿.
func (in *input) amount() int64 { return read(in, "amount", "amount", domain.ParseYuan) }

// yuan reads the field name, an amount that must be given.
func (in *input) yuan(name string) int64 { return read(in, flag(name), name, domain.ParseYuan) }

// on reads the field on, the day something happened; "" is today.
func (in *input) on() domain.Date { return in.date("on") }

// date reads the field name, a date that may be left empty.
func (in *input) date(name string) domain.Date {
	return read(in, flag(name), name, optional(domain.ParseDate))
}

func (in *input) deadlines(name string) []domain.PlannedDeadline {
	items := in.list(name)
	if in.err != nil {
		return nil
	}
	d, err := Deadlines(flag(name), items)
	in.keep(err)
	return d
}

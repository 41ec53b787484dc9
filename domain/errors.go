package domain

import (
	"errors"
	"fmt"
	"strings"
)

// Kinds of refusal. A *RuleError matches exactly one of them with errors.Is,
// so a caller can branch on the kind without parsing messages.
var (
	// ErrInvalid: the input is malformed (a bad date, id, amount or name).
	ErrInvalid = errors.New("invalid input")
	// ErrUnknownProject: the command names a project that is not registered.
	ErrUnknownProject = errors.New("unknown project")
	// ErrAlreadyExists: the project, milestone plan or issue already exists.
	ErrAlreadyExists = errors.New("already exists")
	// ErrTerminated: the project was terminated and takes no further steps.
	ErrTerminated = errors.New("project terminated")
	// ErrDuplicateStep: a one-time step was already recorded.
	ErrDuplicateStep = errors.New("duplicate step")
	// ErrOutOfOrder: the step needs an earlier step that is not recorded.
	ErrOutOfOrder = errors.New("out of order")
	// ErrFutureDate: the date has not happened yet in the project's zone.
	ErrFutureDate = errors.New("date in the future")
	// ErrNotPlanned: the milestone has no planned deadline.
	ErrNotPlanned = errors.New("milestone not planned")
	// ErrNoChange: the command would record nothing new.
	ErrNoChange = errors.New("no change")
)

// RuleError is a refused command: what was asked (Step) of which project,
// what is wrong (Problem) and what would be right (Fix). Its message reads
// "cannot record commissioned for P-7: construction has not started; record
// started first".
type RuleError struct {
	Kind    error
	Project ProjectID
	Step    string
	Problem string
	Fix     string

	// The same refusal in Chinese, written beside the English: the step
	// asked, what is wrong and what would be right.
	stepZh, problemZh, fixZh string
	// The English the Chinese was written for: a caller that changes
	// Problem or Fix afterwards changes what the Chinese would say.
	problemEn, fixEn string
}

// Error implements error.
func (e *RuleError) Error() string {
	msg := fmt.Sprintf("cannot %s for %s: %s", e.Step, e.Project, e.Problem)
	if e.Fix != "" {
		msg += "; " + e.Fix
	}
	return msg
}

// Unwrap lets errors.Is match the refusal's Kind.
func (e *RuleError) Unwrap() error { return e.Kind }

func refuse(kind error, p ProjectID, step, problem, fix string, args ...any) *RuleError {
	return &RuleError{Kind: kind, Project: p, Step: step, Problem: fmt.Sprintf(problem, args...), Fix: fix}
}

// zh gives the refusal its Chinese text: what is wrong (problem, formatted
// with args) and what would be right (fix, "" for none).
func (e *RuleError) zh(problem, fix string, args ...any) *RuleError {
	e.problemZh, e.fixZh = fmt.Sprintf(problem, args...), fix
	e.problemEn, e.fixEn = e.Problem, e.Fix
	return e
}

// Refuse is the refusal of cmd for a store's own rules (ids that differ
// only in case), with its problem and fix in English and in Chinese.
func Refuse(kind error, cmd Command, problem, fix, problemZh, fixZh string) *RuleError {
	e := &RuleError{Kind: kind, Project: cmd.Target(), Step: cmd.Action(), Problem: problem, Fix: fix}
	e.stepZh = actionChinese(cmd)
	return e.zh("%s", fixZh, problemZh)
}

// WithFix is the refusal with another fix, in English and in Chinese.
func (e *RuleError) WithFix(fix, fixZh string) *RuleError {
	c := *e
	c.Fix, c.fixEn, c.fixZh = fix, fix, fixZh
	return &c
}

// Chinese is the refusal in Chinese: "无法为 P-7 记录投产：尚未开工；请先记录开工".
// A refusal without a Chinese text gives its English message; one whose
// Fix was changed after its Chinese was written leaves the fix out.
func (e *RuleError) Chinese() string {
	if e.problemZh == "" || e.Problem != e.problemEn {
		return e.Error()
	}
	step := e.stepZh
	if step == "" {
		step = e.Step
	}
	msg := fmt.Sprintf("无法为 %s %s：%s", e.Project, step, e.problemZh)
	if e.Project == UnitRegisterID || e.Project == PublicationsID {
		// The unit register is no project: the step names what it is about.
		msg = fmt.Sprintf("无法%s：%s", step, e.problemZh)
	}
	if e.fixZh != "" && e.Fix == e.fixEn {
		msg += "；" + e.fixZh
	}
	return msg
}

// InputError is malformed input: a bad date, id, amount or name. Its message
// says what was wrong and what is expected; it matches ErrInvalid.
type InputError struct {
	Msg   string
	zhMsg string // the same message in Chinese
}

// Error implements error.
func (e *InputError) Error() string { return e.Msg }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InputError) Is(target error) bool { return target == ErrInvalid }

func invalidf(format string, args ...any) *InputError {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

// zh gives the input error its Chinese text, formatted with args.
func (e *InputError) zh(format string, args ...any) *InputError {
	e.zhMsg = fmt.Sprintf(format, args...)
	return e
}

// NewInputError is malformed input with its message in English and in
// Chinese.
func NewInputError(english, chinese string) *InputError {
	return &InputError{Msg: english, zhMsg: chinese}
}

// Chinese is the message in Chinese ("“2026-13-01”不是有效日期；应为
// YYYY-MM-DD，例如 2026-11-30"), or the English one when it has none.
func (e *InputError) Chinese() string {
	if e.zhMsg == "" {
		return e.Msg
	}
	return e.zhMsg
}

// Chinese is err's message in Chinese: the first error in its chain that
// has a Chinese text (a *RuleError, an *InputError) gives it, and the
// context wrapped around it ("--on: ") is kept before it. An error without
// one gives err.Error().
func Chinese(err error) string {
	if err == nil {
		return ""
	}
	var c interface {
		error
		Chinese() string
	}
	if !errors.As(err, &c) {
		return err.Error()
	}
	prefix, ok := strings.CutSuffix(err.Error(), c.Error())
	if !ok {
		prefix = ""
	}
	return prefix + c.Chinese()
}

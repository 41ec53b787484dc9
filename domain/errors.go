package domain

import (
	"errors"
	"fmt"
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

// InputError is malformed input: a bad date, id, amount or name. Its message
// says what was wrong and what is expected; it matches ErrInvalid.
type InputError struct{ Msg string }

// Error implements error.
func (e *InputError) Error() string { return e.Msg }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InputError) Is(target error) bool { return target == ErrInvalid }

func invalidf(format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

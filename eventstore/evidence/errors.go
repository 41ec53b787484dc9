package evidence

import (
	"errors"
	"fmt"

	"github.com/keyprojects/ledger/domain"
)

// Kinds of refused upload. A *RefusedError matches its kind and
// domain.ErrInvalid with errors.Is.
var (
	// ErrType: the content is not of a type domain.EvidenceTypes accepts.
	ErrType = errors.New("type of evidence not accepted")
	// ErrEmpty: the file has no content.
	ErrEmpty = errors.New("empty file")
	// ErrTooLarge: the file is larger than domain.MaxEvidenceBytes.
	ErrTooLarge = errors.New("file too large")
	// ErrName: the file has no plain name.
	ErrName = errors.New("bad file name")
)

// ErrNotFound is a file the object store does not hold.
var ErrNotFound = errors.New("evidence file not found")

// RefusedError is an upload Put refused before storing anything: what is
// wrong with the file, in English and in Chinese (domain.Chinese reads
// it).
type RefusedError struct {
	Kind  error
	Name  string
	en    string
	zhMsg string
}

func refused(kind error, name, en, zh string, args ...any) *RefusedError {
	return &RefusedError{Kind: kind, Name: name, en: fmt.Sprintf(en, args...), zhMsg: fmt.Sprintf(zh, args...)}
}

// Error implements error.
func (e *RefusedError) Error() string { return e.en }

// Chinese is the message in Chinese.
func (e *RefusedError) Chinese() string { return e.zhMsg }

// Unwrap lets errors.Is match the refusal's kind.
func (e *RefusedError) Unwrap() error { return e.Kind }

// Is makes errors.Is(err, domain.ErrInvalid) true: a refused file is bad
// input.
func (e *RefusedError) Is(target error) bool { return target == domain.ErrInvalid }

// Command ledger is the key-project progress ledger: it registers projects,
// plans their deadlines and records every step as an immutable event on NATS
// JetStream, embedded by default.
//
// This package only wires flags to the domain and eventstore packages; the
// rules live in domain, the storage in eventstore.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strings"
	"syscall"
)

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // refused command, bad input, unreachable server
	exitUsage  = 2 // unknown command or flag
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one ledger invocation and returns its exit code. Every error
// becomes one line on stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return newApp(stdout, stderr).run(ctx, args)
}

func (a *app) run(ctx context.Context, args []string) int {
	stderr := a.stderr
	signalled := ctx
	ctx, a.abort = context.WithCancelCause(ctx)
	defer a.abort(nil)
	root := a.rootCommand()
	root.SetArgs(negativesAsValues(args))
	err := root.ExecuteContext(ctx)
	var refused *refusedError
	if errors.As(context.Cause(ctx), &refused) {
		// The command failed because its context ended; the refusal
		// that ended it is what to say.
		err = refused
	}
	if err != nil && signalled.Err() != nil {
		// SIGINT or SIGTERM ended the command's context.
		err = errors.New("interrupted (SIGINT or SIGTERM) before the command finished")
	}
	if err == nil {
		return exitOK
	}
	msg := err.Error()
	if chineseArgs(args, os.Getenv) {
		msg = chineseMessage(err)
	}
	fmt.Fprintln(stderr, "ledger: "+oneLine(msg))
	var ue usageError
	if errors.As(err, &ue) || strings.HasPrefix(err.Error(), "unknown command") {
		return exitUsage
	}
	return exitFailed
}

// chineseArgs reports whether the command args asks for speaks Chinese:
// its --lang says zh, or, without --lang, the environment is Chinese
// (chineseEnv). Only a command that has --lang gets one past its flags.
func chineseArgs(args []string, getenv func(string) string) bool {
	lang, given := "", false
	for i, arg := range args {
		if arg == "--" {
			break
		}
		if v, ok := strings.CutPrefix(arg, "--lang="); ok {
			lang, given = v, true
		} else if arg == "--lang" && i+1 < len(args) {
			lang, given = args[i+1], true
		}
	}
	if !given {
		return chineseEnv(getenv)
	}
	zh, err := (&app{}).chinese(lang)
	return err == nil && zh
}

// usageError marks a mistake in how the command was called.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// negativeNumber is an argument that reads as a negative number or
// amount: -100万, -3.5, -1,000.
var negativeNumber = regexp.MustCompile(`^-[0-9][0-9,.]*[^-]*$`)

// negativesAsValues keeps a negative number typed as an argument from
// being read as a flag (-100万 is not the flags -1, -0, -0, -万): it is
// written with the minus sign U+2212, which the amount and number
// readers take as "-". A number after a flag that takes a value is left
// alone: the flag reads it as its value.
func negativesAsValues(args []string) []string {
	out := slices.Clone(args)
	for i, arg := range out {
		if arg == "--" {
			break
		}
		if !negativeNumber.MatchString(arg) {
			continue
		}
		if i > 0 && strings.HasPrefix(out[i-1], "-") && !strings.Contains(out[i-1], "=") {
			continue // --amount -100万: the flag's value
		}
		out[i] = "\u2212" + arg[1:]
	}
	return out
}

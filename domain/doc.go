// Package domain holds the key-project ledger's pure business logic: the
// event types, the commands, the project decider (Decide/Evolve), the rules
// that refuse impossible sequences, and the calendar those rules use.
//
// Nothing here performs I/O or imports NATS. Time enters only through the
// "now" argument of Decide, so every rule is testable with a fixed clock.
//
// Reading order: ids.go (what identifies a project), date.go (calendar
// dates), events.go (what is recorded), commands.go (what is asked),
// project.go (the state an event history folds into), decide.go (the rules),
// errors.go (how a refusal is reported).
package domain

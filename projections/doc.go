// Package projections turns the ledger's events into what the reporting job
// reads: one row per project, folded from its events, and the read models
// computed from those rows for an as-of date: the status table, the overdue
// list, the unit and leader scoreboard, investment against plan, the
// supervision ledger and the period bulletin.
//
// Reading order: row.go (the stored fold: one row per project), asof.go
// (what a row says on a given date), the read models (status.go,
// overdue.go, scoreboard.go, investment.go, supervision.go, bulletin.go),
// then storage.go and runner.go, which keep the rows current in JetStream
// KV buckets from the event stream.
//
// The folds and read models are pure: the same events give the same rows,
// and the same rows and date give the same read models. Only storage.go and
// runner.go talk to NATS.
package projections

// Package query is the read side of the ledger: it answers every report the
// ledger prints (status, overdue, scoreboard, investment, supervision,
// bulletin, the workbook, a project's history and card, the auditor's
// listings and the projections' progress) for a cut in time, filters and
// traffic-light bands, and returns the typed rows and values that
// projections/report renders.
//
// A Service is built over an open *eventstore.Store with New and the
// options in query_options.go. Each method takes a context and a small
// query struct and returns a Result: the answer, how many events the
// stored projections it was read from were behind the stream, and the
// foreign messages left out of a project's history. Rendering, flags and
// notes to the reader stay with the caller.
//
// Reading order: errors.go (what can go wrong), service.go (the service,
// cuts and where rows come from), filter.go (filters and the names they
// must match), reports.go (the read models), project.go (one project's
// history, card and audits; late entries), progress.go.
package query

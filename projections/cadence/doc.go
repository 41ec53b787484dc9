// Package cadence runs the county's reporting cadence by itself: the
// weekly dispatch (周调度), the monthly bulletin (月通报), the quarterly
// inspection (季度检查), the half-year summary (半年总结) and the
// year-end posting (年终张榜), each a job with a cron expression in the
// project's zone (Config, DefaultConfig).
//
// A run covers the last whole period before it (Covered), is computed
// on the cut of the instant it was due (the period's last day, and what
// the ledger had recorded by then), writes its files to
// <folder>/<report>/<period>/ and records a domain.RecordPublication in
// the history domain.PublicationsID with each file's SHA-256 and the
// ledger command line that writes it again. A period is published once:
// the domain refuses a second publication, and a scheduler that loses
// that race leaves no file behind.
package cadence

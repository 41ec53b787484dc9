// Package projections will fold the ledger's events into read models: the
// project status table, the overdue list, the unit and leader scoreboard,
// investment against plan and the supervision ledger. It is empty until
// those arrive; see the issue tracker.
package projections

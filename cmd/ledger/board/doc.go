// Package board is the ledger's web board: server-rendered pages for the
// county's leaders, the 重点办 and the inspection office, Chinese first.
//
// It translates HTTP to the query layer (projections/query) and the
// report tables (projections/report) and back; it holds no reporting
// logic of its own, so a page shows what the CLI prints for the same
// filters and cut. Reading order: board.go (the server and its routes),
// params.go (query parameters into a query), pages.go (the report
// pages), project.go and gantt.go (the project card), live.go (misses
// pushed to open pages), download.go, i18n.go. Templates and assets are
// embedded (templates/, static/); the vendored libraries are refreshed by
// static/vendor/update.sh.
package board

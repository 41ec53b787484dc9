package projections

// Test hooks, visible to the package's external tests only.

// SetCrashAfterRowPuts makes r's flushes stop after n row writes, before
// the checkpoint, as a crash would.
func SetCrashAfterRowPuts(r *Runner, n int) { r.crashAfterRowPuts = n }

// SetAfterFlush calls f after each completed flush of r, with the
// generation flushed.
func SetAfterFlush(r *Runner, f func(generation int, cp Checkpoint)) { r.afterFlush = f }

// SetRebuildFlushRows sets how many changed rows a rebuild holds before it
// writes them.
func SetRebuildFlushRows(r *Runner, n int) { r.rebuildFlushRows = n }

// SetRowWindow sets how many row writes may await their acknowledgement.
func SetRowWindow(r *Runner, n int) { r.rowWindow = n }

// ErrCrash is the simulated crash.
var ErrCrash = errCrash

package bench

import (
	"fmt"
	"strconv"
)

// baseline is what a target is a ratio to: the floor or the raw baseline
// measured in the same run, or nothing (a limit in the row's own unit).
type baseline int

const (
	absolute baseline = iota
	ofFloor
	ofRaw
)

// target is what a row must reach: a share of a baseline measured in the
// same run, or a limit in the row's unit. Every row states its target in
// its text with its baseline, and Met is judged against it here.
type target struct {
	of    baseline
	most  bool    // Ours must be at most limit (a latency, memory); else at least
	limit float64 // the ratio to the baseline, or the limit in the row's unit
	stat  string  // what Ours is, when the text names it: "median", "p95", "peak RSS"
	name  string  // the baseline as the text names it, e.g. "raw ordered read"
	unit  string  // an absolute limit's unit, e.g. "ms"
}

// The product's targets, one per judged path.
var (
	targetConcurrent = target{of: ofFloor, limit: 0.9, name: "floor"}
	targetImport     = target{of: ofFloor, limit: 0.9, name: "floor"}
	targetSync       = target{of: ofRaw, most: true, limit: 1.3, stat: "median", name: "raw sync publish (expected subject sequence, Msg-Id, same size)"}
	targetRebuild    = target{of: ofRaw, limit: 0.7, name: "raw ordered read"}
	targetVerify     = target{of: ofRaw, limit: 0.7, name: "raw ordered read"}
	targetHistory    = target{of: ofRaw, most: true, limit: 1.1, stat: "median", name: "raw read of the same messages"}
	targetCard       = target{most: true, limit: 20, stat: "median", unit: "ms"}
	targetRunner     = target{most: true, limit: 300, stat: "peak RSS", unit: "MB"}
	targetStatus     = target{most: true, limit: 50, stat: "median, end to end", unit: "ms"}
	targetDeadline   = target{most: true, limit: 1000, unit: "ms"}
	targetBoardUnit  = target{most: true, limit: 100, stat: "p95", unit: "ms"}
	targetBoardAll   = target{most: true, limit: 150, stat: "p95", unit: "ms"}
	targetBoardLive  = target{most: true, limit: 1000, stat: "median", unit: "ms"}
	// reported is no target: the row is a figure to read (the fill, the
	// storage), always met.
	reported = target{of: absolute, limit: -1}
)

// String is the target as a row states it, with its baseline: ">= 0.9
// of floor", "median <= 1.3x raw sync publish (...)", "<= 300 MB".
func (t target) String() string {
	if t == reported {
		return "- (reported)"
	}
	op := ">="
	if t.most {
		op = "<="
	}
	if t.stat != "" {
		op = t.stat + " " + op
	}
	v := strconv.FormatFloat(t.limit, 'f', -1, 64)
	switch {
	case t.of == absolute:
		return fmt.Sprintf("%s %s %s", op, v, t.unit)
	case t.most:
		return fmt.Sprintf("%s %sx %s", op, v, t.name)
	default:
		return fmt.Sprintf("%s %s of %s", op, v, t.name)
	}
}

// met judges r against t: Ours to the baseline (r.Floor or r.Raw), or
// Ours itself. A baseline not measured (0) meets no target.
func (t target) met(r Row) bool {
	if t == reported {
		return true
	}
	v := r.Ours
	switch t.of {
	case ofFloor, ofRaw:
		base := r.Raw
		if t.of == ofFloor {
			base = r.Floor
		}
		if base <= 0 {
			return false
		}
		v = r.Ours / base
	}
	if t.most {
		return v <= t.limit
	}
	return v >= t.limit
}

// judge states t in r and judges r against it.
func (r Row) judge(t target) Row {
	r.Target, r.Met = t.String(), t.met(r)
	switch t.of {
	case ofFloor:
		r.Baseline = "floor"
	case ofRaw:
		r.Baseline = "raw"
	}
	if r.Floor > 0 {
		r.VsFloor = r.Ours / r.Floor
	}
	return r
}

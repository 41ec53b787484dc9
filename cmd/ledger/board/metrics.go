package board

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// The board's operator endpoints: /healthz (the process answers),
// /readyz (the projections can be read and are within readyBehind events
// of the stream) and /metrics (Prometheus text format).

// readyBehind is how far behind the stream the projections may be for the
// board to say it is ready.
const readyBehind = 1000

// latencyBuckets are the upper bounds, in seconds, of the HTTP latency
// histogram.
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

// metrics counts what the board served.
type metrics struct {
	mu       sync.Mutex
	requests map[string]*histogram // by route pattern
}

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	sum    float64
	n      uint64
	codes  map[int]uint64
}

func newMetrics() *metrics { return &metrics{requests: map[string]*histogram{}} }

func (m *metrics) observe(route string, code int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.requests[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets)+1), codes: map[int]uint64{}}
		m.requests[route] = h
	}
	s := d.Seconds()
	i := sort.SearchFloat64s(latencyBuckets, s)
	h.counts[i]++
	h.sum += s
	h.n++
	h.codes[code]++
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) { w.code = code; w.ResponseWriter.WriteHeader(code) }

// Flush lets the live stream flush through the wrapper.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// instrument times every request by its route pattern.
func (s *Server) instrument(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "other"
		}
		if route != "GET /events" {
			s.metrics.observe(route, sw.code, time.Since(start))
		}
	})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	p, err := s.qs.Progress(r.Context())
	switch {
	case err != nil:
		http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
	case p.Behind > readyBehind:
		http.Error(w, fmt.Sprintf("not ready: projections %d events behind the stream", p.Behind), http.StatusServiceUnavailable)
	default:
		fmt.Fprintf(w, "ready: projections at stream sequence %d, %d behind\n", p.Checkpoint.LastSeq, p.Behind)
	}
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	if p, err := s.qs.Progress(r.Context()); err == nil {
		fmt.Fprintf(&b, "# HELP ledger_projections_behind_events Stream messages the projections have not applied yet.\n# TYPE ledger_projections_behind_events gauge\nledger_projections_behind_events %d\n", p.Behind)
		fmt.Fprintf(&b, "# HELP ledger_projections_checkpoint_sequence Last stream sequence the projections applied.\n# TYPE ledger_projections_checkpoint_sequence gauge\nledger_projections_checkpoint_sequence %d\n", p.Checkpoint.LastSeq)
		fmt.Fprintf(&b, "# HELP ledger_stream_last_sequence Last sequence of the ledger's stream.\n# TYPE ledger_stream_last_sequence gauge\nledger_stream_last_sequence %d\n", p.StreamLast)
		if !p.Checkpoint.UpdatedAt.IsZero() {
			fmt.Fprintf(&b, "# HELP ledger_projections_checkpoint_age_seconds Seconds since the projections last wrote their checkpoint.\n# TYPE ledger_projections_checkpoint_age_seconds gauge\nledger_projections_checkpoint_age_seconds %.3f\n",
				time.Since(p.Checkpoint.UpdatedAt).Seconds())
		}
	}
	fmt.Fprintf(&b, "# HELP ledger_board_live_pages Pages following live misses.\n# TYPE ledger_board_live_pages gauge\nledger_board_live_pages %d\n", s.live.pages())
	s.metrics.mu.Lock()
	routes := make([]string, 0, len(s.metrics.requests))
	for r := range s.metrics.requests {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	b.WriteString("# HELP ledger_board_request_duration_seconds Time to answer a board request, by route.\n# TYPE ledger_board_request_duration_seconds histogram\n")
	for _, route := range routes {
		h := s.metrics.requests[route]
		var cum uint64
		for i, le := range latencyBuckets {
			cum += h.counts[i]
			fmt.Fprintf(&b, "ledger_board_request_duration_seconds_bucket{route=%q,le=\"%g\"} %d\n", route, le, cum)
		}
		fmt.Fprintf(&b, "ledger_board_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", route, h.n)
		fmt.Fprintf(&b, "ledger_board_request_duration_seconds_sum{route=%q} %g\nledger_board_request_duration_seconds_count{route=%q} %d\n", route, h.sum, route, h.n)
	}
	b.WriteString("# HELP ledger_board_responses_total Board responses, by route and status code.\n# TYPE ledger_board_responses_total counter\n")
	for _, route := range routes {
		codes := s.metrics.requests[route].codes
		keys := make([]int, 0, len(codes))
		for c := range codes {
			keys = append(keys, c)
		}
		sort.Ints(keys)
		for _, c := range keys {
			fmt.Fprintf(&b, "ledger_board_responses_total{route=%q,code=\"%d\"} %d\n", route, c, codes[c])
		}
	}
	s.metrics.mu.Unlock()
	for _, write := range s.moreMetrics {
		write(&b)
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
}

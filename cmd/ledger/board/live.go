package board

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections/report"
)

// Hub fans deadline misses out to the pages open on the board, as
// Server-Sent Events. A slow page misses messages rather than holding the
// others up.
type Hub struct {
	mu   sync.Mutex
	subs map[chan Miss]struct{}
}

// Miss is a deadline_missed event as the pages show it.
type Miss struct {
	Sequence  uint64
	Project   domain.ProjectID
	Milestone domain.Milestone
	Due       domain.Date
	Unit      string
	Leader    string
}

// NewHub returns a hub with no page open.
func NewHub() *Hub { return &Hub{subs: map[chan Miss]struct{}{}} }

// Publish sends m to every open page.
func (h *Hub) Publish(m Miss) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.subs {
		select {
		case c <- m:
		default:
		}
	}
}

func (h *Hub) subscribe() chan Miss {
	c := make(chan Miss, 16)
	h.mu.Lock()
	h.subs[c] = struct{}{}
	h.mu.Unlock()
	return c
}

// pages is how many pages follow the misses now.
func (h *Hub) pages() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

func (h *Hub) unsubscribe(c chan Miss) {
	h.mu.Lock()
	delete(h.subs, c)
	h.mu.Unlock()
}

// ServeHTTP streams misses as SSE events named "miss", each an HTML list
// item the page inserts, until the page goes away.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	reader := whoOf(r)
	c := h.subscribe()
	defer h.unsubscribe(c)
	fmt.Fprint(w, ": connected\n\n")
	fl.Flush()
	ping := time.NewTicker(20 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-ping.C:
			fmt.Fprint(w, ": ping\n\n")
			fl.Flush()
		case m := <-c:
			if !reader.Sees(m.Unit) {
				continue // another unit's miss, for a unit reporter
			}
			fmt.Fprintf(w, "event: miss\ndata: %s\n\n", missHTML(m))
			fl.Flush()
		}
	}
}

// missHTML is one miss as a list item, on one line (an SSE data line).
func missHTML(m Miss) string {
	s := fmt.Sprintf(`<li class="miss" data-seq="%d"><a href="/project/%s">%s</a> %s 截止 %s 未完成 · %s · %s</li>`,
		m.Sequence, html.EscapeString(string(m.Project)), html.EscapeString(string(m.Project)),
		html.EscapeString(report.Term(m.Milestone, report.ZH)), m.Due, html.EscapeString(m.Unit), html.EscapeString(m.Leader))
	return strings.ReplaceAll(s, "\n", " ")
}

// Feed publishes to h every deadline_missed stored after the stream's
// current end, until ctx ends: the misses the watcher records while pages
// are open.
func Feed(ctx context.Context, store *eventstore.Store, h *Hub) error {
	last, err := store.LastSequence(ctx)
	if err != nil {
		return err
	}
	for rec, err := range store.Follow(ctx, last+1) {
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			continue // an unreadable message is the verifier's to report
		}
		if d, ok := rec.Data.(*domain.DeadlineMissedData); ok {
			h.Publish(Miss{Sequence: rec.Sequence, Project: rec.Project, Milestone: d.Milestone, Due: d.Due, Unit: d.Unit, Leader: d.Leader})
		}
	}
	return nil
}

package board

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// maxCached bounds the answers the cache holds; the oldest go first.
const maxCached = 64

// cache keeps what pages compute from every project's row (the overview's
// counts, the filters' choices), which costs a read of all rows: at
// 100,000 projects, seconds. An answer stays good while the projections
// have applied nothing new; once they have, it is computed again, and with
// a stale window (WithStaleFor) the old answer is served meanwhile while
// one computation runs in the background.
type cache struct {
	mu      sync.Mutex
	entries map[string]*cached
	stale   time.Duration
	now     func() time.Time
	// position is how far the projections have applied the stream.
	position func(context.Context) (uint64, error)
	log      func(key string, err error)
}

type cached struct {
	value    any
	at       uint64 // the projections' position it was computed at
	made     time.Time
	running  bool
	computed chan struct{} // closed when a first computation ends
	err      error
}

// get returns key's answer, computing it with compute when there is none
// good enough.
func (c *cache) get(ctx context.Context, key string, compute func(context.Context) (any, error)) (any, error) {
	pos, err := c.position(ctx)
	if err != nil {
		// Without a position nothing can be known to be current.
		return compute(ctx)
	}
	c.mu.Lock()
	e := c.entries[key]
	switch {
	case e != nil && e.computed != nil:
		// Another request is computing it for the first time.
		ch := e.computed
		c.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return c.get(ctx, key, compute)
	case e != nil && e.err == nil && e.at == pos:
		v := e.value
		c.mu.Unlock()
		return v, nil
	case e != nil && e.err == nil && c.now().Sub(e.made) < c.stale:
		v := e.value
		if !e.running {
			e.running = true
			go c.refresh(key, pos, compute)
		}
		c.mu.Unlock()
		return v, nil
	}
	e = &cached{computed: make(chan struct{})}
	c.evict()
	c.entries[key] = e
	c.mu.Unlock()

	v, err := compute(ctx)
	c.mu.Lock()
	e.value, e.at, e.made, e.err = v, pos, c.now(), err
	close(e.computed)
	e.computed = nil
	if err != nil {
		delete(c.entries, key)
	}
	c.mu.Unlock()
	return v, err
}

// refresh computes key again in the background for a stale answer.
func (c *cache) refresh(key string, pos uint64, compute func(context.Context) (any, error)) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	v, err := compute(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[key]
	if e == nil {
		return
	}
	e.running = false
	if err != nil {
		c.log(key, err)
		return
	}
	e.value, e.at, e.made = v, pos, c.now()
}

// evict makes room for one more answer.
func (c *cache) evict() {
	for len(c.entries) >= maxCached {
		var oldest string
		for k, e := range c.entries {
			if e.computed == nil && (oldest == "" || e.made.Before(c.entries[oldest].made)) {
				oldest = k
			}
		}
		if oldest == "" {
			return
		}
		delete(c.entries, oldest)
	}
}

// Warm computes the overview and the filters' choices for today, so that
// the first reader does not wait for them.
func (s *Server) Warm(ctx context.Context) error {
	for _, path := range []string{"/", "/status"} {
		r, err := http.NewRequestWithContext(ctx, http.MethodGet, path, nil)
		if err != nil {
			return err
		}
		w := &discard{header: http.Header{}}
		if path == "/" {
			s.page("overview", s.overview)(w, r)
		} else {
			s.page("status", s.status)(w, r)
		}
		if w.code >= 500 {
			return fmt.Errorf("board: warm %s: status %d", path, w.code)
		}
	}
	return nil
}

// discard is a ResponseWriter that keeps only the status.
type discard struct {
	header http.Header
	code   int
}

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(code int)        { d.code = code }

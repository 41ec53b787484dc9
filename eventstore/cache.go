package eventstore

import (
	"sync"

	"github.com/keyprojects/ledger/domain"
)

// DefaultCacheSize is how many projects' states a Store keeps in memory to
// decide commands without re-reading their history.
const DefaultCacheSize = 10_000

// WithCacheSize sets how many project states the store keeps in memory
// (default DefaultCacheSize; 0 turns the cache off). A cached state is only
// a shortcut: every append still carries the expected last sequence, so a
// state made stale by another writer shows up as a conflict, and the
// project is read again.
func WithCacheSize(n int) Option { return func(s *Store) { s.cache = newProjectCache(n) } }

// projectCache holds the folded state of recently used projects.
type projectCache struct {
	mu      sync.Mutex
	max     int
	entries map[domain.ProjectID]*cachedProject
}

type cachedProject struct {
	state    domain.Project
	version  Version
	commands map[string]struct{} // command keys in the project's history
}

func newProjectCache(max int) *projectCache {
	return &projectCache{max: max, entries: map[domain.ProjectID]*cachedProject{}}
}

// snapshot returns a private copy of project p's cached state, its version,
// and whether command key is already in its history.
func (c *projectCache) snapshot(p domain.ProjectID, key string) (state domain.Project, v Version, seen, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[p]
	if e == nil {
		return domain.Project{}, Version{}, false, false
	}
	_, seen = e.commands[key]
	return e.state.Clone(), e.version, seen, true
}

// put stores state as project p's state at version v, unless the cache
// already holds a later version. It takes ownership of state and commands.
func (c *projectCache) put(p domain.ProjectID, state domain.Project, v Version, commands map[string]struct{}) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[p]; e != nil && e.version.Sequence >= v.Sequence {
		return
	}
	if _, present := c.entries[p]; !present && len(c.entries) >= c.max {
		// Drop about a quarter, arbitrarily: cheaper than tracking recency,
		// and a dropped project only costs one history read.
		drop := len(c.entries) / 4
		for id := range c.entries {
			if drop == 0 {
				break
			}
			delete(c.entries, id)
			drop--
		}
	}
	c.entries[p] = &cachedProject{state: state, version: v, commands: commands}
}

// commandsOf returns a copy of the command keys cached for p, plus key.
func (c *projectCache) commandsWith(p domain.ProjectID, key string) map[string]struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]struct{}{key: {}}
	if e := c.entries[p]; e != nil {
		for k := range e.commands {
			out[k] = struct{}{}
		}
	}
	return out
}

func (c *projectCache) drop(p domain.ProjectID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, p)
}

package eventstore

import (
	"hash/maphash"
	"sync"

	"github.com/keyprojects/ledger/domain"
)

// DefaultCacheSize is how many projects' states a Store keeps in memory to
// decide commands without re-reading their history.
const DefaultCacheSize = 10_000

// projectLocks is the number of lock stripes: commands for projects on
// different stripes run in parallel, commands for one project in turn.
const projectLocks = 256

// projectCache holds the folded state of recently used projects, and the
// locks that give one Execute at a time the use of a project's entry.
type projectCache struct {
	seed  maphash.Seed
	locks [projectLocks]sync.Mutex

	mu      sync.Mutex // guards entries, not what they point to
	max     int
	entries map[domain.ProjectID]*cachedProject
}

// cachedProject is a project's state as of version. Only the holder of the
// project's stripe lock reads or changes it.
type cachedProject struct {
	state    domain.Project
	version  Version
	commands map[string]struct{} // command keys in the project's history
}

func newProjectCache(max int) *projectCache {
	return &projectCache{seed: maphash.MakeSeed(), max: max, entries: map[domain.ProjectID]*cachedProject{}}
}

// lock takes project p's stripe lock and returns its release.
func (c *projectCache) lock(p domain.ProjectID) func() {
	m := &c.locks[maphash.String(c.seed, string(p))%projectLocks]
	m.Lock()
	return m.Unlock
}

func (c *projectCache) get(p domain.ProjectID) *cachedProject {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries[p]
}

func (c *projectCache) set(p domain.ProjectID, e *cachedProject) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, present := c.entries[p]; !present && len(c.entries) >= c.max {
		// Drop about a quarter, arbitrarily: cheaper than tracking recency,
		// and a dropped project only costs one history read.
		drop := max(len(c.entries)/4, 1)
		for id := range c.entries {
			if drop == 0 {
				break
			}
			delete(c.entries, id)
			drop--
		}
	}
	c.entries[p] = e
}

func (c *projectCache) drop(p domain.ProjectID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, p)
}

package board

import (
	"strings"
	"sync"
	"time"
)

// Sign-in attempts: after maxLoginFailures wrong passwords for one login,
// or maxAddrFailures from one address, within failureWindow, further
// attempts are refused until the oldest failure leaves the window.
const (
	failureWindow    = 15 * time.Minute
	maxLoginFailures = 5
	maxAddrFailures  = 20
	// maxTracked bounds the logins and addresses remembered.
	maxTracked = 10000
)

// limiter counts failed sign-ins by login and by address.
type limiter struct {
	mu     sync.Mutex
	logins map[string][]time.Time
	addrs  map[string][]time.Time
}

func newLimiter() *limiter {
	return &limiter{logins: map[string][]time.Time{}, addrs: map[string][]time.Time{}}
}

// allow reports whether a sign-in as login from addr may be tried now.
func (l *limiter) allow(now time.Time, addr, login string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(recent(l.logins, strings.ToLower(login), now)) < maxLoginFailures &&
		len(recent(l.addrs, addr, now)) < maxAddrFailures
}

// failed counts a wrong password.
func (l *limiter) failed(now time.Time, addr, login string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, m := range []map[string][]time.Time{l.logins, l.addrs} {
		if len(m) >= maxTracked {
			for k := range m {
				if len(recent(m, k, now)) == 0 {
					delete(m, k)
				}
			}
		}
	}
	if len(l.logins) < maxTracked {
		k := strings.ToLower(login)
		l.logins[k] = append(recent(l.logins, k, now), now)
	}
	if len(l.addrs) < maxTracked {
		l.addrs[addr] = append(recent(l.addrs, addr, now), now)
	}
}

// succeeded forgets login's failures.
func (l *limiter) succeeded(login string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.logins, strings.ToLower(login))
}

// recent is m[key] without the failures older than failureWindow.
func recent(m map[string][]time.Time, key string, now time.Time) []time.Time {
	ts := m[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= failureWindow {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(m, key)
		return nil
	}
	m[key] = ts
	return ts
}

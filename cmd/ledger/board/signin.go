package board

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/keyprojects/ledger/eventstore/access"
	"github.com/keyprojects/ledger/projections/report"
)

// Users are the people who may sign in to the board
// (access.Users keeps them in the ledger's users bucket).
type Users interface {
	// Authenticate returns the user of login if password is theirs, and
	// access.ErrWrongPassword if either is wrong.
	Authenticate(ctx context.Context, login, password string) (access.User, error)
	// Lookup returns the user of login, or access.ErrNoUser.
	Lookup(ctx context.Context, login string) (access.User, error)
	// Any reports whether anybody is registered.
	Any(ctx context.Context) (bool, error)
}

// Sign-in settings.
const (
	// sessionLife is how long a sign-in lasts: a working day.
	sessionLife = 12 * time.Hour
	// maxSessions bounds the sessions held; the oldest go first.
	maxSessions = 10000
	// usersCheck is how long "is anybody registered" is trusted.
	usersCheck = 2 * time.Second
)

// session is one signed-in browser.
type session struct {
	login   string
	csrf    string // the token every form it posts must carry
	expires time.Time
}

// sessions are the signed-in browsers, by the token in their cookie. They
// live in memory: a restarted board asks everybody to sign in again.
type sessions struct {
	mu sync.Mutex
	m  map[string]*session
}

func newSessions() *sessions { return &sessions{m: map[string]*session{}} }

// start opens a session for login and returns its token.
func (ss *sessions) start(login string, now time.Time) (string, *session, error) {
	token, err := randomToken()
	if err != nil {
		return "", nil, err
	}
	csrf, err := randomToken()
	if err != nil {
		return "", nil, err
	}
	s := &session{login: login, csrf: csrf, expires: now.Add(sessionLife)}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.m) >= maxSessions {
		ss.prune(now)
	}
	for len(ss.m) >= maxSessions {
		var oldest string
		for t, o := range ss.m {
			if oldest == "" || o.expires.Before(ss.m[oldest].expires) {
				oldest = t
			}
		}
		delete(ss.m, oldest)
	}
	ss.m[token] = s
	return token, s, nil
}

// get returns the live session of token.
func (ss *sessions) get(token string, now time.Time) *session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.m[token]
	if s == nil {
		return nil
	}
	if !now.Before(s.expires) {
		delete(ss.m, token)
		return nil
	}
	return s
}

func (ss *sessions) end(token string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.m, token)
}

func (ss *sessions) prune(now time.Time) {
	for t, s := range ss.m {
		if !now.Before(s.expires) {
			delete(ss.m, t)
		}
	}
}

// randomToken is 32 random bytes, URL-safe.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// who is the reader of one request: a signed-in user, or, on a board
// nobody is registered for, a guest.
type who struct {
	User  *access.User // nil: a guest
	token string
	CSRF  string
}

// Role is the reader's role; a guest's is "".
func (w *who) Role() access.Role {
	if w == nil || w.User == nil {
		return ""
	}
	return w.User.Role
}

// May reports whether the reader may do action: "issues" (raise and close
// supervision items) or "verify" (check the hash chain). A guest may
// verify, which reads only, and writes nothing.
func (w *who) May(action string) bool {
	switch action {
	case "issues":
		return w.Role() == access.Inspector || w.Role() == access.Recorder
	case "verify":
		switch w.Role() {
		case "", access.Auditor, access.Inspector, access.Recorder:
			return true
		}
	}
	return false
}

type whoKey struct{}

// whoOf is the reader of r.
func whoOf(r *http.Request) *who {
	w, _ := r.Context().Value(whoKey{}).(*who)
	if w == nil {
		return &who{}
	}
	return w
}

// cookie names: with secure cookies the __Host- prefix pins them to this
// host and path /, over HTTPS.
func (s *Server) cookieName(name string) string {
	if s.secure {
		return "__Host-" + name
	}
	return name
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(name), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode})
}

// open reports whether a request to path needs no reader at all.
func open(path string) bool {
	switch path {
	case "/login", "/healthz", "/readyz", "/metrics":
		return true
	}
	return strings.HasPrefix(path, "/static/")
}

// signedIn finds the request's reader and lets it through, or sends a
// reader who must sign in to the sign-in page.
func (s *Server) signedIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if open(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		reader, err := s.reader(r)
		if err != nil {
			s.fail(w, r, langOf(r), err)
			return
		}
		if reader == nil {
			s.toSignIn(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), whoKey{}, reader)))
	})
}

// reader is who sends r: the user of its session, a guest when nobody is
// registered, or nil when r must sign in first.
func (s *Server) reader(r *http.Request) (*who, error) {
	if s.users == nil {
		return &who{}, nil
	}
	if c, err := r.Cookie(s.cookieName("session")); err == nil {
		if ss := s.sessions.get(c.Value, s.clock.Now()); ss != nil {
			u, err := s.users.Lookup(r.Context(), ss.login)
			switch {
			case err == nil:
				return &who{User: &u, token: c.Value, CSRF: ss.csrf}, nil
			case errors.Is(err, access.ErrNoUser):
				// Removed since: the session ends with the user.
				s.sessions.end(c.Value)
			default:
				return nil, err
			}
		}
	}
	anybody, err := s.anybody(r.Context())
	if err != nil || anybody {
		return nil, err
	}
	return &who{}, nil
}

// anybody reports whether anybody is registered, asking the register at
// most every usersCheck.
func (s *Server) anybody(ctx context.Context) (bool, error) {
	s.usersMu.Lock()
	defer s.usersMu.Unlock()
	now := s.clock.Now()
	if s.usersAsked.IsZero() || now.Sub(s.usersAsked) >= usersCheck || now.Before(s.usersAsked) {
		any, err := s.users.Any(ctx)
		if err != nil {
			return false, err
		}
		s.usersAny, s.usersAsked = any, now
	}
	return s.usersAny, nil
}

// toSignIn answers a request that needs a signed-in reader: a page goes
// to the sign-in page and comes back after it; anything else is a 401.
func (s *Server) toSignIn(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Path != "/events" && r.Header.Get("HX-Request") == "" {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	w.Header().Set("HX-Redirect", "/login")
	http.Error(w, "请先登录 (sign in first)", http.StatusUnauthorized)
}

// loginView is the sign-in page's data.
type loginView struct {
	Next, Login, Token, Error string
}

// loginPage shows the sign-in form. Its token, also set as a cookie, must
// come back with the form: a sign-in posted from another site carries no
// such pair.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.showLogin(w, r, http.StatusOK, loginView{Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, code int, lv loginView) {
	p, _ := readParams(r)
	token, err := randomToken()
	if err != nil {
		s.fail(w, r, p.lang, err)
		return
	}
	lv.Token = token
	s.setCookie(w, "login", token, 3600)
	s.render(w, code, "login", &view{Lang: p.lang, Page: "login", Title: word(p.lang, "sign_in"), P: p, Bare: true, Data: lv})
}

// signIn checks a posted sign-in and opens a session.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	if s.users == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	login, password := strings.TrimSpace(r.PostFormValue("login")), r.PostFormValue("password")
	lv := loginView{Next: safeNext(r.PostFormValue("next")), Login: login}
	c, err := r.Cookie(s.cookieName("login"))
	if err != nil || !sameToken(c.Value, r.PostFormValue("token")) {
		lv.Error = word(lang, "form_expired")
		s.showLogin(w, r, http.StatusForbidden, lv)
		return
	}
	now := s.clock.Now()
	ip := clientIP(r)
	if !s.limiter.allow(now, ip, login) {
		lv.Error = word(lang, "too_many_attempts")
		s.showLogin(w, r, http.StatusTooManyRequests, lv)
		return
	}
	u, err := s.users.Authenticate(r.Context(), login, password)
	if errors.Is(err, access.ErrWrongPassword) {
		s.limiter.failed(now, ip, login)
		s.log.Warn("board: sign-in refused", "login", login, "from", ip)
		lv.Error = word(lang, "wrong_password")
		s.showLogin(w, r, http.StatusUnauthorized, lv)
		return
	}
	if err != nil {
		s.fail(w, r, lang, err)
		return
	}
	s.limiter.succeeded(login)
	// A session opened before sign-in is not reused: a new token.
	if old, err := r.Cookie(s.cookieName("session")); err == nil {
		s.sessions.end(old.Value)
	}
	token, _, err := s.sessions.start(u.Login, now)
	if err != nil {
		s.fail(w, r, lang, err)
		return
	}
	s.setCookie(w, "session", token, int(sessionLife/time.Second))
	s.setCookie(w, "login", "", -1)
	next := lv.Next
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// signOut ends the session.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if !s.checkForm(w, r) {
		return
	}
	s.sessions.end(whoOf(r).token)
	s.setCookie(w, "session", "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// checkForm refuses a posted form without its session's token (a post
// another site made the browser send), with a 403 page; it reports
// whether the form may be acted on.
func (s *Server) checkForm(w http.ResponseWriter, r *http.Request) bool {
	reader := whoOf(r)
	if reader.User == nil || !sameToken(reader.CSRF, r.PostFormValue("csrf")) {
		s.forbidden(w, r, word(langOf(r), "form_expired"))
		return false
	}
	return true
}

// forbidden answers a 403 page saying msg.
func (s *Server) forbidden(w http.ResponseWriter, r *http.Request, msg string) {
	p, _ := readParams(r)
	heading := word(p.lang, "forbidden")
	s.render(w, http.StatusForbidden, "error", &view{Lang: p.lang, Page: "error", Title: heading, P: p, Who: whoOf(r), Data: errorView{heading, msg}})
}

func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// safeNext is where to go after signing in: a path on this board, never
// another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.HasPrefix(next, "/login") {
		return ""
	}
	return next
}

// clientIP is the address a request came from.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// roleName is role as the page's language names it.
func roleName(lang report.Lang, r access.Role) string {
	if lang == report.EN {
		return string(r)
	}
	return r.Chinese()
}

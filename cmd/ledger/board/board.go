package board

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections/query"
	"github.com/keyprojects/ledger/projections/report"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Server is the board: an http.Handler over a query service.
type Server struct {
	qs    *query.Service
	store *eventstore.Store // for the audit page's verification; nil: none
	// evidence keeps the files attached to steps; nil: no uploads.
	evidence Evidence
	// moreMetrics write the process's other metrics on /metrics.
	moreMetrics []func(io.Writer)
	// maxUpload bounds a posted form with files (maxUpload, but for
	// tests of the bound).
	maxUpload int64
	pages     map[string]*template.Template
	live      *Hub
	log       *slog.Logger
	mux       http.Handler
	metrics   *metrics

	// Sign-in: nil users, nobody signs in and nobody writes.
	users      Users
	clock      domain.Clock
	secure     bool
	sessions   *sessions
	limiter    *limiter
	usersMu    sync.Mutex
	usersAny   bool
	usersAsked time.Time

	// memo keeps what pages compute from every row (cache.go).
	memo *cache
}

// New returns the board reading qs, configured by opts.
func New(qs *query.Service, opts ...Option) (*Server, error) {
	s := &Server{qs: qs, live: NewHub(), log: slog.New(slog.DiscardHandler), metrics: newMetrics(),
		clock: domain.SystemClock{}, sessions: newSessions(), limiter: newLimiter(), maxUpload: maxUpload}
	// The cache tells time by the board's clock, whichever WithClock sets.
	s.memo = &cache{entries: map[string]*cached{}, now: func() time.Time { return s.clock.Now() }, position: s.position,
		log: func(key string, err error) { s.log.Error("board: refresh", "page", key, "err", err) }}
	for _, o := range opts {
		o(s)
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s.pages = pages
	s.routes()
	return s, nil
}

// position is how far the ledger has gone: the stream's last sequence,
// or where the projections stand when the stream cannot be read.
func (s *Server) position(ctx context.Context) (uint64, error) {
	pr, err := s.qs.Progress(ctx)
	if err != nil {
		return 0, err
	}
	if pr.StreamUnread {
		return pr.Checkpoint.LastSeq, nil
	}
	return pr.StreamLast, nil
}

// Hub returns the hub live misses are published to.
func (s *Server) Hub() *Hub { return s.live }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'")
	s.mux.ServeHTTP(w, r)
}

func (s *Server) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	m.Handle("GET /static/", http.StripPrefix("/static/", cacheForever(http.FileServerFS(static))))
	m.HandleFunc("GET /{$}", s.page("overview", s.overview))
	for _, rp := range []struct {
		name   string
		page   pageFunc
		tables func(*http.Request, params) ([]report.Table, uint64, error)
	}{
		{"status", s.status, s.statusTables},
		{"overdue", s.overdue, s.overdueTables},
		{"scoreboard", s.scoreboard, s.scoreboardTables},
		{"bulletin", s.bulletin, s.bulletinTables},
		{"reserve", s.reserve, s.reserveTables},
		{"applications", s.applications, s.applicationTables},
	} {
		m.HandleFunc("GET /"+rp.name, s.page(rp.name, rp.page))
		for _, format := range []string{"csv", "xlsx"} {
			m.HandleFunc("GET /"+rp.name+"."+format, s.download(rp.name, rp.tables, format))
		}
	}
	m.HandleFunc("GET /project/{id}", s.page("project", s.project))
	m.HandleFunc("GET /project/{id}/evidence/{sha256}", s.serveEvidence)
	for _, f := range unitForms {
		m.HandleFunc("POST /project/{id}/"+f.Name, s.cardPost(f))
	}
	m.HandleFunc("GET /inspection", s.page("inspection", s.inspection))
	m.HandleFunc("POST /inspection/raise", s.raiseIssue)
	m.HandleFunc("POST /inspection/resolve", s.resolveIssue)
	m.HandleFunc("GET /login", s.loginPage)
	m.HandleFunc("POST /login", s.signIn)
	m.HandleFunc("POST /logout", s.signOut)
	m.HandleFunc("GET /audit", s.page("audit", s.audit))
	m.HandleFunc("GET /events", s.live.ServeHTTP)
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	m.HandleFunc("GET /readyz", s.readyz)
	m.HandleFunc("GET /metrics", s.serveMetrics)
	m.HandleFunc("GET /", s.notFound)
	// Posts from another site are refused before anything reads them;
	// each form also carries its session's token (checkForm).
	s.mux = s.instrument(http.NewCrossOriginProtection().Handler(s.signedIn(m)))
}

func cacheForever(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// parsePages parses each page template with the layout.
func parsePages() (map[string]*template.Template, error) {
	names := []string{"overview", "status", "overdue", "scoreboard", "bulletin", "reserve", "applications", "project", "inspection", "audit", "error", "login"}
	out := make(map[string]*template.Template, len(names))
	for _, n := range names {
		file := n
		switch n {
		case "status", "overdue", "scoreboard", "bulletin", "reserve", "applications":
			file = "report" // tables with their filters, downloads and chart
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/table.html", "templates/"+file+".html")
		if err != nil {
			return nil, fmt.Errorf("board: template %s: %w", n, err)
		}
		out[n] = t
	}
	return out, nil
}

package board

import (
	"log/slog"

	"github.com/keyprojects/ledger/eventstore"
)

// Option configures a Server.
type Option func(*Server)

// WithLogger sets where the board logs requests it could not answer
// (default: nowhere).
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

// WithStore gives the board the store, so its audit page can verify the
// hash chain (default: no verification).
func WithStore(st *eventstore.Store) Option { return func(s *Server) { s.store = st } }

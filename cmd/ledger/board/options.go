package board

import "log/slog"

// Option configures a Server.
type Option func(*Server)

// WithLogger sets where the board logs requests it could not answer
// (default: nowhere).
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

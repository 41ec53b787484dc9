package query

import (
	"context"

	"github.com/keyprojects/ledger/projections"
)

// Progress returns which generation of the projections readers use and
// how far it has applied the stream. A Service built WithoutStream reads
// the projections only: StreamLast and Behind are then unknown
// (StreamUnread).
func (s *Service) Progress(ctx context.Context) (projections.Progress, error) {
	if s.noStream {
		return s.runner.Storage().Progress(ctx)
	}
	return s.runner.Progress(ctx)
}

package eventstore

import (
	"github.com/nats-io/nats.go/jetstream"
)

// ChainVerifier checks a ledger stream's messages, read by its caller in
// stream order from the stream's first, with the checks Verify makes:
// each is a readable ledger event on its own project's subject, its hash
// holds over its content, it links to its project's previous event (the
// first to the project's genesis value), and its readable headers say what
// the event says. It is for a reader that gets the messages itself (a
// backup reading a stream through direct gets, on a server of its own).
// Its zero value is not usable; call NewChainVerifier.
type ChainVerifier struct {
	c *chainChecker
}

// NewChainVerifier returns a verifier of the stream spec names: spec's
// Subject is the first token of its subjects (default DefaultSubject).
func NewChainVerifier(spec StreamSpec) *ChainVerifier {
	return &ChainVerifier{c: newChainChecker(NewCodec(), spec.withDefaults())}
}

// Check takes the stream's next message. It returns the break m makes
// when m is the first message of its project that does not hold, else nil;
// once a project's chain has broken, its later messages are not judged.
// A message without headers is checked as one with every header missing.
func (v *ChainVerifier) Check(m *jetstream.RawStreamMsg) *Break {
	h := map[string][]string(m.Header)
	if h == nil {
		h = map[string][]string{}
	}
	n := len(v.c.v.Breaks)
	v.c.check(m.Subject, m.Sequence, h, m.Data)
	if len(v.c.v.Breaks) > n {
		b := v.c.v.Breaks[n]
		return &b
	}
	return nil
}

// Result returns what the messages checked so far add up to: events,
// projects, and the first break of each broken project.
func (v *ChainVerifier) Result() Verification {
	return v.c.result()
}

// Package federation is a city's read-only copies of its counties'
// ledgers. Each county keeps its own ledger stream on its own NATS server
// in a JetStream domain of its own, and is its only writer; its server is
// a leaf node of the city's server. The city holds one JetStream mirror
// per county, LEDGER_<county>, which copies the county's stream across the
// leaf connection with every subject and sequence unchanged: every hash
// chain verifies on the copy as on the original, the ledger's readers
// work on it by its name (--stream LEDGER_<county>), and nothing can be
// published into it. After a link was down the mirror resumes from its
// last sequence, without loss or duplication. docs/federation.md.
package federation

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/keyprojects/ledger/eventstore"
)

// Prefix starts the name of every county's mirror in the city.
const Prefix = eventstore.DefaultStream + "_"

// County is a county whose ledger the city mirrors.
type County struct {
	Name     string `json:"county"`   // a short token: C1, XIANGYANG, ...; the mirror is LEDGER_<Name>
	Domain   string `json:"domain"`   // the county server's JetStream domain
	Origin   string `json:"origin"`   // the county's ledger stream (default eventstore.DefaultStream)
	Replicas int    `json:"replicas"` // replicas of the mirror in the city (default 1)
}

func (c County) withDefaults() County {
	if c.Origin == "" {
		c.Origin = eventstore.DefaultStream
	}
	if c.Replicas == 0 {
		c.Replicas = 1
	}
	return c
}

// Stream is the name of the county's mirror in the city.
func (c County) Stream() string { return Prefix + c.Name }

var token = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// CheckName refuses a county name or a domain that cannot be part of a
// stream name or a subject: letters, digits, _ and -, at most 32.
func CheckName(what, name string) error {
	if !token.MatchString(name) {
		return fmt.Errorf("%s %q: expected 1 to 32 letters, digits, _ or -", what, name)
	}
	return nil
}

// MirrorConfig is the configuration of the county's mirror: every message
// of the county's stream from the first, through the county's JetStream
// domain, as immutable and unlimited as the county's own stream.
func MirrorConfig(c County) jetstream.StreamConfig {
	c = c.withDefaults()
	return jetstream.StreamConfig{
		Name:        c.Stream(),
		Description: fmt.Sprintf("read-only mirror of the key-project ledger of county %s (stream %s in domain %s)", c.Name, c.Origin, c.Domain),
		Mirror:      &jetstream.StreamSource{Name: c.Origin, Domain: c.Domain},
		Retention:   jetstream.LimitsPolicy,
		Storage:     jetstream.FileStorage,
		Discard:     jetstream.DiscardNew,
		MaxMsgs:     -1,
		MaxBytes:    -1,
		MaxMsgSize:  -1,
		Replicas:    c.Replicas,
		DenyDelete:  true,
		DenyPurge:   true,
		AllowDirect: true,
	}
}

// MismatchError is an existing stream of the county's mirror's name that
// copies something else.
type MismatchError struct {
	Stream string
	Want   string // what it should mirror
	Have   string // what it mirrors, or "nothing"
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("stream %s exists but mirrors %s, expected %s: it is left as it is", e.Stream, e.Have, e.Want)
}

// Mirror creates the city's mirror of county c, or checks the one there:
// it must mirror the county's stream in the county's domain
// (*MismatchError) and pass the ledger's contract of a read-only copy
// (eventstore.CheckStream). Calling it again is harmless.
func Mirror(ctx context.Context, js jetstream.JetStream, c County) (jetstream.Stream, error) {
	c = c.withDefaults()
	if err := CheckName("county", c.Name); err != nil {
		return nil, err
	}
	if err := CheckName("domain", c.Domain); err != nil {
		return nil, err
	}
	want := MirrorConfig(c)
	st, err := js.Stream(ctx, want.Name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		st, err = js.CreateStream(ctx, want)
		if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			st, err = js.Stream(ctx, want.Name)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("mirror of county %s (%s): %w", c.Name, want.Name, err)
	}
	have := origin(st.CachedInfo().Config.Mirror)
	if w := describe(c.Origin, c.Domain); have != w {
		return nil, &MismatchError{Stream: want.Name, Want: w, Have: have}
	}
	if err := eventstore.CheckStream(ctx, js, eventstore.StreamSpec{Name: want.Name, Replicas: c.Replicas}); err != nil {
		return nil, err
	}
	return st, nil
}

func describe(stream, domain string) string { return stream + " in domain " + domain }

// origin describes what a mirror copies, "nothing" for a stream of its own.
func origin(m *jetstream.StreamSource) string {
	if m == nil {
		return "nothing"
	}
	return describe(m.Name, domainOf(m))
}

// domainOf is the JetStream domain a mirror reads from ("" if its own).
func domainOf(m *jetstream.StreamSource) string {
	if m.Domain != "" {
		return m.Domain
	}
	if m.External == nil {
		return ""
	}
	d, _ := strings.CutPrefix(m.External.APIPrefix, "$JS.")
	d, _ = strings.CutSuffix(d, ".API")
	return d
}

// Counties lists the counties the city mirrors: every stream named
// LEDGER_<county> that mirrors a stream in another domain, by name.
func Counties(ctx context.Context, js jetstream.JetStream) ([]County, error) {
	var out []County
	list := js.ListStreams(ctx)
	for info := range list.Info() {
		m := info.Config.Mirror
		name, ok := strings.CutPrefix(info.Config.Name, Prefix)
		if !ok || m == nil || domainOf(m) == "" {
			continue
		}
		out = append(out, County{Name: name, Domain: domainOf(m), Origin: m.Name, Replicas: info.Config.Replicas})
	}
	if err := list.Err(); err != nil {
		return nil, fmt.Errorf("list the city's streams: %w", err)
	}
	slices.SortFunc(out, func(a, b County) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Lag is how far a county's mirror stands behind the county.
type Lag struct {
	County
	Mirrored uint64    `json:"mirrored"`  // the mirror's last sequence
	Messages uint64    `json:"messages"`  // messages in the mirror
	LastTime time.Time `json:"last_time"` // when the county stored the last message mirrored (zero: none)
	// Reachable: the county's server answered through the leaf connection;
	// then CountyLast is its stream's last sequence and Behind is
	// CountyLast - Mirrored. Otherwise Behind is what the mirror last knew
	// it lacked.
	Reachable  bool   `json:"reachable"`
	CountyLast uint64 `json:"county_last"`
	Behind     uint64 `json:"behind"`
	// Active is how long ago the mirror last heard from the county; -1
	// never.
	Active  time.Duration `json:"active_ns"`
	Problem string        `json:"problem,omitempty"` // why the county is unreachable, or the mirror's error
}

// CaughtUp reports whether the mirror holds everything the county has.
func (l Lag) CaughtUp() bool { return l.Reachable && l.Behind == 0 }

// Status reports county c's mirror, asking the county's stream across the
// leaf connection for its last sequence; a county that does not answer
// within timeout is reported unreachable, not as an error.
func Status(ctx context.Context, js jetstream.JetStream, c County, timeout time.Duration) (Lag, error) {
	c = c.withDefaults()
	st, err := js.Stream(ctx, c.Stream())
	if err != nil {
		return Lag{}, fmt.Errorf("mirror of county %s (%s): %w", c.Name, c.Stream(), err)
	}
	info := st.CachedInfo()
	l := Lag{County: c, Mirrored: info.State.LastSeq, Messages: info.State.Msgs, LastTime: info.State.LastTime, Active: -1}
	if l.Messages == 0 {
		l.LastTime = time.Time{}
	}
	if m := info.Mirror; m != nil {
		l.Behind, l.Active = m.Lag, m.Active
		if m.Error != nil {
			l.Problem = "mirror: " + m.Error.Error()
		}
	}
	county, err := jetstream.NewWithDomain(js.Conn(), c.Domain)
	if err != nil {
		return Lag{}, err
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cs, err := county.Stream(tctx, c.Origin)
	if err != nil {
		if ctx.Err() != nil {
			return Lag{}, ctx.Err()
		}
		why := fmt.Sprintf("county %s (domain %s) did not answer: %v", c.Name, c.Domain, err)
		if l.Problem != "" {
			why = l.Problem + "; " + why
		}
		l.Problem = why
		return l, nil
	}
	l.Reachable, l.CountyLast = true, cs.CachedInfo().State.LastSeq
	l.Behind = 0
	if l.CountyLast > l.Mirrored {
		l.Behind = l.CountyLast - l.Mirrored
	}
	return l, nil
}

// CountyDenyImports are the subjects a county's leaf connection to its
// city (deny_imports of the county server's leafnodes remote) refuses to
// take from the city, so that the city reads the county and writes
// nothing into it: the ledger's subjects (a publish in the city never
// reaches the county's stream), the JetStream API calls that create,
// change or remove streams, messages or consumers in the county's domain,
// acknowledgements for the county's consumers, and its key-value and
// object stores. What a mirror needs passes: stream info, consumer
// creation, and the flow control of the mirror's deliveries.
func CountyDenyImports(domain string) []string {
	api := "$JS." + domain + ".API."
	deny := []string{eventstore.DefaultSubject + ".>", "$JS.API.>", "$JS.ACK.>", "$KV.>", "$O.>",
		api + "META.>", api + "ACCOUNT.>", api + "SERVER.>", api + "CONSUMER.DELETE.>", api + "CONSUMER.PAUSE.>", api + "CONSUMER.LEADER.>"}
	for _, op := range []string{"CREATE", "UPDATE", "DELETE", "PURGE", "MSG.DELETE", "SNAPSHOT", "RESTORE", "PEER.>", "LEADER.>"} {
		if strings.HasSuffix(op, ">") {
			deny = append(deny, api+"STREAM."+op)
		} else {
			deny = append(deny, api+"STREAM."+op+".>")
		}
	}
	return deny
}

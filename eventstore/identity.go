package eventstore

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/synadia-io/orbit.go/jetstreamext"

	"github.com/keyprojects/ledger/domain"
)

// Project ids are stored as entered but compared without regard to case:
// p-7 and P-7 name one project. A registration whose id differs only in
// case from a registered project's is refused, naming the registered id,
// and a command on an id that is not registered but matches a registered
// one that way is refused with the registered id as a hint.
//
// A registered project has the subject <prefix>.<project>.registered. The
// ids that could be a twin of an id are its case variants (P-7, p-7), so
// the check asks for the last message on each variant's subject, one
// batched direct get for a command or a batch of registrations; an id
// without letters (a project number, most national codes) has no variant
// and needs no read. Ids with too many variants are checked against the listing of
// every registered id instead (stream info with a subjects filter; nats.go
// reads every page of the server's answer, up to 100,000 subjects a page).
// Only a command on an id without history pays for a read: a
// registration, and a command that is refused because its project is not
// registered. A command on a registered project never reads it. A message
// on such a subject that the ledger did not write (the stream keeps it for
// good) counts as a registration here.
//
// The check is a read, then a write: two clients registering p-7 and P-7
// at the same instant can both pass it and both be stored. Excluding that
// exactly would need an append guarded by a subject per case-folded id
// (an expected-sequence check on it), which the subject layout does not
// have. verify and the projections see such twins as two projects.

// fold is the form in which ids are compared: ids are ASCII
// (domain.ParseProjectID), so lower-casing is case folding.
func fold(p domain.ProjectID) string { return strings.ToLower(string(p)) }

// registeredIDsTimeout bounds the read of the registered ids when the
// caller's context sets no deadline.
const registeredIDsTimeout = 2 * time.Minute

// registeredIDs returns the ids of every project with a registered event
// in the stream, keyed by their folded form. A key holds more than one id
// only on a ledger written before ids were compared without case (or by
// the race above).
func (s *Store) registeredIDs(ctx context.Context) (map[string][]domain.ProjectID, error) {
	if _, ok := ctx.Deadline(); !ok {
		// The subject index of a large ledger comes in pages of 100,000
		// subjects; each page is one API request, which without a
		// deadline would get the client's default of a few seconds, too
		// short for a busy server.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, registeredIDsTimeout)
		defer cancel()
	}
	st, err := s.js.Stream(ctx, s.spec.Name)
	if err != nil {
		return nil, fmt.Errorf("read the registered project ids: stream info: %w", err)
	}
	info, err := st.Info(ctx, jetstream.WithSubjectFilter(s.Subject("*", domain.Registered)))
	if err != nil {
		return nil, fmt.Errorf("read the registered project ids: stream info: %w", err)
	}
	ids := make(map[string][]domain.ProjectID, len(info.State.Subjects))
	for subj := range info.State.Subjects {
		if p, ok := s.registeredOn(subj); ok {
			ids[fold(p)] = append(ids[fold(p)], p)
		}
	}
	return ids, nil
}

// registeredOn returns the project whose registration subject is subject
// (<prefix>.<project>.registered), or false if it is not one.
func (s *Store) registeredOn(subject string) (domain.ProjectID, bool) {
	id, ok := strings.CutPrefix(subject, s.spec.Subject+".")
	id, ok2 := strings.CutSuffix(id, "."+string(domain.Registered))
	return domain.ProjectID(id), ok && ok2 && id != ""
}

// maxCaseVariants bounds the subjects one read of registered ids asks for
// by name; ids with more case variants than that are looked up in the
// listing of every registered id.
const maxCaseVariants = 1024

// registeredAmong returns, keyed by their folded form, the registered ids
// that differ from one of ps at most in case (ps themselves included):
// what caseTwin needs for ps. It asks for the last message of each case
// variant's registration subject, one batched direct get, so its cost
// grows with ps and not with the ledger; ids without letters have no
// variant but themselves and need no read. When the variants are more
// than maxCaseVariants, or a message on those subjects cannot be read by
// a direct get, it reads every registered id instead.
func (s *Store) registeredAmong(ctx context.Context, ps []domain.ProjectID) (map[string][]domain.ProjectID, error) {
	var subjects []string
	for _, p := range ps {
		vs, ok := caseVariants(p, maxCaseVariants-len(subjects))
		if !ok {
			return s.registeredIDs(ctx)
		}
		if len(vs) < 2 {
			continue // no letters: nothing but p itself, which cannot be a twin
		}
		for _, v := range vs {
			subjects = append(subjects, s.Subject(v, domain.Registered))
		}
	}
	ids := map[string][]domain.ProjectID{}
	if len(subjects) == 0 {
		return ids, nil
	}
	slices.Sort(subjects)
	subjects = slices.Compact(subjects)
	msgs, err := s.directGet(ctx, func(ctx context.Context) (iter.Seq2[*jetstream.RawStreamMsg, error], error) {
		return jetstreamext.GetLastMsgsFor(ctx, s.js, s.spec.Name, subjects)
	})
	if err != nil {
		var undelivered *UndeliveredError
		if errors.Is(err, jetstreamext.ErrInvalidResponse) || errors.As(err, &undelivered) {
			return s.registeredIDs(ctx)
		}
		return nil, fmt.Errorf("read the registered project ids: %w", err)
	}
	for _, m := range msgs {
		if p, ok := s.registeredOn(m.Subject); ok && !slices.Contains(ids[fold(p)], p) {
			ids[fold(p)] = append(ids[fold(p)], p)
		}
	}
	return ids, nil
}

// caseVariants returns every id that differs from p only in the case of
// its letters, p included, or false when there are more than limit.
func caseVariants(p domain.ProjectID, limit int) ([]domain.ProjectID, bool) {
	var letters []int // where p's letters are
	for i := range len(p) {
		if c := p[i] | 0x20; 'a' <= c && c <= 'z' {
			letters = append(letters, i)
		}
	}
	if len(letters) >= 31 || 1<<len(letters) > limit {
		return nil, false
	}
	vs := make([]domain.ProjectID, 1, 1<<len(letters))
	vs[0] = p
	for _, i := range letters {
		for _, v := range vs {
			b := []byte(v)
			b[i] ^= 0x20 // the other case of an ASCII letter
			vs = append(vs, domain.ProjectID(b))
		}
	}
	return vs, true
}

// caseTwin returns the registered id that p matches without regard to case
// when p itself is not registered, or "" when there is none (the least
// such id when there are several).
func caseTwin(ids map[string][]domain.ProjectID, p domain.ProjectID) domain.ProjectID {
	same := ids[fold(p)]
	if len(same) == 0 || slices.Contains(same, p) {
		return ""
	}
	return slices.Min(same)
}

// caseLookup is what one Execute call has learnt of the registered ids:
// it reads them at most once, however often the call decides again.
type caseLookup struct {
	done bool
	twin domain.ProjectID
}

func (c *caseLookup) twinOf(ctx context.Context, s *Store, p domain.ProjectID) (domain.ProjectID, error) {
	if !c.done {
		ids, err := s.registeredAmong(ctx, []domain.ProjectID{p})
		if err != nil {
			return "", err
		}
		c.done, c.twin = true, caseTwin(ids, p)
	}
	return c.twin, nil
}

// registration returns the refusal of cmd, a registration of a project with
// no history, when a registered project's id differs from it only in case;
// nil when none does. The error is for a failed read.
func (c *caseLookup) registration(ctx context.Context, s *Store, cmd domain.Command) (refusal, err error) {
	twin, err := c.twinOf(ctx, s, cmd.Target())
	if err != nil || twin == "" {
		return nil, err
	}
	return registeredTwin(cmd, twin), nil
}

// explain returns refusal with a hint when it refuses a command on an
// unregistered project whose id matches a registered one but for case:
// "... the project is not registered; did you mean P-7?". The hint
// replaces the refusal's fix, and the refusal still matches
// domain.ErrUnknownProject. Any other refusal, or one the registered ids
// cannot be read for, is returned as it is.
func (c *caseLookup) explain(ctx context.Context, s *Store, refusal error) error {
	re, ok := refusal.(*domain.RuleError)
	if !ok || re.Kind != domain.ErrUnknownProject {
		return refusal
	}
	twin, err := c.twinOf(ctx, s, re.Project)
	if err != nil || twin == "" {
		return refusal
	}
	return re.WithFix(fmt.Sprintf("did you mean %s?", twin), fmt.Sprintf("是否指 %s？", twin))
}

// registeredTwin is the refusal of registration cmd: its id differs only
// in case from the registered project twin's.
func registeredTwin(cmd domain.Command, twin domain.ProjectID) error {
	return domain.Refuse(domain.ErrAlreadyExists, cmd,
		fmt.Sprintf("project %s is already registered (ids differ only in case)", twin), "use "+string(twin),
		fmt.Sprintf("项目 %s 已登记（项目代码仅大小写不同）", twin), "请使用 "+string(twin))
}

// refuseCaseTwins checks a batch of registrations, for RegisterEach to call
// before it stores any of them, with one read of the registered ids for the whole batch: it returns the refusal
// (a *domain.RuleError) of the first registration whose id differs only in
// case from a registered project's, or from an earlier registration's in
// the same batch, and nil when there is none. A registration of an id that
// is itself registered passes: it is a retry, which the batch's
// expected-sequence check and Execute sort out. Registrations in different
// batches, or by different clients, at the same time are not checked
// against each other (see the top of this file).
func (s *Store) refuseCaseTwins(ctx context.Context, cmds []domain.RegisterProject) error {
	if len(cmds) == 0 {
		return nil
	}
	ps := make([]domain.ProjectID, len(cmds))
	for i, c := range cmds {
		ps[i] = c.Project
	}
	ids, err := s.registeredAmong(ctx, ps)
	if err != nil {
		return err
	}
	batch := make(map[string]domain.ProjectID, len(cmds))
	for _, c := range cmds {
		if twin := caseTwin(ids, c.Project); twin != "" {
			return registeredTwin(c, twin)
		}
		// Past caseTwin, an id whose folded form is registered is
		// registered itself.
		f := fold(c.Project)
		switch first, seen := batch[f]; {
		case !seen:
			batch[f] = c.Project
		case first != c.Project && len(ids[f]) == 0:
			return domain.Refuse(domain.ErrAlreadyExists, c,
				fmt.Sprintf("%s comes earlier in the same batch (ids differ only in case)", first), "keep one of the two",
				fmt.Sprintf("同一批中前面已有 %s（项目代码仅大小写不同）", first), "请保留其中一个")
		}
	}
	return nil
}

package evidence

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/keyprojects/ledger/domain"
)

// Ref is a file of evidence as an event lists it: the file, and the
// evidence_attached event of which project lists it.
type Ref struct {
	Project domain.ProjectID
	// Event is the id of the evidence_attached event listing the file.
	Event string
	// About is the id of the event the file documents.
	About string
	File  domain.EvidenceFile
}

// RefsOf returns the files of evidence the evidence_attached events among
// events list, in their order.
func RefsOf(events []domain.Event) []Ref {
	var refs []Ref
	for _, e := range events {
		d, ok := e.Data.(*domain.EvidenceAttachedData)
		if !ok {
			continue
		}
		for _, f := range d.Files {
			refs = append(refs, Ref{Project: e.Project, Event: e.ID, About: d.About, File: f})
		}
	}
	return refs
}

// Problem is a file of evidence the bucket does not hold as its event
// records it: missing, or holding other content.
type Problem struct {
	Ref
	// Missing: the bucket holds no object under the file's SHA-256.
	Missing bool
	// SHA256 and Size are what the object holds when it is not missing.
	SHA256 string
	Size   int64
	// Unreadable is why the object could not be read back whole, if so.
	Unreadable string
}

// Error says what is wrong in one line naming the project, the event and
// the file.
func (p Problem) Error() string {
	head := fmt.Sprintf("project %s, event %s: evidence %s", p.Project, p.Event, p.File.Name)
	switch {
	case p.Missing:
		return fmt.Sprintf("%s (SHA-256 %s) is missing from the evidence store", head, short(p.File.SHA256))
	case p.Unreadable != "":
		return fmt.Sprintf("%s (SHA-256 %s) cannot be read back: %s", head, short(p.File.SHA256), p.Unreadable)
	}
	return fmt.Sprintf("%s was altered: the event records %d bytes with SHA-256 %s, the store holds %d bytes with SHA-256 %s",
		head, p.File.Size, short(p.File.SHA256), p.Size, short(p.SHA256))
}

// Chinese is the same line in Chinese.
func (p Problem) Chinese() string {
	head := fmt.Sprintf("项目 %s，记录 %s：佐证材料 %s", p.Project, p.Event, p.File.Name)
	switch {
	case p.Missing:
		return fmt.Sprintf("%s（SHA-256 %s）在佐证材料库中缺失", head, short(p.File.SHA256))
	case p.Unreadable != "":
		return fmt.Sprintf("%s（SHA-256 %s）无法完整读出：%s", head, short(p.File.SHA256), p.Unreadable)
	}
	return fmt.Sprintf("%s 已被改动：记录为 %d 字节、SHA-256 %s，库中为 %d 字节、SHA-256 %s",
		head, p.File.Size, short(p.File.SHA256), p.Size, short(p.SHA256))
}

// short is the first 12 hex digits of a digest, enough to tell files
// apart in a message.
func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// Check reads back every file refs name, recomputes its SHA-256 and size,
// and returns a Problem for each ref whose file is missing or altered, in
// the order of refs; content listed by several refs is read once. The
// error is for a check that could not be made (the server unreachable,
// ctx done), not for a bad file.
func (s *Store) Check(ctx context.Context, refs []Ref) ([]Problem, error) {
	type found struct {
		missing         bool
		sha, unreadable string
		size            int64
	}
	seen := map[string]found{}
	var problems []Problem
	for _, r := range refs {
		f, ok := seen[r.File.SHA256]
		if !ok {
			var err error
			if f.sha, f.size, err = s.digest(ctx, r.File.SHA256); err != nil {
				switch {
				case ctx.Err() != nil:
					return nil, ctx.Err()
				case errors.Is(err, ErrNotFound):
					f.missing = true
				default:
					f.unreadable = err.Error()
				}
			}
			seen[r.File.SHA256] = f
		}
		if f.missing || f.unreadable != "" || f.sha != r.File.SHA256 || f.size != r.File.Size {
			problems = append(problems, Problem{Ref: r, Missing: f.missing, SHA256: f.sha, Size: f.size, Unreadable: f.unreadable})
		}
	}
	return problems, nil
}

// digest reads the object named sha and returns its content's SHA-256 and
// size.
func (s *Store) digest(ctx context.Context, sha string) (string, int64, error) {
	rc, _, err := s.Open(ctx, sha)
	if err != nil {
		return "", 0, err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

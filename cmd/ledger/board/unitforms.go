package board

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/entry"
	"github.com/keyprojects/ledger/eventstore/evidence"
	"github.com/keyprojects/ledger/projections/query"
	"github.com/keyprojects/ledger/projections/report"
)

// A project's card offers its responsible unit's reporter (and the
// key-project office's recorder) the forms a unit reports through: a
// step with its photos and files, the month's investment, the
// explanation of a late milestone and a request for a new deadline; and
// the office the decision on each request waiting. Each is read by the
// same entry form as the command line (record, report-investment,
// explain-delay, request-revision, decide-revision) and stored with the
// signed-in login as its actor.

// Evidence is where the board keeps the files attached to a step
// (evidence.Store, the <stream>_EVIDENCE object store).
type Evidence interface {
	// Put stores a file and returns it as an event lists it.
	Put(ctx context.Context, name string, r io.Reader) (domain.EvidenceFile, error)
	// Open returns the content of the file whose SHA-256 is sha.
	Open(ctx context.Context, sha string) (io.ReadCloser, domain.EvidenceFile, error)
}

// maxUpload bounds a posted form: the most files a step takes, each of
// the largest size, and a margin for the fields.
const maxUpload int64 = domain.MaxEvidenceBytes*domain.MaxEvidenceFiles + 1<<20

// maxForm bounds a form without files.
const maxForm = 1 << 20

// unitForm is one of the card's forms: its route, its entry form and the
// arguments and fields it posts.
type unitForm struct {
	Name   string // "record", "investment", "explain", "revision", "decide"
	entry  string // the entry form's name
	fields []string
	files  bool // takes files of evidence
	decide bool // the office's, not the unit's
}

var unitForms = []unitForm{
	{Name: "record", entry: "record", fields: []string{"step", "on", "kind", "ref", "amount", "reason", "expected-restart", "note"}, files: true},
	{Name: "investment", entry: "report-investment", fields: []string{"month", "amount", "reason"}},
	{Name: "explain", entry: "explain-delay", fields: []string{"milestone", "reason", "on"}},
	{Name: "revision", entry: "request-revision", fields: []string{"milestone", "new_due", "reason", "on"}},
	{Name: "decide", entry: "decide-revision", fields: []string{"milestone", "decision", "note"}, decide: true},
}

// cardForms is what the card's forms show: the values typed and the
// error of the form refused, what the last post stored, and the choices.
type cardForms struct {
	Command    string // the command id of the rendered forms; each form adds its name
	Report     bool   // the reader may report for the project
	Decide     bool   // the reader may decide on requests
	Which      string // the form Error belongs to
	Field      string // the field it belongs to, "" for the form
	Error      string
	Saved      string
	Values     map[string]string
	Steps      []option
	Milestones []option
	MaxFiles   int
	MaxMiB     int
}

type option struct{ Value, Label string }

// Err is the error of field of form which, if the refusal was there.
func (c cardForms) Err(which, field string) string {
	if c.Which == which && c.Field == field {
		return c.Error
	}
	return ""
}

// Val is the value typed into field of form which, shown again after a
// refusal.
func (c cardForms) Val(which, field string) string {
	if c.Which != which {
		return ""
	}
	return c.Values[field]
}

// Accept is the file input's accept list: photos and PDF.
func (c cardForms) Accept() string { return "image/jpeg,image/png,image/webp,application/pdf" }

// request is a new deadline a unit asked for, waiting for the office.
type request struct {
	Milestone domain.Milestone
	Due       string // the deadline now
	Asked     string // the deadline asked for
	Reason    string
	On        domain.Date
	By        string
}

// evidenceRow is a file attached to the project, as the card lists it.
type evidenceRow struct {
	domain.Attached
	URL  string
	Size string
}

// newCardForms fills the forms of the card of pr for the reader.
func (s *Server) newCardForms(r *http.Request, pr domain.Project, c cardForms) (cardForms, error) {
	reader := whoOf(r)
	c.Report = s.store != nil && reader.MayReport(pr.Unit)
	c.Decide = s.store != nil && reader.MayDecide()
	if !c.Report && !c.Decide {
		return c, nil
	}
	if c.Command == "" {
		id, err := randomToken()
		if err != nil {
			return c, err
		}
		c.Command = "board-" + id[:22]
	}
	if saved := r.URL.Query().Get("saved"); saved != "" && c.Error == "" {
		c.Saved = saved
	}
	for _, st := range domain.Steps {
		c.Steps = append(c.Steps, option{st.Chinese(), st.Chinese() + "（" + string(st) + "）"})
	}
	for _, m := range domain.Milestones {
		if dl := pr.Deadlines[m]; dl != nil {
			c.Milestones = append(c.Milestones, option{string(m), m.Chinese() + "（截止 " + dl.Precision.Format(dl.Due) + "）"})
		}
	}
	c.MaxFiles, c.MaxMiB = domain.MaxEvidenceFiles, domain.MaxEvidenceBytes>>20
	return c, nil
}

// requests are the new deadlines pr's unit asked for, waiting.
func requests(pr domain.Project) []request {
	var out []request
	for _, m := range domain.Milestones {
		dl := pr.Deadlines[m]
		if dl == nil || dl.Requested == nil {
			continue
		}
		q := dl.Requested
		out = append(out, request{Milestone: m, Due: dl.Precision.Format(dl.Due), Asked: q.Precision.Format(q.Due), Reason: q.Reason, On: q.On, By: q.By})
	}
	return out
}

// evidenceRows are the files attached to pr, newest last.
func evidenceRows(pr domain.Project) []evidenceRow {
	var out []evidenceRow
	seen := map[string]bool{}
	for _, a := range pr.Evidence {
		if seen[a.SHA256] {
			continue
		}
		seen[a.SHA256] = true
		out = append(out, evidenceRow{Attached: a, URL: "/project/" + url.PathEscape(string(pr.ID)) + "/evidence/" + a.SHA256, Size: domain.FormatBytes(a.Size)})
	}
	return out
}

// cardPost stores what form f of a project's card was given.
func (s *Server) cardPost(f unitForm) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang := langOf(r)
		limit := min(int64(maxForm), s.maxUpload)
		if f.files {
			limit = s.maxUpload
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		var err error
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			err = r.ParseMultipartForm(32 << 20)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				s.tooLarge(w, r, lang)
				return
			}
			s.fail(w, r, lang, &badParam{"form", "", "表单（multipart/form-data 或 application/x-www-form-urlencoded）"})
			return
		}
		if r.MultipartForm != nil {
			defer func() { _ = r.MultipartForm.RemoveAll() }()
		}
		if !s.checkForm(w, r) {
			return
		}
		reader := whoOf(r)
		id, err := domain.ParseProjectID(r.PathValue("id"))
		if err != nil {
			s.fail(w, r, lang, fmt.Errorf("%w: %v", errNotFound, err))
			return
		}
		cur, err := s.qs.Project(r.Context(), id)
		if err != nil {
			s.fail(w, r, lang, err)
			return
		}
		pr := cur.Value
		if !reader.Sees(pr.Unit) {
			s.fail(w, r, lang, fmt.Errorf("%w: %s", errNotFound, id))
			return
		}
		if s.store == nil || (f.decide && !reader.MayDecide()) || (!f.decide && !reader.MayReport(pr.Unit)) {
			s.forbidden(w, r, fmt.Sprintf(word(lang, "role_cannot_report"), roleName(lang, reader.Role())))
			return
		}
		command := r.PostFormValue("command")
		if command == "" || len(command) > 64 {
			s.forbidden(w, r, word(lang, "form_expired"))
			return
		}
		c := cardForms{Command: command, Which: f.Name, Values: map[string]string{}}
		values := entry.Values{"project": {string(id)}}
		for _, name := range f.fields {
			v := strings.TrimSpace(r.PostFormValue(name))
			c.Values[name] = v
			values[name] = []string{v}
		}
		meta := domain.Meta{Actor: reader.User.Login, CommandID: command + "-" + f.Name}
		var files []*multipart.FileHeader
		if f.files && r.MultipartForm != nil {
			files = r.MultipartForm.File["evidence"]
		}
		stored, field, err := s.storeCard(r, f, values, meta, files)
		if err == nil {
			q := url.Values{"saved": {stored}}
			http.Redirect(w, r, "/project/"+url.PathEscape(string(id))+"?"+q.Encode()+"#report", http.StatusSeeOther)
			return
		}
		if !refusal(err) {
			s.fail(w, r, lang, err)
			return
		}
		msg := err.Error()
		if lang == report.ZH {
			msg = domain.Chinese(err)
		}
		if field != "" {
			// Under its field, the message needs not name it as the
			// command line does (--on: …, 期限：…).
			for _, label := range []string{"--" + field, "deadline", "期限", "amount", "金额"} {
				for _, sep := range []string{"：", ": "} {
					msg = strings.TrimPrefix(msg, label+sep)
				}
			}
		}
		c.Field, c.Error = field, word(lang, "not_stored")+msg
		p, _ := readParams(r)
		v := &view{Lang: p.lang, Page: "project", Title: word(p.lang, "project"), P: p, Today: s.qs.Today(), Who: reader}
		_, v.AsOf = s.qs.Resolve(p.report.Cut)
		if err := s.projectWith(r, p, v, id, c); err != nil {
			s.fail(w, r, lang, err)
			return
		}
		s.render(w, http.StatusBadRequest, "project", v)
	}
}

// storeCard reads the form through its entry form, checks and stores its
// files, and stores its command; a refusal names the field it is about
// ("" for the form as a whole).
func (s *Server) storeCard(r *http.Request, f unitForm, values entry.Values, meta domain.Meta, files []*multipart.FileHeader) (string, string, error) {
	lang := langOf(r)
	form, ok := findForm("", f.entry)
	if !ok {
		return "", "", fmt.Errorf("board: no form %s", f.entry)
	}
	if _, err := form.Parse(values, meta); err != nil {
		return "", fieldOf(err, f, values), err
	}
	if len(files) > 0 {
		if s.evidence == nil {
			return "", "evidence", domain.NewInputError("this board keeps no files of evidence", "本看板未配置佐证材料库，不能上传文件")
		}
		if len(files) > domain.MaxEvidenceFiles {
			return "", "evidence", domain.NewInputError(fmt.Sprintf("%d files; at most %d at once", len(files), domain.MaxEvidenceFiles),
				fmt.Sprintf("一次上传了 %d 个文件；最多 %d 个", len(files), domain.MaxEvidenceFiles))
		}
		// Every file is checked before any is stored.
		for _, fh := range files {
			if _, err := describeUpload(fh); err != nil {
				return "", "evidence", err
			}
		}
		for _, fh := range files {
			file, err := putUpload(r.Context(), s.evidence, fh)
			if err != nil {
				field := ""
				if refusal(err) {
					field = "evidence"
				}
				return "", field, err
			}
			meta.Evidence = append(meta.Evidence, file)
		}
		if err := domain.CheckEvidence(meta.Evidence); err != nil {
			return "", "evidence", err
		}
	}
	cmd, err := form.Parse(values, meta)
	if err != nil {
		return "", fieldOf(err, f, values), err
	}
	res, err := s.store.Execute(r.Context(), cmd)
	if err != nil {
		return "", fieldOf(err, f, values), err
	}
	if len(res.Records) == 0 {
		return word(lang, "saved_nothing"), "", nil
	}
	// What the form asked for is the first event; the others go with it
	// (the evidence listed, the deadline an approval revises).
	first := res.Records[0]
	stored := fmt.Sprintf(word(lang, "saved_"+f.Name), first.Project, first.Sequence)
	if n := len(meta.Evidence); n > 0 {
		stored += fmt.Sprintf(word(lang, "saved_files"), n)
	}
	return stored, "", nil
}

func describeUpload(fh *multipart.FileHeader) (domain.EvidenceFile, error) {
	file, err := fh.Open()
	if err != nil {
		return domain.EvidenceFile{}, err
	}
	defer file.Close()
	return evidence.Describe(fh.Filename, file)
}

func putUpload(ctx context.Context, ev Evidence, fh *multipart.FileHeader) (domain.EvidenceFile, error) {
	file, err := fh.Open()
	if err != nil {
		return domain.EvidenceFile{}, err
	}
	defer file.Close()
	return ev.Put(ctx, fh.Filename, file)
}

// fieldOf is the field of form f a refusal is about: the field an entry
// error names, the argument that does not read, or the field a rule of
// the ledger refused; "" for the form as a whole.
func fieldOf(err error, f unitForm, values entry.Values) string {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "--"); ok {
		name, _, _ := strings.Cut(rest, ":")
		if slices.Contains(f.fields, name) {
			return name
		}
	}
	switch {
	case strings.HasPrefix(msg, "deadline:"):
		return "new_due"
	case strings.HasPrefix(msg, "amount:"):
		return "amount"
	}
	var rule *domain.RuleError
	if !errors.As(err, &rule) {
		for name, parse := range map[string]func(string) error{
			"step":      func(s string) error { _, err := domain.ParseStep(s); return err },
			"milestone": func(s string) error { _, err := domain.ParseMilestone(s); return err },
			"month":     func(s string) error { _, err := domain.ParseMonth(s); return err },
			"decision":  func(s string) error { _, err := domain.ParseDecision(s); return err },
		} {
			if slices.Contains(f.fields, name) && len(values[name]) > 0 && parse(values[name][0]) != nil {
				return name
			}
		}
		return ""
	}
	pick := func(names ...string) string {
		for _, n := range names {
			if slices.Contains(f.fields, n) {
				return n
			}
		}
		return ""
	}
	switch {
	case errors.Is(err, domain.ErrFutureDate):
		return pick("on", "month")
	case errors.Is(err, domain.ErrDuplicateStep), errors.Is(err, domain.ErrOutOfOrder), errors.Is(err, domain.ErrTerminated):
		return pick("step", "milestone")
	case errors.Is(err, domain.ErrNotPlanned), errors.Is(err, domain.ErrAlreadyExists):
		return pick("milestone")
	case errors.Is(err, domain.ErrInvalid):
		for _, n := range []string{"reason", "note"} {
			if slices.Contains(f.fields, n) && len(values[n]) > 0 && values[n][0] == "" && strings.Contains(rule.Problem, "no ") {
				return n
			}
		}
		if strings.Contains(rule.Problem, "file") || strings.Contains(rule.Problem, "evidence") {
			return "evidence"
		}
	}
	return ""
}

// tooLarge answers a post larger than the board takes.
func (s *Server) tooLarge(w http.ResponseWriter, r *http.Request, lang report.Lang) {
	p, _ := readParams(r)
	heading := word(lang, "too_large_title")
	msg := fmt.Sprintf(word(lang, "too_large"), domain.MaxEvidenceFiles, domain.MaxEvidenceBytes>>20)
	s.render(w, http.StatusRequestEntityTooLarge, "error", &view{Lang: lang, Page: "error", Title: heading, P: p, Who: whoOf(r), Data: errorView{heading, msg}})
}

// serveEvidence sends a file attached to a project the reader may see:
// a picture shown inline, any other file as a download, never sniffed.
func (s *Server) serveEvidence(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	notFound := func() { s.fail(w, r, lang, fmt.Errorf("%w: %s", errNotFound, r.URL.Path)) }
	id, err := domain.ParseProjectID(r.PathValue("id"))
	if err != nil || s.evidence == nil {
		notFound()
		return
	}
	cur, err := s.qs.Project(r.Context(), id)
	var none *query.NoEventsError
	if errors.As(err, &none) {
		notFound()
		return
	}
	if err != nil {
		s.fail(w, r, lang, err)
		return
	}
	pr := cur.Value
	if !whoOf(r).Sees(pr.Unit) {
		notFound()
		return
	}
	sha := r.PathValue("sha256")
	i := slices.IndexFunc(pr.Evidence, func(a domain.Attached) bool { return a.SHA256 == sha })
	if i < 0 {
		notFound()
		return
	}
	file := pr.Evidence[i].EvidenceFile
	rc, _, err := s.evidence.Open(r.Context(), sha)
	if errors.Is(err, evidence.ErrNotFound) {
		notFound()
		return
	}
	if err != nil {
		s.fail(w, r, lang, err)
		return
	}
	defer rc.Close()
	typ := file.Type
	if domain.EvidenceTypes[typ] == "" {
		typ = "application/octet-stream"
	}
	disposition := "attachment"
	if file.IsImage() {
		disposition = "inline"
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": file.Name}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	_, _ = io.Copy(w, rc)
}

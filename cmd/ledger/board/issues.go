package board

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/entry"
	"github.com/keyprojects/ledger/projections/report"
)

// issueForm is what the 督查 page's forms were given, shown again with
// the error when the ledger refused it.
type issueForm struct {
	Command                       string // the command id: posting the same form twice stores it once
	Project, Title, On            string
	Issue, Resolution, ResolvedOn string
	Error                         string // why nothing was stored
	Saved                         string // what the last post stored
	Which                         string // "raise" or "resolve": the form Error belongs to
}

// raiseIssue stores an issue_raised (挂账督办) from the 督查 page, made by
// the signed-in reader.
func (s *Server) raiseIssue(w http.ResponseWriter, r *http.Request) {
	f := issueForm{Which: "raise", Command: r.PostFormValue("command"),
		Project: strings.TrimSpace(r.PostFormValue("project")), Title: strings.TrimSpace(r.PostFormValue("title")),
		On: strings.TrimSpace(r.PostFormValue("on"))}
	s.storeIssue(w, r, f, "issue", "raise", entry.Values{
		"project": {f.Project}, "title": {f.Title}, "on": {f.On}, "id": {""},
	})
}

// resolveIssue stores an issue_resolved (销号) from the 督查 page.
func (s *Server) resolveIssue(w http.ResponseWriter, r *http.Request) {
	f := issueForm{Which: "resolve", Command: r.PostFormValue("command"),
		Issue: r.PostFormValue("issue"), Resolution: strings.TrimSpace(r.PostFormValue("resolution")),
		ResolvedOn: strings.TrimSpace(r.PostFormValue("on"))}
	project, issue, _ := strings.Cut(f.Issue, "|")
	s.storeIssue(w, r, f, "issue", "resolve", entry.Values{
		"project": {project}, "issue": {issue}, "resolution": {f.Resolution}, "on": {f.ResolvedOn},
	})
}

// storeIssue checks who posts, reads the form through the same entry
// form as the command line, and stores its command with the reader as
// the actor. A refusal shows the page again with the form as typed and
// the reason, and stores nothing.
func (s *Server) storeIssue(w http.ResponseWriter, r *http.Request, f issueForm, group, name string, values entry.Values) {
	if !s.checkForm(w, r) {
		return
	}
	reader := whoOf(r)
	lang := langOf(r)
	if !reader.May("issues") || s.store == nil {
		s.forbidden(w, r, fmt.Sprintf(word(lang, "role_cannot"), roleName(lang, reader.Role())))
		return
	}
	if f.Command == "" || len(f.Command) > 64 {
		s.forbidden(w, r, word(lang, "form_expired"))
		return
	}
	form, ok := findForm(group, name)
	if !ok {
		s.fail(w, r, lang, fmt.Errorf("board: no form %s %s", group, name))
		return
	}
	meta := domain.Meta{Actor: reader.User.Login, CommandID: f.Command}
	cmd, err := form.Parse(values, meta)
	if err == nil {
		var stored string
		stored, err = s.execute(r, cmd, word(lang, "saved_"+name))
		if err == nil {
			q := url.Values{"saved": {stored}}
			http.Redirect(w, r, "/inspection?"+q.Encode(), http.StatusSeeOther)
			return
		}
	}
	if !refusal(err) {
		s.fail(w, r, lang, err)
		return
	}
	msg := err.Error()
	if lang == report.ZH {
		msg = domain.Chinese(err)
	}
	f.Error = word(lang, "not_stored") + msg
	p, _ := readParams(r)
	v := &view{Lang: p.lang, Page: "inspection", Title: word(p.lang, "inspection"), P: p, Today: s.qs.Today(), Who: reader}
	_, v.AsOf = s.qs.Resolve(p.report.Cut)
	if perr := s.inspectionWith(r, p, v, f); perr != nil {
		s.fail(w, r, lang, perr)
		return
	}
	s.render(w, http.StatusBadRequest, "inspection", v)
}

// execute stores cmd and says what was stored, in the words of what
// (a format of the project and the event's sequence), for the page to
// show.
func (s *Server) execute(r *http.Request, cmd domain.Command, what string) (string, error) {
	res, err := s.store.Execute(r.Context(), cmd)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, rec := range res.Records {
		parts = append(parts, fmt.Sprintf(what, rec.Project, rec.Sequence))
	}
	return strings.Join(parts, "；"), nil
}

// refusal reports whether err is the ledger refusing what was typed, as
// opposed to the ledger failing.
func refusal(err error) bool {
	var rule *domain.RuleError
	return errors.As(err, &rule) || errors.Is(err, domain.ErrInvalid) || errors.Is(err, domain.ErrUnknownProject)
}

// findForm is the entry form called name in group.
func findForm(group, name string) (entry.Form, bool) {
	for _, f := range entry.Forms() {
		if f.Group == group && f.Name() == name {
			return f, true
		}
	}
	return entry.Form{}, false
}

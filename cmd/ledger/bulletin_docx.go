package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/keyprojects/ledger/projections/query"
	"github.com/keyprojects/ledger/projections/report/docx"
)

// docxFlags are the bulletin's flags for the notice --docx writes
// (projections/report/docx); --title and --issuer are the report flags'.
type docxFlags struct {
	number, cc string
}

func (d *docxFlags) add(fs *pflag.FlagSet, rf *reportFlags) {
	fs.StringVar(&rf.docx, "docx", "", "write the bulletin as a Word notice (通报) to this .docx file: the --issuer heading in red, --doc-number, --title, a summary, the sections' tables and the date")
	fs.StringVar(&d.number, "doc-number", "", "with --docx: the document number (文号), e.g. 县重点办〔2026〕12号")
	fs.StringVar(&d.cc, "cc", "", "with --docx: the offices sent a copy (抄送), e.g. 县委办，县政府办")
}

// check refuses the notice's flags without --docx, and a --docx file not
// named .docx, before the ledger is opened.
func (d *docxFlags) check(rf *reportFlags) error {
	if rf.docx == "" {
		if d.number != "" || d.cc != "" {
			return usageError{errors.New("--doc-number and --cc shape the notice: give --docx FILE")}
		}
		return nil
	}
	if !strings.EqualFold(filepath.Ext(rf.docx), ".docx") {
		return usageError{fmt.Errorf("--docx %s: the file name must end in .docx", rf.docx)}
	}
	return nil
}

// writeBulletinDocx writes the bulletin of q to the --docx file, with the
// number of projects under dispatch (the status table's rows) in its
// summary, and says so.
func (a *app) writeBulletinDocx(ctx context.Context, qs *query.Service, q query.BulletinQuery, rf *reportFlags, d docxFlags) (answer, error) {
	b, err := qs.Bulletin(ctx, q)
	if err != nil {
		return answer{}, err
	}
	st, err := qs.Status(ctx, query.StatusQuery{Report: q.Report})
	if err != nil {
		return answer{}, err
	}
	o := docx.Options{Issuer: rf.issuer, DocNumber: d.number, Title: rf.title, CC: d.cc, Scope: q.Filter.Unit, Projects: len(st.Value)}
	if err := docx.File(rf.docx, b.Value, o); err != nil {
		return answer{}, err
	}
	fmt.Fprintf(a.stdout, "wrote %s\n", rf.docx)
	return answer{behind: max(b.Behind, st.Behind), written: true}, nil
}

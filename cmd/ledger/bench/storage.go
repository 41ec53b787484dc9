package bench

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"
)

// The province the storage row projects a year of: 20,000 projects, each
// reporting weekly, each report storing eventsPerReport events.
const (
	provinceProjects = 20_000
	weeksPerYear     = 52
	// eventsPerReport is the assumption of the projection: a weekly report
	// stores two events, the week's progress (progress_reported) and the
	// investment to date (investment_reported), each taking the bytes the
	// fill's events take on average.
	eventsPerReport = 2
)

// storage: the ledger stream's folder in the embedded server's store after
// the fill, in bytes per event (every file under it, divided by the
// stream's messages). The server writes a message to its block file
// shortly after acknowledging it, so the size is read until it stops
// growing.
func (e *env) storage(ctx context.Context) (Row, error) {
	e.progress("the stream's size on disk")
	st, err := e.store.JetStream().Stream(ctx, e.store.StreamName())
	if err != nil {
		return Row{}, err
	}
	info, err := st.Info(ctx)
	if err != nil {
		return Row{}, err
	}
	events := info.State.Msgs
	if events == 0 {
		return Row{}, errors.New("the ledger stream is empty")
	}
	dir, err := streamDir(e.srv.DataDir(), e.store.StreamName())
	if err != nil {
		return Row{}, err
	}
	size, err := dirSize(dir)
	if err != nil {
		return Row{}, err
	}
	for range 20 {
		time.Sleep(100 * time.Millisecond)
		again, err := dirSize(dir)
		if err != nil {
			return Row{}, err
		}
		if again == size {
			break
		}
		size = again
	}
	e.bytesPerEvent = float64(size) / float64(events)
	return Row{Path: fmt.Sprintf("storage: bytes per event on disk (the stream's store folder, %d bytes, / %d events; the server counts %.0f bytes per message)",
		size, events, float64(info.State.Bytes)/float64(events)),
		Unit: "bytes/event", Ours: e.bytesPerEvent}.judge(reported), nil
}

// storageYear: a year of a province from the storage row's bytes per
// event.
func (e *env) storageYear(context.Context) (Row, error) {
	if e.bytesPerEvent <= 0 {
		return Row{}, errors.New("no bytes per event measured")
	}
	events := provinceProjects * weeksPerYear * eventsPerReport
	gb := e.bytesPerEvent * float64(events) / 1e9
	return Row{Path: fmt.Sprintf("storage: a year of a %d-project province reporting weekly (%d x %d weeks x %d events per report = %d events), on disk",
		provinceProjects, provinceProjects, weeksPerYear, eventsPerReport, events),
		Unit: "GB", Ours: gb, Note: fmt.Sprintf("at %.0f bytes per event", e.bytesPerEvent)}.judge(reported), nil
}

// streamDir finds stream's folder in a JetStream store: the directory
// named after it in a "streams" directory (<store>/jetstream/<account>/
// streams/<stream>).
func streamDir(store, stream string) (string, error) {
	found := ""
	err := filepath.WalkDir(store, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == stream && filepath.Base(filepath.Dir(path)) == "streams" {
			found = path
			return fs.SkipAll
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if found == "" {
		return "", fmt.Errorf("no folder of stream %s under %s", stream, store)
	}
	return found, nil
}

// dirSize is the size of every regular file under dir, in bytes.
func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	return n, err
}

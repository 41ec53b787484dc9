package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections/cadence"
	"github.com/keyprojects/ledger/projections/notify"
)

// The cadence commands (projections/cadence, docs/cadence.md): the
// scheduler that publishes the dispatch, the bulletins, the quarterly
// inspection, the half-year summary and the year-end posting by itself,
// the list of what it published, and the auditor's check that every
// publication is reproduced byte for byte by its command lines.

// cadenceFlags are the flags the cadence commands share.
type cadenceFlags struct {
	config string
	out    string
	// robots are the group robots told of each publication (run, once).
	robots notifyFlags
}

// addRobots adds the flags naming the group robots a summary of each
// publication is posted to.
func (f *cadenceFlags) addRobots(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.robots.wecom, "wecom", nil, "webhook URL of a WeCom (企业微信) group robot told of each publication, in Chinese; may be repeated")
	fs.StringArrayVar(&f.robots.dingtalk, "dingtalk", nil, "webhook URL of a DingTalk (钉钉) group robot told of each publication; may be repeated")
	fs.StringArrayVar(&f.robots.secrets, "dingtalk-secret", nil, "signing secret (加签) of the DingTalk robot in the same position (or env LEDGER_DINGTALK_SECRET)")
}

// hooks returns the robots the flags name, none when none is named.
func (f *cadenceFlags) hooks() ([]notify.Webhook, error) {
	if len(f.robots.wecom)+len(f.robots.dingtalk) == 0 {
		return nil, nil
	}
	return f.robots.webhooks()
}

func (f *cadenceFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&f.config, "config", "", "the cadence file (JSON, docs/cadence.md); default the county's announced cadence")
	fs.StringVar(&f.out, "out", "", "the folder publications are written under (default the file's \"out\", else publications)")
}

// load reads the cadence file, or returns the default cadence.
func (f *cadenceFlags) load() (cadence.Config, error) {
	cfg := cadence.DefaultConfig()
	if f.config != "" {
		var err error
		if cfg, err = cadence.ReadConfig(f.config); err != nil {
			return cfg, usageError{err}
		}
	}
	if f.out != "" {
		cfg.Out = f.out
	}
	if cfg.Out == "" {
		cfg.Out = "publications"
	}
	return cfg, nil
}

func (a *app) cadenceCommand() *cobra.Command {
	c := &cobra.Command{Use: "cadence", Short: "The reporting cadence run by itself: dispatch, bulletins, quarterly inspection, half-year summary, year-end posting"}
	c.AddCommand(a.cadenceRunCommand(), a.cadenceOnceCommand(), a.cadenceListCommand(), a.cadenceCheckCommand())
	return c
}

// scheduler returns the cadence's scheduler on an open session, which
// prints each outcome and posts each publication to hooks.
func (a *app) scheduler(ctx context.Context, s *session, cfg cadence.Config, hooks []notify.Webhook) (*cadence.Scheduler, error) {
	actor := cfg.Actor
	if actor == "" {
		actor = a.actor
	}
	return cadence.New(s.store, cfg, cadence.Options{Clock: a.clock, Actor: actor, OnRun: func(o cadence.Outcome) {
		a.printOutcome(o)
		if o.Status == cadence.Published {
			a.announce(ctx, hooks, o)
		}
	}})
}

// announce posts a summary of a publication, in Chinese, to each robot,
// once: a failed post is told on stderr; the publication stands.
func (a *app) announce(ctx context.Context, hooks []notify.Webhook, o cadence.Outcome) {
	if len(hooks) == 0 {
		return
	}
	msg := publicationMessage(o)
	client := &http.Client{Timeout: 10 * time.Second}
	for _, h := range hooks {
		if err := postRobot(ctx, client, h, msg, a.clock.Now()); err != nil {
			fmt.Fprintf(a.stderr, "ledger: cadence: tell %s of %s %s: %v\n", h.Name(), o.Report, o.Span.Label, err)
		}
	}
}

// publicationMessage is the robots' summary of a publication.
func publicationMessage(o cadence.Outcome) notify.Message {
	title := fmt.Sprintf("%s已发布：%s", o.Report.Chinese(), o.Span.Label)
	var md, text strings.Builder
	fmt.Fprintf(&md, "### %s（%s）\n", title, o.Job)
	fmt.Fprintf(&text, "%s（%s）\n", title, o.Job)
	line := fmt.Sprintf("统计时段 %s 至 %s，数据截至 %s 的记录", o.Span.First, o.Span.Last, o.Due.Format("2006-01-02 15:04"))
	fmt.Fprintf(&md, "> %s\n\n", line)
	fmt.Fprintf(&text, "%s\n", line)
	for _, f := range o.Files {
		fmt.Fprintf(&md, "- %s（%d 字节，SHA-256 %s…）\n", f.Name, f.Size, f.SHA256[:12])
		fmt.Fprintf(&text, "· %s（%d 字节，SHA-256 %s…）\n", f.Name, f.Size, f.SHA256[:12])
	}
	fmt.Fprintf(&md, "\n存放于 %s；可用 ledger cadence check 复核。", o.Folder)
	fmt.Fprintf(&text, "存放于 %s；可用 ledger cadence check 复核。", o.Folder)
	return notify.Message{Title: title, Markdown: md.String(), Text: text.String()}
}

// postRobot posts msg to the robot once and checks its answer (HTTP 2xx,
// errcode 0).
func postRobot(ctx context.Context, client *http.Client, h notify.Webhook, msg notify.Message, at time.Time) error {
	target, body, err := h.Request(msg, at)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return errors.New("bad webhook URL")
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL carries the robot's key
		}
		return err
	}
	defer resp.Body.Close()
	var answer struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&answer); err != nil || answer.ErrCode == nil {
		return errors.New("the robot answered without an errcode")
	}
	if *answer.ErrCode != 0 {
		return fmt.Errorf("errcode %d %s", *answer.ErrCode, answer.ErrMsg)
	}
	return nil
}

// printOutcome says what a run did: on stdout, or on stderr when it failed.
func (a *app) printOutcome(o cadence.Outcome) {
	due := o.Due.Format("2006-01-02 15:04")
	switch o.Status {
	case cadence.Published:
		names := make([]string, len(o.Files))
		for i, f := range o.Files {
			names[i] = f.Name
		}
		fmt.Fprintf(a.stdout, "published %s %s (%s, due %s) to %s: %s\n", o.Report, o.Span.Label, o.Job, due, o.Folder, strings.Join(names, ", "))
	case cadence.AlreadyPublished:
		fmt.Fprintf(a.stdout, "already published %s %s (%s, due %s): nothing written\n", o.Report, o.Span.Label, o.Job, due)
		if o.Err != nil {
			fmt.Fprintf(a.stderr, "ledger: cadence: %v\n", o.Err)
		}
	case cadence.Restored:
		fmt.Fprintf(a.stdout, "restored %s %s (%s): its folder %s was missing; the files rendered again have the recorded digests\n", o.Report, o.Span.Label, o.Job, o.Folder)
	case cadence.Failed:
		fmt.Fprintf(a.stderr, "ledger: cadence: %v\n", o.Err)
	}
}

func (a *app) cadenceRunCommand() *cobra.Command {
	var f cadenceFlags
	c := &cobra.Command{
		Use:   "run",
		Short: "Publish what the cadence says when it is due, until interrupted; a run missed while down is made once at start",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.load()
			if err != nil {
				return err
			}
			hooks, err := f.hooks()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			return a.withSession(ctx, func(s *session) error {
				sched, err := a.scheduler(ctx, s, cfg, hooks)
				if err != nil {
					return usageError{err}
				}
				next, job := sched.Next()
				fmt.Fprintf(a.stdout, "cadence: %d jobs; next %s at %s\n", len(cfg.Jobs), job, next.Format("2006-01-02 15:04"))
				return sched.Run(ctx)
			})
		},
	}
	f.add(c.Flags())
	f.addRobots(c.Flags())
	return c
}

func (a *app) cadenceOnceCommand() *cobra.Command {
	var f cadenceFlags
	var at string
	c := &cobra.Command{
		Use:   "once --at 'YYYY-MM-DD HH:MM'",
		Short: "Make the runs due at one instant (Asia/Shanghai): the jobs whose cron fires then, on the cut of that instant",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.load()
			if err != nil {
				return err
			}
			if at == "" {
				return usageError{errors.New("--at is required: the instant whose runs to make, 'YYYY-MM-DD HH:MM'")}
			}
			t, err := time.ParseInLocation("2006-01-02 15:04", at, shanghai())
			if err != nil {
				if t, err = time.Parse(time.RFC3339, at); err != nil {
					return usageError{fmt.Errorf("--at %q: expected 'YYYY-MM-DD HH:MM' (Asia/Shanghai) or RFC 3339", at)}
				}
			}
			if now := a.clock.Now(); t.After(now) {
				return usageError{fmt.Errorf("--at %s is later than now (%s): a period is published after it ends", at, now.In(shanghai()).Format("2006-01-02 15:04"))}
			}
			hooks, err := f.hooks()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			return a.withSession(ctx, func(s *session) error {
				sched, err := a.scheduler(ctx, s, cfg, hooks)
				if err != nil {
					return usageError{err}
				}
				outs, err := sched.RunAt(ctx, t)
				if err != nil {
					return err
				}
				if len(outs) == 0 {
					fmt.Fprintf(a.stdout, "no job is due at %s\n", t.In(shanghai()).Format("2006-01-02 15:04"))
				}
				return nil
			})
		},
	}
	f.add(c.Flags())
	f.addRobots(c.Flags())
	c.Flags().StringVar(&at, "at", "", "the instant: 'YYYY-MM-DD HH:MM' in Asia/Shanghai, or RFC 3339")
	return c
}

func (a *app) cadenceListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "The publications recorded (history PUBLICATIONS): report, period, cut and each file's SHA-256",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pubs, err := a.publications(cmd.Context())
			if err != nil {
				return err
			}
			if a.asJSON {
				return a.printJSON(pubs)
			}
			if len(pubs) == 0 {
				fmt.Fprintln(a.stdout, "no publication recorded")
				return nil
			}
			t := a.newTable("report", "period", "published", "as of", "recorded up to", "file", "bytes", "sha256")
			for _, p := range pubs {
				for _, f := range p.Files {
					t.AppendRow(table.Row{p.Report, p.Period, p.On, p.AsOf, p.Cut.In(shanghai()).Format("2006-01-02 15:04:05"), f.Name, f.Size, f.SHA256})
				}
			}
			t.Render()
			return nil
		},
	}
}

// publications reads the publications recorded.
func (a *app) publications(ctx context.Context) ([]cadence.Publication, error) {
	var pubs []cadence.Publication
	err := a.withSession(ctx, func(s *session) error {
		var err error
		pubs, err = cadence.Publications(ctx, s.store)
		return err
	})
	return pubs, err
}

func (a *app) cadenceCheckCommand() *cobra.Command {
	var f cadenceFlags
	c := &cobra.Command{
		Use:   "check",
		Short: "Reproduce every publication: run its command lines again into a temporary folder and compare each file's SHA-256 with the recorded one, and with the file on disk",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.load()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			pubs, err := a.publications(ctx)
			if err != nil {
				return err
			}
			bad := 0
			for _, p := range pubs {
				n, err := a.checkPublication(ctx, cfg, p)
				if err != nil {
					return err
				}
				bad += n
			}
			if bad > 0 {
				return fmt.Errorf("%d of the published files differ from what was recorded", bad)
			}
			fmt.Fprintf(a.stdout, "%d publications reproduced: every file has its recorded SHA-256\n", len(pubs))
			return nil
		},
	}
	f.add(c.Flags())
	return c
}

// checkPublication reproduces p's files and compares them with its
// record and with the files in its folder; it prints a line per file and
// returns how many differ.
func (a *app) checkPublication(ctx context.Context, cfg cadence.Config, p cadence.Publication) (int, error) {
	tmp, err := os.MkdirTemp("", "ledger-check-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	folder := cfg.Folder(p)
	_, statErr := os.Stat(folder)
	onDisk := statErr == nil
	bad := 0
	for i, want := range p.Files {
		what := p.Report + " " + p.Period + " " + want.Name
		if i >= len(p.Args) {
			fmt.Fprintf(a.stdout, "DIFFERS  %s: no command line recorded for it\n", what)
			bad++
			continue
		}
		args := p.Args[i]
		got, err := a.reproduce(ctx, args, tmp)
		switch {
		case err != nil:
			fmt.Fprintf(a.stdout, "DIFFERS  %s: `ledger %s` failed: %v\n", what, strings.Join(args, " "), err)
			bad++
			continue
		case got.SHA256 != want.SHA256 || got.Size != want.Size:
			fmt.Fprintf(a.stdout, "DIFFERS  %s: reproduced sha256 %s (%d bytes), recorded %s (%d bytes)\n", what, got.SHA256, got.Size, want.SHA256, want.Size)
			bad++
			continue
		}
		if onDisk {
			if d := cadence.CheckFolder(folder, p.Files[i:i+1]); len(d) > 0 {
				fmt.Fprintf(a.stdout, "ON DISK  %s: %s in %s\n", what, strings.TrimPrefix(d[0], want.Name+": "), folder)
				bad++
				continue
			}
		}
		fmt.Fprintf(a.stdout, "ok       %s: sha256 %s\n", what, want.SHA256)
	}
	return bad, nil
}

// reproduce runs one recorded command line in a ledger of its own on the
// same data folder or server, writing its file into dir (a --docx or
// --xlsx file) or taking what it prints (--md), and describes the file.
func (a *app) reproduce(ctx context.Context, args []string, dir string) (fileDigest, error) {
	// Only the report commands, which read: a recorded command line is
	// not trusted to be one.
	if len(args) == 0 || !reportCommands[args[0]] {
		return fileDigest{}, errors.New("not a report command; refused to run it")
	}
	args = append([]string(nil), args...)
	name, i := cadence.OutputFile(args)
	if i >= 0 {
		if filepath.Base(name) != name {
			return fileDigest{}, fmt.Errorf("file %q is not a plain name", name)
		}
		args[i] = filepath.Join(dir, name)
	}
	var out, errs bytes.Buffer
	sub := newApp(&out, &errs)
	sub.clock = a.clock
	sub.passwordCost = a.passwordCost
	if code := sub.run(ctx, append(a.globalArgs(), args...)); code != exitOK {
		return fileDigest{}, errors.New(oneLine(errs.String()))
	}
	b := out.Bytes()
	if i >= 0 {
		var err error
		if b, err = os.ReadFile(args[i]); err != nil {
			return fileDigest{}, err
		}
	}
	d := cadence.Describe(name, b)
	return fileDigest{SHA256: d.SHA256, Size: d.Size}, nil
}

// reportCommands are the commands a publication's command lines may run.
var reportCommands = map[string]bool{"status": true, "overdue": true, "scoreboard": true, "investment": true, "supervision": true, "bulletin": true}

type fileDigest struct {
	SHA256 string
	Size   int64
}

// globalArgs are the root flags that point a ledger of its own at the
// same ledger as this one.
func (a *app) globalArgs() []string {
	args := []string{"--data", a.dataDir, "--stream", a.stream, "--replicas", strconv.Itoa(a.replicas), "--actor", a.actor}
	for _, f := range []struct{ name, value string }{
		{"--server", a.server}, {"--creds", a.creds}, {"--user", a.user}, {"--password", a.password},
		{"--tls-ca", a.tlsCA}, {"--tls-cert", a.tlsCert}, {"--tls-key", a.tlsKey}, {"--inbox-prefix", a.inboxPrefix},
	} {
		if f.value != "" {
			args = append(args, f.name, f.value)
		}
	}
	return args
}

// addServeCadence adds --cadence FILE to serve: the scheduler runs inside
// serve beside the projection runner and the deadline watcher.
func (a *app) addServeCadence(c *cobra.Command) {
	var f cadenceFlags
	c.Flags().StringVar(&f.config, "cadence", "", "run the reporting cadence inside serve: the cadence file (JSON, docs/cadence.md), or default for the county's announced cadence")
	c.Flags().StringVar(&f.out, "cadence-out", "", "with --cadence: the folder publications are written under")
	prev := c.PreRunE
	c.PreRunE = func(cmd *cobra.Command, args []string) error {
		if prev != nil {
			if err := prev(cmd, args); err != nil {
				return err
			}
		}
		a.serveCadence = nil
		if f.config == "" {
			if f.out != "" {
				return usageError{errors.New("--cadence-out goes with --cadence FILE (or --cadence default)")}
			}
			return nil
		}
		load := f
		if load.config == "default" {
			load.config = ""
		}
		cfg, err := load.load()
		if err != nil {
			return err
		}
		a.serveCadence = &cfg
		return nil
	}
}

// startServeCadence starts the scheduler serve's --cadence asks for,
// which sends to done when it stops. It reports whether it started one.
func (a *app) startServeCadence(ctx context.Context, store *eventstore.Store, done chan<- error) bool {
	if a.serveCadence == nil {
		return false
	}
	cfg := *a.serveCadence
	actor := cfg.Actor
	if actor == "" {
		actor = a.actor
	}
	sched, err := cadence.New(store, cfg, cadence.Options{Clock: a.clock, Actor: actor, OnRun: a.printOutcome})
	if err != nil {
		go func() { done <- fmt.Errorf("cadence: %w", err) }()
		return true
	}
	next, job := sched.Next()
	fmt.Fprintf(a.stdout, "  cadence: %d jobs publishing under %s; next %s at %s\n", len(cfg.Jobs), cfg.Out, job, next.Format("2006-01-02 15:04"))
	go func() { done <- sched.Run(ctx) }()
	return true
}

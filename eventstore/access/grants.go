package access

import (
	"slices"
	"strings"

	"github.com/keyprojects/ledger/eventstore"
)

// A Grant is what one role's NATS user may publish and subscribe to: the
// JetStream API requests (a request is a publish to its API subject) and
// subjects that role's ledger commands use, and nothing else. A deny wins
// over an allow, and what no allow names is refused.
type Grant struct {
	Role Role
	// About says what the role is for, in one line.
	About          string
	PublishAllow   []string
	PublishDeny    []string
	SubscribeAllow []string
}

// Grants returns the grant of every role, in the order of Roles, for the
// ledger stream named stream and the inspection office's durable consumer
// named durable.
func Grants(stream, durable string) []Grant {
	subject := strings.TrimSuffix(eventstore.StreamSpec{Name: stream}.Config().Subjects[0], ".*.*")
	api := "$JS.API."
	// Reading the projections: the KV buckets <stream>_PROJ_*, whose
	// streams are KV_<stream>_PROJ_*. A subject token cannot be matched by
	// prefix, so the rights name every stream (*) and take the ledger
	// stream out again where a role may not read it; the account holds
	// nothing else.
	readProjections := []string{api + "STREAM.INFO.*", api + "DIRECT.GET.*", api + "DIRECT.GET.*.>"}
	notTheStream := []string{api + "STREAM.INFO." + stream, api + "DIRECT.GET." + stream, api + "DIRECT.GET." + stream + ".>"}
	// The inspection office's durable consumer is its own: no other role
	// may redefine it, pull from it or delete it.
	notTheDurable := []string{
		api + "CONSUMER.CREATE." + stream + "." + durable, api + "CONSUMER.CREATE." + stream + "." + durable + ".>",
		api + "CONSUMER.MSG.NEXT." + stream + "." + durable, api + "CONSUMER.DELETE." + stream + "." + durable,
	}
	// The board's users and their password hashes are the service's
	// alone.
	users := "KV_" + UsersBucket(stream)
	notTheUsers := []string{api + "STREAM.INFO." + users, api + "DIRECT.GET." + users, api + "DIRECT.GET." + users + ".>"}
	// The files of evidence: the object store <stream>_EVIDENCE, whose
	// stream is OBJ_<stream>_EVIDENCE (package evidence). Reading a file
	// is its stream's info, direct gets of its meta, and an ordered push
	// consumer on its chunks, which answers flow control and is deleted
	// when the file is read; writing publishes its chunks and meta, and
	// purges the chunks a replaced or failed upload leaves.
	evidence := EvidenceBucket(stream)
	objects := "OBJ_" + evidence
	readEvidence := []string{
		api + "STREAM.INFO." + objects, api + "DIRECT.GET." + objects, api + "DIRECT.GET." + objects + ".>",
		api + "CONSUMER.CREATE." + objects + ".*", api + "CONSUMER.CREATE." + objects + ".*.>",
		api + "CONSUMER.INFO." + objects + ".*", api + "CONSUMER.DELETE." + objects + ".*",
		"$JS.FC." + objects + ".>",
	}
	writeEvidence := append([]string{
		"$O." + evidence + ".C.>", "$O." + evidence + ".M.>",
		api + "STREAM.CREATE." + objects, api + "STREAM.PURGE." + objects,
	}, readEvidence...)
	misses := subject + ".*.deadline_missed"
	withCommon := func(g Grant) Grant {
		g.PublishAllow = append(g.PublishAllow, UserInfoSubject)
		g.SubscribeAllow = append([]string{g.Role.InboxPrefix() + ".>"}, g.SubscribeAllow...)
		return g
	}
	return []Grant{
		withCommon(Grant{
			Role:  Service,
			About: "the service (`ledger serve --server`): creates the stream and the projection buckets, keeps the projections, records deadline_missed, and stores what people signed in to its web board raise and close",
			PublishAllow: []string{
				misses,
				// The web board's writes (docs/board.md), each recorded
				// with the signed-in person as its actor.
				subject + ".*.issue_raised", subject + ".*.issue_resolved",
				"$KV.*.>",
				api + "INFO", // nats.go asks for the account's limits before it creates a bucket
				api + "STREAM.INFO.*", api + "STREAM.CREATE.*", api + "STREAM.UPDATE.*", api + "STREAM.DELETE.*",
				api + "DIRECT.GET.*", api + "DIRECT.GET.*.>",
				// A refusal stands on the history as the stream's leader
				// has it (eventstore/leader.go).
				api + "STREAM.MSG.GET." + stream,
				api + "CONSUMER.CREATE.*.*", api + "CONSUMER.CREATE.*.*.>", api + "CONSUMER.INFO.*.*",
				api + "CONSUMER.MSG.NEXT.*.*", api + "CONSUMER.DELETE.*.*",
				// ledger backup and ledger restore (docs/backup.md)
				api + "STREAM.NAMES", api + "STREAM.SNAPSHOT.*", api + "STREAM.RESTORE.*", "$JS.SNAPSHOT.RESTORE.*.*",
				// The files of evidence the web board's forms upload.
				"$O." + evidence + ".C.>", "$O." + evidence + ".M.>", api + "STREAM.PURGE." + objects, "$JS.FC." + objects + ".>",
			},
			// Old projection generations are deleted (a bucket is a
			// stream), the ledger stream never: nor is it changed. Nor
			// is the evidence bucket deleted.
			PublishDeny: append([]string{api + "STREAM.DELETE." + stream, api + "STREAM.UPDATE." + stream, api + "STREAM.DELETE." + objects}, notTheDurable...),
		}),
		withCommon(Grant{
			Role:         Recorder,
			About:        "appends events (record, project register, import plan, inspect explain/raise/close) and uploads files of evidence (--evidence, attach); reads histories, projections and evidence",
			PublishAllow: slices.Concat([]string{subject + ".*.*", api + "STREAM.MSG.GET." + stream}, readProjections, writeEvidence),
			// Misses are the watcher's to record: a recorder cannot forge one.
			PublishDeny: append([]string{misses}, notTheUsers...),
		}),
		withCommon(Grant{
			Role:  Auditor,
			About: "reads everything (verify, history, audit, reports as of any time, files of evidence); writes nothing",
			PublishAllow: slices.Concat(readProjections, readEvidence,
				[]string{api + "STREAM.MSG.GET." + stream,
					api + "CONSUMER.CREATE." + stream + ".*", api + "CONSUMER.CREATE." + stream + ".*.>",
					api + "CONSUMER.INFO." + stream + ".*", api + "CONSUMER.MSG.NEXT." + stream + ".*"}),
			PublishDeny:    slices.Concat(notTheDurable, notTheUsers),
			SubscribeAllow: []string{subject + ".>"},
		}),
		withCommon(Grant{
			Role:  Inspector,
			About: "follows deadline_missed through its durable consumer " + durable + " (inspect follow); reads the projections for project names, and files of evidence",
			PublishAllow: slices.Concat([]string{
				api + "CONSUMER.CREATE." + stream + "." + durable + "." + misses,
				api + "CONSUMER.INFO." + stream + "." + durable,
				api + "CONSUMER.MSG.NEXT." + stream + "." + durable,
				api + "CONSUMER.DELETE." + stream + "." + durable,
				"$JS.ACK." + stream + "." + durable + ".>",
			}, readProjections, readEvidence),
			PublishDeny:    slices.Concat(notTheStream, notTheUsers),
			SubscribeAllow: []string{misses},
		}),
		withCommon(Grant{
			Role:         Reporter,
			About:        "reads the projections (status, overdue, scoreboard, investment, supervision, bulletin) and files of evidence",
			PublishAllow: slices.Concat(readProjections, readEvidence),
			PublishDeny:  slices.Concat(notTheStream, notTheUsers),
		}),
	}
}

// EvidenceBucket is the name of the object store bucket holding the files
// of evidence of the ledger stream named stream (package evidence's
// Bucket); its stream on the server is OBJ_<stream>_EVIDENCE.
func EvidenceBucket(stream string) string { return stream + "_EVIDENCE" }

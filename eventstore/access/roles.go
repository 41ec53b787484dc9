package access

// Role is one kind of user of the ledger on a shared NATS server. Its name
// is also the name of its NATS user.
type Role string

// The ledger's roles. Each may do what its ledger commands need and
// nothing else.
const (
	// Service is the ledger service (`ledger serve` on a shared server): it
	// creates the stream and the projections, keeps the projections,
	// records missed deadlines, and backs up and restores.
	Service Role = "ledger"
	// Recorder appends events (records, registrations, plans, the
	// inspection office's explanations), uploads files of evidence, and
	// reads histories and projections. It may not record a missed
	// deadline.
	Recorder Role = "recorder"
	// Auditor reads everything, the whole event stream and the files of
	// evidence included, and writes nothing.
	Auditor Role = "auditor"
	// Inspector follows the missed deadlines through the inspection
	// office's own durable consumer and reads the projections and the
	// files of evidence; it reads no other event and writes nothing.
	Inspector Role = "inspector"
	// Reporter reads the projections and the files of evidence.
	Reporter Role = "reporter"
)

// Roles returns every role, the service first.
func Roles() []Role { return []Role{Service, Recorder, Auditor, Inspector, Reporter} }

// InboxPrefix is the prefix of the subjects the role's user receives
// replies on. Every role may subscribe to its own replies only: with the
// common _INBOX.> any user could read the answers the server sends to any
// other, e.g. a reporter the events an auditor reads.
func (r Role) InboxPrefix() string { return "_INBOX_" + string(r) }

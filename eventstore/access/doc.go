// Package access is who may do what in the ledger on a NATS server: the
// roles of its users, the subject permissions each role's NATS user is
// granted, the nats-server configuration and login files that set those
// users up (what `ledger auth init` writes), and the rights the server
// reports for a connected user, which the ledger reads so as to leave out
// what the user may not do.
//
// The server enforces the permissions; nothing here replaces that.
// docs/security.md has the table of the roles and their rights.
package access

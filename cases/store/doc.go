// Package store keeps the desk's cases in a local SQLite database
// (modernc.org/sqlite, pure Go): an append-only event log with a per-device
// hash chain, the projections the desk reads (cases, parties, fact cards,
// evidence, follow-ups, notes, steps), a bigram full-text index, the sync
// outbox, and evidence files stored by SHA-256 beside the database.
//
// Every append writes the event, its projection changes, its search text
// and its outbox row in one transaction. It is the only package of the desk
// that speaks SQL.
package store

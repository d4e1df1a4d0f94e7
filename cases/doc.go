// Package cases is the domain of 接访台: a petition case and everything
// recorded about it (parties, fact cards, evidence, follow-ups, notes, the
// seven interview steps), the events that change it, their validation, and
// the pure functions that derive a case's state from its event log.
//
// Nothing here touches storage or the GUI: cases/store keeps the log and
// its projections in SQLite, and app shows them. Which fields are mutable
// (and so carry a base version) and which records are append-only is
// decided here and documented in DESIGN.md.
package cases

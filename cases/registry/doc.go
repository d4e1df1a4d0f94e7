// Package registry is the depth (深度) screening of 三维甄别: cross-checks
// of the people and companies on cases against snapshots of eight
// registries (登记库) — real estate, social security, business
// registration, household registration, civil affairs, tax, court
// enforcement and fiscal payments — flagging anomalies (异常变更), each
// with a Chinese explanation built from the records that fired it.
//
// The package is pure Go: it reads the documented snapshot formats (CSV,
// or JSON lines, one format per Kind; see docs/triage.md), validates them
// row by row (Parse), turns stored rows into typed records (NewData), and
// runs the rules over them (Check, Run). It writes no SQL: cases/store
// keeps the snapshots and serves them, and the cases' parties, through
// the small Source interface.
package registry

// Package triage screens cases on the three dimensions of 三维甄别
// (screening):
//
//   - intensity (强度): how heated what a petitioner says or writes is,
//     scored 0–100 (red above 80, amber 50–80, green below 50) from
//     signals such as threats of violence, self-harm, collective action,
//     escalation beyond the county and disruption, each reason shown with
//     the words that fired it. The word lists are ours (assets/triage)
//     and a township extends them without code (ExtensionFile). See
//     Scorer, LoadLexicon, CaseText and Rescore.
//   - breadth (广度): similar cases over five years; three or more similar
//     cases with collective signatures escalate automatically.
//   - depth (深度): cross-checks against the registries (real estate,
//     social security, business registration, …) for abnormal changes.
//
// The package holds pure functions plus small interfaces for the data
// they need: it reads no database and shows nothing; the desk, the hub
// and jiefangctl supply the data and record the results as events.
package triage

// Package app is the desk's Fyne GUI: one struct per screen, each holding
// its widgets and its dependencies, with onX methods for what the user
// does. It never sees SQL: it talks to the small interfaces it declares
// (CaseStore, Syncer). Work that may take time runs off the UI goroutine
// and is applied with fyne.Do.
package app

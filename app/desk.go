package app

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"jiefang/cases"
)

// CaseStore is what the desk needs from the case store (cases/store
// implements it).
type CaseStore interface {
	ListCases(ctx context.Context, q cases.ListQuery) ([]cases.Listing, error)
	Search(ctx context.Context, query string, limit int) ([]cases.Listing, error)
	Append(ctx context.Context, evs ...cases.Event) ([]cases.Event, error)
	Actor(ctx context.Context) (string, error)
	SetActor(ctx context.Context, name string) error
}

// Deps are what the desk is built from.
type Deps struct {
	Cases      CaseStore
	DeviceCode string // the short code in provisional case numbers
	Demo       bool   // the database holds demo data
	FontNote   string // a problem with the Chinese font to tell the user, if any
	Sync       Syncer // sync with the hub; nil: none (the desk says it is not connected)
}

// Desk is the main window.
type Desk struct {
	win  fyne.Window
	deps Deps
	home *homeScreen
}

// NewDesk builds the main window of app a.
func NewDesk(a fyne.App, deps Deps) *Desk {
	title := lang.L("接访台")
	if deps.Demo {
		title += " — " + lang.L("演示数据")
	}
	d := &Desk{win: a.NewWindow(title), deps: deps}
	d.home = newHomeScreen(d.win, deps)
	d.win.SetContent(d.home.content())
	d.win.Resize(fyne.NewSize(1100, 720))
	return d
}

// Window is the desk's main window.
func (d *Desk) Window() fyne.Window { return d.win }

// Start shows the sync status, loads the case list and, on first start,
// asks for the staff member's name. It must be called on the UI
// goroutine, once.
func (d *Desk) Start() {
	d.home.watchSync()
	d.home.refresh()
	d.home.askStaffIfNeeded()
	if d.deps.FontNote != "" {
		d.home.showMessage(lang.L("字体"), d.deps.FontNote)
	}
}

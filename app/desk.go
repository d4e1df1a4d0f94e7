package app

import (
	"context"
	"io"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/triage"
	"jiefang/legal"
)

// CaseStore is what the desk needs from the case store (cases/store
// implements it).
type CaseStore interface {
	ListCases(ctx context.Context, q cases.ListQuery) ([]cases.Listing, error)
	Search(ctx context.Context, query string, limit int) ([]cases.Listing, error)
	Agenda(ctx context.Context, now time.Time, limit int) ([]cases.AgendaItem, error)
	Case(ctx context.Context, id uuid.UUID) (cases.Case, error)
	Append(ctx context.Context, evs ...cases.Event) ([]cases.Event, error)
	Actor(ctx context.Context) (string, error)
	SetActor(ctx context.Context, name string) error
	// PutBlob stores an evidence file by its SHA-256 and returns the hex
	// sum and size; BlobPath is where the file with that sum is kept.
	PutBlob(ctx context.Context, r io.Reader, mediaType string) (string, int64, error)
	BlobPath(sum string) string
}

// GuideWriter makes the legal guide (法律指引) of a case: the PDF handed
// to the petitioner with the articles pinned to the case.
type GuideWriter interface {
	// WriteGuide writes c's guide as a new PDF file at path, leaving no
	// file when it fails, and gives up when ctx is done.
	WriteGuide(ctx context.Context, c cases.Case, path string) error
}

// Deps are what the desk is built from.
type Deps struct {
	Cases      CaseStore
	DeviceCode string // the short code in provisional case numbers
	Demo       bool   // the database holds demo data
	FontNote   string // a problem with the Chinese font to tell the user, if any
	Sync       Syncer // sync with the hub; nil: none (the desk says it is not connected)
	// Version is the desk's version (FyneApp.toml), shown in 关于接访台.
	Version Version
	// Statutes is the statute library of step 5 (法律导航) and the
	// petitioner view; nil: articles are pinned by citation only.
	Statutes *legal.Library
	// Guides makes the legal guide that step 5 prints; nil: 打印法律指引
	// says the guide is not available.
	Guides GuideWriter
	// Settings is how the desk was set up and where the 设置 screen
	// saves; nil: no 设置 button.
	Settings *SettingsEnv
	// Scorer scores the intensity (强度) of what the petitioner says, each
	// time this desk changes a case's text; nil: cases are not scored.
	Scorer *triage.Scorer
	// Similar and Registry find similar cases and registry alerts for
	// the 三维甄别 view; nil: the view says they are not available here.
	Similar  SimilarCases
	Registry RegistryChecks
	// Now is the desk's clock for what falls due (今日待办, follow-ups);
	// time.Now when nil.
	Now func() time.Time
	// Timings, when set, gets a line for each load of the case list and
	// each search: how long it took, and for the first, how long after
	// Started the list was there to use (jiefang --timings).
	Timings io.Writer
	Started time.Time
}

// Desk is the main window: the case list, or one case.
type Desk struct {
	app      fyne.App
	win      fyne.Window
	deps     Deps
	home     *homeScreen
	homeView fyne.CanvasObject
	open     *caseScreen  // the case shown instead of the list, if any
	ui       func(func()) // for case screens: nil, fyne.Do; tests queue results
}

// NewDesk builds the main window of app a.
func NewDesk(a fyne.App, deps Deps) *Desk {
	title := lang.L("接访台")
	if deps.Demo {
		title += " — " + lang.L("演示数据")
	}
	d := &Desk{app: a, win: a.NewWindow(title), deps: deps}
	d.home = newHomeScreen(d.win, deps)
	d.home.open = d.openCase
	d.home.pulled = d.onPulled
	d.homeView = d.home.content()
	d.win.SetContent(d.homeView)
	d.win.Resize(fyne.NewSize(1100, 720))
	d.win.SetMaster() // closing the desk closes the petitioner view too
	return d
}

// openCase shows case id in the main window, with note on its status
// line. It must be called on the UI goroutine.
func (d *Desk) openCase(id uuid.UUID, note string) {
	if d.open != nil {
		d.open.leave()
	}
	d.open = newCaseScreen(d.app, d.win, d.deps.Cases, id, d.showHome)
	if d.ui != nil {
		d.open.ui = d.ui
	}
	if d.deps.Now != nil {
		d.open.follow.now = d.deps.Now
	}
	d.open.scorer = d.deps.Scorer
	d.open.screen.similarCases = d.deps.Similar
	d.open.screen.registry = d.deps.Registry
	d.open.openOther = func(id uuid.UUID) { d.openCase(id, "") }
	d.open.calm.scorer = d.deps.Scorer
	d.open.legal.use(d.deps.Statutes, d.deps.Guides)
	d.win.SetContent(d.open.content())
	if note != "" {
		d.open.tell(note)
	}
	d.open.load()
}

// showHome goes back from a case to the case list, read again.
func (d *Desk) showHome() {
	if d.open != nil {
		d.open.leave()
		d.open = nil
	}
	d.win.SetContent(d.homeView)
	d.home.refresh()
}

// onPulled reads the open case again after a sync brought events down.
func (d *Desk) onPulled() {
	if d.open != nil {
		d.open.load()
	}
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
	if st := d.deps.Settings; st != nil && st.LoadErr != nil {
		d.home.showMessage(lang.L("设置"), st.loadProblem())
	}
}

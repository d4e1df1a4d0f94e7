package app

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"jiefang/cases"
)

const (
	searchDelay = 250 * time.Millisecond // typing must pause this long before a search runs
	searchLimit = 200                    // most search results shown
	listPage    = 200                    // cases read at a time; more as the list is scrolled down
	pageAhead   = 40                     // read the next page when a row this close to the end is shown
)

// homeScreen is the case list with search, the 新接待 and 连接上级
// buttons, and a status line that includes sync.
type homeScreen struct {
	win  fyne.Window
	deps Deps

	search  *widget.Entry
	newCase *widget.Button
	connect *widget.Button
	setup   *widget.Button // 设置; nil without Deps.Settings
	list    *widget.List
	status  *widget.Label
	empty   *widget.Label
	filters *filterBar
	agenda  *agendaPanel

	// Touched only on the UI goroutine:
	rows    []cases.Listing // shown rows
	page    int             // list page size (listPage)
	more    bool            // the list may go on: the last page read was full
	paging  bool            // the next page is being read
	query   string          // the search the shown rows answer
	loaded  bool            // a load has finished: the status line has something to say
	gen     int             // bumps with each load; late results of older loads are dropped
	loadErr string          // why the last load failed, shown in the status line; "" if it worked
	sync    SyncStatus      // the latest sync status
	conn    *connectScreen  // the open 连接上级 screen, if any
	set     *settingsScreen // the open 设置 screen, if any
	intake  *intakeForm     // the last 新接待 form opened, if any
	traced  bool            // a load's timing was written (Deps.Timings)

	open   func(id uuid.UUID, note string) // shows a case; nil: the list only lists
	pulled func()                          // a sync brought events down; nil: nobody else to tell

	mu    sync.Mutex
	timer *time.Timer

	now  func() time.Time // the desk's clock (Deps.Now)
	ui   func(func())     // runs a background result on the UI goroutine: fyne.Do (tests queue it)
	busy sync.WaitGroup   // loads not yet shown (tests wait on it)
}

func newHomeScreen(win fyne.Window, deps Deps) *homeScreen {
	h := &homeScreen{win: win, deps: deps, ui: fyne.Do, page: listPage, now: deps.Now}
	if h.now == nil {
		h.now = time.Now
	}
	h.search = widget.NewEntry()
	h.search.SetPlaceHolder(lang.L("搜索案件：事由、姓名、村名……"))
	h.search.OnChanged = h.onSearchChanged
	h.newCase = widget.NewButtonWithIcon(lang.L("新接待"), theme.ContentAddIcon(), h.onNewReception)
	h.newCase.Importance = widget.HighImportance
	h.connect = widget.NewButtonWithIcon(lang.L("连接上级"), theme.UploadIcon(), h.onConnect)
	if deps.Settings != nil {
		h.setup = widget.NewButtonWithIcon(lang.L("设置"), theme.SettingsIcon(), h.onSettings)
	}
	h.status = widget.NewLabel("")
	h.empty = widget.NewLabel("")
	h.empty.Alignment = fyne.TextAlignCenter
	h.list = widget.NewList(
		func() int { return len(h.rows) },
		newCaseRow,
		func(i widget.ListItemID, o fyne.CanvasObject) {
			fillCaseRow(o, h.rows[i])
			if i >= len(h.rows)-pageAhead {
				h.loadMore()
			}
		},
	)
	h.list.OnSelected = h.onRowSelected
	h.filters = newFilterBar(h.relist)
	h.agenda = newAgendaPanel(h.now, func(it cases.AgendaItem) {
		if h.open != nil {
			h.open(it.CaseID, "")
		}
	})
	return h
}

func (h *homeScreen) content() fyne.CanvasObject {
	buttons := container.NewHBox(h.connect, h.newCase)
	if h.setup != nil {
		buttons.Objects = append([]fyne.CanvasObject{h.setup}, buttons.Objects...)
	}
	top := container.NewBorder(nil, nil, nil, buttons, h.search)
	split := container.NewHSplit(container.NewStack(h.list, container.NewCenter(h.empty)), container.NewPadded(h.agenda.box))
	split.Offset = 0.74
	return container.NewBorder(
		container.NewPadded(container.NewVBox(top, h.filters.box)),
		container.NewPadded(h.status),
		nil, nil,
		split,
	)
}

// refresh reloads the list for the current search text.
// refresh reloads the list for the current search text and the 今日待办
// panel (which neither search nor filters change).
func (h *homeScreen) refresh() {
	h.relist()
	h.loadAgenda()
}

// relist reloads the list alone: for a change of filters.
func (h *homeScreen) relist() { h.load(strings.TrimSpace(h.search.Text)) }

// loadAgenda reads 今日待办 off the UI goroutine and shows it; it must be
// called on the UI goroutine.
func (h *homeScreen) loadAgenda() {
	apply := h.ui
	h.busy.Add(1)
	go func() {
		defer h.busy.Done()
		items, err := fetchAgenda(h.deps.Cases, h.now())
		apply(func() {
			if err != nil {
				h.agenda.title.SetText(lang.L("读取今日待办失败：") + err.Error())
				return
			}
			h.agenda.show(items)
		})
	}()
}

func (h *homeScreen) onSearchChanged(text string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.timer != nil {
		h.timer.Stop()
	}
	q := strings.TrimSpace(text)
	h.timer = time.AfterFunc(searchDelay, func() { fyne.Do(func() { h.load(q) }) })
}

// load fetches rows off the UI goroutine and shows them; it must be
// called on the UI goroutine.
func (h *homeScreen) load(query string) {
	h.gen++
	h.paging = false
	gen := h.gen
	apply := h.ui
	lq := h.filters.query(h.page) // read the widgets here, on the UI goroutine
	start := time.Now()
	h.busy.Add(1)
	go func() {
		defer h.busy.Done()
		rows, err := h.fetch(query, lq)
		fetched := time.Since(start)
		apply(func() {
			if gen != h.gen {
				return // a newer load has started
			}
			if err != nil {
				h.query, h.loadErr, h.loaded = query, lang.L("读取案件失败：")+err.Error(), true
				h.updateStatus(query)
				return
			}
			h.show(query, rows)
			h.trace(query, len(rows), fetched, time.Since(start))
		})
	}()
}

// trace writes how long a load took to Deps.Timings, if set: the query
// off the UI goroutine, then until the rows were on the list; the first
// load also says how long after the start of the program the list was
// there to use.
func (h *homeScreen) trace(query string, rows int, fetched, shown time.Duration) {
	w := h.deps.Timings
	if w == nil {
		return
	}
	what := "list"
	if query != "" {
		what = fmt.Sprintf("search %q", query)
	}
	fmt.Fprintf(w, "%s: %d rows, query %.1f ms, shown %.1f ms", what, rows, ms(fetched), ms(shown))
	if !h.traced && !h.deps.Started.IsZero() {
		fmt.Fprintf(w, ", %.0f ms after start", ms(time.Since(h.deps.Started)))
	}
	h.traced = true
	fmt.Fprintln(w)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// loadMore reads the next page of the list after the last row shown,
// off the UI goroutine, and appends it; it must be called on the UI
// goroutine. Keyset paging (updated_at, id) keeps each page as fast as the
// first, however far down the list is.
func (h *homeScreen) loadMore() {
	if !h.more || h.paging || len(h.rows) == 0 {
		return
	}
	last := h.rows[len(h.rows)-1]
	lq := h.filters.query(h.page)
	lq.After = &cases.Cursor{UpdatedAt: last.UpdatedAt, ID: last.ID}
	gen, apply := h.gen, h.ui
	h.paging = true
	h.busy.Add(1)
	go func() {
		defer h.busy.Done()
		rows, err := h.fetch("", lq)
		apply(func() {
			if gen != h.gen {
				return // the list was loaded again meanwhile
			}
			h.paging = false
			if err != nil {
				h.more, h.loadErr = false, lang.L("读取案件失败：")+err.Error()
				h.updateStatus(h.query)
				return
			}
			h.rows = append(h.rows, rows...)
			h.more = len(rows) == h.page
			h.list.Refresh()
			h.updateStatus(h.query)
		})
	}()
}

// fetch reads the rows for a query: the most recently changed cases the
// filters lq select, or the search results. It runs off the UI goroutine.
func (h *homeScreen) fetch(query string, lq cases.ListQuery) ([]cases.Listing, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if query == "" {
		return h.deps.Cases.ListCases(ctx, lq)
	}
	return h.deps.Cases.Search(ctx, query, searchLimit)
}

func (h *homeScreen) show(query string, rows []cases.Listing) {
	h.rows, h.query, h.loadErr, h.loaded = rows, query, "", true
	h.more = query == "" && len(rows) == h.page
	h.list.Refresh()
	h.list.ScrollToTop()
	h.filters.setEnabled(query == "")
	switch {
	case len(rows) == 0 && query != "":
		h.empty.SetText(fmt.Sprintf(lang.L("没有找到含“%s”的案件。"), query))
	case len(rows) == 0 && h.filters.active():
		h.empty.SetText(lang.L("没有符合筛选条件的案件。"))
	case len(rows) == 0:
		h.empty.SetText(lang.L("还没有案件。点“新接待”登记第一件。"))
	default:
		h.empty.SetText("")
	}
	h.updateStatus(query)
}

// updateStatus writes the status line: device, staff, what the list
// shows (or why it could not be read), and sync. A demo database never
// syncs: it says so instead.
func (h *homeScreen) updateStatus(query string) {
	actor, _ := h.deps.Cases.Actor(context.Background())
	if actor == "" {
		actor = lang.L("未填写")
	}
	shown := fmt.Sprintf(lang.L("最近更新的 %d 件"), len(h.rows))
	if h.more {
		shown += lang.L("（向下滚动看更多）")
	}
	switch {
	case h.loadErr != "":
		shown = h.loadErr
	case query != "" && len(h.rows) >= searchLimit:
		shown = fmt.Sprintf(lang.L("找到很多，显示最近的 %d 件；再加一个词可缩小范围"), len(h.rows))
	case query != "":
		shown = fmt.Sprintf(lang.L("找到 %d 件"), len(h.rows))
	case h.filters.active():
		shown = fmt.Sprintf(lang.L("符合筛选的 %d 件"), len(h.rows))
	}
	status := fmt.Sprintf(lang.L("设备 %s · 工作人员 %s · %s"), h.deps.DeviceCode, actor, shown)
	if h.deps.Demo {
		status = lang.L("演示数据（不会上报）") + " · " + status
	} else {
		status += " · " + syncLine(h.sync, h.deps.Sync != nil)
	}
	h.status.SetText(status)
}

// watchSync shows the sync status now and whenever it changes. It must
// be called on the UI goroutine, once.
func (h *homeScreen) watchSync() {
	if h.deps.Sync == nil {
		return
	}
	h.sync = h.deps.Sync.Status()
	h.deps.Sync.Watch(func(st SyncStatus) {
		fyne.Do(func() { h.onSyncStatus(st) })
	})
	if h.loaded {
		h.updateStatus(h.query)
	}
}

// onSyncStatus applies a new sync status; it runs on the UI goroutine.
func (h *homeScreen) onSyncStatus(st SyncStatus) {
	reload := pulledNew(h.sync, st)
	h.sync = st
	if reload {
		h.refresh()
		if h.pulled != nil {
			h.pulled()
		}
	} else if h.loaded {
		h.updateStatus(h.query)
	}
	if h.conn != nil {
		h.conn.setStatus(st)
	}
}

// pulledNew reports whether status next is of a round after prev's that
// brought events down (another desk's cases, official numbers) or
// evidence files (their thumbnails), so that what is shown must be read
// again.
func pulledNew(prev, next SyncStatus) bool {
	return (next.Pulled > 0 || next.Downloaded > 0) && !next.LastSync.Equal(prev.LastSync)
}

// onConnect opens the 连接上级 screen.
func (h *homeScreen) onConnect() {
	if h.conn != nil {
		return // already open
	}
	h.conn = newConnectScreen(h.win, h.deps, h.sync, func() { h.conn = nil })
	h.conn.show()
}

// onSettings opens the 设置 screen; a saved staff name shows on the
// status line at once.
func (h *homeScreen) onSettings() {
	if h.set != nil || h.deps.Settings == nil {
		return // already open
	}
	h.set = newSettingsScreen(h.win, h.deps, func() { h.set = nil }, func() {
		h.updateStatus(strings.TrimSpace(h.search.Text))
	})
	h.set.show()
}

func (h *homeScreen) showMessage(title, msg string) {
	dialog.ShowInformation(title, msg, h.win)
}

// onNewReception opens the intake form; the staff name comes first.
func (h *homeScreen) onNewReception() {
	actor, err := h.deps.Cases.Actor(context.Background())
	if err != nil {
		dialog.ShowError(err, h.win)
		return
	}
	if actor == "" {
		h.askStaff(h.onNewReception)
		return
	}
	h.intake = newIntakeForm(h.win, h.deps.Cases, h.onCaseCreated)
	h.intake.ui = h.ui
	h.intake.scorer = h.deps.Scorer
	h.intake.similar = h.deps.Similar
	h.intake.show()
}

// onRowSelected opens the tapped case.
func (h *homeScreen) onRowSelected(i widget.ListItemID) {
	h.list.UnselectAll() // tapping the same row again opens it again
	if i < 0 || i >= len(h.rows) || h.open == nil {
		return
	}
	h.open(h.rows[i].ID, "")
}

// onCaseCreated goes on to the interview of the case just registered.
func (h *homeScreen) onCaseCreated(id uuid.UUID, number string) {
	h.search.SetText("")
	h.refresh()
	if h.deps.Sync != nil && !h.deps.Demo {
		h.deps.Sync.SyncNow() // send it up now if there is a network
	}
	msg := fmt.Sprintf(lang.L("已创建案件 %s。"), number)
	if h.open != nil {
		h.open(id, msg)
		return
	}
	h.showMessage(lang.L("已登记"), msg)
}

// askStaffIfNeeded asks for the staff member's name on first start.
func (h *homeScreen) askStaffIfNeeded() {
	if actor, err := h.deps.Cases.Actor(context.Background()); err == nil && actor == "" {
		h.askStaff(nil)
	}
}

func (h *homeScreen) askStaff(then func()) {
	newStaffPrompt(h.win, h.deps.Cases, func() {
		h.updateStatus(strings.TrimSpace(h.search.Text))
		if then != nil {
			then()
		}
	}).show()
}

// A case row: number and status word on the first line, category and
// summary on the second, date and intensity on the right.
func newCaseRow() fyne.CanvasObject {
	number := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	status := widget.NewLabel("")
	summary := widget.NewLabel("")
	summary.Truncation = fyne.TextTruncateEllipsis
	date := widget.NewLabel("")
	badge := canvas.NewRectangle(color.Transparent)
	badge.SetMinSize(fyne.NewSize(6, 6))
	intensity := widget.NewLabel("")
	right := container.NewVBox(date, intensity)
	first := container.NewHBox(number, status)
	return container.NewBorder(nil, nil, badge, right, container.NewVBox(first, summary))
}

func fillCaseRow(o fyne.CanvasObject, l cases.Listing) {
	c := o.(*fyne.Container)
	center := c.Objects[0].(*fyne.Container)
	badge := c.Objects[1].(*canvas.Rectangle)
	right := c.Objects[2].(*fyne.Container)
	first := center.Objects[0].(*fyne.Container)
	first.Objects[0].(*widget.Label).SetText(l.Number)
	first.Objects[1].(*widget.Label).SetText(lang.L(l.Status.Label()) + " · " + lang.L(l.MediationLevel.Label()+"级") + " · " + lang.L(l.Channel.Label()))
	cat := l.Category
	if cat == "" {
		cat = lang.L("未分类")
	}
	center.Objects[1].(*widget.Label).SetText("【" + cat + "】" + l.Summary)
	right.Objects[0].(*widget.Label).SetText(cases.Local(l.UpdatedAt).Format("2006-01-02 15:04"))
	level := rowLevel(l)
	text := fmt.Sprintf(lang.L("强度 %d %s"), l.Intensity, lang.L(level.Label()))
	if l.Escalated {
		text += " · " + lang.L("已自动升级")
	}
	right.Objects[1].(*widget.Label).SetText(text)
	badge.FillColor = intensityColor(level)
	badge.Refresh()
}

// rowLevel is the colour band a case row shows: the intensity's, or red
// for a case escalated automatically whatever its score.
func rowLevel(l cases.Listing) cases.IntensityLevel {
	if l.Escalated {
		return cases.IntensityRed
	}
	return l.IntensityLevel
}

// intensityColor is the band's colour; the word is always shown beside it.
func intensityColor(l cases.IntensityLevel) color.Color {
	switch l {
	case cases.IntensityRed:
		return color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
	case cases.IntensityAmber:
		return color.NRGBA{R: 0xef, G: 0x9a, B: 0x00, A: 0xff}
	default:
		return color.NRGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff}
	}
}

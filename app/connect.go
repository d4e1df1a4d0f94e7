package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"jiefang/cases"
	"jiefang/sync/qrimage"
)

const (
	enrollTimeout   = 2 * time.Minute  // a slow township line still gets through
	rejectedTimeout = 10 * time.Second // reading the local list of refused events
	rejectedShown   = 200              // most refused records listed
)

// connectScreen is the 连接上级 dialog over the main window: how sync
// stands (with 立即同步), the enrollment code to paste or read from a QR
// image (the hub's address comes only from the code), and the records the
// hub sent back.
type connectScreen struct {
	win    fyne.Window
	sync   Syncer // nil: this desk has no sync
	demo   bool
	closed func()

	state     *widget.Label
	syncNow   *widget.Button
	codeTitle *widget.Label
	code      *widget.Entry
	openImage *widget.Button
	connect   *widget.Button
	working   *widget.Activity
	result    *widget.Label
	rejected  *fyne.Container // one label per refused event, or the empty text
	dlg       *dialog.CustomDialog

	// Touched only on the UI goroutine:
	status       SyncStatus
	enrolling    bool
	cancelEnroll context.CancelFunc
	rejectedSeen int  // Status.Rejected when the list was last read
	wasSyncing   bool // a round was running at the last status

	busy sync.WaitGroup // background work not yet applied on the UI goroutine (tests wait on it)
}

func newConnectScreen(win fyne.Window, deps Deps, st SyncStatus, closed func()) *connectScreen {
	c := &connectScreen{win: win, sync: deps.Sync, demo: deps.Demo, closed: closed, status: st}
	c.state = widget.NewLabel("")
	c.state.Wrapping = fyne.TextWrapWord
	c.syncNow = widget.NewButtonWithIcon(lang.L("立即同步"), theme.ViewRefreshIcon(), c.onSyncNow)
	c.codeTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.code = widget.NewMultiLineEntry()
	c.code.Wrapping = fyne.TextWrapBreak // a code is one long word
	c.code.SetMinRowsVisible(4)
	c.code.SetPlaceHolder(lang.L("把县级信息化人员给的入网码粘贴到这里（以 JF1- 开头）"))
	c.openImage = widget.NewButtonWithIcon(lang.L("打开二维码图片…"), theme.FolderOpenIcon(), c.onOpenImage)
	c.connect = widget.NewButtonWithIcon(lang.L("连接"), theme.ConfirmIcon(), c.onConnect)
	c.connect.Importance = widget.HighImportance
	c.working = widget.NewActivity()
	c.working.Hide()
	c.result = widget.NewLabel("")
	c.result.Wrapping = fyne.TextWrapWord
	c.rejected = container.NewVBox()
	c.rejectedSeen = -1
	c.showState()
	return c
}

func (c *connectScreen) content() fyne.CanvasObject {
	bold := fyne.TextStyle{Bold: true}
	top := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("本机同步状态"), fyne.TextAlignLeading, bold),
		c.state,
		container.NewHBox(c.syncNow),
		widget.NewSeparator(),
		c.codeTitle,
		c.code,
		container.NewHBox(c.openImage, layout.NewSpacer(), c.working, c.connect),
		c.result,
		widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("被上级退回的记录"), fyne.TextAlignLeading, bold),
	)
	return container.NewBorder(top, nil, nil, nil, container.NewVScroll(c.rejected))
}

// show opens the screen over the main window and reads the refused records.
func (c *connectScreen) show() {
	c.dlg = dialog.NewCustom(lang.L("连接上级"), lang.L("关闭"), c.content(), c.win)
	c.dlg.SetOnClosed(c.onClosed)
	c.dlg.Resize(fyne.NewSize(760, 640))
	c.dlg.Show()
	c.loadRejected()
}

func (c *connectScreen) onClosed() {
	if c.cancelEnroll != nil {
		c.cancelEnroll() // closing gives up a connection still trying
	}
	if c.closed != nil {
		c.closed()
	}
}

// setStatus applies a new sync status; it runs on the UI goroutine.
func (c *connectScreen) setStatus(st SyncStatus) {
	finished := c.wasSyncing && !st.Syncing
	c.status = st
	c.showState()
	if finished || st.Rejected != c.rejectedSeen {
		c.loadRejected()
	}
}

// showState writes the state, and enables what can be done in it.
func (c *connectScreen) showState() {
	st := c.status
	c.wasSyncing = st.Syncing
	canEnroll := c.sync != nil && !c.demo && !c.enrolling
	switch {
	case c.demo:
		c.state.SetText(lang.L("这是演示数据库：演示数据不会连接上级，也不会上报。"))
	case c.sync == nil:
		c.state.SetText(lang.L("本机没有启用同步功能，暂时不能连接上级。"))
	case !st.Enrolled:
		c.state.SetText(lang.L("本机还没有连接上级。把县级信息化人员给的入网码粘贴到下面，或打开入网码的二维码图片，再点“连接”。"))
	default:
		c.state.SetText(enrolledState(st))
	}
	c.codeTitle.SetText(lang.L("用入网码连接上级"))
	if st.Enrolled {
		c.codeTitle.SetText(lang.L("重新连接（本机凭证失效或更换单位时才需要）"))
	}
	enable(c.syncNow, c.sync != nil && !c.demo && st.Enrolled && !st.Syncing)
	enable(c.connect, canEnroll)
	enable(c.openImage, canEnroll)
	if canEnroll {
		c.code.Enable()
	} else {
		c.code.Disable()
	}
}

// enrolledState is the state of an enrolled desk, one fact a line.
func enrolledState(st SyncStatus) string {
	last := lang.L("还没有同步过")
	if !st.LastSync.IsZero() {
		last = cases.Local(st.LastSync).Format("2006-01-02 15:04")
	}
	pending := pendingText(st)
	if pending == "" {
		pending = lang.L("全部已上传")
	}
	now := lang.L("正常")
	switch {
	case st.Syncing:
		now = lang.L("同步中…")
	case st.Err != "":
		now = syncFailure(st)
	}
	lines := []string{
		fmt.Sprintf(lang.L("本机单位：%s"), st.Unit),
		fmt.Sprintf(lang.L("上级平台：%s"), st.Hub),
		fmt.Sprintf(lang.L("上次同步：%s"), last),
		fmt.Sprintf(lang.L("上传情况：%s"), pending),
		fmt.Sprintf(lang.L("当前：%s"), now),
	}
	return strings.Join(lines, "\n")
}

func enable(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func (c *connectScreen) onSyncNow() {
	if c.sync == nil {
		return
	}
	c.sync.SyncNow()
}

// enrollmentCode is the pasted code without the spaces and line breaks
// that copying from a document or chat adds.
func enrollmentCode(text string) string {
	return strings.Join(strings.Fields(text), "")
}

// onConnect redeems the code off the UI goroutine, with the buttons
// disabled and an activity shown until the hub has answered.
func (c *connectScreen) onConnect() {
	if c.sync == nil || c.demo || c.enrolling {
		return
	}
	code := enrollmentCode(c.code.Text)
	if code == "" {
		c.say(lang.L("请先粘贴入网码，或点“打开二维码图片…”从图片读出入网码。"), widget.WarningImportance)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), enrollTimeout)
	c.enrolling, c.cancelEnroll = true, cancel
	c.showState()
	c.working.Show()
	c.working.Start()
	c.say(lang.L("正在连接上级，请稍候……"), widget.MediumImportance)
	c.busy.Add(1)
	go func() {
		defer cancel()
		err := c.sync.Enroll(ctx, code)
		var unit string
		if err == nil {
			unit = c.sync.Status().Unit
		}
		fyne.Do(func() {
			defer c.busy.Done()
			c.enrolled(unit, err)
		})
	}()
}

// enrolled shows how enrolling ended; it runs on the UI goroutine.
func (c *connectScreen) enrolled(unit string, err error) {
	c.enrolling, c.cancelEnroll = false, nil
	c.working.Stop()
	c.working.Hide()
	if err != nil {
		c.showState()
		c.say(enrollErrorText(err), widget.DangerImportance)
		return
	}
	c.status = c.sync.Status()
	c.showState()
	c.code.SetText("")
	c.say(fmt.Sprintf(lang.L("已连接上级。本机单位：%s。以后有网络时会自动同步。"), unit), widget.SuccessImportance)
	c.loadRejected()
}

func (c *connectScreen) say(text string, imp widget.Importance) {
	c.result.Importance = imp
	c.result.SetText(text)
}

// onOpenImage lets the user pick a PNG or JPEG holding the code's QR image.
func (c *connectScreen) onOpenImage() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			c.say(lang.L("打开图片失败：")+err.Error(), widget.DangerImportance)
			return
		}
		if r == nil {
			return // cancelled
		}
		c.readImage(r)
	}, c.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg"}))
	d.SetTitleText(lang.L("选择入网码的二维码图片"))
	d.Resize(fileDialogSize(c.win))
	d.Show()
}

// readImage reads the code from an image off the UI goroutine (a phone
// photo takes a moment) and puts it in the entry; on failure it explains
// and leaves what was typed.
func (c *connectScreen) readImage(r io.ReadCloser) {
	c.say(lang.L("正在读取图片……"), widget.MediumImportance)
	c.busy.Add(1)
	go func() {
		text, err := qrimage.Decode(r)
		r.Close()
		fyne.Do(func() {
			defer c.busy.Done()
			switch {
			case errors.Is(err, qrimage.ErrNotImage):
				c.say(lang.L("这个文件不是能读取的图片。请选择 PNG 或 JPG 格式的二维码图片，或直接粘贴入网码。"), widget.DangerImportance)
			case err != nil:
				c.say(lang.L("图片里没有找到二维码。请换一张更清晰、完整的二维码图片（截图或正面拍摄），或直接粘贴入网码。"), widget.DangerImportance)
			default:
				c.code.SetText(text)
				c.say(lang.L("已从图片读出入网码，请点“连接”。"), widget.SuccessImportance)
			}
		})
	}()
}

// loadRejected reads the refused records off the UI goroutine and lists them.
func (c *connectScreen) loadRejected() {
	if c.sync == nil || c.demo {
		c.showRejected(nil, nil)
		return
	}
	c.rejectedSeen = c.status.Rejected
	c.busy.Add(1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), rejectedTimeout)
		defer cancel()
		evs, err := c.sync.Rejected(ctx)
		fyne.Do(func() {
			defer c.busy.Done()
			c.showRejected(evs, err)
		})
	}()
}

// showRejected lists refused records: when, which case, and the hub's
// reason, newest as the hub sent them.
func (c *connectScreen) showRejected(evs []RejectedEvent, err error) {
	var rows []fyne.CanvasObject
	switch {
	case err != nil:
		l := widget.NewLabel(lang.L("读取被退回的记录失败：") + err.Error())
		l.Importance = widget.DangerImportance
		l.Wrapping = fyne.TextWrapWord
		rows = append(rows, l)
	case len(evs) == 0:
		rows = append(rows, widget.NewLabel(lang.L("没有被退回的记录。")))
	}
	if len(evs) > rejectedShown {
		more := widget.NewLabel(fmt.Sprintf(lang.L("共 %d 条，只列出前 %d 条。"), len(evs), rejectedShown))
		more.Importance = widget.WarningImportance
		rows = append(rows, more)
		evs = evs[:rejectedShown]
	}
	for _, e := range evs {
		number := e.CaseNumber
		if number == "" {
			number = lang.L("（未知案件）")
		}
		head := widget.NewLabelWithStyle(
			fmt.Sprintf(lang.L("%s · 案件 %s · 记录类型 %s"), cases.Local(e.At).Format("2006-01-02 15:04"), number, e.Type),
			fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		msg := widget.NewLabel(lang.L("退回原因：") + e.Message)
		msg.Wrapping = fyne.TextWrapWord
		rows = append(rows, container.NewVBox(head, msg), widget.NewSeparator())
	}
	c.rejected.Objects = rows
	c.rejected.Refresh()
}

package app

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"jiefang/assets/fonts"
	"jiefang/cases"
	"jiefang/cases/evidence"
	"jiefang/cases/report"
)

const (
	blobTimeout = time.Minute // storing one evidence file
	thumbSize   = 72          // the side of an image's thumbnail
)

// evidenceExts are the file names the add dialog offers.
var evidenceExts = []string{".jpg", ".jpeg", ".png", ".pdf"}

// evidencePanel is step 4, 证据拼图: the petitioner's materials as an
// evidence timeline, sorted by the date on each document (a photo's date
// comes from its EXIF data; items without a date come last, in the order
// they were added), each with the fact cards it supports and a checklist
// to link it to cards. Files come in through 添加证据… or dropped onto
// the window while the step is shown; each is stored by its SHA-256 off
// the UI goroutine, then recorded on the case. Each item's date can be
// typed over or cleared (改日期), and the timeline sorts by the new date.
type evidencePanel struct {
	win   fyne.Window
	store CaseStore
	do    func(caseOp)
	tell  func(string)
	ui    func(func())    // runs a background result on the UI goroutine
	busy  *sync.WaitGroup // the case screen's background work
	now   func() time.Time

	list   *fyne.Container // a row per item, or the empty text
	add    *widget.Button
	export *widget.Button // 导出PDF: the timeline as a PDF document
	root   fyne.CanvasObject

	// Touched only on the UI goroutine:
	c     cases.Case       // as last shown
	items []cases.Evidence // as shown, in timeline order
	facts []cases.FactCard // the current cards
	rows  []*evidenceRow
	pages map[string]int // PDF page counts by SHA-256 (-1: unknown), as read
	bound bool

	// The open 改日期 dialog, nil when none:
	dateDlg   *dialog.CustomDialog
	dateEntry *widget.Entry
	dateMsg   *widget.Label // the hint, or why the date typed was refused
	dateSave  *widget.Button
	dateClear *widget.Button // hidden when the item has no date
}

// evidenceRow is one item of the timeline.
type evidenceRow struct {
	item     cases.Evidence
	name     *widget.Label
	date     *widget.Label
	editDate *widget.Button // 改日期
	conflict *widget.Label  // an undecided concurrent date change; hidden if none
	facts    *widget.Label  // the cards it supports
	links    []*widget.Check
}

func newEvidencePanel(win fyne.Window, cs CaseStore, do func(caseOp), tell func(string), ui func(func()), busy *sync.WaitGroup) *evidencePanel {
	p := &evidencePanel{win: win, store: cs, do: do, tell: tell, ui: ui, busy: busy, now: time.Now, pages: map[string]int{}}
	p.list = container.NewVBox()
	p.add = widget.NewButtonWithIcon(lang.L("添加证据…"), theme.ContentAddIcon(), p.onAddDialog)
	p.export = widget.NewButtonWithIcon(lang.L("导出PDF"), theme.DocumentSaveIcon(), p.onExportDialog)
	hint := widget.NewLabel(lang.L("可添加照片（JPG、PNG）或 PDF 文件，也可以把文件拖到窗口里。"))
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	p.root = container.NewBorder(
		container.NewBorder(nil, nil, nil, container.NewHBox(p.add, p.export), hint),
		nil, nil, nil,
		container.NewVScroll(p.list),
	)
	return p
}

func (p *evidencePanel) content() fyne.CanvasObject { return p.root }

// bind takes files dropped onto the window while the panel is shown;
// unbind stops that.
func (p *evidencePanel) bind() {
	if p.bound {
		return
	}
	p.win.SetOnDropped(p.onDropped)
	p.bound = true
}

func (p *evidencePanel) unbind() {
	if !p.bound {
		return
	}
	p.win.SetOnDropped(nil)
	p.bound = false
}

func (p *evidencePanel) onDropped(_ fyne.Position, uris []fyne.URI) {
	var paths []string
	for _, u := range uris {
		if u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	p.addFiles(paths)
}

func (p *evidencePanel) onAddDialog() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			p.tell(lang.L("打开文件失败：") + err.Error())
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		r.Close()
		p.addFiles([]string{path})
	}, p.win)
	d.SetFilter(storage.NewExtensionFileFilter(evidenceExts))
	d.Resize(fileDialogSize(p.win))
	d.Show()
}

// fileDialogSize is most of the window: Fyne's file dialogs open small,
// showing a few files at a time.
func fileDialogSize(win fyne.Window) fyne.Size {
	sz := win.Canvas().Size()
	return fyne.NewSize(max(600, sz.Width*0.85), max(420, sz.Height*0.85))
}

// storedFile is a file stored as a blob, ready to be recorded.
type storedFile struct {
	add   cases.EvidenceAdd
	pages int // PDF pages; -1 unknown
}

// errNotEvidence is why a file that is not a photo or PDF is refused.
func errNotEvidence() string { return lang.L("只能添加图片（JPG、PNG）或 PDF 文件") }

// addFiles stores the files at paths off the UI goroutine and records
// each as evidence of the case. A file of another kind is refused, and
// nothing of it is stored. It must be called on the UI goroutine.
func (p *evidencePanel) addFiles(paths []string) {
	if len(paths) == 0 {
		return
	}
	p.tell(lang.L("正在保存证据文件…"))
	apply := p.ui
	p.busy.Add(1)
	go func() {
		defer p.busy.Done()
		var done []storedFile
		var refused, failed []string
		for _, path := range paths {
			f, err := p.storeFile(path)
			switch {
			case errors.Is(err, errKind):
				refused = append(refused, filepath.Base(path))
			case err != nil:
				failed = append(failed, filepath.Base(path)+"："+err.Error())
			default:
				done = append(done, f)
			}
		}
		apply(func() { p.stored(done, refused, failed) })
	}()
}

var errKind = errors.New("not a photo or PDF")

// storeFile reads the file at path, stores it as a blob and says what to
// record. It runs off the UI goroutine.
func (p *evidencePanel) storeFile(path string) (storedFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return storedFile{}, err
	}
	defer f.Close()
	head := make([]byte, evidence.SniffLen)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return storedFile{}, err
	}
	mt := evidence.MediaType(path, head[:n])
	if mt == "" {
		return storedFile{}, errKind
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return storedFile{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), blobTimeout)
	defer cancel()
	sum, size, err := p.store.PutBlob(ctx, f, mt)
	if err != nil {
		return storedFile{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return storedFile{}, err
	}
	out := storedFile{add: cases.EvidenceAdd{EvidenceID: id, SHA256: sum, FileName: filepath.Base(path), MediaType: mt, Size: size}, pages: -1}
	switch mt {
	case evidence.JPEG:
		if t, ok := evidence.PhotoDate(f, size); ok {
			out.add.DocumentDate = t.Format(time.DateOnly)
		}
	case evidence.PDF:
		if _, err := f.Seek(0, io.SeekStart); err == nil {
			if n, ok := evidence.PDFPages(f); ok {
				out.pages = n
			}
		}
	}
	return out, nil
}

// stored records the files stored and tells of those refused or failed.
func (p *evidencePanel) stored(done []storedFile, refused, failed []string) {
	for _, f := range done {
		p.pages[f.add.SHA256] = f.pages
		add := f.add
		p.do(caseOp{
			events: func(c *cases.Case) ([]cases.Event, error) {
				for _, e := range c.Evidence {
					if e.SHA256 == add.SHA256 {
						return nil, &userMessage{fmt.Sprintf(lang.L("“%s”已经添加过（与“%s”内容相同）。"), add.FileName, e.FileName)}
					}
				}
				e, err := cases.NewEvent(c.ID, &add)
				return []cases.Event{e}, err
			},
			saved: add.FileName,
		})
	}
	var msgs []string
	if len(refused) > 0 {
		msgs = append(msgs, errNotEvidence()+"："+strings.Join(refused, "、"))
	}
	if len(failed) > 0 {
		msgs = append(msgs, lang.L("保存证据文件失败：")+strings.Join(failed, "；"))
	}
	if len(msgs) > 0 {
		msg := strings.Join(msgs, "\n")
		p.tell(strings.ReplaceAll(msg, "\n", " "))
		dialog.ShowError(errors.New(msg), p.win)
	} else if len(done) == 0 {
		p.tell("")
	}
}

// show renders the case's evidence timeline; it runs after every reload.
func (p *evidencePanel) show(c cases.Case) {
	p.c = c
	p.items = report.TimelineOrder(c)
	p.facts = c.CurrentFacts()
	p.render()
	p.countPages()
}

func (p *evidencePanel) render() {
	p.rows = p.rows[:0]
	objs := make([]fyne.CanvasObject, 0, 2*len(p.items))
	for i, it := range p.items {
		r := p.newRow(it)
		p.rows = append(p.rows, r)
		if i > 0 {
			objs = append(objs, widget.NewSeparator())
		}
		// The thumbnail at the top of its row, beside the file's name.
		objs = append(objs, container.NewBorder(nil, nil, container.NewVBox(p.preview(it)), nil,
			container.NewVBox(r.name, container.NewHBox(r.date, r.editDate), r.conflict, r.facts, p.linkBox(r))))
	}
	if len(objs) == 0 {
		empty := widget.NewLabel(lang.L("还没有证据。点“添加证据…”或把照片、PDF 文件拖到窗口里。"))
		empty.Wrapping = fyne.TextWrapWord
		empty.Importance = widget.LowImportance
		objs = append(objs, empty)
	}
	p.list.Objects = objs
	p.list.Refresh()
}

// countPages reads the page count of PDFs not yet counted off the UI
// goroutine, and shows the timeline again when done.
func (p *evidencePanel) countPages() {
	var sums []string
	for _, it := range p.items {
		if _, ok := p.pages[it.SHA256]; !ok && it.MediaType == evidence.PDF {
			sums = append(sums, it.SHA256)
			p.pages[it.SHA256] = -1 // being counted
		}
	}
	if len(sums) == 0 {
		return
	}
	apply := p.ui
	p.busy.Add(1)
	go func() {
		defer p.busy.Done()
		got := map[string]int{}
		for _, sum := range sums {
			got[sum] = -1
			if f, err := os.Open(p.store.BlobPath(sum)); err == nil {
				if n, ok := evidence.PDFPages(f); ok {
					got[sum] = n
				}
				f.Close()
			}
		}
		apply(func() {
			for sum, n := range got {
				p.pages[sum] = n
			}
			p.render()
		})
	}()
}

// preview is a thumbnail of an image, or a PDF icon with its pages.
func (p *evidencePanel) preview(it cases.Evidence) fyne.CanvasObject {
	if strings.HasPrefix(it.MediaType, "image/") {
		img := canvas.NewImageFromFile(p.store.BlobPath(it.SHA256))
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(thumbSize, thumbSize))
		return img
	}
	icon := widget.NewIcon(theme.FileApplicationIcon())
	pages := ""
	if n := p.pages[it.SHA256]; n > 0 {
		pages = fmt.Sprintf(lang.L("%d 页"), n)
	}
	l := widget.NewLabelWithStyle(pages, fyne.TextAlignCenter, fyne.TextStyle{})
	strut := canvas.NewRectangle(color.Transparent)
	strut.SetMinSize(fyne.NewSize(thumbSize, 0))
	return container.NewVBox(strut, icon, l)
}

// factLine is how a fact card is named on the panel: its number and text.
func factLine(i int, f cases.FactCard) string {
	return fmt.Sprintf("%d. %s", i+1, f.Text)
}

// linkChars is how much of a card's text its link checkbox shows: two
// columns of them fit beside the thumbnail; the 支持的事实 line above
// has the whole text of the cards ticked.
const linkChars = 18

// shortFactLine is factLine cut to linkChars characters of text.
func shortFactLine(i int, f cases.FactCard) string {
	if t := []rune(f.Text); len(t) > linkChars {
		f.Text = string(t[:linkChars-1]) + "…"
	}
	return factLine(i, f)
}

func (p *evidencePanel) newRow(it cases.Evidence) *evidenceRow {
	r := &evidenceRow{item: it}
	r.name = widget.NewLabelWithStyle(it.FileName, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.name.Truncation = fyne.TextTruncateEllipsis
	date := shownDate(it.DocumentDate)
	if it.DateEdited() {
		date += lang.L("（手动修改）")
	}
	r.date = widget.NewLabel(date)
	r.editDate = widget.NewButtonWithIcon(lang.L("改日期"), theme.DocumentCreateIcon(), func() { p.onEditDate(it) })
	r.editDate.Importance = widget.LowImportance
	r.conflict = widget.NewLabel(dateConflictNote(p.c, it.ID))
	r.conflict.Wrapping = fyne.TextWrapWord
	r.conflict.Importance = widget.DangerImportance
	if r.conflict.Text == "" {
		r.conflict.Hide()
	}
	var supports []string
	for i, f := range p.facts {
		if slices.Contains(it.Facts, f.ID) {
			supports = append(supports, factLine(i, f))
		}
	}
	r.facts = widget.NewLabel(lang.L("支持的事实：") + lang.L("无"))
	if len(supports) > 0 {
		r.facts.SetText(lang.L("支持的事实：") + strings.Join(supports, "；"))
	}
	r.facts.Wrapping = fyne.TextWrapWord
	eid := it.ID
	for i, f := range p.facts {
		fid := f.ID
		ch := widget.NewCheck(shortFactLine(i, f), nil)
		ch.Checked = slices.Contains(it.Facts, fid)
		ch.OnChanged = func(on bool) { p.link(eid, fid, on) }
		r.links = append(r.links, ch)
	}
	return r
}

// linkBox is an item's 关联事实 checklist.
func (p *evidencePanel) linkBox(r *evidenceRow) fyne.CanvasObject {
	if len(r.links) == 0 {
		l := widget.NewLabel(lang.L("还没有事实卡片，可在第2步添加后再关联。"))
		l.Importance = widget.LowImportance
		return l
	}
	grid := container.NewGridWithColumns(2)
	for _, ch := range r.links {
		grid.Add(ch)
	}
	return container.NewVBox(widget.NewLabelWithStyle(lang.L("关联事实"), fyne.TextAlignLeading, fyne.TextStyle{Italic: true}), grid)
}

// link records evidence eid as supporting fact card fid, or not.
func (p *evidencePanel) link(eid, fid uuid.UUID, on bool) {
	p.do(caseOp{events: func(c *cases.Case) ([]cases.Event, error) {
		i := slices.IndexFunc(c.Evidence, func(e cases.Evidence) bool { return e.ID == eid })
		if i < 0 {
			return nil, &userMessage{lang.L("这份证据的记录已不存在，请在最新的列表上再操作。")}
		}
		if slices.Contains(c.Evidence[i].Facts, fid) == on {
			return nil, nil
		}
		if _, j := current(c, fid); on && j < 0 {
			return nil, errGone()
		}
		var pl cases.Payload = &cases.EvidenceLink{EvidenceID: eid, FactID: fid}
		if !on {
			pl = &cases.EvidenceUnlink{EvidenceID: eid, FactID: fid}
		}
		e, err := cases.NewEvent(c.ID, pl)
		return []cases.Event{e}, err
	}})
}

// shownDate is how a document date is shown: as it is, or 日期未知.
func shownDate(d string) string {
	if d == "" {
		return lang.L("日期未知")
	}
	return d
}

// dateConflictNote describes an undecided concurrent change to item
// id's date, or is "".
func dateConflictNote(c cases.Case, id uuid.UUID) string {
	var notes []string
	for _, k := range c.Conflicts {
		if !k.Resolved && k.Field == cases.FieldEvidenceDate && k.EntityID == id {
			notes = append(notes, fmt.Sprintf(lang.L("另一台设备同时把日期改为“%s”，现在是“%s”：请核对后重新填写日期。"),
				shownDate(k.Other), shownDate(k.Kept)))
		}
	}
	return strings.Join(notes, "\n")
}

// parseDocumentDate reads a document date typed at time now: year, month
// and day, as 2024-03-15 (2024-3-15, 2024/3/15 and 2024.3.15 are taken
// too), from 1900 to tomorrow in China time. It gives the date as
// YYYY-MM-DD, or an error to show as it is.
func parseDocumentDate(s string, now time.Time) (string, error) {
	s = strings.NewReplacer("/", "-", ".", "-").Replace(strings.TrimSpace(s))
	t, err := time.Parse("2006-1-2", s)
	if err != nil {
		return "", errors.New(lang.L("请按 2024-03-15 的格式填写日期（年-月-日）。"))
	}
	date := t.Format(time.DateOnly)
	switch {
	case date < cases.MinDocumentDate:
		return "", errors.New(lang.L("日期不能早于1900年，请核对文件上的日期。"))
	case date > cases.LatestDocumentDate(now):
		return "", errors.New(lang.L("日期不能晚于今天，请核对文件上的日期。"))
	}
	return date, nil
}

// onEditDate opens the 改日期 dialog for item it, with its date to type
// over and, if it has one, 清除日期. A date that cannot be read, or lies
// in the future, is refused in the dialog, which stays open with what
// was typed. The change is based on the date's version as shown.
func (p *evidencePanel) onEditDate(it cases.Evidence) {
	entry := widget.NewEntry()
	entry.SetPlaceHolder("2024-03-15")
	entry.SetText(it.DocumentDate)
	msg := widget.NewLabel(lang.L("按“年-月-日”填写文件上的日期，如 2024-03-15。"))
	msg.Wrapping = fyne.TextWrapWord
	msg.Importance = widget.LowImportance
	name := widget.NewLabelWithStyle(it.FileName, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	var d *dialog.CustomDialog
	save := func() {
		date, err := parseDocumentDate(entry.Text, p.now())
		if err != nil {
			msg.SetText(err.Error())
			msg.Importance = widget.DangerImportance
			msg.Refresh()
			p.tell(err.Error())
			p.win.Canvas().Focus(entry)
			return
		}
		d.Hide()
		p.setDate(it, date)
	}
	entry.OnSubmitted = func(string) { save() }
	saveBtn := widget.NewButtonWithIcon(lang.L("保存"), theme.ConfirmIcon(), save)
	saveBtn.Importance = widget.HighImportance
	clear := widget.NewButtonWithIcon(lang.L("清除日期"), theme.ContentClearIcon(), func() {
		d.Hide()
		p.setDate(it, "")
	})
	if it.DocumentDate == "" {
		clear.Hide()
	}
	cancel := widget.NewButtonWithIcon(lang.L("取消"), theme.CancelIcon(), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(lang.L("改日期"), container.NewVBox(name, entry, msg), p.win)
	d.SetButtons([]fyne.CanvasObject{clear, cancel, saveBtn})
	d.SetOnClosed(func() {
		if p.dateDlg == d {
			p.dateDlg, p.dateEntry, p.dateMsg, p.dateSave, p.dateClear = nil, nil, nil, nil, nil
		}
	})
	p.dateDlg, p.dateEntry, p.dateMsg, p.dateSave, p.dateClear = d, entry, msg, saveBtn, clear
	d.Resize(fyne.NewSize(420, 0))
	d.Show()
	p.win.Canvas().Focus(entry)
}

// setDate records date ("" none) as the document date of item it, based
// on the date's version as it was shown. The same date again is not
// recorded, unless that decides a conflict on it.
func (p *evidencePanel) setDate(it cases.Evidence, date string) {
	saved := fmt.Sprintf(lang.L("“%s”的日期改为 %s"), it.FileName, date)
	if date == "" {
		saved = fmt.Sprintf(lang.L("“%s”的日期已清除"), it.FileName)
	}
	p.do(caseOp{
		events: func(c *cases.Case) ([]cases.Event, error) {
			i := slices.IndexFunc(c.Evidence, func(e cases.Evidence) bool { return e.ID == it.ID })
			if i < 0 {
				return nil, &userMessage{lang.L("这份证据的记录已不存在，请在最新的列表上再操作。")}
			}
			if c.Evidence[i].DocumentDate == date && !openConflict(c, cases.FieldEvidenceDate, it.ID) {
				return nil, nil
			}
			e, err := cases.NewEvent(c.ID, &cases.EvidenceDate{EvidenceID: it.ID, Date: date})
			e.BaseVersion = it.Versions.Date
			return []cases.Event{e}, err
		},
		saved: saved,
	})
}

// onExportDialog asks where to save the evidence timeline as a PDF, then
// writes it there.
func (p *evidencePanel) onExportDialog() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			p.tell(lang.L("导出PDF失败：") + err.Error())
			return
		}
		if w == nil {
			return // cancelled
		}
		path := w.URI().Path()
		w.Close()
		p.exportTo(path)
	}, p.win)
	d.SetFileName(fmt.Sprintf("证据时间轴-%s.pdf", p.c.Number()))
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
	d.Resize(fileDialogSize(p.win))
	d.Show()
}

// exportTo writes the evidence timeline of the case as shown to the PDF
// file at path, off the UI goroutine, and tells where it went or what
// went wrong. It must be called on the UI goroutine.
func (p *evidencePanel) exportTo(path string) {
	c := p.c
	p.tell(lang.L("正在生成PDF…"))
	apply := p.ui
	p.busy.Add(1)
	go func() {
		defer p.busy.Done()
		err := writeTimeline(path, c, time.Now())
		apply(func() {
			if err != nil {
				msg := lang.L("导出PDF失败：") + err.Error()
				p.tell(strings.ReplaceAll(msg, "\n", " "))
				dialog.ShowError(errors.New(msg), p.win)
				return
			}
			p.tell(fmt.Sprintf(lang.L("证据时间轴已保存到 %s"), path))
			// Fyne has no print API: the PDF opens in the system's
			// viewer, which prints it.
			if err := openFile(path); err != nil {
				p.tell(fmt.Sprintf(lang.L("证据时间轴已保存到 %s，但没能打开它：%v。请在文件夹中双击打开后打印。"), path, err))
			}
		})
	}()
}

// openFile opens the file at path in the program the system uses for
// it: a PDF in the PDF viewer, to read or print.
func openFile(path string) error {
	u, err := url.Parse(storage.NewFileURI(path).String())
	if err != nil {
		return err
	}
	return fyne.CurrentApp().OpenURL(u)
}

// writeTimeline writes the evidence timeline of c to a new PDF file at
// path, with the system's Chinese font. On failure no file is left.
func writeTimeline(path string, c cases.Case, now time.Time) error {
	font, err := pdfFont()
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = report.EvidenceTimeline(f, c, font, now)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// pdfFont finds the system's Chinese font for a PDF document; its error
// is in Chinese, for the clerk.
func pdfFont() ([]byte, error) {
	f, err := fonts.Find(fonts.Options{})
	if nf, ok := errors.AsType[*fonts.NotFoundError](err); ok {
		return nil, &userMessage{nf.UserMessage()}
	}
	if err != nil {
		return nil, err
	}
	if !f.TrueType {
		return nil, &userMessage{fmt.Sprintf(lang.L("字体“%s”不能嵌入PDF文件（需要TrueType字体）。请安装文泉驿微米黑字体（fonts-wqy-microhei）。"), f.Name)}
	}
	return f.Data, nil
}

package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
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
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"jiefang/cases"
	"jiefang/legal"
)

const (
	legalSearchLimit = 100             // search results shown
	qrModule         = 4               // pixels per module of a QR code image: sharp when scaled down to the screen
	qrSide           = 160             // the side of an article's QR code in step 5
	qrZoomSide       = 400             // … and enlarged (放大扫码)
	guideTimeout     = 2 * time.Minute // making one legal guide
	suggestRoot      = "s:"            // the tree's 推荐 branch; "s:"+code and "s:"+id are its groups and articles
	headingList      = 40              // the articles listed for a heading, at most
)

// legalPanel is step 5, 法律导航. On the left, a search over the statute
// library, or (with the search empty) the statute tree: first 推荐, the
// articles suggested for the case's category grouped by law — opened,
// with the first selected, when the case is shown — then every law with
// its headings and articles. On the right, the selected node: where it
// sits, our summary (通俗解释), the official text once imported, its QR
// code and 钉住/取下. Below, the articles pinned to the case in pin
// order, a field to pin a citation by hand (a typed citation that names
// one article of the library pins that article; anything else is kept as
// typed — older cases have such pins) and 打印法律指引. Each change is
// recorded at once.
//
// Searching is synchronous: Library.Search takes under half a
// millisecond even with every official text imported (legal's
// BenchmarkSearch: 3.1 ms for 8 queries over the 16 laws with ~1900
// nodes), so it runs on the UI goroutine, once typing pauses for
// searchDelay or at once on Enter.
type legalPanel struct {
	win  fyne.Window
	do   func(caseOp)
	tell func(string)
	ui   func(func())    // runs a background result on the UI goroutine
	busy *sync.WaitGroup // the case screen's background work

	lib    *statutes   // nil: no statute library (only pins by citation)
	guides GuideWriter // nil: 打印法律指引 says the guide is not available
	// guideDir is the folder printed guides are written to; open shows a
	// written guide in the system's viewer.
	guideDir func() string
	open     func(path string) error

	category *widget.Label
	recat    *widget.Button      // 改类别
	dlg      *dialog.FormDialog  // the open 改类别 dialog, if any
	dlgCat   *widget.SelectEntry // its category
	current  string              // the category shown

	search  *widget.Entry
	timer   *time.Timer // the search waiting for typing to pause
	hits    []legal.Hit
	found   *widget.Label
	results *widget.List
	resBox  *fyne.Container
	tree    *widget.Tree

	groups       []suggestGroup // 推荐, by law
	suggestedFor string         // the category groups were made for
	suggested    bool           // groups are made (for suggestedFor)
	selUID       string         // the tree's selection
	sel          *legal.Node    // the node shown on the right; nil: none

	noSel    *widget.Label
	detail   *fyne.Container
	crumbs   *widget.Label
	name     *widget.Label
	sumHead  *widget.Label
	summary  *widget.Label
	textHead *widget.Label
	text     *widget.Label
	textNote *widget.Label
	qr       *canvas.Image
	qrNote   *widget.Label  // why there is no QR code
	qrZoom   *widget.Button // 放大扫码: the code large enough to scan from the screen
	zoomDlg  dialog.Dialog  // the open 放大扫码 dialog, if any
	zoomImg  *canvas.Image
	pinBtn   *widget.Button

	pinnedHead *widget.Label
	entry      *widget.Entry
	pin        *widget.Button
	list       *fyne.Container
	print      *widget.Button
	printDlg   dialog.Dialog      // the progress of the guide being made, if any
	cancel     context.CancelFunc // stops the guide being made; nil: none

	c      cases.Case // as last shown
	loaded bool
	pinned map[string]bool // the case's pinned articles, by id
	left   bool
	root   fyne.CanvasObject
}

// suggestGroup is one law's articles in 推荐.
type suggestGroup struct {
	law   *legal.Law
	nodes []*legal.Node
}

func newLegalPanel(win fyne.Window, do func(caseOp), tell func(string), ui func(func()), busy *sync.WaitGroup) *legalPanel {
	p := &legalPanel{win: win, do: do, tell: tell, ui: ui, busy: busy, open: openFile, pinned: map[string]bool{}}
	p.guideDir = func() string { return filepath.Join(os.TempDir(), "jiefang-guides") }
	p.category = widget.NewLabel("")
	p.category.TextStyle = fyne.TextStyle{Bold: true}
	p.recat = widget.NewButtonWithIcon(lang.L("改类别"), theme.DocumentCreateIcon(), p.onRecategorize)

	p.search = widget.NewEntry()
	p.search.SetPlaceHolder(lang.L("搜索法条：词语或条号，如 宅基地、第三十四条"))
	p.search.OnChanged = p.onSearchChanged
	p.search.OnSubmitted = func(text string) { p.stopTimer(); p.runSearch(strings.TrimSpace(text)) }
	p.found = widget.NewLabel("")
	p.found.Importance = widget.LowImportance
	p.found.Truncation = fyne.TextTruncateEllipsis
	p.results = widget.NewList(func() int { return len(p.hits) }, newHitRow, p.updateHitRow)
	p.results.OnSelected = func(i widget.ListItemID) {
		if i >= 0 && i < len(p.hits) {
			p.reveal(p.hits[i].Node)
		}
	}
	p.resBox = container.NewBorder(p.found, nil, nil, nil, p.results)
	p.resBox.Hide()
	p.tree = widget.NewTree(p.childUIDs, p.isBranch, newTreeRow, p.updateTreeRow)
	p.tree.OnSelected = p.onTreeSelected
	left := container.NewBorder(p.search, nil, nil, nil, container.NewStack(p.tree, p.resBox))

	p.noSel = widget.NewLabel("")
	p.noSel.Wrapping = fyne.TextWrapWord
	p.noSel.Importance = widget.LowImportance
	p.crumbs = widget.NewLabel("")
	p.crumbs.Wrapping = fyne.TextWrapWord
	p.crumbs.Importance = widget.LowImportance
	p.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.name.SizeName = theme.SizeNameSubHeadingText
	p.name.Wrapping = fyne.TextWrapWord
	p.sumHead = widget.NewLabelWithStyle(lang.L("通俗解释"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.summary = widget.NewLabel("")
	p.summary.Wrapping = fyne.TextWrapWord
	p.textHead = widget.NewLabelWithStyle(lang.L("条文"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.text = widget.NewLabel("")
	p.text.Wrapping = fyne.TextWrapWord
	p.textNote = widget.NewLabel("")
	p.textNote.Wrapping = fyne.TextWrapWord
	p.textNote.Importance = widget.LowImportance
	p.qr = canvas.NewImageFromResource(nil)
	p.qr.FillMode = canvas.ImageFillContain
	p.qr.SetMinSize(fyne.NewSize(qrSide, qrSide))
	p.qrNote = widget.NewLabel("")
	p.qrNote.Importance = widget.LowImportance
	p.qrNote.Wrapping = fyne.TextWrapWord
	p.qrZoom = widget.NewButtonWithIcon(lang.L("放大扫码"), theme.ZoomInIcon(), p.onZoomQR)
	p.qrZoom.Importance = widget.LowImportance
	p.pinBtn = widget.NewButtonWithIcon(lang.L("钉住"), theme.ContentAddIcon(), p.onPinSelected)
	body := container.NewVBox(p.sumHead, p.summary, p.textHead, p.text, p.textNote)
	p.detail = container.NewBorder(
		container.NewVBox(p.crumbs, container.NewBorder(nil, nil, nil, container.NewVBox(p.pinBtn), p.name)),
		nil, nil, container.NewVBox(p.qr, p.qrZoom, p.qrNote), container.NewVScroll(body))
	p.detail.Hide()
	browser := container.NewHSplit(left, container.NewStack(p.noSel, p.detail))
	browser.Offset = 0.4

	p.pinnedHead = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.print = widget.NewButtonWithIcon(lang.L("打印法律指引"), theme.DocumentPrintIcon(), p.onPrint)
	p.print.Importance = widget.HighImportance
	p.entry = widget.NewEntry()
	p.entry.SetPlaceHolder(lang.L("也可输入法条钉住，如：信访工作条例 第三十四条"))
	p.entry.OnSubmitted = func(string) { p.onPin() }
	p.pin = widget.NewButtonWithIcon(lang.L("钉住"), theme.ContentAddIcon(), p.onPin)
	p.list = container.NewVBox()
	pinned := container.NewBorder(
		container.NewBorder(nil, nil, p.pinnedHead, container.NewHBox(p.pin, p.print), p.entry),
		nil, nil, nil, container.NewVScroll(p.list))
	split := container.NewVSplit(browser, pinned)
	split.Offset = 0.62
	p.root = container.NewBorder(container.NewHBox(p.category, p.recat), nil, nil, nil, split)
	p.showNode(nil)
	return p
}

func (p *legalPanel) content() fyne.CanvasObject { return p.root }

// use gives the panel the statute library and the guide writer (either
// may be nil); the desk calls it before the case is loaded.
func (p *legalPanel) use(lib *legal.Library, guides GuideWriter) {
	p.lib = newStatutes(lib)
	p.guides = guides
	p.groups, p.suggested, p.selUID = nil, false, ""
	p.tree.UnselectAll()
	p.showNode(nil)
	if p.loaded {
		p.show(p.c)
	}
	p.tree.Refresh()
}

// show puts a freshly read case on the panel; on the UI goroutine.
func (p *legalPanel) show(c cases.Case) {
	p.c, p.loaded = c, true
	p.current = c.Category
	cat := c.Category
	if cat == "" {
		cat = lang.L("未分类")
	}
	p.category.SetText(fmt.Sprintf(lang.L("案件类别：%s"), cat))
	p.pinned = map[string]bool{}
	for _, a := range c.Articles {
		p.pinned[a.Article] = true
	}
	if p.lib != nil && (!p.suggested || p.suggestedFor != c.Category) {
		p.suggest(c.Category)
	}
	p.tree.Refresh()
	p.results.Refresh() // 已钉住 on the results
	p.showPins()
	p.updatePinButton()
}

// showPins lists the pinned articles in pin order, each with 取下 (and
// 查看 when the library has it).
func (p *legalPanel) showPins() {
	c := p.c
	p.pinnedHead.SetText(fmt.Sprintf(lang.L("已钉住的法条（%d）"), len(c.Articles)))
	p.list.RemoveAll()
	if len(c.Articles) == 0 {
		none := widget.NewLabel(lang.L("还没有钉住的法条。选中一条后点“钉住”，它会印在法律指引上，也显示在信访人视图里。"))
		none.Wrapping = fyne.TextWrapWord
		none.Importance = widget.LowImportance
		p.list.Add(none)
	}
	for i, a := range c.Articles {
		article := a.Article
		title := a.Title
		if title == "" {
			title = article
		}
		off := widget.NewButtonWithIcon(lang.L("取下"), theme.ContentRemoveIcon(), func() { p.setPinned(article, title, false) })
		buttons := container.NewHBox(off)
		if n := p.lib.node(article); n != nil {
			view := widget.NewButtonWithIcon(lang.L("查看"), theme.VisibilityIcon(), func() { p.reveal(n) })
			buttons = container.NewHBox(view, off)
		}
		label := widget.NewLabel(fmt.Sprintf("%d. %s", i+1, title))
		label.Truncation = fyne.TextTruncateEllipsis
		p.list.Add(container.NewBorder(nil, nil, nil, buttons, label))
	}
	p.list.Refresh()
}

// suggest makes 推荐 for a category: its articles by law, in the order
// Suggest gives (the laws by their most specific article), opened, and
// the first selected unless the receptionist chose something else.
func (p *legalPanel) suggest(category string) {
	p.groups, p.suggestedFor, p.suggested = nil, category, true
	at := map[string]int{}
	for _, n := range p.lib.lib.Suggest(category) {
		i, ok := at[n.Code()]
		if !ok {
			i = len(p.groups)
			at[n.Code()] = i
			p.groups = append(p.groups, suggestGroup{law: p.lib.lib.Law(n.Code())})
		}
		p.groups[i].nodes = append(p.groups[i].nodes, n)
	}
	p.tree.Refresh()
	p.tree.OpenBranch(suggestRoot)
	if len(p.groups) == 0 {
		if strings.HasPrefix(p.selUID, suggestRoot) {
			p.tree.UnselectAll()
			p.selUID = ""
			p.showNode(nil)
		}
		return
	}
	first := p.groups[0]
	p.tree.OpenBranch(suggestRoot + first.law.Code)
	if p.selUID == "" || strings.HasPrefix(p.selUID, suggestRoot) {
		p.tree.Select(suggestRoot + first.nodes[0].ID)
		// Select scrolled to it in a tree that may not be laid out yet:
		// 推荐 goes on top, its first article under it.
		p.tree.ScrollToTop()
	}
}

// The tree: its root's children are 推荐 and the laws; a law's or a
// heading's children are its own. In 推荐, "s:"+code is a law's group
// and "s:"+id an article, so that an article can be there and in its
// law at once (a tree's ids must be unique).

func (p *legalPanel) childUIDs(uid widget.TreeNodeID) []widget.TreeNodeID {
	if p.lib == nil {
		return nil
	}
	switch {
	case uid == "":
		ids := []string{suggestRoot}
		for _, l := range p.lib.lib.Laws() {
			ids = append(ids, l.Code)
		}
		return ids
	case uid == suggestRoot:
		ids := make([]string, len(p.groups))
		for i, g := range p.groups {
			ids[i] = suggestRoot + g.law.Code
		}
		return ids
	case strings.HasPrefix(uid, suggestRoot):
		code := strings.TrimPrefix(uid, suggestRoot)
		for _, g := range p.groups {
			if g.law.Code == code {
				ids := make([]string, len(g.nodes))
				for i, n := range g.nodes {
					ids[i] = suggestRoot + n.ID
				}
				return ids
			}
		}
		return nil
	}
	n := p.lib.node(uid)
	if n == nil {
		return nil
	}
	ids := make([]string, len(n.Children))
	for i, c := range n.Children {
		ids[i] = c.ID
	}
	return ids
}

func (p *legalPanel) isBranch(uid widget.TreeNodeID) bool {
	if uid == "" || uid == suggestRoot {
		return true
	}
	n := p.nodeOf(uid)
	return n != nil && n.Kind != legal.KindArticle
}

// nodeOf is the library node a tree id shows, or nil (推荐 itself).
func (p *legalPanel) nodeOf(uid widget.TreeNodeID) *legal.Node {
	return p.lib.node(strings.TrimPrefix(uid, suggestRoot))
}

func newTreeRow(bool) fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	mark := widget.NewIcon(theme.ConfirmIcon())
	return container.NewBorder(nil, nil, nil, mark, l)
}

func (p *legalPanel) updateTreeRow(uid widget.TreeNodeID, _ bool, o fyne.CanvasObject) {
	var label *widget.Label
	var mark *widget.Icon
	for _, c := range o.(*fyne.Container).Objects {
		switch x := c.(type) {
		case *widget.Label:
			label = x
		case *widget.Icon:
			mark = x
		}
	}
	text, pinned := "", false
	switch n := p.nodeOf(uid); {
	case uid == suggestRoot:
		count := 0
		for _, g := range p.groups {
			count += len(g.nodes)
		}
		cat := p.suggestedFor
		if cat == "" {
			cat = lang.L("未分类")
		}
		text = fmt.Sprintf(lang.L("推荐（%s，%d条）"), cat, count)
		if count == 0 {
			text = fmt.Sprintf(lang.L("推荐（%s）：没有推荐的法条，请搜索"), cat)
		}
	case n == nil:
	case n.Kind == legal.KindLaw && strings.HasPrefix(uid, suggestRoot):
		text = fmt.Sprintf("%s（%d）", n.Title, len(p.childUIDs(uid)))
	default:
		text, pinned = n.Name(), p.pinned[n.ID]
	}
	label.SetText(text)
	if pinned {
		mark.Show()
	} else {
		mark.Hide()
	}
}

func (p *legalPanel) onTreeSelected(uid widget.TreeNodeID) {
	p.selUID = uid
	if p.isBranch(uid) {
		p.tree.OpenBranch(uid)
	}
	if n := p.nodeOf(uid); n != nil {
		p.showNode(n)
	}
}

// reveal selects node n in its law's tree, opening the headings above it.
func (p *legalPanel) reveal(n *legal.Node) {
	for _, a := range n.Path() {
		p.tree.OpenBranch(a.ID)
	}
	p.tree.Select(n.ID)
}

// onSearchChanged searches once typing pauses; an emptied search shows
// the tree again at once.
func (p *legalPanel) onSearchChanged(text string) {
	p.stopTimer()
	q := strings.TrimSpace(text)
	if q == "" {
		p.runSearch("")
		return
	}
	apply := p.ui
	p.busy.Add(1)
	p.timer = time.AfterFunc(searchDelay, func() {
		apply(func() {
			if !p.left && q == strings.TrimSpace(p.search.Text) {
				p.runSearch(q)
			}
		})
		p.busy.Done()
	})
}

// stopTimer drops the search waiting for typing to pause, if any.
func (p *legalPanel) stopTimer() {
	if p.timer != nil && p.timer.Stop() {
		p.busy.Done()
	}
	p.timer = nil
}

// runSearch shows the nodes q finds, or the tree for an empty q.
func (p *legalPanel) runSearch(q string) {
	p.hits = nil
	p.results.UnselectAll()
	if q == "" {
		p.resBox.Hide()
		p.tree.Show()
		p.results.Refresh()
		return
	}
	p.tree.Hide()
	p.resBox.Show()
	if p.lib == nil {
		p.found.SetText(lang.L("法律库没有载入，不能搜索。"))
		p.results.Refresh()
		return
	}
	p.hits = p.lib.lib.Search(q, legalSearchLimit)
	switch n := len(p.hits); {
	case n == 0:
		p.found.SetText(fmt.Sprintf(lang.L("没有找到“%s”。换个说法试试，或清空搜索框浏览法条树。"), q))
	case n >= legalSearchLimit:
		p.found.SetText(fmt.Sprintf(lang.L("找到很多条，只列出前%d条；多写几个词可以缩小范围。"), n))
	default:
		p.found.SetText(fmt.Sprintf(lang.L("找到%d条"), n))
	}
	p.results.Refresh()
	p.results.ScrollToTop()
}

func newHitRow() fyne.CanvasObject {
	name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	more := widget.NewLabel("")
	more.Truncation = fyne.TextTruncateEllipsis
	more.Importance = widget.LowImportance
	return container.NewVBox(name, more)
}

func (p *legalPanel) updateHitRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i < 0 || i >= len(p.hits) {
		return
	}
	h := p.hits[i]
	objs := o.(*fyne.Container).Objects
	name := p.lib.citation(h.Node)
	if p.pinned[h.Node.ID] {
		name += "  · " + lang.L("已钉住")
	}
	objs[0].(*widget.Label).SetText(name)
	more := h.Snippet
	if more == "" {
		more = h.Node.Summary
	}
	objs[1].(*widget.Label).SetText(strings.ReplaceAll(more, "\n", " "))
}

// showNode shows node n on the right; nil: what to do instead.
func (p *legalPanel) showNode(n *legal.Node) {
	p.sel = n
	if n == nil || p.lib == nil {
		p.sel = nil
		p.noSel.SetText(lang.L("在左边的“推荐”或法条树里选一条，或在上面搜索。"))
		if p.lib == nil {
			p.noSel.SetText(lang.L("法律库没有载入，只能在下面输入法条名称钉住。请重新安装接访台；仍然不行请联系技术人员。"))
		}
		p.detail.Hide()
		p.noSel.Show()
		return
	}
	var crumbs []string
	for _, a := range n.Path() {
		crumbs = append(crumbs, a.Name())
	}
	p.crumbs.SetText(strings.Join(crumbs, " › "))
	setVisible(p.crumbs, len(crumbs) > 0)
	p.name.SetText(n.Name())
	article := n.Kind == legal.KindArticle
	note, text := "", ""
	if article {
		p.summary.SetText(n.Summary)
		setVisible(p.sumHead, n.Summary != "")
		setVisible(p.summary, n.Summary != "")
		if text = n.FullText(); text == "" {
			note = lang.L("官方条文还没有导入。管理员可以用 jiefangctl legal import 导入官方文本，导入后在这里显示。")
		}
		p.showQR(n)
	} else {
		p.summary.SetText(p.lib.contents(n))
		setVisible(p.sumHead, false)
		setVisible(p.summary, true)
		if law := p.lib.lib.Law(n.Code()); n.Kind == legal.KindLaw && law != nil && law.Link != "" {
			note = lang.L("官方文本：") + law.Link
		}
		p.qr.Hide()
		p.qrZoom.Hide()
		p.qrNote.Hide()
	}
	p.text.SetText(text)
	setVisible(p.textHead, text != "")
	setVisible(p.text, text != "")
	p.textNote.SetText(note)
	setVisible(p.textNote, note != "")
	setVisible(p.pinBtn, article)
	p.updatePinButton()
	p.noSel.Hide()
	p.detail.Show()
	p.detail.Refresh()
}

// setVisible shows or hides o.
func setVisible(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}

// showQR shows node n's QR code, or why there is none.
func (p *legalPanel) showQR(n *legal.Node) {
	res, err := p.lib.qrCode(n)
	if err != nil {
		p.qr.Hide()
		p.qrZoom.Hide()
		p.qrNote.SetText(lang.L("二维码生成失败：") + err.Error())
		p.qrNote.Show()
		return
	}
	p.qr.Resource = res
	p.qr.Show()
	p.qr.Refresh()
	p.qrZoom.Show()
	p.qrNote.Hide()
}

// onZoomQR shows the selected article's QR code large, for the
// petitioner to scan from the screen: at qrSide a module is under two
// pixels, too fine for some phones.
func (p *legalPanel) onZoomQR() {
	n := p.sel
	if n == nil || n.Kind != legal.KindArticle {
		return
	}
	res, err := p.lib.qrCode(n)
	if err != nil {
		return // showQR has said why
	}
	p.zoomImg = canvas.NewImageFromResource(res)
	p.zoomImg.FillMode = canvas.ImageFillContain
	p.zoomImg.SetMinSize(fyne.NewSize(qrZoomSide, qrZoomSide))
	name := widget.NewLabelWithStyle(p.lib.citation(n), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	hint := widget.NewLabelWithStyle(lang.L("请信访人用手机扫码，条文和通俗解释会显示在手机上，不用上网。"), fyne.TextAlignCenter, fyne.TextStyle{})
	hint.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(lang.L("手机扫码看本条"), lang.L("关闭"), container.NewBorder(name, hint, nil, nil, p.zoomImg), p.win)
	d.SetOnClosed(func() {
		if p.zoomDlg == d {
			p.zoomDlg, p.zoomImg = nil, nil
		}
	})
	p.zoomDlg = d
	d.Resize(fyne.NewSize(qrZoomSide+120, qrZoomSide+200))
	d.Show()
}

// updatePinButton makes the selected article's button 钉住 or 取下.
func (p *legalPanel) updatePinButton() {
	if p.sel == nil {
		return
	}
	if p.pinned[p.sel.ID] {
		p.pinBtn.SetText(lang.L("取下"))
		p.pinBtn.SetIcon(theme.ContentRemoveIcon())
		p.pinBtn.Importance = widget.MediumImportance
	} else {
		p.pinBtn.SetText(lang.L("钉住"))
		p.pinBtn.SetIcon(theme.ContentAddIcon())
		p.pinBtn.Importance = widget.HighImportance
	}
	p.pinBtn.Refresh()
}

// onPinSelected pins the selected article, or takes it off.
func (p *legalPanel) onPinSelected() {
	n := p.sel
	if n == nil || n.Kind != legal.KindArticle {
		return
	}
	title := p.lib.pinTitle(n)
	if p.pinned[n.ID] {
		p.setPinned(n.ID, title, false)
		return
	}
	p.setPinned(n.ID, title, true)
}

// onPin pins the typed citation: the library's article when it names
// exactly one, else the text as typed.
func (p *legalPanel) onPin() {
	text := strings.Join(strings.Fields(p.entry.Text), " ")
	if text == "" {
		return
	}
	article, title := text, text
	saved := lang.L("法律库里没有与之唯一对应的条文，已按输入的文字钉住")
	if n := p.lib.resolve(text); n != nil {
		article, title = n.ID, p.lib.pinTitle(n)
		saved = fmt.Sprintf(lang.L("已钉住 %s"), title)
	}
	p.entry.SetText("")
	p.do(caseOp{
		events: func(c *cases.Case) ([]cases.Event, error) {
			if slices.ContainsFunc(c.Articles, func(a cases.PinnedArticle) bool { return a.Article == article }) {
				p.tell(fmt.Sprintf(lang.L("“%s”已经钉住了"), title))
				return nil, nil
			}
			e, err := cases.NewEvent(c.ID, &cases.ArticlePin{Article: article, Title: title, Pinned: true})
			return []cases.Event{e}, err
		},
		failed: func() { p.entry.SetText(text) },
		saved:  saved,
	})
}

// setPinned pins an article with the title to show it by, or takes it
// off (title then only names it on the status line).
func (p *legalPanel) setPinned(article, title string, on bool) {
	name := cmp.Or(title, article)
	saved := fmt.Sprintf(lang.L("已取下 %s"), name)
	if on {
		saved = fmt.Sprintf(lang.L("已钉住 %s"), name)
	} else {
		title = ""
	}
	p.do(caseOp{events: func(c *cases.Case) ([]cases.Event, error) {
		if slices.ContainsFunc(c.Articles, func(a cases.PinnedArticle) bool { return a.Article == article }) == on {
			return nil, nil
		}
		e, err := cases.NewEvent(c.ID, &cases.ArticlePin{Article: article, Title: title, Pinned: on})
		return []cases.Event{e}, err
	}, saved: saved})
}

// onPrint makes the case's legal guide as a PDF off the UI goroutine,
// showing its progress with 取消, and opens it in the system's viewer to
// print (Fyne has no print API). The file goes to a folder of the
// system's temporary files as 法律指引-<case number>.pdf, replacing the
// last one printed for the case: the guide is made again from the case
// whenever it is needed, so there is nothing to keep or to name.
func (p *legalPanel) onPrint() {
	if p.cancel != nil || !p.loaded {
		return
	}
	if p.guides == nil {
		msg := lang.L("这台接访台还不能生成法律指引。可以请信访人在信访人视图里扫码保存已钉住的法条，或把法条抄给信访人。")
		p.tell(lang.L("法律指引暂不可用"))
		dialog.ShowInformation(lang.L("打印法律指引"), msg, p.win)
		return
	}
	c := p.c
	if len(c.Articles) == 0 {
		msg := lang.L("还没有钉住的法条。请先选好要给信访人的法条，点“钉住”，再打印法律指引。")
		p.tell(msg)
		dialog.ShowInformation(lang.L("打印法律指引"), msg, p.win)
		return
	}
	path, err := guideFile(p.guideDir(), c.Number())
	if err != nil {
		msg := fmt.Sprintf(lang.L("法律指引没有生成：临时文件夹不能写入（%v）。请检查磁盘空间，或重启电脑后再试。"), err)
		p.tell(msg)
		dialog.ShowError(errors.New(msg), p.win)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), guideTimeout)
	p.cancel = cancel
	p.print.Disable()
	bar := widget.NewProgressBarInfinite()
	stop := widget.NewButtonWithIcon(lang.L("取消"), theme.CancelIcon(), cancel)
	d := dialog.NewCustomWithoutButtons(lang.L("打印法律指引"),
		container.NewVBox(widget.NewLabel(lang.L("正在生成法律指引…")), bar), p.win)
	d.SetButtons([]fyne.CanvasObject{stop})
	p.printDlg = d
	d.Show()
	p.tell(lang.L("正在生成法律指引…"))
	apply, guides := p.ui, p.guides
	p.busy.Add(1)
	go func() {
		defer p.busy.Done()
		err := guides.WriteGuide(ctx, c, path)
		cancelled := errors.Is(ctx.Err(), context.Canceled)
		if err == nil {
			err = ctx.Err() // stopped while the last page was written: not wanted any more
		}
		if err != nil {
			os.Remove(path)
		}
		apply(func() {
			cancel()
			p.printed(path, err, cancelled)
		})
	}()
}

// printed ends the guide started by onPrint: opens it, or says why not.
func (p *legalPanel) printed(path string, err error, cancelled bool) {
	p.cancel = nil
	if p.printDlg != nil {
		p.printDlg.Hide()
		p.printDlg = nil
	}
	p.print.Enable()
	if p.left {
		return
	}
	switch {
	case cancelled:
		p.tell(lang.L("已取消打印法律指引"))
	case err != nil:
		if errors.Is(err, context.DeadlineExceeded) {
			err = errors.New(lang.L("用时太长"))
		}
		msg := fmt.Sprintf(lang.L("法律指引没有生成：%v。请再点一次“打印法律指引”；仍然不行请联系技术人员。"), err)
		var u *userMessage
		if errors.As(err, &u) {
			msg = u.msg
		}
		p.tell(strings.ReplaceAll(msg, "\n", " "))
		dialog.ShowError(errors.New(msg), p.win)
	default:
		p.tell(fmt.Sprintf(lang.L("法律指引已生成：%s，正在打开，请在打开的窗口中打印"), path))
		if err := p.open(path); err != nil {
			p.tell(fmt.Sprintf(lang.L("法律指引已保存到 %s，但没能打开它：%v。请在文件夹中双击打开后打印。"), path, err))
		}
	}
}

// guideFile is where the legal guide of case number goes: dir's
// 法律指引-<number>.pdf, the earlier one removed; if that one cannot be
// removed (a PDF viewer holds it open on Windows), the first free
// 法律指引-<number>-2.pdf, -3, ….
func guideFile(dir, number string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	base := "法律指引-" + strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < ' ' {
			return '-'
		}
		return r
	}, number)
	var err error
	for i := 1; i <= 20; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		path := filepath.Join(dir, name+".pdf")
		if err = os.Remove(path); err == nil || errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
	}
	return "", err
}

// leave stops the panel's work when the case screen is left: the search
// waiting for typing to pause, the guide being made.
func (p *legalPanel) leave() {
	p.left = true
	p.stopTimer()
	if p.cancel != nil {
		p.cancel()
	}
}

// onRecategorize asks for the case's category (one of the usual ones, or
// typed), to put right a category chosen or typed wrongly at intake.
func (p *legalPanel) onRecategorize() {
	p.dlgCat = widget.NewSelectEntry(intakeCategories())
	p.dlgCat.SetText(p.current)
	items := []*widget.FormItem{widget.NewFormItem(lang.L("类别"), p.dlgCat)}
	var d *dialog.FormDialog
	d = dialog.NewForm(lang.L("改类别"), lang.L("保存"), lang.L("取消"), items, func(ok bool) {
		if p.dlg == d {
			p.dlg = nil
		}
		if ok {
			p.setCategory(strings.TrimSpace(p.dlgCat.Text))
		}
	}, p.win)
	p.dlg = d
	d.Resize(fyne.NewSize(480, 180))
	d.Show()
	p.win.Canvas().Focus(p.dlgCat)
}

// setCategory records category as the case's category, unless it is
// that already; a category that is too long or empty is refused with
// the reason on the status line.
func (p *legalPanel) setCategory(category string) {
	p.do(caseOp{events: func(c *cases.Case) ([]cases.Event, error) {
		if category == c.Category {
			return nil, nil
		}
		e, err := cases.NewEvent(c.ID, &cases.CategoryChanged{Category: category})
		e.BaseVersion = c.Versions.Category
		return []cases.Event{e}, err
	}, saved: fmt.Sprintf(lang.L("类别改为“%s”"), category)})
}

// statutes is the statute library as the case screen uses it, with the
// QR code image of each article made once. Its methods take a nil
// receiver as "no library". Used on the UI goroutine only.
type statutes struct {
	lib *legal.Library
	qr  map[string]fyne.Resource // by node id
}

// newStatutes wraps lib; nil for none.
func newStatutes(lib *legal.Library) *statutes {
	if lib == nil {
		return nil
	}
	return &statutes{lib: lib, qr: map[string]fyne.Resource{}}
}

// node is the node with the given id, or nil.
func (s *statutes) node(id string) *legal.Node {
	if s == nil {
		return nil
	}
	return s.lib.Node(id)
}

// citation is a node as a list shows it, with its law: 土地管理法
// 第四十八条 征地补偿的原则.
func (s *statutes) citation(n *legal.Node) string {
	if n.Kind == legal.KindLaw {
		return n.Title
	}
	if law := s.lib.Law(n.Code()); law != nil {
		return law.Title + " " + n.Name()
	}
	return n.Name()
}

// contents says what a law or heading holds: how many articles, and
// for a heading their names (at most headingList of them; a law's are
// in the tree).
func (s *statutes) contents(n *legal.Node) string {
	var names []string
	for d := range n.All() {
		if d.Kind == legal.KindArticle {
			names = append(names, d.Name())
		}
	}
	if len(names) == 0 {
		return lang.L("这里还没有收录条文。")
	}
	head := fmt.Sprintf(lang.L("收录%d条。选择其中一条，查看通俗解释并钉住。"), len(names))
	if n.Kind == legal.KindLaw {
		return head
	}
	if len(names) > headingList {
		names = append(names[:headingList], "…")
	}
	return head + "\n" + strings.Join(names, "\n")
}

// pinTitle is how a pinned article is shown where the library is not at
// hand (the case list, the guide, another desk): 土地管理法 第四十八条（征地补偿的原则）.
func (s *statutes) pinTitle(n *legal.Node) string {
	t := n.Label
	if law := s.lib.Law(n.Code()); law != nil {
		t = law.Title + " " + n.Label
	}
	if n.Title != "" {
		t += "（" + n.Title + "）"
	}
	return t
}

// resolve is the article a typed citation names (信访工作条例 第三十四条,
// xfgztl/34), or nil when it names none or several (第三十四条 is in three
// laws).
func (s *statutes) resolve(text string) *legal.Node {
	if s == nil {
		return nil
	}
	var named []*legal.Node
	for _, h := range s.lib.Search(text, 0) {
		if h.Match != legal.MatchRef {
			break
		}
		named = append(named, h.Node)
	}
	if len(named) != 1 || named[0].Kind != legal.KindArticle {
		return nil
	}
	return named[0]
}

// qrCode is the PNG of node n's QR code (its text: see legal.QRText),
// qrModule pixels a module.
func (s *statutes) qrCode(n *legal.Node) (fyne.Resource, error) {
	if r := s.qr[n.ID]; r != nil {
		return r, nil
	}
	png, err := s.lib.QRCode(n, legal.QROptions{}, -qrModule)
	if err != nil {
		return nil, err
	}
	r := fyne.NewStaticResource("qr-"+strings.ReplaceAll(n.ID, "/", "-")+".png", png)
	s.qr[n.ID] = r
	return r, nil
}

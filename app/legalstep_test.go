package app

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"jiefang/assets"
	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/legal"
	"jiefang/sync/qrimage"
)

// Step 5 without a statute library: an article pinned by its citation is
// recorded at once as typed and listed; 取下 takes it off again.
func TestPinArticles(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	id := addCase(t, s, "补偿款未到位")
	cs := openCaseScreen(t, w, s, id)
	cs.showStep(5)
	p := cs.legal
	for _, a := range []string{"信访工作条例  第三十四条", "土地管理法 第四十八条"} {
		test.Type(p.entry, a)
		p.entry.OnSubmitted(p.entry.Text)
		cs.wait()
	}
	c, err := s.Case(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Articles) != 2 || c.Articles[0].Article != "信访工作条例 第三十四条" || c.Articles[1].Title != "土地管理法 第四十八条" {
		t.Fatalf("pinned %+v", c.Articles)
	}
	if !findLabel(p.list, "1. 信访工作条例 第三十四条") || !findLabel(p.list, "2. 土地管理法 第四十八条") {
		t.Error("the pinned articles are not listed")
	}
	p.setPinned("信访工作条例 第三十四条", "", false)
	cs.wait()
	c, _ = s.Case(context.Background(), id)
	if len(c.Articles) != 1 || c.Articles[0].Article != "土地管理法 第四十八条" {
		t.Fatalf("after taking one off: %+v", c.Articles)
	}
	if findLabel(p.list, "信访工作条例") {
		t.Error("an article taken off is still listed")
	}
	if _, err := s.Verify(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
}

// Step 5: 改类别 puts right the category given at intake; the same
// category again records nothing, and an empty one is refused with the
// reason on the status line.
func TestRecategorize(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	id := addCase(t, s, "补偿款未到位") // 征地补偿
	cs := openCaseScreen(t, w, s, id)
	cs.showStep(5)
	p := cs.legal
	events := func() int {
		t.Helper()
		evs, err := s.Events(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	test.Tap(p.recat)
	if p.dlg == nil || p.dlgCat.Text != "征地补偿" {
		t.Fatal("改类别 did not open with the current category")
	}
	p.dlgCat.SetText(" 拆迁安置 ")
	p.dlg.Submit()
	cs.wait()
	c, _ := s.Case(context.Background(), id)
	if c.Category != "拆迁安置" || !findLabel(p.category, "案件类别：拆迁安置") || !strings.Contains(cs.status.Text, "类别改为“拆迁安置”") {
		t.Fatalf("category %q, label %q, status %q", c.Category, p.category.Text, cs.status.Text)
	}
	n := events()
	test.Tap(p.recat)
	p.dlg.Submit() // unchanged
	cs.wait()
	test.Tap(p.recat)
	p.dlgCat.SetText("  ")
	p.dlg.Submit()
	cs.wait()
	if events() != n {
		t.Errorf("%d events recorded for an unchanged or empty category", events()-n)
	}
	if c, _ := s.Case(context.Background(), id); c.Category != "拆迁安置" || !strings.Contains(cs.status.Text, "类别") {
		t.Errorf("after an empty category: %q, status %q", c.Category, cs.status.Text)
	}
}

// testLibraryOnce is the shipped statute library, made once for all the
// tests (a Library does not change).
var testLibraryOnce = sync.OnceValues(func() (*legal.Library, error) {
	shipped, err := legal.LoadShipped(assets.Statutes)
	if err != nil {
		return nil, err
	}
	return legal.NewLibrary(shipped, nil)
})

func testLibrary(t *testing.T) *legal.Library {
	t.Helper()
	lib, err := testLibraryOnce()
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// openLegalStep shows step 5 of a new 征地补偿 case, with the shipped
// statute library and guides as the guide writer.
func openLegalStep(t *testing.T, guides GuideWriter) (fyne.Window, *store.Store, *screenUnderTest) {
	t.Helper()
	w := newTestWindow(t)
	s := newTestStore(t)
	id := addCase(t, s, "2019年征地，补偿款至今只拿到一半")
	cs := openCaseScreen(t, w, s, id)
	cs.legal.use(testLibrary(t), guides)
	cs.showStep(5)
	return w, s, cs
}

// pinEvents are the article pins recorded on the case, in order.
func pinEvents(t *testing.T, s *store.Store, cs *screenUnderTest) []cases.ArticlePin {
	t.Helper()
	evs, err := s.Events(context.Background(), cs.id)
	if err != nil {
		t.Fatal(err)
	}
	var out []cases.ArticlePin
	for _, e := range evs {
		if e.Type != cases.ArticlePinned {
			continue
		}
		p, err := cases.Decode(e)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, *p.(*cases.ArticlePin))
	}
	return out
}

// hitIDs are the ids of the search results shown.
func hitIDs(p *legalPanel) []string {
	var ids []string
	for _, h := range p.hits {
		ids = append(ids, h.Node.ID)
	}
	return ids
}

// search types q into the search field and lets the search run once
// typing pauses.
func search(cs *screenUnderTest, q string) {
	cs.legal.search.SetText("")
	test.Type(cs.legal.search, q)
	cs.wait()
}

// decodeQR reads the text of the QR code an image shows.
func decodeQR(t *testing.T, img *canvas.Image) string {
	t.Helper()
	if img.Resource == nil {
		t.Fatal("the QR code image has no picture")
	}
	text, err := qrimage.Decode(bytes.NewReader(img.Resource.Content()))
	if err != nil {
		t.Fatalf("QR code %s: %v", img.Resource.Name(), err)
	}
	return text
}

// Step 5 on a 征地补偿 case opens with 推荐: the articles the library
// suggests for the category, grouped by law, the first group open and
// its first article shown with our summary and its QR code.
func TestLegalStepSuggests(t *testing.T) {
	_, _, cs := openLegalStep(t, nil)
	p, lib := cs.legal, testLibrary(t)
	want := lib.Suggest("征地补偿")
	if len(want) == 0 {
		t.Fatal("the library suggests nothing for 征地补偿")
	}
	if !p.tree.IsBranchOpen(suggestRoot) || !p.tree.IsBranchOpen(suggestRoot+want[0].Code()) {
		t.Error("推荐 and its first law are not open")
	}
	var shown []string
	for _, g := range p.childUIDs(suggestRoot) {
		shown = append(shown, p.childUIDs(g)...)
	}
	if len(shown) != len(want) {
		t.Errorf("推荐 shows %d articles, the library suggests %d", len(shown), len(want))
	}
	for _, id := range []string{"tdglf/48", "tdglfsstl/32", "mfdwqb/243", "xfgztl/34"} {
		if !slices.Contains(shown, suggestRoot+id) {
			t.Errorf("推荐 lacks %s", id)
		}
	}
	if p.sel != want[0] || p.selUID != suggestRoot+want[0].ID {
		t.Fatalf("selected %v (%s), want the first suggestion %s", p.sel, p.selUID, want[0].ID)
	}
	if !p.detail.Visible() || p.name.Text != want[0].Name() || p.summary.Text != want[0].Summary || !p.sumHead.Visible() {
		t.Errorf("detail %q / %q", p.name.Text, p.summary.Text)
	}
	if !strings.Contains(p.crumbs.Text, "土地管理法") {
		t.Errorf("breadcrumbs %q", p.crumbs.Text)
	}
	// No official text is imported: the note says how to import it.
	if p.text.Visible() || !p.textNote.Visible() || !strings.Contains(p.textNote.Text, "jiefangctl legal import") {
		t.Errorf("official text note %q", p.textNote.Text)
	}
	qr, _ := lib.QRText(want[0], legal.QROptions{})
	if got := decodeQR(t, p.qr); got != qr {
		t.Errorf("QR code holds %q, want %q", got, qr)
	}
	if p.pinBtn.Text != "钉住" || !p.pinBtn.Visible() {
		t.Errorf("pin button %q", p.pinBtn.Text)
	}
	// 放大扫码 shows the same code large enough to scan from the screen.
	test.Tap(p.qrZoom)
	if p.zoomDlg == nil || p.zoomImg.MinSize().Width < 2*qrSide {
		t.Fatal("放大扫码 shows no large code")
	}
	if got := decodeQR(t, p.zoomImg); got != qr {
		t.Errorf("the enlarged QR code holds %q", got)
	}
	p.zoomDlg.Hide()

	// A heading shows what it holds, with no QR code and no 钉住.
	p.tree.Select("xfgztl/ch4")
	if p.sel.ID != "xfgztl/ch4" || p.pinBtn.Visible() || p.qr.Visible() || !strings.Contains(p.summary.Text, "第三十四条 办理期限") {
		t.Errorf("heading: pin %v, qr %v, %q", p.pinBtn.Visible(), p.qr.Visible(), p.summary.Text)
	}

	// 改类别 makes 推荐 for the new category.
	cs.legal.setCategory("宅基地")
	cs.wait()
	var now []string
	for _, g := range p.childUIDs(suggestRoot) {
		now = append(now, p.childUIDs(g)...)
	}
	if len(now) != len(lib.Suggest("宅基地")) || p.suggestedFor != "宅基地" {
		t.Errorf("after 改类别: 推荐 %v", now)
	}
}

// Searching by article number and by word finds the right nodes, shown
// in place of the tree; a result shows in the tree and on the right.
func TestLegalStepSearch(t *testing.T) {
	_, _, cs := openLegalStep(t, nil)
	p := cs.legal
	search(cs, "第三十四条")
	if ids := hitIDs(p); len(ids) < 3 || ids[0] != "xfgztl/34" || !slices.Contains(ids, "tdglfsstl/34") {
		t.Errorf("第三十四条: %v", ids)
	}
	if p.tree.Visible() || !p.resBox.Visible() || !strings.Contains(p.found.Text, "找到") {
		t.Errorf("results not shown in place of the tree: %q", p.found.Text)
	}
	row := p.results.CreateItem()
	p.results.UpdateItem(0, row)
	if !findLabel(row, "信访工作条例 第三十四条 办理期限") {
		t.Error("the first result row does not name the law and article")
	}
	search(cs, "宅基地")
	ids := hitIDs(p)
	for _, id := range []string{"tdglf/62", "tdglfsstl/34", "tdglfsstl/ch4/s4"} {
		if !slices.Contains(ids, id) {
			t.Errorf("宅基地: %v lacks %s", ids, id)
		}
	}
	i := slices.Index(ids, "tdglf/62")
	p.results.Select(i)
	if p.sel == nil || p.sel.ID != "tdglf/62" || p.selUID != "tdglf/62" || !p.tree.IsBranchOpen("tdglf") {
		t.Fatalf("selecting a result: shown %v, tree %q", p.sel, p.selUID)
	}
	search(cs, "没有这样的词语")
	if len(p.hits) != 0 || !strings.Contains(p.found.Text, "没有找到") {
		t.Errorf("no result: %v, %q", hitIDs(p), p.found.Text)
	}
	p.search.SetText("")
	cs.wait()
	if !p.tree.Visible() || p.resBox.Visible() {
		t.Error("an empty search does not show the tree again")
	}
	if p.sel == nil || p.sel.ID != "tdglf/62" {
		t.Error("the selection was lost with the search")
	}
}

// Articles are pinned and taken off from the tree, each change an event
// with the article's id and a title that reads without the library; the
// petitioner view lists them live with our summary and their QR code.
func TestLegalStepPinAndPetitionerView(t *testing.T) {
	_, s, cs := openLegalStep(t, nil)
	p, lib := cs.legal, testLibrary(t)
	for _, id := range []string{"tdglf/48", "xfgztl/34"} {
		p.reveal(lib.Node(id))
		if p.sel == nil || p.sel.ID != id {
			t.Fatalf("selecting %s shows %v", id, p.sel)
		}
		test.Tap(p.pinBtn)
		cs.wait()
		if p.pinBtn.Text != "取下" || !strings.Contains(cs.status.Text, "已钉住") {
			t.Errorf("%s pinned: button %q, status %q", id, p.pinBtn.Text, cs.status.Text)
		}
	}
	want := []cases.ArticlePin{
		{Article: "tdglf/48", Title: "土地管理法 第四十八条（征地补偿的原则）", Pinned: true},
		{Article: "xfgztl/34", Title: "信访工作条例 第三十四条（办理期限）", Pinned: true},
	}
	if got := pinEvents(t, s, cs); !slices.Equal(got, want) {
		t.Fatalf("pin events %+v, want %+v", got, want)
	}
	if !findLabel(p.list, "1. 土地管理法 第四十八条（征地补偿的原则）") || !findLabel(p.list, "2. 信访工作条例 第三十四条（办理期限）") {
		t.Error("the pinned articles are not listed in pin order")
	}
	if !findLabel(p.pinnedHead, "（2）") {
		t.Errorf("pinned heading %q", p.pinnedHead.Text)
	}
	row := p.tree.CreateNode(false)
	p.updateTreeRow("xfgztl/34", false, row)
	var mark *widget.Icon
	walk(row, func(o fyne.CanvasObject) {
		if i, ok := o.(*widget.Icon); ok {
			mark = i
		}
	})
	if mark == nil || !mark.Visible() {
		t.Error("a pinned article is not marked in the tree")
	}

	cs.onOpenPetitionerView()
	v := cs.petitioner
	if v == nil {
		t.Fatal("no petitioner view")
	}
	n := lib.Node("tdglf/48")
	if !v.lawsHead.Visible() || !findLabel(v.laws, "土地管理法 第四十八条 征地补偿的原则") || !findLabel(v.laws, n.Summary) {
		t.Errorf("the petitioner view lacks the pinned article: %v", labelTexts(v.laws))
	}
	var imgs []*canvas.Image
	walk(v.laws, func(o fyne.CanvasObject) {
		if i, ok := o.(*canvas.Image); ok {
			imgs = append(imgs, i)
		}
	})
	if len(imgs) != 2 {
		t.Fatalf("%d QR codes in the petitioner view, want 2", len(imgs))
	}
	qr, _ := lib.QRText(n, legal.QROptions{})
	if got := decodeQR(t, imgs[0]); got != qr {
		t.Errorf("the petitioner view's QR code holds %q, want %q", got, qr)
	}

	// 取下 on the right takes the shown article off; the view follows.
	p.reveal(n)
	test.Tap(p.pinBtn)
	cs.wait()
	if got := pinEvents(t, s, cs); len(got) != 3 || got[2].Article != "tdglf/48" || got[2].Pinned {
		t.Fatalf("after 取下: %+v", got)
	}
	c, _ := s.Case(context.Background(), cs.id)
	if len(c.Articles) != 1 || c.Articles[0].Article != "xfgztl/34" {
		t.Errorf("pinned after 取下: %+v", c.Articles)
	}
	if p.pinBtn.Text != "钉住" || findLabel(p.list, "土地管理法") || findLabel(v.laws, "土地管理法") {
		t.Error("an article taken off is still shown as pinned")
	}
	if !findLabel(v.laws, "信访工作条例 第三十四条 办理期限") {
		t.Error("the petitioner view lost the article still pinned")
	}
	// 取下 in the pinned list takes off the last; the view's section goes.
	test.Tap(buttonLabelled(t, p.list, "取下"))
	cs.wait()
	if c, _ := s.Case(context.Background(), cs.id); len(c.Articles) != 0 || v.lawsHead.Visible() {
		t.Errorf("after the last 取下: %+v, section shown %v", c.Articles, v.lawsHead.Visible())
	}
	if _, err := s.Verify(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
}

// dismiss closes the message on top of w with its only button (OK, or
// its translation).
func dismiss(t *testing.T, w fyne.Window) {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no message shown")
	}
	var bs []*widget.Button
	walk(top, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok {
			bs = append(bs, b)
		}
	})
	if len(bs) != 1 {
		t.Fatalf("%d buttons on the message", len(bs))
	}
	test.Tap(bs[0])
}

// buttonLabelled is the first button under o labelled text.
func buttonLabelled(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}

// A citation typed by hand pins the library's article when it names
// exactly one; otherwise the text as typed.
func TestLegalStepTypedCitation(t *testing.T) {
	_, s, cs := openLegalStep(t, nil)
	p := cs.legal
	for _, typed := range []string{"信访工作条例  第三十四条", "tdglf/48", "第三十四条", "某某省信访条例 第五条", "xfgztl/34"} {
		test.Type(p.entry, typed)
		p.entry.OnSubmitted(p.entry.Text)
		cs.wait()
	}
	got := pinEvents(t, s, cs)
	want := []cases.ArticlePin{
		{Article: "xfgztl/34", Title: "信访工作条例 第三十四条（办理期限）", Pinned: true},
		{Article: "tdglf/48", Title: "土地管理法 第四十八条（征地补偿的原则）", Pinned: true},
		{Article: "第三十四条", Title: "第三十四条", Pinned: true}, // in three laws
		{Article: "某某省信访条例 第五条", Title: "某某省信访条例 第五条", Pinned: true},
	} // xfgztl/34 again: already pinned, nothing recorded
	if !slices.Equal(got, want) {
		t.Fatalf("pins %+v\nwant %+v", got, want)
	}
	if !strings.Contains(cs.status.Text, "已经钉住") {
		t.Errorf("pinning again: status %q", cs.status.Text)
	}
	if p.entry.Text != "" {
		t.Errorf("entry keeps %q", p.entry.Text)
	}
	// Free-text pins have no 查看; the library's have.
	views := 0
	walk(p.list, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "查看" {
			views++
		}
	})
	if views != 2 {
		t.Errorf("%d 查看 buttons, want 2", views)
	}
}

// fakeGuides records the guides asked for and writes a stand-in file;
// with block it waits until asked to stop.
type fakeGuides struct {
	mu    sync.Mutex
	calls []guideCall
	block bool
	err   error
}

type guideCall struct {
	c    cases.Case
	path string
}

func (f *fakeGuides) WriteGuide(ctx context.Context, c cases.Case, path string) error {
	f.mu.Lock()
	f.calls = append(f.calls, guideCall{c, path})
	block, err := f.block, f.err
	f.mu.Unlock()
	if block {
		<-ctx.Done()
		os.WriteFile(path, []byte("%PDF-partial"), 0o600)
		return ctx.Err()
	}
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte("%PDF-1.4 fake"), 0o600)
}

func (f *fakeGuides) called() []guideCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// 打印法律指引 has the guide writer make the case's guide as
// 法律指引-<number>.pdf off the UI goroutine and opens it; it can be
// cancelled; with nothing pinned, or no guide writer, it says so.
func TestLegalStepPrintGuide(t *testing.T) {
	f := &fakeGuides{}
	w, _, cs := openLegalStep(t, f)
	p := cs.legal
	dir := t.TempDir()
	var opened []string
	p.guideDir = func() string { return dir }
	p.open = func(path string) error { opened = append(opened, path); return nil }

	test.Tap(p.print) // nothing pinned yet
	cs.wait()
	if len(f.called()) != 0 || !strings.Contains(cs.status.Text, "还没有钉住") {
		t.Fatalf("printing with nothing pinned: %d calls, status %q", len(f.called()), cs.status.Text)
	}
	dismiss(t, w)

	p.reveal(testLibrary(t).Node("tdglf/48"))
	test.Tap(p.pinBtn)
	cs.wait()
	test.Tap(p.print)
	if p.print.Disabled() == false || p.printDlg == nil {
		t.Error("no progress while the guide is made")
	}
	cs.wait()
	path := filepath.Join(dir, "法律指引-"+cs.c.Number()+".pdf")
	calls := f.called()
	if len(calls) != 1 || calls[0].c.ID != cs.id || calls[0].path != path || len(calls[0].c.Articles) != 1 {
		t.Fatalf("guide calls %+v, want one for case %s at %s", calls, cs.id, path)
	}
	if !slices.Equal(opened, []string{path}) || !strings.Contains(cs.status.Text, path) {
		t.Errorf("opened %v, status %q", opened, cs.status.Text)
	}
	if p.print.Disabled() || p.printDlg != nil || w.Canvas().Overlays().Top() != nil {
		t.Error("the progress stays after the guide is made")
	}

	// Printed again: the same file, made anew.
	test.Tap(p.print)
	cs.wait()
	if calls := f.called(); len(calls) != 2 || calls[1].path != path {
		t.Errorf("second print: %+v", calls)
	}

	// Cancelled: no file is left and nothing opens.
	f.mu.Lock()
	f.block = true
	f.mu.Unlock()
	test.Tap(p.print)
	test.Tap(overlayButton(t, w, "取消"))
	cs.wait()
	if len(opened) != 2 || !strings.Contains(cs.status.Text, "已取消") {
		t.Errorf("cancelled: opened %v, status %q", opened, cs.status.Text)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a cancelled guide is left at %s", path)
	}

	// A failure says what to do.
	f.mu.Lock()
	f.block, f.err = false, errors.New("disk full")
	f.mu.Unlock()
	test.Tap(p.print)
	cs.wait()
	if !strings.Contains(cs.status.Text, "disk full") || !strings.Contains(cs.status.Text, "再点一次") {
		t.Errorf("failure: status %q", cs.status.Text)
	}

	// Without a guide writer the button says the guide is not available.
	p.use(testLibrary(t), nil)
	test.Tap(p.print)
	cs.wait()
	if !strings.Contains(cs.status.Text, "法律指引暂不可用") || w.Canvas().Overlays().Top() == nil {
		t.Errorf("no guide writer: status %q", cs.status.Text)
	}
	if len(f.called()) != 4 {
		t.Errorf("%d guide calls", len(f.called()))
	}
}

func TestGuideFile(t *testing.T) {
	dir := t.TempDir()
	path, err := guideFile(filepath.Join(dir, "guides"), "XF/2026:7")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "guides", "法律指引-XF-2026-7.pdf"); path != want {
		t.Errorf("path %s, want %s", path, want)
	}
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	again, err := guideFile(filepath.Join(dir, "guides"), "XF/2026:7")
	if err != nil || again != path {
		t.Errorf("again: %s, %v", again, err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Error("the earlier guide was not removed")
	}
}

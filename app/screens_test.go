package app

import (
	"bytes"
	"context"
	"encoding/binary"
	"flag"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/cases/triage"
)

var (
	updateScreens = flag.Bool("update", false, "rewrite the golden markup of the main screens in testdata/screens")
	screenshotDir = flag.String("screenshots", "", "also write a PNG of each main screen to this directory (make screenshots)")
)

// sceneNow is the desk's clock in the scenes: the morning of the fourth
// day after the reception they show.
var sceneNow = time.Date(2026, 3, 5, 1, 30, 0, 0, time.UTC) // 09:30 China time

// The home screen, each of the seven steps and the petitioner view, on
// a case as a receptionist leaves it, render as their golden markup in
// testdata/screens (go test ./app -run TestMainScreens -update rewrites
// it; look at the diff). With -screenshots DIR they are also written as
// PNGs, in the desk's Chinese font: make screenshots does this for
// docs/screenshots.
func TestMainScreens(t *testing.T) {
	a := test.NewTempApp(t)
	test.ApplyTheme(t, NewTheme(loadWQY(t)))
	s := newTestStore(t)
	id := seedScenes(t, s)
	d := NewDesk(a, Deps{Cases: pinnedCode{s}, DeviceCode: "A7K2", Statutes: testLibrary(t), Scorer: testScorer(t), Now: func() time.Time { return sceneNow }})
	t.Cleanup(d.win.Close)
	ui := newTestUI()
	d.ui, d.home.ui = ui.do, ui.do
	d.Start()
	ui.settle(&d.home.busy)
	// Thumbnails are read from the store's temporary directory.
	fix := strings.NewReplacer(strings.TrimSuffix(s.Path(), ".db")+".blobs", "BLOBS")
	renderScreen(t, "home", d.win.Canvas(), fix)

	d.openCase(id, "")
	cs := &screenUnderTest{d.open, ui}
	cs.wait()
	for n := 1; n <= cases.StepCount; n++ {
		test.Tap(cs.stepBtns[n-1])
		cs.wait()
		renderScreen(t, stepShot(n), d.win.Canvas(), fix)
	}
	test.Tap(cs.stepBtns[0])
	test.Tap(cs.openView)
	cs.wait()
	if cs.petitioner == nil {
		t.Fatal("the petitioner view did not open")
	}
	renderScreen(t, "petitioner-view", cs.petitioner.win.Canvas(), fix)
	// Further down: the articles pinned in step 5, with their QR codes.
	walk(cs.petitioner.body, func(o fyne.CanvasObject) {
		if s, ok := o.(*container.Scroll); ok {
			s.ScrollToBottom()
		}
	})
	renderScreen(t, "petitioner-laws", cs.petitioner.win.Canvas(), fix)
}

// pinnedCode shows a store's case numbers with the device code A7K2 in
// place of the random one the store was given, so that the screens render
// the same each time.
type pinnedCode struct{ *store.Store }

func (p pinnedCode) pin(n string) string {
	return strings.Replace(n, p.Device().Code+"-", "A7K2-", 1)
}

func (p pinnedCode) ListCases(ctx context.Context, q cases.ListQuery) ([]cases.Listing, error) {
	ls, err := p.Store.ListCases(ctx, q)
	for i := range ls {
		ls[i].Number = p.pin(ls[i].Number)
	}
	return ls, err
}

func (p pinnedCode) Agenda(ctx context.Context, now time.Time, limit int) ([]cases.AgendaItem, error) {
	items, err := p.Store.Agenda(ctx, now, limit)
	for i := range items {
		items[i].CaseNumber = p.pin(items[i].CaseNumber)
	}
	return items, err
}

func (p pinnedCode) Case(ctx context.Context, id uuid.UUID) (cases.Case, error) {
	c, err := p.Store.Case(ctx, id)
	c.ProvisionalNumber = p.pin(c.ProvisionalNumber)
	return c, err
}

// stepShot names step n's screen, e.g. step2-facts.
func stepShot(n int) string {
	return []string{"step1-space", "step2-facts", "step3-roles", "step4-evidence", "step5-legal", "step6-calm", "step7-followups"}[n-1]
}

// renderScreen compares c's markup, with fix applied, to testdata/screens/name.xml,
// and writes the screenshot when asked to.
func renderScreen(t *testing.T, name string, c fyne.Canvas, fix *strings.Replacer) {
	t.Helper()
	relayout(c.Content())
	got := fix.Replace(test.RenderToMarkup(c))
	golden := filepath.Join("testdata", "screens", name+".xml")
	if *updateScreens {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%s: %v (go test ./app -run TestMainScreens -update writes it)", name, err)
	}
	if got != string(want) {
		failed := filepath.Join("testdata", "failed", name+".xml")
		os.MkdirAll(filepath.Dir(failed), 0o755)
		os.WriteFile(failed, []byte(got), 0o644)
		t.Errorf("%s renders differently from %s; see %s (diff them; -update accepts the change)", name, golden, failed)
	}
	if *screenshotDir == "" {
		return
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, c.Capture()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*screenshotDir, name+".png"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// relayout lays out o and everything under it again, top down, as the
// desktop driver does on the next frame after a text changed. The test
// canvas has no frames: without this, a label given a longer text keeps
// the width it had and overlaps its neighbour in the markup and PNG.
func relayout(o fyne.CanvasObject) {
	switch x := o.(type) {
	case *fyne.Container:
		if x.Layout != nil {
			x.Layout.Layout(x.Objects, x.Size())
		}
		for _, c := range x.Objects {
			relayout(c)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(x)
		r.Layout(x.Size())
		for _, c := range r.Objects() {
			relayout(c)
		}
	}
}

// seedScenes fills s with the day's cases and returns the one shown in
// the steps: a land compensation case after its interview, the call
// follow-up done, the visit and the look-back to come.
func seedScenes(t *testing.T, s *store.Store) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	if err := s.SetActor(ctx, "王芳"); err != nil {
		t.Fatal(err)
	}
	app := func(id uuid.UUID, ps ...cases.Payload) {
		t.Helper()
		var evs []cases.Event
		for _, p := range ps {
			e, err := cases.NewEvent(id, p)
			if err != nil {
				t.Fatal(err)
			}
			evs = append(evs, e)
		}
		if _, err := s.Append(ctx, evs...); err != nil {
			t.Fatal(err)
		}
	}
	end := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) // the interview ended at 10:00 China time
	others := []struct {
		category, summary string
		channel           cases.Channel
		signers           int
		status            cases.Status
		intensity         int
		due               time.Time // a follow-up due then; zero: none
	}{
		{"拖欠工资", "在县城工地干了八个月，老板拖欠工资四万二千元，电话不接", cases.ChannelVisit, 0, cases.StatusAccepted, 55, sceneNow.Add(-26 * time.Hour)},
		{"噪音", "村口新开的石料厂夜里也在开机，孩子睡不好觉", cases.ChannelPhone, 0, cases.StatusReceived, 20, sceneNow.Add(5 * time.Hour)},
		{"宅基地", "邻居翻建房屋占了我家宅基地半米，村里调解两次没有结果", cases.ChannelVisit, 0, cases.StatusInProgress, 48, time.Time{}},
		{"社保", "养老保险缴费年限少算了三年，社保所说档案找不到", cases.ChannelLetter, 0, cases.StatusAccepted, 15, time.Time{}},
		{"环境污染", "养殖场污水直排进河沟，全村三十多户联名反映", cases.ChannelVisit, 32, cases.StatusReceived, 83, sceneNow.Add(2 * time.Hour)},
		{"祖坟", "修路要迁祖坟，补偿标准一直没有说清楚", cases.ChannelOnline, 0, cases.StatusConcluded, 30, time.Time{}},
	}
	for _, o := range others {
		id := newID(t)
		ps := []cases.Payload{&cases.Opened{Channel: o.channel, Category: o.category, Summary: o.summary, Signers: o.signers}}
		if o.status != cases.StatusReceived {
			ps = append(ps, &cases.StatusChanged{Status: o.status})
		}
		ps = append(ps, &cases.IntensityScored{Score: o.intensity, Level: cases.LevelForIntensity(o.intensity)})
		if !o.due.IsZero() {
			ps = append(ps, &cases.FollowUpSchedule{FollowUpID: newID(t), Kind: cases.FollowUpCall, Due: o.due})
		}
		app(id, ps...)
	}

	id := newID(t)
	facts := make([]uuid.UUID, 6)
	for i := range facts {
		facts[i] = newID(t)
	}
	fact := func(i int, text string, st cases.FactStatus) cases.Payload {
		return &cases.FactAdd{FactID: facts[i], Text: text, Status: st, Order: float64(i + 1)}
	}
	person := func(name string, r cases.Role) cases.Payload {
		return &cases.PartyAdd{PartyID: newID(t), Name: name, Role: r}
	}
	app(id,
		&cases.Opened{Channel: cases.ChannelVisit, Category: "征地补偿",
			Summary: "2019年村里征用我家承包地三亩，约定补偿15万元，至今只拿到7.5万元。村委会说余款被镇里扣下了，要求补足余款并说明去向。"},
		&cases.StepCheck{Step: 1, Item: "圆桌", Checked: true},
		&cases.StepCheck{Step: 1, Item: "撤桌牌", Checked: true},
		&cases.StepCheck{Step: 1, Item: "递水", Checked: true},
		&cases.StepProgress{Step: 1, Done: true},
		fact(0, "2019年3月村里征用张桂兰家承包地三亩", cases.FactConfirmed),
		fact(1, "征地协议约定补偿款每亩5万元，共15万元", cases.FactConfirmed),
		fact(2, "2020年1月收到补偿款7.5万元", cases.FactConfirmed),
		fact(3, "村委会说余款被镇里扣下了", cases.FactDisputed),
		fact(4, "镇政府称补偿款已全额拨付到村", cases.FactPending),
		fact(5, "信访人曾两次到镇里反映，没有书面答复", cases.FactPending),
		&cases.StepProgress{Step: 2, Done: true},
		person("张桂兰", cases.RolePetitioner),
		person("李明", cases.RoleRecorder),
		person("王建国", cases.RoleWitness),
		person("刘洋", cases.RoleStaff),
		&cases.StepProgress{Step: 3, Done: true},
	)
	for _, ev := range []struct {
		name string
		img  image.Image
		date string
		fact int
	}{
		{"征地协议.jpg", paperImage(), "2019:03:20 09:30:00", 1},
		{"补偿款收据.jpg", receiptImage(), "2020:01:15 10:00:00", 2},
	} {
		b := exifJPEG(t, ev.img, ev.date)

		sum, size, err := s.PutBlob(ctx, bytes.NewReader(b), "image/jpeg")
		if err != nil {
			t.Fatal(err)
		}
		app(id, &cases.EvidenceAdd{EvidenceID: newID(t), SHA256: sum, FileName: ev.name, MediaType: "image/jpeg", Size: size,
			DocumentDate: ev.date[:4] + "-" + ev.date[5:7] + "-" + ev.date[8:10], Facts: []uuid.UUID{facts[ev.fact]}})
	}
	sum, size, err := s.PutBlob(ctx, strings.NewReader(twoPagePDF), "application/pdf")
	if err != nil {
		t.Fatal(err)
	}
	call := newID(t)
	app(id,
		&cases.EvidenceAdd{EvidenceID: newID(t), SHA256: sum, FileName: "镇政府拨款说明.pdf", MediaType: "application/pdf", Size: size,
			Facts: []uuid.UUID{facts[4]}},
		&cases.StepProgress{Step: 4, Done: true},
		&cases.ArticlePin{Article: "tdglf/48", Title: "土地管理法 第四十八条（征地补偿的原则）", Pinned: true},
		&cases.ArticlePin{Article: "xfgztl/31", Title: "信访工作条例 第三十一条（按事情性质分流办理）", Pinned: true},
		&cases.FollowUpSchedule{FollowUpID: call, Kind: cases.FollowUpCall, Due: cases.FollowUpCall.DefaultDue(end)},
		&cases.FollowUpSchedule{FollowUpID: newID(t), Kind: cases.FollowUpVisit, Due: cases.FollowUpVisit.DefaultDue(end)},
		&cases.FollowUpSchedule{FollowUpID: newID(t), Kind: cases.FollowUpLookBack, Due: cases.FollowUpLookBack.DefaultDue(end)},
		&cases.FollowUpComplete{FollowUpID: call, Outcome: "镇里已调出拨付凭证，约定下周现场核对", Satisfaction: cases.MostlySatisfied},
	)
	// The main case's intensity, as the desk that took it scored it.
	c, err := s.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := triage.Rescore(testScorer(t), c); ok {
		app(id, p)
	}
	return id
}

// paperImage is a page of typed text with a red seal, as a photographed
// agreement looks in a thumbnail.
func paperImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 120, 160))
	fill(img, img.Bounds(), color.RGBA{250, 248, 240, 255})
	for y := 20; y < 130; y += 9 {
		fill(img, image.Rect(14, y, 106-(y%27), y+3), color.RGBA{90, 90, 90, 255})
	}
	for y := 118; y < 146; y++ {
		for x := 72; x < 100; x++ {
			if dx, dy := x-86, y-132; dx*dx+dy*dy <= 196 && dx*dx+dy*dy >= 140 {
				img.Set(x, y, color.RGBA{200, 30, 30, 255})
			}
		}
	}
	return img
}

// receiptImage is a bank receipt: a blue header band and a few lines.
func receiptImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 160, 100))
	fill(img, img.Bounds(), color.RGBA{255, 255, 255, 255})
	fill(img, image.Rect(0, 0, 160, 18), color.RGBA{40, 90, 170, 255})
	for y := 30; y < 90; y += 12 {
		fill(img, image.Rect(10, y, 150-(y%40), y+3), color.RGBA{110, 110, 110, 255})
	}
	return img
}

func fill(img *image.RGBA, r image.Rectangle, c color.Color) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.Set(x, y, c)
		}
	}
}

// exifJPEG encodes img as a JPEG whose EXIF DateTimeOriginal is date
// ("YYYY:MM:DD HH:MM:SS"), in little-endian TIFF.
func exifJPEG(t *testing.T, img image.Image, date string) []byte {
	t.Helper()
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, nil); err != nil {
		t.Fatal(err)
	}
	var d bytes.Buffer
	w := func(v any) { binary.Write(&d, binary.LittleEndian, v) }
	d.WriteString("II")
	w(uint16(42))
	w(uint32(8))
	// IFD0 at 8: one entry, the Exif IFD pointer; the Exif IFD at 26 with
	// DateTimeOriginal, its text at 44.
	w(uint16(1))
	w([]uint16{0x8769, 4})
	w([]uint32{1, 26, 0})
	w(uint16(1))
	w([]uint16{0x9003, 2})
	w([]uint32{uint32(len(date) + 1), 44, 0})
	d.WriteString(date + "\x00")
	seg := append([]byte("Exif\x00\x00"), d.Bytes()...)
	var out bytes.Buffer
	out.Write(enc.Bytes()[:2])
	out.Write([]byte{0xFF, 0xE1})
	binary.Write(&out, binary.BigEndian, uint16(len(seg)+2))
	out.Write(seg)
	out.Write(enc.Bytes()[2:])
	return out.Bytes()
}

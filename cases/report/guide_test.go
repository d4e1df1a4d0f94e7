package report

import (
	"bytes"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/makiuchi-d/gozxing"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"

	"jiefang/cases"
	"jiefang/sync/qrimage"
)

func TestMask(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{MaskName("张三"), "张*"},
		{MaskName(" 张桂兰 "), "张**"},
		{MaskName("欧阳娜娜"), "欧***"},
		{MaskID("110101199003071234"), "110***********1234"},
		{MaskID("11010119900307123X"), "110***********123X"},
		{MaskPhone("13812345678"), "138****5678"},
		{MaskPhone("123"), "***"},
		{MaskText("张桂兰和张桂说，电话13812345678，身份证110101199003071234。", []string{"张桂", "张桂兰"}),
			"张**和张*说，电话138****5678，身份证110***********1234。"},
		{MaskText("两个号码13812345678,13987654321", nil), "两个号码138****5678,139****4321"},
		{MaskText("订单号2019123456789012345678不是身份证，1381234567890也不是手机号", nil),
			"订单号2019123456789012345678不是身份证，1381234567890也不是手机号"},
		{MaskText("老身份证号110101900307123", nil), "老身份证号110********7123"},
	} {
		if c.in != c.want {
			t.Errorf("got %q, want %q", c.in, c.want)
		}
	}
}

// guideCase is a case whose summary and facts name the petitioner and
// carry an ID card number and a phone number.
func guideCase() cases.Case {
	id := func() uuid.UUID { return uuid.Must(uuid.NewV7()) }
	end := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	return cases.Case{
		ID:                id(),
		ProvisionalNumber: "K7Q2-20260302-0003",
		Category:          "征地补偿",
		Summary:           "张桂兰（身份证110101199003071234，电话13812345678）反映2019年村里征地，补偿款只拿到一半，要求补足余款。",
		Parties: []cases.Party{
			{ID: id(), Name: "张桂兰", Role: cases.RolePetitioner, IDNumber: "110101199003071234", Phone: "13812345678"},
			{ID: id(), Name: "李明", Role: cases.RoleRecorder},
		},
		Facts: []cases.FactCard{
			{ID: id(), Text: "张桂兰家的承包地三亩于2019年3月被征用", Status: cases.FactConfirmed, Order: 1},
			{ID: id(), Text: "李明说余款被镇里扣下了", Status: cases.FactDisputed, Order: 2},
		},
		FollowUps: []cases.FollowUp{
			{ID: id(), Kind: cases.FollowUpCall, Due: cases.FollowUpCall.DefaultDue(end)},
			{ID: id(), Kind: cases.FollowUpVisit, Due: cases.FollowUpVisit.DefaultDue(end)},
			{ID: id(), Kind: cases.FollowUpLookBack, Due: cases.FollowUpLookBack.DefaultDue(end)},
		},
	}
}

// The legal guide prints the issue and the facts with personal data
// masked, each article with its summary, text and a QR code that a
// decoder reads back from the printed page, and the follow-up dates.
func TestLegalGuide(t *testing.T) {
	font := pdfFont(t)
	payloads := []string{
		"土地管理法 第四十八条\n征收土地应当给予公平、合理的补偿。（示例说明）",
		"信访工作条例 第三十五条\n不服处理意见，可在30日内请求复查。（示例说明）",
	}
	var arts []GuideArticle
	for i, p := range payloads {
		png, err := qrimage.Encode(p, 256)
		if err != nil {
			t.Fatal(err)
		}
		arts = append(arts, GuideArticle{
			Citation: []string{"土地管理法 第四十八条", "信访工作条例 第三十五条"}[i],
			Title:    []string{"征地补偿原则", "不服可以请求复查"}[i],
			Summary:  []string{"村里的地被征收，要给公平合理的补偿。", "对处理意见不满意，收到书面答复30天内可以请上一级复查。"}[i],
			Text:     []string{"（原文第一款，测试用）", "（原文第二款，测试用）"},
			QR:       png,
		})
	}
	g := Guide{Case: guideCase(), Articles: arts, Contact: "东镇信访接待室（镇政府一楼）"}
	now := time.Date(2026, 3, 2, 6, 30, 0, 0, time.UTC)
	var buf bytes.Buffer
	if err := LegalGuide(&buf, g, font, now); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "guide.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is missing: apt-get install poppler-utils (make test does)")
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	flat := strings.Join(strings.Fields(string(out)), "")
	for _, want := range []string{
		"法律指引", "K7Q2-20260302-0003", "【征地补偿】张**（身份证110***********1234，电话138****5678）",
		"张**家的承包地三亩", "李*说余款", "土地管理法第四十八条", "征地补偿原则", "村里的地被征收，要给公平合理的补偿。",
		"（原文第一款，测试用）", "信访工作条例第三十五条", "电话回访：2026年3月4日前", "现场走访：2026年3月9日前",
		"回头看：2026年4月1日前", "东镇信访接待室（镇政府一楼）",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the guide lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{"张桂兰", "李明", "110101199003071234", "13812345678"} {
		if strings.Contains(flat, secret) {
			t.Errorf("the guide shows %q unmasked", secret)
		}
	}

	// Render the first page as a printer would see it, and read the codes.
	if out, err := exec.Command("pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-gray", path, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(pages) != 1 {
		t.Fatalf("rendered %v", pages)
	}
	got := decodeAll(t, pages[0])
	slices.Sort(got)
	want := slices.Clone(payloads)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("QR codes read from the printed page: %q, want %q", got, want)
	}
	if dir := os.Getenv("JIEFANG_GUIDE_PNG"); dir != "" {
		b, _ := os.ReadFile(pages[0])
		os.WriteFile(dir, b, 0o644)
	}
}

// decodeAll reads every QR code in the PNG at path.
func decodeAll(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	results, err := multiqr.NewQRCodeMultiReader().DecodeMultiple(bmp, nil)
	if err != nil {
		t.Fatalf("no QR code found on the page: %v", err)
	}
	var out []string
	for _, r := range results {
		out = append(out, r.GetText())
	}
	return out
}

// Without a font the guide is refused with a clear error.
func TestLegalGuideNeedsFont(t *testing.T) {
	if err := LegalGuide(&bytes.Buffer{}, Guide{Case: guideCase()}, nil, time.Now()); err == nil || !strings.Contains(err.Error(), "font") {
		t.Errorf("no font: %v", err)
	}
}

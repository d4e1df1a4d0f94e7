package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"time"
)

// blobKind is the kind of file behind an evidence record.
type blobKind uint8

const (
	blobPhoto blobKind = iota // a small PNG "photo"
	blobScan                  // a small PNG "scan" of a paper
	blobText                  // a short text file: a receipt, an IOU, a log
)

// Sizes of the pool of evidence files written once per database and
// shared by all cases.
const (
	poolPhotos = 12
	poolScans  = 8
	poolTexts  = 13
)

// blob is a stored evidence file.
type blob struct {
	sum       string
	size      int64
	mediaType string
	ext       string
}

const (
	mediaPNG  = "image/png"
	mediaText = "text/plain; charset=utf-8"
)

// writeBlobs makes the pool of evidence files and stores them.
func writeBlobs(ctx context.Context, w Writer, r *rand.Rand, until time.Time) ([3][]blob, int, error) {
	var pool [3][]blob
	n := 0
	put := func(kind blobKind, data []byte, mediaType, ext string) error {
		sum, size, err := w.PutBlob(ctx, bytes.NewReader(data), mediaType)
		if err != nil {
			return fmt.Errorf("demo: store evidence file: %w", err)
		}
		pool[kind] = append(pool[kind], blob{sum: sum, size: size, mediaType: mediaType, ext: ext})
		n++
		return nil
	}
	for i := 0; i < poolPhotos; i++ {
		data, err := encodePNG(photoImage(r))
		if err != nil {
			return pool, n, err
		}
		if err := put(blobPhoto, data, mediaPNG, ".png"); err != nil {
			return pool, n, err
		}
	}
	for i := 0; i < poolScans; i++ {
		data, err := encodePNG(scanImage(r, i%2 == 0))
		if err != nil {
			return pool, n, err
		}
		if err := put(blobScan, data, mediaPNG, ".png"); err != nil {
			return pool, n, err
		}
	}
	for i := 0; i < poolTexts; i++ {
		if err := put(blobText, []byte(paperText(r, i, until)), mediaText, ".txt"); err != nil {
			return pool, n, err
		}
	}
	return pool, n, nil
}

func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("demo: encode image: %w", err)
	}
	return buf.Bytes(), nil
}

// photoImage draws a tiny landscape: sky, hills, a field, a few houses.
func photoImage(r *rand.Rand) image.Image {
	const w, h = 64, 48
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	sky := color.RGBA{uint8(150 + r.IntN(60)), uint8(180 + r.IntN(50)), uint8(220 + r.IntN(35)), 255}
	ground := color.RGBA{uint8(70 + r.IntN(80)), uint8(100 + r.IntN(80)), uint8(30 + r.IntN(50)), 255}
	hill := color.RGBA{uint8(40 + r.IntN(40)), uint8(80 + r.IntN(60)), uint8(40 + r.IntN(40)), 255}
	horizon := 18 + r.IntN(12)
	phase, amp := r.Float64()*6, 3+r.IntN(6)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := sky
			hy := horizon - int(float64(amp)*(1+sinApprox(float64(x)/9+phase))/2)
			switch {
			case y >= horizon:
				c = ground
				if (x+y)%7 == 0 {
					c.G += 12
				}
			case y >= hy:
				c = hill
			}
			img.SetRGBA(x, y, c)
		}
	}
	for i := 0; i < 1+r.IntN(3); i++ {
		x0, y0 := r.IntN(w-12), horizon-4+r.IntN(8)
		wall := color.RGBA{uint8(180 + r.IntN(70)), uint8(170 + r.IntN(70)), uint8(150 + r.IntN(60)), 255}
		roof := color.RGBA{uint8(80 + r.IntN(100)), uint8(40 + r.IntN(40)), uint8(30 + r.IntN(40)), 255}
		for y := y0; y < y0+8 && y < h; y++ {
			for x := x0; x < x0+10; x++ {
				c := wall
				if y < y0+3 {
					c = roof
				}
				img.SetRGBA(x, y, c)
			}
		}
	}
	return img
}

// sinApprox is a cheap smooth wave in [-1, 1].
func sinApprox(x float64) float64 {
	x -= float64(int(x/6.283185307)) * 6.283185307
	if x < 0 {
		x += 6.283185307
	}
	// Bhaskara's approximation on [0, π], mirrored on [π, 2π].
	neg := x > 3.141592654
	if neg {
		x -= 3.141592654
	}
	v := 16 * x * (3.141592654 - x) / (49.348022 - 4*x*(3.141592654-x))
	if neg {
		return -v
	}
	return v
}

// scanImage draws a tiny page: lines of "text", and a red seal on
// contracts.
func scanImage(r *rand.Rand, seal bool) image.Image {
	const w, h = 48, 64
	img := image.NewGray(image.Rect(0, 0, w, h))
	paper := uint8(236 + r.IntN(16))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetGray(x, y, color.Gray{paper})
		}
	}
	for y := 6; y < h-6; y += 4 {
		end := w - 6 - r.IntN(14)
		for x := 6; x < end; x++ {
			if r.IntN(5) > 0 {
				img.SetGray(x, y, color.Gray{uint8(40 + r.IntN(60))})
			}
		}
	}
	if !seal {
		return img
	}
	rgba := image.NewRGBA(img.Bounds())
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			rgba.Set(x, y, img.At(x, y))
		}
	}
	cx, cy := w-14, h-14
	for y := cy - 8; y <= cy+8; y++ {
		for x := cx - 8; x <= cx+8; x++ {
			d := (x-cx)*(x-cx) + (y-cy)*(y-cy)
			if d <= 64 && d >= 42 || (d < 12 && (x+y)%2 == 0) {
				rgba.SetRGBA(x, y, color.RGBA{200, 30, 30, 255})
			}
		}
	}
	return rgba
}

// paperText writes one of the short text documents petitioners bring.
func paperText(r *rand.Rand, i int, until time.Time) string {
	year := until.Year() - 1 - r.IntN(4)
	month, day := 1+r.IntN(12), 1+r.IntN(28)
	amount := (20 + r.IntN(900)) * 100
	a, b := personName(r, "", true), personName(r, "", r.IntN(2) == 0)
	town := townships[r.IntN(len(townships))]
	village := town.villages[r.IntN(len(town.villages))]
	date := fmt.Sprintf("%d年%d月%d日", year, month, day)
	switch i {
	case 0:
		return fmt.Sprintf("收条\n\n今收到%s村民委员会支付的征地补偿款（第一期）人民币%d元整。\n\n收款人：%s\n%s\n", village, amount, a, date)
	case 1:
		return fmt.Sprintf("欠条\n\n今欠%s等%d名工人%d年工资共计人民币%d元整，于%d年%d月底前付清。\n\n欠款人：%s\n%s\n", a, 3+r.IntN(20), year, amount*3, year+1, 1+r.IntN(2), b, date)
	case 2:
		return fmt.Sprintf("银行交易明细（摘录）\n\n户名：%s\n%d-%02d-%02d  转账存入  %d.00  摘要：补偿款\n%d-%02d-%02d  转账存入  %d.00  摘要：青苗费\n", a, year, month, day, amount, year, month, min(day+9, 28), amount/10)
	case 3:
		return fmt.Sprintf("证明\n\n兹证明%s于%d年%d月至%d月在%s工地务工，由班组长%s记工，工资未结清。\n\n证明人：%s、%s\n%s\n", a, year, month, min(month+5, 12), town.name, b, personName(r, "", true), personName(r, "", true), date)
	case 4:
		return fmt.Sprintf("12345热线工单（复印）\n\n工单号：%d%06d\n诉求人：%s\n来电时间：%s 23:%02d\n内容：反映夜间施工噪音扰民。\n处理情况：已转属地办理。\n", year, r.IntN(1000000), a, date, r.IntN(60))
	case 5:
		return fmt.Sprintf("噪声自测记录\n\n地点：%s%s家中院内\n%s 22:30  约%d分贝\n%s 00:10  约%d分贝\n记录人：%s\n", town.name, village, date, 60+r.IntN(20), date, 55+r.IntN(20), a)
	case 6:
		return fmt.Sprintf("收款收据\n\nNo.%07d\n交款人：%s\n事由：过渡安置费（%d年%d月至%d月）\n金额：人民币%d元\n收款单位：%s征地拆迁办公室\n%s\n", r.IntN(10000000), a, year, month, min(month+2, 12), amount, town.name, date)
	case 7:
		return fmt.Sprintf("社会保险个人缴费记录（打印件）\n\n姓名：%s\n%d年01月—%d年12月  已缴\n%d年01月起  无缴费记录\n", a, year-6, year-2, year-1)
	case 8:
		return fmt.Sprintf("调解笔录（复印）\n\n时间：%s\n地点：%s村部\n申请人：%s  被申请人：%s\n双方就排水沟走向未达成一致意见。\n调解员：%s\n", date, village, a, b, personName(r, "", true))
	case 10:
		return fmt.Sprintf("不动产登记信息查询结果（摘录）\n\n权利人：%s\n坐落：%s%s\n登记时间：%s\n登记原因：买卖\n原权利人：%s\n", b, town.name, village, date, a)
	case 11:
		return fmt.Sprintf("接处警回执\n\n报警人：%s\n报警时间：%s %d:%02d\n事由：邻里纠纷\n处理结果：现场调解，双方情绪稳定。\n%s派出所\n", a, date, 8+r.IntN(12), r.IntN(60), town.name)
	case 12:
		return fmt.Sprintf("环保举报记录（手写整理）\n\n%s  夜里闻到刺鼻气味，打12369举报。\n%d年%d月%d日  河里有死鱼，拍了照片。\n%d年%d月%d日  再次举报，未见回复。\n举报人：%s\n", date, year, min(month+1, 12), min(day+3, 28), year, min(month+2, 12), min(day+5, 28), a)
	default:
		return fmt.Sprintf("住院费用清单（摘录）\n\n姓名：%s\n住院天数：%d天\n总费用：%d元\n其中目录外费用：%d元\n", a, 5+r.IntN(20), amount, amount/6)
	}
}

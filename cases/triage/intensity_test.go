package triage

import (
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"jiefang/assets"
	"jiefang/cases"
)

var (
	shippedOnce   sync.Once
	shippedScorer *Scorer
	shippedErr    error
)

// shipped is the scorer of our word lists.
func shipped(tb testing.TB) *Scorer {
	tb.Helper()
	shippedOnce.Do(func() {
		lex, _, err := LoadLexicon(assets.Triage, nil)
		if err != nil {
			shippedErr = err
			return
		}
		shippedScorer = NewScorer(lex)
	})
	if shippedErr != nil {
		tb.Fatal(shippedErr)
	}
	return shippedScorer
}

// has reports whether in has a reason of signal sig, and its words.
func has(in Intensity, sig Signal) (bool, []string) {
	for _, r := range in.Reasons {
		if r.Signal == sig {
			return true, r.Words
		}
	}
	return false, nil
}

func TestSignals(t *testing.T) {
	s := shipped(t)
	for _, c := range []struct {
		text  string
		fires []Signal // each must be among the reasons
		not   []Signal // none of these may be
		words []string // each must be among the words of the reasons
		level cases.IntensityLevel
	}{
		// threats, and the conditions that sharpen them
		{text: "再不给说法我就去把村委会炸了！", fires: []Signal{SignalThreat, SignalConditional}, words: []string{"炸"}, level: cases.IntensityRed},
		{text: "不给说法就去砸了他家", fires: []Signal{SignalThreat, SignalConditional}, level: cases.IntensityRed},
		{text: "谁敢动我家祖坟，我就跟谁拼命。", fires: []Signal{SignalThreat, SignalConditional}, level: cases.IntensityRed},
		{text: "汽油我都准备好了，大不了同归于尽。", fires: []Signal{SignalThreat}, words: []string{"汽油", "同归于尽"}, level: cases.IntensityRed},
		{text: "刀我都磨好了", fires: []Signal{SignalThreat}, words: []string{"刀我都磨好"}, level: cases.IntensityRed},
		// negation: not a threat; conditions and blockers are not negations
		{text: "我不是来闹事的，也不会去砸东西", not: []Signal{SignalThreat, SignalDisruption}, fires: []Signal{SignalNegation}, level: cases.IntensityGreen},
		{text: "我没有要跳楼的意思，就是想讨个说法", not: []Signal{SignalSelfHarm}},
		{text: "我们绝不会去北京上访", not: []Signal{SignalEscalation}},
		{text: "你们不管我就在乡政府门口喝农药", fires: []Signal{SignalSelfHarm}, level: cases.IntensityRed},
		{text: "我没办法只能去跳楼", fires: []Signal{SignalSelfHarm}, level: cases.IntensityRed},
		{text: "我不是开玩笑，再没人管我就去自焚", fires: []Signal{SignalSelfHarm}, level: cases.IntensityRed},
		{text: "我们不得不去北京", fires: []Signal{SignalEscalation}},
		// what others did, and reported speech
		{text: "我家玻璃被人砸了", not: []Signal{SignalThreat}, fires: []Signal{SignalOthers}},
		{text: "新闻里说隔壁县有人去北京上访", not: []Signal{SignalEscalation}, level: cases.IntensityGreen},
		{text: "砸锅卖铁也要把官司打下去", not: []Signal{SignalThreat}},
		{text: "锅炉爆炸伤了两个工人", not: []Signal{SignalThreat}},
		// self-harm
		{text: "我活不下去了，遗书都写好了", fires: []Signal{SignalSelfHarm}, words: []string{"活不下去", "遗书"}, level: cases.IntensityRed},
		// veiled threats
		{text: "出了什么事你们自己负责", fires: []Signal{SignalVeiled}, level: cases.IntensityRed},
		{text: "话放在这儿，后果自负", fires: []Signal{SignalVeiled}, level: cases.IntensityRed},
		{text: "你们就拖吧，咱们走着瞧", fires: []Signal{SignalVeiled}, level: cases.IntensityRed},
		{text: "再这样糊弄我，我不知道自己会做出什么事来", fires: []Signal{SignalVeiled, SignalConditional}, level: cases.IntensityRed},
		{text: "村口的桥塌了，再出事谁负责？", not: []Signal{SignalVeiled}, level: cases.IntensityAmber},
		// collective action, escalation, disruption, media: red only together
		{text: "我们几十号人联名按了手印", fires: []Signal{SignalCollective}, words: []string{"几十号人", "联名", "按了手印"}, level: cases.IntensityAmber},
		{text: "我们二十多户的补偿款被截留了，一直没人管", fires: []Signal{SignalCollective, SignalGrievance}, words: []string{"二十多户"}, level: cases.IntensityAmber},
		{text: "三个人得了病", not: []Signal{SignalCollective}},
		{text: "我们１２０多户业主", words: []string{"１２０多户"}},
		{text: "村集体土地怎么承包", not: []Signal{SignalCollective}},
		{text: "我要去省里反映", fires: []Signal{SignalEscalation}, level: cases.IntensityAmber},
		{text: "全村一百多户下周一起包车去北京", fires: []Signal{SignalCollective, SignalEscalation, SignalImminent}, level: cases.IntensityRed},
		{text: "我要去拉横幅", fires: []Signal{SignalDisruption}, level: cases.IntensityAmber},
		{text: "明天我们就去高速路口堵路", fires: []Signal{SignalDisruption, SignalImminent}, level: cases.IntensityRed},
		{text: "记者我们也联系好了，准备到市委门口静坐", fires: []Signal{SignalMedia, SignalDisruption, SignalEscalation}, level: cases.IntensityRed},
		// a date or an ultimatum alone is nothing
		{text: "我明天再来补材料", not: []Signal{SignalImminent}, level: cases.IntensityGreen},
		{text: "如果不给办，我也没别的办法", not: []Signal{SignalConditional}},
		// long grievances and repeated visits, counted
		{text: "这事我跑了七年", fires: []Signal{SignalLong}, words: []string{"七年"}, level: cases.IntensityAmber},
		{text: "判决书下来五年了", fires: []Signal{SignalLong}, words: []string{"五年"}},
		{text: "反映了一年多了", fires: []Signal{SignalLong}, words: []string{"一年多"}},
		{text: "2019年我家的地被占了", not: []Signal{SignalLong}},
		{text: "三年前办的证", not: []Signal{SignalLong}},
		{text: "这是我第十二次来了", fires: []Signal{SignalRepeated}, words: []string{"第十二次"}, level: cases.IntensityAmber},
		{text: "打了十几次12345都没用", fires: []Signal{SignalRepeated, SignalGrievance}, words: []string{"十几次"}},
		{text: "去了乡里三次", fires: []Signal{SignalRepeated}, words: []string{"三次"}},
		{text: "第一次来，这是两回事", not: []Signal{SignalRepeated}},
		// intensifiers, questions
		{text: "真的受不了了，太气人了", fires: []Signal{SignalIntensifier}, words: []string{"受不了", "太气人"}},
		{text: "请问低保怎么申请？", fires: []Signal{SignalCalm}, level: cases.IntensityGreen},
		{text: "请问，我要是跳楼你们管不管？", not: []Signal{SignalCalm}, level: cases.IntensityRed},
		{text: "建议在学校门口增加减速带", level: cases.IntensityGreen},
		{text: "", level: cases.IntensityGreen},
	} {
		in := s.Score(c.text)
		var all []string
		for _, r := range in.Reasons {
			all = append(all, r.Words...)
		}
		for _, sig := range c.fires {
			if ok, _ := has(in, sig); !ok {
				t.Errorf("%q: no %s in %q", c.text, sig, in.Strings())
			}
		}
		for _, sig := range c.not {
			if ok, _ := has(in, sig); ok {
				t.Errorf("%q: %s in %q", c.text, sig, in.Strings())
			}
		}
		for _, w := range c.words {
			if !slices.Contains(all, w) {
				t.Errorf("%q: no word %q in %q", c.text, w, in.Strings())
			}
		}
		if c.level != "" && in.Level != c.level {
			t.Errorf("%q: %s %d %q, want %s", c.text, in.Level, in.Score, in.Strings(), c.level)
		}
	}
}

func TestReasonString(t *testing.T) {
	for _, c := range []struct {
		r    Reason
		want string
	}{
		{Reason{Signal: SignalThreat, Label: "威胁暴力", Words: []string{"炸", "拼命"}, Points: 45}, "威胁暴力：炸、拼命（+45）"},
		{Reason{Signal: SignalCalm, Label: "咨询建议", Words: []string{"请问"}, Points: -30}, "咨询建议：请问（-30）"},
		{Reason{Signal: SignalOthers, Label: "他人所为或转述", Words: []string{"砸"}}, "他人所为或转述，不计分：砸"},
		{Reason{Signal: SignalCap, Label: "最高80分", Points: -20}, "最高80分（-20）"},
	} {
		if got := c.r.String(); got != c.want {
			t.Errorf("%q, want %q", got, c.want)
		}
	}
}

// TestScoreIsSumOfReasons: the points add up to the score within 0–100,
// the level is the band of the score, and without a danger or an action
// with an amplifier nothing is red.
func TestScoreIsSumOfReasons(t *testing.T) {
	s := shipped(t)
	lex, _, err := LoadLexicon(assets.Triage, nil)
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for _, e := range lex.entries {
		if !e.except {
			words = append(words, joinParts(e.parts))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var b strings.Builder
		for range 1 + rng.IntN(6) {
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteString([]string{"", "，", "。", "我们", "就"}[rng.IntN(5)])
		}
		text := b.String()
		in := s.Score(text)
		sum := 0
		danger := false
		for _, r := range in.Reasons {
			sum += r.Points
			if r.Signal == SignalThreat || r.Signal == SignalSelfHarm || r.Signal == SignalVeiled {
				danger = true
			}
		}
		if want := min(max(sum, 0), 100); in.Score != want {
			t.Fatalf("%q: score %d, reasons add up to %d: %q", text, in.Score, sum, in.Strings())
		}
		if in.Level != cases.LevelForIntensity(in.Score) {
			t.Fatalf("%q: level %s for %d", text, in.Level, in.Score)
		}
		if ok, _ := has(in, SignalCap); ok && (danger || in.Score != 80) {
			t.Fatalf("%q: capped with a danger or not at 80: %q", text, in.Strings())
		}
	}
}

func joinParts(parts [][]rune) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(string(p))
	}
	return b.String()
}

// TestShippedWordsFire: each of our words, alone, fires its signal (and
// a danger word alone is red): no exception or negator of ours swallows
// a word of ours.
func TestShippedWordsFire(t *testing.T) {
	s := shipped(t)
	lex, _, err := LoadLexicon(assets.Triage, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range lex.entries {
		sig := signals[e.sig]
		if e.except || sig.role == roleSuppressor {
			continue
		}
		text := joinParts(e.parts)
		if sig.role == roleModifier {
			text += "我就去堵路" // an ultimatum or a date counts before an action
		}
		in := s.Score(text)
		if ok, _ := has(in, sig.name); !ok {
			t.Errorf("%s word %q alone: %q", sig.name, text, in.Strings())
			continue
		}
		if sig.role == roleDanger && in.Level != cases.IntensityRed {
			t.Errorf("%s word %q alone: %s %d", sig.name, text, in.Level, in.Score)
		}
	}
}

func TestConcurrentScoring(t *testing.T) {
	s := shipped(t)
	texts := []string{"再不给说法我就去把村委会炸了", "请问低保怎么申请", "我们几十号人明天去堵路", "我跑了七年"}
	want := make([]Intensity, len(texts))
	for i, x := range texts {
		want[i] = s.Score(x)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				k := (g + i) % len(texts)
				if got := s.Score(texts[k]); got.Score != want[k].Score || !slices.Equal(got.Strings(), want[k].Strings()) {
					t.Errorf("%q: %v, want %v", texts[k], got, want[k])
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestCaseTextAndRescore(t *testing.T) {
	s := shipped(t)
	old, cur1, cur2 := uuid.New(), uuid.New(), uuid.New()
	c := cases.Case{
		Summary:        "工地拖欠工资",
		Intensity:      0,
		IntensityLevel: cases.IntensityGreen,
		Facts: []cases.FactCard{
			{ID: cur2, Text: "包工头说没钱", Order: 2},
			{ID: old, Text: "我要去把工地砸了", Order: 0, SupersededBy: cur1},
			{ID: cur1, Text: "欠了三个月工资", Order: 1, Supersedes: []uuid.UUID{old}},
		},
		Notes: []cases.Note{{Text: "  情绪平稳  "}},
	}
	if got, want := CaseText(c), "工地拖欠工资\n欠了三个月工资\n包工头说没钱\n情绪平稳"; got != want {
		t.Errorf("CaseText = %q, want %q", got, want)
	}
	p, ok := Rescore(s, c)
	if !ok || p.Score != s.Score(CaseText(c)).Score || p.Validate() != nil {
		t.Fatalf("Rescore = %+v, %v", p, ok)
	}
	c.Intensity, c.IntensityLevel = p.Score, p.Level
	if p, ok := Rescore(s, c); ok {
		t.Errorf("unchanged text rescored: %+v", p)
	}
	c.Notes = append(c.Notes, cases.Note{Text: "他说明天就去乡政府门口喝农药"})
	p, ok = Rescore(s, c)
	if !ok || p.Level != cases.IntensityRed || p.Validate() != nil {
		t.Errorf("after a threat: %+v, %v", p, ok)
	}
	if p, ok := Rescore(s, cases.Case{IntensityLevel: cases.IntensityGreen}); ok {
		t.Errorf("empty case rescored: %+v", p)
	}
}

package triage

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ExtensionFile is the name of a township's own word lists in the desk's
// data directory, read after ours when it is there.
const ExtensionFile = "triage-words.txt"

// Signal names one kind of evidence the intensity scorer looks for.
type Signal string

// The signals of the intensity score. Each has a word list in
// assets/triage/<signal>.txt; a township's ExtensionFile adds words to
// them in sections headed [<signal>].
const (
	SignalThreat      Signal = "threat"      // 威胁暴力: 炸, 砸, 拼命, 同归于尽, 汽油
	SignalSelfHarm    Signal = "selfharm"    // 自伤自杀: 跳楼, 喝农药, 自焚, 遗书, 活不下去
	SignalVeiled      Signal = "veiled"      // 隐含威胁: 出了什么事…自己负责, 后果自负, 走着瞧
	SignalDisruption  Signal = "disruption"  // 扰乱秩序: 堵路, 拉横幅, 围堵, 静坐, 摆灵堂
	SignalEscalation  Signal = "escalation"  // 越级上访: 进京, 去北京, 省里, 天安门
	SignalCollective  Signal = "collective"  // 集体行动: 联名, 集体, 按手印, 几十号人, 全村
	SignalMedia       Signal = "media"       // 媒体曝光: 记者, 曝光, 抖音
	SignalImminent    Signal = "imminent"    // 行动在即: 明天, 今晚, 包车, 商量好
	SignalConditional Signal = "conditional" // 最后通牒: 再不…就, 不…就, 如果不
	SignalGrievance   Signal = "grievance"   // 不满: 没人管, 推诿, 截留, 拖欠
	SignalLong        Signal = "long"        // 长期积怨: 跑了七年, 多年
	SignalRepeated    Signal = "repeated"    // 反复上访: 来了十几次, 第十二次, 好几趟
	SignalIntensifier Signal = "intensifier" // 情绪激烈: 受不了, 到底, 凭什么
	SignalCalm        Signal = "calm"        // 咨询建议 (negative): 请问, 想了解, 建议, 感谢
	SignalNegation    Signal = "negation"    // 否定: words before a signal word that cancel it
	SignalOthers      Signal = "others"      // 他人所为或转述: 听说, 有人, 被
	SignalCap         Signal = "cap"         // a reason only: no danger, so at most 80
)

// role is what a signal does in the score.
type role int

const (
	roleDanger     role = iota // alone enough for red: threat, self-harm, veiled threat
	roleAction                 // disruption, escalation: red only with an amplifier
	roleAmplifier              // collective, media: counted; with an action, open red
	roleModifier               // imminent, conditional: counted only beside a danger or an action
	roleContext                // grievance, long, repeated, intensifier
	roleCalm                   // negative; not counted beside a danger
	roleSuppressor             // negation, others: cancel the signal word after them
)

type sigID uint8

// signals lists the known signals in their order of explanation; a
// sigID indexes it.
var signals = []struct {
	name Signal
	role role
}{
	{SignalThreat, roleDanger},
	{SignalSelfHarm, roleDanger},
	{SignalVeiled, roleDanger},
	{SignalDisruption, roleAction},
	{SignalEscalation, roleAction},
	{SignalCollective, roleAmplifier},
	{SignalMedia, roleAmplifier},
	{SignalImminent, roleModifier},
	{SignalConditional, roleModifier},
	{SignalGrievance, roleContext},
	{SignalLong, roleContext},
	{SignalRepeated, roleContext},
	{SignalIntensifier, roleContext},
	{SignalCalm, roleCalm},
	{SignalNegation, roleSuppressor},
	{SignalOthers, roleSuppressor},
}

func sigOf(name Signal) (sigID, bool) {
	for i, s := range signals {
		if s.name == name {
			return sigID(i), true
		}
	}
	return 0, false
}

const (
	maxWordRunes = 40  // a word or phrase longer than this is refused
	maxWeight    = 100 // weights lie in [-maxWeight, maxWeight]
)

// Lexicon is the word lists of the intensity scorer: ours, shipped in
// assets/triage, and a township's extension. Build a Scorer from it.
type Lexicon struct {
	defs    []signalDef // by sigID
	entries []entry
	seen    map[entryKey]int // index into entries
}

type signalDef struct {
	label   string
	weight  int
	defined bool
}

type entryKey struct {
	sig    sigID
	except bool
	text   string
}

// entry is one line of a word list: a word, or a phrase of parts that
// follow each other in one sentence (written 甲…乙).
type entry struct {
	sig       sigID
	except    bool // an exception: a phrase in which the signal's words do not count
	parts     [][]rune
	points    int
	hasPoints bool
}

// LineProblem is a bad line of a township's extension, which was
// skipped.
type LineProblem struct {
	Line int
	Text string // the line as written
	Msg  string // what is wrong, in Chinese and English
}

func (p LineProblem) String() string {
	return fmt.Sprintf("%s 第%d行 line %d: %s: %q", ExtensionFile, p.Line, p.Line, p.Msg, p.Text)
}

// LoadLexicon reads our word lists from every *.txt file in base
// (production passes assets.Triage), then a township's extension from
// extra, if not nil. The format is the same for both (see
// assets/triage/README.md):
//
//	# a comment, to the end of the line
//	[threat] 威胁暴力 85      a section: the signal, its Chinese label, its points
//	炸                        a word or phrase, one a line
//	天安门 65                 a word with points of its own
//	-砸锅卖铁                 an exception: the signal's words inside it do not count
//	刀…磨好                   parts that follow each other in one sentence
//
// Every signal must have a section in base with its label and points;
// any fault in base is an error. In extra a section may be just
// [signal] (a label and points given there replace ours), and a bad line
// is skipped and returned as a LineProblem; a bad section header skips
// the section's words.
func LoadLexicon(base fs.FS, extra io.Reader) (*Lexicon, []LineProblem, error) {
	lex := &Lexicon{defs: make([]signalDef, len(signals)), seen: map[entryKey]int{}}
	var names []string
	err := fs.WalkDir(base, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && path.Ext(p) == ".txt" {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("triage word lists: %w", err)
	}
	if len(names) == 0 {
		return nil, nil, errors.New("triage word lists: no *.txt file")
	}
	var errs []error
	for _, name := range names {
		f, err := base.Open(name)
		if err != nil {
			return nil, nil, fmt.Errorf("triage word lists: %w", err)
		}
		probs, err := lex.read(f, true)
		f.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("triage word lists: %s: %w", name, err)
		}
		for _, p := range probs {
			errs = append(errs, fmt.Errorf("%s:%d: %s: %q", name, p.Line, p.Msg, p.Text))
		}
	}
	for i, s := range signals {
		if !lex.defs[i].defined {
			errs = append(errs, fmt.Errorf("no section [%s] with its label and points", s.name))
		}
	}
	if len(errs) > 0 {
		return nil, nil, fmt.Errorf("triage word lists: %w", errors.Join(errs...))
	}
	if extra == nil {
		return lex, nil, nil
	}
	probs, err := lex.read(extra, false)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", ExtensionFile, err)
	}
	return lex, probs, nil
}

// read adds the sections of r. strict is for our own lists: a header
// needs its label and points (scoring signals).
func (lex *Lexicon) read(r io.Reader, strict bool) ([]LineProblem, error) {
	var probs []LineProblem
	br := bufio.NewReader(r)
	cur, skipping := sigID(0), false
	inSection := false
	for n := 1; ; n++ {
		raw, err := br.ReadString('\n')
		if err != nil && err != io.EOF {
			return probs, err
		}
		if raw == "" && err == io.EOF {
			break
		}
		orig := strings.TrimRight(raw, "\r\n")
		line := orig
		if n == 1 {
			line = strings.TrimPrefix(line, "\uFEFF")
		}
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		bad := func(msg string) { probs = append(probs, LineProblem{Line: n, Text: orig, Msg: msg}) }
		switch {
		case line == "":
		case !utf8.ValidString(line):
			bad("不是UTF-8编码的文字 / not UTF-8 text")
		case line[0] == '[':
			id, msg := lex.header(line, strict)
			inSection = true
			if msg != "" {
				bad(msg + "；本节的词语已略过 / the section's words are skipped")
				skipping = true
			} else {
				cur, skipping = id, false
			}
		case !inSection:
			bad("词语前面没有 [信号] 一行 / a word before any [signal] header")
		case skipping:
		default:
			if msg := lex.word(cur, line); msg != "" {
				bad(msg)
			}
		}
		if err == io.EOF {
			break
		}
	}
	return probs, nil
}

// header reads "[signal] label points" and returns the signal, or a
// message saying what is wrong.
func (lex *Lexicon) header(line string, strict bool) (sigID, string) {
	end := strings.IndexByte(line, ']')
	if end < 0 {
		return 0, "节标题缺少“]” / header without ]"
	}
	name := strings.TrimSpace(line[1:end])
	id, ok := sigOf(Signal(name))
	if !ok {
		return 0, fmt.Sprintf("未知的信号“%s”，应为 %s / unknown signal", name, signalNames())
	}
	fields := strings.Fields(line[end+1:])
	weight, hasWeight := 0, false
	if len(fields) > 0 {
		if w, err := strconv.Atoi(fields[len(fields)-1]); err == nil {
			weight, hasWeight = w, true
			fields = fields[:len(fields)-1]
		}
	}
	label := strings.Join(fields, " ")
	switch {
	case hasWeight && (weight < -maxWeight || weight > maxWeight):
		return 0, fmt.Sprintf("分值应在 -%d 到 %d 之间 / points out of range", maxWeight, maxWeight)
	case strict && label == "":
		return 0, "缺少中文名 / missing label"
	case strict && !hasWeight:
		return 0, "缺少分值 / missing points"
	}
	d := &lex.defs[id]
	if label != "" {
		d.label = label
	}
	if hasWeight {
		d.weight = weight
	}
	if strict {
		d.defined = true
	}
	return id, ""
}

// word adds one word line to signal id, or says what is wrong with it.
func (lex *Lexicon) word(id sigID, line string) string {
	fields := strings.Fields(line)
	e := entry{sig: id}
	switch len(fields) {
	case 1:
	case 2:
		p, err := strconv.Atoi(fields[1])
		if err != nil {
			return "一行只写一个词语，后面可带一个分值 / one word a line, optionally followed by its points"
		}
		if signals[id].role == roleSuppressor {
			return "否定和转述的词语不带分值（分值写在节标题上）/ negation and others words take no points of their own"
		}
		if p < -maxWeight || p > maxWeight {
			return fmt.Sprintf("分值应在 -%d 到 %d 之间 / points out of range", maxWeight, maxWeight)
		}
		e.points, e.hasPoints = p, true
	default:
		return "一行只写一个词语，后面可带一个分值 / one word a line, optionally followed by its points"
	}
	w := fields[0]
	if strings.HasPrefix(w, "-") {
		e.except = true
		w = w[1:]
		if e.hasPoints {
			return "例外没有分值 / an exception takes no points"
		}
	}
	w = strings.ReplaceAll(strings.ReplaceAll(w, "...", "…"), "……", "…")
	total := 0
	for _, part := range strings.Split(w, "…") {
		rs := normalise(part)
		if len(rs) == 0 {
			return "空词语，或“…”前后缺字 / empty word, or nothing before or after …"
		}
		total += len(rs)
		e.parts = append(e.parts, rs)
	}
	if total > maxWordRunes {
		return fmt.Sprintf("词语太长（最多%d字）/ word longer than %d characters", maxWordRunes, maxWordRunes)
	}
	key := entryKey{sig: id, except: e.except, text: w}
	if i, ok := lex.seen[key]; ok {
		lex.entries[i] = e
		return ""
	}
	lex.seen[key] = len(lex.entries)
	lex.entries = append(lex.entries, e)
	return ""
}

func signalNames() string {
	var b strings.Builder
	for i, s := range signals {
		if i > 0 {
			b.WriteString("、")
		}
		b.WriteString(string(s.name))
	}
	return b.String()
}

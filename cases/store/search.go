package store

import (
	"strings"
	"unicode"
)

// The search index holds case text as tokens the FTS5 unicode61 tokenizer
// keeps whole: each run of CJK characters becomes its overlapping
// character bigrams plus its last character alone, and other words stay
// as lower-case words. FTS5's trigram tokenizer finds nothing for 1–2
// character terms (征地, 社保), which are most Chinese words; bigrams find
// them, and a longer term becomes a phrase of adjacent bigrams, which
// matches exactly where the term occurs.

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// runs splits text into CJK runs and other words, in order. Punctuation
// and spaces separate runs.
func runs(text string) (out []struct {
	cjk  bool
	text []rune
}) {
	var cur []rune
	curCJK := false
	flush := func() {
		if len(cur) > 0 {
			out = append(out, struct {
				cjk  bool
				text []rune
			}{curCJK, cur})
		}
		cur = nil
	}
	for _, r := range text {
		switch {
		case isCJK(r):
			if !curCJK {
				flush()
			}
			curCJK = true
			cur = append(cur, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if curCJK {
				flush()
			}
			curCJK = false
			cur = append(cur, unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

// indexText turns text into the token string stored in the index.
func indexText(text string) string {
	var b strings.Builder
	sep := func() {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
	}
	for _, r := range runs(text) {
		if !r.cjk {
			sep()
			b.WriteString(string(r.text))
			continue
		}
		for i := 0; i+1 < len(r.text); i++ {
			sep()
			b.WriteString(string(r.text[i : i+2]))
		}
		sep()
		b.WriteRune(r.text[len(r.text)-1])
	}
	return b.String()
}

// matchExpr turns a user's query into an FTS5 expression: every
// whitespace-separated term must occur. A term is a phrase of its tokens;
// when it ends in a single CJK character or in a word, that last token
// matches as a prefix (so 征 finds 征地, and "zhang" finds "zhangsan").
// It returns "" when the query has nothing to search for.
func matchExpr(query string) string {
	var terms []string
	for _, term := range strings.Fields(query) {
		var toks []string
		prefix := false
		for _, r := range runs(term) {
			prefix = !r.cjk || len(r.text) == 1
			if prefix {
				toks = append(toks, string(r.text))
				continue
			}
			for i := 0; i+1 < len(r.text); i++ {
				toks = append(toks, string(r.text[i:i+2]))
			}
		}
		if len(toks) == 0 {
			continue
		}
		t := `"` + strings.Join(toks, " ") + `"`
		if prefix {
			t += "*"
		}
		terms = append(terms, t)
	}
	return strings.Join(terms, " AND ")
}

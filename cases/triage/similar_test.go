package triage

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
)

// simCorpus is a Corpus over a slice, for tests.
type simCorpus []Doc

func (c simCorpus) Docs(_ context.Context, fn func(Doc) error) error {
	for _, d := range c {
		if err := fn(d); err != nil {
			return err
		}
	}
	return nil
}

func (c simCorpus) Doc(_ context.Context, id uuid.UUID) (Doc, error) {
	for _, d := range c {
		if d.ID == id {
			return d, nil
		}
	}
	return Doc{}, ErrNotFound
}

var simDay = time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)

// simBackground is a spread of unrelated cases, so that document
// frequencies are not those of a handful of cases.
func simBackground() []Doc {
	texts := []string{
		"邻居建房占用了我家的宅基地，多次协商未果，请求确权。",
		"小区物业乱收停车费，业主委员会不作为。",
		"医院收费不透明，住院费用明细拿不到。",
		"学校食堂饭菜质量差，家长多次反映没有改善。",
		"低保评定不公平，村干部亲属优先享受。",
		"养老保险转移接续办不下来，两地互相推诿。",
		"祖坟在修路时被平，骨殖去向不明。",
		"夜间施工噪音扰民，孩子睡不着觉。",
		"村里修路的账目不公开，怀疑有人虚报工程量。",
		"网购的家电质量有问题，商家拒绝退货。",
	}
	villages := []string{"东山村", "石桥村", "柳河村", "杨柳村", "新塘村"}
	var out []Doc
	for i := 0; i < 60; i++ {
		out = append(out, Doc{
			ID: uuid.New(), At: simDay.AddDate(0, 0, -7*i), Category: []string{"其他", "社保", "噪音"}[i%3],
			Text:   texts[i%len(texts)],
			People: []Person{{Name: "背景" + string(rune('甲'+i))}},
			Places: []string{villages[i%len(villages)]},
		})
	}
	return out
}

func simBuild(t *testing.T, docs ...Doc) *Index {
	t.Helper()
	x, err := Build(context.Background(), simCorpus(append(simBackground(), docs...)))
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func matchIDs(ms []Match) []uuid.UUID {
	var out []uuid.UUID
	for _, m := range ms {
		out = append(out, m.CaseID)
	}
	return out
}

func TestSimilarFindsParaphrase(t *testing.T) {
	a := Doc{ID: uuid.New(), At: simDay, Category: "征地补偿",
		Text: "2019年修建S305省道征收我家承包地2.5亩，补偿款至今未到账，要求乡政府说明去向。"}
	b := Doc{ID: uuid.New(), At: simDay.AddDate(0, -2, 0), Category: "征地补偿",
		Text: "S305省道建设时占了我们的承包地，说好的征地补偿款迟迟未发放，请求乡政府给个说法。"}
	x := simBuild(t, a, b)
	ms, err := Similar(x, a.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].CaseID != b.ID {
		t.Fatalf("the paraphrase is not the best match: %+v", ms)
	}
	if ms[0].Text <= 0 || !slices.ContainsFunc(ms[0].Words, func(w string) bool { return w == "s305省道" || w == "s305" }) {
		t.Errorf("explanation %+v: want the shared road named", ms[0])
	}
}

func TestSimilarBySharedParties(t *testing.T) {
	id := "431121197506046031"
	a := Doc{ID: uuid.New(), At: simDay, Category: "拖欠工资", Text: "包工头欠我工资三万元。",
		People: []Person{{Name: "吴宇", IDNumber: id}}, Respondents: []string{"盛隆建筑工程有限公司"}, Places: []string{"田心村"}}
	// Nothing of the text in common, the same person (typed with a
	// full-width space in the name) and the same firm.
	b := Doc{ID: uuid.New(), At: simDay.AddDate(0, -5, 0), Category: "拖欠工资", Text: "年底结算时老板跑路了。",
		People: []Person{{Name: "吴　宇", IDNumber: id}}, Respondents: []string{"盛隆建筑工程有限公司"}}
	x := simBuild(t, a, b)
	ms, err := Similar(x, a.ID, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].CaseID != b.ID {
		t.Fatalf("the case of the same petitioner is not the best match: %+v", ms)
	}
	m := ms[0]
	if !slices.Equal(m.People, []string{"吴宇"}) || !slices.Equal(m.Respondents, []string{"盛隆建筑工程有限公司"}) || m.Parties < 0.9 {
		t.Errorf("explanation %+v: want the petitioner and the firm, Parties ≥ 0.9", m)
	}
	if r := m.Reasons(); len(r) < 2 || r[0] != "同一信访人：吴宇" || r[1] != "同一被反映人：盛隆建筑工程有限公司" {
		t.Errorf("reasons %q", r)
	}
}

func TestSimilarWindowAndFilters(t *testing.T) {
	text := "凤形村36户村民联名反映：化工厂向小河偷排废水，河水发黑发臭。"
	mk := func(at time.Time, signers int) Doc {
		return Doc{ID: uuid.New(), At: at, Category: "环境污染", Text: text, Places: []string{"凤形村"},
			Respondents: []string{"华盛化工有限公司"}, Signers: signers, Collective: signers >= CollectiveSigners}
	}
	q := mk(simDay, 36)
	before := mk(simDay.AddDate(-1, 0, 0), 20)
	single := mk(simDay.AddDate(0, -1, 0), 1)
	after := mk(simDay.AddDate(0, 2, 0), 8)
	tooOld := mk(simDay.AddDate(-5, 0, -1), 30)
	x := simBuild(t, q, before, single, after, tooOld)

	all, err := x.Search(q.ID, Query{Limit: -1})
	if err != nil {
		t.Fatal(err)
	}
	if got := matchIDs(all); slices.Contains(got, tooOld.ID) || !slices.Contains(got, before.ID) || !slices.Contains(got, single.ID) || !slices.Contains(got, after.ID) {
		t.Errorf("within five years: %v; want before, single and after (not the one over five years old)", got)
	}
	earlier, _ := x.Search(q.ID, Query{Limit: -1, Before: true, Collective: true})
	if got := matchIDs(earlier); len(got) == 0 || got[0] != before.ID || slices.Contains(got, tooOld.ID) || slices.Contains(got, after.ID) || slices.Contains(got, single.ID) {
		t.Errorf("earlier collective: %v, want %v first and not the later, single or too old ones", got, before.ID)
	}
	// The nearer case in time scores higher, the text being the same.
	if all[0].CaseID != single.ID {
		t.Errorf("best %v, want the case a month before", all[0].CaseID)
	}
}

func TestIndexPutRemoveRefresh(t *testing.T) {
	a := Doc{ID: uuid.New(), At: simDay, Category: "噪音", Text: "新纪元商品混凝土公司夜间浇筑，噪音扰民。", Places: []string{"新塘村"}}
	b := Doc{ID: uuid.New(), At: simDay.AddDate(0, -1, 0), Category: "噪音", Text: "新纪元商品混凝土公司半夜还在施工。", Places: []string{"新塘村"}}
	docs := append(simBackground(), a)
	x, err := Build(context.Background(), simCorpus(docs))
	if err != nil {
		t.Fatal(err)
	}
	n := x.Len()
	if ms, _ := Similar(x, a.ID, 3); slices.Contains(matchIDs(ms), b.ID) {
		t.Fatal("found a case not yet put")
	}
	// A case stored later is read with Refresh.
	docs = append(docs, b)
	if err := x.Refresh(context.Background(), simCorpus(docs), b.ID); err != nil {
		t.Fatal(err)
	}
	if x.Len() != n+1 {
		t.Errorf("len %d after refresh, want %d", x.Len(), n+1)
	}
	ms, _ := Similar(x, a.ID, 3)
	if len(ms) == 0 || ms[0].CaseID != b.ID {
		t.Fatalf("after refresh: %+v, want %v first", ms, b.ID)
	}
	// Changed text: the old terms go.
	b.Text = "菜市场摊位费上涨。"
	b.Places = nil
	b.Category = "其他"
	if err := x.Put(b); err != nil {
		t.Fatal(err)
	}
	if ms, _ := Similar(x, a.ID, 3); slices.Contains(matchIDs(ms), b.ID) && ms[0].CaseID == b.ID {
		t.Errorf("the changed case still matches first: %+v", ms)
	}
	if !x.Remove(b.ID) || x.Remove(b.ID) {
		t.Error("Remove should report true once, then false")
	}
	if _, err := Similar(x, b.ID, 3); !errors.Is(err, ErrNotFound) {
		t.Errorf("search of a removed case: %v, want ErrNotFound", err)
	}
	// A case Refresh cannot find any more is removed.
	if err := x.Refresh(context.Background(), simCorpus(docs[:len(docs)-2]), a.ID); err != nil || x.Has(a.ID) {
		t.Errorf("refresh of a case gone: err %v, held %v", err, x.Has(a.ID))
	}
}

func TestSearchDocNotIndexed(t *testing.T) {
	a := Doc{ID: uuid.New(), At: simDay.AddDate(0, -3, 0), Category: "拆迁安置", Text: "安置房分配不公，有人不在本村居住却分到了房。", Places: []string{"三星村"}}
	x := simBuild(t, a)
	d := Doc{ID: uuid.New(), At: simDay, Category: "拆迁安置", Text: "安置房分给了不在村里住的人，我们符合条件的却没有分到。", Places: []string{"三星村"}}
	ms := x.SearchDoc(d, Query{Limit: 3})
	if len(ms) == 0 || ms[0].CaseID != a.ID {
		t.Fatalf("SearchDoc: %+v, want %v first", ms, a.ID)
	}
	if x.Has(d.ID) {
		t.Error("SearchDoc put the case in the index")
	}
}

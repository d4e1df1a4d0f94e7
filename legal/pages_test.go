package legal

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const pagesPrefix = "/statutes"

// pagesOf serves lib under pagesPrefix.
func pagesOf(lib *Library) http.Handler {
	return Pages(func() *Library { return lib }, PagesOptions{Prefix: pagesPrefix})
}

// fetch sends one request to h.
func fetch(t testing.TB, h http.Handler, method, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// page gets a page that must be there.
func page(t testing.TB, h http.Handler, path string) string {
	t.Helper()
	w := fetch(t, h, http.MethodGet, path)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	if cc := w.Header().Get("Cache-Control"); cc != "public, max-age=600" {
		t.Errorf("GET %s: Cache-Control %q", path, cc)
	}
	return w.Body.String()
}

// escaped is s as html/template writes it in text.
func escaped(t testing.TB, s string) string {
	t.Helper()
	var b strings.Builder
	if err := template.Must(template.New("").Parse("{{.}}")).Execute(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var (
	crumbsRE  = regexp.MustCompile(`(?s)<nav class="crumbs"[^>]*>(.*?)</nav>`)
	entriesRE = regexp.MustCompile(`(?s)<ul class="entries">(.*?)</ul>`)
	hrefRE    = regexp.MustCompile(`href="([^"]*)"`)
)

// hrefs are the link targets in the part of body that re matches.
func hrefs(body string, re *regexp.Regexp) []string {
	var out []string
	m := re.FindStringSubmatch(body)
	if m == nil {
		return nil
	}
	for _, h := range hrefRE.FindAllStringSubmatch(m[1], -1) {
		out = append(out, h[1])
	}
	return out
}

func addresses(nodes []*Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = pagesPrefix + "/" + n.ID
	}
	return out
}

// checkNodePage checks the page of n in lib: its name, summary,
// official text, breadcrumbs and children.
func checkNodePage(t *testing.T, lib *Library, h http.Handler, n *Node) {
	t.Helper()
	body := page(t, h, pagesPrefix+"/"+n.ID)
	if !strings.Contains(body, "<h1>"+escaped(t, n.Name())+"</h1>") {
		t.Errorf("%s: the page does not name it %q", n.ID, n.Name())
	}
	if n.Summary != "" && (!strings.Contains(body, escaped(t, n.Summary)) || !strings.Contains(body, "通俗解释") || !strings.Contains(body, "不是法律原文")) {
		t.Errorf("%s: the summary is missing or not marked as an explanation", n.ID)
	}
	for _, p := range n.Text {
		for _, line := range append([]string{p.Text}, p.Items...) {
			if !strings.Contains(body, escaped(t, line)) {
				t.Errorf("%s: the official text lacks %q", n.ID, line)
			}
		}
	}
	if n.Kind == KindArticle && len(n.Text) == 0 && !strings.Contains(body, "官方原文尚未导入") {
		t.Errorf("%s: no text, and the page does not say so", n.ID)
	}
	law := lib.Law(n.Code())
	if !strings.Contains(body, "以国家正式公布的法律法规原文为准") || (law.Link != "" && !strings.Contains(body, escaped(t, law.Link))) {
		t.Errorf("%s: the note or the law's link %q is missing", n.ID, law.Link)
	}
	if got, want := hrefs(body, crumbsRE), append([]string{pagesPrefix + "/"}, addresses(n.Path())...); !slices.Equal(got, want) {
		t.Errorf("%s: breadcrumbs %q, want %q", n.ID, got, want)
	}
	if got, want := hrefs(body, entriesRE), addresses(n.Children); !slices.Equal(got, want) {
		t.Errorf("%s: children %q, want %q", n.ID, got, want)
	}
}

// Every node we ship has a page with its summary, breadcrumbs to its
// law and headings, and links to the nodes under it.
func TestPagesEveryShippedNode(t *testing.T) {
	lib := shippedLibrary(t)
	h := pagesOf(lib)
	n := 0
	for _, law := range lib.Laws() {
		for node := range law.Root.All() {
			checkNodePage(t, lib, h, node)
			n++
		}
	}
	if n < 341 {
		t.Errorf("%d nodes, want the 341 articles and more", n)
	}
	index := page(t, h, pagesPrefix+"/")
	var laws []*Node
	for _, l := range lib.Laws() {
		laws = append(laws, l.Root)
	}
	if got, want := hrefs(index, entriesRE), addresses(laws); !slices.Equal(got, want) {
		t.Errorf("index links %q, want %q", got, want)
	}
}

// Following the links from the index — breadcrumbs, children, previous
// and next — reaches every node's page, and every link answers.
func TestPagesLinksResolve(t *testing.T) {
	lib := shippedLibrary(t)
	h := pagesOf(lib)
	seen := map[string]bool{pagesPrefix + "/": true}
	queue := []string{pagesPrefix + "/"}
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		body := page(t, h, path)
		for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
			target := m[1]
			if !strings.HasPrefix(target, pagesPrefix+"/") {
				t.Fatalf("%s links outside the pages: %q", path, target)
			}
			if !seen[target] {
				seen[target] = true
				queue = append(queue, target)
			}
		}
	}
	for _, law := range lib.Laws() {
		for n := range law.Root.All() {
			if !seen[pagesPrefix+"/"+n.ID] {
				t.Errorf("%s cannot be reached from the index", n.ID)
			}
		}
	}
}

// With the official texts imported, every page shows its article's
// paragraphs and items.
func TestPagesOfficialText(t *testing.T) {
	lib := fullLibrary(t)
	h := pagesOf(lib)
	for _, law := range lib.Laws() {
		if !law.HasText() {
			t.Errorf("%s: no official text", law.Code)
		}
		for n := range law.Root.All() {
			checkNodePage(t, lib, h, n)
		}
	}
	body := page(t, h, pagesPrefix+"/xfgztl/5")
	for _, want := range []string{"<p>信访工作应当遵循下列原则：</p>", `<p class="item">（一）坚持党的全面领导。`} {
		if !strings.Contains(body, want) {
			t.Errorf("xfgztl/5 lacks %q", want)
		}
	}
}

// Summaries, titles and imported text are shown as text, never as markup.
func TestPagesEscape(t *testing.T) {
	shipped, err := LoadShipped(shippedFS(map[string]string{"xfgztl.json": `{"code": "xfgztl", "title": "信访工作条例", "version": "2022-02-25",
	  "link": "javascript:alert(1)", "articles": [
	  {"number": 34, "path": ["第四章 <b>办理</b>"], "title": "期限<i>&</i>", "summary": "<script>alert(\"摘要\")</script>一般60天内办完。", "categories": []}]}`}))
	if err != nil {
		t.Fatal(err)
	}
	imported := mustParse(t, "恶意法.md", "# <img src=x onerror=alert(1)>条例\n\n<!-- INFO END -->\n\n第一条 <script>alert('原文')</script>\n（一）<a href=\"http://example.com\">项</a>\n")
	lib, err := NewLibrary(shipped, []*Law{imported})
	if err != nil {
		t.Fatal(err)
	}
	h := pagesOf(lib)
	for _, path := range []string{"/", "/xfgztl", "/xfgztl/ch4", "/xfgztl/34", "/" + imported.Code, "/" + imported.Code + "/1", "/<script>"} {
		w := fetch(t, h, http.MethodGet, pagesPrefix+path)
		body := w.Body.String()
		for _, bad := range []string{"<script", "<b>", "<i>", "<img", "<a href=\"http://example.com", `href="javascript:`} {
			if strings.Contains(body, bad) {
				t.Errorf("%s: %q unescaped:\n%s", path, bad, body)
			}
		}
	}
	body := page(t, h, pagesPrefix+"/xfgztl/34")
	if !strings.Contains(body, "&lt;script&gt;alert(&#34;摘要&#34;)&lt;/script&gt;一般60天内办完。") {
		t.Errorf("the summary is not shown escaped:\n%s", body)
	}
	if body := page(t, h, pagesPrefix+"/"+imported.Code+"/1"); !strings.Contains(body, "&lt;script&gt;alert(&#39;原文&#39;)&lt;/script&gt;") {
		t.Errorf("the official text is not shown escaped:\n%s", body)
	}
}

// A page is whole by itself: a phone's viewport, UTF-8, no script, no
// style sheet, font or image to fetch.
func TestPagesSelfContained(t *testing.T) {
	lib := shippedLibrary(t)
	h := pagesOf(lib)
	for _, path := range []string{"/", "/xfgztl", "/xfgztl/ch4", "/xfgztl/34", "/mfdwqb/p2/sp2/ch7", "/nosuch"} {
		w := fetch(t, h, http.MethodGet, pagesPrefix+path)
		body := w.Body.String()
		for _, want := range []string{`<html lang="zh-CN">`, `<meta charset="utf-8">`, `<meta name="viewport" content="width=device-width, initial-scale=1">`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s lacks %s", path, want)
			}
		}
		for _, bad := range []string{"<script", " src=", "<link", "url(", "@import", "http://", "https://"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s has %q", path, bad)
			}
		}
		if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
	}
}

func TestPagesRequests(t *testing.T) {
	lib := shippedLibrary(t)
	h := pagesOf(lib)

	for _, path := range []string{"/statutes/nosuch", "/statutes/xfgztl/9999", "/statutes/xfgztl/ch99", "/statutes/XFGZTL", "/elsewhere/xfgztl", "/statutes"} {
		w := fetch(t, h, http.MethodGet, path)
		if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "没有找到") ||
			w.Header().Get("Content-Type") != "text/html; charset=utf-8" || w.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: %d %v\n%s", path, w.Code, w.Header(), w.Body)
		}
	}
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodOptions} {
		w := fetch(t, h, method, "/statutes/xfgztl/34")
		if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" || !strings.Contains(w.Body.String(), "只能查看") {
			t.Errorf("%s: %d %v", method, w.Code, w.Header())
		}
	}
	get := fetch(t, h, http.MethodGet, "/statutes/xfgztl/34")
	head := fetch(t, h, http.MethodHead, "/statutes/xfgztl/34")
	if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Content-Length") != get.Header().Get("Content-Length") ||
		head.Header().Get("ETag") == "" || head.Header().Get("ETag") != get.Header().Get("ETag") {
		t.Errorf("HEAD: %d %v, GET %v", head.Code, head.Header(), get.Header())
	}
	if w := fetch(t, h, http.MethodGet, "/statutes/xfgztl/34", "If-None-Match", get.Header().Get("ETag")); w.Code != http.StatusNotModified {
		t.Errorf("asked again with the ETag: %d", w.Code)
	}
	if w := fetch(t, h, http.MethodGet, "/statutes/xfgztl/34/"); w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "/statutes/xfgztl/34" {
		t.Errorf("trailing slash: %d %v", w.Code, w.Header())
	}

	// The library may change between requests (the hub rebuilds it after
	// an import), or not be there yet.
	var current *Library
	swap := Pages(func() *Library { return current }, PagesOptions{Prefix: "/statutes/", MaxAge: -1})
	if w := fetch(t, swap, http.MethodGet, "/statutes/xfgztl/34"); w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "稍后再试") {
		t.Errorf("no library: %d", w.Code)
	}
	current = newFixture(t).lib
	if w := fetch(t, swap, http.MethodGet, "/statutes/xfgztl/34"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "信访事项应当自受理之日起60日内办结。") {
		t.Errorf("fixture library: %d", w.Code)
	}
	if w := fetch(t, swap, http.MethodGet, "/statutes/xfgztl/1"); w.Code != http.StatusNotFound {
		t.Errorf("an article the fixture lacks: %d", w.Code)
	}
	current = lib
	if w := fetch(t, swap, http.MethodGet, "/statutes/xfgztl/17"); w.Code != http.StatusOK || w.Header().Get("Cache-Control") != "public, max-age=600" {
		t.Errorf("shipped library: %d %v", w.Code, w.Header())
	}

	// At the root.
	root := Pages(func() *Library { return lib }, PagesOptions{})
	body := page(t, root, "/")
	if !strings.Contains(body, `href="/xfgztl"`) {
		t.Errorf("index at the root does not link /xfgztl")
	}
	if got := hrefs(page(t, root, "/xfgztl/34"), crumbsRE); !slices.Equal(got, []string{"/", "/xfgztl", "/xfgztl/ch4"}) {
		t.Errorf("breadcrumbs at the root: %q", got)
	}
}

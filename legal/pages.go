package legal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// PagesOptions configure Pages.
type PagesOptions struct {
	// Prefix is the path the pages are served under, without a trailing
	// slash ("/statutes"), so that the node xfgztl/34 is at
	// /statutes/xfgztl/34 and the list of laws at /statutes/. Links in the
	// pages include it; a request outside it is not found. "" serves the
	// pages at the root.
	Prefix string
	// MaxAge is how long a browser or proxy may keep a page before asking
	// again (Cache-Control max-age); 0 means 10 minutes. A page also
	// carries an ETag, so asking again costs a 304 when nothing changed.
	MaxAge time.Duration
}

// defaultMaxAge is how long a page is kept when PagesOptions do not say.
const defaultMaxAge = 10 * time.Minute

// Pages serves the statute tree as small Chinese HTML pages for a
// petitioner's phone: GET {Prefix}/ lists the laws and GET {Prefix}/{id}
// shows one node (see the package doc for ids): where it sits (links to
// the law and headings above it), its name, our plain-language summary
// marked as an explanation and not the law, the official text when it
// has been imported, the nodes under it as links, where to read the
// official text, and a note that the official text governs.
//
// lib is called once a request and may return a different library each
// time (the hub rebuilds its library after an import); nil answers 503.
// The pages need no JavaScript and load nothing else (the style is
// inline); everything shown is HTML-escaped. Only GET and HEAD are
// answered (405 otherwise); an unknown id gets a Chinese 404 page.
func Pages(lib func() *Library, o PagesOptions) http.Handler {
	o.Prefix = strings.TrimRight(o.Prefix, "/")
	if o.MaxAge <= 0 {
		o.MaxAge = defaultMaxAge
	}
	return &pages{lib: lib, o: o}
}

type pages struct {
	lib func() *Library
	o   PagesOptions
}

func (p *pages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	// Nothing but the page itself and its inline style may load.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		p.problem(w, http.StatusMethodNotAllowed, "不支持此操作", "法律法规页面只能查看（GET），不能提交。")
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, p.o.Prefix+"/")
	if !ok {
		p.notFound(w)
		return
	}
	if trimmed := strings.TrimRight(rest, "/"); trimmed != rest {
		// xfgztl/34/ is xfgztl/34: one address a page.
		target := p.href(trimmed)
		if trimmed == "" {
			target = p.home()
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return
	}
	lib := p.lib()
	if lib == nil {
		h.Set("Retry-After", "60")
		p.problem(w, http.StatusServiceUnavailable, "暂时无法查看", "法律法规库正在准备中，请稍后再试。")
		return
	}
	var view pageView
	var name string
	if rest == "" {
		view, name = p.indexView(lib), "index"
	} else {
		n := lib.Node(rest)
		if n == nil {
			p.notFound(w)
			return
		}
		view, name = p.nodeView(lib, n), "node"
	}
	var buf bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&buf, name, view); err != nil {
		p.problem(w, http.StatusInternalServerError, "页面出错", "页面生成失败，请稍后再试。")
		return
	}
	sum := sha256.Sum256(buf.Bytes())
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(p.o.MaxAge/time.Second)))
	h.Set("ETag", `"`+hex.EncodeToString(sum[:12])+`"`)
	// ServeContent answers HEAD, If-None-Match (304) and ranges.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(buf.Bytes()))
}

func (p *pages) notFound(w http.ResponseWriter) {
	p.problem(w, http.StatusNotFound, "没有找到这一页", "没有这条法律法规或条文。地址可能输错了，或者这部法律还没有收录。")
}

// problem answers status with a short Chinese page, never cached.
func (p *pages) problem(w http.ResponseWriter, status int, title, msg string) {
	var buf bytes.Buffer
	pageTemplates.ExecuteTemplate(&buf, "problem", pageView{Title: title, Home: p.home(), Message: msg})
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (p *pages) home() string          { return p.o.Prefix + "/" }
func (p *pages) href(id string) string { return p.o.Prefix + "/" + id }

// link is a link to a page.
type link struct {
	Href, Text string
}

// entry is a node in a list: its link and a line under it.
type entryView struct {
	link
	Note    string // 第十四条至第二十四条, or the start of the summary or text
	Summary bool   // it has our summary
}

// lawView is what every page of a law says about the law.
type lawView struct {
	Title   string
	Version string // "2022-02-25", or "" when not known
	Link    string // where to read the official text, as we ship it
	URL     string // Link, when it is an http(s) address
	HasText bool   // official text imported
}

// pageView is what a template shows.
type pageView struct {
	Title   string // of the browser tab
	Home    string
	Crumbs  []link
	Heading string
	Law     *lawView
	Summary string
	Article bool        // the node is an article
	Text    []Paragraph // official text of an article
	Count   string      // how many articles a law or heading has here
	Entries []entryView // the nodes under it, or the laws on the index
	Prev    *link
	Next    *link
	Message string // of a problem page
}

func (p *pages) indexView(lib *Library) pageView {
	v := pageView{Title: "法律法规", Home: p.home(), Heading: "法律法规"}
	for _, l := range lib.Laws() {
		note := strconv.Itoa(len(l.Articles())) + " 条"
		if l.HasText() {
			note += "，含官方原文"
		} else {
			note += "（只有通俗解释，官方原文尚未导入）"
		}
		if l.Version != "" {
			note = l.Version + " 版，" + note
		}
		v.Entries = append(v.Entries, entryView{link: link{p.href(l.Code), l.Title}, Note: note})
	}
	return v
}

func (p *pages) nodeView(lib *Library, n *Node) pageView {
	law := lib.Law(n.Code())
	lv := &lawView{Title: law.Title, Version: law.Version, Link: law.Link, HasText: law.HasText()}
	if strings.HasPrefix(law.Link, "https://") || strings.HasPrefix(law.Link, "http://") {
		lv.URL = law.Link
	}
	v := pageView{Home: p.home(), Law: lv, Heading: n.Name(), Summary: n.Summary,
		Article: n.Kind == KindArticle, Text: n.Text}
	v.Crumbs = append(v.Crumbs, link{p.home(), "法律法规"})
	for _, a := range n.Path() {
		v.Crumbs = append(v.Crumbs, link{p.href(a.ID), a.Name()})
	}
	v.Title = n.Name()
	if n.Kind != KindLaw {
		v.Title = law.Title + " " + n.Name()
	}
	if n.Kind == KindArticle {
		arts := law.Articles()
		for i, a := range arts {
			if a != n {
				continue
			}
			if i > 0 {
				v.Prev = &link{p.href(arts[i-1].ID), arts[i-1].Name()}
			}
			if i+1 < len(arts) {
				v.Next = &link{p.href(arts[i+1].ID), arts[i+1].Name()}
			}
		}
		return v
	}
	articles, summarised := 0, 0
	for d := range n.All() {
		if d.Kind == KindArticle {
			articles++
			if d.Summary != "" {
				summarised++
			}
		}
	}
	switch {
	case articles == 0:
	case lv.HasText:
		v.Count = "共 " + strconv.Itoa(articles) + " 条，其中 " + strconv.Itoa(summarised) + " 条有通俗解释。"
	default:
		v.Count = "收录 " + strconv.Itoa(articles) + " 条（有通俗解释的条文）。"
	}
	for _, c := range n.Children {
		e := entryView{link: link{p.href(c.ID), c.Name()}, Summary: c.Summary != ""}
		switch {
		case c.Kind != KindArticle:
			e.Note = articleRange(c)
		case c.Summary != "":
			e.Note = clip(c.Summary, 40)
		case len(c.Text) > 0:
			e.Note = clip(strings.ReplaceAll(c.FullText(), "\n", " "), 40)
		}
		v.Entries = append(v.Entries, e)
	}
	return v
}

// articleRange is the articles under a heading: 第十四条至第二十四条.
func articleRange(n *Node) string {
	var first, last *Node
	for d := range n.All() {
		if d.Kind == KindArticle {
			if first == nil {
				first = d
			}
			last = d
		}
	}
	switch {
	case first == nil:
		return ""
	case first == last:
		return first.Label
	}
	return first.Label + "至" + last.Label
}

// clip is s cut to at most n characters, with an ellipsis when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// pageTemplates are the pages: index, node and problem, on one layout.
var pageTemplates = template.Must(template.New("pages").Parse(`
{{define "head"}}<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{margin:0;background:#fff;color:#1a1a1a;font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;font-size:20px;line-height:1.75;-webkit-text-size-adjust:100%}
main{max-width:40em;margin:0 auto;padding:.8em 1em 2em}
a{color:#0645ad}
nav.crumbs{font-size:.85em;color:#555}
nav.crumbs a{display:inline-block;padding:.2em 0}
h1{font-size:1.45em;line-height:1.4;margin:.5em 0}
h2{font-size:1.05em;margin:0 0 .3em}
.kind{font-size:.8em;color:#555}
.summary{background:#fff7db;border-left:6px solid #e0a800;padding:.6em 1em;margin:1em 0}
.summary .label{font-size:.85em;color:#6b5200}
.text{margin:1em 0}
.text p{margin:.5em 0;text-indent:2em}
.text p.item{text-indent:0;padding-left:1em}
.missing{color:#555}
ul.entries{list-style:none;padding:0;margin:1em 0}
ul.entries li{border-bottom:1px solid #ddd}
ul.entries a{display:block;padding:.55em .2em 0;text-decoration:none;font-weight:bold}
ul.entries .note{display:block;padding:0 .2em .55em;font-size:.85em;color:#555}
nav.turn{display:flex;justify-content:space-between;gap:1em;margin:1.5em 0;font-size:.9em}
.about{font-size:.85em;color:#444;border-top:1px solid #ccc;margin-top:2em;padding-top:.6em}
</style>
</head>
<body>
<main>
{{end}}

{{define "foot"}}
<p class="about">说明：“通俗解释”是为了帮助理解而写的说明，不是法律条文，也不具有法律效力；一切以国家正式公布的法律法规原文为准。{{with .Law}}{{if .Link}}<br>官方原文：{{if .URL}}<a href="{{.URL}}">{{.Link}}</a>{{else}}{{.Link}}{{end}}{{end}}{{end}}</p>
</main>
</body>
</html>
{{end}}

{{define "entries"}}{{if .}}<ul class="entries">
{{range .}}<li><a href="{{.Href}}">{{.Text}}</a>{{if or .Note .Summary}}<span class="note">{{if .Summary}}【通俗解释】{{end}}{{.Note}}</span>{{end}}</li>
{{end}}</ul>{{end}}{{end}}

{{define "index"}}{{template "head" .}}
<h1>{{.Heading}}</h1>
<p>这里收录了接访中常用的法律法规。重要条文附有“通俗解释”，用平常话说明这一条讲的是什么。</p>
{{template "entries" .Entries}}
{{template "foot" .}}{{end}}

{{define "node"}}{{template "head" .}}
<nav class="crumbs" aria-label="位置">{{range $i, $c := .Crumbs}}{{if $i}} › {{end}}<a href="{{$c.Href}}">{{$c.Text}}</a>{{end}}</nav>
<h1>{{.Heading}}</h1>
{{with .Law}}<p class="kind">{{.Title}} · {{if .Version}}{{.Version}} 版{{else}}版本未注明{{end}}{{if not .HasText}} · 官方原文尚未导入{{end}}</p>{{end}}
{{if .Summary}}<section class="summary">
<h2>通俗解释</h2>
<p class="label">（帮助理解的说明，不是法律原文）</p>
<p>{{.Summary}}</p>
</section>{{end}}
{{if .Article}}<section class="text">
<h2>法律原文</h2>
{{range .Text}}{{if .Text}}<p>{{.Text}}</p>
{{end}}{{range .Items}}<p class="item">{{.}}</p>
{{end}}{{else}}<p class="missing">本条的官方原文尚未导入。请以国家正式公布的文本为准{{with .Law}}{{if .Link}}（{{.Link}}）{{end}}{{end}}。</p>
{{end}}</section>{{end}}
{{with .Count}}<p>{{.}}</p>{{end}}
{{template "entries" .Entries}}
{{if or .Prev .Next}}<nav class="turn">{{with .Prev}}<a href="{{.Href}}" rel="prev">‹ {{.Text}}</a>{{else}}<span></span>{{end}}{{with .Next}}<a href="{{.Href}}" rel="next">{{.Text}} ›</a>{{end}}</nav>{{end}}
{{template "foot" .}}{{end}}

{{define "problem"}}{{template "head" .}}
<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
<p><a href="{{.Home}}">返回法律法规目录</a></p>
{{template "foot" .}}{{end}}
`))

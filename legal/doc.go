// Package legal holds the statute trees (法条树) of step 5 of the
// interview, 法律导航: the laws a reception desk needs, their headings and
// articles, the plain-language summaries we wrote for the articles a
// petitioner most needs, and the search and per-category suggestions
// over them.
//
// # Where the content comes from
//
// Two sources meet here. The summaries ship with the desk in
// assets.Statutes as legal/<code>.json (see LoadShipped): for each
// article we chose, where it sits in its law, a short title, a summary
// in plain words and the case categories it bears on. The official text
// is imported separately from Markdown files (see ParseMarkdown) and
// stored elsewhere as a compact JSON blob (see Marshal). NewLibrary
// merges the two: an imported law gives the tree its structure and
// text, and each shipped summary is attached to the imported article of
// the same number. A law with no imported text is shown as the sparse
// tree of its shipped articles.
//
// # Node ids
//
// Every node has a stable id, used in links, QR codes and pinned
// citations:
//
//	xfgztl               a law: its code (see LawCode)
//	xfgztl/34            an article: law code "/" article number
//	mfdwqb/288           (articles are numbered through the whole law, so
//	                     the id does not depend on the headings above)
//	xfgztl/ch4           a heading: the law code, then one segment per
//	mfdwqb/p2/sp1/ch1    heading from the top down: p<n> 编 (part),
//	msssf/p3/ch19/s1     sp<n> 分编 (subpart), ch<n> 章 (chapter),
//	                     s<n> 节 (section), n in Arabic digits
//
// Paragraphs (款) and items (项) are not nodes: they are the text of
// their article.
//
// Nodes handed out by a Library are shared and must be treated as
// read-only; a Library is safe for concurrent use.
package legal

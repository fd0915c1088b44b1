/* md_safe.c: users' Markdown made safe to show; see md_safe.h.
 *
 * The tree is walked once to collect what must change, and changed after the walk: a
 * cmark iterator may only see the tree change at the node it stands on. */
#include "render/md_safe.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int md_safe_url(const char *url)
{
	if (!url)
		return 1;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			return 0;
	if (url[0] == ' ')
		return 0;
	size_t scheme = strcspn(url, ":/?#");
	if (url[scheme] != ':')
		return 1;   /* no scheme: relative */
	static const char *const kept[] = {"http", "https", "mailto"};
	for (size_t i = 0; i < sizeof kept / sizeof *kept; i++)
		if (strlen(kept[i]) == scheme && strncasecmp(url, kept[i], scheme) == 0)
			return 1;
	return 0;
}

static int is_html(cmark_node *n)
{
	cmark_node_type t = cmark_node_get_type(n);
	return t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE;
}

static int is_unsafe_link(cmark_node *n)
{
	cmark_node_type t = cmark_node_get_type(n);
	return (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) && !md_safe_url(cmark_node_get_url(n));
}

int md_unsafe(cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	int unsafe = 0;
	for (cmark_event_type ev; !unsafe && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
		cmark_node *n = cmark_iter_get_node(it);
		unsafe = ev == CMARK_EVENT_ENTER && (is_html(n) || is_unsafe_link(n));
	}
	cmark_iter_free(it);
	return unsafe;
}

static cmark_node *text_node(const char *s, size_t n)
{
	char *copy = xstrndup(s, n);
	cmark_node *text = cmark_node_new(CMARK_NODE_TEXT);
	cmark_node_set_literal(text, copy);
	free(copy);
	return text;
}

/* A paragraph of literal text, its lines kept as lines (soft breaks: a text node cannot
 * hold a line break, cmark would write it as an entity). */
static cmark_node *paragraph_of(const char *literal)
{
	cmark_node *para = cmark_node_new(CMARK_NODE_PARAGRAPH);
	const char *p = literal ? literal : "";
	for (;;) {
		size_t n = strcspn(p, "\n");
		cmark_node_append_child(para, text_node(p, n));
		p += n;
		if (!*p || !p[1])   /* the literal's own last newline ends it */
			break;
		cmark_node_append_child(para, cmark_node_new(CMARK_NODE_SOFTBREAK));
		p++;
	}
	return para;
}

/* Replaces node n (collected by md_safe_tree) and frees it. */
static void make_safe(cmark_node *n)
{
	const char *lit = cmark_node_get_literal(n);
	cmark_node *repl = NULL;
	if (cmark_node_get_type(n) == CMARK_NODE_HTML_BLOCK)
		repl = paragraph_of(lit);
	else if (cmark_node_get_type(n) == CMARK_NODE_HTML_INLINE)
		repl = text_node(lit ? lit : "", lit ? strlen(lit) : 0);
	if (repl) {
		cmark_node_replace(n, repl);
	} else {   /* a link or image: its contents take its place */
		for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_first_child(n))
			cmark_node_insert_before(n, c);
		cmark_node_unlink(n);
	}
	cmark_node_free(n);
}

void md_safe_tree(cmark_node *doc)
{
	size_t n = 0, cap = 16;
	cmark_node **todo = xcalloc(cap, sizeof *todo);
	cmark_iter *it = cmark_iter_new(doc);
	for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
		cmark_node *node = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || !(is_html(node) || is_unsafe_link(node)))
			continue;
		if (n == cap)
			todo = xrealloc(todo, (cap *= 2) * sizeof *todo);
		todo[n++] = node;
	}
	cmark_iter_free(it);
	/* in document order: a link is undone before an image inside it moves */
	for (size_t i = 0; i < n; i++)
		make_safe(todo[i]);
	free(todo);
}

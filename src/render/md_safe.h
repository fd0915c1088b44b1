/* md_safe.h: users' Markdown made safe to show, as a cmark tree, for the renderers that
 * turn it into HTML (plan_html.c) or back into Markdown (markdown.c).
 *
 * Two things a user may write must not reach a reader as markup: raw HTML, which is
 * shown as the text it is (never dropped: "<Haikou DRC>" is a name, not a tag), and a
 * link or image whose address could run code or leave the web (javascript:, data:,
 * file:, vbscript: ...), which is shown as its text. Kept addresses: http, https, mailto,
 * and relative ones (no scheme). */
#ifndef C2C_MD_SAFE_H
#define C2C_MD_SAFE_H
#include <cmark.h>

/* 1 when a link to url may be kept: http:, https:, mailto: or no scheme at all; 0 for
 * any other scheme, and for an address with control characters or a leading space
 * (which browsers strip before reading the scheme). url as cmark gives it (entities and
 * escapes decoded); NULL is kept (no address). */
int md_safe_url(const char *url);

/* Rewrites the tree under doc in place: raw HTML blocks become paragraphs of their text,
 * raw inline HTML becomes text, and unsafe links and images are replaced by their
 * contents. Memory that cannot be allocated ends the process, as cmark's own does. */
void md_safe_tree(cmark_node *doc);

/* 1 when the tree under doc holds raw HTML or an unsafe link or image. */
int md_unsafe(cmark_node *doc);

#endif

/* html.h: the one place HTML is written from values.
 *
 * html_printf() is the short, safe call: its %s escapes for text and attribute context
 * (both quoted), %u percent-encodes a URL path segment or query value, and only %R
 * inserts markup as it is, for HTML this program generated itself. The format must be a
 * string literal (scripts/codecheck enforces it). Conversions: %s %u %R %d %ld %lld %zu %%.
 *
 * Pages are built as: html_page_begin(); html_printf()...; return html_page_end(). */
#ifndef C2C_HTML_H
#define C2C_HTML_H
#include "core/errors.h"
#include "util/buf.h"
#include "web/req.h"

void html_text(struct buf *b, const char *s);        /* & < > " ' escaped; NULL writes nothing */
void html_text_n(struct buf *b, const char *s, size_t n);   /* the first n bytes of s */
void html_url_arg(struct buf *b, const char *s);     /* RFC 3986 unreserved kept, rest %XX */
void html_printf(struct buf *b, const char *fmt, ...);

/* The layout: head, skip link, site header with navigation (`section` marks the current
 * item: "cooperations", "cities", "api"), then <main>. */
void html_page_begin(struct req *r, const char *title, const char *section);
int html_page_end(struct req *r, int status);
void html_error_page(struct req *r, int status, const struct errors *errs);

/* Small pieces used on several pages. */
void html_number(struct buf *b, long long n);            /* 2 270 000 with thin spaces */
void html_area(struct buf *b, double km2);               /* 7 434.4 km² */
void html_date(struct buf *b, const char *iso);          /* "July 2018" from "2018-07" */
void html_country(struct buf *b, const char *code);      /* "France" from "FR" */

#endif

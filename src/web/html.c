/* html.c: escapers, the layout and small formatting helpers; see html.h. */
#include "web/html.h"
#include "core/country.h"
#include "web/reply.h"
#include "util/date.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void html_text(struct buf *b, const char *s)
{
	if (s)
		html_text_n(b, s, strlen(s));
}

void html_text_n(struct buf *b, const char *s, size_t n)
{
	const char *run = s, *end = s + n;
	for (; s < end; s++) {
		const char *rep;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_append(b, run, (size_t)(s - run));
		buf_puts(b, rep);
		run = s + 1;
	}
	buf_append(b, run, (size_t)(s - run));
}

void html_url_arg(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!s)
		return;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			buf_putc(b, (char)*p);
		} else {
			char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			buf_append(b, enc, 3);
		}
	}
}

void html_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *run = fmt;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		buf_append(b, run, (size_t)(p - run));
		switch (*++p) {
		case 's': html_text(b, va_arg(ap, const char *)); break;
		case 'u': html_url_arg(b, va_arg(ap, const char *)); break;
		case 'R': buf_puts(b, va_arg(ap, const char *)); break;
		case 'd': buf_printf(b, "%d", va_arg(ap, int)); break;
		case 'z': p++; buf_printf(b, "%zu", va_arg(ap, size_t)); break;
		case 'l':
			if (p[1] == 'l') {
				p += 2;
				buf_printf(b, "%lld", va_arg(ap, long long));
			} else {
				p++;
				buf_printf(b, "%ld", va_arg(ap, long));
			}
			break;
		case '%': buf_putc(b, '%'); break;
		default: buf_putc(b, '?'); break;   /* unknown conversion: codecheck rejects it */
		}
		run = p + 1;
	}
	buf_puts(b, run);
	va_end(ap);
}

static const struct { const char *section, *href, *label; } nav[] = {
	{"cooperations", "/", "Cooperations"},
	{"cities", "/cities", "Cities"},
	{"plans", "/plans", "Action plans"},
	{"api", "/api/v1", "Open data"},
};

/* Who is signed in, in the site header: a link to sign in for visitors; the login and
 * role, and a sign-out button (a POST form carrying the session's CSRF token), for users.
 * A visitor's header is the same for everyone, so public pages stay cacheable. */
static void account_area(struct req *r, const char *section)
{
	struct buf *b = &r->body;
	if (!r->user.id && section && strcmp(section, "login") == 0) {
		html_printf(b, "<div class=\"account\"><a href=\"/login\" aria-current=\"page\">Sign in</a></div>\n");
		return;
	}
	if (!r->user.id) {   /* back to this page afterwards */
		html_printf(b, "<div class=\"account\"><a href=\"/login?next=%u\">Sign in</a></div>\n", r->path);
		return;
	}
	html_printf(b, "<div class=\"account\"><span class=\"who\">%s <span class=\"role\">%s</span></span>",
		    r->user.login, role_name(r->user.role));
	if (r->auth == AUTH_SESSION)
		html_printf(b, "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<button type=\"submit\">Sign out</button></form>", r->session.csrf);
	html_printf(b, "</div>\n");
}

/* The icon link stops browsers asking for /favicon.ico (a 404 on every first visit); the
 * CSP allows data: images. <main> takes tabindex="-1" so that the skip link moves keyboard
 * focus into it, not just the scroll position. */
void html_page_begin(struct req *r, const char *title, const char *section)
{
	struct buf *b = &r->body;
	buf_reset(b);
	html_printf(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>%s · c2c</title>\n<link rel=\"stylesheet\" href=\"/static/c2c.css\">\n"
		    "<link rel=\"icon\" href=\"data:,\">\n"
		    "</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
		    "<header class=\"site\"><div class=\"wrap\">\n"
		    "<a class=\"brand\" href=\"/\">c2c <span>city-to-city cooperation</span></a>\n"
		    "<nav aria-label=\"Main\"><ul>", title);
	for (size_t i = 0; i < sizeof nav / sizeof *nav; i++)
		html_printf(b, "<li><a href=\"%s\"%R>%s</a></li>", nav[i].href,
			    section && strcmp(section, nav[i].section) == 0 ? " aria-current=\"page\"" : "",
			    nav[i].label);
	html_printf(b, "</ul></nav>\n");
	account_area(r, section);
	html_printf(b, "</div></header>\n<main id=\"main\" class=\"wrap\" tabindex=\"-1\">\n");
}

int html_page_end(struct req *r, int status)
{
	html_printf(&r->body, "</main>\n<footer class=\"site\"><div class=\"wrap\">"
		    "<p>c2c publishes the directory of city-to-city cooperations of its programmes.</p>"
		    "<ul><li><a href=\"/\">Cooperations</a></li><li><a href=\"/cities\">Cities</a></li>"
		    "<li><a href=\"/api/v1\">Open data (JSON)</a></li>"
		    "<li><a href=\"/api/openapi.json\">API description (OpenAPI)</a></li></ul>"
		    "</div></footer>\n</body>\n</html>\n");
	return reply_body(r, status, "text/html; charset=utf-8");
}

/* A title a visitor understands, rather than the HTTP reason phrase. */
static const char *error_title(int status)
{
	switch (status) {
	case 404: return "Page not found";
	case 400: case 413: case 415: case 422: return "There is a problem with this request";
	case 503: return "The service is unavailable";
	default: return status >= 500 ? "Sorry, something went wrong" : http_reason(status);
	}
}

void html_error_page(struct req *r, int status, const struct errors *errs)
{
	const char *title = error_title(status);
	html_page_begin(r, title, NULL);
	struct buf *b = &r->body;
	html_printf(b, "<div class=\"error-page\">\n<p class=\"error-code\">Error %d</p>\n<h1>%s</h1>\n", status, title);
	if (status == 404) {
		html_printf(b, "<p class=\"lead\">There is no page at <code>%s</code>. It may have moved, or the "
			    "address may be mistyped.</p>\n", r->path);
	} else {
		html_printf(b, "<ul class=\"errors\">\n");
		for (int i = 0; i < errs->n; i++)
			html_printf(b, "<li>%s</li>\n", errs->e[i].message);
		html_printf(b, "</ul>\n");
	}
	html_printf(b, "<p><a href=\"/\">Go to the directory of cooperations</a> or "
		    "<a href=\"/cities\">browse the cities</a>.</p>\n</div>\n");
	html_page_end(r, status);
}

void html_number(struct buf *b, long long n)
{
	char digits[32];
	int len = snprintf(digits, sizeof digits, "%lld", n < 0 ? -n : n);
	if (n < 0)
		buf_putc(b, '-');
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf_puts(b, "\xE2\x80\xAF");   /* narrow no-break space */
		buf_putc(b, digits[i]);
	}
}

void html_area(struct buf *b, double km2)
{
	long long tenths = llround(km2 * 10);   /* one decimal at most: 7 434.4 km² */
	html_number(b, tenths / 10);
	if (tenths % 10)
		buf_printf(b, ".%lld", tenths % 10);
	buf_puts(b, "\xC2\xA0km\xC2\xB2");
}

void html_date(struct buf *b, const char *iso)
{
	char human[40];
	if (iso)
		html_text(b, pdate_iso_to_human(iso, human, sizeof human));
}

void html_country(struct buf *b, const char *code)
{
	const struct country *c = code ? country_by_code(code) : NULL;
	html_text(b, c ? c->name : code);
}

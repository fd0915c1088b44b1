/* str.c: text helpers; see str.h. */
#include "util/str.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned cp;
		if (c < 0x80) { i++; continue; }
		else if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
		else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
		else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
		else return 0;
		if (n - i < len)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		/* overlong forms, surrogates, beyond U+10FFFF */
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return 0;
		i += len;
	}
	return 1;
}

size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

int utf8_has_control(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	for (; *s; s++) {
		if (*s < 0x20 && *s != '\n' && *s != '\r' && *s != '\t')
			return 1;
		if (*s == 0x7F)
			return 1;
		if (*s == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F)
			return 1;
	}
	return 0;
}

/* ASCII letters for U+00C0..U+00FF and U+0100..U+017F; '\0' keeps the character. */
static const char latin1[64 + 1] =
	"aaaaaaaceeeeiiiidnooooo\0ouuuuyts"
	"aaaaaaaceeeeiiiidnooooo\0ouuuuyty";
static const char latin_ext_a[128 + 1] =
	"aaaaaaccccccccdd" "ddeeeeeeeeeegggg" "gggghhhhiiiiiiii" "iiiijjkkklllllll"
	"lllnnnnnnnnnoooo" "oooorrrrrrssssss" "ssttttttuuuuuuuu" "uuuuwwyyyzzzzzzs";

#define NOT_LATIN 0xFFFFFFFFu   /* a code point plain() keeps as it is */

/* Decodes one code point at s and its length. Four-byte sequences and stray bytes come
 * back as NOT_LATIN with their length, so they are copied through whole. */
static unsigned decode(const unsigned char *s, size_t *len)
{
	if (s[0] < 0x80) { *len = 1; return s[0]; }
	if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
		*len = 2;
		return ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3F);
	}
	if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
		*len = 3;
		return ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3F);
	}
	if ((s[0] & 0xF8) == 0xF0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80)
		*len = 4;
	else
		*len = 1;
	return NOT_LATIN;
}

/* The plain ASCII stand-in for a code point, or 0 to keep it unchanged. */
static int plain(unsigned cp)
{
	if (cp < 0x80)
		return tolower((int)cp);
	if (cp >= 0xC0 && cp <= 0xFF)
		return latin1[cp - 0xC0];
	if (cp >= 0x100 && cp <= 0x17F)
		return latin_ext_a[cp - 0x100];
	switch (cp) {
	case 0xA0: case 0x2009: case 0x202F: case 0x2007: case 0x3000: return ' ';
	case 0x2018: case 0x2019: case 0x2032: return '\'';
	case 0x201C: case 0x201D: return '"';
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: return '-';
	case 0xB2: return '2';
	}
	return 0;
}

char *fold_key(const char *str)
{
	struct buf b = BUF_INIT((size_t)-1 / 2);
	const unsigned char *s = (const unsigned char *)str;
	int pending_space = 0;
	while (*s) {
		size_t len;
		unsigned cp = decode(s, &len);
		int c = plain(cp);
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			pending_space = b.len > 0;
		} else {
			if (pending_space)
				buf_putc(&b, ' ');
			pending_space = 0;
			if (c)
				buf_putc(&b, (char)c);
			else
				buf_append(&b, s, len);
		}
		s += len;
	}
	return buf_detach(&b);
}

int slugify(const char *s, char out[SLUG_MAX + 1])
{
	char *key = fold_key(s);
	size_t n = 0;
	int dash = 0;
	for (const char *p = key; *p && n < SLUG_MAX; p++) {
		if (isalnum((unsigned char)*p)) {
			if (dash && n > 0 && n < SLUG_MAX - 1)
				out[n++] = '-';
			dash = 0;
			out[n++] = *p;
		} else if (*p == '\'') {
			/* "d'Azur" -> "dazur" reads better than "d-azur" */
		} else {
			dash = 1;
		}
	}
	while (n > 0 && out[n - 1] == '-')
		n--;
	out[n] = '\0';
	free(key);
	return n ? 0 : -1;
}

int is_slug(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > SLUG_MAX || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return 0;
		if (c == '-' && s[i + 1] == '-')
			return 0;
	}
	return 1;
}

int parse_int(const char *s, long long min, long long max, long long *out)
{
	const char *p = s;
	if (*p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (const char *q = p; *q; q++)
		if (!isdigit((unsigned char)*q))
			return -1;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int parse_real(const char *s, double min, double max, double *out)
{
	const char *p = s;
	int digits = 0, dot = 0;
	if (*p == '-')
		p++;
	for (; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (*p == '.' && !dot)
			dot = 1;
		else
			return -1;
	}
	if (!digits)
		return -1;
	errno = 0;
	char *end;
	double v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Length of a separator usable between digit groups at s: ' ', no-break or thin space. */
static size_t space_sep(const unsigned char *s)
{
	if (*s == ' ')
		return 1;
	if (s[0] == 0xC2 && s[1] == 0xA0)
		return 2;
	if (s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0xAF || s[2] == 0x89))
		return 3;
	return 0;
}

static int three_digits_then_end(const unsigned char *s)
{
	return isdigit(s[0]) && isdigit(s[1]) && isdigit(s[2]) && !isdigit(s[3]);
}

static const struct { const char *word; double factor; } multipliers[] = {
	{"thousand", 1e3}, {"million", 1e6}, {"mio", 1e6}, {"mn", 1e6},
	{"billion", 1e9}, {"bn", 1e9},
};

int parse_quantity(const char *str, double *out, const char **end)
{
	const unsigned char *s = (const unsigned char *)str;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!isdigit(*s))
		return -1;
	double v = 0;
	int grouped_by_space = 0, grouped_by_mark = 0;
	char mark = 0;
	while (isdigit(*s))
		v = v * 10 + (*s++ - '0');
	for (;;) {
		size_t sp = space_sep(s);
		if (sp && !grouped_by_mark && three_digits_then_end(s + sp)) {
			grouped_by_space = 1;
			s += sp;
		} else if ((*s == '.' || *s == ',') && !grouped_by_space &&
			   (!mark || mark == *s) && three_digits_then_end(s + 1)) {
			/* "540.000" or "1,010,389": a mark followed by exactly three digits groups
			 * thousands, unless spaces already did the grouping ("7 434.400"). */
			grouped_by_mark = 1;
			mark = (char)*s;
			s++;
		} else {
			break;
		}
		for (int k = 0; k < 3; k++)
			v = v * 10 + (*s++ - '0');
	}
	if ((*s == '.' || *s == ',') && *s != mark && isdigit(s[1])) {
		double scale = 0.1;
		for (s++; isdigit(*s); s++, scale /= 10)
			v += (*s - '0') * scale;
	}
	const unsigned char *after = s;
	while (*after == ' ')
		after++;
	for (size_t i = 0; i < sizeof multipliers / sizeof *multipliers; i++) {
		size_t n = strlen(multipliers[i].word);
		if (strncasecmp((const char *)after, multipliers[i].word, n) == 0 &&
		    !isalpha(after[n])) {
			v *= multipliers[i].factor;
			s = after + n;
			break;
		}
	}
	*out = v;
	if (end)
		*end = (const char *)s;
	return 0;
}

char *str_trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

int str_starts_with_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

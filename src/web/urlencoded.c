/* urlencoded.c: decoding form bodies; see urlencoded.h. */
#include "web/urlencoded.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..n) into a new arena string; NULL when an escape is broken, a NUL byte is
 * encoded, or the arena is full. */
static char *decode(struct arena *a, const char *s, size_t n)
{
	char *out = arena_alloc(a, n + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			*o++ = ' ';
		} else if (s[i] == '\0') {
			return NULL;
		} else if (s[i] != '%') {
			*o++ = s[i];
		} else {
			int hi = i + 2 < n ? hex(s[i + 1]) : -1, lo = i + 2 < n ? hex(s[i + 2]) : -1;
			if (hi < 0 || lo < 0 || (hi | lo) == 0)
				return NULL;
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		}
	}
	*o = '\0';
	return out;
}

static int valid(const char *s, int is_name)
{
	if (!utf8_valid(s, strlen(s)) || utf8_has_control(s))
		return 0;
	return !is_name || !strpbrk(s, "\r\n\t");
}

int urlencoded_parse(struct arena *a, const char *body, size_t len, struct req_arg *out, int max, int *n,
		     char *err, size_t errsize)
{
	*n = 0;
	const char *p = body, *end = body + len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		const char *name_end = eq ? eq : stop;
		if (stop > p) {
			if (*n == max) {
				snprintf(err, errsize, "the form has more than %d fields", max);
				return -1;
			}
			if ((size_t)(name_end - p) > URLENCODED_NAME_MAX * 3) {
				snprintf(err, errsize, "a field name of the form is longer than %d bytes", URLENCODED_NAME_MAX);
				return -1;
			}
			char *name = decode(a, p, (size_t)(name_end - p));
			char *value = eq ? decode(a, eq + 1, (size_t)(stop - eq - 1)) : decode(a, "", 0);
			if (!name || !value || strlen(name) > URLENCODED_NAME_MAX || !valid(name, 1) || !valid(value, 0)) {
				snprintf(err, errsize, "the form is not validly encoded (percent escapes of UTF-8 text, "
					 "without NUL bytes or control characters)");
				return -1;
			}
			out[*n].name = name;
			out[*n].value = value;
			(*n)++;
		}
		p = stop + (amp ? 1 : 0);
	}
	return 0;
}

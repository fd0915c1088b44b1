/* fuzz_urlencoded.c: the form-body decoder (web/urlencoded.c) on arbitrary bytes. It must
 * return cleanly, within the arena, and what it accepts must keep its promises: at most
 * `max` pairs, names within their bound, names and values valid UTF-8 without NUL bytes
 * or control characters (and names without line breaks or tabs). */
#include "util/arena.h"
#include "util/str.h"
#include "web/urlencoded.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct req_arg pairs[8];
	char err[160];
	int n;
	arena_init(&a, 1u << 20);
	if (urlencoded_parse(&a, (const char *)data, size, pairs, 8, &n, err, sizeof err) == 0) {
		if (n < 0 || n > 8)
			abort();
		for (int i = 0; i < n; i++) {
			const char *k = pairs[i].name, *v = pairs[i].value;
			if (strlen(k) > URLENCODED_NAME_MAX || !utf8_valid(k, strlen(k)) || !utf8_valid(v, strlen(v)) ||
			    utf8_has_control(k) || utf8_has_control(v) || strpbrk(k, "\r\n\t"))
				abort();
		}
	} else if (!err[0]) {
		abort();   /* a refusal always says why */
	}
	arena_free(&a);
	return 0;
}

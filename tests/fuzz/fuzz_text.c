/* fuzz_text.c: the text parsers of util/ on arbitrary bytes: UTF-8 checks, folding,
 * slugs, loose quantities and dates. Each must return cleanly, and what it accepts must
 * satisfy its contract (a slug is a slug, a parsed date formats back to itself). */
#include "util/date.h"
#include "util/str.h"
#include "util/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	if (utf8_valid(s, strlen(s))) {
		char *key = fold_key(s);
		if (!utf8_valid(key, strlen(key)))
			abort();
		free(key);
		char slug[SLUG_MAX + 1];
		if (slugify(s, slug) == 0 && !is_slug(slug))
			abort();
	}
	double q;
	const char *end;
	if (parse_quantity(s, &q, &end) == 0 && (end < s || end > s + strlen(s)))
		abort();
	struct pdate d, last;
	if (pdate_scan_text(s, &d, &last, &end) == 0) {
		char iso[PDATE_ISO_MAX];
		pdate_format_iso(&d, iso);
		struct pdate again;
		if (pdate_parse_iso(iso, &again) || again.year != d.year || again.month != d.month || again.day != d.day)
			abort();
	}
	long long n;
	parse_int(s, -1000, 1000, &n);
	parse_real(s, -1e9, 1e9, &q);
	free(s);
	return 0;
}

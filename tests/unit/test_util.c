/* test_util.c: the util/ layer: buffers, arenas, UTF-8, folding, slugs, numbers, dates. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

static void buf_grows_and_caps(void **state)
{
	struct buf b = BUF_INIT(10);
	assert_int_equal(buf_puts(&b, "hello"), 0);
	assert_int_equal(buf_printf(&b, "%d", 1234), 0);
	assert_string_equal(buf_str(&b), "hello1234");
	assert_int_equal(buf_puts(&b, "xy"), -1);        /* 11 > 10 */
	assert_true(buf_failed(&b));
	assert_string_equal(buf_str(&b), "");            /* contents freed on failure */
	assert_int_equal(buf_puts(&b, "a"), -1);         /* stays failed */
	buf_free(&b);
	struct buf big = BUF_INIT(1 << 20);
	for (int i = 0; i < 1000; i++)
		buf_printf(&big, "%04d,", i);
	assert_int_equal(big.len, 5000);
	assert_memory_equal(big.data + 4995, "0999,", 5);
	char *d = buf_detach(&big);
	assert_int_equal(strlen(d), 5000);
	free(d);
}

static void arena_bounds(void **state)
{
	struct arena a;
	arena_init(&a, 100000);
	char *s = arena_strdup(&a, "slug");
	assert_string_equal(s, "slug");
	for (int i = 0; i < 10; i++)
		assert_non_null(arena_alloc(&a, 9000));      /* spans several blocks */
	assert_null(arena_alloc(&a, 20000));              /* over the cap */
	assert_true(((uintptr_t)arena_alloc(&a, 3) % sizeof(void *)) == 0);
	arena_free(&a);
}

static void utf8_checks(void **state)
{
	assert_true(utf8_valid("Haikou 海口 Côte", strlen("Haikou 海口 Côte")));
	assert_false(utf8_valid("\xff", 1));
	assert_false(utf8_valid("\xc0\xaf", 2));            /* overlong '/' */
	assert_false(utf8_valid("\xed\xa0\x80", 3));        /* surrogate */
	assert_false(utf8_valid("\xe6\xb5", 2));            /* truncated */
	assert_int_equal(utf8_chars("海口"), 2);
	assert_true(utf8_has_control("a\x01"));
	assert_false(utf8_has_control("a\tb\nc"));
}

static void folding_and_slugs(void **state)
{
	char *a = fold_key("Métropole Nice Côte d’Azur"), *b = fold_key("  metropole  NICE cote d'azur ");
	assert_string_equal(a, "metropole nice cote d'azur");
	assert_string_equal(a, b);
	free(a);
	free(b);
	char *c = fold_key("Haikou 海口");
	assert_string_equal(c, "haikou 海口");
	free(c);
	c = fold_key("Nice \xF0\x9F\x8C\x8A");   /* four-byte sequences pass through whole */
	assert_string_equal(c, "nice \xF0\x9F\x8C\x8A");
	free(c);
	char slug[SLUG_MAX + 1];
	assert_int_equal(slugify("Nice – Haikou", slug), 0);
	assert_string_equal(slug, "nice-haikou");
	assert_int_equal(slugify("Métropole Nice Côte d'Azur", slug), 0);
	assert_string_equal(slug, "metropole-nice-cote-dazur");
	assert_int_equal(slugify("海口", slug), -1);
	assert_true(is_slug("nice-haikou"));
	assert_false(is_slug("Nice"));
	assert_false(is_slug("a--b"));
	assert_false(is_slug("-a"));
	assert_false(is_slug(""));
}

static void strict_numbers(void **state)
{
	long long n;
	double d;
	assert_int_equal(parse_int("42", 0, 100, &n), 0);
	assert_int_equal(n, 42);
	assert_int_equal(parse_int("-3", -5, 5, &n), 0);
	assert_int_equal(parse_int("101", 0, 100, &n), -1);
	assert_int_equal(parse_int("4x", 0, 100, &n), -1);
	assert_int_equal(parse_int("", 0, 100, &n), -1);
	assert_int_equal(parse_int(" 4", 0, 100, &n), -1);
	assert_int_equal(parse_int("99999999999999999999", 0, 100, &n), -1);
	assert_int_equal(parse_real("1400.5", 0, 1e6, &d), 0);
	assert_true(d == 1400.5);
	assert_int_equal(parse_real("1e3", 0, 1e6, &d), -1);
	assert_int_equal(parse_real("nan", 0, 1e6, &d), -1);
}

static void loose_quantities(void **state)
{
	static const struct { const char *text; double value; const char *rest; } cases[] = {
		{"1 010 389", 1010389, ""}, {"540 000", 540000, ""}, {"2 270 000", 2270000, ""},
		{"7 434.4 km2", 7434.4, " km2"}, {"1285 km2", 1285, " km2"}, {"1 400 km2", 1400, " km2"},
		{"540.000", 540000, ""}, {"1.400 km²", 1400, " km²"}, {"2,3million", 2300000, ""},
		{"3146km", 3146, "km"}, {"1,010,389", 1010389, ""}, {"2.5 million people", 2500000, " people"},
		{"1\xC2\xA0" "400", 1400, ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		double v;
		const char *end;
		assert_int_equal(parse_quantity(cases[i].text, &v, &end), 0);
		assert_true(v > cases[i].value - 1e-6 && v < cases[i].value + 1e-6);
		assert_string_equal(end, cases[i].rest);
	}
	double v;
	assert_int_equal(parse_quantity("N/A", &v, NULL), -1);
	assert_int_equal(parse_quantity("", &v, NULL), -1);
}

static void partial_dates(void **state)
{
	struct pdate d, last;
	char iso[PDATE_ISO_MAX], human[40];
	assert_int_equal(pdate_parse_iso("2018-07", &d), 0);
	assert_int_equal(d.month, 7);
	assert_int_equal(pdate_parse_iso("2020-02-29", &d), 0);
	assert_int_equal(pdate_parse_iso("2019-02-29", &d), -1);
	assert_int_equal(pdate_parse_iso("2018-13", &d), -1);
	assert_int_equal(pdate_parse_iso("2018-7", &d), -1);
	assert_int_equal(pdate_parse_iso("18", &d), -1);
	const char *end;
	assert_int_equal(pdate_scan_text("In July 2018, representatives met", &d, &last, &end), 0);
	pdate_format_iso(&d, iso);
	assert_string_equal(iso, "2018-07");
	assert_string_equal(end, ", representatives met");
	assert_int_equal(pdate_scan_text("Also in July 2018 x", &d, NULL, NULL), 0);
	assert_int_equal(pdate_scan_text("14-18 October 2019: visit", &d, &last, &end), 0);
	assert_int_equal(d.day, 14);
	assert_int_equal(last.day, 18);
	assert_int_equal(pdate_scan_text("Sept. 2018", &d, NULL, NULL), 0);
	assert_int_equal(d.month, 9);
	assert_int_equal(pdate_scan_text("2019-10-14 x", &d, NULL, NULL), 0);
	assert_int_equal(d.day, 14);
	assert_int_equal(pdate_scan_text("In the summer", &d, NULL, NULL), -1);
	assert_int_equal(pdate_scan_text("31 February 2019", &d, NULL, NULL), -1);
	/* strings that end inside an ISO date (found by fuzzing: no read past the end) */
	assert_int_equal(pdate_scan_text("2019-1", &d, NULL, &end), 0);
	assert_string_equal(end, "-1");
	assert_int_equal(pdate_scan_text("2019-10-1", &d, NULL, &end), 0);
	assert_int_equal(d.month, 10);
	assert_string_equal(pdate_iso_to_human("2018-06", human, sizeof human), "June 2018");
	assert_string_equal(pdate_iso_to_human("2019-10-14", human, sizeof human), "14 October 2019");
	assert_string_equal(pdate_iso_to_human("2019", human, sizeof human), "2019");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_grows_and_caps), cmocka_unit_test(arena_bounds),
		cmocka_unit_test(utf8_checks), cmocka_unit_test(folding_and_slugs),
		cmocka_unit_test(strict_numbers), cmocka_unit_test(loose_quantities),
		cmocka_unit_test(partial_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

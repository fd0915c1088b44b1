/* test_diff.c: the word diff (core/diff.c). Diffs are written out as text for the
 * assertions: deletions as [-...-], insertions as {+...+}. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/diff.h"
#include "util/buf.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Checks what every diff must be: both texts rebuilt from the segments, no empty
 * segment, and no two neighbours with the same op (a del may be followed by its ins). */
static void check_invariants(const char *from, const char *to, const struct diff *d)
{
	struct buf a = BUF_INIT((size_t)1 << 30), b = BUF_INIT((size_t)1 << 30);
	for (size_t i = 0; i < d->n; i++) {
		const struct diff_segment *s = &d->seg[i];
		assert_true(s->len > 0);
		if (i > 0)
			assert_int_not_equal(s->op, d->seg[i - 1].op);
		if (i > 0 && s->op == DIFF_DEL)
			assert_int_not_equal(d->seg[i - 1].op, DIFF_INS);   /* deletion first */
		if (s->op != DIFF_INS)
			buf_append(&a, s->text, s->len);
		if (s->op != DIFF_DEL)
			buf_append(&b, s->text, s->len);
	}
	assert_string_equal(buf_str(&a), from);
	assert_string_equal(buf_str(&b), to);
	buf_free(&a);
	buf_free(&b);
}

/* The diff of from and to as marked-up text; caller frees. */
static char *marked(const char *from, const char *to)
{
	struct diff d;
	struct buf b = BUF_INIT((size_t)1 << 30);
	diff_words(from, to, &d);
	check_invariants(from, to, &d);
	for (size_t i = 0; i < d.n; i++) {
		const struct diff_segment *s = &d.seg[i];
		buf_puts(&b, s->op == DIFF_DEL ? "[-" : s->op == DIFF_INS ? "{+" : "");
		buf_append(&b, s->text, s->len);
		buf_puts(&b, s->op == DIFF_DEL ? "-]" : s->op == DIFF_INS ? "+}" : "");
	}
	diff_free(&d);
	return buf_detach(&b);
}

static void assert_diff(const char *from, const char *to, const char *expected)
{
	char *got = marked(from, to);
	assert_string_equal(got, expected);
	free(got);
}

static size_t segments(const char *from, const char *to)
{
	struct diff d;
	diff_words(from, to, &d);
	check_invariants(from, to, &d);
	size_t n = d.n;
	diff_free(&d);
	return n;
}

static void identical(void **state)
{
	assert_diff("The quick brown fox.", "The quick brown fox.", "The quick brown fox.");
	assert_int_equal(segments("a b c", "a b c"), 1);
	assert_int_equal(segments("", ""), 0);
	assert_string_equal(diff_op_name(DIFF_SAME), "same");
	assert_string_equal(diff_op_name(DIFF_DEL), "del");
	assert_string_equal(diff_op_name(DIFF_INS), "ins");
}

static void empty_against_text(void **state)
{
	assert_diff("", "Nice and Haikou", "{+Nice and Haikou+}");
	assert_diff("Nice and Haikou", "", "[-Nice and Haikou-]");
}

static void one_word_changed(void **state)
{
	assert_diff("the quick brown fox", "the slow brown fox", "the [-quick-]{+slow+} brown fox");
	assert_diff("Côte d'Azur", "Cote d'Azur", "[-Côte-]{+Cote+} d'Azur");      /* accents are letters */
	assert_diff("540000 inhabitants", "540001 inhabitants", "[-540000-]{+540001+} inhabitants");
}

static void insert_at_start_and_end(void **state)
{
	assert_diff("brown fox", "the brown fox", "{+the +}brown fox");
	assert_diff("brown fox", "brown fox jumps", "brown fox{+ jumps+}");
	assert_diff("the brown fox jumps", "brown fox", "[-the -]brown fox[- jumps-]");
}

static void phrases_and_lines(void **state)
{
	/* a kept space alone between two changes is part of them */
	assert_diff("one two three", "four five six", "[-one two three-]{+four five six+}");
	assert_diff("we met in Nice, Rome", "we met in Haikou, Kunming", "we met in [-Nice, Rome-]{+Haikou, Kunming+}");
	assert_diff("we met in Nice, then Rome", "we met in Haikou, then Kunming",
		    "we met in [-Nice-]{+Haikou+}, then [-Rome-]{+Kunming+}");        /* a kept word stays */
	assert_diff("a\nb\nc", "a\nB\nc", "a\n[-b-]{+B+}\nc");
	assert_diff("- visit\n  - point", "- visit\n  - point\n  - another", "- visit\n  - point{+\n  - another+}");
	assert_diff("word", "word word", "word{+ word+}");
}

static void punctuation(void **state)
{
	assert_diff("Hello, world.", "Hello; world!", "Hello[-,-]{+;+} world[-.-]{+!+}");
	assert_diff("June 2018 – December 2019", "June 2018 – March 2020", "June 2018 – [-December 2019-]{+March 2020+}");
	assert_diff("**Health**: text", "**Energy**: text", "**[-Health-]{+Energy+}**: text");
}

static void chinese(void **state)
{
	assert_diff("海口市政府", "海口市人民政府", "海口市{+人民+}政府");
	assert_diff("合作，发展。", "合作，共赢。", "合作，[-发展-]{+共赢+}。");
	assert_diff("海口 Haikou", "海口 Haikou City", "海口 Haikou{+ City+}");
	assert_diff("昆明", "海口", "[-昆明-]{+海口+}");
}

static void invalid_utf8_is_compared_as_bytes(void **state)
{
	assert_diff("caf\xc3 au lait", "caf\xc3 noir", "caf\xc3 [-au lait-]{+noir+}");
	assert_diff("\xe6\xb5", "\xe6\xb5\xb7", "[-\xe6\xb5-]{+\xe6\xb5\xb7+}");
}

/* Random texts from a small vocabulary: whatever the input, the invariants hold and the
 * diff keeps at least the common start and end. */
static void random_texts_keep_invariants(void **state)
{
	static const char *const words[] = {"a", "b", "海", "口", " ", "  ", "\n", ",", ".", "Nice", "é"};
	unsigned seed = 12345;
	for (int round = 0; round < 500; round++) {
		char from[256] = "", to[256] = "";
		for (int k = 0; k < 2; k++) {
			char *t = k ? to : from;
			int len = (int)((seed = seed * 1103515245 + 12345) >> 16) % 30;
			for (int i = 0; i < len; i++) {
				seed = seed * 1103515245 + 12345;
				strncat(t, words[(seed >> 16) % (sizeof words / sizeof *words)], 255 - strlen(t));
			}
		}
		char *m = marked(from, to);    /* checks the invariants */
		free(m);
	}
}

/* n lines "line i: alpha beta gamma\n", with `word` for beta on lines change1 and change2. */
static char *lines(size_t n, size_t change1, size_t change2, const char *word)
{
	struct buf b = BUF_INIT((size_t)1 << 30);
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "line %zu: alpha %s gamma\n", i, i == change1 || i == change2 ? word : "beta");
	return buf_detach(&b);
}

static void large_texts_are_compared_by_lines(void **state)
{
	/* 1500 lines of 12 tokens: too many token pairs, but few enough line pairs */
	char *a = lines(1500, 3, 1490, "beta"), *b = lines(1500, 3, 1490, "changed");
	assert_true((size_t)1500 * 12 * 1500 * 12 > DIFF_CELLS_MAX);
	struct diff d;
	clock_t t0 = clock();
	diff_words(a, b, &d);
	assert_true((clock() - t0) / CLOCKS_PER_SEC < 5);
	check_invariants(a, b, &d);
	static const enum diff_op ops[] = {DIFF_SAME, DIFF_DEL, DIFF_INS, DIFF_SAME, DIFF_DEL, DIFF_INS, DIFF_SAME};
	assert_int_equal(d.n, 7);                 /* exactly the two changed words */
	for (size_t i = 0; i < d.n; i++) {
		assert_int_equal(d.seg[i].op, ops[i]);
		if (ops[i] != DIFF_SAME)
			assert_int_equal(d.seg[i].len, ops[i] == DIFF_DEL ? 4 : 7);   /* "beta", "changed" */
	}
	diff_free(&d);
	free(a);
	free(b);
}

/* A text of n words on one line: past the bound and with no lines to fall back on. */
static char *one_line(size_t n, const char *prefix, const char *suffix, unsigned salt)
{
	struct buf b = BUF_INIT((size_t)1 << 30);
	buf_puts(&b, prefix);
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, " w%zu", (i * 7919u + salt) % 100000);
	buf_puts(&b, suffix);
	return buf_detach(&b);
}

static void over_the_bound_the_middle_is_replaced_whole(void **state)
{
	char *a = one_line(3000, "Start", " end.", 1), *b = one_line(3000, "Begin", " end.", 2);
	struct diff d;
	clock_t t0 = clock();
	diff_words(a, b, &d);
	assert_true((clock() - t0) / CLOCKS_PER_SEC < 5);
	check_invariants(a, b, &d);
	assert_int_equal(d.n, 3);                  /* del the middle, ins the middle, same " end." */
	assert_int_equal(d.seg[0].op, DIFF_DEL);
	assert_int_equal(d.seg[1].op, DIFF_INS);
	assert_int_equal(d.seg[2].op, DIFF_SAME);
	diff_free(&d);
	free(a);
	free(b);
	/* huge and equal but for one word: the common start and end cost nothing */
	a = one_line(200000, "Start", " end.", 1);
	b = one_line(200000, "Begin", " end.", 1);
	t0 = clock();
	diff_words(a, b, &d);
	assert_true((clock() - t0) / CLOCKS_PER_SEC < 5);
	assert_int_equal(d.n, 3);
	assert_true(d.seg[0].len == 5 && d.seg[1].len == 5 && d.seg[2].op == DIFF_SAME);
	diff_free(&d);
	free(a);
	free(b);
}

/* Ten blocks of a heading line and a line of 1000 words, every other word changed: each
 * long line fits the bound of one comparison, but only four fit the budget of the diff;
 * the other six are replaced whole. */
static void the_budget_bounds_the_whole_diff(void **state)
{
	struct buf a = BUF_INIT((size_t)1 << 30), b = BUF_INIT((size_t)1 << 30);
	for (int block = 0; block < 10; block++) {
		buf_printf(&a, "heading %d\n", block);
		buf_printf(&b, "heading %d\n", block);
		for (int w = 0; w < 1000; w++) {
			buf_printf(&a, "%sw%d", w ? " " : "", w);
			buf_printf(&b, "%s%c%d", w ? " " : "", w % 2 ? 'v' : 'w', w);
		}
		buf_puts(&a, "\n");
		buf_puts(&b, "\n");
	}
	assert_true((size_t)1997 * 1997 <= DIFF_CELLS_MAX && 5 * (size_t)1997 * 1997 > DIFF_BUDGET);
	struct diff d;
	clock_t t0 = clock();
	diff_words(buf_str(&a), buf_str(&b), &d);
	assert_true((clock() - t0) / CLOCKS_PER_SEC < 5);
	check_invariants(buf_str(&a), buf_str(&b), &d);
	size_t dels = 0;
	for (size_t i = 0; i < d.n; i++)
		dels += d.seg[i].op == DIFF_DEL;
	assert_int_equal(dels, 4 * 500 + 6);
	diff_free(&d);
	buf_free(&a);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(identical), cmocka_unit_test(empty_against_text),
		cmocka_unit_test(one_word_changed), cmocka_unit_test(insert_at_start_and_end),
		cmocka_unit_test(phrases_and_lines), cmocka_unit_test(punctuation), cmocka_unit_test(chinese),
		cmocka_unit_test(invalid_utf8_is_compared_as_bytes), cmocka_unit_test(random_texts_keep_invariants),
		cmocka_unit_test(large_texts_are_compared_by_lines),
		cmocka_unit_test(over_the_bound_the_middle_is_replaced_whole),
		cmocka_unit_test(the_budget_bounds_the_whole_diff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_diff.c: the word diff (core/diff.c), and a plan's diff as the page shows it
 * (core/plan_diff.c). Diffs are written out as text for the assertions: deletions as
 * [-...-], insertions as {+...+}. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/diff.h"
#include "core/plan.h"
#include "util/buf.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Checks what every diff must be: both texts rebuilt from the segments, no empty
 * segment, no two neighbours with the same op, and a deletion first within a line (an
 * insertion is followed by a deletion only where it ends a line). */
static void check_invariants(const char *from, const char *to, const struct diff *d)
{
	struct buf a = BUF_INIT((size_t)1 << 30), b = BUF_INIT((size_t)1 << 30);
	for (size_t i = 0; i < d->n; i++) {
		const struct diff_segment *s = &d->seg[i];
		assert_true(s->len > 0);
		if (i > 0)
			assert_int_not_equal(s->op, d->seg[i - 1].op);
		if (i > 0 && s->op == DIFF_DEL && d->seg[i - 1].op == DIFF_INS)
			assert_int_equal(d->seg[i - 1].text[d->seg[i - 1].len - 1], '\n');
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

/* Lines are compared before words: a line added is inserted whole, and an edit stays
 * inside the line it edits. Compared word by word only, the facts below gave an
 * insertion from the middle of one line to the middle of another ("Name ({+city): ...
 * Name (+}counterparts)"). */
static void changes_stay_within_lines(void **state)
{
	assert_diff("Title: T\nName (counterparts): Haikou\nCountry (counterparts): China",
		    "Title: T\nName (city): Nice\nCountry (city): France\nName (counterparts): Haikou\nCountry (counterparts): China",
		    "Title: T\n{+Name (city): Nice\nCountry (city): France\n+}Name (counterparts): Haikou\nCountry (counterparts): China");
	assert_diff("one\ntwo three\nfour", "one\nfour", "one\n[-two three\n-]four");
	/* of two lines replaced by one, the one it was edited from is paired with it */
	assert_diff("alpha beta gamma\ndelta epsilon zeta\nend", "delta epsilon eta\nend",
		    "[-alpha beta gamma\n-]delta epsilon [-zeta-]{+eta+}\nend");
	assert_diff("x\ndelta epsilon zeta\nend", "delta epsilon eta\nnew line here\nend",
		    "[-x\n-]delta epsilon [-zeta-]{+eta+}\n{+new line here\n+}end");
	/* lines that share too little are not an edit of each other: old out, new in */
	assert_diff("keep\nthe old sentence here\nsecond old one\nkeep", "keep\nan entirely different text\nkeep",
		    "keep\n[-the old sentence here\nsecond old one\n-]{+an entirely different text\n+}keep");
}

/* Every changed segment either lies within one line or is made of whole lines. */
static void assert_changes_within_lines(const char *from, const char *to)
{
	struct diff d;
	diff_words(from, to, &d);
	for (size_t i = 0; i < d.n; i++) {
		const struct diff_segment *s = &d.seg[i];
		const char *nl = memchr(s->text, '\n', s->len), *base = s->op == DIFF_INS ? to : from;
		if (s->op == DIFF_SAME || !nl)
			continue;
		int starts_line = s->text == base || s->text[-1] == '\n';
		int ends_line = s->text[s->len - 1] == '\n' || s->text[s->len] == '\0';
		if (!starts_line && !ends_line)
			fail_msg("segment %zu \"%.*s\" runs from inside one line to inside another", i, (int)s->len, s->text);
	}
	diff_free(&d);
}

static void lines_of_the_demo_facts(void **state)
{
	assert_changes_within_lines(
		"Title: M\nCity: nice\nCounterparts: haikou, kunming\nName (counterparts): Haikou, Kunming\n"
		"Province (counterparts): Hainan, Yunnan\nCountry (counterparts): China",
		"Title: M\nCity: nice\nCounterparts: haikou, kunming, zhengzhou\nName (city): Nice\nProvince (city): PACA\n"
		"Country (city): France\nName (counterparts): Haikou, Kunming, Zhengzhou\nProvince (counterparts): Hainan, Yunnan, Henan\n"
		"Country (counterparts): China");
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* Section `key` of the diff of two contents (JSON) as the diff page shows it; caller
 * frees. */
static char *page_diff(const char *from, const char *to, const char *key)
{
	json_t *a = json_loads(from, 0, NULL), *b = json_loads(to, 0, NULL);
	assert_non_null(a);
	assert_non_null(b);
	json_t *diff = plan_diff(a, b), *d;
	struct buf out = BUF_INIT((size_t)1 << 30);
	size_t i;
	json_array_foreach(diff, i, d)
		if (strcmp(json_string_value(json_object_get(d, "section")), key) == 0)
			plan_diff_html(&out, d);
	json_decref(diff);
	json_decref(a);
	json_decref(b);
	return buf_detach(&out);
}

static void assert_page_diff(const char *from, const char *to, const char *key, const char *expected)
{
	char *got = page_diff(from, to, key);
	assert_string_equal(got, expected);
	free(got);
}

/* The page shows the words without their Markdown (no "**", no "\&"), with the spaces
 * that indent nested points, and marks exactly the words that changed. */
static void page_shows_words_not_markup(void **state)
{
	assert_page_diff("{\"themes\": [{\"title\": \"Culture & tourism\", \"text\": \"The *Carnival* to Haikou.\"}]}",
			 "{\"themes\": [{\"title\": \"Culture & tourism\", \"text\": \"The *Carnival* to Kunming.\"}]}", "themes",
			 "Culture &amp; tourism: The Carnival to <del>Haikou</del><ins>Kunming</ins>.");
	assert_page_diff("{\"activities\": [{\"date\": \"2018-06\", \"text\": \"Mission\", \"points\": [\"Talks in **Zhengzhou**\", \"MoU\"]}]}",
			 "{\"activities\": [{\"date\": \"2018-06\", \"text\": \"Mission\", \"points\": [\"Talks in **Zhengzhou**\", \"MoU signed\"]}]}",
			 "activities",
			 "- June 2018: Mission<br>  - Talks in Zhengzhou<br>  - MoU<ins> signed</ins>");
	/* markers that pair across a change are hidden on both sides of it */
	assert_page_diff("{\"key_focus\": \"- *Smart city*: digital monitoring\"}",
			 "{\"key_focus\": \"- *Smart city*: digital sensing\"}", "key_focus",
			 "- Smart city: digital <del>monitoring</del><ins>sensing</ins>");
	assert_page_diff("{\"key_focus\": \"the **triple helix** model\"}", "{\"key_focus\": \"the **double helix** model\"}",
			 "key_focus", "the <del>triple</del><ins>double</ins> helix model");
	/* markup changed and nothing else: nothing marked, and a note says so */
	assert_page_diff("{\"key_focus\": \"Nice and Haikou\"}", "{\"key_focus\": \"Nice and *Haikou*\"}", "key_focus",
			 "Nice and Haikou<span class=\"diff-note\">Only the formatting changed (emphasis, code or links).</span>");
	assert_page_diff("{\"key_focus\": \"- *Smart city*: digital monitoring\"}",
			 "{\"key_focus\": \"- **Smart city**: digital sensing\"}", "key_focus",
			 "- Smart city: digital <del>monitoring</del><ins>sensing</ins>");
	/* a link shows its text and address; code its text; lone markers and snake_case stay */
	assert_page_diff("{\"contact\": \"[office](mailto:a@iuc.eu), `c2c` 5 * 3 snake_case\"}",
			 "{\"contact\": \"[office](mailto:b@iuc.eu), `c2c` 5 * 3 snake_case\"}", "contact",
			 "office (mailto:<del>a</del><ins>b</ins>@iuc.eu), c2c 5 * 3 snake_case");
	/* lines joined or split: the line break is the change */
	assert_page_diff("{\"key_focus\": \"one\\ntwo\"}", "{\"key_focus\": \"one two\"}", "key_focus",
			 "one<del><br>two</del><ins> two</ins>");
	/* what users type is text, escaped */
	assert_page_diff("{\"key_focus\": \"a <script>alert(1)</script>\"}", "{\"key_focus\": \"b <script>alert(1)</script>\"}",
			 "key_focus", "<del>a</del><ins>b</ins> &lt;script&gt;alert(1)&lt;/script&gt;");
}

/* Random Markdown punctuation: whatever the markers, the page's text is escaped HTML
 * and its tags balance (run under the sanitizers, nothing is read out of bounds). */
static void page_diff_of_random_markup(void **state)
{
	static const char *const words[] = {"*", "**", "_", "`", "``", "[", "]", "(", ")", "](", "!", "\\", "a", " ", "\n", "<", "&", "x_y"};
	unsigned seed = 777;
	for (int round = 0; round < 400; round++) {
		char text[2][200] = {"", ""};
		for (int k = 0; k < 2; k++) {
			int len = (int)((seed = seed * 1103515245 + 12345) >> 16) % 24;
			for (int i = 0; i < len; i++) {
				seed = seed * 1103515245 + 12345;
				strncat(text[k], words[(seed >> 16) % (sizeof words / sizeof *words)], 199 - strlen(text[k]));
			}
		}
		json_t *a = json_pack("{s:s}", "key_focus", text[0]), *b = json_pack("{s:s}", "key_focus", text[1]);
		json_t *diff = plan_diff(a, b);
		struct buf out = BUF_INIT((size_t)1 << 20);
		plan_diff_html(&out, json_array_get(diff, 4));
		const char *h = buf_str(&out);
		assert_int_equal(count_of(h, "<del>"), count_of(h, "</del>"));
		assert_int_equal(count_of(h, "<ins>"), count_of(h, "</ins>"));
		for (const char *p = h; (p = strchr(p, '<')) != NULL; p++)
			assert_true(strncmp(p, "<del>", 5) == 0 || strncmp(p, "</del>", 6) == 0 || strncmp(p, "<ins>", 5) == 0 ||
				    strncmp(p, "</ins>", 6) == 0 || strncmp(p, "<br>", 4) == 0 || strncmp(p, "<span class=", 12) == 0 ||
				    strncmp(p, "</span>", 7) == 0);
		buf_free(&out);
		json_decref(diff);
		json_decref(a);
		json_decref(b);
	}
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
		cmocka_unit_test(invalid_utf8_is_compared_as_bytes), cmocka_unit_test(changes_stay_within_lines),
		cmocka_unit_test(lines_of_the_demo_facts), cmocka_unit_test(page_shows_words_not_markup),
		cmocka_unit_test(page_diff_of_random_markup),
		cmocka_unit_test(random_texts_keep_invariants),
		cmocka_unit_test(large_texts_are_compared_by_lines),
		cmocka_unit_test(over_the_bound_the_middle_is_replaced_whole),
		cmocka_unit_test(the_budget_bounds_the_whole_diff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

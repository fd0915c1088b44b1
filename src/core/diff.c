/* diff.c: a word-level diff of two texts; see diff.h.
 *
 * The steps: cut both texts into tokens; match whole lines, pair the changed lines, and
 * match the tokens of each pair (longest common subsequences, with the cost bounded as
 * diff.h says); drop matches that are only spaces or punctuation between two changes
 * (never a newline, so that this cannot join changes across lines); then read the
 * segments off the matches. Tokens
 * cover their text without gaps, so a run of tokens is a run of bytes and segments can
 * point into the texts instead of copying them. */
#include "core/diff.h"
#include "util/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- tokens ---- */

enum tclass {
	T_WORD,      /* letters and digits, any script that separates words with spaces */
	T_SPACE,     /* spaces and tabs (not newlines) */
	T_NEWLINE,
	T_PUNCT,     /* punctuation and symbols, one character a token */
	T_CJK,       /* a Chinese or Japanese character, one a token */
};

struct tok {
	const char *p;
	size_t len;
	uint64_t hash;
	enum tclass cls;
	size_t first;    /* a line token: the index of its first token */
};

struct toks {
	struct tok *t;
	size_t n, cap;
};

static void toks_push(struct toks *ts, struct tok t)
{
	if (ts->n == ts->cap) {
		ts->cap = ts->cap ? ts->cap * 2 : 64;
		ts->t = xrealloc(ts->t, ts->cap * sizeof *ts->t);
	}
	ts->t[ts->n++] = t;
}

/* FNV-1a: tokens are compared by hash first, bytes only when the hashes agree. */
static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 14695981039346656037u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211u;
	return h;
}

/* Decodes the code point at s into *cp and returns its length in bytes. A byte that
 * does not start a well-formed sequence is a character of its own (U+FFFD), so that
 * any input is cut without reading past its NUL. */
static size_t decode(const unsigned char *s, uint32_t *cp)
{
	size_t n = s[0] < 0x80 ? 1 : s[0] >= 0xC2 && s[0] <= 0xDF ? 2
		 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3 : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;
	uint32_t v = n == 1 ? s[0] : n == 2 ? s[0] & 0x1Fu : n == 3 ? s[0] & 0x0Fu : s[0] & 0x07u;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			n = 0;
			break;
		}
		v = (v << 6) | (s[i] & 0x3Fu);
	}
	if (n == 0) {
		*cp = 0xFFFD;
		return 1;
	}
	*cp = v;
	return n;
}

static int in(uint32_t cp, uint32_t lo, uint32_t hi)
{
	return cp >= lo && cp <= hi;
}

static enum tclass classify(uint32_t cp)
{
	if (cp == '\n')
		return T_NEWLINE;
	if (cp == ' ' || cp == '\t' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0xA0 ||
	    cp == 0x3000 || in(cp, 0x2000, 0x200A) || cp == 0x202F || cp == 0x205F)
		return T_SPACE;
	if (cp < 0x80)
		return (in(cp, '0', '9') || in(cp, 'a', 'z') || in(cp, 'A', 'Z')) ? T_WORD : T_PUNCT;
	/* Latin-1 signs, general punctuation to dingbats, CJK and full-width punctuation,
	 * emoji: each a token, as ASCII punctuation is. */
	if (in(cp, 0x80, 0xBF) || cp == 0xD7 || cp == 0xF7 || in(cp, 0x2000, 0x2BFF) ||
	    in(cp, 0x3000, 0x303F) || in(cp, 0xFE10, 0xFE1F) || in(cp, 0xFE30, 0xFE4F) ||
	    in(cp, 0xFF00, 0xFF0F) || in(cp, 0xFF1A, 0xFF20) || in(cp, 0xFF3B, 0xFF40) ||
	    in(cp, 0xFF5B, 0xFF65) || in(cp, 0x1F000, 0x1FAFF))
		return T_PUNCT;
	if (in(cp, 0x2E80, 0x2FFF) || in(cp, 0x3040, 0x31FF) || in(cp, 0x3400, 0x4DBF) ||
	    in(cp, 0x4E00, 0x9FFF) || in(cp, 0xF900, 0xFAFF) || in(cp, 0x20000, 0x3FFFF))
		return T_CJK;
	return T_WORD;
}

/* Cuts s into tokens: words and runs of spaces are one token each, anything else is
 * one token per character. */
static void tokenize(const char *s, struct toks *ts)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (u[i]) {
		uint32_t cp;
		size_t start = i, n = decode(u + i, &cp);
		enum tclass cls = classify(cp);
		i += n;
		while ((cls == T_WORD || cls == T_SPACE) && u[i]) {
			n = decode(u + i, &cp);
			if (classify(cp) != cls)
				break;
			i += n;
		}
		struct tok t = {s + start, i - start, hash_bytes(s + start, i - start), cls, 0};
		toks_push(ts, t);
	}
}

static int tok_eq(const struct tok *x, const struct tok *y)
{
	return x->hash == y->hash && x->len == y->len && memcmp(x->p, y->p, x->len) == 0;
}

/* ---- matching ---- */

struct match {
	size_t i, j;     /* token i of `from` is token j of `to` */
};

struct matches {
	struct match *m;
	size_t n, cap;
};

static void match_push(struct matches *ms, size_t i, size_t j)
{
	if (ms->n == ms->cap) {
		ms->cap = ms->cap ? ms->cap * 2 : 64;
		ms->m = xrealloc(ms->m, ms->cap * sizeof *ms->m);
	}
	ms->m[ms->n].i = i;
	ms->m[ms->n].j = j;
	ms->n++;
}

/* The longest common subsequence of x[0..n) and y[0..m), n*m <= DIFF_CELLS_MAX,
 * appended to ms as pairs offset by (x0, y0). Lengths of the common subsequences of
 * suffixes are kept for two rows only; each cell keeps one bit, whether to step past
 * x[i] (else past y[j]) when x[i] != y[j], which is all the walk from (0, 0) needs. */
static void lcs(const struct tok *x, size_t n, const struct tok *y, size_t m, size_t x0, size_t y0,
		struct matches *ms)
{
	uint32_t *below = xcalloc(m + 1, sizeof *below), *row = xcalloc(m + 1, sizeof *row);
	unsigned char *skip_x = xcalloc((n * m + 7) / 8, 1);
	for (size_t i = n; i-- > 0;) {
		row[m] = 0;
		for (size_t j = m; j-- > 0;) {
			if (tok_eq(&x[i], &y[j])) {
				row[j] = below[j + 1] + 1;
			} else if (below[j] >= row[j + 1]) {
				row[j] = below[j];
				skip_x[(i * m + j) / 8] |= (unsigned char)(1u << ((i * m + j) % 8));
			} else {
				row[j] = row[j + 1];
			}
		}
		uint32_t *t = below;
		below = row;
		row = t;
	}
	for (size_t i = 0, j = 0; i < n && j < m;) {
		if (tok_eq(&x[i], &y[j]))
			match_push(ms, x0 + i++, y0 + j++);
		else if (skip_x[(i * m + j) / 8] & (1u << ((i * m + j) % 8)))
			i++;
		else
			j++;
	}
	free(skip_x);
	free(below);
	free(row);
}

/* Whether an n by m comparison fits both the bound of one comparison and what is left
 * of the whole diff's budget; takes it from the budget when it does. */
static int fits(size_t n, size_t m, size_t *budget)
{
	if (m > DIFF_CELLS_MAX / n || n * m > *budget)
		return 0;
	*budget -= n * m;
	return 1;
}

/* Appends the matches between tokens a[a0..a1) and b[b0..b1), in order. The common
 * start and end cost nothing; the middle is compared whole when it fits the bounds, and
 * otherwise has no matches (it reads as deleted and inserted whole). */
static void match_range(const struct toks *a, size_t a0, size_t a1, const struct toks *b, size_t b0,
			size_t b1, size_t *budget, struct matches *ms)
{
	size_t tail = 0;
	while (a0 < a1 && b0 < b1 && tok_eq(&a->t[a0], &b->t[b0]))
		match_push(ms, a0++, b0++);
	while (a0 < a1 && b0 < b1 && tok_eq(&a->t[a1 - 1], &b->t[b1 - 1]))
		a1--, b1--, tail++;
	size_t n = a1 - a0, m = b1 - b0;
	if (n && m && fits(n, m, budget))
		lcs(a->t + a0, n, b->t + b0, m, a0, b0, ms);
	for (size_t k = 0; k < tail; k++)
		match_push(ms, a1 + k, b1 + k);
}

/* ---- lines ---- */

/* Groups the tokens of w into lines, each ending with its newline token (the last may
 * have none); a line token's `first` is the index of its first token. */
static void lines_of(const struct toks *w, struct toks *lines)
{
	for (size_t k = 0; k < w->n;) {
		size_t first = k;
		while (k < w->n && w->t[k++].cls != T_NEWLINE)
			;
		const char *p = w->t[first].p;
		size_t len = (size_t)(w->t[k - 1].p + w->t[k - 1].len - p);
		struct tok line = {p, len, hash_bytes(p, len), T_WORD, first};
		toks_push(lines, line);
	}
}

/* The token range [*t0, *t1) of line l of lines (over tokens w). */
static void line_span(const struct toks *lines, const struct toks *w, size_t l, size_t *t0, size_t *t1)
{
	*t0 = lines->t[l].first;
	*t1 = l + 1 < lines->n ? lines->t[l + 1].first : w->n;
}

/* A line's tokens that say something (not spaces or its newline), hashes sorted, for
 * counting what two lines share. */
struct bag {
	uint64_t *h;
	size_t n;
};

static int cmp_hash(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

static struct bag bag_of(const struct toks *w, size_t t0, size_t t1)
{
	struct bag g = {xcalloc(t1 - t0 + 1, sizeof *g.h), 0};
	for (size_t k = t0; k < t1; k++)
		if (w->t[k].cls != T_SPACE && w->t[k].cls != T_NEWLINE)
			g.h[g.n++] = w->t[k].hash;
	qsort(g.h, g.n, sizeof *g.h, cmp_hash);
	return g;
}

/* How many tokens two bags share (as multisets), when they share enough for the lines to
 * be one line edited rather than one line replaced by another: at least 40% of their
 * tokens (a Dice coefficient of 0.4); else 0. */
static uint32_t shared(const struct bag *x, const struct bag *y)
{
	size_t i = 0, j = 0, common = 0;
	while (i < x->n && j < y->n) {
		if (x->h[i] == y->h[j])
			common++, i++, j++;
		else if (x->h[i] < y->h[j])
			i++;
		else
			j++;
	}
	return common && 5 * common >= x->n + y->n ? (uint32_t)common : 0;
}

/* Most line pairs weighed against each other in one changed stretch: the table of the
 * pairing keeps a count per pair. Beyond it the stretch's lines are not paired. */
#define PAIR_CELLS_MAX ((size_t)1 << 16)

struct stretch {
	const struct toks *a, *b;     /* tokens */
	const struct toks *la, *lb;   /* their lines */
	size_t i0, n, j0, m;          /* lines la[i0..i0+n) were replaced by lb[j0..j0+m) */
};

/* The bags of a stretch's lines, deleted ones first; NULL when weighing every pair
 * against every other would cost more than the budget has left (which it then keeps). */
static struct bag *stretch_bags(const struct stretch *s, size_t *budget)
{
	size_t t0, t1, tokens_a = 0, tokens_b = 0;
	for (size_t k = 0; k < s->n + s->m; k++) {
		if (k < s->n)
			line_span(s->la, s->a, s->i0 + k, &t0, &t1);
		else
			line_span(s->lb, s->b, s->j0 + k - s->n, &t0, &t1);
		*(k < s->n ? &tokens_a : &tokens_b) += t1 - t0;
	}
	/* each pair weighed costs the tokens of both lines */
	if (tokens_a > *budget / s->m || tokens_b > *budget / s->n ||
	    s->m * tokens_a + s->n * tokens_b > *budget)
		return NULL;
	*budget -= s->m * tokens_a + s->n * tokens_b;
	struct bag *bags = xcalloc(s->n + s->m, sizeof *bags);
	for (size_t k = 0; k < s->n + s->m; k++) {
		if (k < s->n)
			line_span(s->la, s->a, s->i0 + k, &t0, &t1);
		else
			line_span(s->lb, s->b, s->j0 + k - s->n, &t0, &t1);
		bags[k] = bag_of(k < s->n ? s->a : s->b, t0, t1);
	}
	return bags;
}

/* Which deleted line of a stretch is an edit of which inserted one: the order-keeping
 * pairing that shares the most tokens (a weighted longest common subsequence over the
 * lines). pair[i] is the inserted line paired with deleted line i, or SIZE_MAX. A single
 * line replaced by a single line is always a pair: the line was edited in place. */
static void pair_lines(const struct stretch *s, size_t *pair, size_t *budget)
{
	for (size_t i = 0; i < s->n; i++)
		pair[i] = SIZE_MAX;
	if (s->n == 1 && s->m == 1) {
		pair[0] = 0;
		return;
	}
	if (!s->n || !s->m || s->m > PAIR_CELLS_MAX / s->n)
		return;
	struct bag *bags = stretch_bags(s, budget), *ins = bags + s->n;
	if (!bags)
		return;
	size_t w = s->m + 1;
	uint32_t *best = xcalloc((s->n + 1) * w, sizeof *best);   /* best[i][j]: of the suffixes */
	for (size_t i = s->n; i-- > 0;)
		for (size_t j = s->m; j-- > 0;) {
			uint32_t skip = best[(i + 1) * w + j] > best[i * w + j + 1] ? best[(i + 1) * w + j] : best[i * w + j + 1];
			uint32_t both = shared(&bags[i], &ins[j]);
			best[i * w + j] = both && both + best[(i + 1) * w + j + 1] > skip ? both + best[(i + 1) * w + j + 1] : skip;
		}
	for (size_t i = 0, j = 0; i < s->n && j < s->m;) {
		uint32_t both = shared(&bags[i], &ins[j]);
		if (both && best[i * w + j] == both + best[(i + 1) * w + j + 1])
			pair[i++] = j++;
		else if (best[i * w + j] == best[(i + 1) * w + j])
			i++;
		else
			j++;
	}
	for (size_t k = 0; k < s->n + s->m; k++)
		free(bags[k].h);
	free(bags);
	free(best);
}

/* The matches inside a changed stretch: the tokens of each pair of lines compared.
 * The first tokens of each pair go to `starts`, where the segments break (see
 * emit_gap). */
static void match_stretch(const struct stretch *s, size_t *budget, struct matches *ms, struct matches *starts)
{
	size_t *pair = xcalloc(s->n + 1, sizeof *pair);
	pair_lines(s, pair, budget);
	for (size_t i = 0; i < s->n; i++) {
		if (pair[i] == SIZE_MAX)
			continue;
		size_t a0, a1, b0, b1;
		line_span(s->la, s->a, s->i0 + i, &a0, &a1);
		line_span(s->lb, s->b, s->j0 + pair[i], &b0, &b1);
		match_push(starts, a0, b0);
		match_range(s->a, a0, a1, s->b, b0, b1, budget, ms);
	}
	free(pair);
}

/* All the matches of two texts: lines first, so that a change stays within the lines it
 * changed (a word diff alone would let an insertion start in one line and end in
 * another); then, in each stretch of changed lines, the words of the lines paired. */
static void match_texts(const struct toks *a, const struct toks *b, size_t *budget, struct matches *ms,
			struct matches *starts)
{
	struct toks la = {NULL, 0, 0}, lb = {NULL, 0, 0};
	struct matches lm = {NULL, 0, 0};
	lines_of(a, &la);
	lines_of(b, &lb);
	match_range(&la, 0, la.n, &lb, 0, lb.n, budget, &lm);
	size_t i = 0, j = 0;
	for (size_t k = 0; k <= lm.n; k++) {
		size_t li = k < lm.n ? lm.m[k].i : la.n, lj = k < lm.n ? lm.m[k].j : lb.n;
		struct stretch s = {a, b, &la, &lb, i, li - i, j, lj - j};
		match_stretch(&s, budget, ms, starts);
		if (k == lm.n)
			break;
		size_t t0, t1, u0, u1;   /* equal lines are equal token for token */
		line_span(&la, a, li, &t0, &t1);
		line_span(&lb, b, lj, &u0, &u1);
		for (; t0 < t1; t0++, u0++)
			match_push(ms, t0, u0);
		i = li + 1;
		j = lj + 1;
	}
	free(la.t);
	free(lb.t);
	free(lm.m);
}

static int filler(const struct tok *t)
{
	return t->cls == T_SPACE || t->cls == T_PUNCT;
}

static int line_start(const struct toks *t, size_t i)
{
	return i == 0 || t->t[i - 1].cls == T_NEWLINE;
}

/* Drops runs of matches made only of spaces and punctuation that sit between two
 * changes: "one two" against "three four" then reads as one phrase replaced, not as
 * two words replaced around a kept space. A run that starts a line on both sides stays:
 * it is the indentation and the marker of a list item, the shape of the text. */
static void drop_filler(const struct toks *a, const struct toks *b, struct matches *ms)
{
	size_t w = 0, next_i = 0, next_j = 0;   /* the tokens after the last match kept */
	for (size_t r = 0; r < ms->n;) {
		size_t end = r + 1;
		int only_filler = filler(&a->t[ms->m[r].i]);
		for (; end < ms->n && ms->m[end].i == ms->m[end - 1].i + 1 && ms->m[end].j == ms->m[end - 1].j + 1; end++)
			only_filler = only_filler && filler(&a->t[ms->m[end].i]);
		struct match last = ms->m[end - 1];
		int change_before = ms->m[r].i > next_i || ms->m[r].j > next_j;
		int change_after = end < ms->n || last.i + 1 < a->n || last.j + 1 < b->n;
		int starts_lines = line_start(a, ms->m[r].i) && line_start(b, ms->m[r].j);
		if (only_filler && change_before && change_after && !starts_lines) {
			r = end;
			continue;
		}
		while (r < end)
			ms->m[w++] = ms->m[r++];
		next_i = last.i + 1;
		next_j = last.j + 1;
	}
	ms->n = w;
}

/* ---- segments ---- */

static void emit(struct diff *d, enum diff_op op, const char *p, size_t len)
{
	if (len == 0)
		return;
	struct diff_segment *last = d->n ? &d->seg[d->n - 1] : NULL;
	if (last && last->op == op && last->text + last->len == p) {
		last->len += len;
		return;
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->seg = xrealloc(d->seg, d->cap * sizeof *d->seg);
	}
	d->seg[d->n].op = op;
	d->seg[d->n].text = p;
	d->seg[d->n].len = len;
	d->n++;
}

/* The bytes of tokens t[i..j), contiguous in their text. */
static void emit_tokens(struct diff *d, enum diff_op op, const struct toks *t, size_t i, size_t j)
{
	if (i < j)
		emit(d, op, t->t[i].p, (size_t)(t->t[j - 1].p + t->t[j - 1].len - t->t[i].p));
}

/* The changes between two matches: tokens a[i..mi) deleted, b[j..mj) inserted. Where a
 * pair of edited lines starts inside them (starts[*k], in order), the whole lines
 * before it are written first, deleted then inserted, and the pair's own change after:
 * so no segment runs from a line deleted or inserted whole into the middle of the next
 * (an insertion is then followed by a deletion, at the start of a line). */
static void emit_gap(struct diff *d, const struct toks *a, size_t i, size_t mi, const struct toks *b, size_t j,
		     size_t mj, const struct matches *starts, size_t *k)
{
	for (; *k < starts->n && starts->m[*k].i <= mi && starts->m[*k].j <= mj; ++*k) {
		const struct match *s = &starts->m[*k];
		if (s->i < i || s->j < j)
			continue;   /* the pair began with a match: no break needed */
		emit_tokens(d, DIFF_DEL, a, i, s->i);
		emit_tokens(d, DIFF_INS, b, j, s->j);
		i = s->i;
		j = s->j;
	}
	emit_tokens(d, DIFF_DEL, a, i, mi);
	emit_tokens(d, DIFF_INS, b, j, mj);
}

void diff_words(const char *from, const char *to, struct diff *out)
{
	struct toks a = {NULL, 0, 0}, b = {NULL, 0, 0};
	struct matches ms = {NULL, 0, 0}, starts = {NULL, 0, 0};
	size_t budget = DIFF_BUDGET, next_start = 0;
	memset(out, 0, sizeof *out);
	tokenize(from, &a);
	tokenize(to, &b);
	match_texts(&a, &b, &budget, &ms, &starts);
	drop_filler(&a, &b, &ms);
	size_t i = 0, j = 0;
	for (size_t k = 0; k <= ms.n; k++) {
		size_t mi = k < ms.n ? ms.m[k].i : a.n, mj = k < ms.n ? ms.m[k].j : b.n;
		emit_gap(out, &a, i, mi, &b, j, mj, &starts, &next_start);
		if (k < ms.n)
			emit_tokens(out, DIFF_SAME, &a, mi, mi + 1);
		i = mi + 1;
		j = mj + 1;
	}
	free(a.t);
	free(b.t);
	free(ms.m);
	free(starts.m);
}

void diff_free(struct diff *d)
{
	free(d->seg);
	memset(d, 0, sizeof *d);
}

const char *diff_op_name(enum diff_op op)
{
	switch (op) {
	case DIFF_SAME: return "same";
	case DIFF_DEL: return "del";
	case DIFF_INS: return "ins";
	}
	return "same";
}

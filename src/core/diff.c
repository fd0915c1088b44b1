/* diff.c: a word-level diff of two texts; see diff.h.
 *
 * The steps: cut both texts into tokens; find matching token pairs (a longest common
 * subsequence, with the cost bounded as diff.h says); drop matches that are only spaces
 * or punctuation between two changes; then read the segments off the matches. Tokens
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
	size_t first;    /* a line token: the index of its first word token */
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

static void match_range(const struct toks *a, size_t a0, size_t a1, const struct toks *b, size_t b0,
			size_t b1, int by_lines, size_t *budget, struct matches *ms);

/* Groups the word tokens w[w0..w1) into lines, each ending with its newline token. */
static void lines_of(const struct toks *w, size_t w0, size_t w1, struct toks *lines)
{
	for (size_t k = w0; k < w1;) {
		size_t first = k;
		while (k < w1 && w->t[k++].cls != T_NEWLINE)
			;
		const char *p = w->t[first].p;
		size_t len = (size_t)(w->t[k - 1].p + w->t[k - 1].len - p);
		struct tok line = {p, len, hash_bytes(p, len), T_WORD, first};
		toks_push(lines, line);
	}
}

/* The middle of two long texts, too long to compare token by token: lines are matched
 * first, then the tokens between matched lines. Equal lines are equal token for token,
 * since a newline always ends a token. */
static void match_lines(const struct toks *a, size_t a0, size_t a1, const struct toks *b, size_t b0,
			size_t b1, size_t *budget, struct matches *ms)
{
	struct toks la = {NULL, 0, 0}, lb = {NULL, 0, 0};
	struct matches lm = {NULL, 0, 0};
	lines_of(a, a0, a1, &la);
	lines_of(b, b0, b1, &lb);
	match_range(&la, 0, la.n, &lb, 0, lb.n, 0, budget, &lm);
	size_t i = a0, j = b0;
	for (size_t k = 0; k <= lm.n; k++) {
		size_t li = k < lm.n ? lm.m[k].i : la.n, lj = k < lm.n ? lm.m[k].j : lb.n;
		size_t ai = li < la.n ? la.t[li].first : a1, bj = lj < lb.n ? lb.t[lj].first : b1;
		match_range(a, i, ai, b, j, bj, 0, budget, ms);
		if (k == lm.n)
			break;
		size_t end = li + 1 < la.n ? la.t[li + 1].first : a1;
		for (i = ai, j = bj; i < end; i++, j++)
			match_push(ms, i, j);
	}
	free(la.t);
	free(lb.t);
	free(lm.m);
}

/* Appends the matches between tokens a[a0..a1) and b[b0..b1), in order. The common
 * start and end cost nothing; the middle is compared whole when it fits the bounds, by
 * lines first when it does not (once: by_lines), and otherwise has no matches. */
static void match_range(const struct toks *a, size_t a0, size_t a1, const struct toks *b, size_t b0,
			size_t b1, int by_lines, size_t *budget, struct matches *ms)
{
	size_t tail = 0;
	while (a0 < a1 && b0 < b1 && tok_eq(&a->t[a0], &b->t[b0]))
		match_push(ms, a0++, b0++);
	while (a0 < a1 && b0 < b1 && tok_eq(&a->t[a1 - 1], &b->t[b1 - 1]))
		a1--, b1--, tail++;
	size_t n = a1 - a0, m = b1 - b0;
	if (n && m && fits(n, m, budget))
		lcs(a->t + a0, n, b->t + b0, m, a0, b0, ms);
	else if (n && m && by_lines)
		match_lines(a, a0, a1, b, b0, b1, budget, ms);
	for (size_t k = 0; k < tail; k++)
		match_push(ms, a1 + k, b1 + k);
}

static int filler(const struct tok *t)
{
	return t->cls == T_SPACE || t->cls == T_PUNCT;
}

/* Drops runs of matches made only of spaces and punctuation that sit between two
 * changes: "one two" against "three four" then reads as one phrase replaced, not as
 * two words replaced around a kept space. nb: the number of tokens of `to`. */
static void drop_filler(const struct toks *a, size_t nb, struct matches *ms)
{
	size_t w = 0, next_i = 0, next_j = 0;   /* the tokens after the last match kept */
	for (size_t r = 0; r < ms->n;) {
		size_t end = r + 1;
		int only_filler = filler(&a->t[ms->m[r].i]);
		for (; end < ms->n && ms->m[end].i == ms->m[end - 1].i + 1 && ms->m[end].j == ms->m[end - 1].j + 1; end++)
			only_filler = only_filler && filler(&a->t[ms->m[end].i]);
		struct match last = ms->m[end - 1];
		int change_before = ms->m[r].i > next_i || ms->m[r].j > next_j;
		int change_after = end < ms->n || last.i + 1 < a->n || last.j + 1 < nb;
		if (only_filler && change_before && change_after) {
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

void diff_words(const char *from, const char *to, struct diff *out)
{
	struct toks a = {NULL, 0, 0}, b = {NULL, 0, 0};
	struct matches ms = {NULL, 0, 0};
	size_t budget = DIFF_BUDGET;
	memset(out, 0, sizeof *out);
	tokenize(from, &a);
	tokenize(to, &b);
	match_range(&a, 0, a.n, &b, 0, b.n, 1, &budget, &ms);
	drop_filler(&a, b.n, &ms);
	size_t i = 0, j = 0;
	for (size_t k = 0; k <= ms.n; k++) {
		size_t mi = k < ms.n ? ms.m[k].i : a.n, mj = k < ms.n ? ms.m[k].j : b.n;
		emit_tokens(out, DIFF_DEL, &a, i, mi);
		emit_tokens(out, DIFF_INS, &b, j, mj);
		if (k < ms.n)
			emit_tokens(out, DIFF_SAME, &a, mi, mi + 1);
		i = mi + 1;
		j = mj + 1;
	}
	free(a.t);
	free(b.t);
	free(ms.m);
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

/* diff.h: a word-level diff of two UTF-8 texts, for showing what changed between two
 * revisions of a plan with the changed words marked.
 *
 * Texts are cut into tokens: words (runs of letters and digits), runs of spaces, single
 * newlines, single punctuation characters, and single Chinese or Japanese characters
 * (those scripts do not separate words with spaces). Lines are compared first (a
 * longest common subsequence of whole lines), so that every change stays within the
 * lines it changed: a line added is one insertion of the whole line, never the tail of
 * one line and the head of the next. In each stretch of changed lines, a deleted line is
 * paired with the inserted line it was edited into (the order-keeping pairing of lines
 * that share the most tokens; a pair shares at least 40% of them, and one line replaced
 * by one line is always a pair), and the tokens of each pair are compared (a longest
 * common subsequence of tokens). Unpaired lines are deleted or inserted whole.
 *
 * The cost is bounded: common starts and ends are skipped, each comparison must fit in
 * DIFF_CELLS_MAX pairs and all of them in DIFF_BUDGET; what cannot be compared within
 * the bounds is shown as deleted and inserted whole. Time and memory therefore stay
 * linear in the input beyond a fixed amount, whatever the input.
 *
 * Pure: no globals, thread-safe. Memory that cannot be allocated ends the process
 * (util/xalloc.h). */
#ifndef C2C_DIFF_H
#define C2C_DIFF_H
#include <stddef.h>

/* Most token pairs compared at once (one bit each, so 512 KiB at most), and in all
 * comparisons of one diff together (which bounds its time). */
#define DIFF_CELLS_MAX ((size_t)1 << 22)
#define DIFF_BUDGET (4 * DIFF_CELLS_MAX)

enum diff_op { DIFF_SAME, DIFF_DEL, DIFF_INS };

struct diff_segment {
	enum diff_op op;
	const char *text;   /* inside `from` (same, del) or `to` (ins); not NUL-terminated */
	size_t len;         /* bytes; never 0 */
};

/* The segments, in reading order: `from` is the same and del segments joined, `to` the
 * same and ins segments joined. Adjacent segments differ in op. Within a line the
 * deletion comes first and the insertion that replaces it follows; an insertion is
 * followed by a deletion only where it ends a line (whole lines inserted, then an edit
 * of the next line). Spaces or punctuation alone between two changes are made part of
 * them, so that a rewritten phrase reads as one deletion and one insertion, except at
 * the start of a line (indentation and a list marker stay). */
struct diff {
	struct diff_segment *seg;
	size_t n;
	size_t cap;
};

/* Compares text `from` with text `to` (NUL-terminated UTF-8; invalid bytes are compared
 * as they are) into *out, which borrows from both: keep them until diff_free(out). */
void diff_words(const char *from, const char *to, struct diff *out);
void diff_free(struct diff *d);

const char *diff_op_name(enum diff_op op);   /* "same", "del", "ins" */

#endif

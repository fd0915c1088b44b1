/* str.h: text helpers shared by every layer: UTF-8 checks, matching keys, slugs, bounded
 * number parsing, and the loose number forms found in programme documents.
 *
 * All functions are pure and thread-safe. Functions returning char * return memory the
 * caller frees. Parsers return 0 on success and -1 on any error, never a partial value. */
#ifndef C2C_STR_H
#define C2C_STR_H
#include <stddef.h>

#define SLUG_MAX 64

int utf8_valid(const char *s, size_t n);           /* 1 when s[0..n) is well-formed UTF-8 */
size_t utf8_chars(const char *s);                 /* code points in a valid UTF-8 string */
int utf8_has_control(const char *s);             /* C0/C1 controls other than \n \r \t */

/* Matching key: lower case, Latin accents removed, typographic quotes, dashes and spaces
 * made plain, runs of space collapsed, trimmed. "Métropole Nice Côte d’Azur" and
 * "metropole nice cote d'azur" have the same key. Non-Latin text is kept as it is. */
char *fold_key(const char *s);

/* Writes an ASCII slug of s ("Nice – Haikou" -> "nice-haikou") into out, at most
 * SLUG_MAX bytes. Returns -1 when nothing of s is left (e.g. only Chinese characters). */
int slugify(const char *s, char out[SLUG_MAX + 1]);
int is_slug(const char *s);                       /* [a-z0-9]+(-[a-z0-9]+)*, <= SLUG_MAX */

/* Whole-string strict parsers: optional leading '-', digits, nothing else. */
int parse_int(const char *s, long long min, long long max, long long *out);
int parse_real(const char *s, double min, double max, double *out);

/* Loose quantities as documents write them: "1 010 389", "540 000", "540.000",
 * "7 434.4 km2", "1285 km2", "1.400 km²", "2,3million", "3146km". Reads a number at the
 * start of s (after spaces), with groups of three digits separated by spaces, no-break
 * spaces, '.' or ','; a decimal part; and an optional multiplier word (thousand, million,
 * billion, mio, mn). *end, if not NULL, is set past what was read. */
int parse_quantity(const char *s, double *out, const char **end);

char *str_trim(char *s);                          /* in place; returns s advanced */
int str_starts_with_ci(const char *s, const char *prefix);

#endif

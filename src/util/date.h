/* date.h: partial dates, as programme documents give them: a year ("2018"), a month
 * ("2018-07", "July 2018") or a day ("2019-10-14", "14 October 2019").
 *
 * The stored form is ISO 8601 cut to the known precision; it sorts as text. */
#ifndef C2C_DATE_H
#define C2C_DATE_H
#include <stddef.h>

struct pdate {
	int year;    /* 1900..2200 */
	int month;   /* 1..12, or 0 when only the year is known */
	int day;     /* 1..31, or 0 when the day is unknown */
};

#define PDATE_ISO_MAX 11   /* "YYYY-MM-DD" and NUL */

int pdate_parse_iso(const char *s, struct pdate *d);        /* whole string, validated */
void pdate_format_iso(const struct pdate *d, char out[PDATE_ISO_MAX]);
/* "July 2018", "14 October 2019", "2018": for pages. Returns out. */
char *pdate_format_human(const struct pdate *d, char *out, size_t size);
/* Same, from a stored ISO string; an invalid one is copied as it is. */
char *pdate_iso_to_human(const char *iso, char *out, size_t size);

/* Finds a date written in prose at the start of s, after optional words such as "In",
 * "Also in", "Early": "July 2018", "14-18 October 2019", "Sept. 2018", "2018-07".
 * Sets *d (for a range, its first day; *last, if not NULL, its last day or *d) and *end
 * past the date. Returns -1 when s does not start with a date. */
int pdate_scan_text(const char *s, struct pdate *d, struct pdate *last, const char **end);

int pdate_month_from_name(const char *s, size_t *len);     /* 1..12 or 0; English names and abbreviations */

#endif

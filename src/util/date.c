/* date.c: partial dates; see date.h. */
#include "util/date.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const month_names[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};

static int days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		return 29;
	return days[month - 1];
}

static int valid(const struct pdate *d)
{
	if (d->year < 1900 || d->year > 2200 || d->month < 0 || d->month > 12)
		return 0;
	if (d->month == 0)
		return d->day == 0;
	return d->day >= 0 && d->day <= days_in_month(d->year, d->month);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int pdate_parse_iso(const char *s, struct pdate *d)
{
	struct pdate t = {0, 0, 0};
	size_t n = strlen(s);
	if (n != 4 && n != 7 && n != 10)
		return -1;
	if (digits(s, 4, &t.year))
		return -1;
	if (n >= 7 && (s[4] != '-' || digits(s + 5, 2, &t.month) || t.month == 0))
		return -1;
	if (n == 10 && (s[7] != '-' || digits(s + 8, 2, &t.day) || t.day == 0))
		return -1;
	if (!valid(&t))
		return -1;
	*d = t;
	return 0;
}

void pdate_format_iso(const struct pdate *d, char out[PDATE_ISO_MAX])
{
	if (d->day)
		snprintf(out, PDATE_ISO_MAX, "%04d-%02d-%02d", d->year, d->month, d->day);
	else if (d->month)
		snprintf(out, PDATE_ISO_MAX, "%04d-%02d", d->year, d->month);
	else
		snprintf(out, PDATE_ISO_MAX, "%04d", d->year);
}

char *pdate_format_human(const struct pdate *d, char *out, size_t size)
{
	if (d->day)
		snprintf(out, size, "%d %s %d", d->day, month_names[d->month - 1], d->year);
	else if (d->month)
		snprintf(out, size, "%s %d", month_names[d->month - 1], d->year);
	else
		snprintf(out, size, "%d", d->year);
	return out;
}

char *pdate_iso_to_human(const char *iso, char *out, size_t size)
{
	struct pdate d;
	if (pdate_parse_iso(iso, &d) == 0)
		return pdate_format_human(&d, out, size);
	snprintf(out, size, "%s", iso);
	return out;
}

int pdate_month_from_name(const char *s, size_t *len)
{
	for (int m = 0; m < 12; m++) {
		size_t full = strlen(month_names[m]);
		if (strncasecmp(s, month_names[m], full) == 0 && !isalpha((unsigned char)s[full])) {
			*len = full;
			return m + 1;
		}
		/* "Sept." and three-letter abbreviations, with or without a dot */
		size_t ab = (m == 8 && strncasecmp(s, "sept", 4) == 0) ? 4 : 3;
		if (strncasecmp(s, month_names[m], ab) == 0 && !isalpha((unsigned char)s[ab])) {
			*len = ab + (s[ab] == '.');
			return m + 1;
		}
	}
	return 0;
}

/* Reads 1..4 digits; returns the count read. */
static int read_number(const char *s, int max_digits, int *out)
{
	int n = 0, v = 0;
	while (n < max_digits && isdigit((unsigned char)s[n]))
		v = v * 10 + (s[n++] - '0');
	if (isdigit((unsigned char)s[n]))
		return 0;
	*out = v;
	return n;
}

static const char *skip_lead_words(const char *s)
{
	static const char *const words[] = {"also in ", "in ", "on ", "early ", "mid-", "mid ",
					    "late ", "end of ", "since ", "from ", "by "};
	for (int again = 1; again;) {
		again = 0;
		for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
			size_t n = strlen(words[i]);
			if (strncasecmp(s, words[i], n) == 0) {
				s += n;
				again = 1;
			}
		}
	}
	return s;
}

int pdate_scan_text(const char *s, struct pdate *d, struct pdate *last, const char **end)
{
	struct pdate a = {0, 0, 0}, b;
	int day1 = 0, day2 = 0, n;
	size_t mlen;
	const char *p = skip_lead_words(s);

	/* ISO forms first: 2018-07-14, 2018-07 */
	if ((n = read_number(p, 4, &a.year)) == 4 && p[4] == '-' && isdigit((unsigned char)p[5]) &&
	    isdigit((unsigned char)p[6])) {
		char iso[PDATE_ISO_MAX] = {0};
		/* each byte is checked before the next is read: the string may end anywhere */
		size_t len = (p[7] == '-' && isdigit((unsigned char)p[8]) && isdigit((unsigned char)p[9])) ? 10 : 7;
		memcpy(iso, p, len);
		if (pdate_parse_iso(iso, &a) == 0 && !isdigit((unsigned char)p[len])) {
			p += len;
			goto done;
		}
		a = (struct pdate){0, 0, 0};
	}
	/* "14 October 2019", "14-18 October 2019", "14–18 October 2019" */
	if ((n = read_number(p, 2, &day1)) > 0) {
		const char *q = p + n;
		if (*q == '-')
			q++;
		else if (strncmp(q, "\xE2\x80\x93", 3) == 0)
			q += 3;
		if (q != p + n && (n = read_number(q, 2, &day2)) > 0)
			q += n;
		else
			day2 = 0, q = p + n;
		while (*q == ' ')
			q++;
		if ((a.month = pdate_month_from_name(q, &mlen)) != 0) {
			p = q + mlen;
			a.day = day1;
		} else {
			return -1;
		}
	} else if ((a.month = pdate_month_from_name(p, &mlen)) != 0) {
		p += mlen;
	}
	if (a.month) {
		while (*p == ' ' || *p == ',')
			p++;
	}
	if (read_number(p, 4, &a.year) != 4)
		return -1;
	p += 4;
done:
	b = a;
	if (day2)
		b.day = day2;
	if (!valid(&a) || !valid(&b) || (day2 && day2 < day1))
		return -1;
	*d = a;
	if (last)
		*last = b;
	if (end)
		*end = p;
	return 0;
}

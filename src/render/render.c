/* render.c: the small pieces every rendering of a plan shares: dates and ranges in
 * words, the revision line, SDG titles. See render.h. */
#include "core/plan.h"
#include "render/render.h"
#include "util/date.h"

#include <stdio.h>
#include <string.h>

static const char *const month_abbr[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* "June 2018", or with abbr "Jun 2018". */
static void date_words(const struct pdate *d, int abbr, char *out, size_t size)
{
	if (!abbr || !d->month)
		pdate_format_human(d, out, size);
	else if (d->day)
		snprintf(out, size, "%d %s %d", d->day, month_abbr[d->month - 1], d->year);
	else
		snprintf(out, size, "%s %d", month_abbr[d->month - 1], d->year);
}

/* The shorter form of a range drops what both ends share, as an editor would write it:
 * "June – July 2018" rather than "June 2018 – July 2018". Only ends of the same precision
 * share a tail; mixed precisions are written in full. */
static void range_words(const struct pdate *a, const struct pdate *b, int abbr, char *out, size_t size)
{
	char first[RENDER_DATE_MAX], last[RENDER_DATE_MAX];
	date_words(a, abbr, first, sizeof first);
	date_words(b, abbr, last, sizeof last);
	int same_precision = (a->month == 0) == (b->month == 0) && (a->day == 0) == (b->day == 0);
	if (same_precision && a->year == b->year && a->month) {
		if (a->day && a->month == b->month)
			snprintf(first, sizeof first, "%d", a->day);   /* "14 – 18 October 2019" */
		else
			*strrchr(first, ' ') = '\0';                  /* "June – July 2018" */
	}
	snprintf(out, size, "%s \xE2\x80\x93 %s", first, last);
}

static char *date_range(const char *start, const char *end, int abbr, char *out, size_t size)
{
	struct pdate a, b;
	if (!start)
		start = "";
	if (pdate_parse_iso(start, &a) != 0)
		snprintf(out, size, "%s", start);
	else if (!end || !*end || strcmp(start, end) == 0 || pdate_parse_iso(end, &b) != 0)
		date_words(&a, abbr, out, size);
	else
		range_words(&a, &b, abbr, out, size);
	return out;
}

char *render_date_range(const char *start, const char *end, char *out, size_t size)
{
	return date_range(start, end, 0, out, size);
}

char *render_date_range_abbr(const char *start, const char *end, char *out, size_t size)
{
	return date_range(start, end, 1, out, size);
}

char *render_saved_date(const char *saved_at, char *out, size_t size)
{
	char day[PDATE_ISO_MAX];
	snprintf(day, sizeof day, "%s", saved_at ? saved_at : "");
	return pdate_iso_to_human(day, out, size);
}

void render_revision_line(const json_t *view, struct buf *out)
{
	json_t *rev = json_object_get(view, "revision");
	const char *saved = json_string_value(json_object_get(view, "saved_at"));
	char day[RENDER_DATE_MAX];
	if (json_is_integer(rev))
		buf_printf(out, "Revision %lld", (long long)json_integer_value(rev));
	if (saved && *saved)
		buf_printf(out, "%s %s", json_is_integer(rev) ? ", saved" : "Saved",
			   render_saved_date(saved, day, sizeof day));
}

void render_city_names(const json_t *view, struct buf *out)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(view, "cities"), i, c) {
		const char *native = json_string_value(json_object_get(c, "native"));
		buf_printf(out, "%s%s%s%s", i ? " \xC2\xB7 " : "", json_string_value(json_object_get(c, "name")),
			   native ? " " : "", native ? native : "");
	}
}

const char *render_sdg_title(const json_t *view, long long n)
{
	char key[24];
	snprintf(key, sizeof key, "%lld", n);
	return json_string_value(json_object_get(json_object_get(view, "sdg_titles"), key));
}

int render_section_shown(const json_t *view, const struct plan_section *s)
{
	const json_t *content = json_object_get(view, "content");
	switch (s->kind) {
	case SEC_FACTS: return json_array_size(json_object_get(view, "header")) > 0;
	case SEC_PERIOD: return json_object_size(json_object_get(content, "period")) > 0;
	case SEC_THEMES: return json_array_size(json_object_get(content, "themes")) > 0;
	case SEC_GOALS:
		return json_array_size(json_object_get(content, "sdgs")) > 0 ||
		       json_array_size(json_object_get(content, "urban_agenda")) > 0;
	case SEC_TIMELINE: return json_array_size(json_object_get(content, "activities")) > 0;
	case SEC_TEXT: break;
	}
	/* The importer's leftovers are work for the editors, not part of the summary. */
	const char *text = json_string_value(json_object_get(content, s->key));
	return text && *text && strcmp(s->key, "unplaced") != 0;
}

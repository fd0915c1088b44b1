/* ucap_facts.c: the facts rows of a U-CAP summary (name, province, country, population,
 * area of the city and of its counterparts); part of the parser (ucap_page.c), see
 * ucap_parse.h. Also the splitting of a cell that names several cities (ucap_page.h).
 *
 * A facts row has the city's value and the counterparts'; when the two columns ran
 * together into one cell they are told apart by a run of blanks, a " | ", or as two
 * numbers. Numbers come in any document form with their units ("1,400 km²", "540.000
 * inhabitants", "N/A"); a value that cannot be read, or is given twice, is kept as
 * unplaced with a note saying why. */
#include "import/ucap_parse.h"
#include "core/plan.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NAMES_MAX 50           /* counterparts named in one cell */
#define POPULATION_MAX 1e8     /* the bounds plan_validate sets; beyond, a value is unplaced */
#define AREA_MAX 1e6

/* ---- facts: names and numbers ---- */

/* "N/A" and the other ways a document says that a value is not available. */
static int is_na(const char *s)
{
	static const char *const na[] = {"n/a", "na", "n.a.", "n.a", "not available", "-", "\xE2\x80\x93"};
	char *k = fold_key(s);
	int yes = 0;
	for (size_t i = 0; i < sizeof na / sizeof *na && !yes; i++)
		yes = strcmp(k, na[i]) == 0;
	free(k);
	return yes;
}

/* Units after an area and their factor to km²; longer spellings before their prefixes. */
static const struct unit {
	const char *word;
	double factor;
} area_units[] = {
	{"square kilometres", 1}, {"square kilometers", 1}, {"sq. km", 1}, {"sq km", 1},
	{"km \xC2\xB2", 1}, {"km\xC2\xB2", 1}, {"km 2", 1}, {"km2", 1}, {"km", 1}, {"hectares", 0.01}, {"ha", 0.01},
};
static const char *const people_units[] = {"inhabitants", "people", "residents", "inh."};

/* Reads one value of a numeric fact at s: "N/A", or a number in any document form with
 * its unit. Sets *v (NAN for N/A) and returns the end of the value, or NULL. */
static const char *read_value(const char *s, enum sec sec, double *v)
{
	const char *end;
	while (*s == ' ')
		s++;
	for (size_t n = 1; n <= 13 && s[n - 1]; n++) {
		char head[16];
		memcpy(head, s, n);
		head[n] = '\0';
		if ((s[n] == '\0' || s[n] == ' ') && is_na(head)) {
			*v = NAN;
			return s + n;
		}
	}
	if (parse_quantity(s, v, &end) || !isfinite(*v))
		return NULL;
	const char *u = end;
	while (*u == ' ')
		u++;
	if (sec == S_AREA) {
		for (size_t i = 0; i < sizeof area_units / sizeof *area_units; i++) {
			size_t n = strlen(area_units[i].word);
			if (strncasecmp(u, area_units[i].word, n) == 0 && !isalnum((unsigned char)u[n])) {
				*v *= area_units[i].factor;
				return u + n;
			}
		}
	} else {
		for (size_t i = 0; i < sizeof people_units / sizeof *people_units; i++) {
			size_t n = strlen(people_units[i]);
			if (strncasecmp(u, people_units[i], n) == 0 && !isalpha((unsigned char)u[n]))
				return u + n;
		}
	}
	return end;
}

/* The whole of s as a population or an area: a JSON value for the facts, or NULL. */
static json_t *number_fact(const char *s, enum sec sec)
{
	double v;
	const char *end = read_value(s, sec, &v);
	if (!end)
		return NULL;
	while (*end == ' ' || *end == '.')
		end++;
	if (*end)
		return NULL;
	if (isnan(v))
		return json_string("N/A");
	if (sec == S_POPULATION)
		return v <= POPULATION_MAX ? json_integer(llround(v)) : NULL;
	return v <= AREA_MAX ? json_real(v) : NULL;
}

/* Two numeric values run together in one cell ("540.000 N/A"): splits s at the end of
 * the first when the rest is a value too. Returns the rest (s is cut) or NULL. */
static char *split_values(char *s, enum sec sec)
{
	double v;
	char *end = (char *)read_value(s, sec, &v);
	if (!end || !*end)
		return NULL;
	json_t *second = number_fact(end, sec);
	if (!second)
		return NULL;
	json_decref(second);
	*end++ = '\0';
	return end;
}

void ucap_split_names(const char *s, json_t *names)
{
	char *copy = xstrdup(s), *p = copy;
	while (*p && json_array_size(names) < NAMES_MAX) {
		size_t n = strcspn(p, ",;");
		char *and = NULL;
		for (char *q = p; q < p + n && !and; q++)
			if (strncasecmp(q, " and ", 5) == 0 || strncmp(q, " & ", 3) == 0)
				and = q;
		size_t cut = and ? (size_t)(and - p) : n;
		char save = p[cut];
		p[cut] = '\0';
		char *name = ucap_trim(p);
		if (*name)
			json_array_append_new(names, json_string(name));
		p[cut] = save;
		p += and ? cut + (and[1] == '&' ? 3 : 5) : n + (p[n] != '\0');
	}
	free(copy);
}

const char *const ucap_fact_keys[S_COUNT] = {
	[S_NAME] = "name", [S_PROVINCE] = "province", [S_COUNTRY] = "country",
	[S_POPULATION] = "population", [S_AREA] = "area_km2",
};
static const char *const side_names[2] = {"the city", "the counterparts"};

/* The plain text of a cell: markup dropped, lines joined. New string. */
static char *cell_text(const char *raw, size_t line)
{
	struct blocks b = {0};
	ucap_read_cell(raw, line, 1, &b);
	char *text = ucap_blocks_flat(&b);
	ucap_blocks_free(&b);
	return text;
}

/* Sets one fact of one side from its text, or keeps the text as unplaced and says why. */
static void set_fact(struct doc *d, int side, enum sec sec, const char *text, const char *label, size_t line)
{
	const char *key = ucap_fact_keys[sec];
	json_t *value = NULL;
	if (sec == S_POPULATION || sec == S_AREA)
		value = number_fact(text, sec);
	else if (utf8_chars(text) <= PLAN_TITLE_MAX)
		value = json_string(text);
	if (value && !json_object_get(d->side[side], key)) {
		json_object_set_new(d->side[side], key, value);
		if (sec == S_NAME && side == 1)
			ucap_split_names(text, d->up->counterparts);
		return;
	}
	import_msg(d->up->notes, "line %zu: %s of %s: %s", line, label, side_names[side],
		value ? "given twice; the second is kept as unplaced" : "cannot be read; kept as unplaced");
	json_decref(value);
	struct buf both = BUF_INIT((size_t)-1 / 2);
	buf_printf(&both, "%s: %s", label, text);
	ucap_unplace(d, line, buf_str(&both));
	buf_free(&both);
}

/* A facts row: the city's value, then the counterparts'. When one cell holds both (the
 * columns ran together), they are told apart by a run of blanks, or as two numbers. */
void ucap_read_fact_row(struct doc *d, struct row *r, enum sec sec, const char *label)
{
	char *v[2] = {NULL, NULL};
	const char *raw = buf_str(&r->cell[0]);
	const char *gap = r->cell[1].len ? NULL : strstr(raw, "   ");
	if (!gap && !r->cell[1].len)
		gap = strstr(raw, " | ");
	if (gap) {
		char *first = xstrndup(raw, (size_t)(gap - raw));
		v[0] = cell_text(first, r->line);
		v[1] = cell_text(gap + strspn(gap, " |"), r->line);
		free(first);
		if (*v[0] && *v[1]) {
			import_msg(d->up->notes, "line %zu: %s: one cell read as the city's value and the counterparts'",
				r->line, label);
		} else {
			free(v[0]);
			free(v[1]);
			gap = NULL;
		}
	}
	if (!gap) {
		v[0] = cell_text(raw, r->line);
		v[1] = cell_text(buf_str(&r->cell[1]), r->line);
	}
	char *rest = NULL;
	if (!*v[1] && (sec == S_POPULATION || sec == S_AREA) && (rest = split_values(v[0], sec)) != NULL) {
		free(v[1]);
		v[1] = xstrdup(ucap_trim(rest));
		import_msg(d->up->notes, "line %zu: %s: two values in one cell read as the city's and the counterparts'", r->line, label);
	}
	for (int side = 0; side < 2; side++)
		if (*v[side])
			set_fact(d, side, sec, v[side], label, r->line);
	free(v[0]);
	free(v[1]);
}

/* ucap_import.c: the apply step of the U-CAP importer, and its command `c2c import ucap`;
 * see ucap_import.h and ucap_page.h.
 *
 * The parser gives the plan's content with the cities by name. Applying it means finding
 * each city among the stored ones by any of its names, ignoring case and accents; failing
 * that, by the words of its names ("Nice" is "Métropole Nice Côte d'Azur" when no other
 * stored city has the word), said in the notes; a name that is nowhere yet becomes a new
 * city, with the facts the summary states for it alone. Then the slugs and the
 * cooperation the cities share are filled in, and the content is saved as a new revision
 * of the plan named after the city. Stored cities are never changed: where the summary
 * states other facts for one, the notes say so. All of a file is done in one transaction, so a file that fails anywhere leaves
 * the database as it was; and since store_plan_save writes nothing for content equal to
 * the current revision, importing a file again reports "unchanged". */
#include "import/ucap_import.h"
#include "import/importer.h"
#include "cmd/cli.h"
#include "core/country.h"
#include "core/plan.h"
#include "core/record.h"
#include "import/ucap_page.h"
#include "store/plans.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MATCH_MAX 8            /* stored cities one name may match before it is ambiguous */
#define SCAN_PAGES 200         /* pages of LIST_LIMIT_MAX cities read for a match by words */
#define NAME_WORDS 24          /* a longer name is matched by its whole only */
#define REGION_MAX 200         /* characters of a city's region (core/city.c) */
#define TAXONOMY_MAX 1000      /* bound on the Urban Agenda names read from the database */
#define SLUG_TRIES 100         /* plan slugs tried: nice, nice-2, ... nice-100 */

/* Where one file's work is gathered. */
struct apply {
	struct db *db;
	struct ucap_page *page;
	json_t *content;            /* the parsed content, completed here; owned */
	json_t *fails;              /* strings: why the file is refused */
	json_t *notes;              /* strings: what was decided, for the report */
	struct buf cities;          /* "nice (found), kunming (created)" */
	char plan[SLUG_MAX + 1];    /* the plan's slug */
	enum put_outcome outcome;
	int revision;
};

/* Why the file is refused, and the store's errors of a refused write. */
#define fail(a, ...) import_msg((a)->fails, __VA_ARGS__)
#define fail_errors(a, what, errs) import_errors((a)->fails, (a)->db, what, errs)

/* ---- what the summary states of one city ---- */

/* The facts of one city, when the summary states them for that city alone: a value in
 * a cell covering several cities, or "N/A", is none. */
struct city_facts {
	const char *country;          /* ISO code, or NULL */
	char region[REGION_MAX * 4 + 1];   /* the province, "" when none */
	json_t *population, *area;    /* borrowed numbers, or NULL */
};

/* The ISO code of the country the facts give for the i-th of n cities: the one country
 * named, or the i-th when the cell names one per city. NULL when neither. */
static const char *country_of(json_t *side, size_t i, size_t n)
{
	const char *text = record_str(side, "country");
	const struct country *c = NULL;
	if (!text)
		return NULL;
	json_t *names = json_array();
	ucap_split_names(text, names);
	size_t count = json_array_size(names);
	if (count == 1 || (count == n && i < n))
		c = country_by_name(json_string_value(json_array_get(names, count == 1 ? 0 : i)));
	json_decref(names);
	return c ? c->code : NULL;
}

/* The province of the i-th of n cities into out: the whole cell for one city (a name
 * with "and" in it stays whole), else the i-th name when there is one per city. A
 * country's name is no province (seed 003 gives "France, Spain, Italy"). */
static void region_of(json_t *side, size_t i, size_t n, char *out, size_t size)
{
	const char *text = record_str(side, "province");
	json_t *names = json_array();
	out[0] = '\0';
	if (text && n > 1)
		ucap_split_names(text, names);
	const char *mine = n == 1 ? text : json_array_size(names) == n ? json_string_value(json_array_get(names, i)) : NULL;
	if (mine && !country_by_name(mine) && utf8_chars(mine) <= REGION_MAX)
		snprintf(out, size, "%s", mine);
	json_decref(names);
}

static void facts_of(json_t *side, size_t i, size_t n, struct city_facts *cf)
{
	json_t *pop = json_object_get(side, "population"), *area = json_object_get(side, "area_km2");
	cf->country = country_of(side, i, n);
	region_of(side, i, n, cf->region, sizeof cf->region);
	cf->population = n == 1 && json_is_integer(pop) ? pop : NULL;
	cf->area = n == 1 && json_is_number(area) ? area : NULL;
}

/* A note when the summary's province cell names countries, which are then not used. */
static void note_country_provinces(struct apply *a, json_t *side, const char *whose)
{
	const char *text = record_str(side, "province");
	json_t *names = json_array();
	int countries = 0;
	if (text)
		ucap_split_names(text, names);
	for (size_t i = 0; i < json_array_size(names); i++)
		countries += country_by_name(json_string_value(json_array_get(names, i))) != NULL;
	if (countries)
		json_array_append_new(a->notes, json_sprintf("the province given for %s ('%s') names countries: "
							     "not taken as a province", whose, text));
	json_decref(names);
}

/* ---- finding a city by the words of its names ---- */

/* A name's folded words: "Métropole Nice Côte d'Azur" is metropole nice cote d azur. */
struct name_words {
	char *key;                  /* fold_key(name), cut into the words in place */
	size_t n;
	const char *w[NAME_WORDS];
};

static int word_byte(char c)
{
	return isalnum((unsigned char)c) || (unsigned char)c >= 0x80;
}

/* Fills nw (freed with free(nw->key)); -1, with nothing to free, past NAME_WORDS words. */
static int name_words(const char *name, struct name_words *nw)
{
	nw->key = fold_key(name);
	nw->n = 0;
	for (char *p = nw->key; *p;) {
		if (!word_byte(*p)) {
			*p++ = '\0';
			continue;
		}
		if (nw->n == NAME_WORDS) {
			free(nw->key);
			return -1;
		}
		nw->w[nw->n++] = p;
		while (word_byte(*p))
			p++;
	}
	return 0;
}

/* Words that name no place by themselves: a match on them alone is none. */
static int admin_word(const char *w)
{
	static const char *const words[] = {
		"city", "of", "the", "and", "metropole", "metropolitan", "metropolis", "municipality", "municipal",
		"comune", "citta", "ville", "ciudad", "de", "du", "des", "d", "di", "del", "la", "le", "region",
		"province", "county", "district", "greater", "new", "area", "council", "government",
	};
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strcmp(w, words[i]) == 0)
			return 1;
	return 0;
}

/* Words that, before a name, make another place of it: York is not New York, nor
 * Vallon Saint Vallon. */
static int qualifier_word(const char *w)
{
	static const char *const words[] = {
		"new", "old", "north", "south", "east", "west", "upper", "lower", "great", "little", "saint", "st",
		"san", "santa", "sao", "sankt", "port", "fort", "mount",
	};
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strcmp(w, words[i]) == 0)
			return 1;
	return 0;
}

/* Whether part's words stand side by side, in order, in whole's, and fewer of them (the
 * same words would have matched whole), at least one naming a place, and not after a
 * qualifier word. */
static int words_within(const struct name_words *part, const struct name_words *whole)
{
	int place = 0;
	for (size_t i = 0; i < part->n; i++)
		place |= !admin_word(part->w[i]);
	if (!place || part->n == 0 || part->n >= whole->n)
		return 0;
	for (size_t at = 0; at + part->n <= whole->n; at++) {
		size_t k = 0;
		if (at > 0 && qualifier_word(whole->w[at - 1]))
			continue;
		while (k < part->n && strcmp(part->w[k], whole->w[at + k]) == 0)
			k++;
		if (k == part->n)
			return 1;
	}
	return 0;
}

/* The stored cities a name matches by words: how many, and the first. */
struct loose {
	int count;
	char slug[SLUG_MAX + 1];
	char city[REGION_MAX * 4 + 1];   /* its name */
	char via[REGION_MAX * 4 + 1];    /* the name of it that matched */
	int other;                      /* via is one of its other names */
	int reverse;                    /* via is in the searched name, not the other way */
	struct buf slugs;               /* "a, b, c": all of them, for the note */
};

/* 1 when the searched words are within the stored name's, 2 when the stored name's are
 * within the searched words, 0 when neither. */
static int loose_match(const struct name_words *searched, const char *stored)
{
	struct name_words sw;
	if (!stored || name_words(stored, &sw))
		return 0;
	int m = words_within(searched, &sw) ? 1 : words_within(&sw, searched) ? 2 : 0;
	free(sw.key);
	return m;
}

/* Counts the stored city when one of its names matches, and its country (if both are
 * known) is the summary's. */
static void loose_city(struct loose *l, const struct name_words *searched, json_t *city, const char *country)
{
	const char *c = record_str(city, "country");
	json_t *others = json_object_get(city, "other_names");
	if (country && c && strcmp(country, c) != 0)
		return;
	for (size_t i = 0; i <= json_array_size(others); i++) {
		const char *name = i == 0 ? record_str(city, "name") : record_str(json_array_get(others, i - 1), "name");
		int m = loose_match(searched, name);
		if (!m)
			continue;
		if (l->count++ == 0) {
			snprintf(l->slug, sizeof l->slug, "%s", record_str(city, "slug"));
			snprintf(l->city, sizeof l->city, "%s", record_str(city, "name"));
			snprintf(l->via, sizeof l->via, "%s", name);
			l->other = i > 0;
			l->reverse = m == 2;
		}
		if (l->count <= 3)
			buf_printf(&l->slugs, "%s%s", l->count > 1 ? ", " : "", record_str(city, "slug"));
		return;
	}
}

/* Reads the stored cities, a page at a time, into l. -1 after fail(). */
static int loose_scan(struct apply *a, const struct name_words *searched, const char *country, struct loose *l)
{
	char cursor[SLUG_MAX * 4 + 1] = "", next[SLUG_MAX * 4 + 1];
	struct list_query q = {.limit = LIST_LIMIT_MAX};
	for (int page = 0; page < SCAN_PAGES; page++) {
		json_t *items = NULL;
		long total;
		q.cursor = cursor[0] ? cursor : NULL;
		if (store_list(a->db, &entity_city, &q, &items, next, &total) != STORE_OK) {
			fail(a, "cannot read the cities: %s", db_errmsg(a->db));
			return -1;
		}
		for (size_t i = 0; i < json_array_size(items); i++)
			loose_city(l, searched, json_array_get(items, i), country);
		json_decref(items);
		if (!next[0])
			break;
		snprintf(cursor, sizeof cursor, "%s", next);
	}
	return 0;
}

/* The note of a match by words. */
static void note_loose(struct apply *a, const char *name, const struct loose *l, size_t words)
{
	char why[REGION_MAX * 4 + 64];
	const char *whose = l->other ? "its other name" : "its name";
	if (l->reverse)
		snprintf(why, sizeof why, "%s%s%s%s is part of it", whose, l->other ? " '" : "", l->other ? l->via : "",
			 l->other ? "'" : "");
	else
		snprintf(why, sizeof why, "%s of %s%s%s%s", words > 1 ? "words" : "a word", whose, l->other ? " '" : "",
			 l->other ? l->via : "", l->other ? "'" : "");
	json_array_append_new(a->notes, json_sprintf("'%s' taken as the city %s (%s): %s", name, l->city, l->slug, why));
}

/* The fallback when no stored city has the name: the one city whose names contain it as
 * whole words, or whose name's words it contains. Several such cities are no match. Sets
 * slug and returns 1 when found; 0 when not; -1 after fail(). */
static int find_by_words(struct apply *a, const char *name, const char *country, char slug[SLUG_MAX + 1])
{
	struct name_words searched;
	struct loose l = {.slugs = BUF_INIT(1024)};
	int rc = 0;
	if (name_words(name, &searched))
		return 0;
	if (loose_scan(a, &searched, country, &l)) {
		rc = -1;
	} else if (l.count == 1) {
		snprintf(slug, SLUG_MAX + 1, "%s", l.slug);
		note_loose(a, name, &l, searched.n);
		rc = 1;
	} else if (l.count > 1) {
		json_array_append_new(a->notes, json_sprintf("'%s' is in the names of several stored cities (%s%s), or they "
							     "are in it: a new city is made for it", name, buf_str(&l.slugs),
							     l.count > 3 ? ", ..." : ""));
	}
	free(searched.key);
	buf_free(&l.slugs);
	return rc;
}

/* ---- creating a city, comparing with a stored one ---- */

/* The name without its administrative prefix ("Métropole Nice Côte d'Azur" -> "Nice Côte
 * d'Azur", "Metropolitan City of Rome" -> "Rome"), as an other name under which later
 * summaries find the city: a new string, or NULL when the name has no such prefix. */
static char *plain_name(const char *name)
{
	static const char *const prefixes[] = {
		"metropole de ", "metropole du ", "metropole ", "metropolitan ", "city of ", "municipality of ",
		"comune di ", "citta di ", "ville de ", "ciudad de ",
	};
	const char *p = name;
	for (int round = 0, more = 1; more && round < 3; round++) {
		char *key = fold_key(p);
		more = 0;
		for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes && !more; i++) {
			if (strncmp(key, prefixes[i], strlen(prefixes[i])) != 0)
				continue;
			for (const char *w = prefixes[i]; (w = strchr(w, ' ')) != NULL; w++) {
				p += strcspn(p, " ");   /* fold_key keeps the words: skip as many */
				p += strspn(p, " ");
			}
			more = 1;
		}
		free(key);
	}
	return p != name && *p ? xstrdup(p) : NULL;
}

/* The new city's record before validation: name, country, and the facts. A new object. */
static json_t *new_city_record(const char *name, const struct city_facts *cf, const char *slug)
{
	json_t *in = json_pack("{s:s, s:s}", "slug", slug, "name", name);
	char *plain = plain_name(name);
	if (plain)
		json_object_set_new(in, "other_names", json_pack("[{s:s}]", "name", plain));
	free(plain);
	if (cf->country)
		json_object_set_new(in, "country", json_string(cf->country));
	if (cf->region[0])
		json_object_set_new(in, "region", json_string(cf->region));
	if (cf->population)
		json_object_set(in, "population", cf->population);
	if (cf->area)
		json_object_set(in, "area_km2", cf->area);
	return in;
}

/* Makes a new city for name, with the facts the summary states for it (a city may be
 * stored without a country; the report says so, so that someone sets it). */
static int create_city(struct apply *a, const char *name, const struct city_facts *cf, char slug[SLUG_MAX + 1])
{
	json_t *taken = NULL;
	const char *country = cf->country;
	char with_country[SLUG_MAX * 2];
	if (slugify(name, slug)) {
		fail(a, "the city '%s' has no Latin letters to make a slug of: add it first under a Latin name", name);
		return -1;
	}
	if (store_get(a->db, &entity_city, slug, &taken) != STORE_NOT_FOUND) {
		json_decref(taken);
		taken = NULL;
		snprintf(with_country, sizeof with_country, "%s %s", slug, country ? country : "");
		if (!country || slugify(with_country, slug) ||
		    store_get(a->db, &entity_city, slug, &taken) != STORE_NOT_FOUND) {
			json_decref(taken);
			fail(a, "the city '%s' is not stored, and its slug '%s' is another city's", name, slug);
			return -1;
		}
	}
	json_t *in = new_city_record(name, cf, slug), *rec = NULL;
	struct errors errs;
	enum put_outcome outcome;
	errors_init(&errs);
	int rc = record_validate(&entity_city, in, &rec, &errs) || store_put(a->db, &entity_city, rec, &outcome, &errs);
	if (rc)
		fail_errors(a, name, &errs);
	else
		buf_printf(&a->cities, "%s%s (created)", a->cities.len ? ", " : "", slug);
	if (!rc && !country)
		json_array_append_new(a->notes, json_sprintf("city %s was created without a country: the summary "
							     "names none, or several, for it", slug));
	json_decref(in);
	json_decref(rec);
	return rc ? -1 : 0;
}

/* Adds "what VALUE (stored: OLD)" to diff when the summary's text differs from the stored one. */
static void diff_text(struct buf *diff, const char *what, const char *mine, const char *stored)
{
	if (!mine || !*mine)
		return;
	char *k1 = fold_key(mine), *k2 = stored ? fold_key(stored) : NULL;
	if (!k2 || strcmp(k1, k2) != 0)
		buf_printf(diff, "%s%s %s (stored: %s)", diff->len ? ", " : "", what, mine, stored ? stored : "none");
	free(k1);
	free(k2);
}

static void diff_number(struct buf *diff, const char *what, const json_t *mine, const json_t *stored)
{
	if (!mine || (json_is_number(stored) && fabs(json_number_value(stored) - json_number_value(mine)) < 0.05))
		return;
	buf_printf(diff, "%s%s %.10g (stored: ", diff->len ? ", " : "", what, json_number_value(mine));
	if (json_is_number(stored))
		buf_printf(diff, "%.10g)", json_number_value(stored));
	else
		buf_puts(diff, "none)");
}

/* Sets rec[key] to value (consumed) when the stored record has none, naming it in
 * filled. */
static void fill_blank(json_t *rec, const char *key, json_t *value, const char *what, struct buf *filled)
{
	json_t *v = json_object_get(rec, key);
	if (!value || (v && !json_is_null(v))) {
		json_decref(value);
		return;
	}
	json_object_set_new(rec, key, value);
	buf_printf(filled, "%s%s", filled->len ? ", " : "", what);
}

/* A stored city gets the facts the summary states for it where it has none (a city made
 * by an earlier summary as a counterpart, say); what it has stays as it is, and where
 * the summary states otherwise a note says so. Written in the file's transaction. */
static int complete_city(struct apply *a, const char *slug, const struct city_facts *cf)
{
	json_t *rec = NULL;
	if (store_get(a->db, &entity_city, slug, &rec) != STORE_OK)
		return 0;
	struct buf diff = BUF_INIT(4096), filled = BUF_INIT(4096);
	fill_blank(rec, "country", cf->country ? json_string(cf->country) : NULL, "country", &filled);
	fill_blank(rec, "region", cf->region[0] ? json_string(cf->region) : NULL, "province", &filled);
	fill_blank(rec, "population", cf->population ? json_incref(cf->population) : NULL, "population", &filled);
	fill_blank(rec, "area_km2", cf->area ? json_incref(cf->area) : NULL, "area", &filled);
	/* after filling, what still differs is a stored value the summary contradicts */
	diff_text(&diff, "country", cf->country, record_str(rec, "country"));
	diff_text(&diff, "province", cf->region, record_str(rec, "region"));
	diff_number(&diff, "population", cf->population, json_object_get(rec, "population"));
	diff_number(&diff, "area (km\xC2\xB2)", cf->area, json_object_get(rec, "area_km2"));
	int rc = 0;
	if (filled.len) {
		json_t *clean = NULL;
		struct errors errs;
		enum put_outcome outcome;
		errors_init(&errs);
		rc = store_validate(a->db, &entity_city, rec, &clean, &errs) ||
		     store_put(a->db, &entity_city, clean, &outcome, &errs);
		if (rc)
			fail_errors(a, slug, &errs);
		else
			json_array_append_new(a->notes, json_sprintf("city %s: %s filled in from the summary", slug,
								     buf_str(&filled)));
		json_decref(clean);
	}
	if (!rc && diff.len)
		json_array_append_new(a->notes, json_sprintf("city %s is kept as stored; the summary gives %s", slug,
							     buf_str(&diff)));
	json_decref(rec);
	buf_free(&diff);
	buf_free(&filled);
	return rc ? -1 : 0;
}

/* Finds the stored city named `name` (by any of its names; when several are, the one in
 * the summary's country; failing all, by words) and sets slug, or makes a new one.
 * Returns -1 after fail(). */
static int find_city(struct apply *a, const char *name, const struct city_facts *cf, char slug[SLUG_MAX + 1])
{
	char *keys[MATCH_MAX];
	int n = store_match_name(a->db, &entity_city, name, keys, MATCH_MAX), found = 0;
	for (int i = 0; i < n && i < MATCH_MAX; i++) {
		json_t *rec = NULL;
		const char *c = NULL;
		if (store_get(a->db, &entity_city, keys[i], &rec) == STORE_OK)
			c = record_str(rec, "country");
		if (n == 1 || !cf->country || !c || strcmp(c, cf->country) == 0)
			if (found++ == 0)
				snprintf(slug, SLUG_MAX + 1, "%s", keys[i]);
		json_decref(rec);
		free(keys[i]);
	}
	if (n < 0)
		fail(a, "cannot look up the city '%s': %s", name, db_errmsg(a->db));
	else if (n > MATCH_MAX || found > 1)
		fail(a, "'%s' names several stored cities: rename one, or name the city in the summary as it is stored", name);
	if (n < 0 || n > MATCH_MAX || found > 1)
		return -1;
	if (!found && (found = find_by_words(a, name, cf->country, slug)) < 0)
		return -1;
	if (!found)
		return create_city(a, name, cf, slug);
	buf_printf(&a->cities, "%s%s (found)", a->cities.len ? ", " : "", slug);
	return complete_city(a, slug, cf);
}

static int has_string(json_t *list, const char *s)
{
	for (size_t i = 0; i < json_array_size(list); i++)
		if (strcmp(json_string_value(json_array_get(list, i)), s) == 0)
			return 1;
	return 0;
}

/* Sets content.city and content.counterparts from the names the summary gives; a city
 * named twice (as "Nice" and as "Métropole Nice Côte d'Azur") is kept once. */
static int set_cities(struct apply *a)
{
	json_t *facts = json_object_get(a->content, "facts");
	json_t *own = json_object_get(facts, "city"), *others = json_object_get(facts, "counterparts");
	json_t *names = a->page->counterparts, *list = json_array();
	char slug[SLUG_MAX + 1], city[SLUG_MAX + 1] = "";
	struct city_facts cf;
	facts_of(own, 0, 1, &cf);
	note_country_provinces(a, own, "the city");
	note_country_provinces(a, others, "the counterparts");
	int rc = find_city(a, record_str(own, "name"), &cf, city);
	if (!rc)
		json_object_set_new(a->content, "city", json_string(city));
	for (size_t i = 0; i < json_array_size(names); i++) {
		const char *name = json_string_value(json_array_get(names, i));
		facts_of(others, i, json_array_size(names), &cf);
		if (find_city(a, name, &cf, slug))
			rc = -1;
		else if (strcmp(slug, city) == 0 || has_string(list, slug))
			json_array_append_new(a->notes, json_sprintf("'%s' is %s, named already: kept once", name, slug));
		else
			json_array_append_new(list, json_string(slug));
	}
	if (json_array_size(list))
		json_object_set(a->content, "counterparts", list);
	json_decref(list);
	return rc;
}

/* ---- the cooperation and the plan's slug ---- */

/* Whether the first n slugs are all members of the cooperation. */
static int all_members(json_t *coop, json_t *slugs, size_t n)
{
	json_t *members = json_object_get(coop, "members");
	for (size_t i = 0; i < n; i++)
		if (!has_string(members, json_string_value(json_array_get(slugs, i))))
			return 0;
	return 1;
}

/* The cooperation the plan belongs to: the one cooperation of the city that has all the
 * counterparts as members, or else the one that has the first counterpart. When several
 * fit (a pairing inside a cluster) none is set, and the report says so. */
static int set_cooperation(struct apply *a)
{
	const char *city = record_str(a->content, "city");
	json_t *cps = json_object_get(a->content, "counterparts"), *items = NULL;
	struct list_query q = {.limit = LIST_LIMIT_MAX};
	char next[SLUG_MAX * 4 + 1], all[SLUG_MAX + 1] = "", first[SLUG_MAX + 1] = "";
	long total;
	int nall = 0, nfirst = 0;
	if (!json_array_size(cps))
		return 0;
	list_query_set(&q, &entity_cooperation, "city", city);
	if (store_list(a->db, &entity_cooperation, &q, &items, next, &total) != STORE_OK) {
		fail(a, "cannot read the cooperations of %s: %s", city, db_errmsg(a->db));
		return -1;
	}
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *coop = json_array_get(items, i);
		if (!has_string(json_object_get(coop, "members"), city))
			continue;
		if (all_members(coop, cps, json_array_size(cps)) && nall++ == 0)
			snprintf(all, sizeof all, "%s", record_str(coop, "slug"));
		if (all_members(coop, cps, 1) && nfirst++ == 0)
			snprintf(first, sizeof first, "%s", record_str(coop, "slug"));
	}
	json_decref(items);
	const char *chosen = nall == 1 ? all : nfirst == 1 ? first : NULL;
	if (chosen)
		json_object_set_new(a->content, "cooperation", json_string(chosen));
	else if (nfirst > 1)
		json_array_append_new(a->notes, json_sprintf("%d cooperations have %s and %s as members: the plan names "
							     "none of them", nfirst, city, json_string_value(json_array_get(cps, 0))));
	return 0;
}

/* The plan's slug: the city's, or with -2, -3 ... when a plan of another city has it. */
static int choose_slug(struct apply *a)
{
	const char *city = record_str(a->content, "city");
	for (int k = 1; k <= SLUG_TRIES; k++) {
		char suffix[8] = "";
		if (k > 1)
			snprintf(suffix, sizeof suffix, "-%d", k);
		int room = SLUG_MAX - (int)strlen(suffix);
		snprintf(a->plan, sizeof a->plan, "%.*s", room, city);
		size_t n = strlen(a->plan);
		while (n > 0 && a->plan[n - 1] == '-')
			a->plan[--n] = '\0';
		snprintf(a->plan + n, sizeof a->plan - n, "%s", suffix);
		json_t *doc = NULL;
		int rc = store_plan_get(a->db, a->plan, 0, &doc);
		const char *owner = record_str(json_object_get(doc, "content"), "city");
		int ours = rc == STORE_NOT_FOUND || (rc == STORE_OK && owner && strcmp(owner, city) == 0);
		json_decref(doc);
		if (rc != STORE_OK && rc != STORE_NOT_FOUND) {
			fail(a, "cannot read the plan %s: %s", a->plan, db_errmsg(a->db));
			return -1;
		}
		if (ours)
			return 0;
	}
	fail(a, "the plans %s to %s-%d all belong to other cities", city, city, SLUG_TRIES);
	return -1;
}

/* ---- saving ---- */

/* "imported from 002_summary.txt": the file's base name, made valid one-line text. */
static void revision_message(const char *label, char *out, size_t size)
{
	const char *base = strrchr(label, '/') ? strrchr(label, '/') + 1 : label;
	int valid = utf8_valid(base, strlen(base));
	size_t n = (size_t)snprintf(out, size, "imported from %s", base);
	for (size_t i = 0; i < n && i < size; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7F || (!valid && (unsigned char)out[i] >= 0x80))
			out[i] = '?';
	while (utf8_chars(out) > PLAN_MESSAGE_MAX || !utf8_valid(out, strlen(out)))
		out[strlen(out) - 1] = '\0';
}

/* Validates the content and saves it as the plan's next revision; a->content becomes
 * the validated copy, for the report. */
static int save_plan(struct apply *a, const char *label)
{
	struct errors errs;
	json_t *clean = NULL;
	char message[PLAN_MESSAGE_MAX * 4 + 1];
	errors_init(&errs);
	if (plan_validate(a->content, &clean, &errs)) {
		fail_errors(a, "the plan", &errs);
		return -1;
	}
	revision_message(label, message, sizeof message);
	int rc = store_plan_save(a->db, a->plan, clean, message, -1, &a->outcome, &a->revision, &errs);
	if (rc != STORE_OK)
		fail_errors(a, "the plan", &errs);
	json_decref(a->content);
	a->content = clean;
	return rc == STORE_OK ? 0 : -1;
}

/* Runs the whole apply step in one write transaction; -1 (rolled back) on any failure. */
static int apply_in_transaction(struct apply *a, const char *label)
{
	if (db_begin_write(a->db) != DB_OK) {
		fail(a, "cannot start a write transaction: %s", db_errmsg(a->db));
		return -1;
	}
	int rc = set_cities(a);
	if (!rc)
		rc = set_cooperation(a);
	if (!rc)
		rc = choose_slug(a);
	if (!rc)
		rc = save_plan(a, label);
	if (!rc && db_commit(a->db) != DB_OK) {
		fail(a, "cannot commit: %s", db_errmsg(a->db));
		rc = -1;
	}
	if (rc)
		db_rollback(a->db);
	return rc;
}

/* ---- the report ---- */

/* Whether content has anything for section s (the non-text sections gather keys). */
static int section_filled(const json_t *content, const struct plan_section *s)
{
	switch (s->kind) {
	case SEC_FACTS: return json_object_get(content, "facts") != NULL;
	case SEC_PERIOD: return json_object_get(content, "period") != NULL;
	case SEC_THEMES: return json_object_get(content, "themes") != NULL;
	case SEC_GOALS: return json_object_get(content, "sdgs") || json_object_get(content, "urban_agenda");
	case SEC_TIMELINE: return json_object_get(content, "activities") != NULL;
	case SEC_TEXT: break;
	}
	return json_object_get(content, s->key) != NULL;
}

/* "  sections: A, B" and "  empty: C", by the titles of plan_sections; the unplaced
 * text has lines of its own. */
static void report_sections(struct buf *r, const json_t *content)
{
	for (int want = 1; want >= 0; want--) {
		int n = 0;
		for (const struct plan_section *s = plan_sections; s->key; s++)
			if (strcmp(s->key, "unplaced") != 0 && section_filled(content, s) == want)
				buf_printf(r, "%s%s", n++ ? ", " : want ? "  sections: " : "  empty: ", s->title);
		if (n)
			buf_putc(r, '\n');
	}
}

/* The file's report: one line of what became of the plan, then indented details. */
static void report_file(struct buf *r, const char *label, struct apply *a, int rc)
{
	if (rc == 0) {
		const char *coop = record_str(a->content, "cooperation");
		buf_printf(r, "%s: plan %s %s (revision %d); cities %s%s%s\n", label, a->plan, import_outcome_word(a->outcome),
			   a->revision, buf_str(&a->cities), coop ? "; cooperation " : "", coop ? coop : "");
		report_sections(r, a->content);
	} else {
		buf_printf(r, "%s: not imported\n", label);
	}
	import_report_list(r, "error", a->fails);
	import_report_list(r, "unplaced", a->page->unplaced);
	import_report_list(r, "note", a->page->notes);
	import_report_list(r, "note", a->notes);
}

int ucap_import_file(struct db *db, const char *label, const char *text, size_t len, struct buf *report)
{
	struct ucap_page page;
	struct apply a = {.db = db, .page = &page, .fails = json_array(), .notes = json_array()};
	char **partnerships = import_names(db, &entity_urban_agenda, TAXONOMY_MAX);
	struct ucap_page_options opt = {.urban_agenda = (const char *const *)partnerships};
	int rc = -1;
	buf_init(&a.cities, 1 << 16);
	if (!partnerships)
		fail(&a, "cannot read the Urban Agenda partnerships from the database: %s", db_errmsg(db));
	if (ucap_page_parse(text, len, &opt, &page) == 0 && partnerships) {
		a.content = json_deep_copy(page.content);
		rc = apply_in_transaction(&a, label);
	}
	for (size_t i = 0; i < json_array_size(page.errors); i++)
		json_array_append(a.fails, json_array_get(page.errors, i));
	report_file(report, label, &a, rc);
	json_decref(a.content);
	json_decref(a.fails);
	json_decref(a.notes);
	buf_free(&a.cities);
	ucap_page_free(&page);
	import_names_free(partnerships);
	return rc;
}

/* ---- the command ---- */

#define CMD "import ucap"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: c2c " CMD " [--db FILE|URI] FILE...\n\n"
		"Reads U-CAP summaries (\"UCAP at a glance\", as text exported from PDF or HTML)\n"
		"and saves each as a new revision of its city's plan, with the message\n"
		"\"imported from FILE\". The cities it names are recognised by any of their names\n"
		"(ignoring case and accents), or else as the one stored city whose name has the\n"
		"name's words or is in it (\"Nice\", \"Metropole Nice Cote d'Azur\"), which the report\n"
		"says. A city not stored yet is created, with the facts the summary states for it\n"
		"alone; a stored city gets the facts it lacks, and keeps those it has (the report\n"
		"lists what was filled in and the facts that differ).\n"
		"Text that fits no section is kept in the plan's unplaced section and listed in\n"
		"the report. A file holds one summary; each is imported whole or not at all, and\n"
		"importing it again changes nothing.\n"
		"Exit status: 0 all files imported, 1 a file failed, 2 bad usage.\n");
}

/* ucap_import_file as import_each_file calls it. */
static int import_one(struct db *db, const char *label, const char *text, size_t len, struct buf *report,
		      const void *ctx)
{
	(void)ctx;
	return ucap_import_file(db, label, text, len, report);
}

int import_ucap_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char *target = DEFAULT_DB;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': target = optarg; break;
		case 'h': usage(stdout); return 0;
		default: return cli_usage_error(CMD, "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage_error(CMD, "no FILE given");
	struct store *st = cli_open_store(target, 0);
	if (!st)
		return 1;
	struct db *db = cli_acquire(st);
	int rc = 1;
	if (!db)
		fprintf(stderr, "c2c " CMD ": cannot connect to %s\n", target);
	else
		rc = import_each_file(db, argv + optind, argc - optind, UCAP_PAGE_MAX, import_one, NULL) ? 1 : 0;
	store_release(st, db);
	store_close(st);
	return rc;
}

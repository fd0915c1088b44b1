/* pages.h: pieces shared by several HTML pages (page_shared.c). */
#ifndef C2C_PAGES_H
#define C2C_PAGES_H
#include "core/record.h"
#include "web/req.h"

#include <jansson.h>

/* Cities loaded once per page, by slug (a cluster page shows Nice several times). */
struct city_cache {
	json_t *by_slug;     /* slug -> city record, or null when it could not be loaded */
};
#define CITY_CACHE_INIT {NULL}
json_t *city_cache_get(struct req *r, struct city_cache *c, const char *slug);   /* borrowed; NULL if missing */
void city_cache_free(struct city_cache *c);

/* Linked names with countries; the city `current` (may be NULL), the page's own, is not linked. */
void page_member_list(struct req *r, struct city_cache *c, json_t *coop, const char *current);
void page_topic_tags(struct buf *b, json_t *topics, size_t max);         /* max 0 = all */
void page_status(struct buf *b, json_t *coop);
void page_period(struct buf *b, json_t *coop);
void page_paragraphs(struct buf *b, const char *text);                   /* blank lines split paragraphs */
void page_city_facts(struct buf *b, json_t *city);                       /* <dl> of population, area... */
void page_capitalized(struct buf *b, const char *s);   /* "Pairing" from "pairing" (ASCII first letter) */

/* The request's query arguments, escaped for an href: each non-empty one except `skip`
 * (may be NULL) and the paging cursor, preceded by "?" for the first and "&amp;" after.
 * Returns how many were written. */
int page_query(struct buf *b, const struct req *r, const char *skip);

/* For signed-in users: links to edit the record and to delete it (when their role allows
 * it), and to its history. */
void page_record_actions(struct req *r, const struct entity *e, const json_t *rec);

#endif

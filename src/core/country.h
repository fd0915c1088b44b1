/* country.h: ISO 3166-1 alpha-2 countries, their English names and world regions. */
#ifndef C2C_CORE_COUNTRY_H
#define C2C_CORE_COUNTRY_H

#include <stddef.h>

/* World regions, in this order: "Europe", "Asia", "Africa", "North America",
 * "Latin America and the Caribbean", "Oceania". */

/* One country or territory. All strings are static UTF-8; world_region is one of world_regions[]. */
struct country { const char *code; const char *name; const char *world_region; };

const struct country *country_by_code(const char *code);   /* exact 2 upper-case letters, NULL if unknown */
const struct country *country_by_name(const char *name);   /* English name or alias, case-insensitive, ASCII-accent-insensitive for Latin-1 accents in UTF-8 (é=e, ô=o, ü=u ...), surrounding whitespace ignored; NULL if unknown */
const struct country *country_at(size_t i);                /* i-th entry in name order, NULL past the end: for building select lists */
extern const char *const world_regions[];                 /* the six names above, NULL-terminated */

#endif /* C2C_CORE_COUNTRY_H */

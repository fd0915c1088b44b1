/* arena.h: a region allocator for one request (after lwan's arena).
 *
 * Everything a request allocates from its arena is released at once by arena_free(),
 * which the server calls in exactly one place: libmicrohttpd's request-completed
 * callback. Allocation never fails (xalloc policy); a cap bounds the total. */
#ifndef C2C_ARENA_H
#define C2C_ARENA_H
#include <stddef.h>

struct arena_block;
struct arena {
	struct arena_block *head;   /* newest block first */
	size_t used;                /* bytes handed out, for the cap */
	size_t max;                 /* arena_alloc returns NULL past this */
};

void arena_init(struct arena *a, size_t max);
void *arena_alloc(struct arena *a, size_t n);            /* aligned for any type; NULL over the cap */
char *arena_strdup(struct arena *a, const char *s);      /* NULL over the cap */
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_free(struct arena *a);

#endif

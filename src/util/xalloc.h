/* xalloc.h: the one out-of-memory policy of c2c.
 *
 * An allocation that fails ends the process with a message (as Fossil and Redis do):
 * a server that cannot allocate a few hundred bytes cannot answer sensibly either, and
 * propagating NULL through every caller would put an untested branch after each call.
 * Callers therefore never check these for NULL. Size limits on input are enforced
 * before allocating, so a client cannot make us allocate without bound. */
#ifndef C2C_XALLOC_H
#define C2C_XALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void xalloc_install_jansson(void);   /* make jansson allocate through xmalloc */

#endif

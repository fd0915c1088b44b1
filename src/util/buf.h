/* buf.h: a growable byte buffer with a hard cap (after curl's dynbuf).
 *
 * Appends past the cap fail with -1, free the contents and leave the buffer in a failed
 * state in which further appends are ignored, so a producer can append unchecked and
 * test once at the end with buf_failed(). The contents are always NUL-terminated.
 * A buffer owns its memory; buf_free() releases it, buf_detach() hands it over. */
#ifndef C2C_BUF_H
#define C2C_BUF_H
#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;     /* NUL-terminated contents, NULL until the first append */
	size_t len;     /* bytes used, without the NUL */
	size_t cap;     /* bytes allocated */
	size_t max;     /* hard limit on len */
	int failed;     /* set once an append has hit max */
};

#define BUF_INIT(limit) { NULL, 0, 0, (limit), 0 }

void buf_init(struct buf *b, size_t max);
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
const char *buf_str(const struct buf *b);   /* "" when empty; valid until the next append */
int buf_failed(const struct buf *b);
void buf_reset(struct buf *b);              /* empty it, keep the memory */
void buf_free(struct buf *b);
char *buf_detach(struct buf *b);            /* caller frees; buffer is left empty */

#endif

/* urlencoded.h: the body of an HTML form (application/x-www-form-urlencoded), decoded
 * into name/value pairs.
 *
 * Bounded: at most `max` pairs, names of at most URLENCODED_NAME_MAX bytes; the body
 * itself is already bounded by the route's body_max. Names and values must be valid
 * UTF-8 without NUL bytes or control characters (values may hold tabs and line breaks,
 * which text areas send). */
#ifndef C2C_URLENCODED_H
#define C2C_URLENCODED_H
#include "util/arena.h"
#include "web/req.h"

#include <stddef.h>

#define URLENCODED_NAME_MAX 128

/* Decodes body[0..len) into out[0..*n), strings allocated from a (released with the
 * request). '+' is a space, %XX a byte; empty segments ("a=1&&b=2") are skipped; a
 * segment without '=' has the value "". Returns 0, or -1 with a sentence in err (and *n
 * undefined) when the body breaks a rule above. */
int urlencoded_parse(struct arena *a, const char *body, size_t len, struct req_arg *out, int max, int *n,
		     char *err, size_t errsize);

#endif

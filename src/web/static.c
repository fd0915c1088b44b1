/* static.c: files compiled into the binary (the stylesheet), served from memory. */
#include "web/api.h"
#include "web/reply.h"
#include "util/embed.h"

#include <string.h>

extern const struct embedded_file static_files[];

int static_file(struct req *r)
{
	const char *name = strrchr(r->path, '/') + 1;
	const struct embedded_file *f = embed_find(static_files, name);
	if (!f)
		return reply_error(r, 404, "not_found", NULL, "there is nothing at %s", r->path);
	buf_reset(&r->body);
	buf_append(&r->body, f->data, f->len);
	return reply_body(r, 200, "text/css; charset=utf-8");
}

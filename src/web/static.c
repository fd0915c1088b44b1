/* static.c: files compiled into the binary (the stylesheet), served from memory. */
#include "web/api.h"
#include "web/reply.h"
#include "util/embed.h"

#include <pthread.h>
#include <string.h>

extern const struct embedded_file static_files[];

#define STATIC_FILES_MAX 16
static char etags[STATIC_FILES_MAX][40];
static pthread_once_t etags_once = PTHREAD_ONCE_INIT;

/* The files never change while the program runs: hash them once. */
static void compute_etags(void)
{
	for (size_t i = 0; static_files[i].name && i < STATIC_FILES_MAX; i++)
		http_etag(static_files[i].data, static_files[i].len, etags[i]);
}

int static_file(struct req *r)
{
	const char *name = strrchr(r->path, '/') + 1;
	const struct embedded_file *f = embed_find(static_files, name);
	if (!f)
		return reply_error(r, 404, "not_found", NULL, "there is nothing at %s", r->path);
	buf_reset(&r->body);
	buf_append(&r->body, f->data, f->len);
	pthread_once(&etags_once, compute_etags);
	memcpy(r->etag, etags[f - static_files], sizeof r->etag);
	return reply_body(r, 200, "text/css; charset=utf-8");
}

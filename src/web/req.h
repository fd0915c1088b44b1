/* req.h: everything about one HTTP request and its response, in one struct that travels
 * through the layers (libmicrohttpd runs handlers on several threads, so nothing
 * per-request is global).
 *
 * The server fills the request half before the handler runs: method, path, the route
 * matched, the {slug} captured, the validated query, a database connection inside a read
 * transaction. The handler fills the response half through reply.h. Everything is freed
 * in one place, the server's request-completed callback. */
#ifndef C2C_REQ_H
#define C2C_REQ_H
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

#include <stdint.h>

#define REQ_ARGS_MAX 32
#define REQ_BODY_MAX_DEFAULT (64 * 1024)

struct route;
struct server;

struct req_arg {
	const char *name, *value;
};

struct req {
	/* request */
	struct server *server;
	void *conn;                   /* struct MHD_Connection * */
	const char *method;
	const char *path;             /* decoded by libmicrohttpd */
	const struct route *route;
	const char *slug;             /* the {slug} of the pattern, if any */
	struct req_arg args[REQ_ARGS_MAX];
	int nargs;
	struct list_query list;       /* for list routes: validated filters, limit, cursor */
	struct db *db;                /* for handlers that need the database */
	struct arena arena;           /* per-request memory, freed when the request completes */
	uint64_t started_ns;

	/* response */
	int status;
	const char *content_type;
	struct buf body;
	int no_etag;                  /* set for responses that must not be cached */
	char etag[40];                /* when already known (cache hit, static file); else computed */
	const char *allow;            /* for 405 */
	size_t body_bytes;            /* sent, for the access log */
	size_t upload_bytes;          /* request body received */
};

const char *req_arg(const struct req *r, const char *name);   /* NULL when absent */
const char *req_header(const struct req *r, const char *name);

#endif

/* server.c: libmicrohttpd glue: one struct req per request, the dispatcher that enforces
 * the route table, the response headers every answer carries, and the access log.
 *
 * Request lifecycle: the first call of the access handler only allocates the request
 * (queueing on the very first call makes libmicrohttpd 0.9.75 answer "Connection:
 * close", losing keep-alive); further calls receive the body, if any, up to the route's
 * body_max (the rest is counted, not kept, and answered with 413); the last call
 * dispatches and queues the response; the request-completed callback logs and frees
 * everything, in that one place.
 *
 * The dispatcher, in order: sizes, query encoding, route, body (a form is decoded), who
 * is asking (auth_identify), what the route demands of them (auth_check: CSRF token,
 * origin, sign-in, role), the query's parameters, then the handler, in the transaction
 * the route asked for. Responses to signed-in users are never cached, here or anywhere. */
#include "web/server.h"
#include "core/password.h"
#include "web/auth.h"
#include "web/cache.h"
#include "web/reply.h"
#include "web/route.h"
#include "web/router.h"
#include "web/urlencoded.h"
#include "util/log.h"
#include "util/str.h"
#include "util/xalloc.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define REQ_ARENA_MAX (4u << 20)        /* per-request scratch memory */
#define RESPONSE_MAX (16u << 20)        /* largest response body */
#define RESPONSE_CACHE_ENTRIES 2048
#define RESPONSE_CACHE_BYTES (64u << 20)
#define URL_MAX (8u << 10)              /* path and query; longer gets 414 */
#define HEADERS_MAX (16u << 10)         /* all header lines; more gets 431 */
/* libmicrohttpd's own per-connection buffer: larger than the limits above, so that we
 * answer oversized requests ourselves, with the usual headers; past this it answers 431
 * or 414 by itself. */
#define CONNECTION_MEMORY (64u << 10)
/* A body past its route's limit is read and dropped so that the answer can be a clean
 * 413 that the client reads (closing while it still sends makes many clients see a reset
 * instead). Past this much more, we answer at once and the connection is closed. */
#define UPLOAD_DISCARD_MAX (16u << 20)

struct server {
	struct MHD_Daemon *daemon;
	struct store *store;
	struct response_cache *cache;
	struct auth_config auth;
	int quiet;
};

static const char content_security_policy[] =
	"default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
	"frame-ancestors 'none'; base-uri 'none'";

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *req_arg(const struct req *r, const char *name)
{
	for (int i = 0; i < r->nargs; i++)
		if (strcmp(r->args[i].name, name) == 0)
			return r->args[i].value;
	return NULL;
}

const char *req_header(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_form(const struct req *r, const char *name)
{
	for (int i = 0; i < r->nform; i++)
		if (strcmp(r->form[i].name, name) == 0)
			return r->form[i].value;
	return NULL;
}

const char *req_cookie(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

/* A copy of s in r's arena without CR and LF, which would end the header early. */
static char *header_value(struct req *r, const char *s)
{
	char *copy = arena_strdup(&r->arena, s);
	char *o = copy;
	for (const char *p = copy; p && *p; p++)
		if (*p != '\r' && *p != '\n')
			*o++ = *p;
	if (o)
		*o = '\0';
	return copy;
}

void req_add_header(struct req *r, const char *name, const char *value)
{
	if (r->nheaders_out == REQ_HEADERS_OUT_MAX) {
		log_error("%s %s: more than %d added headers; %s dropped", r->method, r->path, REQ_HEADERS_OUT_MAX, name);
		return;
	}
	struct req_arg *h = &r->headers_out[r->nheaders_out];
	h->name = header_value(r, name);
	h->value = header_value(r, value);
	if (h->name && h->value)
		r->nheaders_out++;
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct req *r = cls;
	if (r->nargs == REQ_ARGS_MAX) {
		r->nargs++;   /* marks "too many" */
		return MHD_NO;
	}
	if (r->nargs > REQ_ARGS_MAX)
		return MHD_NO;
	r->args[r->nargs].name = key;
	r->args[r->nargs].value = value;
	r->nargs++;
	return MHD_YES;
}

static int valid_text(const char *s)
{
	return !s || utf8_valid(s, strlen(s));
}

/* The cache key of a request: its path and its (validated) parameters, in order. */
static void cache_key(const struct req *r, struct buf *key)
{
	buf_puts(key, r->path);
	for (int i = 0; i < r->nargs; i++)
		buf_printf(key, "\x1f%s\x1e%s", r->args[i].name, r->args[i].value ? r->args[i].value : "");
}

/* Forgets a response under way, so that another can replace it. */
static void reset_response(struct req *r, int nheaders)
{
	buf_reset(&r->body);
	r->no_etag = 0;
	r->etag[0] = '\0';
	r->location = NULL;
	r->nheaders_out = nheaders;
}

/* Runs the handler in the transaction its route asked for: by default a read transaction
 * (one consistent snapshot for all its reads); with ROUTE_WRITE a write transaction,
 * committed only when the answer is below 400, so that a refused write changes nothing;
 * with ROUTE_NO_TX none, the handler opening its own. */
static int run_in_transaction(struct req *r)
{
	unsigned flags = r->route->flags;
	if (flags & ROUTE_NO_TX)
		return r->route->handler(r);
	int write = (flags & ROUTE_WRITE) != 0, nheaders = r->nheaders_out;
	if ((write ? db_begin_write(r->db) : db_begin_read(r->db)) != DB_OK)
		return reply_store_error(r, STORE_UNAVAILABLE);
	int status = r->route->handler(r);
	if (write && status >= 400) {
		db_rollback(r->db);
	} else if (db_commit(r->db) != DB_OK && write) {
		reset_response(r, nheaders);   /* the change is lost: the answer must not claim it */
		status = reply_store_error(r, STORE_UNAVAILABLE);
	}
	return status;
}

/* The handler's answer, from the response cache when the data has not changed since.
 * The version is read on its own, before the transaction: a hit then costs one query
 * (one round trip on PostgreSQL). A response rendered after a concurrent write may hold
 * data newer than the version it is filed under; that only makes it expire sooner. */
static int run_cached(struct req *r)
{
	int64_t version = store_data_version(r->db);
	if (version < 0)
		return run_in_transaction(r);
	struct buf key = BUF_INIT(REQ_ARGS_MAX * 512);
	cache_key(r, &key);
	const char *type = cache_get(r->server->cache, buf_str(&key), version, &r->body, r->etag);
	int status;
	if (type) {
		status = reply_body(r, 200, type);
	} else {
		status = run_in_transaction(r);
		if (status == 200 && !buf_failed(&r->body) && !buf_failed(&key)) {
			http_etag(buf_str(&r->body), r->body.len, r->etag);
			cache_put(r->server->cache, buf_str(&key), version, &r->body, r->content_type, r->etag);
		}
	}
	buf_free(&key);
	return status;
}

/* Whether the response may come from, and go to, the response cache: the same for
 * everyone, so never for a signed-in user (their pages name them). */
static int use_cache(const struct req *r)
{
	return (r->route->flags & ROUTE_CACHE) && !(r->route->flags & ROUTE_NO_STORE) && r->user.id == 0 &&
	       !r->no_store;
}

/* Runs the handler once on a pooled connection; writes on it are recorded in the audit
 * log as the signed-in user's, through the web pages or the API. */
static int run_with_db(struct req *r, int *broken)
{
	r->db = store_acquire(r->server->store);
	if (!r->db)
		return reply_store_error(r, STORE_UNAVAILABLE);
	if (r->user.id)
		db_set_actor(r->db, r->user.login, (r->route->flags & ROUTE_API) ? "api" : "web");
	int status = use_cache(r) ? run_cached(r) : run_in_transaction(r);
	*broken = store_release(r->server->store, r->db);
	r->db = NULL;
	return status;
}

/* Runs the route's handler with what it declared it needs. A read that failed because
 * its pooled connection had lost the database (e.g. PostgreSQL restarted) is tried once
 * more on a fresh connection, so clients see a 503 only while the database is down. */
static int run_handler(struct req *r)
{
	if (!(r->route->flags & ROUTE_DB))
		return r->route->handler(r);
	int nheaders = r->nheaders_out, broken = 0, status = run_with_db(r, &broken);
	if (broken && status == 503) {
		reset_response(r, nheaders);
		status = run_with_db(r, &broken);
	}
	return status;
}

static enum MHD_Result add_size(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	*(size_t *)cls += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

/* Size of the request line's target and of the header lines, as received. */
static int check_sizes(struct req *r)
{
	size_t url = strlen(r->path), headers = 0;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_size, &url);
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, add_size, &headers);
	if (url > URL_MAX)
		return reply_error(r, 414, "uri_too_long", NULL, "the address is longer than %u bytes", URL_MAX);
	if (headers > HEADERS_MAX)
		return reply_error(r, 431, "headers_too_large", NULL, "the request headers exceed %u bytes", HEADERS_MAX);
	return 0;
}

static int is_form(const char *type)
{
	static const char form[] = "application/x-www-form-urlencoded";
	size_t n = sizeof form - 1;
	return type && strncasecmp(type, form, n) == 0 && (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

/* The body, as far as the route takes one: 413 past its body_max; a form is decoded into
 * r->form (400 when it is not validly encoded). The raw body stays in r->body_in. */
static int take_body(struct req *r)
{
	size_t max = r->route->body_max;
	if (r->upload_bytes > max && max == 0)
		return reply_error(r, 413, "body_not_accepted", NULL, "this address does not take a request body");
	if (r->upload_bytes > max || buf_failed(&r->upload))
		return reply_error(r, 413, "body_too_large", NULL, "the request body is larger than the %zu bytes this "
				   "address accepts", max);
	if (r->upload_bytes == 0)
		return 0;
	r->body_in = buf_str(&r->upload);
	r->body_in_len = r->upload.len;
	char err[160];
	if (!is_form(req_header(r, "Content-Type")))
		return 0;
	r->form = arena_alloc(&r->arena, REQ_FORM_MAX * sizeof *r->form);
	if (!r->form)
		return reply_error(r, 413, "body_too_large", NULL, "the form is too large");
	if (urlencoded_parse(&r->arena, r->body_in, r->body_in_len, r->form, REQ_FORM_MAX, &r->nform, err, sizeof err)) {
		r->nform = 0;
		return reply_error(r, 400, "invalid_form", NULL, "%s", err);
	}
	return 0;
}

static void dispatch(struct req *r)
{
	if (check_sizes(r))
		return;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_arg, r);
	if (r->nargs > REQ_ARGS_MAX) {
		reply_error(r, 400, "too_many_parameters", NULL, "a request may have at most %d parameters", REQ_ARGS_MAX);
		return;
	}
	int bad = !valid_text(r->path);
	for (int i = 0; i < r->nargs && !bad; i++)
		bad = !valid_text(r->args[i].name) || !valid_text(r->args[i].value);
	if (bad) {
		reply_error(r, 400, "invalid_encoding", NULL, "the address is not valid UTF-8");
		return;
	}
	int status = route_match(r);
	if (status == 404) {
		reply_error(r, 404, "not_found", NULL, "there is nothing at %s", r->path);
		return;
	}
	if (status == 405) {
		reply_error(r, 405, "method_not_allowed", NULL, "%s is not allowed here; use %s", r->method, r->allow);
		return;
	}
	if (take_body(r) || auth_identify(r) || auth_check(r) || route_check_query(r))
		return;
	run_handler(r);
}

/* Responses that no cache may keep: a signed-in user's, one that sets a cookie, one the
 * route or handler marked. Browsers still revalidate the others (no-cache + ETag). */
static int private_response(const struct req *r)
{
	return r->user.id != 0 || r->no_store || (r->route && (r->route->flags & ROUTE_NO_STORE));
}

static enum MHD_Result queue(struct req *r)
{
	char etag[40] = "";
	int tagged = r->status == 200 && r->route && strcmp(r->route->method, "GET") == 0 && !r->no_etag;
	if (tagged) {
		if (r->etag[0])
			memcpy(etag, r->etag, sizeof etag);
		else
			http_etag(buf_str(&r->body), r->body.len, etag);
		if (http_etag_matches(req_header(r, MHD_HTTP_HEADER_IF_NONE_MATCH), etag)) {
			r->status = 304;
			buf_reset(&r->body);
		}
	}
	size_t len = r->body.len;
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, buf_detach(&r->body), MHD_RESPMEM_MUST_FREE);
	if (!resp)
		return MHD_NO;
	if (r->status != 304 && r->content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
	if (!*etag && r->etag[0] && r->status != 304)
		memcpy(etag, r->etag, sizeof etag);   /* a write's new version, or the current one on 412 */
	if (*etag)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, tagged && !private_response(r) ? "no-cache" : "no-store");
	MHD_add_response_header(resp, "Content-Security-Policy", content_security_policy);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "strict-origin-when-cross-origin");
	if (r->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	const char *location = r->location ? header_value(r, r->location) : NULL;
	if (location)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, location);
	for (int i = 0; i < r->nheaders_out; i++)
		MHD_add_response_header(resp, r->headers_out[i].name, r->headers_out[i].value);
	r->body_bytes = len;
	enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

static void client_address(struct MHD_Connection *conn, char *out, size_t size)
{
	snprintf(out, size, "-");
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)size);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)size);
}

/* Behind the trusted proxy, the client is the address the proxy appended last to
 * X-Forwarded-For (earlier entries come from the client and prove nothing). Anything
 * that is not an IP address leaves the proxy's own address in place. */
static void forwarded_client(struct req *r)
{
	const char *proxy = r->server->auth.trusted_proxy;
	if (!*proxy || strcmp(proxy, r->client) != 0)
		return;
	const char *xff = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-For");
	if (!xff)
		return;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	last += strspn(last, " \t");
	char addr[48];
	size_t n = strcspn(last, " \t");
	unsigned char bin[sizeof(struct in6_addr)];
	if (n == 0 || n >= sizeof addr)
		return;
	memcpy(addr, last, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, bin) == 1 || inet_pton(AF_INET6, addr, bin) == 1)
		snprintf(r->client, sizeof r->client, "%s", addr);
}

/* The body_max of the route for the request (0 when there is none). */
static size_t body_limit(struct req *r)
{
	return route_match(r) == 200 ? r->route->body_max : 0;
}

/* Keeps a chunk of the body while it fits the route's limit, and counts the rest.
 * Returns 1 when so much more than the limit has arrived that it is time to answer. */
static int receive(struct req *r, const char *data, size_t n)
{
	if (r->upload_bytes == 0)
		buf_init(&r->upload, body_limit(r));
	r->upload_bytes += n;
	if (r->upload_bytes <= r->upload.max)
		buf_append(&r->upload, data, n);
	else if (r->upload.data)
		buf_free(&r->upload);
	return r->upload_bytes > r->upload.max + UPLOAD_DISCARD_MAX;
}

/* A client that waits for "100 Continue" before sending a body larger than its route
 * takes: it can be told 413 before a byte of the body is sent. */
static int announced_too_large(struct req *r)
{
	const char *expect = req_header(r, MHD_HTTP_HEADER_EXPECT);
	const char *length = req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	long long n;
	if (!expect || strcasecmp(expect, "100-continue") != 0 || !length || parse_int(length, 0, 1LL << 50, &n))
		return 0;
	if ((size_t)n <= body_limit(r))
		return 0;
	r->upload_bytes = (size_t)n;   /* what take_body() answers */
	return 1;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_size, void **con_cls)
{
	struct req *r = *con_cls;
	if (!r) {
		r = xcalloc(1, sizeof *r);
		r->server = cls;
		r->conn = conn;
		r->method = method;
		r->path = url;
		r->started_ns = now_ns();
		arena_init(&r->arena, REQ_ARENA_MAX);
		buf_init(&r->body, RESPONSE_MAX);
		client_address(conn, r->client, sizeof r->client);
		forwarded_client(r);
		*con_cls = r;
		if (!announced_too_large(r))
			return MHD_YES;
		dispatch(r);   /* 413 before the client sends the body it announced */
		return queue(r);
	}
	if (r->status) {   /* answered early (413): the rest of the body is dropped */
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size) {
		int enough = receive(r, upload_data, *upload_size);
		*upload_size = 0;
		if (!enough)
			return MHD_YES;
		dispatch(r);   /* a 413 at once: libmicrohttpd closes the connection after it */
		return queue(r);
	}
	dispatch(r);
	return queue(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	struct req *r = *con_cls;
	if (!r)
		return;
	if (!srv->quiet)
		log_info("%s %s \"%s %s\" %d %zu %.1fms%s", r->client, r->user.id ? r->user.login : "-", r->method,
			 r->path, r->status, r->body_bytes, (double)(now_ns() - r->started_ns) / 1e6,
			 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (interrupted)");
	arena_free(&r->arena);
	buf_free(&r->body);
	buf_free(&r->upload);
	free(r);
	*con_cls = NULL;
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, char *err, size_t errsize)
{
	memset(ss, 0, sizeof *ss);
	const char *colon = strrchr(listen, ':');
	long long port;
	if (!colon || parse_int(colon + 1, 0, 65535, &port)) {
		snprintf(err, errsize, "--listen must be ADDRESS:PORT, e.g. 127.0.0.1:8080 (got %s)", listen);
		return -1;
	}
	char host[INET6_ADDRSTRLEN + 2];
	size_t n = (size_t)(colon - listen);
	if (n >= sizeof host) {
		snprintf(err, errsize, "--listen: the address is too long");
		return -1;
	}
	memcpy(host, listen, n);
	host[n] = '\0';
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (n > 2 && host[0] == '[' && host[n - 1] == ']') {
		host[n - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &v6->sin6_addr) == 1) {
			v6->sin6_family = AF_INET6;
			v6->sin6_port = htons((uint16_t)port);
			return 0;
		}
	}
	snprintf(err, errsize, "--listen: %s is not an IPv4 address or a bracketed IPv6 address", host);
	return -1;
}

struct server *server_start(const struct server_config *cfg, char *err, size_t errsize)
{
	struct sockaddr_storage ss;
	if (parse_listen(cfg->listen, &ss, err, errsize))
		return NULL;
	if (sodium_init() < 0) {
		snprintf(err, errsize, "libsodium failed to initialise");
		return NULL;
	}
	password_dummy_prepare();
	struct server *srv = xcalloc(1, sizeof *srv);
	srv->store = cfg->store;
	srv->quiet = cfg->quiet;
	srv->auth = cfg->auth;
	if (srv->auth.session_idle <= 0)
		srv->auth.session_idle = SESSION_IDLE_DEFAULT;
	if (srv->auth.session_max <= 0)
		srv->auth.session_max = SESSION_MAX_DEFAULT;
	srv->cache = cache_new(RESPONSE_CACHE_ENTRIES, RESPONSE_CACHE_BYTES);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cfg->threads > 0 ? cfg->threads : 1),
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
		MHD_OPTION_CONNECTION_LIMIT, 1000u,
		MHD_OPTION_CONNECTION_TIMEOUT, 30u,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_END);
	if (!srv->daemon) {
		snprintf(err, errsize, "cannot listen on %s (in use, or not an address of this machine?)", cfg->listen);
		cache_free(srv->cache);
		free(srv);
		return NULL;
	}
	return srv;
}

uint16_t server_port(struct server *srv)
{
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	return info ? info->port : 0;
}

struct store *server_store(struct server *srv)
{
	return srv->store;
}

const struct auth_config *server_auth_config(const struct server *srv)
{
	return &srv->auth;
}

void server_stop(struct server *srv)
{
	if (!srv)
		return;
	MHD_stop_daemon(srv->daemon);
	cache_free(srv->cache);
	free(srv);
}

/* server.h: the HTTP server (libmicrohttpd, epoll with a thread pool). */
#ifndef C2C_SERVER_H
#define C2C_SERVER_H
#include "store/store.h"
#include "web/auth.h"

#include <stdint.h>

struct server;

struct server_config {
	const char *listen;        /* "127.0.0.1:8080", "[::1]:8080"; port 0 picks a free one */
	int threads;               /* serving threads, and database connections */
	struct store *store;
	int quiet;                 /* no access log */
	struct auth_config auth;   /* sessions and cookies; zero idle/max: the defaults */
};

/* Starts serving in background threads; returns NULL with a sentence in err. */
struct server *server_start(const struct server_config *cfg, char *err, size_t errsize);
uint16_t server_port(struct server *srv);
void server_stop(struct server *srv);           /* finishes requests under way, then frees */
struct store *server_store(struct server *srv);
const struct auth_config *server_auth_config(const struct server *srv);

#endif

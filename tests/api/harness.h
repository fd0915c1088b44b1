/* harness.h: black-box testing of the real c2c binary.
 *
 * An environment is a temporary directory holding the files a test writes, a database
 * (`c2c init`) on the backend the suite runs on (tests/common/testdb.h: an SQLite file, or
 * under scripts/with-postgres a new PostgreSQL database), optionally a running `c2c serve`
 * on a free port of 127.0.0.1, and any further databases a test asked for. The harness
 * makes HTTP requests with libcurl (JSON bodies parsed with jansson), runs CLI commands
 * capturing their exit status and output, and removes everything again; test teardowns
 * call h_env_free so that a failed test leaves no server, directory or database behind.
 *
 * The binary is $C2C_BIN (meson sets it); tests run from the repository root.
 * Functions returning int return 0 on success and -1 on failure, after printing why on
 * stderr (a harness failure is a broken test set-up, not a finding). Assertion helpers
 * (h_expect_*) fail the current cmocka test. */
#ifndef C2C_TEST_HARNESS_H
#define C2C_TEST_HARNESS_H
#include <curl/curl.h>
#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

#include "testdb.h"

#define H_PATH_MAX 512
#define H_EXTRA_DBS 4

struct h_env {
	char dir[H_PATH_MAX];      /* the temporary directory, removed by h_env_free */
	char db[H_PATH_MAX];       /* what --db takes: an SQLite file name or a postgresql:// URI */
	struct testdb tdb;         /* env->db when the env owns it (zeroed in a shared env) */
	struct testdb extra[H_EXTRA_DBS];   /* more databases (h_env_new_db), dropped with the env */
	int nextra;
	pid_t pid;                 /* the running server, or 0 */
	int port;
	char base[64];             /* "http://127.0.0.1:PORT" */
};

/* A command started in the background (h_start), finished with h_finish. */
struct h_proc {
	pid_t pid;
	char out[H_PATH_MAX], err[H_PATH_MAX];
};

/* One HTTP response. Owns everything it points to; release with h_resp_free. */
struct h_resp {
	long status;               /* 0 when no response arrived */
	char *body;                /* NUL-terminated (the body may hold NULs; len is exact) */
	size_t len;
	json_t *headers;           /* lower-case name -> value, of the final response */
	json_t *json;              /* the parsed body when it is application/json, else NULL */
};

/* The outcome of one command. Owns out and err; release with h_run_free. */
struct h_run {
	int status;                /* exit status; -1 when killed by a signal or the timeout */
	char *out, *err;           /* everything written to stdout and stderr */
};

/* Process-wide set-up (libcurl) and the binary under test ($C2C_BIN, checked to run). */
int h_global_init(void);
void h_global_cleanup(void);
const char *h_bin(void);

/* Prints "# backend: sqlite" or "# backend: postgres" (once per process). */
void h_print_backend(void);
int h_postgres(void);                          /* the suite runs on PostgreSQL */

/* Creates a temporary directory and a fresh database on the suite's backend (testdb_create)
 * and runs `c2c init` on it (with the demo data when demo); env->db is its --db target. */
int h_env_init(struct h_env *env, int demo);
/* An environment on an existing database that another environment owns (its env->db, or
 * an h_env_new_db target): its own directory and server, the given --db target, nothing
 * initialised; h_env_free on it leaves the database alone. Free it before the owner. */
int h_env_share(struct h_env *env, const char *db);
/* Another fresh, empty (not initialised) database on the suite's backend, dropped by
 * h_env_free; NULL (after printing why) when none could be made. */
const struct testdb *h_env_new_db(struct h_env *env);
/* Starts `c2c serve --db env->db --listen 127.0.0.1:0 --threads 2 --quiet` and learns the
 * port from its first line of output. */
int h_env_serve(struct h_env *env);
/* The same in two steps, so that several servers can start together: h_env_serve_start
 * spawns the server, h_env_serve_ready waits for its port (and cleans up on failure). */
int h_env_serve_start(struct h_env *env);
/* The same with more arguments for `c2c serve` (a NULL-terminated list, at most 20), e.g.
 * {"--session-idle", "2", NULL}. */
int h_env_serve_with(struct h_env *env, const char *const *extra);
int h_env_serve_start_with(struct h_env *env, const char *const *extra);
int h_env_serve_ready(struct h_env *env);
/* 1 while the server process runs (it has not exited), else 0. */
int h_env_alive(const struct h_env *env);
/* Sends SIGTERM and waits for the server; returns its exit status (-1 when it had to be
 * killed, did not exit by itself within 30 s, or wrote a sanitizer report). */
int h_env_stop(struct h_env *env);
/* Stops the server if it runs (SIGKILL when SIGTERM does not do) and removes the
 * directory. Safe on a zeroed or half-initialised env; always leaves env zeroed. */
void h_env_free(struct h_env *env);

/* dir/name into out (size H_PATH_MAX). */
const char *h_env_path(const struct h_env *env, const char *name, char out[H_PATH_MAX]);
/* Writes text to dir/name. */
int h_write_file(const struct h_env *env, const char *name, const char *text);
int h_file_exists(const char *path);
/* The whole file as a malloc'd NUL-terminated string ("" when it cannot be read). */
char *h_read_file(const char *path);

/* Performs one request on a new connection. headers is NULL or a NULL-terminated list of
 * "Name: value" lines; body, when not NULL, is sent as the request body whatever the
 * method. The path is sent as is (no normalisation of "..", no re-encoding). Returns 0
 * when a response arrived. */
int h_request(const struct h_env *env, struct h_resp *out, const char *method, const char *path,
	      const char *const *headers, const char *body);
/* The same on a caller's handle, so a thread can reuse its connection. */
int h_request_on(CURL *curl, const struct h_env *env, struct h_resp *out, const char *method,
		 const char *path, const char *const *headers, const char *body);
void h_resp_free(struct h_resp *r);
/* A response header (name in any case), or NULL. */
const char *h_header(const struct h_resp *r, const char *name);

/* Runs $C2C_BIN with the NULL-terminated arguments, in dir, without a terminal; kills it
 * after 30 s. Returns 0 when it ran (whatever its exit status). */
int h_cli(const struct h_env *env, struct h_run *run, ...) __attribute__((sentinel));
/* The same for any program looked up in PATH (argv[0] is the program). Returns -1 also
 * when the program is not installed (run->status is then 127). */
int h_exec(const struct h_env *env, struct h_run *run, char *const argv[]);
void h_run_free(struct h_run *run);
/* Starts argv (looked up in PATH) in dir without waiting, its output going to
 * dir/TAG.out and dir/TAG.err; h_finish waits for it (30 s, then kills it) and collects
 * the outcome into run. Both return 0 when the program ran. */
int h_start(const struct h_env *env, struct h_proc *p, const char *tag, char *const argv[]);
int h_finish(struct h_proc *p, struct h_run *run);
/* Starts n copies of argv at the same moment: the children wait on a shared pipe until
 * all exist, and are released together (output in dir/together1.out, ...). */
int h_start_together(const struct h_env *env, struct h_proc *procs, int n, char *const argv[]);

/* SQL on a database of env: db is NULL for env's own, or one from h_env_new_db. h_sql
 * runs statements (testdb_sql: sqlite3 or psql) and returns 0 on success. h_query runs
 * one query and captures its rows, one a line with columns joined by '|' (the same text
 * from sqlite3 and from psql -A -t); it returns -1 also when the client is not installed
 * (run->status is then 127). */
int h_sql(const struct h_env *env, const struct testdb *db, const char *sql);
int h_query(const struct h_env *env, const struct testdb *db, const char *sql, struct h_run *run);

/* PostgreSQL only: runs the cluster's pg_ctl ($C2C_TEST_PG_CTL) with "stop" (immediate:
 * the database goes away under its clients), "start" (the same settings as
 * scripts/with-postgres, waiting until it accepts connections) or "status". Returns
 * pg_ctl's exit status (status: 0 running, 3 not running), or -1 when it cannot run. */
int h_pg_ctl(const struct h_env *env, const char *action);

/* The value of cookie `name` in a response's Set-Cookie header ("" when it clears it),
 * or NULL; free() it. */
char *h_cookie(const struct h_resp *r, const char *name);
/* The value of the hidden field `name` that follows `after` (NULL: anywhere) in a page,
 * with the character references of an attribute value (&quot; &#39; &lt; &gt; &amp;)
 * undone, or NULL; free() it. h_hidden_csrf is the one named csrf. */
char *h_hidden(const char *body, const char *after, const char *name);
char *h_hidden_csrf(const char *body, const char *after);

/* Percent-encodes s for a query value or a path segment; free() the result. */
char *h_escape(const char *s);
/* A malloc'd string of the given format; aborts when out of memory. */
char *h_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Comma-joined values of key ("slug") of the objects in items: "a,b,c". free() it. */
char *h_join_key(json_t *items, const char *key);

/* Assertions (cmocka). h_get fails the test unless the response has the given status;
 * the caller frees the response (h_resp_free). */
void h_get(const struct h_env *env, struct h_resp *out, const char *path, long status);
/* Fails unless the security headers (CSP without 'unsafe-inline', nosniff,
 * Referrer-Policy) are on the response. */
void h_expect_security_headers(const struct h_resp *r, const char *what);
/* Fails unless r is a JSON error of exactly the shape
 * {"error":{"status":N,"code":C,"field":F,"message":M,"errors":[{"field":F,"code":C,
 * "message":M}, ...]}}, with N the HTTP status, code as given (NULL: any) and field as
 * given; field NULL means no field is at fault, and then the key is absent. */
void h_expect_error(const struct h_resp *r, const char *what, long status, const char *code, const char *field);

#endif

/* harness.c: temporary environments, the server as a child process, HTTP through libcurl
 * and CLI runs; see harness.h.
 *
 * Children are started with posix_spawn and their output goes to files in the
 * environment's directory rather than pipes: nothing can block on a full pipe, and the
 * server's later output (if any) has somewhere to go. Databases come from
 * tests/common/testdb.c, so the same tests run on SQLite and on PostgreSQL. */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

extern char **environ;

#define CHILD_TIMEOUT_MS 30000
#define SERVE_START_MS 10000
#define BODY_MAX (64u << 20)

static const char *bin;

/* ---- small utilities ---- */

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fprintf(stderr, "harness: out of memory\n");
		abort();
	}
	return q;
}

char *h_strf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = xrealloc(NULL, (size_t)(n < 0 ? 0 : n) + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

char *h_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xrealloc(NULL, strlen(s) * 3 + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

char *h_join_key(json_t *items, const char *key)
{
	size_t i, n = 0, cap = 1;
	json_t *item;
	json_array_foreach(items, i, item) {
		const char *v = json_string_value(json_object_get(item, key));
		cap += strlen(v ? v : "(none)") + 1;
	}
	char *out = xrealloc(NULL, cap);
	json_array_foreach(items, i, item) {
		const char *v = json_string_value(json_object_get(item, key));
		size_t len = strlen(v ? v : "(none)");
		if (i)
			out[n++] = ',';
		memcpy(out + n, v ? v : "(none)", len);
		n += len;
	}
	out[n] = '\0';
	return out;
}

static long long ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Reads a whole file into a new NUL-terminated string ("" when it cannot). */
static char *slurp(const char *path, size_t *len)
{
	char *data = NULL;
	size_t n = 0, cap = 0;
	FILE *f = fopen(path, "rb");
	if (f) {
		for (;;) {
			if (cap - n < 4096)
				data = xrealloc(data, cap = cap * 2 + 4096);
			size_t got = fread(data + n, 1, cap - n - 1, f);
			n += got;
			if (got == 0)
				break;
		}
		fclose(f);
	}
	data = xrealloc(data, n + 1);
	data[n] = '\0';
	if (len)
		*len = n;
	return data;
}

const char *h_env_path(const struct h_env *env, const char *name, char out[H_PATH_MAX])
{
	int n = snprintf(out, H_PATH_MAX, "%s/%s", env->dir, name);
	if (n < 0 || n >= H_PATH_MAX)
		out[0] = '\0';   /* an unusable path fails loudly at its first use */
	return out;
}

int h_write_file(const struct h_env *env, const char *name, const char *text)
{
	char path[H_PATH_MAX];
	FILE *f = fopen(h_env_path(env, name, path), "wb");
	if (!f) {
		fprintf(stderr, "harness: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	int bad = fputs(text, f) == EOF;
	bad |= fclose(f) != 0;
	return bad ? -1 : 0;
}

char *h_read_file(const char *path)
{
	return slurp(path, NULL);
}

int h_file_exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

/* ---- processes ---- */

/* Starts argv with stdin from /dev/null and stdout/stderr into files; 0 or -1. */
static int spawn(const char *dir, char *const argv[], const char *out, const char *err, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addchdir_np(&fa, dir);   /* glibc >= 2.29 */
	int rc = posix_spawnp(pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		fprintf(stderr, "harness: cannot start %s: %s\n", argv[0], strerror(rc));
		return -1;
	}
	return 0;
}

/* Waits up to ms for pid; returns its exit status, -1 when it died of a signal, -2 when
 * it is still running. */
static int wait_for(pid_t pid, long ms)
{
	long long deadline = ms_now() + ms;
	for (;;) {
		int st;
		pid_t got = waitpid(pid, &st, WNOHANG);
		if (got == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		if (got < 0 && errno != EINTR)
			return -1;
		if (ms_now() >= deadline)
			return -2;
		sleep_ms(5);
	}
}

static int kill_and_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return -1;
}

/* Starts argv in dir (the process's working directory), its output into outdir/TAG.*. */
static int start_in(const char *dir, const struct h_env *env, struct h_proc *p, const char *tag,
		    char *const argv[])
{
	char name[64];
	memset(p, 0, sizeof *p);
	snprintf(name, sizeof name, "%s.out", tag);
	h_env_path(env, name, p->out);
	snprintf(name, sizeof name, "%s.err", tag);
	h_env_path(env, name, p->err);
	if (spawn(dir, argv, p->out, p->err, &p->pid)) {
		p->pid = 0;
		return -1;
	}
	return 0;
}

int h_start(const struct h_env *env, struct h_proc *p, const char *tag, char *const argv[])
{
	return start_in(env->dir, env, p, tag, argv);
}

int h_finish(struct h_proc *p, struct h_run *run)
{
	memset(run, 0, sizeof *run);
	run->status = 127;
	if (!p->pid) {
		run->out = slurp("", NULL);
		run->err = slurp("", NULL);
		return -1;
	}
	run->status = wait_for(p->pid, CHILD_TIMEOUT_MS);
	if (run->status == -2) {
		fprintf(stderr, "harness: a child (%s) did not finish within %d ms; killed\n", p->out, CHILD_TIMEOUT_MS);
		run->status = kill_and_reap(p->pid);
	}
	p->pid = 0;
	run->out = slurp(p->out, NULL);
	run->err = slurp(p->err, NULL);
	return 0;
}

int h_start_together(const struct h_env *env, struct h_proc *procs, int n, char *const argv[])
{
	int gate[2], rc = 0;
	if (pipe(gate) != 0) {
		fprintf(stderr, "harness: pipe: %s\n", strerror(errno));
		return -1;
	}
	fflush(NULL);
	memset(procs, 0, (size_t)n * sizeof *procs);   /* h_finish on one never started fails cleanly */
	for (int i = 0; i < n; i++) {
		char name[64];
		snprintf(name, sizeof name, "together%d.out", i + 1);
		h_env_path(env, name, procs[i].out);
		snprintf(name, sizeof name, "together%d.err", i + 1);
		h_env_path(env, name, procs[i].err);
		pid_t pid = fork();
		if (pid < 0) {
			fprintf(stderr, "harness: fork: %s\n", strerror(errno));
			rc = -1;
			break;
		}
		if (pid == 0) {   /* only async-signal-safe calls until exec */
			char c;
			close(gate[1]);
			while (read(gate[0], &c, 1) < 0 && errno == EINTR)
				;   /* end of file: every child exists */
			close(gate[0]);
			int in = open("/dev/null", O_RDONLY);
			int out = open(procs[i].out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			int err = open(procs[i].err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 ||
			    chdir(env->dir) != 0)
				_exit(127);
			execvp(argv[0], argv);
			_exit(127);
		}
		procs[i].pid = pid;
	}
	close(gate[0]);
	close(gate[1]);   /* releases them all at once */
	return rc;
}

int h_exec(const struct h_env *env, struct h_run *run, char *const argv[])
{
	struct h_proc p;
	h_start(env, &p, "run", argv);
	return h_finish(&p, run);
}

int h_cli(const struct h_env *env, struct h_run *run, ...)
{
	char *argv[32];
	int n = 0;
	argv[n++] = (char *)h_bin();
	va_list ap;
	va_start(ap, run);
	const char *a;
	while ((a = va_arg(ap, const char *)) && n < 31)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	return h_exec(env, run, argv);
}

void h_run_free(struct h_run *run)
{
	free(run->out);
	free(run->err);
	run->out = run->err = NULL;
}

/* ---- environments ---- */

int h_global_init(void)
{
	static char resolved[PATH_MAX], supp[PATH_MAX + 32];
	/* Library leaks of the PDF renderer (see the file) are not ours to fix; the rest of a
	 * sanitizer build's leak report still fails the test. */
	if (!getenv("LSAN_OPTIONS") && realpath("tests/lsan-libraries.supp", resolved)) {
		snprintf(supp, sizeof supp, "suppressions=%s", resolved);
		setenv("LSAN_OPTIONS", supp, 0);
	}
	const char *env = getenv("C2C_BIN");
	if (!env || !*env) {
		fprintf(stderr, "harness: set C2C_BIN to the c2c binary (meson test does)\n");
		return -1;
	}
	/* Children run in their temporary directory, so a relative path would not do. */
	if (!realpath(env, resolved) || access(resolved, X_OK) != 0) {
		fprintf(stderr, "harness: C2C_BIN=%s is not an executable: %s\n", env, strerror(errno));
		return -1;
	}
	bin = resolved;
	signal(SIGPIPE, SIG_IGN);
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void h_global_cleanup(void)
{
	curl_global_cleanup();
}

const char *h_bin(void)
{
	return bin;
}

int h_postgres(void)
{
	return testdb_is_postgres();
}

void h_print_backend(void)
{
	static int printed;
	if (!printed++) {
		printf("# backend: %s\n", testdb_backend());
		fflush(stdout);
	}
}

static int make_dir(struct h_env *env)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(env->dir, sizeof env->dir, "%s/c2c-api-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(env->dir)) {
		fprintf(stderr, "harness: mkdtemp %s: %s\n", env->dir, strerror(errno));
		env->dir[0] = '\0';
		return -1;
	}
	return 0;
}

static int set_db(struct h_env *env, const char *target)
{
	size_t n = strlen(target);
	if (n >= sizeof env->db) {
		fprintf(stderr, "harness: database target too long: %s\n", target);
		return -1;
	}
	memcpy(env->db, target, n + 1);
	return 0;
}

/* testdb_create, saying why when it fails. */
static int create_db(struct testdb *t)
{
	if (testdb_create(t) == 0)
		return 0;
	fprintf(stderr, "harness: cannot create a %s test database%s\n", testdb_backend(),
		h_postgres() ? " (createdb failed: is the cluster of scripts/with-postgres running?)" : "");
	return -1;
}

const struct testdb *h_env_new_db(struct h_env *env)
{
	if (env->nextra >= H_EXTRA_DBS) {
		fprintf(stderr, "harness: more than %d extra databases in one environment\n", H_EXTRA_DBS);
		return NULL;
	}
	struct testdb *t = &env->extra[env->nextra++];
	return create_db(t) == 0 ? t : NULL;
}

int h_env_share(struct h_env *env, const char *db)
{
	memset(env, 0, sizeof *env);
	if (make_dir(env))
		return -1;
	return set_db(env, db);
}

int h_env_init(struct h_env *env, int demo)
{
	memset(env, 0, sizeof *env);
	if (make_dir(env) || create_db(&env->tdb) || set_db(env, env->tdb.target))
		return -1;
	struct h_run run;
	int rc = demo ? h_cli(env, &run, "init", "--db", env->db, "--demo", (char *)NULL)
		      : h_cli(env, &run, "init", "--db", env->db, (char *)NULL);
	if (rc == 0 && run.status != 0) {
		fprintf(stderr, "harness: c2c init exited %d:\n%s", run.status, run.err);
		rc = -1;
	}
	h_run_free(&run);
	return rc;
}

/* Parses the port out of "c2c: serving FILE on http://127.0.0.1:PORT/ with N threads". */
static int port_of(const char *line)
{
	const char *p = strstr(line, "http://127.0.0.1:");
	if (!p)
		return -1;
	p += strlen("http://127.0.0.1:");
	int port = 0, digits = 0;
	for (; *p >= '0' && *p <= '9' && digits < 6; p++, digits++)
		port = port * 10 + (*p - '0');
	return digits && *p == '/' && port > 0 && port < 65536 ? port : -1;
}

int h_env_serve_start(struct h_env *env)
{
	return h_env_serve_start_with(env, NULL);
}

int h_env_serve_start_with(struct h_env *env, const char *const *extra)
{
	char out[H_PATH_MAX], err[H_PATH_MAX];
	char *argv[32] = {(char *)h_bin(), "serve", "--db", env->db, "--listen", "127.0.0.1:0",
			  "--threads", "2", "--quiet", NULL};
	for (int n = 9; extra && *extra && n < 31; extra++)
		argv[n++] = (char *)*extra;
	h_env_path(env, "serve.out", out);
	h_env_path(env, "serve.err", err);
	if (spawn(env->dir, argv, out, err, &env->pid)) {
		env->pid = 0;
		return -1;
	}
	return 0;
}

int h_env_serve(struct h_env *env)
{
	return h_env_serve_start(env) ? -1 : h_env_serve_ready(env);
}

int h_env_serve_with(struct h_env *env, const char *const *extra)
{
	return h_env_serve_start_with(env, extra) ? -1 : h_env_serve_ready(env);
}

int h_env_alive(const struct h_env *env)
{
	siginfo_t info;
	memset(&info, 0, sizeof info);
	if (!env->pid || waitid(P_PID, (id_t)env->pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0)
		return 0;
	return info.si_pid == 0;
}

int h_env_serve_ready(struct h_env *env)
{
	char out[H_PATH_MAX], err[H_PATH_MAX];
	if (!env->pid)
		return -1;
	h_env_path(env, "serve.out", out);
	h_env_path(env, "serve.err", err);
	long long deadline = ms_now() + SERVE_START_MS;
	while (ms_now() < deadline) {
		char *text = slurp(out, NULL);
		int port = strchr(text, '\n') ? port_of(text) : 0;
		free(text);
		if (port > 0) {
			env->port = port;
			snprintf(env->base, sizeof env->base, "http://127.0.0.1:%d", port);
			return 0;
		}
		if (port < 0 || wait_for(env->pid, 0) != -2)
			break;
		sleep_ms(10);
	}
	char *e = slurp(err, NULL), *o = slurp(out, NULL);
	fprintf(stderr, "harness: c2c serve did not start:\n%s%s", o, e);
	free(e);
	free(o);
	if (wait_for(env->pid, 0) == -2)
		kill_and_reap(env->pid);
	env->pid = 0;
	return -1;
}

int h_env_stop(struct h_env *env)
{
	if (!env->pid)
		return -1;
	pid_t pid = env->pid;
	env->pid = 0;
	kill(pid, SIGTERM);
	int status = wait_for(pid, CHILD_TIMEOUT_MS);
	if (status == -2) {
		fprintf(stderr, "harness: c2c serve did not stop on SIGTERM; killed\n");
		return kill_and_reap(pid);
	}
	/* In a sanitizer build, a report the exit status does not show is still a failure. */
	char err[H_PATH_MAX];
	char *log = slurp(h_env_path(env, "serve.err", err), NULL);
	if (strstr(log, "runtime error:") || strstr(log, "Sanitizer")) {
		fprintf(stderr, "harness: c2c serve reported:\n%s", log);
		status = -1;
	}
	free(log);
	return status;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	if (remove(path) != 0)
		fprintf(stderr, "harness: cannot remove %s: %s\n", path, strerror(errno));
	return 0;
}

void h_env_free(struct h_env *env)
{
	if (env->pid) {
		kill(env->pid, SIGTERM);
		if (wait_for(env->pid, 5000) == -2)
			kill_and_reap(env->pid);
	}
	for (int i = 0; i < env->nextra && i < H_EXTRA_DBS; i++)
		testdb_drop(&env->extra[i]);
	if (env->tdb.dir[0] || env->tdb.name[0])
		testdb_drop(&env->tdb);
	if (env->dir[0])
		nftw(env->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	memset(env, 0, sizeof *env);
}

/* ---- SQL and the PostgreSQL cluster ---- */

static const struct testdb *db_of(const struct h_env *env, const struct testdb *db)
{
	return db ? db : &env->tdb;
}

int h_sql(const struct h_env *env, const struct testdb *db, const char *sql)
{
	return testdb_sql(db_of(env, db), sql);
}

int h_query(const struct h_env *env, const struct testdb *db, const char *sql, struct h_run *run)
{
	const struct testdb *t = db_of(env, db);
	if (t->name[0]) {
		const char *host = getenv("C2C_TEST_PG_HOST"), *port = getenv("C2C_TEST_PG_PORT");
		char *argv[] = {"psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", (char *)(host ? host : ""),
				"-p", (char *)(port ? port : ""), "-U", "c2c", "-d", (char *)t->name, "-c", (char *)sql, NULL};
		return h_exec(env, run, argv);
	}
	char *argv[] = {"sqlite3", (char *)t->target, (char *)sql, NULL};
	return h_exec(env, run, argv);
}

int h_pg_ctl(const struct h_env *env, const char *action)
{
	const char *ctl = getenv("C2C_TEST_PG_CTL"), *host = getenv("C2C_TEST_PG_HOST");
	const char *port = getenv("C2C_TEST_PG_PORT");
	if (!ctl || !*ctl || !host || !port) {
		fprintf(stderr, "harness: C2C_TEST_PG_CTL, C2C_TEST_PG_HOST or C2C_TEST_PG_PORT is not set "
			"(run under scripts/with-postgres)\n");
		return -1;
	}
	/* The prefix is words separated by spaces (runuser ... pg_ctl -D DIR); no quoting. */
	char *words = h_strf("%s", ctl), *save = NULL, *argv[32];
	char *options = h_strf("-k %s -p %s -c listen_addresses='' -c fsync=off -c max_connections=200", host, port);
	int n = 0;
	for (char *w = strtok_r(words, " \t", &save); w && n < 24; w = strtok_r(NULL, " \t", &save))
		argv[n++] = w;
	if (strcmp(action, "stop") == 0) {
		argv[n++] = "-m";
		argv[n++] = "immediate";
		argv[n++] = "stop";
	} else if (strcmp(action, "start") == 0) {
		argv[n++] = "-l";
		argv[n++] = "/dev/null";
		argv[n++] = "-w";
		argv[n++] = "-o";
		argv[n++] = options;
		argv[n++] = "start";
	} else {
		argv[n++] = (char *)action;
	}
	argv[n] = NULL;
	/* From "/": the cluster's owner may not enter the environment's directory. */
	struct h_proc p;
	struct h_run run;
	int rc = start_in("/", env, &p, "pg_ctl", argv) ? -1 : 0;
	h_finish(&p, &run);
	if (rc == 0)
		rc = run.status;
	if (rc != 0 && strcmp(action, "status") != 0)
		fprintf(stderr, "harness: pg_ctl %s exited %d: %s%s\n", action, rc, run.out, run.err);
	h_run_free(&run);
	free(words);
	free(options);
	return rc;
}

/* ---- HTTP ---- */

static size_t on_body(char *data, size_t size, size_t n, void *cls)
{
	struct h_resp *r = cls;
	size_t len = size * n;
	if (r->len + len > BODY_MAX)
		return 0;
	r->body = xrealloc(r->body, r->len + len + 1);
	memcpy(r->body + r->len, data, len);
	r->len += len;
	r->body[r->len] = '\0';
	return len;
}

/* Keeps the headers of the last response only (a 100 Continue comes first). */
static size_t on_header(char *data, size_t size, size_t n, void *cls)
{
	struct h_resp *r = cls;
	size_t len = size * n;
	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		json_object_clear(r->headers);
		return len;
	}
	const char *colon = memchr(data, ':', len);
	if (!colon)
		return len;
	char name[128];
	size_t nlen = (size_t)(colon - data);
	if (nlen >= sizeof name)
		return len;
	for (size_t i = 0; i < nlen; i++)
		name[i] = (char)(data[i] >= 'A' && data[i] <= 'Z' ? data[i] + 32 : data[i]);
	name[nlen] = '\0';
	const char *v = colon + 1, *end = data + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	json_object_set_new(r->headers, name, json_stringn_nocheck(v, (size_t)(end - v)));
	return len;
}

int h_request_on(CURL *c, const struct h_env *env, struct h_resp *out, const char *method,
		 const char *path, const char *const *headers, const char *body)
{
	memset(out, 0, sizeof *out);
	out->headers = json_object();
	out->body = xrealloc(NULL, 1);
	out->body[0] = '\0';
	char *url = h_strf("%s%s", env->base, path);
	struct curl_slist *list = NULL;
	for (const char *const *h = headers; h && *h; h++)
		list = curl_slist_append(list, *h);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(c, CURLOPT_NOBODY, strcmp(method, "HEAD") == 0 ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, strcmp(method, "GET") && strcmp(method, "HEAD") ? method : NULL);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
	curl_slist_free_all(list);
	free(url);
	if (rc != CURLE_OK) {
		fprintf(stderr, "harness: %s %s: %s\n", method, path, curl_easy_strerror(rc));
		return -1;
	}
	const char *type = h_header(out, "content-type");
	if (type && strncmp(type, "application/json", 16) == 0)
		out->json = json_loadb(out->body, out->len, 0, NULL);
	return 0;
}

int h_request(const struct h_env *env, struct h_resp *out, const char *method, const char *path,
	      const char *const *headers, const char *body)
{
	CURL *c = curl_easy_init();
	if (!c) {
		memset(out, 0, sizeof *out);
		return -1;
	}
	int rc = h_request_on(c, env, out, method, path, headers, body);
	curl_easy_cleanup(c);
	return rc;
}

void h_resp_free(struct h_resp *r)
{
	free(r->body);
	json_decref(r->headers);
	json_decref(r->json);
	memset(r, 0, sizeof *r);
}

const char *h_header(const struct h_resp *r, const char *name)
{
	char lower[128];
	size_t n = strlen(name);
	if (n >= sizeof lower)
		return NULL;
	for (size_t i = 0; i <= n; i++)
		lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	return json_string_value(json_object_get(r->headers, lower));
}

/* ---- assertions ---- */

void h_get(const struct h_env *env, struct h_resp *out, const char *path, long status)
{
	if (h_request(env, out, "GET", path, NULL, NULL))
		fail_msg("GET %s: no response", path);
	if (out->status != status)
		fail_msg("GET %s: status %ld, expected %ld; body: %.300s", path, out->status, status, out->body);
}

void h_expect_security_headers(const struct h_resp *r, const char *what)
{
	const char *csp = h_header(r, "Content-Security-Policy");
	const char *nosniff = h_header(r, "X-Content-Type-Options");
	if (!csp || !strstr(csp, "default-src 'none'") || !strstr(csp, "frame-ancestors 'none'") ||
	    strstr(csp, "unsafe-inline"))
		fail_msg("%s (%ld): Content-Security-Policy is %s", what, r->status, csp ? csp : "missing");
	if (!nosniff || strcasecmp(nosniff, "nosniff") != 0)
		fail_msg("%s (%ld): X-Content-Type-Options is %s", what, r->status, nosniff ? nosniff : "missing");
	if (!h_header(r, "Referrer-Policy"))
		fail_msg("%s (%ld): no Referrer-Policy", what, r->status);
}

/* error.field names the parameter or field at fault, and is left out when there is none. */
static int same_field(json_t *got, const char *want)
{
	if (!want)
		return !got;
	return json_is_string(got) && strcmp(json_string_value(got), want) == 0;
}

/* Each entry of error.errors is {"field"?, "code", "message"}; the first is the error. */
static int valid_entries(json_t *err)
{
	json_t *errors = json_object_get(err, "errors"), *e;
	size_t i;
	if (!json_is_array(errors) || json_array_size(errors) == 0)
		return 0;
	json_array_foreach(errors, i, e) {
		json_t *f = json_object_get(e, "field");
		if (!json_is_string(json_object_get(e, "code")) || !json_is_string(json_object_get(e, "message")) ||
		    (f && !json_is_string(f)) || json_object_size(e) != 2u + (f != NULL))
			return 0;
	}
	e = json_array_get(errors, 0);
	return json_equal(json_object_get(e, "code"), json_object_get(err, "code")) &&
	       json_equal(json_object_get(e, "message"), json_object_get(err, "message")) &&
	       (json_object_get(e, "field") == json_object_get(err, "field") ||
		json_equal(json_object_get(e, "field"), json_object_get(err, "field")));
}

void h_expect_error(const struct h_resp *r, const char *what, long status, const char *code, const char *field)
{
	if (r->status != status)
		fail_msg("%s: status %ld, expected %ld; body: %.300s", what, r->status, status, r->body);
	h_expect_security_headers(r, what);
	json_t *err = json_object_get(r->json, "error");
	if (!json_is_object(r->json) || json_object_size(r->json) != 1 || !json_is_object(err))
		fail_msg("%s: not a JSON error document: %.300s", what, r->body);
	json_t *st = json_object_get(err, "status"), *f = json_object_get(err, "field");
	const char *c = json_string_value(json_object_get(err, "code"));
	if (json_object_size(err) != 4u + (f != NULL) || !json_is_string(json_object_get(err, "message")) ||
	    !valid_entries(err))
		fail_msg("%s: the error must be {status, code, field (when one is at fault), message, errors}: %.300s",
			 what, r->body);
	if (!json_is_integer(st) || json_integer_value(st) != status)
		fail_msg("%s: error.status is not the HTTP status %ld: %.300s", what, status, r->body);
	if (!c || (code && strcmp(c, code) != 0))
		fail_msg("%s: error.code is %s, expected %s", what, c ? c : "missing", code ? code : "a string");
	if (!same_field(f, field))
		fail_msg("%s: error.field should %s%s: %.300s", what, field ? "name " : "be absent", field ? field : "",
			 r->body);
}

char *h_cookie(const struct h_resp *r, const char *name)
{
	const char *sc = h_header(r, "Set-Cookie");
	size_t n = strlen(name);
	if (!sc || strncmp(sc, name, n) != 0 || sc[n] != '=')
		return NULL;
	return h_strf("%.*s", (int)strcspn(sc + n + 1, ";"), sc + n + 1);
}

char *h_hidden(const char *body, const char *after, const char *name)
{
	char *attr = h_strf("name=\"%s\" value=\"", name);
	const char *p = after ? strstr(body, after) : body;
	p = p ? strstr(p, attr) : NULL;
	char *value = p ? h_strf("%.*s", (int)strcspn(p + strlen(attr), "\""), p + strlen(attr)) : NULL;
	free(attr);
	static const char *const escapes[][2] = {{"&quot;", "\""}, {"&#39;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}};
	char *o = value;
	for (const char *q = value; q && *q;) {
		size_t k = 0;
		while (k < sizeof escapes / sizeof *escapes && strncmp(q, escapes[k][0], strlen(escapes[k][0])) != 0)
			k++;
		if (k < sizeof escapes / sizeof *escapes) {
			*o++ = escapes[k][1][0];
			q += strlen(escapes[k][0]);
		} else {
			*o++ = *q++;
		}
	}
	if (o)
		*o = '\0';
	return value;
}

char *h_hidden_csrf(const char *body, const char *after)
{
	return h_hidden(body, after, "csrf");
}

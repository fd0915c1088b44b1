/* testdb.c: per-test databases on SQLite or PostgreSQL; see testdb.h. */
#include "testdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int testdb_is_postgres(void)
{
	const char *pg = getenv("C2C_TEST_PG");
	return pg && *pg;
}

const char *testdb_backend(void)
{
	return testdb_is_postgres() ? "postgres" : "sqlite";
}

/* Runs argv (NULL-terminated, found on PATH) with its output discarded; returns its exit
 * status, or -1. No shell: arguments need no quoting. */
static int run_quiet(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -1;
	int status;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int testdb_create(struct testdb *t)
{
	static int counter;
	memset(t, 0, sizeof *t);
	snprintf(t->dir, sizeof t->dir, "/tmp/c2c-test-XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	if (!testdb_is_postgres()) {
		snprintf(t->target, sizeof t->target, "%s/test.db", t->dir);
		return 0;
	}
	const char *host = getenv("C2C_TEST_PG_HOST"), *port = getenv("C2C_TEST_PG_PORT");
	if (!host || !port)
		return -1;
	snprintf(t->name, sizeof t->name, "c2c_%d_%d", (int)getpid(), ++counter);
	char *argv[] = {"createdb", "-h", (char *)host, "-p", (char *)port, "-U", "c2c", t->name, NULL};
	if (run_quiet(argv) != 0)
		return -1;
	snprintf(t->target, sizeof t->target, "postgresql:///%s?host=%s&port=%s&user=c2c", t->name, host, port);
	return 0;
}

void testdb_drop(struct testdb *t)
{
	if (t->name[0]) {
		char *argv[] = {"dropdb", "--force", "-h", getenv("C2C_TEST_PG_HOST"), "-p",
				getenv("C2C_TEST_PG_PORT"), "-U", "c2c", t->name, NULL};
		run_quiet(argv);
	}
	if (t->dir[0]) {
		char *argv[] = {"rm", "-rf", t->dir, NULL};
		run_quiet(argv);
	}
}

int testdb_sql(const struct testdb *t, const char *sql)
{
	if (t->name[0]) {
		char *argv[] = {"psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", getenv("C2C_TEST_PG_HOST"), "-p",
				getenv("C2C_TEST_PG_PORT"), "-U", "c2c", "-d", (char *)t->name, "-c", (char *)sql, NULL};
		return run_quiet(argv);
	}
	char *argv[] = {"sqlite3", (char *)t->target, (char *)sql, NULL};
	return run_quiet(argv);
}

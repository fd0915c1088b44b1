/* cli.c: helpers shared by the commands; see cli.h. */
#include "cmd/cli.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

struct store *cli_open_store(const char *target, int create)
{
	char err[512];
	struct store *st = store_open(target, create, 4, err, sizeof err);
	if (!st)
		fprintf(stderr, "c2c: %s\n", err);
	return st;
}

struct db *cli_acquire(struct store *st)
{
	struct db *db = store_acquire(st);
	if (db) {
		const struct passwd *pw = getpwuid(getuid());
		const char *who = getenv("SUDO_USER") ? getenv("SUDO_USER") : pw ? pw->pw_name : "operator";
		db_set_actor(db, who, "cli");
	}
	return db;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "c2c %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n(see: c2c %s --help)\n", cmd);
	va_end(ap);
	return 2;
}

char *cli_read_file(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "c2c: cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	struct stat sb;
	if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "c2c: %s is a directory, not a file\n", path);
		fclose(f);
		return NULL;
	}
	char *data = xmalloc(max + 1);
	size_t n = fread(data, 1, max + 1, f);
	int bad = ferror(f);
	fclose(f);
	if (bad || n > max) {
		fprintf(stderr, "c2c: %s: %s\n", path, bad ? "read error" : "file too large");
		free(data);
		return NULL;
	}
	data[n] = '\0';
	*len = n;
	return data;
}

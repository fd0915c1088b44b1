/* log.c: timestamped log lines on stderr; see log.h. */
#include "util/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static atomic_int quiet;

void log_set_quiet(int q)
{
	atomic_store(&quiet, q);
}

__attribute__((format(printf, 2, 0)))
static void emit(const char *level, const char *fmt, va_list ap)
{
	char line[2048], stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	int n = snprintf(line, sizeof line, "%s %s ", stamp, level);
	if (n < 0 || (size_t)n >= sizeof line)
		return;
	vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	fprintf(stderr, "%s\n", line);
}

void log_info(const char *fmt, ...)
{
	if (atomic_load(&quiet))
		return;
	va_list ap;
	va_start(ap, fmt);
	emit("info", fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit("error", fmt, ap);
	va_end(ap);
}

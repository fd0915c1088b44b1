/* log.h: one line per event on standard error, safe from several threads (each line is
 * written with one call). log_quiet() silences info lines, e.g. for benchmarks. */
#ifndef C2C_LOG_H
#define C2C_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_set_quiet(int quiet);

#endif

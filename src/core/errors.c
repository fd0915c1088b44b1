/* errors.c: collecting validation errors; see errors.h. */
#include "core/errors.h"
#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>

void errors_init(struct errors *errs)
{
	errs->n = 0;
	errs->dropped = 0;
}

void errors_add(struct errors *errs, const char *field, const char *code, const char *fmt, ...)
{
	if (errs->n == ERRORS_MAX) {
		errs->dropped++;
		return;
	}
	struct field_error *fe = &errs->e[errs->n++];
	snprintf(fe->field, sizeof fe->field, "%s", field);
	fe->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(fe->message, sizeof fe->message, fmt, ap);
	va_end(ap);
}

char *errors_text(const struct errors *errs)
{
	struct buf b = BUF_INIT(1 << 20);
	for (int i = 0; i < errs->n; i++)
		buf_printf(&b, "%s\n", errs->e[i].message);
	if (errs->dropped)
		buf_printf(&b, "(%d more errors)\n", errs->dropped);
	return buf_detach(&b);
}

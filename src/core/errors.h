/* errors.h: validation errors as data. A validator adds one entry per bad field, naming
 * the field, a stable code clients can branch on, and a sentence for people; one function
 * per output format renders them (web/reply.c for JSON, pages for forms, CLI for text). */
#ifndef C2C_ERRORS_H
#define C2C_ERRORS_H

#define ERRORS_MAX 16

struct field_error {
	char field[96];         /* "population", "members[2]", or "" for the whole record */
	const char *code;       /* "missing_field", "invalid_field", "unknown_field", ... */
	char message[256];
};

struct errors {
	int n;                  /* entries used; adds past ERRORS_MAX are counted in dropped */
	int dropped;
	struct field_error e[ERRORS_MAX];
};

void errors_init(struct errors *errs);
void errors_add(struct errors *errs, const char *field, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* All messages on one line each, for the command line; caller frees. */
char *errors_text(const struct errors *errs);

#endif

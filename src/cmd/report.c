/* report.c: `c2c report ucap SLUG`: a plan's summary ("UCAP at a glance") as Markdown,
 * a standalone HTML document or an A4 PDF, on standard output or into a file.
 *
 * The plan view is loaded in one read transaction and rendered after it ends, so the
 * connection is not held while the PDF is laid out. */
#include "cmd/cli.h"
#include "render/plan_html.h"
#include "render/plan_view.h"
#include "render/render.h"
#include "util/str.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#define REPORT_TEXT_MAX (16u << 20)   /* Markdown and HTML */
#define REPORT_PDF_MAX (128u << 20)

enum format { FORMAT_NONE, FORMAT_MD, FORMAT_HTML, FORMAT_PDF };

struct report_args {
	const char *target;     /* --db */
	const char *slug;
	const char *output;     /* --output, NULL for standard output */
	enum format format;
	int revision;           /* 0: the current one */
};

static int usage(void)
{
	printf("usage: c2c report ucap SLUG [--db FILE|URI] [--format md|html|pdf]\n"
	       "                  [--revision N] [--output FILE]\n\n"
	       "Writes the summary of plan SLUG (\"UCAP at a glance\"): md is CommonMark, html a\n"
	       "standalone page with its stylesheet, pdf an A4 document. The format defaults to\n"
	       "the extension of --output, else md. --revision picks an earlier revision (the\n"
	       "current one by default). Without --output the report goes to standard output;\n"
	       "a PDF is not written to a terminal.\n");
	return 0;
}

static enum format format_named(const char *s)
{
	if (!s)
		return FORMAT_NONE;
	if (strcmp(s, "md") == 0 || strcmp(s, "markdown") == 0)
		return FORMAT_MD;
	if (strcmp(s, "html") == 0)
		return FORMAT_HTML;
	return strcmp(s, "pdf") == 0 ? FORMAT_PDF : FORMAT_NONE;
}

/* The format --output's name suggests ("plan.pdf"), or md. */
static enum format format_of_file(const char *path)
{
	const char *dot = path ? strrchr(path, '.') : NULL;
	enum format f = dot ? format_named(dot + 1) : FORMAT_NONE;
	return f == FORMAT_NONE ? FORMAT_MD : f;
}

/* Options and operands into a; 0, or the exit status of a usage error (or of --help). */
static int parse_args(int argc, char **argv, struct report_args *a, int *done)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'}, {"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'}, {"revision", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char *format = NULL;
	long long rev;
	int c;
	*a = (struct report_args){DEFAULT_DB, NULL, NULL, FORMAT_NONE, 0};
	*done = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': a->target = optarg; break;
		case 'f': format = optarg; break;
		case 'o': a->output = optarg; break;
		case 'r':
			if (parse_int(optarg, 1, 1000000000, &rev))
				return cli_usage_error("report", "--revision must be a revision number, 1 or more");
			a->revision = (int)rev;
			break;
		case 'h': return usage();
		default: return cli_usage_error("report", "unknown option");
		}
	}
	if (optind >= argc || strcmp(argv[optind], "ucap") != 0)
		return cli_usage_error("report", "the kind of report must be given: ucap");
	if (optind + 1 >= argc)
		return cli_usage_error("report", "the plan's slug must be given: c2c report ucap SLUG");
	if (optind + 2 < argc)
		return cli_usage_error("report", "unexpected argument %s", argv[optind + 2]);
	a->slug = argv[optind + 1];
	if (!is_slug(a->slug))
		return cli_usage_error("report", "'%s' is not a plan slug (lower-case letters, digits, hyphens)", a->slug);
	a->format = format ? format_named(format) : format_of_file(a->output);
	if (a->format == FORMAT_NONE)
		return cli_usage_error("report", "--format must be md, html or pdf (not '%s')", format);
	*done = 0;
	return 0;
}

/* The plan view from the database; 0, or 1 after saying why not. */
static int load_view(const struct report_args *a, json_t **view)
{
	struct store *st = cli_open_store(a->target, 0);
	if (!st)
		return 1;
	struct db *db = store_acquire(st);
	int rc = STORE_UNAVAILABLE;
	if (db && db_begin_read(db) == DB_OK) {
		rc = plan_view_load(db, a->slug, a->revision, view);
		db_commit(db);
	}
	store_release(st, db);
	store_close(st);
	if (rc == STORE_NOT_FOUND && a->revision)
		fprintf(stderr, "c2c report: plan %s has no revision %d\n", a->slug, a->revision);
	else if (rc == STORE_NOT_FOUND)
		fprintf(stderr, "c2c report: there is no plan %s\n", a->slug);
	else if (rc)
		fprintf(stderr, "c2c report: the database could not be read\n");
	return rc ? 1 : 0;
}

static int render(const json_t *view, enum format format, struct buf *out)
{
	switch (format) {
	case FORMAT_MD: return render_plan_markdown(view, out);
	case FORMAT_HTML:
		plan_html_document(out, view);
		return buf_failed(out) ? -1 : 0;
	case FORMAT_PDF: return render_plan_pdf(view, out);
	case FORMAT_NONE: break;
	}
	return -1;
}

/* Writes the report to path, or to standard output when path is NULL. A file that
 * could not be written whole is removed, so that no half report is left behind. */
static int write_out(const struct buf *b, const char *path)
{
	FILE *f = path ? fopen(path, "wb") : stdout;
	if (!f) {
		fprintf(stderr, "c2c report: cannot write %s: %s\n", path, strerror(errno));
		return 1;
	}
	int bad = fwrite(b->data, 1, b->len, f) != b->len;
	bad |= path ? fclose(f) != 0 : fflush(f) != 0;
	if (bad) {
		fprintf(stderr, "c2c report: cannot write %s: %s\n", path ? path : "the report", strerror(errno));
		if (path)
			unlink(path);
	}
	return bad;
}

int cmd_report(int argc, char **argv)
{
	struct report_args a;
	int done, rc = parse_args(argc, argv, &a, &done);
	if (done)
		return rc;
	if (a.format == FORMAT_PDF && !a.output && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "c2c report: a PDF is not for the terminal: give --output FILE or redirect\n");
		return 2;
	}
	json_t *view = NULL;
	if (load_view(&a, &view))
		return 1;
	struct buf out = BUF_INIT(a.format == FORMAT_PDF ? REPORT_PDF_MAX : REPORT_TEXT_MAX);
	if (render(view, a.format, &out)) {
		fprintf(stderr, "c2c report: the report of %s could not be made (too large?)\n", a.slug);
		rc = 1;
	} else {
		rc = write_out(&out, a.output);
	}
	buf_free(&out);
	json_decref(view);
	render_release_caches();
	return rc;
}

/* ucap_parse.h: what the pieces of the U-CAP summary parser share; private to
 * src/import/ucap_*.c. The public interface is ucap_page.h.
 *
 * The parser is cut by concern, and every piece works on the same two things: the blocks
 * a cell is read into (struct blocks) and the state of reading one file (struct doc).
 *   ucap_page.c      the driver: lines in, content out; rows to their sections; limits
 *   ucap_text.c      a cell's text and markup (tags, entities, list markers, spaces) read
 *                    into blocks, and the blocks written back as Markdown
 *   ucap_rows.c      the table: lines (and HTML table rows) into rows, labels to sections,
 *                    the contact block and what follows it
 *   ucap_facts.c     the facts rows: names, populations and areas of both sides
 *   ucap_timeline.c  dates: the period of cooperation and the timeline of activities
 *   ucap_themes.c    themes and key focus, SDGs and Urban Agenda partnerships */
#ifndef C2C_UCAP_PARSE_H
#define C2C_UCAP_PARSE_H
#include "import/importer.h"
#include "import/ucap_page.h"
#include "util/buf.h"

#include <jansson.h>
#include <stddef.h>

#define BLOCKS_MAX 4000        /* paragraphs and list items of one section */
#define TAG_MAX 1000           /* bytes a tag may span; a longer "<..." is text */
#define LABEL_MAX 300          /* a longer "label" is text, not a label */
#define QUOTE_MAX 200          /* bytes of unplaced text quoted in the report */

/* Quoting at most QUOTE_MAX bytes of s: "%.*s%s", clip(s), s, ellipsis(s). */
#define clip(s) import_clip(s, QUOTE_MAX)
#define ellipsis(s) import_ellipsis(s, QUOTE_MAX)

/* ---- blocks: what a cell holds once its markup is read ---- */

enum bkind { B_PARA, B_ITEM };

/* What began a list item. The timeline needs it: an export keeps "→" for the entries and
 * "○" for their points, but may write both as "-" after a page break. */
enum mark {
	M_NONE,                 /* a paragraph */
	M_TAG,                  /* <li> alone: its level is the nesting's */
	M_GLYPH,                /* →, •, ○ ...: the glyph gives the level */
	M_DASH,                 /* "- " or "* " at a line start */
	M_NUMBER,               /* "1. ", "2) ", or an <ol> item */
};

struct block {
	enum bkind kind;
	int level;              /* B_ITEM: 1, or 2 for a sub-point */
	int number;             /* B_ITEM: its number in a numbered list, 0 for a bullet */
	enum mark mark;         /* B_ITEM: what began it */
	size_t line;            /* where its text starts */
	char *text;             /* Markdown (or plain text in plain mode), trimmed, one line */
};

struct blocks {
	struct block *v;
	size_t n;
	int overflow;           /* a block was refused: more than BLOCKS_MAX */
};

/* The sections a row's label can name. */
enum sec {
	S_UNKNOWN, S_NAME, S_PROVINCE, S_COUNTRY, S_POPULATION, S_AREA, S_PERIOD, S_THEMES,
	S_GOALS, S_FOCUS, S_CHALLENGES, S_OBJECTIVES, S_ACTIVITIES, S_RESULTS, S_CONTACT,
	S_FOOTER,               /* text after the contact that is no contact: kept as unplaced */
	S_COUNT
};

/* ---- rows and the document ---- */

/* One row of the summary's table, or the contact block under it. */
struct row {
	char *label;            /* as written, markup and all */
	struct buf cell[2];     /* the city's and the counterparts' column, or one merged cell;
				 * continuation lines are added after as many '\n' as lines passed */
	size_t last[2];         /* line of the last text added to each cell */
	size_t line;            /* where the row starts */
	enum sec sec;           /* S_CONTACT for the contact block, else S_UNKNOWN until read */
};

/* The state of reading one file. */
struct doc {
	struct ucap_page *up;
	const struct ucap_page_options *opt;
	struct row *rows;
	size_t nrows;
	int in_contact;                 /* the contact block has begun, and no label row since */
	int contact_done;               /* its paragraph or address has ended: only lines that
					 * look like contact details join it now */
	size_t contact_row;             /* its index in rows */
	size_t city_line;               /* the line of the 'City' row, 0 before it */
	int tr_open, td_open, td_col;   /* HTML table: in a <tr>, in a cell, which (0 the label) */
	struct blocks sec[S_COUNT];     /* each text section's blocks, gathered over its rows */
	size_t sec_line[S_COUNT];       /* the line of the row that began each section */
	json_t *side[2];                /* facts.city and facts.counterparts */
	struct buf unplaced;            /* Markdown paragraphs */
};

/* ---- text helpers (ucap_text.c) ---- */

/* Trims ASCII blanks in place; returns s advanced. Texts reach here with other spaces
 * already made blanks by the cell reader. */
char *ucap_trim(char *s);
/* Whether s holds nothing but spaces (as ucap_text.c counts them: blanks, no-break and
 * zero-width spaces, byte order marks). */
int ucap_is_blank(const char *s);
/* A new string: a and b joined by one space (either may be empty). */
char *ucap_join2(const char *a, const char *b);

/* ---- blocks (ucap_text.c) ---- */

void ucap_blocks_free(struct blocks *b);
/* Joins a paragraph that follows a list item to that item: after a page break or a
 * closing </ol>, the rest of an entry arrives as a paragraph of its own. */
void ucap_attach_paragraphs(struct blocks *b);
/* All blocks' texts joined by spaces: a new string. */
char *ucap_blocks_flat(const struct blocks *b);
/* The blocks as Markdown: paragraphs apart, list items one a line, sub-points indented
 * under the width of their parent's marker. A new string, "" when there are none. */
char *ucap_blocks_markdown(const struct blocks *b);
/* Reads text (a NUL-terminated cell starting on line `line`) into blocks added to out.
 * With plain set (names and numbers), markup is dropped: no lists, no emphasis. */
void ucap_read_cell(const char *text, size_t line, int plain, struct blocks *out);

/* ---- rows and labels (ucap_rows.c) ---- */

/* The section a folded label names; S_UNKNOWN for none. */
enum sec ucap_label_section(const char *key);
/* The label as text for people: markup dropped, without its trailing colon. New string. */
char *ucap_clean_label(const char *raw, size_t line);
/* Reads one line of the file (NUL-terminated, changed in place) into d's rows, through
 * the HTML table reader when it has or continues a table. */
void ucap_read_table_line(struct doc *d, char *p, size_t line);

/* ---- facts (ucap_facts.c) ---- */

/* The key in facts.city and facts.counterparts of each facts section; NULL for others. */
extern const char *const ucap_fact_keys[S_COUNT];
/* A facts row: the city's value, then the counterparts'. */
void ucap_read_fact_row(struct doc *d, struct row *r, enum sec sec, const char *label);

/* ---- the sections built from their blocks (ucap_timeline.c, ucap_themes.c) ---- */

/* The period: a range, or a start alone. Text after it is kept as unplaced. */
void ucap_build_period(struct doc *d, json_t *content);
/* The timeline from the activities section's blocks, in the document's order. */
void ucap_build_activities(struct doc *d, json_t *content);
/* Themes and key focus together: seed 002's form needs one to read the other. */
void ucap_build_themes(struct doc *d, json_t *content);
/* sdgs (sorted, each once) and urban_agenda (taxonomy names, each once). */
void ucap_build_goals(struct doc *d, json_t *content);

/* ---- the document (ucap_page.c) ---- */

/* Keeps text (not consumed) in the unplaced section and lists it for the report. */
void ucap_unplace(struct doc *d, size_t line, const char *text);

#endif

/* pdf_markdown.h: a Markdown field of a plan, laid out in the PDF flow. */
#ifndef C2C_PDF_MARKDOWN_H
#define C2C_PDF_MARKDOWN_H
#include "render/pdf_flow.h"

#define PARA_GAP 5.0   /* between paragraphs, and after a loose list's items */

/* Places md (CommonMark; raw HTML is shown as the text it is) at x, wrapped at width:
 * paragraphs, nested bullet and numbered lists, headings as bold lines, quotes indented,
 * code in a monospaced font; emphasis, strong, code spans and links inline, a link's
 * address printed after its text. Markers queued before the call (a date, a bullet)
 * stand by its first line. */
void pdf_markdown(struct flow *f, const char *md, double x, double width);

#endif

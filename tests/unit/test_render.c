/* test_render.c: the U-CAP summary renderers (src/render/): Markdown, the SVG timeline
 * and the PDF, on an invented plan with a Chinese city name, nested activities,
 * numbered results, a link, and text full of < & " characters. The PDF's text is read
 * back with pdftotext (poppler-utils) when it is installed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "render/md_safe.h"
#include "render/pdf_markdown.h"
#include "render/plan_html.h"
#include "render/render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* LeakSanitizer, in the sanitizer build: two leaks inside the libraries are not ours.
 * fontconfig keeps its caches for the life of the process; and cairo 1.16's PDF font
 * subsetter loses 768 bytes per CFF font at cairo_surface_finish (Noto Sans CJK is CFF;
 * a program of ten lines that only shows "海口" with it leaks the same, with a TrueType
 * font it does not). Other leaks still fail the test (a cairo context or surface, a
 * buffer, a cmark tree of ours: tried); GObjects (layouts, Pango contexts) are not
 * reliably seen by LeakSanitizer and are checked by reading the code. Matching the two
 * needs full stacks, as the libraries are built without frame pointers. */
const char *__lsan_default_suppressions(void);
const char *__asan_default_options(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\nleak:cairo_surface_finish\n";
}
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

/* A view as plan_view.h builds it: header cells are display strings already. */
static const char view_json[] =
	"{\"slug\": \"azur-littoral\", \"title\": \"M\xC3\xA9tropole Azur Littoral with Haikou and Liuzhou\","
	" \"revision\": 3, \"current_revision\": 3, \"saved_at\": \"2020-03-14T10:22:05Z\","
	" \"author\": \"amina\", \"via\": \"web\", \"message\": \"after the Innovative City fair\","
	" \"header\": ["
	"  {\"label\": \"City\", \"city\": \"M\xC3\xA9tropole Azur Littoral\", \"counterparts\": \"Haikou (\xE6\xB5\xB7\xE5\x8F\xA3), Liuzhou (\xE6\x9F\xB3\xE5\xB7\x9E)\"},"
	"  {\"label\": \"Province, state, department\", \"city\": \"Provence-Alpes-C\xC3\xB4te d'Azur\", \"counterparts\": \"Hainan, Guangxi\"},"
	"  {\"label\": \"Country\", \"city\": \"France\", \"counterparts\": \"China\"},"
	"  {\"label\": \"Population\", \"city\": \"540\xE2\x80\xAF" "000\", \"counterparts\": \"N/A\"},"
	"  {\"label\": \"Size (km\xC2\xB2)\", \"city\": \"1\xE2\x80\xAF" "400\xC2\xA0km\xC2\xB2\", \"counterparts\": \"N/A\"}],"
	" \"cities\": [{\"slug\": \"azur-littoral\", \"name\": \"M\xC3\xA9tropole Azur Littoral\", \"role\": \"city\"},"
	"  {\"slug\": \"haikou\", \"name\": \"Haikou\", \"role\": \"counterpart\", \"native\": \"\xE6\xB5\xB7\xE5\x8F\xA3\"}],"
	" \"sdg_titles\": {\"3\": \"Good health and well-being\", \"11\": \"Sustainable cities and communities\"},"
	" \"content\": {"
	"  \"title\": \"M\xC3\xA9tropole Azur Littoral with Haikou and Liuzhou\", \"city\": \"azur-littoral\","
	"  \"counterparts\": [\"haikou\", \"liuzhou\"],"
	"  \"period\": {\"start\": \"2018-06\", \"end\": \"2019-12\"},"
	"  \"themes\": [{\"title\": \"Smart city\", \"text\": \"Digital monitoring of the urban environment & co-operation among start-ups.\"},"
	"   {\"title\": \"Culture & tourism\", \"text\": \"Bringing the *Carnival* to Haikou.\"}],"
	"  \"sdgs\": [3, 11], \"urban_agenda\": [\"Urban Mobility\", \"Jobs and skills in the local economy\"],"
	"  \"key_focus\": \"Start-ups towards China and back; never <script>alert(1)</script> here.\","
	"  \"key_challenges\": \"A long-term mechanism where costs < benefits & \\\"quick wins\\\" come first.\","
	"  \"objectives\": \"- Launch projects with **academic** and business partners.\\n"
	"- Support the carnival in Haikou:\\n  - with the tourist office\\n"
	"  - with [the festival committee](https://example.org/carnival?a=1&b=2)\","
	"  \"activities\": ["
	"   {\"date\": \"2018-06\", \"text\": \"Start-up meeting with the IUC team leader.\"},"
	"   {\"date\": \"2018-06\", \"text\": \"Preparatory meeting in Brussels.\"},"
	"   {\"date\": \"2018-07\", \"end\": \"2018-08\", \"text\": \"Mission to China: Tianjin, Zhengzhou and \xE6\xB5\xB7\xE5\x8F\xA3.\","
	"    \"points\": [\"Coordination with stakeholders in **Zhengzhou**.\", \"MoU signed with \xE6\x9F\xB3\xE5\xB7\x9E's city government.\"]},"
	"   {\"date\": \"2018-09-14\", \"end\": \"2018-09-18\", \"text\": \"Chinese delegates visit; costs <with> \\\"partners\\\" & more.\","
	"    \"points\": [\"Six cooperation proposals.\", \"Next steps:\\n\\n1. a roadmap\\n2. a pilot\"]},"
	"   {\"date\": \"2019-10\", \"text\": \"Innovative City fair with delegates from Haikou.\"},"
	"   {\"text\": \"A video interview for the programme (no date).\"}],"
	"  \"results\": \"1. A Sino-European health care cluster.\\n2. The carnival in Haikou.\\n"
	"3. An incubation platform <with> \\\"start-ups\\\" & investors.\","
	"  \"contact\": \"IUC Asia, [office@iuc-asia.example](mailto:office@iuc-asia.example)\","
	"  \"unplaced\": \"A line the importer could not place.\"}}";

static json_t *load_view(void)
{
	json_error_t err;
	json_t *v = json_loads(view_json, 0, &err);
	if (!v)
		fail_msg("fixture: %s at %d", err.text, err.line);
	return v;
}

/* The same plan with many activities, so that the PDF runs over several pages. */
static json_t *long_view(void)
{
	json_t *v = load_view();
	json_t *acts = json_object_get(json_object_get(v, "content"), "activities");
	for (int i = 0; i < 40; i++) {
		char date[16], text[400];
		snprintf(date, sizeof date, "20%02d-%02d", 18 + i / 12, 1 + i % 12);
		snprintf(text, sizeof text, "Working meeting %d of the cities on smart tourism, economic development and "
			 "digital monitoring in an urban setting, with stakeholders from research, public authorities "
			 "and business (the triple helix) in \xE6\xB5\xB7\xE5\x8F\xA3 and Liuzhou.", i + 1);
		json_array_append_new(acts, json_pack("{s:s, s:s, s:[s]}", "date", date, "text", text, "points",
						      "A sub-point that says what came out of it."));
	}
	return v;
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("expected to find \"%s\" in:\n%s", needle, hay);
}

static void assert_before(const char *hay, const char *first, const char *second)
{
	const char *a = strstr(hay, first), *b = strstr(hay, second);
	assert_non_null(a);
	assert_non_null(b);
	assert_true(a < b);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* With C2C_RENDER_KEEP=DIR, writes text to DIR/name too, for looking at it. */
static void keep_file(const char *name, const char *text)
{
	const char *keep = getenv("C2C_RENDER_KEEP");
	char path[512];
	if (!keep)
		return;
	snprintf(path, sizeof path, "%s/%s", keep, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void date_ranges(void **state)
{
	char out[RENDER_DATE_MAX];
	assert_string_equal(render_date_range("2018-06", NULL, out, sizeof out), "June 2018");
	assert_string_equal(render_date_range("2018-06", "2018-07", out, sizeof out), "June \xE2\x80\x93 July 2018");
	assert_string_equal(render_date_range("2018-06", "2019-12", out, sizeof out), "June 2018 \xE2\x80\x93 December 2019");
	assert_string_equal(render_date_range("2019-10-14", "2019-10-18", out, sizeof out), "14 \xE2\x80\x93 18 October 2019");
	assert_string_equal(render_date_range("2019-09-30", "2019-10-02", out, sizeof out),
			    "30 September \xE2\x80\x93 2 October 2019");
	assert_string_equal(render_date_range("2018", "2019", out, sizeof out), "2018 \xE2\x80\x93 2019");
	assert_string_equal(render_date_range("2018-06", "2018-06", out, sizeof out), "June 2018");
	assert_string_equal(render_date_range("2018-06", "2018-07-02", out, sizeof out), "June 2018 \xE2\x80\x93 2 July 2018");
	assert_string_equal(render_date_range("soon", NULL, out, sizeof out), "soon");
	assert_string_equal(render_saved_date("2020-03-14T10:22:05Z", out, sizeof out), "14 March 2020");
}

static void markdown_summary(void **state)
{
	json_t *v = load_view();
	struct buf b = BUF_INIT(1 << 20);
	assert_int_equal(render_plan_markdown(v, &b), 0);
	const char *md = buf_str(&b);
	keep_file("summary.md", md);
	assert_contains(md, "# M\xC3\xA9tropole Azur Littoral with Haikou and Liuzhou\n");
	assert_contains(md, "| City | M\xC3\xA9tropole Azur Littoral | Haikou (\xE6\xB5\xB7\xE5\x8F\xA3), Liuzhou (\xE6\x9F\xB3\xE5\xB7\x9E) |\n|---|---|---|\n");
	assert_contains(md, "| Population | 540\xE2\x80\xAF" "000 | N/A |");
	assert_contains(md, "## Period of cooperation\n\nJune 2018 \xE2\x80\x93 December 2019\n");
	assert_contains(md, "- **Smart city:** Digital monitoring of the urban environment & co-operation");
	assert_contains(md, "- **Culture & tourism:** Bringing the *Carnival* to Haikou.");
	assert_contains(md, "- SDG 3 \xE2\x80\x94 Good health and well-being\n- SDG 11 \xE2\x80\x94 Sustainable cities");
	assert_contains(md, "- EU Urban Agenda partnership: Urban Mobility\n");
	/* the timeline: dates in words, points nested, a numbered list inside a point */
	assert_contains(md, "- **June 2018:** Start-up meeting");
	assert_contains(md, "- **July \xE2\x80\x93 August 2018:** Mission to China");
	assert_contains(md, "  - Coordination with stakeholders in **Zhengzhou**.\n");
	assert_contains(md, "- **14 \xE2\x80\x93 18 September 2018:** Chinese delegates");
	assert_contains(md, "  - Next steps:\n\n    1. a roadmap\n    2. a pilot\n");
	assert_contains(md, "- A video interview for the programme (no date).\n");
	/* nested lists and the link come through as written */
	assert_contains(md, "- Support the carnival in Haikou:\n  - with the tourist office\n");
	assert_contains(md, "[the festival committee](https://example.org/carnival?a=1&b=2)");
	assert_contains(md, "1. A Sino-European health care cluster.\n2. The carnival in Haikou.\n");
	assert_contains(md, "Revision 3, saved 14 March 2020\n");
	/* raw HTML a user typed is text in the Markdown too */
	assert_contains(md, "never \\<script>alert(1)\\</script> here.");
	assert_int_equal(count(md, "<script>"), count(md, "\\<script>"));
	assert_contains(md, "3. An incubation platform \\<with> \"start-ups\" & investors.\n");
	/* sections in plan_sections order; the empty one is left out */
	assert_before(md, "| City |", "## Period of cooperation");
	assert_before(md, "## Period of cooperation", "## Cooperation themes");
	assert_before(md, "## Main objectives", "## Activities and key outputs");
	assert_before(md, "## Activities and key outputs", "## Expected results and benefits");
	assert_null(strstr(md, "## Text not placed"));   /* for editors, on the page only */
	assert_null(strstr(md, "could not place"));
	assert_null(strstr(md, "## City and counterparts"));
	buf_free(&b);
	json_decref(v);
}

/* Every occurrence of tag in md has a backslash before it. */
static void assert_all_escaped(const char *md, const char *tag)
{
	for (const char *p = strstr(md, tag); p; p = strstr(p + 1, tag))
		if (p == md || p[-1] != '\\')
			fail_msg("unescaped %s in:\n%s", tag, md);
}

/* Raw HTML in Markdown fields is escaped: where it stands when cmark's positions allow
 * (the text keeps its form), else through cmark's own writer (a tab throws the columns
 * off). Code spans are code, not HTML, and stay as they are. */
static void markdown_raw_html(void **state)
{
	static const char *const fields[] = {
		"- a <b>x</b>\n\n  <div>\n  inner\n  </div>\n- b \x60<code>\x60",
		"> quoted <i>html</i>\n\n- item <b>x</b>\n\n\t<div>\n<div>\nblock <span>in</span>\n</div>\n",
	};
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		json_t *v = json_pack("{s:{s:s, s:s, s:s}}", "content", "title", "T", "city", "x", "objectives", fields[i]);
		struct buf b = BUF_INIT(1 << 20);
		assert_int_equal(render_plan_markdown(v, &b), 0);
		for (const char *const *tag = (const char *const[]){"<b", "</b", "<i", "<div", "</div", "<span", NULL}; *tag; tag++)
			assert_all_escaped(buf_str(&b), *tag);
		assert_null(strstr(buf_str(&b), "&#10;"));
		buf_free(&b);
		json_decref(v);
	}
	json_t *v = json_pack("{s:{s:s, s:s, s:s}}", "content", "title", "T", "city", "x", "objectives", fields[0]);
	struct buf b = BUF_INIT(1 << 20);
	render_plan_markdown(v, &b);
	assert_contains(buf_str(&b), "- a \\<b>x\\</b>\n\n  \\<div>\n  inner\n  \\</div>\n- b `<code>`\n");
	buf_free(&b);
	json_decref(v);
}

/* A Markdown field as the page shows it; caller frees. */
static char *page_html(const char *md)
{
	struct buf b = BUF_INIT(1 << 20);
	plan_html_markdown(&b, md);
	return buf_detach(&b);
}

/* Raw HTML on the page is shown as the text it is, escaped: neither dropped (cmark's
 * "<!-- raw HTML omitted -->") nor passed through. */
static void html_raw_html_is_text(void **state)
{
	static const struct { const char *md, *shown; } cases[] = {
		{"never <script>alert(1)</script> here", "never &lt;script&gt;alert(1)&lt;/script&gt; here"},
		{"Talks with the <Haikou DRC> today", "Talks with the &lt;Haikou DRC&gt; today"},
		{"<div onclick=\"x()\">\nblock\n</div>", "&lt;div onclick=&quot;x()&quot;&gt;\nblock\n&lt;/div&gt;"},
		{"- item <b>bold</b>\n  - <img src=x onerror=alert(1)>", "item &lt;b&gt;bold&lt;/b&gt;"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *html = page_html(cases[i].md);
		assert_contains(html, cases[i].shown);
		assert_null(strstr(html, "omitted"));
		assert_null(strstr(html, "<script"));
		assert_null(strstr(html, "<b>"));
		assert_null(strstr(html, "<img"));
		assert_null(strstr(html, "<div"));
		free(html);
	}
	/* the page of the fixture: its key focus keeps the words */
	json_t *v = load_view();
	struct buf b = BUF_INIT(1 << 22);
	struct plan_html_options opt = {NULL, 1, 0};
	plan_html_sections(&b, v, &opt);
	assert_contains(buf_str(&b), "never &lt;script&gt;alert(1)&lt;/script&gt; here.");
	assert_contains(buf_str(&b), "costs &lt;with&gt; &quot;partners&quot;");
	buf_free(&b);
	json_decref(v);
}

static void safe_urls(void **state)
{
	static const char *const kept[] = {"https://example.org/a?b=1", "HTTP://EXAMPLE.ORG", "mailto:office@iuc.eu",
					   "/plans/nice", "plans/nice", "#top", "?q=1", "//example.org/x", "", NULL};
	static const char *const dropped[] = {"javascript:alert(1)", "JavaScript:alert(1)", "java\tscript:alert(1)",
					      " javascript:alert(1)", "vbscript:msgbox", "data:text/html,<b>", "file:///etc/passwd",
					      "ftp://example.org", "a b:c", "\x01https://x", NULL};
	for (const char *const *u = kept; *u; u++)
		if (!md_safe_url(*u))
			fail_msg("%s should be kept", *u);
	for (const char *const *u = dropped; *u; u++)
		if (md_safe_url(*u))
			fail_msg("%s should be dropped", *u);
	assert_true(md_safe_url(NULL));
}

/* The links of a Markdown text, as "url" lines, after cmark read it; caller frees. */
static char *links_of(const char *md)
{
	struct buf b = BUF_INIT(1 << 20);
	cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
	cmark_iter *it = cmark_iter_new(doc);
	for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE))
			buf_printf(&b, "%s\n", cmark_node_get_url(n));
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	return buf_detach(&b);
}

/* Links in the Markdown report are as safe as on the page: http, https, mailto and
 * relative addresses kept, any other made the link's text. */
static void markdown_unsafe_links(void **state)
{
	static const char *const fields[] = {
		"Read [x](javascript:alert(1)) or [ok](https://example.org/ok).",
		"An autolink <javascript:alert(2)> and [the office](mailto:office@iuc.eu).",
		"By reference [r][bad] and [good][ok].\n\n[bad]: vbscript:msgbox\n[ok]: /plans/nice",
		"- an image ![pic](data:text/html,hi) in a list\n  - [deep](JAVASCRIPT:alert(3))",
		"<div>\n[hidden](javascript:alert(4))\n</div>\n\nand [ok](https://example.org/ok)",
	};
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		json_t *v = json_pack("{s:{s:s, s:s, s:s}}", "content", "title", "T", "city", "x", "objectives", fields[i]);
		struct buf b = BUF_INIT(1 << 20);
		assert_int_equal(render_plan_markdown(v, &b), 0);
		char *links = links_of(buf_str(&b));
		for (const char *l = links; *l; l = strchr(l, '\n') + 1) {
			char url[256];
			snprintf(url, sizeof url, "%.*s", (int)strcspn(l, "\n"), l);
			if (!md_safe_url(url))
				fail_msg("field %zu: the Markdown keeps a link to %s:\n%s", i, url, buf_str(&b));
		}
		cmark_node *doc = cmark_parse_document(buf_str(&b), b.len, CMARK_OPT_DEFAULT);
		assert_false(md_unsafe(doc));
		cmark_node_free(doc);
		free(links);
		buf_free(&b);
		json_decref(v);
	}
	/* the text of a dropped link stays; safe links stay as they were written */
	json_t *v = json_pack("{s:{s:s, s:s, s:s}}", "content", "title", "T", "city", "x", "objectives", fields[0]);
	struct buf b = BUF_INIT(1 << 20);
	render_plan_markdown(v, &b);
	assert_contains(buf_str(&b), "Read x or [ok](https://example.org/ok).");
	assert_null(strstr(buf_str(&b), "javascript"));
	buf_free(&b);
	json_decref(v);
	v = json_pack("{s:{s:s, s:s, s:s}}", "content", "title", "T", "city", "x", "objectives", fields[2]);
	b = (struct buf)BUF_INIT(1 << 20);
	render_plan_markdown(v, &b);
	assert_contains(buf_str(&b), "[good](/plans/nice)");
	assert_null(strstr(buf_str(&b), "vbscript"));
	buf_free(&b);
	json_decref(v);
}

/* Well-formed enough for a browser's XML parser: tags nest and close, every & starts an
 * entity, no < inside text or attribute values, quotes balanced inside tags. */
static void assert_well_formed(const char *s)
{
	const char *stack[64];
	size_t stack_len[64];
	int depth = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '&') {
			size_t n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz#0123456789");
			assert_true(n > 0 && p[1 + n] == ';');
		}
		if (*p != '<')
			continue;
		const char *end = p + 1;
		int quoted = 0;
		for (; *end && (quoted || *end != '>'); end++) {
			assert_true(*end != '<');
			quoted ^= *end == '"';
		}
		assert_int_equal(*end, '>');
		const char *name = p[1] == '/' ? p + 2 : p + 1;
		size_t len = strcspn(name, " />");
		if (p[1] == '/') {
			assert_true(depth > 0);
			depth--;
			assert_int_equal(len, stack_len[depth]);
			assert_memory_equal(name, stack[depth], len);
		} else if (end[-1] != '/') {
			assert_true(depth < 64);
			stack[depth] = name;
			stack_len[depth++] = len;
		}
		p = end;
	}
	assert_int_equal(depth, 0);
}

/* The labels of the marks (the <text> elements after the marks' group opens), as
 * boxes estimated as svg.c estimates them; checks that every mark has one and that no
 * two overlap. Returns the number of marks. */
static int assert_marks_labelled(const char *svg)
{
	const char *g = strstr(svg, "<g fill=\"#173a61\">");
	assert_non_null(g);
	struct { double x0, x1, y; } box[256];
	int marks = count(g, "class=\"activity\""), labels = 0;
	for (const char *t = strstr(g, "<text x=\""); t; t = strstr(t + 1, "<text x=\"")) {
		double x, y;
		char anchor[8];
		assert_int_equal(sscanf(t, "<text x=\"%lf\" y=\"%lf\" fill=\"%*[^\"]\" text-anchor=\"%7[a-z]\"", &x, &y, anchor), 3);
		const char *text = strchr(t, '>') + 1, *end = strstr(text, "</text>");
		double chars = 0;
		for (const char *c = text; c < end; c++)
			chars += ((unsigned char)*c & 0xC0) != 0x80 && *c != '&' ? 1 : 0;
		double w = chars * 11 * 0.64;
		assert_true(labels < 256);
		box[labels].x0 = strcmp(anchor, "end") == 0 ? x - w : x;
		box[labels].x1 = strcmp(anchor, "end") == 0 ? x : x + w;
		box[labels].y = y;
		for (int k = 0; k < labels; k++)
			if (box[k].y == y && box[k].x0 < box[labels].x1 && box[labels].x0 < box[k].x1)
				fail_msg("labels %d and %d overlap at y %.1f", k, labels, y);
		labels++;
	}
	assert_int_equal(labels, marks);
	return marks;
}

static void svg_timeline(void **state)
{
	json_t *v = load_view();
	struct buf b = BUF_INIT(1 << 20);
	assert_int_equal(render_timeline_svg(json_object_get(v, "content"), &b), 0);
	const char *svg = buf_str(&b);
	keep_file("timeline.svg", svg);
	assert_true(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
	assert_contains(svg, "viewBox=\"0 0 800 ");
	assert_contains(svg, "role=\"img\"");
	assert_contains(svg, "<title>Timeline of 5 activities, April 2018 \xE2\x80\x93 December 2019</title>");
	assert_null(strstr(svg, "style="));   /* a strict CSP forbids inline styles */
	assert_well_formed(svg);
	/* one mark per date: the undated activity has none, the two of June 2018 share one,
	 * labelled with their count and both in its tooltip; the ranges are bars or dots;
	 * every mark is labelled */
	assert_int_equal(assert_marks_labelled(svg), 4);
	assert_contains(svg, ">Jun 2018 (2)</text>");
	assert_contains(svg, "<title>Jun 2018, 2 activities: Start-up meeting with the IUC team leader. \xC2\xB7 "
		        "Preparatory meeting in Brussels.</title>");
	assert_contains(svg, "costs &lt;with&gt; &quot;partners&quot; &amp; more.");
	assert_contains(svg, "Tianjin, Zhengzhou and \xE6\xB5\xB7\xE5\x8F\xA3.");
	assert_contains(svg, ">2019</text>");
	buf_free(&b);

	/* nothing dated, nothing drawn */
	json_t *none = json_pack("{s:[{s:s}]}", "activities", "text", "undated");
	assert_int_equal(render_timeline_svg(none, &b), 0);
	assert_int_equal(b.len, 0);
	json_decref(none);
	json_decref(v);
}

static void svg_crowded(void **state)
{
	json_t *v = long_view();
	struct buf b = BUF_INIT(1 << 20);
	assert_int_equal(render_timeline_svg(json_object_get(v, "content"), &b), 0);
	keep_file("crowded.svg", buf_str(&b));
	assert_well_formed(buf_str(&b));
	/* 45 dated activities, three in June 2018 and two in October 2019: 42 marks, every
	 * one labelled, however crowded */
	assert_int_equal(assert_marks_labelled(buf_str(&b)), 42);
	assert_contains(buf_str(&b), ">Jun 2018 (3)</text>");
	buf_free(&b);
	json_decref(v);
}

/* A range over the whole period leaves no room for its label at either side: the label
 * goes inside the bar, in white. */
static void svg_wide_range(void **state)
{
	json_t *c = json_pack("{s:{s:s, s:s}, s:[{s:s, s:s, s:s}, {s:s, s:s}]}", "period", "start", "2018-06", "end", "2019-12",
			      "activities", "date", "2018-06", "end", "2019-12", "text", "Coordination all along",
			      "date", "2018-09", "text", "A mission");
	struct buf b = BUF_INIT(1 << 20);
	assert_int_equal(render_timeline_svg(c, &b), 0);
	assert_well_formed(buf_str(&b));
	assert_int_equal(assert_marks_labelled(buf_str(&b)), 2);
	assert_contains(buf_str(&b), "fill=\"#ffffff\" text-anchor=\"start\">Jun 2018 \xE2\x80\x93 Dec 2019</text>");
	buf_free(&b);
	json_decref(c);
}

/* Writes the PDF of v to dir/name.pdf, checks the envelope, and returns its text from
 * pdftotext (NULL when pdftotext is not installed). Caller frees. */
static char *pdf_text(const json_t *v, const char *dir, const char *name)
{
	struct buf b = BUF_INIT(64 << 20);
	assert_int_equal(render_plan_pdf(v, &b), 0);
	assert_true(b.len > 1000);
	assert_memory_equal(b.data, "%PDF-", 5);
	size_t end = b.len;
	while (end && (b.data[end - 1] == '\n' || b.data[end - 1] == '\r'))
		end--;
	assert_memory_equal(b.data + end - 5, "%%EOF", 5);
	char path[512], txt[512], cmd[1200];
	snprintf(path, sizeof path, "%s/%s.pdf", dir, name);
	snprintf(txt, sizeof txt, "%s/%s.txt", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b.data, 1, b.len, f), b.len);
	fclose(f);
	buf_free(&b);
	if (system("command -v pdftotext >/dev/null 2>&1") != 0)
		return NULL;
	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' '%s'", path, txt);
	assert_int_equal(system(cmd), 0);
	f = fopen(txt, "rb");
	assert_non_null(f);
	struct buf t = BUF_INIT(16 << 20);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&t, chunk, n);
	fclose(f);
	return buf_detach(&t);
}

/* The temporary directory for the PDFs; C2C_RENDER_KEEP=DIR keeps them there instead,
 * for looking at them (pdftoppm). */
static void pdf_dir(char dir[256])
{
	const char *keep = getenv("C2C_RENDER_KEEP");
	if (keep) {
		snprintf(dir, 256, "%s", keep);
		return;
	}
	snprintf(dir, 256, "/tmp/c2c-render-XXXXXX");
	assert_non_null(mkdtemp(dir));
}

static void remove_dir(const char *dir)
{
	char cmd[300];
	if (getenv("C2C_RENDER_KEEP"))
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void pdf_summary(void **state)
{
	char dir[256];
	pdf_dir(dir);
	json_t *v = load_view();
	char *text = pdf_text(v, dir, "summary");
	if (text) {
		assert_contains(text, "Urban Cooperation Action Plan (U-CAP) \xE2\x80\x94 at a glance");
		assert_contains(text, "M\xC3\xA9tropole Azur Littoral with Haikou and Liuzhou");
		assert_contains(text, "\xE6\xB5\xB7\xE5\x8F\xA3");   /* 海口, as text, not boxes */
		assert_contains(text, "\xE6\x9F\xB3\xE5\xB7\x9E");   /* 柳州 */
		for (const char *const *t = (const char *const[]){"Period of cooperation", "Cooperation themes",
				"Related SDGs and Urban Agenda topics", "Key focus of cooperation themes", "Key challenges",
				"Main objectives", "Activities and key outputs", "Expected results and benefits",
				"Contact for further information", NULL}; *t; t++)
			assert_contains(text, *t);
		assert_null(strstr(text, "Text not placed"));
		assert_null(strstr(text, "could not place"));
		assert_contains(text, "SDG 3 \xE2\x80\x94 Good health and well-being");
		assert_contains(text, "June 2018 \xE2\x80\x93 December 2019");
		assert_contains(text, "<script>alert(1)</script>");     /* shown as typed, not lost */
		assert_contains(text, "platform <with>");
		assert_contains(text, "costs < benefits & \"quick wins\"");
		assert_contains(text, "(https://example.org/carnival?a=1&b=2)");
		assert_contains(text, "Page 1 of 2");
		assert_contains(text, "Revision 3, saved 14 March 2020");
		free(text);
	}
	json_decref(v);
	remove_dir(dir);
}

static void pdf_many_pages(void **state)
{
	char dir[256];
	pdf_dir(dir);
	json_t *v = long_view();
	char *text = pdf_text(v, dir, "long");
	if (text) {
		char last[64];
		int pages = count(text, "\f");   /* pdftotext ends every page with a form feed */
		assert_true(pages >= 4);
		snprintf(last, sizeof last, "Page %d of %d", pages, pages);
		assert_contains(text, "Page 2 of ");
		assert_contains(text, last);
		assert_int_equal(count(text, "Revision 3, saved 14 March 2020"), pages);
		assert_contains(text, "Working meeting 40 of the cities");
		free(text);
	}
	json_decref(v);
	remove_dir(dir);
}

/* Where md ends (the flow's y) in a measuring flow started at y, and on which page. */
static double flow_end_y(const char *md, double y, int *page)
{
	cairo_surface_t *surface = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
	cairo_t *cr = cairo_create(surface);
	struct flow f;
	flow_init(&f, cr, "running head", "foot");
	flow_begin(&f, 0, 0);
	f.y = y;
	pdf_markdown(&f, md, MARGIN_X, TEXT_W);
	double end = f.y;
	*page = f.page;
	flow_end(&f);
	flow_free(&f);
	cairo_destroy(cr);
	cairo_surface_destroy(surface);
	return end;
}

/* A heading inside a section is never left at the foot of a page with its text on the
 * next: where the heading would fit but not the two lines after it, it moves over too,
 * and the next page is laid out as a fresh page starting with the heading would be. */
static void pdf_heading_keeps_with_next(void **state)
{
	static const char para[] = "A paragraph of several lines under the heading, about smart tourism, economic "
				   "development and digital monitoring in an urban setting, with stakeholders from research, "
				   "public authorities and business in Haikou and Liuzhou, long enough to wrap.";
	char md[1024];
	snprintf(md, sizeof md, "## Next steps\n\n%s", para);
	int page;
	double heading = flow_end_y("## Next steps", TEXT_TOP, &page) - TEXT_TOP;
	double fresh = flow_end_y(md, TEXT_TOP, &page) - TEXT_TOP;
	assert_true(heading > 5 && fresh > 3 * heading);
	/* room for the heading and the space before it, not for a line more */
	double y = TEXT_BOTTOM - heading - (PARA_GAP + 2) - 1;
	double end = flow_end_y(md, y, &page);
	assert_int_equal(page, 2);
	if (fabs(end - (TEXT_TOP + fresh)) > 0.01)
		fail_msg("page 2 ends at %.2f, as the text alone would; with its heading it ends at %.2f", end, TEXT_TOP + fresh);
	/* a heading with nothing after it needs only its own room */
	flow_end_y("## Last", y, &page);
	assert_int_equal(page, 1);
}

/* A plan with only a title, and a view without a header: nothing to show is no error. */
static void minimal_plan(void **state)
{
	json_t *v = json_pack("{s:{s:s, s:s}}", "content", "title", "Only a title", "city", "x");
	struct buf md = BUF_INIT(1 << 20), pdf = BUF_INIT(8 << 20), svg = BUF_INIT(1 << 20);
	assert_int_equal(render_plan_markdown(v, &md), 0);
	assert_string_equal(buf_str(&md), "# Only a title\n\n*Urban Cooperation Action Plan (U-CAP) \xE2\x80\x94 at a glance*\n\n");
	assert_int_equal(render_plan_pdf(v, &pdf), 0);
	assert_memory_equal(pdf.data, "%PDF-", 5);
	assert_int_equal(render_timeline_svg(json_object_get(v, "content"), &svg), 0);
	assert_int_equal(svg.len, 0);
	buf_free(&md);
	buf_free(&pdf);
	buf_free(&svg);
	json_decref(v);
}

/* Text at the limits of what validation lets through: deep nesting, a word longer than
 * a line, a list of PLAN_LIST_MAX activities on one day. Nothing may crash or be lost. */
static void pathological_text(void **state)
{
	struct buf md = BUF_INIT(1 << 16);
	for (int i = 0; i < 3000; i++)
		buf_puts(&md, i % 2 ? "> " : "- ");
	buf_puts(&md, "deep\n\n");
	for (int i = 0; i < 3000; i++)
		buf_putc(&md, 'w');
	buf_puts(&md, " <b>&amp; *a **b *c* b** a*");
	json_t *v = json_pack("{s:{s:s, s:s, s:s, s:[]}}", "content", "title", "Limits", "city", "x",
			      "objectives", buf_str(&md), "activities");
	json_t *acts = json_object_get(json_object_get(v, "content"), "activities");
	for (int i = 0; i < 200; i++)
		json_array_append_new(acts, json_pack("{s:s, s:s}", "date", "2019-05-04", "text", "Same day."));
	struct buf out = BUF_INIT(64 << 20);
	assert_int_equal(render_plan_markdown(v, &out), 0);
	assert_contains(buf_str(&out), "deep");
	buf_reset(&out);
	assert_int_equal(render_plan_pdf(v, &out), 0);
	buf_reset(&out);
	assert_int_equal(render_timeline_svg(json_object_get(v, "content"), &out), 0);
	assert_well_formed(buf_str(&out));
	assert_int_equal(assert_marks_labelled(buf_str(&out)), 1);   /* 200 on one day: one mark */
	assert_contains(buf_str(&out), ">4 May 2019 (200)</text>");
	assert_contains(buf_str(&out), " \xC2\xB7 and 188 more</title>");
	buf_free(&out);
	buf_free(&md);
	json_decref(v);
}

/* A buffer too small for the output fails cleanly, freed. */
static void output_cap(void **state)
{
	json_t *v = load_view();
	struct buf small = BUF_INIT(100);
	assert_int_equal(render_plan_markdown(v, &small), -1);
	assert_true(buf_failed(&small));
	struct buf tiny = BUF_INIT(2000);
	assert_int_equal(render_plan_pdf(v, &tiny), -1);
	buf_free(&tiny);
	buf_free(&small);
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(date_ranges), cmocka_unit_test(markdown_summary), cmocka_unit_test(markdown_raw_html),
		cmocka_unit_test(html_raw_html_is_text), cmocka_unit_test(safe_urls), cmocka_unit_test(markdown_unsafe_links),
		cmocka_unit_test(svg_timeline), cmocka_unit_test(svg_crowded), cmocka_unit_test(svg_wide_range),
		cmocka_unit_test(pdf_summary), cmocka_unit_test(pdf_many_pages), cmocka_unit_test(pdf_heading_keeps_with_next),
		cmocka_unit_test(minimal_plan), cmocka_unit_test(pathological_text),
		cmocka_unit_test(output_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

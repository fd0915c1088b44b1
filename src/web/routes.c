/* routes.c: the route table: every address c2c answers, what it needs, what it accepts.
 * The dispatcher (server.c, router.c) enforces the flags before a handler runs. */
#include "web/api.h"
#include "web/auth.h"
#include "web/route.h"
#include "core/plan.h"

#define API_LIST (ROUTE_API | ROUTE_LIST | ROUTE_DB | ROUTE_CACHE)
#define API_ITEM (ROUTE_API | ROUTE_DB | ROUTE_CACHE)
#define PAGE_LIST (ROUTE_LIST | ROUTE_DB | ROUTE_CACHE)
#define PAGE_ITEM (ROUTE_DB | ROUTE_CACHE)
/* Signing in: no transaction around the handler, which records failures that must stay. */
#define SIGN_IN (ROUTE_DB | ROUTE_NO_TX | ROUTE_NO_STORE)
#define API_WRITE (ROUTE_API | ROUTE_DB | ROUTE_WRITE | ROUTE_CSRF)
#define PAGE_PRIVATE (ROUTE_DB | ROUTE_NO_STORE)
#define PAGE_WRITE (ROUTE_DB | ROUTE_WRITE | ROUTE_CSRF | ROUTE_NO_STORE)
#define BODY_RECORD (256 * 1024)   /* the largest record a form or a JSON write may send */
#define BODY_CONFIRM 1024          /* a confirmation form: its CSRF token and version */

const struct route routes[] = {
	/* before /{kind}/{slug}: "new" would match as a slug */
	{"GET", "/cities/new", page_edit_form, &entity_city, PERM_CREATE, PAGE_PRIVATE, 0, "Form for a new city"},
	{"POST", "/cities/new", page_edit_submit, &entity_city, PERM_CREATE, PAGE_WRITE, BODY_RECORD, "Create a city"},
	{"GET", "/cooperations/new", page_edit_form, &entity_cooperation, PERM_CREATE, PAGE_PRIVATE, 0, "Form for a new cooperation"},
	{"POST", "/cooperations/new", page_edit_submit, &entity_cooperation, PERM_CREATE, PAGE_WRITE, BODY_RECORD, "Create a cooperation"},
	{"GET", "/programmes/new", page_edit_form, &entity_programme, PERM_CREATE, PAGE_PRIVATE, 0, "Form for a new programme"},
	{"POST", "/programmes/new", page_edit_submit, &entity_programme, PERM_CREATE, PAGE_WRITE, BODY_RECORD, "Create a programme"},
	{"GET", "/", page_directory, &entity_cooperation, PERM_PUBLIC, PAGE_LIST, 0, "Directory of cooperations"},
	{"GET", "/cities", page_cities, &entity_city, PERM_PUBLIC, PAGE_LIST, 0, "Directory of cities"},
	{"GET", "/cities/{slug}", page_city, &entity_city, PERM_PUBLIC, PAGE_ITEM, 0, "A city's profile"},
	{"GET", "/cooperations/{slug}", page_cooperation, &entity_cooperation, PERM_PUBLIC, PAGE_ITEM, 0, "A pairing or cluster"},
	{"GET", "/cities/{slug}/edit", page_edit_form, &entity_city, PERM_UPDATE, PAGE_PRIVATE, 0, "Form to edit a city"},
	{"POST", "/cities/{slug}/edit", page_edit_submit, &entity_city, PERM_UPDATE, PAGE_WRITE, BODY_RECORD, "Save a city"},
	{"GET", "/cities/{slug}/history", page_record_history, &entity_city, PERM_READ_INTERNAL, PAGE_PRIVATE, 0, "A city's changes"},
	{"GET", "/cities/{slug}/delete", page_delete_form, &entity_city, PERM_DELETE, PAGE_PRIVATE, 0, "Confirm deleting a city"},
	{"POST", "/cities/{slug}/delete", page_delete_submit, &entity_city, PERM_DELETE, PAGE_WRITE, BODY_CONFIRM, "Delete a city"},
	{"GET", "/cooperations/{slug}/edit", page_edit_form, &entity_cooperation, PERM_UPDATE, PAGE_PRIVATE, 0, "Form to edit a cooperation"},
	{"POST", "/cooperations/{slug}/edit", page_edit_submit, &entity_cooperation, PERM_UPDATE, PAGE_WRITE, BODY_RECORD, "Save a cooperation"},
	{"GET", "/cooperations/{slug}/history", page_record_history, &entity_cooperation, PERM_READ_INTERNAL, PAGE_PRIVATE, 0, "A cooperation's changes"},
	{"GET", "/cooperations/{slug}/delete", page_delete_form, &entity_cooperation, PERM_DELETE, PAGE_PRIVATE, 0, "Confirm deleting a cooperation"},
	{"POST", "/cooperations/{slug}/delete", page_delete_submit, &entity_cooperation, PERM_DELETE, PAGE_WRITE, BODY_CONFIRM, "Delete a cooperation"},
	{"GET", "/programmes", page_programmes, &entity_programme, PERM_PUBLIC, PAGE_ITEM, 0, "The programmes"},
	{"GET", "/programmes/{slug}", page_programme, &entity_programme, PERM_PUBLIC, PAGE_ITEM, 0, "A programme and its rounds"},
	{"GET", "/programmes/{slug}/edit", page_edit_form, &entity_programme, PERM_UPDATE, PAGE_PRIVATE, 0, "Form to edit a programme"},
	{"POST", "/programmes/{slug}/edit", page_edit_submit, &entity_programme, PERM_UPDATE, PAGE_WRITE, BODY_RECORD, "Save a programme"},
	{"GET", "/programmes/{slug}/history", page_record_history, &entity_programme, PERM_READ_INTERNAL, PAGE_PRIVATE, 0, "A programme's changes"},
	{"GET", "/programmes/{slug}/delete", page_delete_form, &entity_programme, PERM_DELETE, PAGE_PRIVATE, 0, "Confirm deleting a programme"},
	{"POST", "/programmes/{slug}/delete", page_delete_submit, &entity_programme, PERM_DELETE, PAGE_WRITE, BODY_CONFIRM, "Delete a programme"},
	{"GET", "/plans/new", page_plan_new_form, &entity_plan, PERM_CREATE, PAGE_PRIVATE, 0, "Form for a new action plan"},
	{"POST", "/plans/new", page_plan_new_submit, &entity_plan, PERM_CREATE, PAGE_WRITE, BODY_RECORD, "Create an action plan"},
	{"GET", "/plans", page_plans, &entity_plan, PERM_PUBLIC, PAGE_ITEM, 0, "Urban Cooperation Action Plans"},
	{"GET", "/plans/{slug}", page_plan, &entity_plan, PERM_PUBLIC, PAGE_ITEM, 0, "A plan's summary (U-CAP at a glance)"},
	{"GET", "/plans/{slug}.md", page_plan_markdown, &entity_plan, PERM_PUBLIC, PAGE_ITEM, 0, "A plan's summary as Markdown"},
	{"GET", "/plans/{slug}.pdf", page_plan_pdf, &entity_plan, PERM_PUBLIC, PAGE_ITEM, 0, "A plan's summary as PDF"},
	{"GET", "/plans/{slug}/revisions", page_plan_revisions, &entity_plan, PERM_PUBLIC, PAGE_ITEM, 0, "A plan's revisions"},
	{"GET", "/plans/{slug}/revisions/{n}", page_plan_revision, &entity_plan, PERM_PUBLIC, PAGE_ITEM, 0, "An earlier revision of a plan"},
	{"POST", "/plans/{slug}/revisions/{n}/restore", page_plan_restore, &entity_plan, PERM_UPDATE, PAGE_WRITE, 1024, "Restore an earlier revision"},
	{"GET", "/plans/{slug}/diff", page_plan_diff, &entity_plan, PERM_PUBLIC, PAGE_ITEM | ROUTE_ANY_QUERY, 0, "Two revisions compared"},
	{"GET", "/plans/{slug}/edit/{part}", page_plan_edit_form, &entity_plan, PERM_UPDATE, PAGE_PRIVATE, 0, "Form to edit a section of a plan"},
	{"POST", "/plans/{slug}/edit/{part}", page_plan_edit_submit, &entity_plan, PERM_UPDATE, PAGE_WRITE, BODY_RECORD, "Save a section of a plan"},
	{"GET", "/admin/audit", page_admin_audit, NULL, PERM_MANAGE_USERS, PAGE_PRIVATE | ROUTE_ANY_QUERY, 0, "The audit log"},
	{"GET", "/static/c2c.css", static_file, NULL, PERM_PUBLIC, 0, 0, "The stylesheet"},
	{"GET", "/login", page_login, NULL, PERM_PUBLIC, ROUTE_ANY_QUERY | ROUTE_NO_STORE, 0, "The sign-in form"},
	{"POST", "/login", page_login_submit, NULL, PERM_PUBLIC, SIGN_IN, 4096, "Sign in"},
	{"POST", "/logout", page_logout, NULL, PERM_PUBLIC, SIGN_IN | ROUTE_CSRF, 1024, "Sign out"},

	{"GET", "/healthz", api_health, NULL, PERM_PUBLIC, ROUTE_API | ROUTE_DB, 0, "Health check"},
	{"GET", "/api/v1", api_index, NULL, PERM_PUBLIC, ROUTE_API, 0, "The API's collections"},
	{"GET", "/api/openapi.json", api_openapi, NULL, PERM_PUBLIC, ROUTE_API, 0, "This API described as OpenAPI 3.1"},
	{"GET", "/api/v1/programmes", api_list, &entity_programme, PERM_PUBLIC, API_LIST, 0, "List programmes"},
	{"GET", "/api/v1/programmes/{slug}", api_item, &entity_programme, PERM_PUBLIC, API_ITEM, 0, "Get a programme"},
	{"POST", "/api/v1/programmes", api_create, &entity_programme, PERM_CREATE, API_WRITE, BODY_RECORD, "Create a programme"},
	{"PATCH", "/api/v1/programmes/{slug}", api_update, &entity_programme, PERM_UPDATE, API_WRITE, BODY_RECORD, "Change fields of a programme (If-Match)"},
	{"DELETE", "/api/v1/programmes/{slug}", api_delete, &entity_programme, PERM_DELETE, API_WRITE, 0, "Delete a programme (If-Match)"},
	{"GET", "/api/v1/cities", api_list, &entity_city, PERM_PUBLIC, API_LIST, 0, "List cities"},
	{"GET", "/api/v1/cities/{slug}", api_item, &entity_city, PERM_PUBLIC, API_ITEM, 0, "Get a city"},
	{"POST", "/api/v1/cities", api_create, &entity_city, PERM_CREATE, API_WRITE, BODY_RECORD, "Create a city"},
	{"PATCH", "/api/v1/cities/{slug}", api_update, &entity_city, PERM_UPDATE, API_WRITE, BODY_RECORD, "Change fields of a city (If-Match)"},
	{"DELETE", "/api/v1/cities/{slug}", api_delete, &entity_city, PERM_DELETE, API_WRITE, 0, "Delete a city (If-Match)"},
	{"GET", "/api/v1/cooperations", api_list, &entity_cooperation, PERM_PUBLIC, API_LIST, 0, "List pairings and clusters"},
	{"GET", "/api/v1/cooperations/{slug}", api_item, &entity_cooperation, PERM_PUBLIC, API_ITEM, 0, "Get a pairing or cluster"},
	{"POST", "/api/v1/cooperations", api_create, &entity_cooperation, PERM_CREATE, API_WRITE, BODY_RECORD, "Create a pairing or cluster"},
	{"PATCH", "/api/v1/cooperations/{slug}", api_update, &entity_cooperation, PERM_UPDATE, API_WRITE, BODY_RECORD, "Change fields of a pairing or cluster (If-Match)"},
	{"DELETE", "/api/v1/cooperations/{slug}", api_delete, &entity_cooperation, PERM_DELETE, API_WRITE, 0, "Delete a pairing or cluster (If-Match)"},
	{"GET", "/api/v1/plans", api_plan_list, &entity_plan, PERM_PUBLIC, API_LIST, 0, "List action plans (U-CAPs); filter by city or cooperation"},
	{"GET", "/api/v1/plans/{slug}", api_plan_item, &entity_plan, PERM_PUBLIC, API_ITEM, 0, "Get the current revision of a plan"},
	{"PUT", "/api/v1/plans/{slug}", api_plan_put, &entity_plan, PERM_UPDATE, API_WRITE, BODY_RECORD, "Save a plan's content as a new revision (If-Match unless new)"},
	{"DELETE", "/api/v1/plans/{slug}", api_plan_delete, &entity_plan, PERM_DELETE, API_WRITE, 0, "Delete a plan and its revisions (If-Match)"},
	{"GET", "/api/v1/plans/{slug}/revisions", api_plan_revisions, &entity_plan, PERM_PUBLIC, API_ITEM | ROUTE_ANY_QUERY, 0, "List a plan's revisions, newest first (limit, cursor)"},
	{"GET", "/api/v1/plans/{slug}/revisions/{n}", api_plan_item, &entity_plan, PERM_PUBLIC, API_ITEM, 0, "Get one revision of a plan"},
	{"POST", "/api/v1/plans/{slug}/revisions/{n}/restore", api_plan_restore, &entity_plan, PERM_UPDATE, API_WRITE, 0, "Save an earlier revision's content as the new current one (If-Match)"},
	{"GET", "/api/v1/plans/{slug}/diff", api_plan_diff, &entity_plan, PERM_PUBLIC, API_ITEM | ROUTE_ANY_QUERY, 0, "Compare two revisions section by section (from, to)"},
	{"GET", "/api/v1/topics", api_list, &entity_topic, PERM_PUBLIC, API_LIST, 0, "List cooperation topics"},
	{"GET", "/api/v1/sdgs", api_list, &entity_sdg, PERM_PUBLIC, API_LIST, 0, "List the Sustainable Development Goals"},
	{"GET", "/api/v1/urban-agenda", api_list, &entity_urban_agenda, PERM_PUBLIC, API_LIST, 0, "List Urban Agenda partnerships"},
	{NULL, NULL, NULL, NULL, PERM_PUBLIC, 0, 0, NULL},
};

/* routes.c: the route table: every address c2c answers, what it needs, what it accepts.
 * The dispatcher (server.c, router.c) enforces the flags before a handler runs. */
#include "web/api.h"
#include "web/auth.h"
#include "web/route.h"

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

const struct route routes[] = {
	/* before /{kind}/{slug}: "new" would match as a slug */
	{"GET", "/cities/new", page_edit_form, &entity_city, PERM_CREATE, PAGE_PRIVATE, 0, "Form for a new city"},
	{"POST", "/cities/new", page_edit_submit, &entity_city, PERM_CREATE, PAGE_WRITE, BODY_RECORD, "Create a city"},
	{"GET", "/cooperations/new", page_edit_form, &entity_cooperation, PERM_CREATE, PAGE_PRIVATE, 0, "Form for a new cooperation"},
	{"POST", "/cooperations/new", page_edit_submit, &entity_cooperation, PERM_CREATE, PAGE_WRITE, BODY_RECORD, "Create a cooperation"},
	{"GET", "/", page_directory, &entity_cooperation, PERM_PUBLIC, PAGE_LIST, 0, "Directory of cooperations"},
	{"GET", "/cities", page_cities, &entity_city, PERM_PUBLIC, PAGE_LIST, 0, "Directory of cities"},
	{"GET", "/cities/{slug}", page_city, &entity_city, PERM_PUBLIC, PAGE_ITEM, 0, "A city's profile"},
	{"GET", "/cooperations/{slug}", page_cooperation, &entity_cooperation, PERM_PUBLIC, PAGE_ITEM, 0, "A pairing or cluster"},
	{"GET", "/cities/{slug}/edit", page_edit_form, &entity_city, PERM_UPDATE, PAGE_PRIVATE, 0, "Form to edit a city"},
	{"POST", "/cities/{slug}/edit", page_edit_submit, &entity_city, PERM_UPDATE, PAGE_WRITE, BODY_RECORD, "Save a city"},
	{"GET", "/cities/{slug}/history", page_record_history, &entity_city, PERM_READ_INTERNAL, PAGE_PRIVATE, 0, "A city's changes"},
	{"GET", "/cooperations/{slug}/edit", page_edit_form, &entity_cooperation, PERM_UPDATE, PAGE_PRIVATE, 0, "Form to edit a cooperation"},
	{"POST", "/cooperations/{slug}/edit", page_edit_submit, &entity_cooperation, PERM_UPDATE, PAGE_WRITE, BODY_RECORD, "Save a cooperation"},
	{"GET", "/cooperations/{slug}/history", page_record_history, &entity_cooperation, PERM_READ_INTERNAL, PAGE_PRIVATE, 0, "A cooperation's changes"},
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
	{"GET", "/api/v1/topics", api_list, &entity_topic, PERM_PUBLIC, API_LIST, 0, "List cooperation topics"},
	{"GET", "/api/v1/sdgs", api_list, &entity_sdg, PERM_PUBLIC, API_LIST, 0, "List the Sustainable Development Goals"},
	{"GET", "/api/v1/urban-agenda", api_list, &entity_urban_agenda, PERM_PUBLIC, API_LIST, 0, "List Urban Agenda partnerships"},
	{NULL, NULL, NULL, NULL, PERM_PUBLIC, 0, 0, NULL},
};

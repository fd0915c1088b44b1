/* api.h: JSON handlers (api.c, openapi.c) and HTML pages (page_*.c), as named in routes.c. */
#ifndef C2C_API_H
#define C2C_API_H
#include "web/req.h"

int api_list(struct req *r);          /* GET a collection of the route's entity */
int api_item(struct req *r);          /* GET one record by {slug} */
int api_index(struct req *r);         /* GET /api/v1: the collections */
int api_health(struct req *r);        /* GET /healthz */
int api_openapi(struct req *r);       /* GET /api/openapi.json */
/* The request body as a JSON object (a new reference), or NULL after replying 415, 400
 * or 422. */
json_t *api_json_body(struct req *r);
int api_create(struct req *r);
int api_plan_list(struct req *r);         /* U-CAPs: api_plan.c */
int api_plan_item(struct req *r);         /* current revision, or revision {n} */
int api_plan_revisions(struct req *r);
int api_plan_diff(struct req *r);
int api_plan_put(struct req *r);
int api_plan_restore(struct req *r);
int api_plan_delete(struct req *r);        /* POST a record of the route's entity */
int api_update(struct req *r);        /* PATCH fields of one record (If-Match) */
int api_delete(struct req *r);        /* DELETE one record (If-Match) */

int page_directory(struct req *r);    /* GET /: cooperations, filtered */
int page_cities(struct req *r);       /* GET /cities */
int page_city(struct req *r);         /* GET /cities/{slug} */
int page_cooperation(struct req *r);  /* GET /cooperations/{slug} */
int page_programmes(struct req *r);   /* GET /programmes (page_programme.c) */
int page_programme(struct req *r);    /* GET /programmes/{slug} */
int static_file(struct req *r);
int page_plans(struct req *r);            /* U-CAPs: page_plan.c */
int page_plan(struct req *r);
int page_plan_revision(struct req *r);
int page_plan_markdown(struct req *r);
int page_plan_pdf(struct req *r);
int page_plan_revisions(struct req *r);   /* page_plan_history.c */
int page_plan_diff(struct req *r);
int page_plan_restore(struct req *r);
int page_plan_edit_form(struct req *r);   /* page_plan_edit.c */
int page_plan_edit_submit(struct req *r);
int page_plan_new_form(struct req *r);
int page_plan_new_submit(struct req *r);
int page_edit_form(struct req *r);        /* GET /{kind}/{slug}/edit and /{kind}/new */
int page_edit_submit(struct req *r);      /* POST the same: validate, check, save, redirect */
int page_delete_form(struct req *r);      /* GET /{kind}/{slug}/delete: the confirmation */
int page_delete_submit(struct req *r);    /* POST the same: check the version, delete, redirect */
int page_record_history(struct req *r);   /* GET /{kind}/{slug}/history: its audit entries */
int page_admin_audit(struct req *r);      /* GET /admin/audit: the whole log, filtered */       /* GET /static/...: files compiled in */

#endif

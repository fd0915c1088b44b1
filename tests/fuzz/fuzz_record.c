/* fuzz_record.c: JSON documents through the record validator of every entity, as the API
 * and `c2c import json` receive them. A valid record must validate again to itself. */
#include "core/record.h"
#include "util/xalloc.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (!doc)
		return 0;
	for (const struct entity *const *e = entities; *e; e++) {
		struct errors errs;
		errors_init(&errs);
		json_t *rec;
		if (record_validate(*e, doc, &rec, &errs) == 0) {
			json_t *again;
			errors_init(&errs);
			if (record_validate(*e, rec, &again, &errs) || !json_equal(rec, again))
				abort();
			json_decref(again);
			json_decref(rec);
		} else if (errs.n == 0) {
			abort();   /* a refusal must say why */
		}
	}
	json_decref(doc);
	return 0;
}

/* fuzz_ucap_page.c: the U-CAP summary parser on arbitrary bytes. It must return cleanly
 * whatever the input, say why when it refuses one, and what it accepts must be a plan
 * that plan_validate accepts once the import step has filled in the city: dates valid,
 * numbers within bounds, texts within the limits, lists no longer than a plan allows.
 * The seed corpus is tests/fuzz/corpus/ucap_page (copies of tests/fixtures/ucap). */
#include "core/plan.h"
#include "import/ucap_page.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const partnerships[] = {
	"Circular economy", "Culture/Cultural heritage", "Energy transition", "Greening cities", "Housing",
	"Jobs and skills in the local economy", "Urban mobility", "Water sensitive city", NULL,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ucap_page_options opt = {.urban_agenda = partnerships};
	struct ucap_page up;
	if (ucap_page_parse((const char *)data, size, &opt, &up) == 0) {
		struct errors errs;
		json_t *c = json_deep_copy(up.content), *clean = NULL;
		errors_init(&errs);
		json_object_set_new(c, "city", json_string("x"));
		if (json_array_size(up.errors) || plan_validate(c, &clean, &errs))
			abort();
		json_decref(c);
		json_decref(clean);
	} else if (json_array_size(up.errors) == 0) {
		abort();
	}
	ucap_page_free(&up);
	return 0;
}

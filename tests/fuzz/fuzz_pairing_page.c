/* fuzz_pairing_page.c: the pairing-page parser on arbitrary bytes. It must return cleanly
 * whatever the input, and a page it accepts must keep its contract: both cities named,
 * a population that is a whole number, an area that is a finite number, history notes
 * with valid partial dates, and nothing refused as an error left in a record. The seed
 * corpus is tests/fuzz/corpus/pairing_page (copies of tests/fixtures/pairing). */
#include "core/record.h"
#include "import/pairing_page.h"
#include "util/date.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const topics[] = {
	"Circular economy", "Digital transition", "Education, jobs and skills in the local economy",
	"Energy transition", "Housing", "Smart cities and regional/urban innovation and competitiveness",
	"Tourism", "Urban mobility", "Urban poverty", "Water, waste management and sanitation", NULL,
};

static void check_city(json_t *city)
{
	json_t *pop = json_object_get(city, "population"), *area = json_object_get(city, "area_km2");
	if (!json_is_string(json_object_get(city, "name")))
		abort();
	if (pop && (!json_is_integer(pop) || json_integer_value(pop) < 0))
		abort();
	if (area && (!json_is_real(area) || !isfinite(json_real_value(area)) || json_real_value(area) < 0))
		abort();
	/* the apply step validates what the parser gives: it must not crash on it either */
	json_t *rec = NULL;
	struct errors errs;
	errors_init(&errs);
	record_validate(&entity_city, city, &rec, &errs);
	json_decref(rec);
}

static void check_history(json_t *history)
{
	for (size_t i = 0; i < json_array_size(history); i++) {
		struct pdate d;
		const char *date = json_string_value(json_object_get(json_array_get(history, i), "date"));
		if (!date || pdate_parse_iso(date, &d))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* half of the inputs get the partner's name from a "flag", as seed 000 needs */
	struct pairing_page_options opt = {.topics = topics,
					   .partner_name = size && (data[0] & 1) ? "Partner" : NULL};
	struct pairing_page pp;
	int rc = pairing_page_parse((const char *)data, size, &opt, &pp);
	if (rc == 0) {
		if (json_array_size(pp.errors))
			abort();
		check_city(pp.city[PAGE_EU]);
		check_city(pp.city[PAGE_PARTNER]);
		check_history(json_object_get(pp.pairing, "history"));
	} else if (json_array_size(pp.errors) == 0) {
		abort();
	}
	pairing_page_free(&pp);
	return 0;
}

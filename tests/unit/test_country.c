/* test_country.c: unit tests for the ISO 3166-1 country table in src/core/country.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/country.h"

/* Asserts that name resolves to the given code. */
static void expect_name(const char *name, const char *code)
{
    const struct country *c = country_by_name(name);
    if (c == NULL)
        fail_msg("\"%s\" did not resolve (expected %s)", name, code);
    if (strcmp(c->code, code) != 0)
        fail_msg("\"%s\" resolved to %s, expected %s", name, c->code, code);
}

/* A small independent fold for the order check: ASCII case and Latin-1 letters in UTF-8. */
static size_t test_fold(const char *s, char *out, size_t cap)
{
    static const char *const fold = "aaaaaaaceeeeiiiidnooooo_ouuuuyts";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n + 1 < cap; p++) {
        if (p[0] == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) {
            out[n++] = fold[(p[1] - 0x80) % 32];
            if ((p[1] & 0x1F) == 0x06 && n + 1 < cap)   /* Æ/æ fold to "ae" */
                out[n++] = 'e';
            p++;
        } else {
            out[n++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : (char)*p;
        }
    }
    out[n] = '\0';
    return n;
}

static void test_by_code(void **state)
{
    (void)state;
    const struct country *fr = country_by_code("FR");
    assert_non_null(fr);
    assert_string_equal(fr->code, "FR");
    assert_string_equal(fr->name, "France");
    assert_string_equal(country_by_code("CN")->name, "China");
    assert_string_equal(country_by_code("GB")->name, "United Kingdom");
    assert_string_equal(country_by_code("XK")->name, "Kosovo");
    assert_string_equal(country_by_code("AX")->name, "\xC3\x85land Islands");
    assert_string_equal(country_by_code("AD")->code, "AD");   /* first by code */
    assert_string_equal(country_by_code("ZW")->code, "ZW");   /* last by code */
}

static void test_by_code_rejects(void **state)
{
    (void)state;
    assert_null(country_by_code(NULL));
    assert_null(country_by_code(""));
    assert_null(country_by_code("F"));
    assert_null(country_by_code("fr"));
    assert_null(country_by_code("Fr"));
    assert_null(country_by_code("FRA"));
    assert_null(country_by_code("FR "));
    assert_null(country_by_code("ZZ"));
    assert_null(country_by_code("AA"));
    assert_null(country_by_code("UK"));   /* not an ISO code: GB is */
}

static void test_by_name(void **state)
{
    (void)state;
    expect_name("France", "FR");
    expect_name("China", "CN");
    expect_name("Germany", "DE");
    expect_name("Spain", "ES");
    expect_name("Italy", "IT");
    expect_name("Afghanistan", "AF");   /* first by name */
    expect_name("Zimbabwe", "ZW");      /* last by name */
    expect_name("Guinea", "GN");
    expect_name("Guinea-Bissau", "GW");
    expect_name("Equatorial Guinea", "GQ");
    expect_name("Niger", "NE");
    expect_name("Nigeria", "NG");
    expect_name("Dominica", "DM");
    expect_name("Dominican Republic", "DO");
    expect_name("C\xC3\xB4te d'Ivoire", "CI");
    expect_name("S\xC3\xA3o Tom\xC3\xA9 and Pr\xC3\xADncipe", "ST");
    expect_name("Cura\xC3\xA7" "ao", "CW");
    expect_name("R\xC3\xA9union", "RE");
}

static void test_aliases(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"United States of America", "US"}, {"USA", "US"}, {"U.S.", "US"},
        {"UK", "GB"}, {"Great Britain", "GB"}, {"England", "GB"}, {"Scotland", "GB"},
        {"Wales", "GB"}, {"Northern Ireland", "GB"},
        {"South Korea", "KR"}, {"Republic of Korea", "KR"}, {"Korea, Republic of", "KR"},
        {"North Korea", "KP"}, {"DPRK", "KP"},
        {"Russia", "RU"}, {"Russian Federation", "RU"},
        {"Czech Republic", "CZ"}, {"Czechia", "CZ"},
        {"Vietnam", "VN"}, {"Viet Nam", "VN"},
        {"Iran", "IR"}, {"Iran, Islamic Republic of", "IR"}, {"Syria", "SY"},
        {"Laos", "LA"}, {"Lao People's Democratic Republic", "LA"},
        {"Moldova", "MD"}, {"Republic of Moldova", "MD"}, {"Moldavia", "MD"},
        {"Bolivia", "BO"}, {"Venezuela", "VE"}, {"Tanzania", "TZ"}, {"Taiwan", "TW"},
        {"Macedonia", "MK"}, {"North Macedonia", "MK"},
        {"Ivory Coast", "CI"}, {"Cape Verde", "CV"}, {"Cabo Verde", "CV"},
        {"Palestine", "PS"}, {"State of Palestine", "PS"}, {"West Bank", "PS"},
        {"Kosovo", "XK"},
        {"Turkey", "TR"}, {"T\xC3\xBCrkiye", "TR"},
        {"Holland", "NL"}, {"Netherlands", "NL"}, {"The Netherlands", "NL"},
        {"People's Republic of China", "CN"},
        {"Hong Kong", "HK"}, {"Macau", "MO"}, {"Macao", "MO"},
        {"Brunei", "BN"}, {"Brunei Darussalam", "BN"},
        {"Burma", "MM"}, {"Myanmar", "MM"},
        {"Swaziland", "SZ"}, {"Eswatini", "SZ"},
        {"East Timor", "TL"}, {"Timor-Leste", "TL"},
        {"Vatican City", "VA"}, {"Holy See", "VA"},
        {"Bosnia", "BA"}, {"Bosnia and Hercegovina", "BA"},
        {"Congo", "CG"}, {"Republic of the Congo", "CG"},
        {"Democratic Republic of the Congo", "CD"}, {"DR Congo", "CD"}, {"DRC", "CD"},
        {"Georgia (country)", "GE"}, {"Republic of Ireland", "IE"},
        {"Micronesia", "FM"}, {"Federated States of Micronesia", "FM"},
        {"Surinam", "SR"}, {"The Gambia", "GM"}, {"UAE", "AE"},
        {"Federal Republic of Germany", "DE"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_name(cases[i][0], cases[i][1]);
}

static void test_case_accents_space(void **state)
{
    (void)state;
    expect_name("FRANCE", "FR");
    expect_name("france", "FR");
    expect_name("fRaNcE", "FR");
    expect_name("usa", "US");
    expect_name("Cote d'Ivoire", "CI");               /* accent dropped */
    expect_name("C\xC3\x94TE D'IVOIRE", "CI");        /* upper-case accented letter */
    expect_name("Co\xCC\x82te d'Ivoire", "CI");       /* o + combining circumflex */
    expect_name("C\xC3\xB4te d\xE2\x80\x99Ivoire", "CI"); /* typographic apostrophe */
    expect_name("Turkiye", "TR");
    expect_name("TURKIYE", "TR");
    expect_name("Sao Tome and Principe", "ST");
    expect_name("Aland Islands", "AX");
    expect_name("\xC3\xA5land islands", "AX");
    expect_name("Reunion", "RE");
    expect_name("Curacao", "CW");
    expect_name("Saint Barthelemy", "BL");
    expect_name("Eire", "IE");
    expect_name("  France  ", "FR");
    expect_name("\tChina\n", "CN");
    expect_name("\xC2\xA0Spain\xC2\xA0", "ES");       /* no-break spaces */
}

static void test_unknown(void **state)
{
    (void)state;
    assert_null(country_by_name(NULL));
    assert_null(country_by_name(""));
    assert_null(country_by_name("   "));
    assert_null(country_by_name("Atlantis"));
    assert_null(country_by_name("Fran"));
    assert_null(country_by_name("Francee"));
    assert_null(country_by_name("FR"));          /* codes are not names */
    assert_null(country_by_name("Fra nce"));
    assert_null(country_by_name("Northern Cyprus"));
    assert_null(country_by_name("Korea"));       /* ambiguous on purpose */
    assert_null(country_by_name("Europe"));
    assert_null(country_by_name("France\xC3"));  /* truncated UTF-8 */
    assert_null(country_by_name("\xFF\xFE"));
}

static void test_regions(void **state)
{
    (void)state;
    assert_string_equal(country_by_code("FR")->world_region, "Europe");
    assert_string_equal(country_by_code("CN")->world_region, "Asia");
    assert_string_equal(country_by_code("BR")->world_region, "Latin America and the Caribbean");
    assert_string_equal(country_by_code("US")->world_region, "North America");
    assert_string_equal(country_by_code("AU")->world_region, "Oceania");
    assert_string_equal(country_by_code("KE")->world_region, "Africa");
    assert_string_equal(country_by_code("MX")->world_region, "Latin America and the Caribbean");
    assert_string_equal(country_by_code("CA")->world_region, "North America");
    assert_string_equal(country_by_code("CY")->world_region, "Europe");
    assert_string_equal(country_by_code("XK")->world_region, "Europe");
}

static void test_world_regions_list(void **state)
{
    (void)state;
    static const char *const want[] = {
        "Europe", "Asia", "Africa", "North America", "Latin America and the Caribbean", "Oceania",
    };
    size_t n = 0;
    while (world_regions[n] != NULL)
        n++;
    assert_int_equal(n, 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(world_regions[i], want[i]);
}

static void test_walk_table(void **state)
{
    (void)state;
    size_t n = 0;
    char prev[128] = "", cur[128];
    int region_count[6] = {0};

    for (const struct country *c; (c = country_at(n)) != NULL; n++) {
        /* Code: two upper-case letters, and the code index finds this very entry. */
        assert_int_equal(strlen(c->code), 2);
        assert_true(c->code[0] >= 'A' && c->code[0] <= 'Z');
        assert_true(c->code[1] >= 'A' && c->code[1] <= 'Z');
        assert_ptr_equal(country_by_code(c->code), c);

        /* Name: resolves to itself, and the table is in strictly increasing folded order. */
        assert_ptr_equal(country_by_name(c->name), c);
        test_fold(c->name, cur, sizeof cur);
        if (n > 0 && strcmp(prev, cur) >= 0)
            fail_msg("out of name order: \"%s\" after \"%s\"", cur, prev);
        memcpy(prev, cur, sizeof prev);

        /* Region: one of the six. */
        size_t r = 0;
        while (world_regions[r] != NULL && strcmp(world_regions[r], c->world_region) != 0)
            r++;
        if (world_regions[r] == NULL)
            fail_msg("%s has unknown region \"%s\"", c->code, c->world_region);
        region_count[r]++;
    }
    assert_int_equal(n, 250);   /* 249 ISO 3166-1 entries plus XK */
    assert_null(country_at(n));
    assert_null(country_at((size_t)-1));
    for (size_t r = 0; r < 6; r++)
        assert_true(region_count[r] > 0);
}

static void test_codes_unique(void **state)
{
    (void)state;
    static unsigned char seen[26][26];
    memset(seen, 0, sizeof seen);
    for (size_t i = 0; country_at(i) != NULL; i++) {
        const char *code = country_at(i)->code;
        unsigned char *slot = &seen[code[0] - 'A'][code[1] - 'A'];
        if (*slot)
            fail_msg("duplicate code %s", code);
        *slot = 1;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_code),
        cmocka_unit_test(test_by_code_rejects),
        cmocka_unit_test(test_by_name),
        cmocka_unit_test(test_aliases),
        cmocka_unit_test(test_case_accents_space),
        cmocka_unit_test(test_unknown),
        cmocka_unit_test(test_regions),
        cmocka_unit_test(test_world_regions_list),
        cmocka_unit_test(test_walk_table),
        cmocka_unit_test(test_codes_unique),
    };
    return cmocka_run_group_tests_name("country", tests, NULL, NULL);
}

/*
 * country.c: the compiled-in ISO 3166-1 alpha-2 table (249 ISO entries plus Kosovo, XK),
 * with English names, aliases in common use and a world region for each entry.
 *
 * Regions follow the UN M49 scheme, with the Americas split into "North America"
 * (Northern America: US, CA, BM, GL, PM) and "Latin America and the Caribbean".
 * Two deliberate departures: Cyprus counts as Europe (an EU member state) and
 * Antarctica, which M49 leaves unassigned, is filed under Oceania.
 *
 * Lookups compare names after folding: ASCII case, Latin-1 accents (é -> e, ß -> ss),
 * combining accents (U+0300..U+036F, dropped) and curly apostrophes (’ -> ').
 * All tables are const; nothing here allocates or keeps state, so every call is thread-safe.
 */
#include "country.h"

#include <string.h>

#define R_EU "Europe"
#define R_AS "Asia"
#define R_AF "Africa"
#define R_NA "North America"
#define R_LA "Latin America and the Caribbean"
#define R_OC "Oceania"

const char *const world_regions[] = { R_EU, R_AS, R_AF, R_NA, R_LA, R_OC, NULL };

struct alias { const char *name; const char *code; };

/* Sorted by folded name (see fold_next): country_at and the binary search rely on it. */
static const struct country countries[] = {
    {"AF", "Afghanistan", R_AS},
    {"AX", "Åland Islands", R_EU},
    {"AL", "Albania", R_EU},
    {"DZ", "Algeria", R_AF},
    {"AS", "American Samoa", R_OC},
    {"AD", "Andorra", R_EU},
    {"AO", "Angola", R_AF},
    {"AI", "Anguilla", R_LA},
    {"AQ", "Antarctica", R_OC},
    {"AG", "Antigua and Barbuda", R_LA},
    {"AR", "Argentina", R_LA},
    {"AM", "Armenia", R_AS},
    {"AW", "Aruba", R_LA},
    {"AU", "Australia", R_OC},
    {"AT", "Austria", R_EU},
    {"AZ", "Azerbaijan", R_AS},
    {"BS", "Bahamas", R_LA},
    {"BH", "Bahrain", R_AS},
    {"BD", "Bangladesh", R_AS},
    {"BB", "Barbados", R_LA},
    {"BY", "Belarus", R_EU},
    {"BE", "Belgium", R_EU},
    {"BZ", "Belize", R_LA},
    {"BJ", "Benin", R_AF},
    {"BM", "Bermuda", R_NA},
    {"BT", "Bhutan", R_AS},
    {"BO", "Bolivia", R_LA},
    {"BA", "Bosnia and Herzegovina", R_EU},
    {"BW", "Botswana", R_AF},
    {"BV", "Bouvet Island", R_LA},
    {"BR", "Brazil", R_LA},
    {"IO", "British Indian Ocean Territory", R_AF},
    {"VG", "British Virgin Islands", R_LA},
    {"BN", "Brunei", R_AS},
    {"BG", "Bulgaria", R_EU},
    {"BF", "Burkina Faso", R_AF},
    {"BI", "Burundi", R_AF},
    {"CV", "Cabo Verde", R_AF},
    {"KH", "Cambodia", R_AS},
    {"CM", "Cameroon", R_AF},
    {"CA", "Canada", R_NA},
    {"BQ", "Caribbean Netherlands", R_LA},
    {"KY", "Cayman Islands", R_LA},
    {"CF", "Central African Republic", R_AF},
    {"TD", "Chad", R_AF},
    {"CL", "Chile", R_LA},
    {"CN", "China", R_AS},
    {"CX", "Christmas Island", R_OC},
    {"CC", "Cocos (Keeling) Islands", R_OC},
    {"CO", "Colombia", R_LA},
    {"KM", "Comoros", R_AF},
    {"CG", "Congo", R_AF},
    {"CK", "Cook Islands", R_OC},
    {"CR", "Costa Rica", R_LA},
    {"CI", "Côte d'Ivoire", R_AF},
    {"HR", "Croatia", R_EU},
    {"CU", "Cuba", R_LA},
    {"CW", "Curaçao", R_LA},
    {"CY", "Cyprus", R_EU},
    {"CZ", "Czechia", R_EU},
    {"CD", "Democratic Republic of the Congo", R_AF},
    {"DK", "Denmark", R_EU},
    {"DJ", "Djibouti", R_AF},
    {"DM", "Dominica", R_LA},
    {"DO", "Dominican Republic", R_LA},
    {"EC", "Ecuador", R_LA},
    {"EG", "Egypt", R_AF},
    {"SV", "El Salvador", R_LA},
    {"GQ", "Equatorial Guinea", R_AF},
    {"ER", "Eritrea", R_AF},
    {"EE", "Estonia", R_EU},
    {"SZ", "Eswatini", R_AF},
    {"ET", "Ethiopia", R_AF},
    {"FK", "Falkland Islands", R_LA},
    {"FO", "Faroe Islands", R_EU},
    {"FJ", "Fiji", R_OC},
    {"FI", "Finland", R_EU},
    {"FR", "France", R_EU},
    {"GF", "French Guiana", R_LA},
    {"PF", "French Polynesia", R_OC},
    {"TF", "French Southern Territories", R_AF},
    {"GA", "Gabon", R_AF},
    {"GM", "Gambia", R_AF},
    {"GE", "Georgia", R_AS},
    {"DE", "Germany", R_EU},
    {"GH", "Ghana", R_AF},
    {"GI", "Gibraltar", R_EU},
    {"GR", "Greece", R_EU},
    {"GL", "Greenland", R_NA},
    {"GD", "Grenada", R_LA},
    {"GP", "Guadeloupe", R_LA},
    {"GU", "Guam", R_OC},
    {"GT", "Guatemala", R_LA},
    {"GG", "Guernsey", R_EU},
    {"GN", "Guinea", R_AF},
    {"GW", "Guinea-Bissau", R_AF},
    {"GY", "Guyana", R_LA},
    {"HT", "Haiti", R_LA},
    {"HM", "Heard Island and McDonald Islands", R_OC},
    {"HN", "Honduras", R_LA},
    {"HK", "Hong Kong", R_AS},
    {"HU", "Hungary", R_EU},
    {"IS", "Iceland", R_EU},
    {"IN", "India", R_AS},
    {"ID", "Indonesia", R_AS},
    {"IR", "Iran", R_AS},
    {"IQ", "Iraq", R_AS},
    {"IE", "Ireland", R_EU},
    {"IM", "Isle of Man", R_EU},
    {"IL", "Israel", R_AS},
    {"IT", "Italy", R_EU},
    {"JM", "Jamaica", R_LA},
    {"JP", "Japan", R_AS},
    {"JE", "Jersey", R_EU},
    {"JO", "Jordan", R_AS},
    {"KZ", "Kazakhstan", R_AS},
    {"KE", "Kenya", R_AF},
    {"KI", "Kiribati", R_OC},
    {"XK", "Kosovo", R_EU},
    {"KW", "Kuwait", R_AS},
    {"KG", "Kyrgyzstan", R_AS},
    {"LA", "Laos", R_AS},
    {"LV", "Latvia", R_EU},
    {"LB", "Lebanon", R_AS},
    {"LS", "Lesotho", R_AF},
    {"LR", "Liberia", R_AF},
    {"LY", "Libya", R_AF},
    {"LI", "Liechtenstein", R_EU},
    {"LT", "Lithuania", R_EU},
    {"LU", "Luxembourg", R_EU},
    {"MO", "Macao", R_AS},
    {"MG", "Madagascar", R_AF},
    {"MW", "Malawi", R_AF},
    {"MY", "Malaysia", R_AS},
    {"MV", "Maldives", R_AS},
    {"ML", "Mali", R_AF},
    {"MT", "Malta", R_EU},
    {"MH", "Marshall Islands", R_OC},
    {"MQ", "Martinique", R_LA},
    {"MR", "Mauritania", R_AF},
    {"MU", "Mauritius", R_AF},
    {"YT", "Mayotte", R_AF},
    {"MX", "Mexico", R_LA},
    {"FM", "Micronesia", R_OC},
    {"MD", "Moldova", R_EU},
    {"MC", "Monaco", R_EU},
    {"MN", "Mongolia", R_AS},
    {"ME", "Montenegro", R_EU},
    {"MS", "Montserrat", R_LA},
    {"MA", "Morocco", R_AF},
    {"MZ", "Mozambique", R_AF},
    {"MM", "Myanmar", R_AS},
    {"NA", "Namibia", R_AF},
    {"NR", "Nauru", R_OC},
    {"NP", "Nepal", R_AS},
    {"NL", "Netherlands", R_EU},
    {"NC", "New Caledonia", R_OC},
    {"NZ", "New Zealand", R_OC},
    {"NI", "Nicaragua", R_LA},
    {"NE", "Niger", R_AF},
    {"NG", "Nigeria", R_AF},
    {"NU", "Niue", R_OC},
    {"NF", "Norfolk Island", R_OC},
    {"KP", "North Korea", R_AS},
    {"MK", "North Macedonia", R_EU},
    {"MP", "Northern Mariana Islands", R_OC},
    {"NO", "Norway", R_EU},
    {"OM", "Oman", R_AS},
    {"PK", "Pakistan", R_AS},
    {"PW", "Palau", R_OC},
    {"PS", "Palestine", R_AS},
    {"PA", "Panama", R_LA},
    {"PG", "Papua New Guinea", R_OC},
    {"PY", "Paraguay", R_LA},
    {"PE", "Peru", R_LA},
    {"PH", "Philippines", R_AS},
    {"PN", "Pitcairn", R_OC},
    {"PL", "Poland", R_EU},
    {"PT", "Portugal", R_EU},
    {"PR", "Puerto Rico", R_LA},
    {"QA", "Qatar", R_AS},
    {"RE", "Réunion", R_AF},
    {"RO", "Romania", R_EU},
    {"RU", "Russia", R_EU},
    {"RW", "Rwanda", R_AF},
    {"BL", "Saint Barthélemy", R_LA},
    {"SH", "Saint Helena, Ascension and Tristan da Cunha", R_AF},
    {"KN", "Saint Kitts and Nevis", R_LA},
    {"LC", "Saint Lucia", R_LA},
    {"MF", "Saint Martin", R_LA},
    {"PM", "Saint Pierre and Miquelon", R_NA},
    {"VC", "Saint Vincent and the Grenadines", R_LA},
    {"WS", "Samoa", R_OC},
    {"SM", "San Marino", R_EU},
    {"ST", "São Tomé and Príncipe", R_AF},
    {"SA", "Saudi Arabia", R_AS},
    {"SN", "Senegal", R_AF},
    {"RS", "Serbia", R_EU},
    {"SC", "Seychelles", R_AF},
    {"SL", "Sierra Leone", R_AF},
    {"SG", "Singapore", R_AS},
    {"SX", "Sint Maarten", R_LA},
    {"SK", "Slovakia", R_EU},
    {"SI", "Slovenia", R_EU},
    {"SB", "Solomon Islands", R_OC},
    {"SO", "Somalia", R_AF},
    {"ZA", "South Africa", R_AF},
    {"GS", "South Georgia and the South Sandwich Islands", R_LA},
    {"KR", "South Korea", R_AS},
    {"SS", "South Sudan", R_AF},
    {"ES", "Spain", R_EU},
    {"LK", "Sri Lanka", R_AS},
    {"SD", "Sudan", R_AF},
    {"SR", "Suriname", R_LA},
    {"SJ", "Svalbard and Jan Mayen", R_EU},
    {"SE", "Sweden", R_EU},
    {"CH", "Switzerland", R_EU},
    {"SY", "Syria", R_AS},
    {"TW", "Taiwan", R_AS},
    {"TJ", "Tajikistan", R_AS},
    {"TZ", "Tanzania", R_AF},
    {"TH", "Thailand", R_AS},
    {"TL", "Timor-Leste", R_AS},
    {"TG", "Togo", R_AF},
    {"TK", "Tokelau", R_OC},
    {"TO", "Tonga", R_OC},
    {"TT", "Trinidad and Tobago", R_LA},
    {"TN", "Tunisia", R_AF},
    {"TR", "Türkiye", R_AS},
    {"TM", "Turkmenistan", R_AS},
    {"TC", "Turks and Caicos Islands", R_LA},
    {"TV", "Tuvalu", R_OC},
    {"UG", "Uganda", R_AF},
    {"UA", "Ukraine", R_EU},
    {"AE", "United Arab Emirates", R_AS},
    {"GB", "United Kingdom", R_EU},
    {"US", "United States", R_NA},
    {"UM", "United States Minor Outlying Islands", R_OC},
    {"VI", "United States Virgin Islands", R_LA},
    {"UY", "Uruguay", R_LA},
    {"UZ", "Uzbekistan", R_AS},
    {"VU", "Vanuatu", R_OC},
    {"VA", "Vatican City", R_EU},
    {"VE", "Venezuela", R_LA},
    {"VN", "Vietnam", R_AS},
    {"WF", "Wallis and Futuna", R_OC},
    {"EH", "Western Sahara", R_AF},
    {"YE", "Yemen", R_AS},
    {"ZM", "Zambia", R_AF},
    {"ZW", "Zimbabwe", R_AF},
};

/* Positions in countries[] listed in code order, for binary search by code. Rebuild it after
 * any edit of countries[]; test_country checks that every code finds its own entry. */
static const unsigned char by_code[] = {
    5, 234, 0, 9, 7, 2, 11, 6, 8, 10, 4, 14, 13, 12, 1, 15, 27, 19, 18, 21, 35, 34, 17, 36, 23,
    185, 24, 33, 26, 41, 30, 16, 25, 29, 28, 20, 22, 40, 48, 60, 43, 51, 216, 54, 52, 45, 39,
    46, 49, 53, 56, 37, 57, 47, 58, 59, 84, 62, 61, 63, 64, 3, 65, 70, 66, 246, 69, 210, 72, 76,
    75, 73, 143, 74, 77, 81, 235, 89, 83, 78, 93, 85, 86, 88, 82, 94, 90, 68, 87, 207, 92, 91,
    95, 96, 100, 98, 99, 55, 97, 101, 104, 107, 109, 108, 103, 31, 106, 105, 102, 110, 113, 111,
    114, 112, 116, 120, 38, 117, 50, 187, 163, 208, 119, 42, 115, 121, 123, 188, 127, 211, 125,
    124, 128, 129, 122, 126, 149, 145, 144, 147, 189, 131, 137, 164, 135, 151, 146, 130, 165,
    138, 139, 148, 136, 140, 134, 132, 142, 133, 150, 152, 156, 159, 162, 160, 158, 155, 166,
    154, 153, 161, 157, 167, 171, 174, 79, 172, 175, 168, 177, 190, 176, 179, 170, 178, 169,
    173, 180, 181, 182, 197, 183, 184, 195, 204, 198, 212, 215, 200, 186, 203, 214, 202, 199,
    193, 196, 205, 213, 209, 194, 67, 201, 217, 71, 230, 44, 80, 223, 221, 219, 224, 222, 229,
    227, 225, 228, 226, 231, 218, 220, 233, 232, 237, 236, 239, 240, 242, 191, 243, 32, 238,
    244, 241, 245, 192, 118, 247, 141, 206, 248, 249,
};

/* Other English names in use: ISO long forms, official names, usual short and historical forms.
 * Each must fold to something distinct from every name in countries[]. */
static const struct alias aliases[] = {
    {"Aland", "AX"},
    {"Arab Republic of Egypt", "EG"},
    {"Argentine Republic", "AR"},
    {"Belorussia", "BY"},
    {"Bolivarian Republic of Venezuela", "VE"},
    {"Bolivia, Plurinational State of", "BO"},
    {"Bonaire", "BQ"},
    {"Bonaire, Sint Eustatius and Saba", "BQ"},
    {"Bosnia", "BA"},
    {"Bosnia & Herzegovina", "BA"},
    {"Bosnia and Hercegovina", "BA"},
    {"Bosnia-Herzegovina", "BA"},
    {"Britain", "GB"},
    {"Brunei Darussalam", "BN"},
    {"Burma", "MM"},
    {"Byelorussia", "BY"},
    {"Cape Verde", "CV"},
    {"Cocos Islands", "CC"},
    {"Commonwealth of Dominica", "DM"},
    {"Commonwealth of the Bahamas", "BS"},
    {"Commonwealth of the Northern Mariana Islands", "MP"},
    {"Congo (Brazzaville)", "CG"},
    {"Congo (Kinshasa)", "CD"},
    {"Congo, Democratic Republic of the", "CD"},
    {"Congo, Republic of the", "CG"},
    {"Congo, The Democratic Republic of the", "CD"},
    {"Congo-Brazzaville", "CG"},
    {"Congo-Kinshasa", "CD"},
    {"Czech Republic", "CZ"},
    {"Democratic People's Republic of Korea", "KP"},
    {"Democratic Republic of Sao Tome and Principe", "ST"},
    {"Democratic Republic of Timor-Leste", "TL"},
    {"Democratic Socialist Republic of Sri Lanka", "LK"},
    {"DPRK", "KP"},
    {"DR Congo", "CD"},
    {"DRC", "CD"},
    {"East Timor", "TL"},
    {"Eastern Republic of Uruguay", "UY"},
    {"Éire", "IE"},
    {"England", "GB"},
    {"Faeroe Islands", "FO"},
    {"Falkland Islands (Malvinas)", "FK"},
    {"Federal Democratic Republic of Ethiopia", "ET"},
    {"Federal Democratic Republic of Nepal", "NP"},
    {"Federal Republic of Germany", "DE"},
    {"Federal Republic of Nigeria", "NG"},
    {"Federal Republic of Somalia", "SO"},
    {"Federated States of Micronesia", "FM"},
    {"Federative Republic of Brazil", "BR"},
    {"Former Yugoslav Republic of Macedonia", "MK"},
    {"French Republic", "FR"},
    {"FYROM", "MK"},
    {"Gabonese Republic", "GA"},
    {"Gaza Strip", "PS"},
    {"Georgia (country)", "GE"},
    {"Grand Duchy of Luxembourg", "LU"},
    {"Great Britain", "GB"},
    {"Hashemite Kingdom of Jordan", "JO"},
    {"Heard and McDonald Islands", "HM"},
    {"Hellenic Republic", "GR"},
    {"Holland", "NL"},
    {"Holy See", "VA"},
    {"Holy See (Vatican City State)", "VA"},
    {"Hong Kong SAR", "HK"},
    {"Hong Kong Special Administrative Region of China", "HK"},
    {"Hong Kong, China", "HK"},
    {"Independent State of Papua New Guinea", "PG"},
    {"Independent State of Samoa", "WS"},
    {"Iran, Islamic Republic of", "IR"},
    {"Islamic Republic of Afghanistan", "AF"},
    {"Islamic Republic of Iran", "IR"},
    {"Islamic Republic of Mauritania", "MR"},
    {"Islamic Republic of Pakistan", "PK"},
    {"Italian Republic", "IT"},
    {"Ivory Coast", "CI"},
    {"Keeling Islands", "CC"},
    {"Kingdom of Bahrain", "BH"},
    {"Kingdom of Belgium", "BE"},
    {"Kingdom of Bhutan", "BT"},
    {"Kingdom of Cambodia", "KH"},
    {"Kingdom of Denmark", "DK"},
    {"Kingdom of Eswatini", "SZ"},
    {"Kingdom of Lesotho", "LS"},
    {"Kingdom of Morocco", "MA"},
    {"Kingdom of Norway", "NO"},
    {"Kingdom of Saudi Arabia", "SA"},
    {"Kingdom of Spain", "ES"},
    {"Kingdom of Sweden", "SE"},
    {"Kingdom of Thailand", "TH"},
    {"Kingdom of the Netherlands", "NL"},
    {"Kingdom of Tonga", "TO"},
    {"Kirghizia", "KG"},
    {"Korea (North)", "KP"},
    {"Korea (South)", "KR"},
    {"Korea, Democratic People's Republic of", "KP"},
    {"Korea, North", "KP"},
    {"Korea, Republic of", "KR"},
    {"Korea, South", "KR"},
    {"Kosova", "XK"},
    {"Kyrgyz Republic", "KG"},
    {"Lao PDR", "LA"},
    {"Lao People's Democratic Republic", "LA"},
    {"Lebanese Republic", "LB"},
    {"Macao SAR", "MO"},
    {"Macao Special Administrative Region of China", "MO"},
    {"Macao, China", "MO"},
    {"Macau", "MO"},
    {"Macau SAR", "MO"},
    {"Macedonia", "MK"},
    {"Mainland China", "CN"},
    {"Micronesia, Federated States of", "FM"},
    {"Moldavia", "MD"},
    {"Moldova, Republic of", "MD"},
    {"Northern Ireland", "GB"},
    {"Palestine, State of", "PS"},
    {"Palestinian Territories", "PS"},
    {"Palestinian Territory", "PS"},
    {"People's Democratic Republic of Algeria", "DZ"},
    {"People's Republic of Bangladesh", "BD"},
    {"People's Republic of China", "CN"},
    {"Pitcairn Islands", "PN"},
    {"Plurinational State of Bolivia", "BO"},
    {"Portuguese Republic", "PT"},
    {"PRC", "CN"},
    {"Principality of Andorra", "AD"},
    {"Principality of Liechtenstein", "LI"},
    {"Principality of Monaco", "MC"},
    {"Republic of Albania", "AL"},
    {"Republic of Angola", "AO"},
    {"Republic of Armenia", "AM"},
    {"Republic of Austria", "AT"},
    {"Republic of Azerbaijan", "AZ"},
    {"Republic of Belarus", "BY"},
    {"Republic of Benin", "BJ"},
    {"Republic of Bosnia and Herzegovina", "BA"},
    {"Republic of Botswana", "BW"},
    {"Republic of Bulgaria", "BG"},
    {"Republic of Burundi", "BI"},
    {"Republic of Cabo Verde", "CV"},
    {"Republic of Cameroon", "CM"},
    {"Republic of Chad", "TD"},
    {"Republic of Chile", "CL"},
    {"Republic of Colombia", "CO"},
    {"Republic of Costa Rica", "CR"},
    {"Republic of Côte d'Ivoire", "CI"},
    {"Republic of Croatia", "HR"},
    {"Republic of Cuba", "CU"},
    {"Republic of Cyprus", "CY"},
    {"Republic of Djibouti", "DJ"},
    {"Republic of Ecuador", "EC"},
    {"Republic of El Salvador", "SV"},
    {"Republic of Equatorial Guinea", "GQ"},
    {"Republic of Estonia", "EE"},
    {"Republic of Fiji", "FJ"},
    {"Republic of Finland", "FI"},
    {"Republic of Ghana", "GH"},
    {"Republic of Guatemala", "GT"},
    {"Republic of Guinea", "GN"},
    {"Republic of Guinea-Bissau", "GW"},
    {"Republic of Guyana", "GY"},
    {"Republic of Haiti", "HT"},
    {"Republic of Honduras", "HN"},
    {"Republic of Iceland", "IS"},
    {"Republic of India", "IN"},
    {"Republic of Indonesia", "ID"},
    {"Republic of Iraq", "IQ"},
    {"Republic of Ireland", "IE"},
    {"Republic of Kazakhstan", "KZ"},
    {"Republic of Kenya", "KE"},
    {"Republic of Kiribati", "KI"},
    {"Republic of Korea", "KR"},
    {"Republic of Kosovo", "XK"},
    {"Republic of Latvia", "LV"},
    {"Republic of Liberia", "LR"},
    {"Republic of Lithuania", "LT"},
    {"Republic of Macedonia", "MK"},
    {"Republic of Madagascar", "MG"},
    {"Republic of Malawi", "MW"},
    {"Republic of Maldives", "MV"},
    {"Republic of Mali", "ML"},
    {"Republic of Malta", "MT"},
    {"Republic of Mauritius", "MU"},
    {"Republic of Moldova", "MD"},
    {"Republic of Mozambique", "MZ"},
    {"Republic of Myanmar", "MM"},
    {"Republic of Namibia", "NA"},
    {"Republic of Nauru", "NR"},
    {"Republic of Nicaragua", "NI"},
    {"Republic of North Macedonia", "MK"},
    {"Republic of Palau", "PW"},
    {"Republic of Panama", "PA"},
    {"Republic of Paraguay", "PY"},
    {"Republic of Peru", "PE"},
    {"Republic of Poland", "PL"},
    {"Republic of San Marino", "SM"},
    {"Republic of Senegal", "SN"},
    {"Republic of Serbia", "RS"},
    {"Republic of Seychelles", "SC"},
    {"Republic of Sierra Leone", "SL"},
    {"Republic of Singapore", "SG"},
    {"Republic of Slovenia", "SI"},
    {"Republic of South Africa", "ZA"},
    {"Republic of South Sudan", "SS"},
    {"Republic of Suriname", "SR"},
    {"Republic of Tajikistan", "TJ"},
    {"Republic of the Congo", "CG"},
    {"Republic of the Gambia", "GM"},
    {"Republic of the Marshall Islands", "MH"},
    {"Republic of the Niger", "NE"},
    {"Republic of the Philippines", "PH"},
    {"Republic of the Sudan", "SD"},
    {"Republic of Trinidad and Tobago", "TT"},
    {"Republic of Tunisia", "TN"},
    {"Republic of Turkey", "TR"},
    {"Republic of Türkiye", "TR"},
    {"Republic of Uganda", "UG"},
    {"Republic of Uzbekistan", "UZ"},
    {"Republic of Vanuatu", "VU"},
    {"Republic of Yemen", "YE"},
    {"Republic of Zambia", "ZM"},
    {"Republic of Zimbabwe", "ZW"},
    {"Russian Federation", "RU"},
    {"Rwandese Republic", "RW"},
    {"Sahrawi Arab Democratic Republic", "EH"},
    {"Saint Barts", "BL"},
    {"Saint Christopher and Nevis", "KN"},
    {"Saint Helena", "SH"},
    {"Saint Martin (French part)", "MF"},
    {"Saint-Barthélemy", "BL"},
    {"Saint-Martin", "MF"},
    {"Scotland", "GB"},
    {"Sint Maarten (Dutch part)", "SX"},
    {"Slovak Republic", "SK"},
    {"Socialist Republic of Viet Nam", "VN"},
    {"South Georgia", "GS"},
    {"St Barts", "BL"},
    {"St Helena", "SH"},
    {"St Kitts and Nevis", "KN"},
    {"St Lucia", "LC"},
    {"St Maarten", "SX"},
    {"St Martin", "MF"},
    {"St Pierre and Miquelon", "PM"},
    {"St Vincent and the Grenadines", "VC"},
    {"St. Kitts and Nevis", "KN"},
    {"St. Lucia", "LC"},
    {"St. Vincent and the Grenadines", "VC"},
    {"State of Eritrea", "ER"},
    {"State of Israel", "IL"},
    {"State of Kuwait", "KW"},
    {"State of Palestine", "PS"},
    {"State of Qatar", "QA"},
    {"Sultanate of Oman", "OM"},
    {"Surinam", "SR"},
    {"Svalbard", "SJ"},
    {"Swaziland", "SZ"},
    {"Swiss Confederation", "CH"},
    {"Syrian Arab Republic", "SY"},
    {"Taiwan, China", "TW"},
    {"Taiwan, Province of China", "TW"},
    {"Tanzania, United Republic of", "TZ"},
    {"The Bahamas", "BS"},
    {"The former Yugoslav Republic of Macedonia", "MK"},
    {"The Gambia", "GM"},
    {"The Netherlands", "NL"},
    {"Togolese Republic", "TG"},
    {"Turkey", "TR"},
    {"Turks and Caicos", "TC"},
    {"U.K.", "GB"},
    {"U.S.", "US"},
    {"U.S. Minor Outlying Islands", "UM"},
    {"U.S. Virgin Islands", "VI"},
    {"U.S.A.", "US"},
    {"UAE", "AE"},
    {"UK", "GB"},
    {"Union of the Comoros", "KM"},
    {"United Kingdom of Great Britain and Northern Ireland", "GB"},
    {"United Mexican States", "MX"},
    {"United Republic of Tanzania", "TZ"},
    {"United States of America", "US"},
    {"US", "US"},
    {"US Minor Outlying Islands", "UM"},
    {"US Virgin Islands", "VI"},
    {"USA", "US"},
    {"Vatican", "VA"},
    {"Vatican City State", "VA"},
    {"Venezuela, Bolivarian Republic of", "VE"},
    {"Viet Nam", "VN"},
    {"Virgin Islands of the United States", "VI"},
    {"Virgin Islands, British", "VG"},
    {"Virgin Islands, U.S.", "VI"},
    {"Wales", "GB"},
    {"Wallis and Futuna Islands", "WF"},
    {"West Bank", "PS"},
    {"Zaire", "CD"},
};

#define N_COUNTRIES (sizeof countries / sizeof countries[0])
#define N_ALIASES (sizeof aliases / sizeof aliases[0])

_Static_assert(sizeof by_code == N_COUNTRIES, "by_code must index every country");

/* Folds of U+00C0..U+00FF (second UTF-8 byte 0x80..0xBF); "" means no fold (× and ÷). */
static const char latin1_fold[64][3] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y",
};

/* A cursor over a byte span that yields folded bytes one at a time. */
struct fold_iter {
    const unsigned char *p, *end;
    int pending;                    /* byte queued by a two-byte fold, or -1 */
};

static int is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* Next folded byte, or -1 at the end. Bytes that do not fold pass through unchanged. */
static int fold_next(struct fold_iter *it)
{
    if (it->pending >= 0) {
        int c = it->pending;
        it->pending = -1;
        return c;
    }
    while (it->p < it->end) {
        unsigned char c = *it->p;
        size_t left = (size_t)(it->end - it->p);
        if (c < 0x80) {
            it->p++;
            return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
        }
        if (c == 0xC3 && left >= 2 && is_cont(it->p[1])) {
            const char *f = latin1_fold[it->p[1] - 0x80];
            if (f[0] == '\0') {         /* × or ÷: keep both bytes */
                it->pending = it->p[1];
                it->p += 2;
                return c;
            }
            it->p += 2;
            if (f[1] != '\0')
                it->pending = (unsigned char)f[1];
            return (unsigned char)f[0];
        }
        /* Combining diacritical marks U+0300..U+036F: skip. */
        if (left >= 2 && ((c == 0xCC && is_cont(it->p[1])) ||
                          (c == 0xCD && it->p[1] >= 0x80 && it->p[1] <= 0xAF))) {
            it->p += 2;
            continue;
        }
        /* U+2018 and U+2019, typographic single quotes: read as an apostrophe. */
        if (c == 0xE2 && left >= 3 && it->p[1] == 0x80 &&
            (it->p[2] == 0x98 || it->p[2] == 0x99)) {
            it->p += 3;
            return '\'';
        }
        it->p++;
        return c;
    }
    return -1;
}

/* Compares the span [s, s+len) with the NUL-terminated name b, both folded; <0, 0 or >0. */
static int fold_cmp(const char *s, size_t len, const char *b)
{
    struct fold_iter x = { (const unsigned char *)s, (const unsigned char *)s + len, -1 };
    struct fold_iter y = { (const unsigned char *)b, (const unsigned char *)b + strlen(b), -1 };
    for (;;) {
        int cx = fold_next(&x), cy = fold_next(&y);
        if (cx != cy)
            return cx < cy ? -1 : 1;
        if (cx < 0)
            return 0;
    }
}

/* Length of a whitespace character (ASCII or U+00A0) at p, 0 if none. */
static size_t space_len(const unsigned char *p, const unsigned char *end)
{
    if (p >= end)
        return 0;
    if (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        return 1;
    if (end - p >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
        return 2;
    return 0;
}

/* Narrows [*s, *s + *len) to drop surrounding whitespace. */
static void trim(const char **s, size_t *len)
{
    const unsigned char *p = (const unsigned char *)*s, *end = p + *len;
    size_t n;
    while ((n = space_len(p, end)) > 0)
        p += n;
    while (end > p) {
        if (end[-1] == ' ' || (end[-1] >= '\t' && end[-1] <= '\r'))
            end--;
        else if (end - p >= 2 && end[-2] == 0xC2 && end[-1] == 0xA0)
            end -= 2;
        else
            break;
    }
    *s = (const char *)p;
    *len = (size_t)(end - p);
}

const struct country *country_by_code(const char *code)
{
    if (code == NULL || !(code[0] >= 'A' && code[0] <= 'Z') ||
        !(code[1] >= 'A' && code[1] <= 'Z') || code[2] != '\0')
        return NULL;
    size_t lo = 0, hi = N_COUNTRIES;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct country *c = &countries[by_code[mid]];
        int d = strcmp(code, c->code);
        if (d == 0)
            return c;
        if (d < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const struct country *country_by_name(const char *name)
{
    if (name == NULL)
        return NULL;
    size_t len = strlen(name);
    trim(&name, &len);
    if (len == 0)
        return NULL;

    size_t lo = 0, hi = N_COUNTRIES;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = fold_cmp(name, len, countries[mid].name);
        if (d == 0)
            return &countries[mid];
        if (d < 0)
            hi = mid;
        else
            lo = mid + 1;
    }

    /* Aliases are few and rarely reached: a linear scan keeps them free to edit. */
    for (size_t i = 0; i < N_ALIASES; i++)
        if (fold_cmp(name, len, aliases[i].name) == 0)
            return country_by_code(aliases[i].code);
    return NULL;
}

const struct country *country_at(size_t i)
{
    return i < N_COUNTRIES ? &countries[i] : NULL;
}

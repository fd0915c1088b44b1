/* ucap_import.h: the apply step of the U-CAP importer (see ucap_page.h for the parser),
 * and its command `c2c import ucap`. */
#ifndef C2C_UCAP_IMPORT_H
#define C2C_UCAP_IMPORT_H
#include <stddef.h>

struct db;
struct buf;

/* Imports the summary `label` (a file name: the report names it, the revision message
 * gives its base name) into db. Parses text, then in one write transaction finds the
 * cities it names by any of their names (creating those that do not exist), sets the
 * plan's city, counterparts and, when one cooperation fits, its cooperation, validates
 * the content and saves it as a new revision of the plan named after the city. Appends to
 * `report` one line saying what became of the plan, then indented lines: the sections
 * filled, the text kept as unplaced, notes, errors. Returns 0 when the plan is stored (or
 * was already so: importing a file twice changes nothing), -1 when the file is refused,
 * and then the database is as it was. The transaction is this function's: db must not be
 * inside one; its actor (db_set_actor) is the revision's author. */
int ucap_import_file(struct db *db, const char *label, const char *text, size_t len, struct buf *report);

/* `c2c import ucap [--db FILE|URI] FILE...`, called by cmd_import with argv[0] "ucap". */
int import_ucap_main(int argc, char **argv);

#endif

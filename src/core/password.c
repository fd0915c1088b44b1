/* password.c: password rules, the common-password list and Argon2id; see password.h.
 *
 * The list is compiled in (data/meson.build embeds data/common-passwords.txt) and read
 * once, on first use, into a sorted array of lower-cased entries, so that a check is a
 * binary search. */
#include "core/password.h"
#include "util/embed.h"
#include "util/str.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct embedded_file data_files[];

static pthread_once_t list_once = PTHREAD_ONCE_INIT;
static char **common;          /* sorted, lower case; built once and never freed */
static size_t ncommon;

static void ready(void)
{
	if (sodium_init() < 0)
		abort();
}

static void lower_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s + 32);
}

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One entry per line; blank lines and lines starting with '#' are skipped. */
static void load_list(void)
{
	const struct embedded_file *f = embed_find(data_files, "common-passwords.txt");
	if (!f)
		return;
	char *text = xstrndup(f->data, f->len), *save = NULL;
	size_t cap = 1024;
	common = xmalloc(cap * sizeof *common);
	for (char *line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		if (!*line || *line == '#')
			continue;
		if (ncommon == cap)
			common = xrealloc(common, (cap *= 2) * sizeof *common);
		lower_ascii(line);
		common[ncommon++] = line;
	}
	qsort(common, ncommon, sizeof *common, compare);
}

int password_is_common(const char *pw)
{
	pthread_once(&list_once, load_list);
	size_t n = strlen(pw);
	if (n > PASSWORD_MAX_BYTES)
		return 0;
	char key[PASSWORD_MAX_BYTES + 1];
	memcpy(key, pw, n + 1);
	lower_ascii(key);
	const char *k = key;
	int found = bsearch(&k, common, ncommon, sizeof *common, compare) != NULL;
	sodium_memzero(key, sizeof key);
	return found;
}

int password_check(const char *pw, char *msg, size_t msgsize)
{
	size_t bytes = strlen(pw);
	if (!utf8_valid(pw, bytes)) {
		snprintf(msg, msgsize, "the password is not valid UTF-8 text");
		return -1;
	}
	size_t chars = utf8_chars(pw);
	if (chars < PASSWORD_MIN_CHARS) {
		snprintf(msg, msgsize, "the password must have at least %d characters (it has %zu)", PASSWORD_MIN_CHARS, chars);
		return -1;
	}
	if (chars > PASSWORD_MAX_CHARS) {
		snprintf(msg, msgsize, "the password must have at most %d characters (it has %zu)", PASSWORD_MAX_CHARS, chars);
		return -1;
	}
	if (utf8_has_control(pw) || strpbrk(pw, "\n\r\t")) {
		snprintf(msg, msgsize, "the password must not contain control characters (tabs, line breaks...)");
		return -1;
	}
	if (password_is_common(pw)) {
		snprintf(msg, msgsize, "the password is one of the most common passwords (it appears in lists of "
			 "leaked passwords); choose another");
		return -1;
	}
	return 0;
}

int password_hash(const char *pw, char out[PASSWORD_HASH_MAX])
{
	ready();
	return crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
}

int password_verify(const char *hash, const char *pw)
{
	ready();
	return hash && crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy[PASSWORD_HASH_MAX];

/* A hash of a random password nobody knows, made with the same parameters as real ones. */
static void make_dummy(void)
{
	char pw[33];
	password_generate(pw, 32);
	if (password_hash(pw, dummy) != 0)
		dummy[0] = '\0';
	sodium_memzero(pw, sizeof pw);
}

void password_dummy_prepare(void)
{
	pthread_once(&dummy_once, make_dummy);
}

void password_verify_dummy(const char *pw)
{
	password_dummy_prepare();
	(void)password_verify(dummy, pw);
}

void password_generate(char *out, size_t n)
{
	static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	ready();
	for (size_t i = 0; i < n; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[n] = '\0';
}

/* token.c: random tokens and their hashes; see token.h. */
#include "core/token.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_CHARS 43   /* base64url of 32 bytes, without padding */

/* sodium_init is idempotent and thread-safe; calling it here keeps every user of this
 * module (server, CLI, tests) from having to remember it. */
static void ready(void)
{
	if (sodium_init() < 0)
		abort();   /* no entropy source: nothing secret can be made */
}

void token_new(char out[TOKEN_TEXT_MAX], const char *prefix)
{
	unsigned char bytes[TOKEN_BYTES];
	size_t n = strlen(prefix);
	if (n > 8)
		n = 8;
	ready();
	randombytes_buf(bytes, sizeof bytes);
	memcpy(out, prefix, n);
	sodium_bin2base64(out + n, TOKEN_TEXT_MAX - n, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(bytes, sizeof bytes);
}

int token_well_formed(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	if (!s || strncmp(s, prefix, n) != 0 || strlen(s + n) != TOKEN_CHARS)
		return 0;
	for (const char *p = s + n; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_'))
			return 0;
	return 1;
}

void token_hash(const char *token, char out[TOKEN_HASH_MAX])
{
	unsigned char h[32];
	ready();
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, TOKEN_HASH_MAX, h, sizeof h);
}

int token_equal(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	size_t n = strlen(b);
	if (strlen(a) != n)
		return 0;   /* lengths are not secret: every token has the same one */
	return sodium_memcmp(a, b, n) == 0;
}

/* token.h: the secrets c2c hands to clients (session cookies, CSRF tokens, API tokens)
 * and the hashes the database keeps of them.
 *
 * A token is 32 random bytes (256 bits) from libsodium's CSPRNG, written in base64url
 * without padding, after an optional prefix ("c2c_" marks API tokens, so that secret
 * scanners and people can recognise one). The database only ever holds token_hash(): a
 * stolen copy of it does not sign anyone in. All functions are thread-safe. */
#ifndef C2C_TOKEN_H
#define C2C_TOKEN_H
#include <stddef.h>

#define TOKEN_BYTES 32
#define TOKEN_TEXT_MAX 64          /* prefix (at most 8 bytes) + 43 characters + NUL */
#define TOKEN_HASH_MAX 65          /* 64 hex digits + NUL */
#define TOKEN_API_PREFIX "c2c_"

/* Writes a new random token, prefix first (prefix at most 8 bytes; "" for none). */
void token_new(char out[TOKEN_TEXT_MAX], const char *prefix);
/* 1 when s is prefix followed by exactly the 43 base64url characters of a token: junk
 * is refused before it costs a database lookup. */
int token_well_formed(const char *s, const char *prefix);
/* The BLAKE2b-256 hash of the token's text, as 64 lower-case hex digits. */
void token_hash(const char *token, char out[TOKEN_HASH_MAX]);
/* Compares two tokens in time that does not depend on where they differ (NULL never
 * equals anything). */
int token_equal(const char *a, const char *b);

#endif

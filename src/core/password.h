/* password.h: the rules for passwords, and their storage as Argon2id hashes.
 *
 * A password has 12 to 128 characters (Unicode code points of valid UTF-8, not bytes),
 * no control characters, and is not one of the common passwords shipped with c2c
 * (data/common-passwords.txt, compared ignoring ASCII case). Hashes are libsodium's
 * crypto_pwhash_str (Argon2id, interactive limits: about 64 MiB and a tenth of a second
 * per hash), self-describing strings that carry their salt and parameters.
 * All functions are thread-safe. */
#ifndef C2C_PASSWORD_H
#define C2C_PASSWORD_H
#include <stddef.h>

#define PASSWORD_MIN_CHARS 12
#define PASSWORD_MAX_CHARS 128
#define PASSWORD_MAX_BYTES (PASSWORD_MAX_CHARS * 4)
#define PASSWORD_HASH_MAX 128      /* crypto_pwhash_STRBYTES */

/* 0 when pw follows the rules; else -1 with a sentence starting "the password" in msg. */
int password_check(const char *pw, char *msg, size_t msgsize);
/* 1 when pw is in the list of common passwords (ignoring ASCII case). */
int password_is_common(const char *pw);
/* Hashes pw into out; 0, or -1 when the memory for Argon2id could not be had. */
int password_hash(const char *pw, char out[PASSWORD_HASH_MAX]);
/* 1 when pw matches the stored hash, else 0 (also for a malformed hash). */
int password_verify(const char *hash, const char *pw);
/* Spends the time of a password_verify that fails, against a hash of no account: the
 * answer for an unknown login then takes as long as for a wrong password. */
void password_verify_dummy(const char *pw);
/* Makes that hash now (the server calls it at start), so that the first unknown login
 * does not also pay for making it. Thread-safe; later calls do nothing. */
void password_dummy_prepare(void);
/* A random password of n characters (letters and digits, without look-alikes such as
 * 0/O and 1/l) into out (size > n), for generated accounts. */
void password_generate(char *out, size_t n);

#endif

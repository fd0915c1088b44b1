/* login.c: rules of accounts and signing in; see login.h. */
#include "core/login.h"

#include <stdio.h>
#include <string.h>

static int login_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

int login_name_normalise(const char *in, char out[LOGIN_MAX + 1], char *msg, size_t msgsize)
{
	size_t n = strlen(in);
	if (n == 0 || n > LOGIN_MAX) {
		snprintf(msg, msgsize, "the login must have 1 to %d characters", LOGIN_MAX);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char c = in[i] >= 'A' && in[i] <= 'Z' ? (char)(in[i] + 32) : in[i];
		if (!login_char(c) || (i == 0 && !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))) {
			snprintf(msg, msgsize, "the login may only contain letters a-z, digits, '.', '_' and '-', "
				 "and must start with a letter or digit");
			return -1;
		}
		out[i] = c;
	}
	out[n] = '\0';
	return 0;
}

int login_email_check(const char *email, char *msg, size_t msgsize)
{
	size_t n = strlen(email);
	const char *at = strchr(email, '@');
	int bad = n == 0 || n > EMAIL_MAX || !at || at == email || !at[1] || strchr(at + 1, '@');
	for (const unsigned char *p = (const unsigned char *)email; !bad && *p; p++)
		bad = *p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>' || *p == '"';
	if (bad) {
		snprintf(msg, msgsize, "the email must be an address such as name@example.org (at most %d characters, "
			 "no spaces)", EMAIL_MAX);
		return -1;
	}
	return 0;
}

enum session_state session_state(int64_t last_seen, int64_t expires_at, int64_t now, int64_t idle)
{
	if (now >= expires_at)
		return SESSION_EXPIRED;
	if (now - last_seen > idle)
		return SESSION_IDLE;
	return SESSION_LIVE;
}

int64_t throttle_wait(const int64_t *recent, int n, int64_t now)
{
	if (n < THROTTLE_FAILURES)
		return 0;
	/* Attempts are heard again once the oldest of the last THROTTLE_FAILURES leaves the window. */
	int64_t wait = recent[THROTTLE_FAILURES - 1] + THROTTLE_WINDOW - now;
	return wait > 0 ? wait : 0;
}

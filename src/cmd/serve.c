/* serve.c: `c2c serve`: run the web server until SIGINT or SIGTERM. */
#include "cmd/cli.h"
#include "util/log.h"
#include "util/str.h"
#include "core/login.h"
#include "web/server.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'}, {"listen", required_argument, NULL, 'l'},
		{"threads", required_argument, NULL, 't'}, {"quiet", no_argument, NULL, 'q'},
		{"session-idle", required_argument, NULL, 'i'}, {"session-max", required_argument, NULL, 'm'},
		{"secure-cookies", no_argument, NULL, 's'}, {"trusted-proxy", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	struct server_config cfg = {"127.0.0.1:8080", 0, NULL, 0, {SESSION_IDLE_DEFAULT, SESSION_MAX_DEFAULT, 0, ""}};
	long long seconds;
	const char *target = DEFAULT_DB;
	long long threads = sysconf(_SC_NPROCESSORS_ONLN);
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': target = optarg; break;
		case 'l': cfg.listen = optarg; break;
		case 'q': cfg.quiet = 1; break;
		case 's': cfg.auth.secure_cookies = 1; break;
		case 'p': {
			unsigned char bin[sizeof(struct in6_addr)];
			if (strlen(optarg) >= sizeof cfg.auth.trusted_proxy ||
			    (inet_pton(AF_INET, optarg, bin) != 1 && inet_pton(AF_INET6, optarg, bin) != 1))
				return cli_usage_error("serve", "--trusted-proxy must be the proxy's IP address, "
						       "e.g. 127.0.0.1 or ::1");
			snprintf(cfg.auth.trusted_proxy, sizeof cfg.auth.trusted_proxy, "%s", optarg);
			break;
		}
		case 'i':
		case 'm':
			if (parse_int(optarg, 1, SESSION_SECONDS_MAX, &seconds))
				return cli_usage_error("serve", "--session-%s must be a whole number of seconds between 1 and %d",
						       c == 'i' ? "idle" : "max", SESSION_SECONDS_MAX);
			*(c == 'i' ? &cfg.auth.session_idle : &cfg.auth.session_max) = seconds;
			break;
		case 't':
			if (parse_int(optarg, 1, 256, &threads))
				return cli_usage_error("serve", "--threads must be a whole number between 1 and 256");
			break;
		case 'h':
			printf("usage: c2c serve [--db FILE|URI] [--listen ADDR:PORT] [--threads N] [--quiet]\n"
			       "                 [--session-idle SECONDS] [--session-max SECONDS] [--secure-cookies]\n"
			       "                 [--trusted-proxy ADDR]\n\n"
			       "Serves the public directory and the JSON API. --listen defaults to\n"
			       "127.0.0.1:8080; port 0 picks a free port (printed on start). --threads\n"
			       "defaults to the number of processors. --quiet turns off the access log.\n"
			       "A sign-in session ends after --session-idle seconds without a request\n"
			       "(default %d) and --session-max seconds after sign-in (default %d).\n"
			       "--secure-cookies marks cookies Secure: use it when clients reach the\n"
			       "server over HTTPS (e.g. through a TLS proxy). --trusted-proxy names that\n"
			       "proxy's address: for its requests, the client (whose failed sign-ins are\n"
			       "counted) is the last address of X-Forwarded-For.\n"
			       "SIGINT or SIGTERM stops the server after the requests under way.\n",
			       SESSION_IDLE_DEFAULT, SESSION_MAX_DEFAULT);
			return 0;
		default: return cli_usage_error("serve", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("serve", "unexpected argument %s", argv[optind]);
	cfg.threads = (int)(threads > 0 ? threads : 1);

	/* Block the stop signals in every thread; this one waits for them below. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	cfg.store = cli_open_store(target, 0);
	if (!cfg.store)
		return 1;
	char err[512];
	struct server *srv = server_start(&cfg, err, sizeof err);
	if (!srv) {
		fprintf(stderr, "c2c serve: %s\n", err);
		store_close(cfg.store);
		return 1;
	}
	char host[64];
	snprintf(host, sizeof host, "%.*s", (int)(strrchr(cfg.listen, ':') - cfg.listen), cfg.listen);
	char shown[512];
	db_target_display(target, shown, sizeof shown);
	printf("c2c: serving %s on http://%s:%u/ with %d threads\n", shown, host, server_port(srv), cfg.threads);
	fflush(stdout);
	int sig;
	sigwait(&stop, &sig);
	log_info("signal %d: stopping", sig);
	server_stop(srv);
	store_close(cfg.store);
	return 0;
}

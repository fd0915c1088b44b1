/* serve.c: `c2c serve`: run the web server until SIGINT or SIGTERM. */
#include "cmd/cli.h"
#include "util/log.h"
#include "util/str.h"
#include "web/server.h"

#include <getopt.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'}, {"listen", required_argument, NULL, 'l'},
		{"threads", required_argument, NULL, 't'}, {"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	struct server_config cfg = {"127.0.0.1:8080", 0, NULL, 0};
	const char *target = DEFAULT_DB;
	long long threads = sysconf(_SC_NPROCESSORS_ONLN);
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': target = optarg; break;
		case 'l': cfg.listen = optarg; break;
		case 'q': cfg.quiet = 1; break;
		case 't':
			if (parse_int(optarg, 1, 256, &threads))
				return cli_usage_error("serve", "--threads must be a whole number between 1 and 256");
			break;
		case 'h':
			printf("usage: c2c serve [--db FILE|URI] [--listen ADDR:PORT] [--threads N] [--quiet]\n\n"
			       "Serves the public directory and the JSON API. --listen defaults to\n"
			       "127.0.0.1:8080; port 0 picks a free port (printed on start). --threads\n"
			       "defaults to the number of processors. --quiet turns off the access log.\n"
			       "SIGINT or SIGTERM stops the server after the requests under way.\n");
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

/* SPDX-License-Identifier: ISC */
/*
 * sockets.c: hold N listening TCP sockets on loopback for bench/diagnosis
 * (a host with many sockets).  They listen on 127.0.0.2, 127.0.0.3, ...,
 * ports 10000-59999, never on 127.0.0.1 (the benchmark's own checks).
 * When the descriptor limit cannot be raised that far (no CAP_SYS_RESOURCE)
 * the sockets are spread over child processes, each up to its limit; the
 * children die with the parent (PR_SET_PDEATHSIG).  Prints "ready" when
 * all are open, then waits to be killed.
 *
 *   sockets N
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#define SOCKETS_PORT_LOW 10000
#define SOCKETS_PER_ADDR 50000

/* Open the sockets [from, to) in this process; 0, or 1 on failure. */
static int
sockets_open(long from, long to)
{
	struct sockaddr_in sin;
	long i;
	int fd, one = 1;

	for (i = from; i < to; i++) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(0x7f000002u +
		    (unsigned)(i / SOCKETS_PER_ADDR));
		sin.sin_port = htons((unsigned short)(SOCKETS_PORT_LOW +
		    i % SOCKETS_PER_ADDR));
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one)) != 0 || bind(fd, (struct sockaddr *)&sin,
		    sizeof(sin)) != 0 || listen(fd, 1) != 0) {
			perror("sockets: socket, bind or listen");
			return 1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct rlimit rl;
	long n, per, from;
	int ready[2];
	char c;
	pid_t pid;

	if (argc != 2 || (n = strtol(argv[1], NULL, 10)) <= 0 ||
	    n > 10 * SOCKETS_PER_ADDR) {
		fprintf(stderr, "usage: sockets N (1 to %d)\n",
		    10 * SOCKETS_PER_ADDR);
		return 2;
	}
	rl.rlim_cur = rl.rlim_max = (rlim_t)n + 64;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
		if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
			return 1;
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < 128)
			return 1;
	}
	per = (long)rl.rlim_cur - 64;
	if (pipe(ready) != 0)
		return 1;
	for (from = per; from < n; from += per) {
		pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			close(ready[0]);
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			if (sockets_open(from, from + per < n ? from + per : n))
				_exit(1);
			(void)write(ready[1], "r", 1);
			for (;;)
				pause();
		}
	}
	close(ready[1]);
	if (sockets_open(0, per < n ? per : n))
		return 1;
	for (from = per; from < n; from += per)
		if (read(ready[0], &c, 1) != 1) {
			fprintf(stderr, "sockets: a child failed\n");
			return 1;
		}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

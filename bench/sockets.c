/*
 * sockets.c: hold N listening TCP sockets on loopback for bench/diagnosis
 * (a host with many sockets).  They listen on 127.0.0.2, 127.0.0.3, ...,
 * ports 10000-59999, never on 127.0.0.1 (the benchmark's own checks).
 * Prints "ready" when all are open, then waits to be killed.
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
#include <sys/resource.h>
#include <sys/socket.h>

#define SOCKETS_PORT_LOW 10000
#define SOCKETS_PER_ADDR 50000

int
main(int argc, char **argv)
{
	struct sockaddr_in sin;
	struct rlimit rl;
	long n, i;
	int fd, one = 1;

	if (argc != 2 || (n = strtol(argv[1], NULL, 10)) <= 0 ||
	    n > 10 * SOCKETS_PER_ADDR) {
		fprintf(stderr, "usage: sockets N (1 to %d)\n",
		    10 * SOCKETS_PER_ADDR);
		return 2;
	}
	rl.rlim_cur = rl.rlim_max = (rlim_t)n + 64;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
		perror("sockets: setrlimit");
		return 1;
	}
	for (i = 0; i < n; i++) {
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
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

/*
 * write_floor BYTES: writes BYTES bytes to stdout in 4 MiB blocks, and
 * nothing else, for make bench's write floor: the least time a report
 * printing that much (-traces, -raw) can take to the same place.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { BLOCK = 4 << 20 };

int main(int argc, char **argv)
{
	char *end;
	unsigned long long n = argc == 2 ? strtoull(argv[1], &end, 10) : 0;
	if (argc != 2 || *argv[1] == '\0' || *end != '\0') {
		fprintf(stderr, "usage: write_floor BYTES\n");
		return 2;
	}
	static char block[BLOCK];
	memset(block, 'x', sizeof block);
	while (n > 0) {
		size_t want = n < BLOCK ? (size_t)n : BLOCK;
		ssize_t w = write(STDOUT_FILENO, block, want);
		if (w <= 0) {
			perror("write_floor");
			return 1;
		}
		n -= (unsigned long long)w;
	}
	return 0;
}

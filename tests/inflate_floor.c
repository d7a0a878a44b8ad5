/*
 * inflate_floor FILE: inflates the gzip FILE with the library cprof
 * inflates with (ISA-L's igzip), and nothing else, for make bench's floor
 * line: the file read 4 MiB at a time, the bytes inflated into one 4 MiB
 * buffer over and over, so that its time and peak memory are the least
 * any reading of the file can cost. Prints the inflated size in bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isa-l/igzip_lib.h>

enum { CHUNK = 4 << 20 };

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: inflate_floor FILE\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	static uint8_t in[CHUNK], out[CHUNK];
	static struct inflate_state s;
	isal_inflate_init(&s);
	s.crc_flag = ISAL_GZIP;
	uint64_t total = 0;
	int ret = ISAL_DECOMP_OK;
	for (;;) {
		if (s.avail_in == 0) {
			s.avail_in = (uint32_t)fread(in, 1, sizeof in, f);
			s.next_in = in;
			if (s.avail_in == 0)
				break;
		}
		s.next_out = out;
		s.avail_out = sizeof out;
		ret = isal_inflate(&s);
		total += sizeof out - s.avail_out;
		if (ret != ISAL_DECOMP_OK)
			break;
		if (s.block_state == ISAL_BLOCK_FINISH) { /* another member may follow */
			uint8_t *next = s.next_in;
			uint32_t avail = s.avail_in;
			isal_inflate_reset(&s);
			s.next_in = next;
			s.avail_in = avail;
		}
	}
	fclose(f);
	if (ret != ISAL_DECOMP_OK || s.block_state != ISAL_BLOCK_NEW_HDR || s.tmp_in_size != 0) {
		fprintf(stderr, "inflate_floor: %s: not a whole gzip stream (ISA-L %d)\n", argv[1], ret);
		return 1;
	}
	printf("%llu\n", (unsigned long long)total);
	return 0;
}

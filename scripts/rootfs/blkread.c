// SPDX-License-Identifier: GPL-2.0
/*
 * blkread: sequential read throughput of a block device, the disk bench
 * of the test initramfs (scripts/mkrootfs.sh builds it static; /init's
 * bench=S runs it on the first disk it finds).
 *
 *   blkread DEVICE [PASSES]
 *
 * Reads the whole device PASSES times (default 1) in 1 MiB requests with
 * O_DIRECT, so every byte comes from the device and not the page cache,
 * and prints
 *
 *   blkread: DEVICE bytes N seconds S mb_per_s R
 *
 * with S in CLOCK_MONOTONIC, which under Bochs with sync=none is virtual
 * time. Exits 0, or 1 on a usage or I/O error.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	(1 << 20)

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int passes = argc > 2 ? atoi(argv[2]) : 1, fd;
	uint64_t total = 0;
	double t0, t;
	void *buf;

	if (argc < 2 || argc > 3 || passes < 1) {
		fprintf(stderr, "usage: blkread DEVICE [PASSES]\n");
		return 1;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECT);
	if (fd < 0 || posix_memalign(&buf, 4096, CHUNK)) {
		perror("blkread: open");
		return 1;
	}
	t0 = now_s();
	for (int p = 0; p < passes; p++) {
		ssize_t n;

		if (lseek(fd, 0, SEEK_SET) < 0) {
			perror("blkread: lseek");
			return 1;
		}
		while ((n = read(fd, buf, CHUNK)) > 0)
			total += (uint64_t)n;
		if (n < 0) {
			perror("blkread: read");
			return 1;
		}
	}
	t = now_s() - t0;
	printf("blkread: %s bytes %llu seconds %.6f mb_per_s %.2f\n", argv[1],
	       (unsigned long long)total, t, t > 0 ? total / t / 1e6 : 0.0);
	return 0;
}

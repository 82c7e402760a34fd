// SPDX-License-Identifier: GPL-2.0
/*
 * wakelat: wake-up lateness of periodic sleepers beside CPU hogs, the
 * overcommit measurement of the test initramfs (scripts/mkrootfs.sh
 * builds it static; /init's "overcommit" check runs it).
 *
 *   wakelat [-s SLEEPERS] [-h HOGS] [-p PERIOD_US] [-t SECONDS] [-f PRIO] [-c]
 *           [-l N]
 *
 * Each sleeper is a thread that sleeps until the next multiple of PERIOD
 * (clock_nanosleep, CLOCK_MONOTONIC, absolute) and records how late it
 * woke; a period it woke past the next one is missed (and skipped). With
 * -f the sleepers run SCHED_FIFO at PRIO, as cyclictest's threads do, so
 * the guest's own scheduler preempts a hog at once and what is left is
 * the time the sleeper's vCPU waited for a pCPU. Each hog is a process
 * that spins and counts loops. Times are the guest's CLOCK_MONOTONIC, which under Bochs with sync=none is virtual time.
 * With -c, hog i and sleeper i are pinned to CPU i mod the CPU count: a
 * sleeper then shares its vCPU with a hog, the case where only the
 * hypervisor can make it prompt (it must run a busy vCPU when it has an
 * interrupt, not at its next turn).
 *
 * With -l N, each sleeper's first N wakes over half a period late are
 * listed with the TSC at which they woke (the guest's TSC is the host's
 * under hvisor), to be found in hvisor's event trace:
 *   wakelat: late sleeper I cpu C tsc T by_us L
 *
 * Prints two lines per sleeper: its figures, and the CPUs it woke on with
 * how many of those wakes were over half a period late; then
 *   wakelat: sleepers S hogs H period_us P seconds T
 *   wakelat: wakes N lateness_us p50 A p99 B max C missed M (X.XX%)
 *   wakelat: hogs cpu% h1 h2 ... total Y
 * and exits 0 (the caller judges the figures), 1 on a usage or system error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SLEEPERS	16
#define MAX_HOGS	16
#define MAX_WAKES	200000
#define MAX_CPUS	64

static long period_us = 1000;
static int fifo_prio;
static double seconds = 3;
static int pin;
static int list_late;

struct late_wake {
	uint64_t tsc;
	uint32_t by_us;
	int cpu;
};

struct sleeper {
	pthread_t th;
	uint32_t *late_us;	/* one entry per wake */
	long n, missed;
	long wakes[MAX_CPUS], late[MAX_CPUS];	/* per CPU woken on */
	struct late_wake *listed;		/* -l: the first list_late */
	int n_listed;
	int idx;
};

/* -c: the calling thread onto CPU @i mod the online count. */
static void pin_to(int i)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	if (!pin || n < 1)
		return;
	CPU_ZERO(&set);
	CPU_SET(i % n, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror("wakelat: sched_setaffinity");
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + t.tv_nsec;
}

static void *sleep_loop(void *arg)
{
	struct sleeper *s = arg;
	uint64_t period = (uint64_t)period_us * 1000;
	uint64_t end, next;

	pin_to(s->idx);
	end = now_ns() + (uint64_t)(seconds * 1e9);
	next = now_ns() + period;

	while (next < end && s->n < MAX_WAKES) {
		struct timespec t = { next / 1000000000u, next % 1000000000u };
		uint64_t woke, late, tsc;
		int cpu;

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
			;
		tsc = __builtin_ia32_rdtsc();
		woke = now_ns();
		late = woke > next ? woke - next : 0;
		s->late_us[s->n++] = late / 1000;
		cpu = sched_getcpu();
		if (cpu >= 0 && cpu < MAX_CPUS) {
			s->wakes[cpu]++;
			s->late[cpu] += late > period / 2;
		}
		if (late > period / 2 && s->n_listed < list_late)
			s->listed[s->n_listed++] = (struct late_wake){
				tsc, late / 1000, cpu };
		next += period;
		/* Woke past the next deadline too: those periods are lost. */
		while (next <= woke) {
			s->missed++;
			next += period;
		}
	}
	return NULL;
}

/* A hog reports its loop rate through a pipe when its time is up. */
static void hog(int fd, int idx)
{
	uint64_t end, loops = 0;
	struct rusage ru;
	double cpu;
	char buf[64];
	int len;

	pin_to(idx);
	end = now_ns() + (uint64_t)(seconds * 1e9);

	while (now_ns() < end)
		for (volatile int i = 0; i < 10000; i++)
			loops++;
	getrusage(RUSAGE_SELF, &ru);
	cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	      ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	len = snprintf(buf, sizeof(buf), "%.1f %llu\n", 100 * cpu / seconds,
		       (unsigned long long)loops);
	if (write(fd, buf, len) != len)
		_exit(1);
	_exit(0);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void usage(void)
{
	fprintf(stderr, "usage: wakelat [-s SLEEPERS] [-h HOGS] [-p PERIOD_US] [-t SECONDS] [-f PRIO] [-c] [-l N]\n");
	exit(1);
}

int main(int argc, char **argv)
{
	int n_sleep = 2, n_hog = 2, opt, fds[MAX_HOGS][2];
	struct sleeper sl[MAX_SLEEPERS];
	pid_t pids[MAX_HOGS];
	uint32_t *all;
	long total = 0, missed = 0, k = 0;
	double hog_total = 0;

	while ((opt = getopt(argc, argv, "s:h:p:t:f:cl:")) != -1) {
		switch (opt) {
		case 's': n_sleep = atoi(optarg); break;
		case 'h': n_hog = atoi(optarg); break;
		case 'p': period_us = atol(optarg); break;
		case 't': seconds = atof(optarg); break;
		case 'f': fifo_prio = atoi(optarg); break;
		case 'c': pin = 1; break;
		case 'l': list_late = atoi(optarg); break;
		default: usage();
		}
	}
	if (n_sleep < 1 || n_sleep > MAX_SLEEPERS || n_hog < 0 ||
	    n_hog > MAX_HOGS || period_us < 10 || seconds <= 0 ||
	    list_late < 0 || list_late > MAX_WAKES)
		usage();
	/* Page faults must not count as lateness. */
	mlockall(MCL_CURRENT | MCL_FUTURE);
	for (int i = 0; i < n_hog; i++) {
		if (pipe(fds[i]))
			return perror("wakelat: pipe"), 1;
		pids[i] = fork();
		if (pids[i] < 0)
			return perror("wakelat: fork"), 1;
		if (!pids[i]) {
			close(fds[i][0]);
			hog(fds[i][1], i);
		}
		close(fds[i][1]);
	}
	for (int i = 0; i < n_sleep; i++) {
		pthread_attr_t attr;
		struct sched_param sp = { .sched_priority = fifo_prio };

		pthread_attr_init(&attr);
		if (fifo_prio) {
			pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
			pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
			pthread_attr_setschedparam(&attr, &sp);
		}
		memset(&sl[i], 0, sizeof(sl[i]));
		sl[i].idx = i;
		sl[i].late_us = calloc(MAX_WAKES, sizeof(uint32_t));
		sl[i].listed = calloc(list_late + 1, sizeof(*sl[i].listed));
		if (!sl[i].late_us || !sl[i].listed ||
		    pthread_create(&sl[i].th, &attr, sleep_loop, &sl[i]))
			return fprintf(stderr, "wakelat: no sleeper thread\n"), 1;
	}
	for (int i = 0; i < n_sleep; i++) {
		pthread_join(sl[i].th, NULL);
		total += sl[i].n;
		missed += sl[i].missed;
	}
	all = calloc(total ? total : 1, sizeof(uint32_t));
	if (!all)
		return 1;
	printf("wakelat: sleepers %d hogs %d period_us %ld seconds %.1f %s\n",
	       n_sleep, n_hog, period_us, seconds,
	       fifo_prio ? "SCHED_FIFO" : "SCHED_OTHER");
	for (int i = 0; i < n_sleep; i++) {
		memcpy(all + k, sl[i].late_us, sl[i].n * sizeof(uint32_t));
		k += sl[i].n;
		qsort(sl[i].late_us, sl[i].n, sizeof(uint32_t), cmp_u32);
		printf("wakelat: sleeper %d wakes %ld p50 %u p99 %u max %u missed %ld\n",
		       i, sl[i].n, sl[i].n ? sl[i].late_us[sl[i].n / 2] : 0,
		       sl[i].n ? sl[i].late_us[sl[i].n * 99 / 100] : 0,
		       sl[i].n ? sl[i].late_us[sl[i].n - 1] : 0, sl[i].missed);
		printf("wakelat: sleeper %d cpus", i);
		for (int c = 0; c < MAX_CPUS; c++)
			if (sl[i].wakes[c])
				printf(" %d:%ld(late %ld)", c, sl[i].wakes[c],
				       sl[i].late[c]);
		printf("\n");
		for (int j = 0; j < sl[i].n_listed; j++)
			printf("wakelat: late sleeper %d cpu %d tsc %llu by_us %u\n",
			       i, sl[i].listed[j].cpu,
			       (unsigned long long)sl[i].listed[j].tsc,
			       sl[i].listed[j].by_us);
	}
	qsort(all, total, sizeof(uint32_t), cmp_u32);
	printf("wakelat: wakes %ld lateness_us p50 %u p99 %u max %u missed %ld (%.2f%%)\n",
	       total, total ? all[total / 2] : 0, total ? all[total * 99 / 100] : 0,
	       total ? all[total - 1] : 0, missed,
	       total + missed ? 100.0 * missed / (total + missed) : 0.0);
	printf("wakelat: hogs cpu%%");
	for (int i = 0; i < n_hog; i++) {
		char buf[64] = "";
		double pct = 0;
		ssize_t r = read(fds[i][0], buf, sizeof(buf) - 1);

		waitpid(pids[i], NULL, 0);
		if (r > 0)
			pct = atof(buf);
		hog_total += pct;
		printf(" %.1f", pct);
	}
	printf(" total %.1f\n", hog_total);
	return 0;
}

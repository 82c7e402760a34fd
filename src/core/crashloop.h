/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's restart budget: at most CRASHLOOP_MAX restarts within any
 * window of the given length; the one after that is a crash loop and the
 * guest stays stopped. Plain C (cmocka: tests/unit/test_crashloop.c).
 */
#ifndef HV_CORE_CRASHLOOP_H
#define HV_CORE_CRASHLOOP_H

#include <stdbool.h>
#include <stdint.h>

#define CRASHLOOP_MAX	5

struct crashloop {
	uint32_t restarts;		/* granted so far */
	uint64_t at[CRASHLOOP_MAX];	/* when the last ones were, a ring */
};

/*
 * A restart at @now (any clock): granted and counted (true) unless
 * CRASHLOOP_MAX were granted within the last @window before it.
 */
bool crashloop_admit(struct crashloop *l, uint64_t now, uint64_t window);

#endif

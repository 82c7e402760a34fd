// SPDX-License-Identifier: GPL-2.0
/* A guest's restart budget (see crashloop.h). */
#include "src/core/crashloop.h"

bool crashloop_admit(struct crashloop *l, uint64_t now, uint64_t window)
{
	/* The ring's slot to write is the oldest of the last CRASHLOOP_MAX. */
	uint64_t *slot = &l->at[l->restarts % CRASHLOOP_MAX];

	if (l->restarts >= CRASHLOOP_MAX && now - *slot <= window)
		return false;
	*slot = now;
	l->restarts++;
	return true;
}

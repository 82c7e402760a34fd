// SPDX-License-Identifier: GPL-2.0
/* COM1 key decoding: which guest gets a byte, and hypervisor keys. */
#include "src/conkeys.h"

void conkeys_init(struct conkeys *k, int target, unsigned int n,
		  bool (*running)(void *ctx, unsigned int i), void *ctx)
{
	k->target = target;
	k->escaped = false;
	k->n_guests = n;
	k->running = running;
	k->ctx = ctx;
}

static bool alive(const struct conkeys *k, int i)
{
	return i >= 0 && (unsigned int)i < k->n_guests &&
	       k->running(k->ctx, (unsigned int)i);
}

static struct conkey_res res(enum conkey_act act, int guest, int key)
{
	return (struct conkey_res){ .act = act, .guest = guest, .key = key };
}

static struct conkey_res switch_to(struct conkeys *k, int i)
{
	if (!alive(k, i))
		return res(CK_NO_GUEST, i, 0);
	k->target = i;
	return res(CK_SWITCH, i, 0);
}

/* The next running guest after the current one, wrapping; -1: none. */
static int next_running(const struct conkeys *k)
{
	unsigned int n = k->n_guests;
	int from = k->target < 0 ? -1 : k->target;

	for (unsigned int step = 1; step <= n; step++) {
		int i = (int)(((unsigned int)(from + (int)n) + step) % n);

		if (alive(k, i))
			return i;
	}
	return -1;
}

static struct conkey_res key(struct conkeys *k, int c)
{
	if (c == 'n') {
		int i = next_running(k);

		return i < 0 ? res(CK_NO_GUEST, -1, 0) : switch_to(k, i);
	}
	if (c >= '0' && c <= '9')
		return switch_to(k, c - '0');
	return res(CK_KEY, -1, c);
}

struct conkey_res conkeys_feed(struct conkeys *k, int c)
{
	if (!alive(k, k->target)) {
		/* Nobody takes input: every byte is a key; Ctrl-A is noise. */
		k->escaped = false;
		if (c == CONKEY_ESCAPE)
			return res(CK_NONE, -1, 0);
		return key(k, c);
	}
	if (k->escaped) {
		k->escaped = false;
		if (c != CONKEY_ESCAPE)
			return key(k, c);
	} else if (c == CONKEY_ESCAPE) {
		k->escaped = true;
		return res(CK_NONE, -1, 0);
	}
	return res(CK_GUEST, k->target, c);
}

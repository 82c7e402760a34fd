// SPDX-License-Identifier: GPL-2.0
/* A learning Ethernet switch (see netsw.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include "dev/netsw.h"

void netsw_init(struct netsw *sw, const char *name)
{
	memset(sw, 0, sizeof(*sw));
	strncpy(sw->name, name, sizeof(sw->name) - 1);
}

int netsw_add_port(struct netsw *sw)
{
	if (sw->n_ports >= NETSW_MAX_PORTS)
		return -ENOSPC;
	return (int)sw->n_ports++;
}

/* Group addresses (broadcast included) have the I/G bit set. */
static bool is_group(const uint8_t *mac)
{
	return mac[0] & 1;
}

static struct netsw_fdb *find(const struct netsw *sw, const uint8_t *mac)
{
	for (unsigned int i = 0; i < NETSW_FDB_SIZE; i++) {
		const struct netsw_fdb *e = &sw->fdb[i];

		if (e->used && !memcmp(e->mac, mac, ETH_ALEN))
			return (struct netsw_fdb *)e;
	}
	return NULL;
}

int netsw_lookup(const struct netsw *sw, const uint8_t *mac)
{
	const struct netsw_fdb *e = find(sw, mac);

	return e ? e->port : -1;
}

static void learn(struct netsw *sw, unsigned int port, const uint8_t *mac)
{
	struct netsw_fdb *e = find(sw, mac), *old = &sw->fdb[0];

	if (!e) {
		/* A free entry, or the one seen longest ago. */
		for (unsigned int i = 0; i < NETSW_FDB_SIZE && !e; i++) {
			if (!sw->fdb[i].used)
				e = &sw->fdb[i];
			else if (sw->fdb[i].seen < old->seen)
				old = &sw->fdb[i];
		}
		if (!e)
			e = old;
		memcpy(e->mac, mac, ETH_ALEN);
		e->used = 1;
	}
	e->port = (uint8_t)port;
	e->seen = ++sw->clock;
}

uint32_t netsw_route(struct netsw *sw, unsigned int in, const uint8_t *frame,
		     size_t len)
{
	uint32_t all = ((1u << sw->n_ports) - 1) & ~(1u << in);
	const uint8_t *dst = frame, *src = frame + ETH_ALEN;
	struct netsw_fdb *e;

	if (in >= sw->n_ports || len < ETH_HLEN) {
		sw->runts++;
		return 0;
	}
	sw->frames++;
	/* A group source is bogus: forward it, learn nothing. */
	if (!is_group(src))
		learn(sw, in, src);
	e = is_group(dst) ? NULL : find(sw, dst);
	if (!e) {
		sw->flooded++;
		return all;
	}
	if (e->port == in) {
		sw->filtered++;
		return 0;
	}
	return 1u << e->port;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An Ethernet switch between guests (the `net:NAME` virtio devices on one
 * NAME): it learns which port each source MAC address sits behind and
 * says where a frame goes: to the port of a known unicast destination,
 * to every other port for broadcast, multicast and unknown destinations
 * (flooding), nowhere for a frame back to its own port or one too short
 * to have a header. Plain C without locks or copies: the caller locks,
 * and moves the frame itself (src/core/vmnet.c), so host tests drive it.
 *
 * The forwarding table is small and exact: a full one forgets its least
 * recently seen address, and an address seen on another port moves there.
 */
#ifndef HV_DEV_NETSW_H
#define HV_DEV_NETSW_H

#include <stddef.h>
#include <stdint.h>

#define NETSW_MAX_PORTS		8
#define NETSW_FDB_SIZE		64
#define NETSW_NAME_MAX		16
#define ETH_ALEN		6
#define ETH_HLEN		14

struct netsw_fdb {
	uint8_t mac[ETH_ALEN];
	uint8_t port;
	uint8_t used;
	uint64_t seen;			/* netsw.clock when last a source */
};

struct netsw {
	char name[NETSW_NAME_MAX];
	unsigned int n_ports;
	uint64_t clock;
	struct netsw_fdb fdb[NETSW_FDB_SIZE];
	uint64_t frames, flooded, filtered, runts;
};

void netsw_init(struct netsw *sw, const char *name);
/* A new port's number, or -ENOSPC. */
int netsw_add_port(struct netsw *sw);
/*
 * Frame @frame of @len bytes came in on port @in: learn its source and
 * return the ports it goes out on, a bit each (never @in).
 */
uint32_t netsw_route(struct netsw *sw, unsigned int in, const uint8_t *frame,
		     size_t len);
/* The port behind @mac, or -1 when the table does not know it. */
int netsw_lookup(const struct netsw *sw, const uint8_t *mac);

#endif

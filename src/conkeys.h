/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a byte typed on COM1 means (src/conin.c acts on it). Input goes
 * to one guest at a time; Ctrl-A starts a hypervisor key:
 *
 *   Ctrl-A n        input to the next running guest (in INI order, wrapping)
 *   Ctrl-A 0..9     input to guest N (its place in the INI, from 0)
 *   Ctrl-A Ctrl-A   a literal Ctrl-A for the guest
 *   Ctrl-A other    that key for the hypervisor (s, v, ?: src/conin.c)
 *
 * With no guest taking input (none chosen yet, or it stopped), every byte
 * is a hypervisor key, n and the digits included, and a Ctrl-A before one
 * changes nothing.
 */
#ifndef HV_CONKEYS_H
#define HV_CONKEYS_H

#include <stdbool.h>

#define CONKEY_ESCAPE	0x01		/* Ctrl-A */

enum conkey_act {
	CK_NONE,	/* swallowed (the first half of a Ctrl-A pair) */
	CK_GUEST,	/* give the byte to guest .guest */
	CK_KEY,		/* hypervisor key .key */
	CK_SWITCH,	/* input now goes to guest .guest */
	CK_NO_GUEST,	/* asked for guest .guest: there is none, or it stopped */
};

struct conkey_res {
	enum conkey_act act;
	int guest;
	int key;
};

struct conkeys {
	int target;		/* guest taking input, -1: none */
	bool escaped;
	unsigned int n_guests;
	/* Whether guest @i still runs; @ctx is the caller's. */
	bool (*running)(void *ctx, unsigned int i);
	void *ctx;
};

/* Input starts with @target (-1: none) of @n guests. */
void conkeys_init(struct conkeys *k, int target, unsigned int n,
		  bool (*running)(void *ctx, unsigned int i), void *ctx);
/* Decode byte @c; switches k->target on CK_SWITCH. */
struct conkey_res conkeys_feed(struct conkeys *k, int c);

#endif

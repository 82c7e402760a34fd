// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual 8254 PIT (Intel 8254 datasheet). A channel's state is the
 * number of input clocks it has counted since its count was loaded,
 * "elapsed": done + the TSC time since start scaled to 1193182 Hz.
 * Count and OUT are computed from it when read, so nothing ticks; only
 * channel 0's interrupts need a timer.
 *
 * Simplifications: a new count in modes 2 and 3 restarts the period at
 * once instead of at the end of the current one; modes 1 and 5 wait for
 * a gate edge after every count written.
 */
#include <errno.h>
#include <string.h>
#include "dev/vpit.h"

#define CW_SC_SHIFT	6
#define CW_RW_SHIFT	4
#define CW_READBACK	3	/* SC = 11 */
#define RB_NO_COUNT	0x20
#define RB_NO_STATUS	0x10
#define REFRESH_TICKS	18	/* port 0x61 bit 4: about 15 us */

/*
 * floor(a * b / c) with 64-bit operations only (no libgcc division in
 * the hypervisor): exact while (c - 1) * b fits in 64 bits, true for a
 * TSC under 10 THz against 1193182 Hz either way round.
 */
static uint64_t muldiv(uint64_t a, uint64_t b, uint64_t c)
{
	return (a / c) * b + (a % c) * b / c;
}

static uint64_t muldiv_up(uint64_t a, uint64_t b, uint64_t c)
{
	return (a / c) * b + ((a % c) * b + c - 1) / c;
}

static uint16_t to_bcd(uint32_t v)
{
	return (v / 1000 % 10) << 12 | (v / 100 % 10) << 8 |
	       (v / 10 % 10) << 4 | v % 10;
}

static uint32_t from_bcd(uint16_t v)
{
	return (v >> 12) * 1000 + (v >> 8 & 0xf) * 100 + (v >> 4 & 0xf) * 10 +
	       (v & 0xf);
}

static uint64_t elapsed(const struct vpit *pit, const struct vpit_channel *c,
			uint64_t now)
{
	uint64_t e = c->done;

	if (c->running && now > c->start)
		e += muldiv(now - c->start, VPIT_HZ, pit->tsc_hz);
	return e;
}

static bool out_at(const struct vpit_channel *c, uint64_t e)
{
	uint64_t n = c->reload;

	if (!c->loaded)		/* after a control word: low in mode 0 only */
		return c->mode != 0;
	switch (c->mode) {
	case 0:			/* high at terminal count, until reprogrammed */
		return e >= n;
	case 1:
		return !c->triggered || e >= n;
	case 2:			/* low for the one clock at count 1 */
		return !c->gate || n < 2 || e % n != n - 1;
	case 3:			/* high for the first half (the longer one) */
		return !c->gate || e % n < (n + 1) / 2;
	case 4:			/* low for the one clock at count 0 */
		return e != n;
	default:
		return !c->triggered || e != n;
	}
}

static uint16_t count_at(const struct vpit_channel *c, uint64_t e)
{
	uint32_t n = c->reload, m = c->bcd ? 10000 : 65536, v, ph, h;

	if (!c->loaded)
		return c->cr;
	switch (c->mode) {
	case 2:			/* N .. 1, then reload */
		v = n - e % n;
		break;
	case 3:			/* by twos, once per half period */
		ph = e % n;
		h = (n + 1) / 2;
		v = ph < h ? n - 2 * ph : (n & ~1u) - 2 * (ph - h);
		break;
	case 1:
	case 5:
		if (!c->triggered) {
			v = n;
			break;
		}
		/* fall through */
	default:		/* down through 0, wrapping */
		v = (n + m - e % m) % m;
		break;
	}
	v %= m;			/* a count of 65536 (10000) reads as 0 */
	return c->bcd ? to_bcd(v) : v;
}

static void irq_set(struct vpit *pit, bool level)
{
	if (level == pit->irq_level)
		return;
	pit->irq_level = level;
	if (level)
		pit->irqs++;
	pit->env->set_irq(pit->ctx, VPIT_IRQ, level);
}

/* Channel 0's next interrupt, as a TSC deadline; 0 if none. */
static uint64_t next_event(const struct vpit *pit)
{
	const struct vpit_channel *c = &pit->ch[0];
	uint64_t target;

	if (!c->running)
		return 0;
	switch (c->mode) {
	case 0:
	case 4:
		if (c->periods)
			return 0;
		target = c->reload;
		break;
	case 2:
	case 3:
		/* Whole periods, at least VPIT_MIN_TICKS after the last edge. */
		target = (c->periods + (c->reload >= VPIT_MIN_TICKS ? 1 :
			  (VPIT_MIN_TICKS + c->reload - 1) / c->reload)) *
			 c->reload;
		break;
	default:
		return 0;
	}
	if (target < c->done)
		target = c->done;
	/* Round up: at the deadline elapsed() has reached target. */
	return c->start + muldiv_up(target - c->done, pit->tsc_hz, VPIT_HZ);
}

static void rearm(struct vpit *pit)
{
	uint64_t d = next_event(pit);

	if (d == pit->deadline)
		return;
	pit->deadline = d;
	pit->env->timer_arm(pit->ctx, d);
}

void vpit_timer_expired(struct vpit *pit, uint64_t now)
{
	struct vpit_channel *c = &pit->ch[0];
	uint64_t e = elapsed(pit, c, now), n = c->reload;

	pit->deadline = 0;	/* the armed timer is used up */
	if (c->running) {
		switch (c->mode) {
		case 0:
			if (!c->periods && e >= n) {
				c->periods = 1;
				irq_set(pit, true);
			}
			break;
		case 4:
			if (!c->periods && e >= n) {
				c->periods = 1;
				irq_set(pit, true);
				irq_set(pit, false);
			}
			break;
		case 2:
		case 3:
			/* However many periods passed: one edge. */
			if (e / n > c->periods) {
				c->periods = e / n;
				irq_set(pit, true);
				irq_set(pit, false);
			}
			break;
		}
	}
	rearm(pit);
}

bool vpit_out(struct vpit *pit, unsigned int ch, uint64_t now)
{
	if (ch > 2)
		return false;
	return out_at(&pit->ch[ch], elapsed(pit, &pit->ch[ch], now));
}

static void latch_count(struct vpit *pit, struct vpit_channel *c, uint64_t now)
{
	if (c->count_latched)	/* later latches wait for the first's read */
		return;
	c->latch = count_at(c, elapsed(pit, c, now));
	c->count_latched = true;
	c->latch_msb = false;
}

static void readback(struct vpit *pit, uint8_t v, uint64_t now)
{
	for (unsigned int i = 0; i < 3; i++) {
		struct vpit_channel *c = &pit->ch[i];

		if (!(v & (2u << i)))
			continue;
		if (!(v & RB_NO_COUNT))
			latch_count(pit, c, now);
		if (!(v & RB_NO_STATUS) && !c->status_latched) {
			c->status = vpit_out(pit, i, now) << 7 |
				    c->null_count << 6 | c->rw << 4 |
				    c->mode << 1 | c->bcd;
			c->status_latched = true;
		}
	}
}

static void control(struct vpit *pit, uint8_t v, uint64_t now)
{
	unsigned int sc = v >> CW_SC_SHIFT, rw = (v >> CW_RW_SHIFT) & 3;
	struct vpit_channel *c;

	if (sc == CW_READBACK) {
		readback(pit, v, now);
		return;
	}
	c = &pit->ch[sc];
	if (!rw) {
		latch_count(pit, c, now);
		return;
	}
	c->mode = (v >> 1) & 7;
	if (c->mode > 5)	/* 6 and 7 are 2 and 3 */
		c->mode -= 4;
	c->rw = rw;
	c->bcd = v & 1;
	c->loaded = false;
	c->null_count = true;
	c->running = false;
	c->triggered = false;
	c->write_msb = false;
	c->read_msb = false;
	c->count_latched = false;
	c->status_latched = false;
	c->done = 0;
	c->periods = 0;
	if (sc == 0) {
		irq_set(pit, false);
		rearm(pit);
	}
}

static void load(struct vpit *pit, unsigned int idx, uint64_t now)
{
	struct vpit_channel *c = &pit->ch[idx];
	uint32_t n = c->bcd ? from_bcd(c->cr) : c->cr;

	c->reload = n ? n : (c->bcd ? 10000 : 65536);
	c->loaded = true;
	c->null_count = false;
	c->done = 0;
	c->start = now;
	c->periods = 0;
	if (c->mode == 1 || c->mode == 5) {
		c->triggered = false;
		c->running = false;
	} else {
		c->running = c->gate;
	}
	if (idx == 0) {
		irq_set(pit, false);	/* mode 0: OUT low again */
		rearm(pit);
	}
}

static void data_write(struct vpit *pit, unsigned int idx, uint8_t v,
		       uint64_t now)
{
	struct vpit_channel *c = &pit->ch[idx];

	switch (c->rw) {
	case 1:
		c->cr = v;
		break;
	case 2:
		c->cr = v << 8;
		break;
	default:
		if (!c->write_msb) {
			c->cr_lsb = v;
			c->write_msb = true;
			return;
		}
		c->write_msb = false;
		c->cr = c->cr_lsb | v << 8;
		break;
	}
	load(pit, idx, now);
}

static uint8_t data_read(struct vpit *pit, struct vpit_channel *c,
			 uint64_t now)
{
	uint16_t v;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->count_latched) {
		if (c->rw == 3 && !c->latch_msb) {
			c->latch_msb = true;
			return c->latch & 0xff;
		}
		c->count_latched = false;
		return c->rw == 1 ? c->latch & 0xff : c->latch >> 8;
	}
	v = count_at(c, elapsed(pit, c, now));
	switch (c->rw) {
	case 1:
		return v & 0xff;
	case 2:
		return v >> 8;
	}
	c->read_msb = !c->read_msb;
	return c->read_msb ? v & 0xff : v >> 8;
}

static void set_gate(struct vpit *pit, struct vpit_channel *c, bool g,
		     uint64_t now)
{
	if (g == c->gate)
		return;
	switch (c->mode) {
	case 0:
	case 4:			/* low pauses, high resumes */
		if (!g) {
			c->done = elapsed(pit, c, now);
			c->running = false;
		} else {
			c->start = now;
			c->running = c->loaded;
		}
		break;
	case 2:
	case 3:			/* low stops (OUT high), high restarts */
		c->running = false;
		if (g && c->loaded) {
			c->done = 0;
			c->start = now;
			c->periods = 0;
			c->running = true;
		}
		break;
	default:		/* 1, 5: the rising edge triggers */
		if (g && c->loaded) {
			c->done = 0;
			c->start = now;
			c->running = true;
			c->triggered = true;
		}
		break;
	}
	c->gate = g;
}

static uint8_t read_byte(struct vpit *pit, uint16_t port)
{
	uint64_t now = pit->env->now(pit->ctx);
	uint8_t v;

	switch (port) {
	case VPIT_PORT:
	case VPIT_PORT + 1:
	case VPIT_PORT + 2:
		return data_read(pit, &pit->ch[port - VPIT_PORT], now);
	case VPIT_PORT_61:
		v = pit->port61 & VPIT_61_RW;
		if (muldiv(now, VPIT_HZ, pit->tsc_hz) / REFRESH_TICKS & 1)
			v |= VPIT_61_REFRESH;
		if (vpit_out(pit, 2, now))
			v |= VPIT_61_OUT2;
		return v;
	}
	return 0xff;		/* 0x43 is write-only */
}

static void write_byte(struct vpit *pit, uint16_t port, uint8_t v)
{
	uint64_t now = pit->env->now(pit->ctx);

	switch (port) {
	case VPIT_PORT:
	case VPIT_PORT + 1:
	case VPIT_PORT + 2:
		data_write(pit, port - VPIT_PORT, v, now);
		break;
	case VPIT_PORT_CMD:
		control(pit, v, now);
		break;
	case VPIT_PORT_61:
		pit->port61 = v & VPIT_61_RW;
		set_gate(pit, &pit->ch[2], v & VPIT_61_GATE2, now);
		break;
	}
}

static uint32_t vpit_read(void *dev, uint16_t port, unsigned int size)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < size && i < 4; i++)
		v |= (uint32_t)read_byte(dev, port + i) << (8 * i);
	return v;
}

static void vpit_write(void *dev, uint16_t port, unsigned int size, uint32_t v)
{
	for (unsigned int i = 0; i < size && i < 4; i++)
		write_byte(dev, port + i, v >> (8 * i));
}

const struct pio_ops vpit_ops = {
	.name = "pit",
	.read = vpit_read,
	.write = vpit_write,
};

int vpit_init(struct vpit *pit, const struct vpit_env *env, void *ctx,
	      uint64_t tsc_khz)
{
	if (!env || !tsc_khz)
		return -EINVAL;
	memset(pit, 0, sizeof(*pit));
	pit->env = env;
	pit->ctx = ctx;
	pit->tsc_hz = tsc_khz * 1000;
	for (unsigned int i = 0; i < 3; i++) {
		pit->ch[i].rw = 3;
		pit->ch[i].gate = i != 2;	/* 0 and 1 are tied high */
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The virtual local APIC (see vlapic.h). Register semantics follow Intel
 * SDM Vol. 3A chapter 11; where the SDM leaves behaviour undefined
 * (odd-sized MMIO, reserved timer mode) the model picks the harmless
 * choice and says so.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include "dev/vlapic.h"

#define REG(vl, off)	((vl)->regs[(off) >> 2])

/* Writable bits. */
#define SVR_MASK	0x3ffu		/* vector, enable, focus check */
#define ICR_LO_MASK	0x000ccfffu	/* all but delivery status */
#define LVT_TIMER_MASK	(0xffu | APIC_LVT_MASKED | APIC_LVT_TIMER_MODE)
#define LVT_LINT_MASK	(0xffu | 0x700u | (1u << 13) | (1u << 15) | \
			 APIC_LVT_MASKED)
#define LVT_OTHER_MASK	(0xffu | 0x700u | APIC_LVT_MASKED)
#define LVT_ERROR_MASK	(0xffu | APIC_LVT_MASKED)
#define TDCR_MASK	0xbu

#define ICR_DEST_LOGICAL (1u << 11)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_TRIGGER_LVL	(1u << 15)

static const uint32_t lvt_regs[] = {
	VAPIC_LVT_TIMER, VAPIC_LVT_THERM, VAPIC_LVT_PERF,
	VAPIC_LVT_LINT0, VAPIC_LVT_LINT1, VAPIC_LVT_ERROR,
};
#define N_LVT	(sizeof(lvt_regs) / sizeof(lvt_regs[0]))

/* ISR/TMR/IRR: 8 registers of 32 vectors each, 16 bytes apart. */
static inline uint32_t *vec_word(struct vlapic *vl, uint32_t base,
				 unsigned int v)
{
	return &vl->regs[(base >> 2) + (v >> 5) * 4];
}

static inline uint32_t vec_bit(unsigned int v)
{
	return 1u << (v & 31);
}

static int highest_vec(const struct vlapic *vl, uint32_t base)
{
	for (int i = 7; i >= 0; i--) {
		uint32_t w = vlapic_reg_peek(vl, base + i * 0x10);

		if (w)
			return i * 32 + 31 - __builtin_clz(w);
	}
	return -1;
}

int vlapic_highest_irr(const struct vlapic *vl)
{
	return highest_vec(vl, VAPIC_IRR);
}

int vlapic_highest_isr(const struct vlapic *vl)
{
	return highest_vec(vl, VAPIC_ISR);
}

static uint32_t x2apic_ldr(uint32_t id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

/*
 * a * b / c, rounded down or up, saturating. Long division by hand: the
 * hypervisor links without libgcc (no __udivti3), and this runs only when
 * the guest programs or reads the count.
 */
static uint64_t muldiv(uint64_t a, uint64_t b, uint64_t c, bool up)
{
	unsigned __int128 n = (unsigned __int128)a * b;
	uint64_t hi, lo, q = 0, r;

	if (up)
		n += c - 1;
	hi = (uint64_t)(n >> 64);
	lo = (uint64_t)n;
	if (!hi)
		return lo / c;
	if (hi >= c)
		return UINT64_MAX;
	r = hi;
	for (int i = 63; i >= 0; i--) {
		bool carry = r >> 63;

		r = (r << 1) | ((lo >> i) & 1);
		q <<= 1;
		if (carry || r >= c) {
			r -= c;
			q |= 1;
		}
	}
	return q;
}

/* ---- priorities ------------------------------------------------------ */

uint32_t vlapic_ppr_of(const struct vlapic *vl, int isrv)
{
	uint32_t tpr = vlapic_reg_peek(vl, VAPIC_TPR) & 0xff;
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

	return (tpr & 0xf0) >= isr_class ? tpr : isr_class;
}

uint32_t vlapic_ppr(const struct vlapic *vl)
{
	return vlapic_ppr_of(vl, vlapic_highest_isr(vl));
}

/* The page's PPR is what APIC-register virtualization lets the guest
 * read, so keep it current. */
static void update_ppr(struct vlapic *vl)
{
	REG(vl, VAPIC_PPR) = vlapic_ppr(vl);
}

/* ---- posting ---------------------------------------------------------- */

static bool post(struct vlapic *vl, uint8_t vec, bool level);

static void set_error(struct vlapic *vl, uint32_t bits)
{
	uint32_t lvt = vlapic_reg_peek(vl, VAPIC_LVT_ERROR);

	__atomic_fetch_or(&vl->esr_pending, bits, __ATOMIC_SEQ_CST);
	/* An illegal error vector only sets ESR: no recursion. */
	if (!(lvt & APIC_LVT_MASKED) && (lvt & 0xff) >= 16)
		post(vl, lvt & 0xff, false);
}

/* Into the PIR; TMR follows the trigger mode of the latest acceptance
 * (SDM 11.8.4). TMR is stored before the PIR bit, so whoever takes the
 * bit also sees TMR (and the EOI-exit bitmap built from it). */
static bool post_vec(struct vlapic *vl, uint8_t vec, bool level, bool tell)
{
	uint32_t *tmr = vec_word(vl, VAPIC_TMR, vec), bit = vec_bit(vec);

	if (vec < 16) {
		set_error(vl, APIC_ESR_RECV_ILLEGAL);
		return false;
	}
	if (level)
		__atomic_fetch_or(tmr, bit, __ATOMIC_SEQ_CST);
	else if (__atomic_load_n(tmr, __ATOMIC_RELAXED) & bit)
		__atomic_fetch_and(tmr, ~bit, __ATOMIC_SEQ_CST);
	if (pi_post(&vl->pi, vec) && tell)
		vl->env->notify(vl->ctx, true);
	return true;
}

static bool post(struct vlapic *vl, uint8_t vec, bool level)
{
	return post_vec(vl, vec, level, true);
}

bool vlapic_accept(struct vlapic *vl, const struct apic_msg *m)
{
	if (!vlapic_hw_enabled(vl))
		return false;
	switch (m->mode) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		/* A software-disabled APIC takes only NMI, INIT and SIPI
		 * (SDM 11.4.7.2). */
		return vlapic_sw_enabled(vl) && post(vl, m->vector, m->level);
	case APIC_DM_NMI:
		if (!__atomic_exchange_n(&vl->nmi_pending, 1, __ATOMIC_SEQ_CST))
			vl->env->notify(vl->ctx, false);
		return true;
	case APIC_DM_INIT:
		/* De-assert is a no-op: Asterinas sends it to all including
		 * self, and modern CPUs ignore it. */
		if (!m->assert)
			return false;
		vl->env->init(vl->ctx);
		return true;
	case APIC_DM_SIPI:
		vl->env->sipi(vl->ctx, m->vector);
		return true;
	default:		/* SMI, ExtINT: not modeled */
		return false;
	}
}

bool vlapic_nmi_pending(const struct vlapic *vl)
{
	return __atomic_load_n(&vl->nmi_pending, __ATOMIC_RELAXED);
}

bool vlapic_take_nmi(struct vlapic *vl)
{
	if (!__atomic_load_n(&vl->nmi_pending, __ATOMIC_RELAXED))
		return false;
	return __atomic_exchange_n(&vl->nmi_pending, 0, __ATOMIC_SEQ_CST);
}

/* ---- timer ------------------------------------------------------------- */

static uint64_t now(struct vlapic *vl)
{
	return vl->env->now(vl->ctx);
}

static uint32_t timer_mode(struct vlapic *vl)
{
	return REG(vl, VAPIC_LVT_TIMER) & APIC_LVT_TIMER_MODE;
}

/* TDCR bits 3,1:0 -> 2, 4, ... 128, then 1 (SDM Figure 11-10). */
static uint32_t tdcr_divisor(uint32_t tdcr)
{
	uint32_t v = (tdcr & 3) | ((tdcr >> 1) & 4);

	return 1u << ((v + 1) & 7);
}

static uint64_t min_period(struct vlapic *vl)
{
	return vl->tsc_hz / (1000000 / VLAPIC_MIN_PERIOD_US);
}

static void timer_cancel(struct vlapic *vl)
{
	if (vl->tmr_armed) {
		vl->tmr_armed = false;
		vl->env->timer_arm(vl->ctx, 0);
	}
}

static void timer_fire(struct vlapic *vl, uint64_t t, bool tell)
{
	uint32_t lvt = REG(vl, VAPIC_LVT_TIMER);
	uint64_t p, next;

	if (!(lvt & APIC_LVT_MASKED))
		post_vec(vl, lvt & 0xff, false, tell);
	switch (lvt & APIC_LVT_TIMER_MODE) {
	case APIC_LVT_TIMER_PERIODIC:
		/* Keep the phase; periods missed while late coalesce into
		 * this one interrupt, as the PIR would anyway. */
		p = vl->tmr_period > min_period(vl) ? vl->tmr_period
						    : min_period(vl);
		next = vl->tmr_deadline + p;
		if (next <= t)
			next += ((t - next) / p + 1) * p;
		vl->tmr_deadline = next;
		vl->env->timer_arm(vl->ctx, next);
		break;
	case APIC_LVT_TIMER_TSCDL:
		vl->tsc_deadline = 0;	/* SDM 11.5.4.1: disarms itself */
		vl->tmr_armed = false;
		break;
	default:
		vl->tmr_armed = false;
		break;
	}
}

/* Due already: fire now rather than at the next pass of the timer list,
 * which may be a whole slice away. */
static void timer_arm_at(struct vlapic *vl, uint64_t deadline, uint64_t t)
{
	vl->tmr_deadline = deadline;
	vl->tmr_armed = true;
	if (deadline <= t)
		timer_fire(vl, t, true);
	else
		vl->env->timer_arm(vl->ctx, deadline);
}

/* Initial count written (one-shot/periodic). The divisor applies from
 * here on: a later TDCR write takes effect at the next load. */
static void timer_load(struct vlapic *vl, uint32_t count)
{
	uint64_t t, period;

	if (!count) {
		timer_cancel(vl);
		return;
	}
	vl->tmr_div = tdcr_divisor(REG(vl, VAPIC_TDCR));
	period = muldiv((uint64_t)count * vl->tmr_div, vl->tsc_hz,
			vl->crystal_hz, false);
	vl->tmr_period = period ? period : 1;
	t = now(vl);
	timer_arm_at(vl, t + vl->tmr_period, t);
}

static uint32_t timer_current(struct vlapic *vl)
{
	uint32_t mode = timer_mode(vl), init = REG(vl, VAPIC_TMICT);
	uint64_t t, left, ticks, count, p;

	if (!vl->tmr_armed || mode == APIC_LVT_TIMER_TSCDL)
		return 0;
	t = now(vl);
	if (t < vl->tmr_deadline) {
		left = vl->tmr_deadline - t;
	} else if (mode == APIC_LVT_TIMER_PERIODIC) {
		/* Expired, the software timer not run yet: already reloaded. */
		p = vl->tmr_period > min_period(vl) ? vl->tmr_period
						    : min_period(vl);
		left = p - (t - vl->tmr_deadline) % p;
	} else {
		return 0;
	}
	/* Round up: the count reaches 0 exactly at the deadline. */
	ticks = muldiv(left, vl->crystal_hz, vl->tsc_hz, true);
	count = ticks / vl->tmr_div + (ticks % vl->tmr_div != 0);
	return count < init ? (uint32_t)count : init;
}

static void lvt_timer_write(struct vlapic *vl, uint32_t val)
{
	uint32_t old = REG(vl, VAPIC_LVT_TIMER);
	bool was_dl = (old & APIC_LVT_TIMER_MODE) == APIC_LVT_TIMER_TSCDL;
	bool is_dl;

	/* Mode 3 is reserved: treat it as one-shot. */
	if ((val & APIC_LVT_TIMER_MODE) == APIC_LVT_TIMER_MODE)
		val &= ~APIC_LVT_TIMER_MODE;
	is_dl = (val & APIC_LVT_TIMER_MODE) == APIC_LVT_TIMER_TSCDL;
	REG(vl, VAPIC_LVT_TIMER) = val;
	/* Into or out of TSC-deadline mode disarms; one-shot <-> periodic
	 * keeps counting. */
	if (was_dl != is_dl) {
		timer_cancel(vl);
		REG(vl, VAPIC_TMICT) = 0;
		vl->tsc_deadline = 0;
	}
}

static void tsc_deadline_write(struct vlapic *vl, uint64_t val)
{
	/* Ignored outside TSC-deadline mode (SDM 11.5.4.1). */
	if (!vlapic_hw_enabled(vl) || timer_mode(vl) != APIC_LVT_TIMER_TSCDL)
		return;
	vl->tsc_deadline = val;
	if (!val)
		timer_cancel(vl);
	else
		timer_arm_at(vl, val, now(vl));
}

static void timer_expired(struct vlapic *vl, bool tell)
{
	uint64_t t;

	if (!vl->tmr_armed)
		return;			/* cancelled meanwhile */
	t = now(vl);
	if (t < vl->tmr_deadline) {	/* early, or re-armed later */
		vl->env->timer_arm(vl->ctx, vl->tmr_deadline);
		return;
	}
	timer_fire(vl, t, tell);
}

void vlapic_timer_expired(struct vlapic *vl)
{
	timer_expired(vl, true);
}

void vlapic_timer_expired_told(struct vlapic *vl)
{
	timer_expired(vl, false);
}

/* ---- reset and mode ---------------------------------------------------- */

static void regs_reset(struct vlapic *vl)
{
	uint64_t pir[4];
	bool x2 = vlapic_x2apic(vl);

	timer_cancel(vl);
	vl->tsc_deadline = 0;
	vl->tmr_period = 0;
	vl->tmr_div = 2;
	memset(vl->regs, 0, 4096);
	REG(vl, VAPIC_ID) = x2 ? vl->id : vl->id << 24;
	REG(vl, VAPIC_VERSION) = VLAPIC_VERSION;
	REG(vl, VAPIC_LDR) = x2 ? x2apic_ldr(vl->id) : 0;
	REG(vl, VAPIC_DFR) = 0xffffffff;
	REG(vl, VAPIC_SVR) = 0xff;
	for (size_t i = 0; i < N_LVT; i++)
		REG(vl, lvt_regs[i]) = APIC_LVT_MASKED;
	pi_take(&vl->pi, pir);
	__atomic_store_n(&vl->esr_pending, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&vl->nmi_pending, 0, __ATOMIC_SEQ_CST);
}

int vlapic_init(struct vlapic *vl, uint32_t *page,
		const struct vlapic_config *cfg,
		const struct vlapic_env *env, void *ctx)
{
	unsigned int pb = cfg->phys_bits ? cfg->phys_bits : 52;
	const struct vlapic_env *e = env;

	if (!page || ((uintptr_t)page & 0xfff) || !cfg->crystal_hz ||
	    !cfg->tsc_khz || cfg->id >= 0xff || pb < 32 || pb > 52 || !e ||
	    !e->now || !e->timer_arm || !e->notify || !e->send_ipi ||
	    !e->eoi_level || !e->init || !e->sipi)
		return -EINVAL;
	memset(vl, 0, sizeof(*vl));
	vl->regs = page;
	vl->env = env;
	vl->ctx = ctx;
	vl->id = cfg->id;
	vl->crystal_hz = cfg->crystal_hz;
	vl->tsc_hz = (uint64_t)cfg->tsc_khz * 1000;
	vl->base_rsvd = 0xffull | (1ull << 9) | ~((1ull << pb) - 1);
	vl->apic_base = APIC_BASE_DEFAULT | APIC_BASE_EN |
			(cfg->bsp ? APIC_BASE_BSP : 0);
	pi_init(&vl->pi, 0, 0);
	regs_reset(vl);
	return 0;
}

void vlapic_reset(struct vlapic *vl)
{
	regs_reset(vl);
}

/*
 * SDM 11.12.5: disabled <-> xAPIC, xAPIC -> x2APIC and x2APIC -> disabled
 * are legal; x2APIC -> xAPIC, disabled -> x2APIC and EN=0 with EXTD=1 are
 * not. Going to disabled resets the APIC, so re-enabling finds the
 * power-on state with an xAPIC ID.
 */
int vlapic_set_base(struct vlapic *vl, uint64_t val)
{
	uint64_t old = vl->apic_base;
	bool oen = old & APIC_BASE_EN, ox = old & APIC_BASE_EXTD;
	bool en = val & APIC_BASE_EN, x = val & APIC_BASE_EXTD;

	if (val & vl->base_rsvd)
		return -EINVAL;
	if ((x && !en) || (ox && en && !x) || (!oen && x))
		return -EINVAL;
	val = (val & ~APIC_BASE_BSP) | (old & APIC_BASE_BSP);
	__atomic_store_n(&vl->apic_base, val, __ATOMIC_SEQ_CST);
	if (oen && !en) {
		regs_reset(vl);
	} else if (!ox && x) {
		/* ID becomes the initial x2APIC ID, LDR derives from it. */
		REG(vl, VAPIC_ID) = vl->id;
		REG(vl, VAPIC_LDR) = x2apic_ldr(vl->id);
		REG(vl, VAPIC_ICR_HI) = 0;
	}
	return 0;
}

/* ---- registers ----------------------------------------------------------- */

static bool is_vec_reg(uint32_t off)
{
	return off >= VAPIC_ISR && off < VAPIC_ESR;
}

/* Readable in xAPIC mode (x2 false) or as an x2APIC MSR (x2 true). */
static bool reg_readable(uint32_t off, bool x2)
{
	if (is_vec_reg(off))
		return true;
	switch (off) {
	case VAPIC_ID: case VAPIC_VERSION: case VAPIC_TPR: case VAPIC_PPR:
	case VAPIC_LDR: case VAPIC_SVR: case VAPIC_ESR: case VAPIC_ICR_LO:
	case VAPIC_LVT_TIMER: case VAPIC_LVT_THERM: case VAPIC_LVT_PERF:
	case VAPIC_LVT_LINT0: case VAPIC_LVT_LINT1: case VAPIC_LVT_ERROR:
	case VAPIC_TMICT: case VAPIC_TMCCT: case VAPIC_TDCR:
		return true;
	case VAPIC_APR: case VAPIC_EOI: case VAPIC_RRD: case VAPIC_DFR:
	case VAPIC_ICR_HI:
		return !x2;
	default:
		return false;
	}
}

static uint32_t read_reg(struct vlapic *vl, uint32_t off)
{
	switch (off) {
	case VAPIC_PPR:
		update_ppr(vl);
		break;
	case VAPIC_TMCCT:
		return timer_current(vl);
	case VAPIC_APR: case VAPIC_EOI: case VAPIC_RRD:
		return 0;
	}
	return REG(vl, off);
}

static void do_eoi_level(struct vlapic *vl, unsigned int v)
{
	if (vlapic_reg_peek(vl, VAPIC_TMR + (v >> 5) * 0x10) & vec_bit(v))
		vl->env->eoi_level(vl->ctx, v);
}

static void do_eoi(struct vlapic *vl)
{
	int v = vlapic_highest_isr(vl);

	if (v < 0)
		return;
	*vec_word(vl, VAPIC_ISR, v) &= ~vec_bit(v);
	update_ppr(vl);
	do_eoi_level(vl, v);
}

static void self_ipi(struct vlapic *vl, uint8_t vec)
{
	struct apic_msg m = {
		.vector = vec, .mode = APIC_DM_FIXED,
		.shorthand = APIC_SH_SELF, .assert = true,
		.x2apic = vlapic_x2apic(vl),
	};

	vlapic_accept(vl, &m);
}

static void send_icr(struct vlapic *vl)
{
	uint32_t lo = REG(vl, VAPIC_ICR_LO), hi = REG(vl, VAPIC_ICR_HI);
	bool x2 = vlapic_x2apic(vl);
	struct apic_msg m = {
		.vector = lo & 0xff,
		.mode = (lo >> 8) & 7,
		.shorthand = (lo >> 18) & 3,
		.logical = lo & ICR_DEST_LOGICAL,
		.assert = true,
		.dest = x2 ? hi : hi >> 24,
		.x2apic = x2,
	};

	switch (m.mode) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		if (m.vector < 16) {
			set_error(vl, APIC_ESR_SEND_ILLEGAL);
			return;
		}
		break;
	case APIC_DM_INIT:
		/* Level and trigger mean something only for INIT. */
		m.assert = lo & ICR_LEVEL_ASSERT;
		m.level = lo & ICR_TRIGGER_LVL;
		if (!m.assert)
			return;		/* de-assert: a no-op */
		break;
	case APIC_DM_NMI:
	case APIC_DM_SIPI:
		break;
	default:		/* SMI, reserved, ExtINT */
		return;
	}
	/* Self is legal for fixed only; it never leaves this APIC. */
	if (m.shorthand == APIC_SH_SELF) {
		if (m.mode == APIC_DM_FIXED)
			vlapic_accept(vl, &m);
		return;
	}
	vl->env->send_ipi(vl->ctx, &m);
}

static void svr_write(struct vlapic *vl, uint32_t val)
{
	REG(vl, VAPIC_SVR) = val & SVR_MASK;
	/* Software disable masks every LVT; re-enable leaves them masked
	 * (SDM 11.4.7.2). */
	if (!(val & APIC_SVR_ENABLE))
		for (size_t i = 0; i < N_LVT; i++)
			REG(vl, lvt_regs[i]) |= APIC_LVT_MASKED;
}

/* The write side effects common to MMIO, MSR and APIC-write exits. The
 * register may already hold the raw value (APIC-write): store the masked
 * one over it. Read-only registers are left alone. */
static void write_reg(struct vlapic *vl, uint32_t off, uint32_t val)
{
	bool x2 = vlapic_x2apic(vl);
	uint32_t force = vlapic_sw_enabled(vl) ? 0 : APIC_LVT_MASKED;

	switch (off) {
	case VAPIC_ID:
		REG(vl, off) = x2 ? vl->id : val & 0xff000000;
		break;
	case VAPIC_TPR:
		REG(vl, off) = val & 0xff;
		update_ppr(vl);
		break;
	case VAPIC_EOI:
		REG(vl, off) = 0;
		do_eoi(vl);
		break;
	case VAPIC_LDR:
		REG(vl, off) = x2 ? x2apic_ldr(vl->id) : val & 0xff000000;
		break;
	case VAPIC_DFR:
		REG(vl, off) = val | 0x0fffffff;
		break;
	case VAPIC_SVR:
		svr_write(vl, val);
		break;
	case VAPIC_ESR:
		/* Latch the errors seen since the last write (SDM 11.5.3). */
		REG(vl, off) = __atomic_exchange_n(&vl->esr_pending, 0,
						   __ATOMIC_SEQ_CST);
		break;
	case VAPIC_ICR_LO:
		REG(vl, off) = val & ICR_LO_MASK;
		send_icr(vl);
		break;
	case VAPIC_ICR_HI:
		REG(vl, off) = x2 ? val : val & 0xff000000;
		break;
	case VAPIC_LVT_TIMER:
		lvt_timer_write(vl, (val & LVT_TIMER_MASK) | force);
		break;
	case VAPIC_LVT_THERM:
	case VAPIC_LVT_PERF:
		REG(vl, off) = (val & LVT_OTHER_MASK) | force;
		break;
	case VAPIC_LVT_LINT0:
	case VAPIC_LVT_LINT1:
		REG(vl, off) = (val & LVT_LINT_MASK) | force;
		break;
	case VAPIC_LVT_ERROR:
		REG(vl, off) = (val & LVT_ERROR_MASK) | force;
		break;
	case VAPIC_TMICT:
		if (timer_mode(vl) == APIC_LVT_TIMER_TSCDL) {
			REG(vl, off) = 0;	/* ignored in that mode */
			break;
		}
		REG(vl, off) = val;
		timer_load(vl, val);
		break;
	case VAPIC_TDCR:
		REG(vl, off) = val & TDCR_MASK;
		break;
	case VAPIC_SELF_IPI:
		REG(vl, off) = 0;
		if (x2)
			self_ipi(vl, val & 0xff);
		break;
	}
}

int vlapic_mmio_read(struct vlapic *vl, uint32_t offset, unsigned int size,
		     uint64_t *val)
{
	uint32_t reg = offset & 0xff0, byte = offset & 0xf;
	uint64_t v = 0;

	if (!vlapic_hw_enabled(vl) || vlapic_x2apic(vl))
		return -ENODEV;
	if (offset >= 0x1000 || !reg_readable(reg, false)) {
		set_error(vl, APIC_ESR_ILLEGAL_REG);
	} else if (byte < 4) {
		/* Bytes 4-15 of a 16-byte slot read as 0. */
		v = (uint64_t)read_reg(vl, reg) >> (8 * byte);
	}
	if (size < 8)
		v &= (1ull << (8 * size)) - 1;
	*val = v;
	return 0;
}

int vlapic_mmio_write(struct vlapic *vl, uint32_t offset, unsigned int size,
		      uint64_t val)
{
	uint32_t reg = offset & 0xff0;

	if (!vlapic_hw_enabled(vl) || vlapic_x2apic(vl))
		return -ENODEV;
	if (offset >= 0x1000 || !reg_readable(reg, false)) {
		set_error(vl, APIC_ESR_ILLEGAL_REG);
		return 0;
	}
	/* Only aligned 32-bit (or wider) stores reach a register. */
	if ((offset & 0xf) || size < 4)
		return 0;
	write_reg(vl, reg, (uint32_t)val);
	return 0;
}

int vlapic_rdmsr(struct vlapic *vl, uint32_t msr, uint64_t *val)
{
	uint32_t off;

	if (msr == VLAPIC_MSR_APIC_BASE) {
		*val = vlapic_get_base(vl);
		return 0;
	}
	if (msr == VLAPIC_MSR_TSC_DEADLINE) {
		*val = timer_mode(vl) == APIC_LVT_TIMER_TSCDL ?
		       vl->tsc_deadline : 0;
		return 0;
	}
	if (msr < VLAPIC_MSR_X2APIC_FIRST || msr > VLAPIC_MSR_X2APIC_LAST)
		return -ENOENT;
	off = (msr - VLAPIC_MSR_X2APIC_FIRST) << 4;
	if (!vlapic_x2apic(vl) || !reg_readable(off, true))
		return -EINVAL;
	if (off == VAPIC_ICR_LO)
		*val = (uint64_t)REG(vl, VAPIC_ICR_HI) << 32 |
		       REG(vl, VAPIC_ICR_LO);
	else
		*val = read_reg(vl, off);
	return 0;
}

int vlapic_wrmsr(struct vlapic *vl, uint32_t msr, uint64_t val)
{
	uint32_t off;

	if (msr == VLAPIC_MSR_APIC_BASE)
		return vlapic_set_base(vl, val);
	if (msr == VLAPIC_MSR_TSC_DEADLINE) {
		tsc_deadline_write(vl, val);
		return 0;
	}
	if (msr < VLAPIC_MSR_X2APIC_FIRST || msr > VLAPIC_MSR_X2APIC_LAST)
		return -ENOENT;
	if (!vlapic_x2apic(vl))
		return -EINVAL;
	off = (msr - VLAPIC_MSR_X2APIC_FIRST) << 4;
	if (off == VAPIC_ICR_LO) {
		/* One 64-bit write: destination in the high half. */
		REG(vl, VAPIC_ICR_HI) = val >> 32;
		write_reg(vl, off, (uint32_t)val);
		return 0;
	}
	if (val >> 32)
		return -EINVAL;
	switch (off) {
	case VAPIC_EOI:
	case VAPIC_ESR:
		if (val)
			return -EINVAL;	/* must write 0 (SDM 11.12.1.2) */
		break;
	case VAPIC_SELF_IPI:
		if (val & ~0xffull)
			return -EINVAL;
		break;
	case VAPIC_TPR: case VAPIC_SVR:
	case VAPIC_LVT_TIMER: case VAPIC_LVT_THERM: case VAPIC_LVT_PERF:
	case VAPIC_LVT_LINT0: case VAPIC_LVT_LINT1: case VAPIC_LVT_ERROR:
	case VAPIC_TMICT: case VAPIC_TDCR:
		break;
	default:
		return -EINVAL;		/* read-only or absent */
	}
	write_reg(vl, off, (uint32_t)val);
	return 0;
}

/* ---- the owner's side of delivery --------------------------------------- */

void vlapic_take_pir(struct vlapic *vl)
{
	uint64_t pir[4];

	/* ON clear: any post in flight will set it and notify again. */
	if (pi_test_on(&vl->pi) && pi_take(&vl->pi, pir)) {
		for (int i = 0; i < 8; i++) {
			uint32_t w = (uint32_t)(pir[i >> 1] >> ((i & 1) * 32));

			if (w)
				vl->regs[(VAPIC_IRR >> 2) + i * 4] |= w;
		}
	}
}

int vlapic_sync_pir(struct vlapic *vl)
{
	vlapic_take_pir(vl);
	return vlapic_highest_irr(vl);
}

int vlapic_pending_vector(struct vlapic *vl)
{
	int v;

	if (!vlapic_hw_enabled(vl))
		return -1;
	/* TPR may have changed without an exit (TPR shadow). */
	update_ppr(vl);
	v = vlapic_highest_irr(vl);
	if (v < 0 || ((uint32_t)v & 0xf0) <= (REG(vl, VAPIC_PPR) & 0xf0))
		return -1;
	return v;
}

void vlapic_ack(struct vlapic *vl, uint8_t vec)
{
	*vec_word(vl, VAPIC_IRR, vec) &= ~vec_bit(vec);
	*vec_word(vl, VAPIC_ISR, vec) |= vec_bit(vec);
	update_ppr(vl);
}

uint32_t vlapic_tpr_threshold(struct vlapic *vl)
{
	int v = vlapic_highest_irr(vl);
	uint32_t tpr = REG(vl, VAPIC_TPR) & 0xff;

	if (v < 0 || ((uint32_t)v >> 4) > (tpr >> 4))
		return 0;
	return (uint32_t)v >> 4;
}

void vlapic_eoi_exit_bitmap(const struct vlapic *vl, uint64_t bm[4])
{
	for (int i = 0; i < 4; i++)
		bm[i] = vlapic_reg_peek(vl, VAPIC_TMR + 2 * i * 0x10) |
			(uint64_t)vlapic_reg_peek(vl, VAPIC_TMR +
						  (2 * i + 1) * 0x10) << 32;
}

bool vlapic_accepts_pic_intr(const struct vlapic *vl)
{
	uint32_t lvt = vlapic_reg_peek(vl, VAPIC_LVT_LINT0);

	if (!vlapic_hw_enabled(vl))
		return true;	/* INTR goes straight to the CPU */
	return !(lvt & APIC_LVT_MASKED) &&
	       ((lvt >> APIC_LVT_DM_SHIFT) & 7) == APIC_DM_EXTINT;
}

void vlapic_apic_write(struct vlapic *vl, uint32_t offset)
{
	offset &= 0xff0;
	write_reg(vl, offset, REG(vl, offset));
}

void vlapic_eoi_exit(struct vlapic *vl, uint8_t vector)
{
	do_eoi_level(vl, vector);
}

// SPDX-License-Identifier: GPL-2.0
/* Posted-interrupt descriptor operations (see pi.h). */
#include "dev/pi.h"

void pi_init(struct pi_desc *d, uint8_t nv, uint32_t ndst)
{
	for (int i = 0; i < 4; i++)
		__atomic_store_n(&d->pir[i], 0, __ATOMIC_RELAXED);
	d->rsvd[0] = d->rsvd[1] = d->rsvd[2] = 0;
	__atomic_store_n(&d->control,
			 ((uint64_t)nv << PI_NV_SHIFT) |
			 ((uint64_t)ndst << PI_NDST_SHIFT), __ATOMIC_RELEASE);
}

bool pi_post(struct pi_desc *d, uint8_t vec)
{
	uint64_t old;

	/* The bit must be visible before ON: whoever sees ON finds it. */
	__atomic_fetch_or(&d->pir[vec >> 6], 1ull << (vec & 63),
			  __ATOMIC_SEQ_CST);
	old = __atomic_fetch_or(&d->control, PI_ON, __ATOMIC_SEQ_CST);
	return !(old & PI_ON);
}

bool pi_take(struct pi_desc *d, uint64_t pir[4])
{
	uint64_t any = 0;

	__atomic_fetch_and(&d->control, ~PI_ON, __ATOMIC_SEQ_CST);
	for (int i = 0; i < 4; i++) {
		pir[i] = __atomic_exchange_n(&d->pir[i], 0, __ATOMIC_SEQ_CST);
		any |= pir[i];
	}
	return any != 0;
}

bool pi_test_on(const struct pi_desc *d)
{
	return __atomic_load_n(&d->control, __ATOMIC_ACQUIRE) & PI_ON;
}

void pi_set_sn(struct pi_desc *d, bool sn)
{
	if (sn)
		__atomic_fetch_or(&d->control, PI_SN, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(&d->control, ~PI_SN, __ATOMIC_SEQ_CST);
}

/* Replace one field without losing an ON set meanwhile by a poster or
 * by the CPU. */
static void pi_set_field(struct pi_desc *d, uint64_t mask, uint64_t val)
{
	uint64_t old = __atomic_load_n(&d->control, __ATOMIC_RELAXED);

	while (!__atomic_compare_exchange_n(&d->control, &old,
					    (old & ~mask) | (val & mask), false,
					    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		;
}

void pi_set_nv(struct pi_desc *d, uint8_t nv)
{
	pi_set_field(d, PI_NV_MASK, (uint64_t)nv << PI_NV_SHIFT);
}

void pi_set_ndst(struct pi_desc *d, uint32_t ndst)
{
	pi_set_field(d, PI_NDST_MASK, (uint64_t)ndst << PI_NDST_SHIFT);
}

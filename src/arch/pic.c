// SPDX-License-Identifier: GPL-2.0
/*
 * The legacy 8259 pair. Bochs delivers its interrupts even with LINT0
 * masked, so move them off the exception vectors and mask every line.
 */
#include "src/arch/cpu.h"
#include "src/arch/x86.h"

void pic_disable(void)
{
	outb(0x20, 0x11);	/* ICW1: init, ICW4 follows */
	outb(0xa0, 0x11);
	outb(0x21, 0x20);	/* ICW2: vectors 0x20.. and 0x28.. */
	outb(0xa1, 0x28);
	outb(0x21, 0x04);	/* ICW3 */
	outb(0xa1, 0x02);
	outb(0x21, 0x01);	/* ICW4: 8086 mode */
	outb(0xa1, 0x01);
	outb(0x21, 0xff);	/* mask all */
	outb(0xa1, 0xff);
}

// SPDX-License-Identifier: GPL-2.0
/* Console devices: the COM1 16550 and the 0xE9 debug port. */
#include <errno.h>
#include "src/arch/x86.h"
#include "src/arch/console.h"

#define COM1		0x3f8
#define UART_THR	0
#define UART_IER	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_SCR	7
#define LSR_THRE	0x20
#define LSR_TEMT	0x40

static bool serial_probe(void)
{
	/* A 16550 keeps what we write to its scratch register. */
	outb(COM1 + UART_SCR, 0x5a);
	return inb(COM1 + UART_SCR) == 0x5a;
}

static void serial_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, 0x80);	/* DLAB: divisor 1 = 115200 baud */
	outb(COM1 + 0, 1);
	outb(COM1 + 1, 0);
	outb(COM1 + UART_LCR, 0x03);	/* 8N1 */
	outb(COM1 + UART_FCR, 0x07);
	outb(COM1 + UART_MCR, 0x03);
}

static void serial_putc(char c)
{
	for (int i = 0; i < 1000000; i++)
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	outb(COM1 + UART_THR, c);
}

static void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

static void serial_flush(void)
{
	for (int i = 0; i < 1000000; i++)
		if (inb(COM1 + UART_LSR) & LSR_TEMT)
			break;
}

static int serial_getc(void)
{
	if (!(inb(COM1 + UART_LSR) & 0x01))	/* data ready */
		return -1;
	return inb(COM1 + UART_THR);
}

const struct console_ops serial_console = {
	.name = "serial",
	.probe = serial_probe,
	.init = serial_init,
	.write = serial_write,
	.flush = serial_flush,
	.getc = serial_getc,
};

bool e9_present(void)
{
	/* Bochs' port_e9_hack and QEMU's debugcon read back 0xE9. */
	return inb(0xe9) == 0xe9;
}

static void e9_init(void)
{
}

static void e9_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		outb(0xe9, s[i]);
}

static void e9_flush(void)
{
}

const struct console_ops e9_console = {
	.name = "e9",
	.probe = e9_present,
	.init = e9_init,
	.write = e9_write,
	.flush = e9_flush,
};

static const struct console_ops *all_consoles[] = {
	&serial_console, &e9_console,
};
static const struct console_ops *active[2];
static int n_active;

void console_init(void)
{
	/*
	 * Until hvisor.ini picks one, log to port 0xE9 where it exists (it
	 * costs nothing under Bochs), else to COM1.
	 */
	n_active = 0;
	for (int i = 1; i >= 0; i--) {
		if (!all_consoles[i]->probe())
			continue;
		all_consoles[i]->init();
		active[n_active++] = all_consoles[i];
		break;
	}
}

int console_select(const struct console_ops *ops)
{
	if (!ops->probe())
		return -ENODEV;
	console_flush();
	ops->init();
	active[0] = ops;
	n_active = 1;
	return 0;
}

void console_write(const char *s, size_t n)
{
	for (int i = 0; i < n_active; i++)
		active[i]->write(s, n);
}

void console_flush(void)
{
	for (int i = 0; i < n_active; i++)
		active[i]->flush();
}

int console_getc(void)
{
	/* Keys come from COM1 whichever console prints. */
	if (!serial_probe())
		return -1;
	return serial_getc();
}

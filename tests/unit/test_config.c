// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the hvisor.ini parser (src/config.c): every rule, and the
 * exact file:line, section and key of every message.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "src/core/config.h"

#define MAX_MSGS	64
#define MSG_LEN		512

struct capture {
	int n;
	char msg[MAX_MSGS][MSG_LEN];
};

static struct capture cap;
static struct hv_config cfg;

static void capture_report(void *ctx, const char *msg)
{
	struct capture *c = ctx;

	assert_non_null(msg);
	assert_null(strchr(msg, '\n'));
	if (c->n < MAX_MSGS)
		snprintf(c->msg[c->n], MSG_LEN, "%s", msg);
	c->n++;
}

/* Images the fake machine has; "unreadable.img" fails with -EIO. */
static int fake_image_size(void *ctx, const char *name, uint64_t *size)
{
	static const char *const known[] = {
		"hello.elf", "bzImage", "initrd.img", "test.elf",
		"m1.bin", "m2.bin", "m3.bin", "m4.bin", "m5.bin",
	};
	size_t i;

	if (!strcmp(name, "unreadable.img"))
		return -EIO;
	if (!strcmp(name, "odd.img")) {
		*size = 1000;
		return 0;
	}
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (!strcmp(name, known[i])) {
			*size = 4096 * (i + 1);
			return 0;
		}
	}
	return -ENOENT;
}

static int parse_on(const char *text, uint32_t n_cpus, uint64_t free_mem)
{
	struct cfg_machine m = {
		.n_cpus = n_cpus,
		.free_mem = free_mem,
		.image_size = fake_image_size,
		.report = capture_report,
		.ctx = &cap,
	};

	memset(&cap, 0, sizeof(cap));
	return config_parse("t.ini", text, &m, &cfg);
}

static int parse(const char *text)
{
	return parse_on(text, 0, 0);
}

static void dump(void)
{
	int i;

	for (i = 0; i < cap.n && i < MAX_MSGS; i++)
		print_message("  got: %s\n", cap.msg[i]);
}

/* Message @i is exactly @want. */
static void expect_msg(int i, const char *want)
{
	if (i >= cap.n || strcmp(cap.msg[i], want)) {
		print_message("want[%d]: %s\n", i, want);
		dump();
		fail();
	}
}

/* Message @i starts with @prefix ("t.ini:3: [guest a] memory: ") and says @why. */
static void expect_at(int i, const char *prefix, const char *why)
{
	if (i >= cap.n || strncmp(cap.msg[i], prefix, strlen(prefix)) ||
	    !strstr(cap.msg[i] + strlen(prefix), why)) {
		print_message("want[%d]: %s...%s\n", i, prefix, why);
		dump();
		fail();
	}
}

static void expect_count(int n)
{
	if (cap.n != n) {
		print_message("want %d messages, got %d\n", n, cap.n);
		dump();
		fail();
	}
}

static void expect_ok(int ret)
{
	if (ret || cap.n) {
		print_message("want success, got %d\n", ret);
		dump();
		fail();
	}
}

/* One error: ret is -EINVAL and the message is at @prefix saying @why. */
static void expect_one(int ret, const char *prefix, const char *why)
{
	assert_int_equal(ret, -EINVAL);
	expect_count(1);
	expect_at(0, prefix, why);
}

#define GUEST_A	"[guest a]\nkind = multiboot2\nkernel = hello.elf\nmemory = 16M\n"

/* ---- valid configurations ---------------------------------------------- */

static void test_full(void **state)
{
	const char *text =
		"; every key\n"
		"[hypervisor]\n"
		"console = e9\n"
		"log_level = debug\n"
		"scheduler = partition\n"
		"slice_us = 2500\n"
		"latency_us = 50\n"
		"apic_delivery = inject\n"
		"\n"
		"[guest linux-1]\n"
		"kind = linux\n"
		"kernel = bzImage\n"
		"initrd = initrd.img\n"
		"cmdline = console=ttyS0 root=/dev/vda1 rw\n"
		"memory = 1G\n"
		"vcpus = 1\n"
		"cpus = 0,2-3\n"
		"weight = 65535\n"
		"root = yes\n"
		"[guest mb_2]\n"
		"kind = multiboot2\n"
		"kernel = test.elf\n"
		"modules = m1.bin, m2.bin\n"
		"memory = 4100K\n"
		"cpus = 1\n"
		"weight = 1\n"
		"root = false\n";
	const struct guest_config *g;

	expect_ok(parse_on(text, 4, 2ULL << 30));
	assert_int_equal(cfg.hyp.console, CFG_CONSOLE_E9);
	assert_int_equal(cfg.hyp.log_level, LOG_DEBUG);
	assert_int_equal(cfg.hyp.scheduler, CFG_SCHED_PARTITION);
	assert_int_equal(cfg.hyp.slice_us, 2500);
	assert_int_equal(cfg.hyp.latency_us, 50);
	assert_int_equal(cfg.hyp.delivery, CFG_DELIVERY_INJECT);
	assert_int_equal(cfg.n_guests, 2);

	g = &cfg.guests[0];
	assert_string_equal(g->name, "linux-1");
	assert_int_equal(g->line, 10);
	assert_int_equal(g->kind, CFG_GUEST_LINUX);
	assert_string_equal(g->kernel, "bzImage");
	assert_string_equal(g->initrd, "initrd.img");
	assert_string_equal(g->cmdline, "console=ttyS0 root=/dev/vda1 rw");
	assert_true(g->memory == 1ULL << 30);
	assert_int_equal(g->vcpus, 1);
	assert_true(g->cpus == 0xd);
	assert_int_equal(g->weight, 65535);
	assert_true(g->root);

	g = &cfg.guests[1];
	assert_string_equal(g->name, "mb_2");
	assert_int_equal(g->line, 20);
	assert_int_equal(g->kind, CFG_GUEST_MULTIBOOT2);
	assert_string_equal(g->kernel, "test.elf");
	assert_string_equal(g->initrd, "");
	assert_int_equal(g->n_modules, 2);
	assert_string_equal(g->modules[0], "m1.bin");
	assert_string_equal(g->modules[1], "m2.bin");
	assert_string_equal(g->cmdline, "");
	assert_true(g->memory == 4100 * 1024);
	assert_true(g->cpus == 0x2);
	assert_int_equal(g->weight, 1);
	assert_false(g->root);
}

static void test_defaults(void **state)
{
	const struct guest_config *g = &cfg.guests[0];

	/* Stale data must not survive: config_parse() resets everything. */
	memset(&cfg, 0xa5, sizeof(cfg));
	expect_ok(parse(GUEST_A));
	assert_int_equal(cfg.hyp.console, CFG_CONSOLE_SERIAL);
	assert_int_equal(cfg.hyp.log_level, LOG_INFO);
	assert_int_equal(cfg.hyp.scheduler, CFG_SCHED_FAIR);
	assert_int_equal(cfg.hyp.slice_us, 1000);
	assert_int_equal(cfg.hyp.latency_us, 1000);
	assert_int_equal(cfg.hyp.delivery, CFG_DELIVERY_AUTO);
	assert_int_equal(cfg.hyp.vid_guard, CFG_GUARD_AUTO);
	assert_int_equal(cfg.n_guests, 1);
	assert_string_equal(g->name, "a");
	assert_int_equal(g->line, 1);
	assert_string_equal(g->initrd, "");
	assert_int_equal(g->n_modules, 0);
	assert_string_equal(g->cmdline, "");
	assert_int_equal(g->vcpus, 1);
	assert_int_equal(g->weight, 256);
	assert_false(g->root);
	/* Machine size unknown: every CPU. */
	assert_true(g->cpus == ~0ULL);

	expect_ok(parse_on(GUEST_A, 3, 0));
	assert_true(g->cpus == 0x7);
	expect_ok(parse_on(GUEST_A, 64, 0));
	assert_true(g->cpus == ~0ULL);
}

static void test_syntax_variants(void **state)
{
	const char *text =
		"\xef\xbb\xbf# BOM, CRLF, comments and odd case\r\n"
		"[Hypervisor]\r\n"
		"Console = E9 ; inline comment\r\n"
		"   ; indented comment\r\n"
		"scheduler=RR\r\n"
		"[guest  a ]\r\n"
		"KIND = MultiBoot2\r\n"
		"kernel = hello.elf\r\n"
		"memory = 0x1000000\r\n"
		"root = TRUE\r\n"
		"cmdline = a;b c=d\r\n";

	expect_ok(parse(text));
	assert_int_equal(cfg.hyp.console, CFG_CONSOLE_E9);
	assert_int_equal(cfg.hyp.scheduler, CFG_SCHED_RR);
	assert_string_equal(cfg.guests[0].name, "a");
	assert_int_equal(cfg.guests[0].line, 6);
	assert_int_equal(cfg.guests[0].kind, CFG_GUEST_MULTIBOOT2);
	assert_true(cfg.guests[0].memory == 16 << 20);
	assert_true(cfg.guests[0].root);
	/* Only " ;" starts an inline comment. */
	assert_string_equal(cfg.guests[0].cmdline, "a;b c=d");
}

static void test_demo_ini(void **state)
{
	static char text[16384];
	FILE *f = fopen("hvisor.ini", "r");
	size_t len;

	if (!f) {
		print_message("hvisor.ini not in the working directory\n");
		skip();
	}
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	expect_ok(parse_on(text, 2, 64 << 20));
	assert_int_equal(cfg.hyp.console, CFG_CONSOLE_E9);
	assert_int_equal(cfg.n_guests, 2);
	assert_string_equal(cfg.guests[0].name, "alpha");
	assert_string_equal(cfg.guests[1].name, "beta");
	assert_string_equal(cfg.guests[1].kernel, "hello.elf");
	assert_int_equal(cfg.guests[1].kind, CFG_GUEST_MULTIBOOT2);
	assert_true(cfg.guests[0].memory == 16 << 20);
	assert_true(cfg.guests[0].cpus == 1);
	assert_true(cfg.guests[1].cpus == 2);
}

static void test_null_machine(void **state)
{
	assert_int_equal(config_parse("t.ini", GUEST_A "kernel = x\n", NULL,
				      &cfg), -EINVAL);
	assert_int_equal(config_parse("t.ini", GUEST_A "cpus = 63\n", NULL,
				      &cfg), 0);
	assert_int_equal(config_parse("t.ini", NULL, NULL, &cfg), -EINVAL);
}

/* ---- syntax ------------------------------------------------------------ */

static void test_bad_syntax_all_reported(void **state)
{
	const char *text =
		GUEST_A			/* 1-4 */
		"this is not a key\n"	/* 5 */
		"\n"
		"  indented = 1\n"	/* 7: continuation? No: unknown key */
		"novalue\n"		/* 8 */
		"[guest b\n"		/* 9 */
		"kind = nonsense\n"	/* 10: ignored, no section */
		"[guest c]\n"		/* 11 */
		"kind = linux\n"
		"kernel = bzImage\n"
		"memory = 64M\n"
		"; a=b\n";

	assert_int_equal(parse(text), -EINVAL);
	expect_count(4);
	expect_msg(0, "t.ini:5: [guest a]: expected 'key = value', '[section]' or a comment");
	expect_msg(1, "t.ini:7: [guest a] indented: unknown key");
	expect_msg(2, "t.ini:8: [guest a]: expected 'key = value', '[section]' or a comment");
	expect_msg(3, "t.ini:9: section header without ']'");
	assert_int_equal(cfg.n_guests, 2);
}

static void test_continuation_line(void **state)
{
	/* Multiline values are off: an indented value-only line is an error. */
	expect_one(parse(GUEST_A "cmdline = a\n   b\n"),
		   "t.ini:6: [guest a]: ", "expected 'key = value'");
	assert_string_equal(cfg.guests[0].cmdline, "a");
}

static void test_long_lines(void **state)
{
	static char text[8192];
	char val[CFG_CMDLINE_MAX + 1];

	memset(val, 'x', sizeof(val));
	val[CFG_CMDLINE_MAX - 1] = '\0';
	snprintf(text, sizeof(text), GUEST_A "cmdline = %s\n", val);
	expect_ok(parse(text));
	assert_int_equal(strlen(cfg.guests[0].cmdline), CFG_CMDLINE_MAX - 1);

	val[CFG_CMDLINE_MAX - 1] = 'x';
	val[CFG_CMDLINE_MAX] = '\0';
	snprintf(text, sizeof(text), GUEST_A "cmdline = %s\nweight = 7\n", val);
	expect_one(parse(text), "t.ini:5: [guest a] cmdline: ",
		   "too long (512 characters, at most 511)");

	/* Longer than inih's line buffer: one error, the count goes on. */
	memset(val, 'y', sizeof(val) - 1);
	val[sizeof(val) - 1] = '\0';
	snprintf(text, sizeof(text), GUEST_A "; %s%s\ncmdline = %s%s\nbogus = 1\n",
		 val, val, val, val);
	assert_int_equal(parse(text), -EINVAL);
	expect_count(3);
	/* A comment is a line too: too long is an error (issue 17). */
	expect_msg(0, "t.ini:5: [guest a]: line too long");
	expect_msg(1, "t.ini:6: [guest a]: line too long");
	expect_msg(2, "t.ini:7: [guest a] bogus: unknown key");
}

/* A section line holds its header alone; lines end in LF or CRLF. */
static void test_section_line_and_line_ends(void **state)
{
	expect_one(parse("[hypervisor] scheduler = partition\n" GUEST_A),
		   "t.ini:1: [hypervisor]: ", "text after ']'");
	assert_int_equal(cfg.hyp.scheduler, CFG_SCHED_FAIR);
	expect_one(parse("[guest a] vcpus = 8\nkind = multiboot2\n"
			 "kernel = hello.elf\nmemory = 16M\n"),
		   "t.ini:1: [guest a]: ", "text after ']'");
	expect_one(parse("[guest a]]\nkind = multiboot2\nkernel = hello.elf\n"
			 "memory = 16M\n"),
		   "t.ini:1: [guest a]: ", "text after ']'");
	/* A comment after the header, and CRLF endings, are fine. */
	expect_ok(parse("[hypervisor]   ; the machine\r\nscheduler = rr\r\n"
			GUEST_A));
	assert_int_equal(cfg.hyp.scheduler, CFG_SCHED_RR);
	/* key: value is inih's, not hvisor.ini's; a ':' in a value is fine. */
	expect_one(parse(GUEST_A "vcpus: 2\n"), "t.ini:5: [guest a]: ",
		   "'key: value' is not hvisor.ini's syntax");
	expect_ok(parse(GUEST_A "mac = 02:68:76:00:00:01\nvirtio = net:sw0\n"));
	/* The command line: printable ASCII, as every other key. */
	expect_one(parse(GUEST_A "cmdline = a\x1b[2Jb\n"),
		   "t.ini:5: [guest a] cmdline: ",
		   "byte 0x1b at character 2: the command line is printable ASCII");
	expect_one(parse(GUEST_A "cmdline = a\x7f\n"),
		   "t.ini:5: [guest a] cmdline: ", "byte 0x7f at character 2");
	expect_one(parse(GUEST_A "cmdline = caf\xc3\xa9\n"),
		   "t.ini:5: [guest a] cmdline: ", "byte 0xc3 at character 4");
	/* CR-only endings: one line, said so, not one comment. */
	assert_int_equal(parse("; hvisor.ini\r[hypervisor]\rscheduler = rr\r"),
			 -EINVAL);
	expect_msg(0, "t.ini:1: a carriage return inside the line (CR-only line endings?)");
}

#define GUEST_B	"[guest b]\nkind = multiboot2\nkernel = hello.elf\nmemory = 16M\n"

/* blk:IMAGE: a boot module, whole sectors, one guest's alone. */
static void test_virtio_blk_image(void **state)
{
	assert_int_equal(parse(GUEST_A "virtio = blk:m2.bin\n"), 0);
	assert_int_equal(cfg.guests[0].virtio, CFG_VIRTIO_BLK);
	assert_string_equal(cfg.guests[0].blk_image, "m2.bin");
	assert_true(cfg.guests[0].blk_size == 0);
	expect_one(parse(GUEST_A "virtio = console, blk:disk.img\n"),
		   "t.ini:5: [guest a] virtio: ", "blk: image 'disk.img' not found");
	expect_one(parse(GUEST_A "virtio = blk:unreadable.img\n"),
		   "t.ini:5: [guest a] virtio: ", "blk: image 'unreadable.img' cannot be read");
	expect_one(parse(GUEST_A "virtio = blk:odd.img\n"),
		   "t.ini:5: [guest a] virtio: ",
		   "blk: image 'odd.img' is 1000 bytes; a disk is whole 512-byte sectors");
	expect_one(parse(GUEST_A "virtio = blk\n"),
		   "t.ini:5: [guest a] virtio: ", "blk wants a disk: blk:IMAGE or blk:ram:SIZE");
	expect_one(parse(GUEST_A "virtio = blk:\n"),
		   "t.ini:5: [guest a] virtio: ", "blk wants a disk");
	expect_one(parse(GUEST_A "virtio = blk:ram:\n"),
		   "t.ini:5: [guest a] virtio: ", "want a size from 4K to 256M");
	expect_one(parse(GUEST_A "virtio = blk:m1.bin, blk:ram:1M\n"),
		   "t.ini:5: [guest a] virtio: ", "blk is listed twice");
	expect_one(parse(GUEST_A "virtio = blk:m1.bin\n" GUEST_B "virtio = blk:m1.bin\n"),
		   "t.ini:10: [guest b] virtio: ",
		   "disk image 'm1.bin' is guest 'a''s disk already");
}

/* net:SWITCH, and the MAC: given, or derived from the name. */
static void test_virtio_net_key(void **state)
{
	const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
	uint8_t derived[6];

	assert_int_equal(parse(GUEST_A "virtio = console, net:sw-0_1\n"), 0);
	assert_int_equal(cfg.guests[0].virtio, CFG_VIRTIO_CONSOLE | CFG_VIRTIO_NET);
	assert_string_equal(cfg.guests[0].net_switch, "sw-0_1");
	/* 02:68:76 and three bytes of the name's hash, the same each time. */
	assert_int_equal(cfg.guests[0].mac[0], 0x02);
	assert_int_equal(cfg.guests[0].mac[1], 0x68);
	assert_int_equal(cfg.guests[0].mac[2], 0x76);
	memcpy(derived, cfg.guests[0].mac, 6);
	assert_int_equal(parse(GUEST_A "virtio = net:sw0\n" GUEST_B "virtio = net:sw0\n"), 0);
	assert_memory_equal(cfg.guests[0].mac, derived, 6);
	assert_memory_not_equal(cfg.guests[0].mac, cfg.guests[1].mac, 6);
	assert_int_equal(parse(GUEST_A "virtio = net:sw0\nmac = 52:54:00:AB:cd:ef\n"), 0);
	assert_memory_equal(cfg.guests[0].mac, mac, 6);

	expect_one(parse(GUEST_A "virtio = net\n"),
		   "t.ini:5: [guest a] virtio: ", "net wants the switch it plugs into: net:SWITCH");
	expect_one(parse(GUEST_A "virtio = net:\n"),
		   "t.ini:5: [guest a] virtio: ", "'net:': want net:SWITCH");
	expect_one(parse(GUEST_A "virtio = net:a.b\n"),
		   "t.ini:5: [guest a] virtio: ", "'net:a.b': want net:SWITCH");
	expect_one(parse(GUEST_A "virtio = net:sixteen-letters-\n"),
		   "t.ini:5: [guest a] virtio: ", "a switch name of 1 to 15 letters");
	expect_one(parse(GUEST_A "virtio = net:a, net:b\n"),
		   "t.ini:5: [guest a] virtio: ", "net is listed twice");
	expect_one(parse(GUEST_A "mac = 02:00:00:00:00:01\n"),
		   "t.ini:5: [guest a] mac: ", "mac without a network device");
	expect_one(parse(GUEST_A "virtio = net:a\nmac = 02:00:00:00:00\n"),
		   "t.ini:6: [guest a] mac: ", "want six hex bytes");
	expect_one(parse(GUEST_A "virtio = net:a\nmac = 02:00:00:00:00:001\n"),
		   "t.ini:6: [guest a] mac: ", "want six hex bytes");
	expect_one(parse(GUEST_A "virtio = net:a\nmac = 02:00:00:00:00:0g\n"),
		   "t.ini:6: [guest a] mac: ", "want six hex bytes");
	expect_one(parse(GUEST_A "virtio = net:a\nmac = 01:00:5e:00:00:01\n"),
		   "t.ini:6: [guest a] mac: ", "is a multicast address");
	expect_one(parse(GUEST_A "virtio = net:a\nmac = 00:00:00:00:00:00\n"),
		   "t.ini:6: [guest a] mac: ", "is a zero address");
	/* One address twice on a switch; on two switches it is fine. */
	expect_one(parse(GUEST_A "virtio = net:a\nmac = 02:00:00:00:00:01\n"
			 GUEST_B "virtio = net:a\nmac = 02:00:00:00:00:01\n"),
		   "t.ini:11: [guest b] virtio: ",
		   "guest 'b' has the MAC address of guest 'a' on switch a");
	assert_int_equal(parse(GUEST_A "virtio = net:a\nmac = 02:00:00:00:00:01\n"
			       GUEST_B "virtio = net:b\nmac = 02:00:00:00:00:01\n"), 0);
}

static void test_virtio_key(void **state)
{
	assert_int_equal(parse(GUEST_A "virtio = console\n"), 0);
	assert_int_equal(cfg.guests[0].virtio, CFG_VIRTIO_CONSOLE);
	assert_int_equal(parse(GUEST_A "virtio = Console , blk:ram:1M\n"), 0);
	assert_int_equal(cfg.guests[0].virtio,
			 CFG_VIRTIO_CONSOLE | CFG_VIRTIO_BLK);
	assert_true(cfg.guests[0].blk_size == 1 << 20);
	assert_int_equal(parse(GUEST_A "virtio = BLK:RAM:4608\n"), 0);
	assert_true(cfg.guests[0].blk_size == 4608);
	assert_int_equal(parse(GUEST_A), 0);
	assert_int_equal(cfg.guests[0].virtio, 0);
	assert_true(cfg.guests[0].blk_size == 0);
	expect_one(parse(GUEST_A "virtio = console, console\n"),
		   "t.ini:5: [guest a] virtio: ", "console is listed twice");
	expect_one(parse(GUEST_A "virtio = blk:ram:1M, blk:ram:2M\n"),
		   "t.ini:5: [guest a] virtio: ", "blk is listed twice");
	expect_one(parse(GUEST_A "virtio = gpu\n"),
		   "t.ini:5: [guest a] virtio: ", "unknown device 'gpu' (known: console, blk:ram:SIZE, blk:IMAGE, net:SWITCH)");
	expect_one(parse(GUEST_A "virtio = blkx\n"),
		   "t.ini:5: [guest a] virtio: ", "unknown device 'blkx'");
	expect_one(parse(GUEST_A "virtio = console,\n"),
		   "t.ini:5: [guest a] virtio: ", "empty name in the list");
	/* The transport. */
	assert_int_equal(parse(GUEST_A "virtio = console\nvirtio_transport = mmio\n"), 0);
	assert_true(cfg.guests[0].virtio_mmio);
	assert_int_equal(parse(GUEST_A "virtio_transport = pci\n"), 0);
	assert_false(cfg.guests[0].virtio_mmio);
	expect_one(parse(GUEST_A "virtio_transport = usb\n"),
		   "t.ini:5: [guest a] virtio_transport: ", "bad value 'usb'");
	/* The early run: at most the latency bound; by default a quarter. */
	assert_int_equal(parse("[hypervisor]\nboost_us = 150\n" GUEST_A), 0);
	assert_int_equal(cfg.hyp.boost_us, 150);
	assert_int_equal(parse(GUEST_A), 0);
	assert_int_equal(cfg.hyp.boost_us, 250);
	assert_int_equal(parse("[hypervisor]\nlatency_us = 120\n" GUEST_A), 0);
	assert_int_equal(cfg.hyp.boost_us, 30);
	expect_one(parse("[hypervisor]\nlatency_us = 500\nboost_us = 600\n" GUEST_A),
		   "t.ini:3: [hypervisor] boost_us: ",
		   "600 us is longer than latency_us (500 us)");
	expect_one(parse("[hypervisor]\nboost_us = 5\n" GUEST_A),
		   "t.ini:2: [hypervisor] boost_us: ", "");
	/* What a crash does. */
	assert_int_equal(parse(GUEST_A "on_crash = restart\n"), 0);
	assert_int_equal(cfg.guests[0].on_crash, CFG_ON_CRASH_RESTART);
	assert_int_equal(parse(GUEST_A), 0);
	assert_int_equal(cfg.guests[0].on_crash, CFG_ON_CRASH_STOP);
	expect_one(parse(GUEST_A "on_crash = reboot\n"),
		   "t.ini:5: [guest a] on_crash: ", "bad value 'reboot'");
	/* RAM disk sizes: whole sectors, 4K to 256M. */
	expect_one(parse(GUEST_A "virtio = blk:ram:1000\n"),
		   "t.ini:5: [guest a] virtio: ",
		   "blk:ram:1000: want a size from 4K to 256M in whole 512-byte sectors");
	expect_one(parse(GUEST_A "virtio = blk:ram:512M\n"),
		   "t.ini:5: [guest a] virtio: ", "blk:ram:512M: want a size");
	expect_one(parse(GUEST_A "virtio = blk:ram:2K\n"),
		   "t.ini:5: [guest a] virtio: ", "want a size");
	expect_one(parse(GUEST_A "virtio = blk:ram:lots\n"),
		   "t.ini:5: [guest a] virtio: ", "want a size");
}

/* ---- sections ---------------------------------------------------------- */

static void test_unknown_section(void **state)
{
	expect_one(parse(GUEST_A "[network]\nfoo = bar\nbaz = 1\n"),
		   "t.ini:5: [network]: ", "unknown section");
}

static void test_virtio_rejected(void **state)
{
	assert_int_equal(parse(GUEST_A "[virtio console0]\ntype = console\n"),
			 -EINVAL);
	expect_count(1);
	expect_msg(0, "t.ini:5: [virtio console0]: no [virtio] sections: list a guest's devices in its own section (virtio = console)");
}

static void test_key_outside_section(void **state)
{
	expect_one(parse("memory = 1M\n" GUEST_A), "t.ini:1: memory: ",
		   "key outside any section");
}

static void test_hypervisor_section(void **state)
{
	assert_int_equal(parse("[hypervisor]\nconsole = e9\n[hypervisor]\nconsole = serial\n"
			       "[hypervisor x]\n" GUEST_A), -EINVAL);
	expect_count(2);
	expect_msg(0, "t.ini:3: [hypervisor]: duplicate section (first on line 1)");
	expect_at(1, "t.ini:5: [hypervisor x]: ", "takes no name");
	assert_int_equal(cfg.hyp.console, CFG_CONSOLE_E9);
}

static void test_guest_names(void **state)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "[guest %s]\nkind = linux\nkernel = bzImage\nmemory = 1M\n",
		 "abcdefghijklmnopqrstuvwxyz01234");
	expect_ok(parse(text));
	assert_string_equal(cfg.guests[0].name, "abcdefghijklmnopqrstuvwxyz01234");

	snprintf(text, sizeof(text),
		 "[guest %s]\nkind = linux\nkernel = bzImage\nmemory = 1M\n",
		 "abcdefghijklmnopqrstuvwxyz012345");
	expect_one(parse(text), "t.ini:1: [guest abcdefghijklmnopqrstuvwxyz012345]: ",
		   "bad guest name");

	/* Spacing inside the brackets does not matter... */
	snprintf(text, sizeof(text), "[ guest%60s\tg ]\n%s", "",
		 "kind = linux\nkernel = bzImage\nmemory = 1M\n");
	expect_ok(parse(text));
	assert_string_equal(cfg.guests[0].name, "g");

	/* ...but a long header is cut short in messages. */
	snprintf(text, sizeof(text), "[guest %s]\n%s",
		 "n123456789012345678901234567890123456789012345678901234567890",
		 "kind = linux\nkernel = bzImage\nmemory = 1M\n");
	expect_one(parse(text),
		   "t.ini:1: [guest n1234567890123456789012345678901234567...]: ",
		   "bad guest name");

	expect_one(parse("[guest a.b]\nkind = linux\nkernel = bzImage\nmemory = 1M\n"),
		   "t.ini:1: [guest a.b]: ", "bad guest name");
	expect_one(parse("[guest a b]\nkind = linux\nkernel = bzImage\nmemory = 1M\n"),
		   "t.ini:1: [guest a b]: ", "bad guest name");
	expect_one(parse("[guest]\nkind = linux\nkernel = bzImage\nmemory = 1M\n"),
		   "t.ini:1: [guest]: ", "missing guest name");
}

static void test_duplicate_guest(void **state)
{
	expect_one(parse(GUEST_A "\n" GUEST_A),
		   "t.ini:6: [guest a]: ", "duplicate guest name 'a' (first on line 1)");
}

static void test_no_guest(void **state)
{
	expect_one(parse(""), "t.ini:1: ", "no guests");
	expect_one(parse("[hypervisor]\nconsole = e9\n\n"), "t.ini:3: ", "no guests");
	assert_int_equal(parse("[virtio x]\n"), -EINVAL);
	expect_count(2);
	expect_msg(1, "t.ini:1: no guests (add a [guest NAME] section)");
}

static void test_too_many_guests(void **state)
{
	static char text[4096];
	size_t len = 0;
	int i;

	for (i = 0; i < CFG_MAX_GUESTS + 2; i++)
		len += snprintf(text + len, sizeof(text) - len,
				"[guest g%d]\nkind = linux\nkernel = bzImage\nmemory = 1M\n",
				i);
	assert_int_equal(parse(text), -EINVAL);
	expect_count(2);
	expect_msg(0, "t.ini:33: [guest g8]: too many guests (at most 8)");
	expect_msg(1, "t.ini:37: [guest g9]: too many guests (at most 8)");
	assert_int_equal(cfg.n_guests, CFG_MAX_GUESTS);
}

/* ---- keys -------------------------------------------------------------- */

static void test_unknown_key(void **state)
{
	expect_one(parse(GUEST_A "colour = blue\n"), "t.ini:5: [guest a] colour: ",
		   "unknown key");
	expect_one(parse("[hypervisor]\nmemory = 1M\n" GUEST_A),
		   "t.ini:2: [hypervisor] memory: ", "unknown key");
	expect_one(parse(GUEST_A "= 5\n"), "t.ini:5: [guest a] : ", "unknown key");
}

static void test_duplicate_key(void **state)
{
	assert_int_equal(parse(GUEST_A "\nMemory = 32M\n[hypervisor]\nconsole = e9\n"
			       "console = serial\n"), -EINVAL);
	expect_count(2);
	expect_msg(0, "t.ini:6: [guest a] Memory: duplicate key (first set on line 4)");
	expect_msg(1, "t.ini:9: [hypervisor] console: duplicate key (first set on line 8)");
	assert_true(cfg.guests[0].memory == 16 << 20);
	assert_int_equal(cfg.hyp.console, CFG_CONSOLE_E9);
}

static void test_missing_required(void **state)
{
	assert_int_equal(parse("# comment\n[guest a]\nweight = 5\n[guest b]\nkind = linux\n"),
			 -EINVAL);
	expect_count(5);
	expect_msg(0, "t.ini:2: [guest a]: missing required key 'kind'");
	expect_msg(1, "t.ini:2: [guest a]: missing required key 'kernel'");
	expect_msg(2, "t.ini:2: [guest a]: missing required key 'memory'");
	expect_msg(3, "t.ini:4: [guest b]: missing required key 'kernel'");
	expect_msg(4, "t.ini:4: [guest b]: missing required key 'memory'");
}

static void test_bad_key_does_not_count_as_missing(void **state)
{
	/* A key that is present but wrong gets one error, not two. */
	expect_one(parse("[guest a]\nkind = elf\nkernel = hello.elf\nmemory = 16M\n"),
		   "t.ini:2: [guest a] kind: ",
		   "bad value 'elf' (use linux or multiboot2)");
}

static void test_enums(void **state)
{
	expect_one(parse("[hypervisor]\nconsole = vga\n" GUEST_A),
		   "t.ini:2: [hypervisor] console: ", "bad value 'vga' (use serial or e9)");
	expect_one(parse("[hypervisor]\nlog_level = trace\n" GUEST_A),
		   "t.ini:2: [hypervisor] log_level: ",
		   "bad value 'trace' (use error, warn, info or debug)");
	expect_one(parse("[hypervisor]\nscheduler = cfs\n" GUEST_A),
		   "t.ini:2: [hypervisor] scheduler: ",
		   "bad value 'cfs' (use fair, rr or partition)");
	expect_one(parse(GUEST_A "root = maybe\n"), "t.ini:5: [guest a] root: ",
		   "bad value 'maybe'");
	expect_one(parse("[hypervisor]\nvid_guard = yes\n" GUEST_A),
		   "t.ini:2: [hypervisor] vid_guard: ",
		   "bad value 'yes' (use auto, on or off)");
	expect_ok(parse("[hypervisor]\nvid_guard = off\n" GUEST_A));
	assert_int_equal(cfg.hyp.vid_guard, CFG_GUARD_OFF);
	expect_ok(parse("[hypervisor]\nvid_guard = on\n" GUEST_A));
	assert_int_equal(cfg.hyp.vid_guard, CFG_GUARD_ON);

	expect_ok(parse("[hypervisor]\nlog_level = error\nscheduler = fair\n" GUEST_A));
	assert_int_equal(cfg.hyp.log_level, LOG_ERROR);
	expect_ok(parse("[hypervisor]\nlog_level = warn\nconsole = serial\n" GUEST_A));
	assert_int_equal(cfg.hyp.log_level, LOG_WARN);
	assert_int_equal(cfg.hyp.console, CFG_CONSOLE_SERIAL);
}

static void test_root_values(void **state)
{
	static const char *const yes[] = { "yes", "true", "1", "Yes" };
	static const char *const no[] = { "no", "false", "0", "NO" };
	char text[256];
	size_t i;

	for (i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), GUEST_A "root = %s\n", yes[i]);
		expect_ok(parse(text));
		assert_true(cfg.guests[0].root);
		snprintf(text, sizeof(text), GUEST_A "root = %s\n", no[i]);
		expect_ok(parse(text));
		assert_false(cfg.guests[0].root);
	}
}

static void test_trace_records(void **state)
{
	/* Rings for hvctl trace by default, not recording from boot. */
	expect_ok(parse(GUEST_A));
	assert_int_equal(cfg.hyp.trace_records, 4096);
	assert_false(cfg.hyp.trace_boot);
	expect_ok(parse("[hypervisor]\ntrace_records = 65536\ntrace_boot = yes\n" GUEST_A));
	assert_true(cfg.hyp.trace_boot);
	expect_one(parse("[hypervisor]\ntrace_boot = yes\ntrace_records = 0\n" GUEST_A),
		   "t.ini:2: [hypervisor] trace_boot: ",
		   "yes, but trace_records = 0 leaves no rings to record into");
	expect_one(parse("[hypervisor]\ntrace_boot = maybe\n" GUEST_A),
		   "t.ini:2: [hypervisor] trace_boot: ", "bad value 'maybe'");
	expect_ok(parse("[hypervisor]\ntrace_records = 65536\n" GUEST_A));
	assert_int_equal(cfg.hyp.trace_records, 65536);
	expect_ok(parse("[hypervisor]\ntrace_records = 0\n" GUEST_A));
	assert_int_equal(cfg.hyp.trace_records, 0);
	expect_one(parse("[hypervisor]\ntrace_records = 1000\n" GUEST_A),
		   "t.ini:2: [hypervisor] trace_records: ",
		   "1000 is not 0 or a power of two");
	expect_one(parse("[hypervisor]\ntrace_records = 2097152\n" GUEST_A),
		   "t.ini:2: [hypervisor] trace_records: ",
		   "out of range (0..1048576)");
}

/*
 * A yes/no key of [hypervisor] whose value lands in *@field: @dflt when
 * absent, both values, and an error naming file, line and key for a
 * third.
 */
static void check_hyp_bool(const char *key, const bool *field, bool dflt)
{
	char ini[256], prefix[64];

	expect_ok(parse(GUEST_A));
	assert_int_equal(*field, dflt);
	snprintf(ini, sizeof(ini), "[hypervisor]\n%s = %s\n" GUEST_A, key,
		 dflt ? "no" : "yes");
	expect_ok(parse(ini));
	assert_int_equal(*field, !dflt);
	snprintf(ini, sizeof(ini), "[hypervisor]\n%s = %s\n" GUEST_A, key,
		 dflt ? "yes" : "no");
	expect_ok(parse(ini));
	assert_int_equal(*field, dflt);
	snprintf(ini, sizeof(ini), "[hypervisor]\n%s = sometimes\n" GUEST_A,
		 key);
	snprintf(prefix, sizeof(prefix), "t.ini:2: [hypervisor] %s: ", key);
	expect_one(parse(ini), prefix, "bad value 'sometimes'");
}

static void test_guard_watch(void **state)
{
	check_hyp_bool("guard_watch", &cfg.hyp.guard_watch, false);
}

static void test_irq_steal(void **state)
{
	check_hyp_bool("irq_steal", &cfg.hyp.irq_steal, true);
}

static void test_numbers(void **state)
{
	expect_ok(parse("[hypervisor]\nslice_us = 100\nlatency_us = 10\n" GUEST_A));
	assert_int_equal(cfg.hyp.slice_us, 100);
	assert_int_equal(cfg.hyp.latency_us, 10);
	expect_ok(parse("[hypervisor]\nslice_us = 1000000\nlatency_us = 1000000\n" GUEST_A));
	assert_int_equal(cfg.hyp.slice_us, 1000000);

	expect_one(parse("[hypervisor]\nslice_us = 99\n" GUEST_A),
		   "t.ini:2: [hypervisor] slice_us: ",
		   "value 99 is out of range (100..1000000)");
	expect_one(parse("[hypervisor]\nslice_us = 1000001\n" GUEST_A),
		   "t.ini:2: [hypervisor] slice_us: ", "out of range");
	expect_one(parse("[hypervisor]\nlatency_us = 9\n" GUEST_A),
		   "t.ini:2: [hypervisor] latency_us: ",
		   "value 9 is out of range (10..1000000)");
	expect_one(parse("[hypervisor]\nlatency_us = 99999999999999999999999\n" GUEST_A),
		   "t.ini:2: [hypervisor] latency_us: ", "out of range");
	expect_one(parse("[hypervisor]\nslice_us = fast\n" GUEST_A),
		   "t.ini:2: [hypervisor] slice_us: ", "bad number 'fast'");
	expect_one(parse("[hypervisor]\nslice_us = 10ms\n" GUEST_A),
		   "t.ini:2: [hypervisor] slice_us: ", "bad number '10ms'");
	expect_one(parse("[hypervisor]\nslice_us = -100\n" GUEST_A),
		   "t.ini:2: [hypervisor] slice_us: ", "bad number");
	expect_one(parse("[hypervisor]\nslice_us =\n" GUEST_A),
		   "t.ini:2: [hypervisor] slice_us: ", "bad number ''");

	expect_one(parse(GUEST_A "weight = 0\n"), "t.ini:5: [guest a] weight: ",
		   "value 0 is out of range (1..65535)");
	expect_one(parse(GUEST_A "weight = 65536\n"), "t.ini:5: [guest a] weight: ",
		   "out of range");
	expect_one(parse(GUEST_A "weight = 1.5\n"), "t.ini:5: [guest a] weight: ",
		   "bad number");
}

static void test_sizes(void **state)
{
	static const struct {
		const char *text;
		uint64_t bytes;
	} good[] = {
		{ "64M", 64ULL << 20 }, { "1G", 1ULL << 30 }, { "2g", 2ULL << 30 },
		{ "4096K", 4ULL << 20 }, { "1048576", 1ULL << 20 },
		{ "0x100000", 1ULL << 20 }, { "64 M", 64ULL << 20 },
		{ "64MiB", 64ULL << 20 }, { "64MB", 64ULL << 20 },
		{ "1028k", 1028ULL << 10 },
	};
	char text[256];
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text),
			 "[guest a]\nkind = linux\nkernel = bzImage\nmemory = %s\n",
			 good[i].text);
		expect_ok(parse(text));
		assert_true(cfg.guests[0].memory == good[i].bytes);
	}

	assert_int_equal(cfg_parse_size("4K", &v), 0);
	assert_true(v == 4096);
	assert_int_equal(cfg_parse_size("0", &v), 0);
	assert_true(v == 0);
	assert_int_equal(cfg_parse_size("", &v), -EINVAL);
	assert_int_equal(cfg_parse_size("M", &v), -EINVAL);
	assert_int_equal(cfg_parse_size("64Q", &v), -EINVAL);
	assert_int_equal(cfg_parse_size("64Mi", &v), -EINVAL);
	assert_int_equal(cfg_parse_size("64MX", &v), -EINVAL);
	assert_int_equal(cfg_parse_size("-1", &v), -EINVAL);
	assert_int_equal(cfg_parse_size("17179869184G", &v), -ERANGE);
	assert_int_equal(cfg_parse_size("99999999999999999999", &v), -ERANGE);
}

static void test_bad_memory(void **state)
{
	const char *head = "[guest a]\nkind = linux\nkernel = bzImage\nmemory = ";
	char text[256];

	snprintf(text, sizeof(text), "%s64Q\n", head);
	expect_one(parse(text), "t.ini:4: [guest a] memory: ",
		   "bad size '64Q' (bytes, or with a K, M or G suffix)");
	snprintf(text, sizeof(text), "%s\n", head);
	expect_one(parse(text), "t.ini:4: [guest a] memory: ", "bad size ''");
	snprintf(text, sizeof(text), "%slots\n", head);
	expect_one(parse(text), "t.ini:4: [guest a] memory: ", "bad size 'lots'");
	snprintf(text, sizeof(text), "%s1048577\n", head);
	expect_one(parse(text), "t.ini:4: [guest a] memory: ",
		   "size 1048577 is not a multiple of 4K");
	snprintf(text, sizeof(text), "%s1026K\n", head);
	expect_one(parse(text), "t.ini:4: [guest a] memory: ", "not a multiple of 4K");
	snprintf(text, sizeof(text), "%s1020K\n", head);
	expect_one(parse(text), "t.ini:4: [guest a] memory: ",
		   "size 1020K is out of range (at least 1M)");
	snprintf(text, sizeof(text), "%s0\n", head);
	expect_one(parse(text), "t.ini:4: [guest a] memory: ", "out of range");
	snprintf(text, sizeof(text), "%s99999999999G\n", head);
	expect_one(parse(text), "t.ini:4: [guest a] memory: ", "out of range");
	/* RAM ends below the PCI window: 3G is the most. */
	snprintf(text, sizeof(text), "%s3073M\n", head);
	expect_one(parse(text), "t.ini:4: [guest a] memory: ",
		   "size 3073M is out of range (at most 3G: a guest's RAM ends below its PCI window at 0xC0000000)");
	snprintf(text, sizeof(text), "%s17179869183G\n", head);
	expect_one(parse(text), "t.ini:4: [guest a] memory: ", "at most 3G");
	snprintf(text, sizeof(text), "%s3G\n", head);
	assert_int_equal(parse(text), 0);
}

static void test_cpus(void **state)
{
	static const struct {
		const char *text;
		uint64_t mask;
	} good[] = {
		{ "0", 1 }, { "0-1", 3 }, { "0,2-3", 0xd }, { " 1 , 3 ", 0xa },
		{ "3-3", 8 }, { "0,0", 1 }, { "63", 1ULL << 63 }, { "0-63", ~0ULL },
	};
	static const char *const bad[] = {
		"", "a", "1-", "-1", "3-1", "0,,1", "1,", "0 1", "1-2-3",
	};
	/* Not a mask, not octal: plain decimal CPU numbers only. */
	static const char *const not_dec[] = {
		"0x3", "0x3f", "01", "0-07", "1,02", "0x", "0X1",
	};
	char text[256];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), GUEST_A "cpus = %s\n", good[i].text);
		expect_ok(parse(text));
		assert_true(cfg.guests[0].cpus == good[i].mask);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), GUEST_A "cpus = %s\n", bad[i]);
		expect_one(parse(text), "t.ini:5: [guest a] cpus: ", "bad cpus list");
	}
	for (i = 0; i < sizeof(not_dec) / sizeof(not_dec[0]); i++) {
		snprintf(text, sizeof(text), GUEST_A "cpus = %s\n", not_dec[i]);
		expect_one(parse(text), "t.ini:5: [guest a] cpus: ",
			   "CPU numbers in plain decimal (no leading zero, no 0x): cpus is a list such as 0-1 or 0,2, not a mask");
	}
	expect_one(parse(GUEST_A "cpus = 0,64\n"), "t.ini:5: [guest a] cpus: ",
		   "cpu 64 is out of range (0..63)");
}

static void test_cpus_outside_machine(void **state)
{
	expect_one(parse_on(GUEST_A "cpus = 3\n", 2, 0), "t.ini:5: [guest a] cpus: ",
		   "cpu 3 is outside the machine (2 CPUs)");
	expect_msg(0, "t.ini:5: [guest a] cpus: cpu 3 is outside the machine (2 CPUs)");
	expect_one(parse_on(GUEST_A "cpus = 0-3\n", 1, 0), "t.ini:5: [guest a] cpus: ",
		   "cpu 1 is outside the machine (1 CPU)");
	expect_ok(parse_on(GUEST_A "cpus = 0-1\n", 2, 0));
	/* Unknown machine (n_cpus = 0): no check. */
	expect_ok(parse_on(GUEST_A "cpus = 40\n", 0, 0));
}

static void test_vcpus(void **state)
{
	expect_ok(parse(GUEST_A "vcpus = 1\n"));
	assert_int_equal(cfg.guests[0].vcpus, 1);
	expect_one(parse(GUEST_A "vcpus = 0\n"), "t.ini:5: [guest a] vcpus: ",
		   "at least 1 vCPU");
	expect_one(parse(GUEST_A "vcpus = 9\n"), "t.ini:5: [guest a] vcpus: ",
		   "value 9 is out of range (1..8)");
	expect_one(parse(GUEST_A "vcpus = two\n"), "t.ini:5: [guest a] vcpus: ",
		   "bad number 'two'");
	/* Counts and times are plain decimal: "08" is not octal nor 8. */
	expect_one(parse(GUEST_A "vcpus = 08\n"), "t.ini:5: [guest a] vcpus: ",
		   "'08': write numbers in plain decimal (no leading zero, no 0x)");
	expect_one(parse(GUEST_A "vcpus = 0x2\n"), "t.ini:5: [guest a] vcpus: ",
		   "'0x2': write numbers in plain decimal");
	expect_one(parse("[hypervisor]\nslice_us = 0x3e8\n" GUEST_A),
		   "t.ini:2: [hypervisor] slice_us: ", "'0x3e8': write numbers in plain decimal");
	expect_one(parse(GUEST_A "weight = 0256\n"), "t.ini:5: [guest a] weight: ",
		   "'0256': write numbers in plain decimal");
	/* Sizes still take hex (an address-like byte count). */
	expect_ok(parse("[guest a]\nkind = linux\nkernel = bzImage\nmemory = 0x1000000\n"));
	assert_int_equal(cfg.guests[0].memory, 0x1000000);
}

/* Several vCPUs per guest, up to CFG_MAX_VCPUS, any scheduler. */
static void test_vcpus_many(void **state)
{
	expect_ok(parse(GUEST_A "vcpus = 2\n"));
	assert_int_equal(cfg.guests[0].vcpus, 2);
	expect_ok(parse(GUEST_A "vcpus = 8\n"));
	assert_int_equal(cfg.guests[0].vcpus, CFG_MAX_VCPUS);
	/* Time-shared: more vCPUs than pCPUs is fine. */
	expect_ok(parse_on("[hypervisor]\nscheduler = rr\n" GUEST_A
			   "vcpus = 5\ncpus = 0\n", 2, 0));
	expect_ok(parse_on(GUEST_A "vcpus = 3\n"
			   "[guest b]\nkind = linux\nkernel = bzImage\nmemory = 1M\nvcpus = 4\n",
			   2, 0));
}

#define PART	"[hypervisor]\nscheduler = partition\n"

/* partition: one pCPU per vCPU, or a clear error. */
static void test_partition(void **state)
{
	const char *b = "[guest b]\nkind = linux\nkernel = bzImage\nmemory = 1M\n";
	char text[512];

	/* Fits: 2 + 2 on 4, also with lists. */
	snprintf(text, sizeof(text), PART GUEST_A "vcpus = 2\n%svcpus = 2\n", b);
	expect_ok(parse_on(text, 4, 0));
	snprintf(text, sizeof(text), PART GUEST_A "cpus = 2-3\nvcpus = 2\n%scpus = 0-3\nvcpus = 2\n", b);
	expect_ok(parse_on(text, 4, 0));
	{
		/* The pins the hypervisor uses are the check's placement. */
		int8_t pin[CFG_MAX_GUESTS][CFG_MAX_CPUS];
		uint32_t fail = 99;

		assert_int_equal(cfg_partition_place(&cfg, 4, pin, &fail), 2);
		assert_int_equal(pin[0][0], 2);
		assert_int_equal(pin[0][1], 3);
		assert_int_equal(pin[1][0], 0);
		assert_int_equal(pin[1][1], 1);
		assert_int_equal(cfg_partition_place(&cfg, 3, pin, &fail), 0);
		assert_int_equal(fail, 1);
	}
	/* The machine unknown: only the lists count. */
	snprintf(text, sizeof(text), PART GUEST_A "vcpus = 8\n%svcpus = 8\n", b);
	expect_ok(parse_on(text, 0, 0));

	/* More vCPUs than the machine has pCPUs: at the guest that tips it. */
	snprintf(text, sizeof(text), PART GUEST_A "vcpus = 2\n%svcpus = 3\n", b);
	assert_int_equal(parse_on(text, 2, 0), -EINVAL);
	expect_count(1);
	expect_msg(0, "t.ini:12: [guest b] vcpus: partition needs one pCPU per vCPU: guests need 5 pCPUs but the machine has 2");
	/* Without a vcpus key the guest's header line is named. */
	snprintf(text, sizeof(text), PART GUEST_A "vcpus = 2\n%s", b);
	expect_one(parse_on(text, 2, 0), "t.ini:8: [guest b] vcpus: ",
		   "guests need 3 pCPUs but the machine has 2");

	/* A guest whose own list is too short. */
	expect_one(parse_on(PART GUEST_A "cpus = 1\nvcpus = 2\n", 4, 0),
		   "t.ini:8: [guest a] vcpus: ",
		   "partition needs one pCPU per vCPU: 2 vCPUs but cpus 1 has 1 pCPU");
	expect_one(parse_on(PART GUEST_A "vcpus = 4\ncpus = 0,2-3\n", 4, 0),
		   "t.ini:7: [guest a] vcpus: ", "4 vCPUs but cpus 0,2-3 has 3 pCPUs");
	/* ...and every such guest is named. */
	snprintf(text, sizeof(text), PART GUEST_A "cpus = 0\nvcpus = 2\n%scpus = 1-2\nvcpus = 3\n", b);
	assert_int_equal(parse_on(text, 0, 0), -EINVAL);
	expect_count(2);
	expect_at(0, "t.ini:8: [guest a] vcpus: ", "2 vCPUs but cpus 0 has 1 pCPU");
	expect_at(1, "t.ini:14: [guest b] vcpus: ", "3 vCPUs but cpus 1-2 has 2 pCPUs");

	/* Enough pCPUs in total, but the ones b may use are taken. */
	snprintf(text, sizeof(text), PART GUEST_A "cpus = 0-1\nvcpus = 2\n%scpus = 1\n", b);
	assert_int_equal(parse_on(text, 4, 0), -EINVAL);
	expect_count(1);
	expect_msg(0, "t.ini:13: [guest b] cpus: partition needs one pCPU per vCPU: no free pCPU in cpus 1 for vCPU 0 (vCPUs before it took them)");
	snprintf(text, sizeof(text), PART GUEST_A "cpus = 0-2\nvcpus = 2\n%scpus = 0-2\nvcpus = 2\n", b);
	expect_one(parse_on(text, 0, 0), "t.ini:13: [guest b] cpus: ",
		   "no free pCPU in cpus 0-2 for vCPU 1");
	/* The scheduler's order: b's narrower list comes first, and fits. */
	snprintf(text, sizeof(text), PART "%scpus = 1\n" GUEST_A "cpus = 0-1\n", b);
	expect_ok(parse_on(text, 2, 0));

	/* The [hypervisor] section may come last; other schedulers share. */
	snprintf(text, sizeof(text), GUEST_A "vcpus = 3\n" PART);
	expect_one(parse_on(text, 2, 0), "t.ini:5: [guest a] vcpus: ",
		   "guests need 3 pCPUs but the machine has 2");
	expect_ok(parse_on(GUEST_A "vcpus = 3\n", 2, 0));
}

static void test_two_roots(void **state)
{
	const char *text =
		"[guest a]\nkind = linux\nkernel = bzImage\nmemory = 1M\nroot = yes\n"
		"[guest b]\nkind = linux\nkernel = bzImage\nmemory = 1M\nroot = no\n"
		"[guest c]\nkind = linux\nkernel = bzImage\nmemory = 1M\nroot = 1\n"
		"[guest d]\nkind = linux\nkernel = bzImage\nmemory = 1M\nroot = true\n";

	assert_int_equal(parse(text), -EINVAL);
	expect_count(2);
	expect_msg(0, "t.ini:15: [guest c] root: guests 'a' and 'c' both have root = yes (only one root guest)");
	expect_msg(1, "t.ini:20: [guest d] root: guests 'a' and 'd' both have root = yes (only one root guest)");
}

static void test_free_memory(void **state)
{
	const char *text =
		"[guest a]\nkind = linux\nkernel = bzImage\nmemory = 512M\n"
		"[guest b]\nkind = linux\nkernel = bzImage\nmemory = 512M\n"
		"[guest c]\nkind = linux\nkernel = bzImage\nmemory = 512M\n";

	assert_int_equal(parse_on(text, 0, 900ULL << 20), -EINVAL);
	expect_count(1);
	expect_msg(0, "t.ini:8: [guest b] memory: guests need 1536 MiB but only 900 MiB is free");

	expect_ok(parse_on(text, 0, 1536ULL << 20));
	expect_ok(parse_on(text, 0, 0));
}

static void test_images(void **state)
{
	const char *text =
		"[guest a]\nkind = linux\nkernel = foo.elf\n"
		"initrd = nope.img\nmemory = 1M\n"
		"[guest b]\nkind = linux\nkernel = unreadable.img\n"
		"initrd =\nmemory = 1M\n";

	assert_int_equal(parse(text), -EINVAL);
	expect_count(3);
	expect_msg(0, "t.ini:3: [guest a] kernel: image 'foo.elf' not found");
	expect_msg(1, "t.ini:4: [guest a] initrd: image 'nope.img' not found");
	expect_at(2, "t.ini:8: [guest b] kernel: ", "image 'unreadable.img' cannot be read");
	assert_string_equal(cfg.guests[1].initrd, "");

	expect_one(parse("[guest a]\nkind = linux\nkernel =\nmemory = 1M\n"),
		   "t.ini:3: [guest a] kernel: ", "empty image name");

	expect_one(parse("[guest a]\nkind = linux\nmemory = 1M\nkernel = "
			 "0123456789012345678901234567890123456789012345678901234567890123\n"),
		   "t.ini:4: [guest a] kernel: ", "too long (64 characters, at most 63)");
}

#define GUEST_MB	"[guest a]\nkind = multiboot2\nkernel = hello.elf\nmemory = 16M\n"

static void test_modules(void **state)
{
	const struct guest_config *g = &cfg.guests[0];

	/* A list, blanks around names and an inline comment. */
	expect_ok(parse(GUEST_MB "initrd = initrd.img\n"
			"modules =  m1.bin,m2.bin ,  m3.bin\t ; three\n"));
	assert_string_equal(g->initrd, "initrd.img");
	assert_int_equal(g->n_modules, 3);
	assert_string_equal(g->modules[0], "m1.bin");
	assert_string_equal(g->modules[1], "m2.bin");
	assert_string_equal(g->modules[2], "m3.bin");

	/* One; the limit; none (an empty value, as for initrd). */
	expect_ok(parse(GUEST_MB "modules = m4.bin\n"));
	assert_int_equal(g->n_modules, 1);
	assert_string_equal(g->modules[0], "m4.bin");
	expect_ok(parse(GUEST_MB "modules = m1.bin, m2.bin, m3.bin, m4.bin\n"));
	assert_int_equal(g->n_modules, CFG_MAX_MODULES);
	assert_string_equal(g->modules[3], "m4.bin");
	expect_ok(parse(GUEST_MB "modules =\n"));
	assert_int_equal(g->n_modules, 0);
	/* A name may repeat: it is one image, passed twice. */
	expect_ok(parse(GUEST_MB "modules = m1.bin, m1.bin\n"));
	assert_int_equal(g->n_modules, 2);
}

static void test_modules_bad(void **state)
{
	char text[512];

	expect_one(parse(GUEST_MB "modules = m1.bin, m2.bin, m3.bin, m4.bin, m5.bin\n"),
		   "t.ini:5: [guest a] modules: ", "too many modules (at most 4)");
	expect_one(parse(GUEST_MB "modules = m1.bin,,m2.bin\n"),
		   "t.ini:5: [guest a] modules: ", "empty name in the list");
	expect_one(parse(GUEST_MB "modules = m1.bin,\n"),
		   "t.ini:5: [guest a] modules: ", "empty name in the list");
	expect_one(parse(GUEST_MB "modules = , m1.bin\n"),
		   "t.ini:5: [guest a] modules: ", "empty name in the list");
	assert_int_equal(parse(GUEST_MB "modules = m1.bin, nope.bin, unreadable.img\n"),
			 -EINVAL);
	expect_count(2);
	expect_msg(0, "t.ini:5: [guest a] modules: image 'nope.bin' not found");
	expect_at(1, "t.ini:5: [guest a] modules: ",
		  "image 'unreadable.img' cannot be read");

	snprintf(text, sizeof(text), GUEST_MB "modules = m1.bin, %s\n",
		 "0123456789012345678901234567890123456789012345678901234567890123");
	expect_one(parse(text), "t.ini:5: [guest a] modules: ",
		   "is too long (64 characters, at most 63)");

	expect_one(parse(GUEST_MB "modules = m1.bin\nmodules = m2.bin\n"),
		   "t.ini:6: [guest a] modules: ", "duplicate key (first set on line 5)");
}

/* kind = linux has one initrd: modules are refused, wherever kind is. */
static void test_modules_linux(void **state)
{
	static const char *why =
		"kind = linux takes one initrd and no modules";

	expect_one(parse("[guest l]\nkind = linux\nkernel = bzImage\n"
			 "initrd = initrd.img\nmodules = m1.bin\nmemory = 64M\n"
			 "[guest b]\nkind = multiboot2\nkernel = hello.elf\n"
			 "memory = 16M\n"),
		   "t.ini:5: [guest l] modules: ", why);
	/* modules before kind, in the last section. */
	expect_one(parse(GUEST_MB "[guest l]\nmodules = m1.bin, m2.bin\n"
			 "kernel = bzImage\nkind = linux\nmemory = 64M\n"),
		   "t.ini:6: [guest l] modules: ", why);
	/* An empty list is no module. */
	expect_ok(parse("[guest l]\nkind = linux\nkernel = bzImage\n"
			"modules =\nmemory = 64M\n"));
	/* A bad kind is reported once, not as linux. */
	expect_one(parse("[guest l]\nkind = plan9\nkernel = bzImage\n"
			 "modules = m1.bin\nmemory = 64M\n"),
		   "t.ini:2: [guest l] kind: ", "bad value 'plan9'");
}

/* Many problems in one file: all reported, in file order, then -EINVAL. */
static void test_reports_everything(void **state)
{
	const char *text =
		"[hypervisor]\n"		/* 1 */
		"console = vga\n"		/* 2 */
		"slice_us = 5\n"		/* 3 */
		"[guest alpha]\n"		/* 4 */
		"kind = multiboot2\n"		/* 5 */
		"kernel = missing.elf\n"	/* 6 */
		"memory = 64X\n"		/* 7 */
		"vcpus = 0\n"			/* 8 */
		"cpus = 5\n"			/* 9 */
		"cpus = 0\n"			/* 10 */
		"[virtio net0]\n"		/* 11 */
		"type = net\n"			/* 12 */
		"[guest beta]\n"		/* 13 */
		"memory = 1M\n"			/* 14 */
		"junk\n";			/* 15 */

	assert_int_equal(parse_on(text, 2, 0), -EINVAL);
	expect_count(11);
	expect_at(0, "t.ini:2: [hypervisor] console: ", "bad value 'vga'");
	expect_at(1, "t.ini:3: [hypervisor] slice_us: ", "out of range");
	expect_at(2, "t.ini:6: [guest alpha] kernel: ", "not found");
	expect_at(3, "t.ini:7: [guest alpha] memory: ", "bad size");
	expect_at(4, "t.ini:8: [guest alpha] vcpus: ", "at least 1 vCPU");
	expect_at(5, "t.ini:9: [guest alpha] cpus: ", "cpu 5 is outside the machine (2 CPUs)");
	expect_at(6, "t.ini:10: [guest alpha] cpus: ", "duplicate key (first set on line 9)");
	expect_at(7, "t.ini:11: [virtio net0]: ", "no [virtio] sections");
	expect_at(8, "t.ini:15: [guest beta]: ", "expected 'key = value'");
	/* Missing keys come when the section ends, at its header line. */
	expect_at(9, "t.ini:13: [guest beta]: ", "missing required key 'kind'");
	expect_at(10, "t.ini:13: [guest beta]: ", "missing required key 'kernel'");
}

static void test_names(void **state)
{
	assert_string_equal(cfg_kind_name(CFG_GUEST_LINUX), "linux");
	assert_string_equal(cfg_kind_name(CFG_GUEST_MULTIBOOT2), "multiboot2");
	assert_string_equal(cfg_sched_name(CFG_SCHED_FAIR), "fair");
	assert_string_equal(cfg_sched_name(CFG_SCHED_RR), "rr");
	assert_string_equal(cfg_sched_name(CFG_SCHED_PARTITION), "partition");
	assert_string_equal(cfg_sched_name((enum cfg_sched)42), "?");
	assert_string_equal(cfg_kind_name((enum cfg_guest_kind)42), "?");
}

/* pv: every feature by default, "none" alone, the rest named or refused. */
static void test_pv(void **state)
{
	expect_ok(parse(GUEST_A));
	assert_int_equal(cfg.guests[0].pv, CFG_PV_ALL);
	expect_ok(parse(GUEST_A "pv = none\n"));
	assert_int_equal(cfg.guests[0].pv, 0);
	expect_ok(parse(GUEST_A "pv = Steal\n"));
	assert_int_equal(cfg.guests[0].pv, CFG_PV_STEAL);
	expect_ok(parse(GUEST_A "pv = steal, tlb\n"));
	assert_int_equal(cfg.guests[0].pv, CFG_PV_STEAL | CFG_PV_TLB);
	expect_one(parse(GUEST_A "pv = tlb\n"),
		   "t.ini:5: [guest a] pv: ", "tlb needs steal");
	expect_ok(parse(GUEST_A "pv = yield\n"));
	assert_int_equal(cfg.guests[0].pv, CFG_PV_YIELD);
	expect_ok(parse(GUEST_A "pv = steal, KICK, ipi\n"));
	assert_int_equal(cfg.guests[0].pv,
			 CFG_PV_STEAL | CFG_PV_KICK | CFG_PV_IPI);
	expect_ok(parse(GUEST_A "pv = steal, tlb, yield, kick, ipi\n"));
	assert_int_equal(cfg.guests[0].pv, CFG_PV_ALL);
	expect_one(parse(GUEST_A "pv = steal, none\n"),
		   "t.ini:5: [guest a] pv: ", "'none' stands alone");
	expect_one(parse(GUEST_A "pv = stealth\n"),
		   "t.ini:5: [guest a] pv: ", "unknown feature 'stealth'");
	expect_one(parse(GUEST_A "pv = steal,,\n"),
		   "t.ini:5: [guest a] pv: ", "empty name");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_syntax_variants),
		cmocka_unit_test(test_demo_ini),
		cmocka_unit_test(test_null_machine),
		cmocka_unit_test(test_bad_syntax_all_reported),
		cmocka_unit_test(test_continuation_line),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_section_line_and_line_ends),
		cmocka_unit_test(test_unknown_section),
		cmocka_unit_test(test_virtio_rejected),
		cmocka_unit_test(test_virtio_key),
		cmocka_unit_test(test_virtio_net_key),
		cmocka_unit_test(test_virtio_blk_image),
		cmocka_unit_test(test_key_outside_section),
		cmocka_unit_test(test_hypervisor_section),
		cmocka_unit_test(test_guest_names),
		cmocka_unit_test(test_duplicate_guest),
		cmocka_unit_test(test_no_guest),
		cmocka_unit_test(test_too_many_guests),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_missing_required),
		cmocka_unit_test(test_bad_key_does_not_count_as_missing),
		cmocka_unit_test(test_enums),
		cmocka_unit_test(test_root_values),
		cmocka_unit_test(test_trace_records),
		cmocka_unit_test(test_guard_watch),
		cmocka_unit_test(test_irq_steal),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_bad_memory),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_cpus_outside_machine),
		cmocka_unit_test(test_vcpus),
		cmocka_unit_test(test_vcpus_many),
		cmocka_unit_test(test_partition),
		cmocka_unit_test(test_two_roots),
		cmocka_unit_test(test_free_memory),
		cmocka_unit_test(test_images),
		cmocka_unit_test(test_modules),
		cmocka_unit_test(test_modules_bad),
		cmocka_unit_test(test_modules_linux),
		cmocka_unit_test(test_reports_everything),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_pv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

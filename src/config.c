// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor.ini parser and validator.
 *
 * inih does the tokenising; we feed it the text one line at a time through
 * our own reader so that we know the line number of every key (Debian's
 * libinih is built without INI_HANDLER_LINENO) and see section headers,
 * which inih does not report. All state lives in a struct parse_ctx on the
 * stack because this file is also linked into the freestanding hypervisor.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "src/core/config.h"

#if defined(__has_include) && __has_include(<ini.h>)
#include <ini.h>
#else
/* The freestanding build has no <ini.h>: declare what we use of libinih 55. */
typedef int (*ini_handler)(void *user, const char *section,
			   const char *name, const char *value);
typedef char *(*ini_reader)(char *str, int num, void *stream);
int ini_parse_stream(ini_reader reader, void *stream, ini_handler handler,
		     void *user);
extern bool ini_allow_multiline;
extern bool ini_allow_bom;
extern bool ini_allow_inline_comments;
extern bool ini_allow_no_value;
extern bool ini_stop_on_first_error;
extern bool ini_use_stack;
extern int ini_max_line;
extern char *ini_start_comment_prefixes;
extern char *ini_inline_comment_prefixes;
#endif

/* Longest line inih buffers (on its stack): room for a full cmdline. */
#define CFG_LINE_MAX		(CFG_CMDLINE_MAX + 128)
#define CFG_SEC_TEXT		48
#define CFG_MSG_MAX		320

#define KIB			1024ULL
#define MIB			(1024 * KIB)
#define GIB			(1024 * MIB)

enum sec_kind {
	SEC_NONE,	/* before the first header */
	SEC_HYP,
	SEC_GUEST,
	SEC_SKIP,	/* already reported; ignore its keys */
};

enum hyp_key {
	HK_CONSOLE, HK_LOG_LEVEL, HK_SCHEDULER, HK_SLICE, HK_LATENCY,
	HK_BOOST, HK_DELIVERY, HK_VID_GUARD, HK_TRACE, HK_TRACE_BOOT,
	HK_GUARD_WATCH, HK_IRQ_STEAL, HK_N
};

enum guest_key {
	GK_KIND, GK_KERNEL, GK_INITRD, GK_MODULES, GK_CMDLINE, GK_MEMORY,
	GK_VCPUS, GK_CPUS, GK_WEIGHT, GK_ROOT, GK_WATCHDOG, GK_PV, GK_VIRTIO,
	GK_TRANSPORT, GK_MAC, GK_ON_CRASH, GK_N
};

struct guest_meta {
	int kind_line;			/* 0 unless kind parsed */
	int mem_line;
	int vcpus_line;			/* 0 when the key is not set */
	int cpus_line;
	int virtio_line;
	char sec[CFG_SEC_TEXT];
};

struct parse_ctx {
	const char *file;
	const char *pos;		/* next unread character */
	const struct cfg_machine *m;
	struct hv_config *cfg;
	int line;			/* line last handed to inih */
	int errors;
	int first_syntax;		/* first line flagged as bad syntax */
	bool want_kv;			/* that line must be key = value */
	bool got_kv;			/* ... and inih passed it to us */

	enum sec_kind sec;
	char sec_text[CFG_SEC_TEXT];	/* inside the [], as written */
	int sec_line;
	struct guest_config *g;		/* current guest (SEC_GUEST) */
	int key_line[GK_N];		/* where each key was set, or 0 */

	int hyp_line;			/* first [hypervisor] header */
	int boost_line;			/* where boost_us was set, or 0 */
	int trace_boot_line;		/* where trace_boot was set, or 0 */
	int root_guest;			/* first guest with root = yes */
	struct guest_meta meta[CFG_MAX_GUESTS];
};

struct key_desc {
	const char *name;
	void (*parse)(struct parse_ctx *c, const char *key, const char *val);
	bool required;
};

struct choice {
	const char *name;
	int value;
};

/* ---- error reports ----------------------------------------------------- */

static void vreport(struct parse_ctx *c, int line, const char *sec,
		    const char *key, const char *fmt, va_list ap)
{
	const struct cfg_machine *m = c->m;
	char msg[CFG_MSG_MAX];
	size_t n;

	c->errors++;
	if (!m || !m->report)
		return;
	if (sec)
		snprintf(msg, sizeof(msg), "%s:%d: [%s]%s%s: ", c->file, line,
			 sec, key ? " " : "", key ? key : "");
	else if (key)
		snprintf(msg, sizeof(msg), "%s:%d: %s: ", c->file, line, key);
	else
		snprintf(msg, sizeof(msg), "%s:%d: ", c->file, line);
	n = strnlen(msg, sizeof(msg));
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	m->report(m->ctx, msg);
}

static void report(struct parse_ctx *c, int line, const char *sec,
		   const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void report(struct parse_ctx *c, int line, const char *sec,
		   const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, line, sec, key, fmt, ap);
	va_end(ap);
}

static const char *cur_sec(struct parse_ctx *c)
{
	return c->sec == SEC_NONE || !c->sec_text[0] ? NULL : c->sec_text;
}

/* An error about @key on the current line of the current section. */
static void key_err(struct parse_ctx *c, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void key_err(struct parse_ctx *c, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, c->line, cur_sec(c), key, fmt, ap);
	va_end(ap);
}

/* An error about the current section as a whole, at @line. */
static void sec_err(struct parse_ctx *c, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void sec_err(struct parse_ctx *c, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, line, cur_sec(c), NULL, fmt, ap);
	va_end(ap);
}

static void syntax_err(struct parse_ctx *c, const char *why)
{
	if (!c->first_syntax)
		c->first_syntax = c->line;
	sec_err(c, c->line, "%s", why);
}

/* ---- value parsers ----------------------------------------------------- */

/* Digits of @base at *s; advances *s. */
static int parse_digits(const char **s, unsigned int base, uint64_t *out)
{
	const char *p = *s;
	unsigned int digit;
	uint64_t v = 0;
	bool any = false;

	for (;; p++) {
		unsigned char ch = (unsigned char)*p;

		if (isdigit(ch))
			digit = ch - '0';
		else if (base == 16 && isxdigit(ch))
			digit = tolower(ch) - 'a' + 10;
		else
			break;
		if (v > (UINT64_MAX - digit) / base)
			return -ERANGE;
		v = v * base + digit;
		any = true;
	}
	if (!any)
		return -EINVAL;
	*s = p;
	*out = v;
	return 0;
}

static const char *skip_space(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* Sizes: decimal or 0x-hex digits at *s; advances *s. */
static int parse_u64(const char **s, uint64_t *out)
{
	if ((*s)[0] == '0' && ((*s)[1] == 'x' || (*s)[1] == 'X') &&
	    isxdigit((unsigned char)(*s)[2])) {
		*s += 2;
		return parse_digits(s, 16, out);
	}
	return parse_digits(s, 10, out);
}

/*
 * Counts, times and CPU numbers: plain decimal at *s. A leading zero
 * ("08", octal in C) or 0x ("0x3", which reads like a mask in a cpus
 * list) is refused with -EDOM rather than read one way or the other.
 */
static int parse_dec(const char **s, uint64_t *out)
{
	const char *p = *s;

	if (p[0] == '0' && (isdigit((unsigned char)p[1]) || p[1] == 'x' ||
			    p[1] == 'X'))
		return -EDOM;
	return parse_digits(s, 10, out);
}

int cfg_parse_size(const char *s, uint64_t *out)
{
	uint64_t v, mult = 1;
	int ret;

	ret = parse_u64(&s, &v);
	if (ret)
		return ret;
	s = skip_space(s);
	switch (toupper((unsigned char)*s)) {
	case 'K':
		mult = KIB;
		break;
	case 'M':
		mult = MIB;
		break;
	case 'G':
		mult = GIB;
		break;
	}
	if (mult != 1) {
		s++;
		/* Also take "KB" and "KiB", meaning the same. */
		if (*s == 'i')
			s++;
		if (*s == 'B')
			s++;
		else if (s[-1] == 'i')
			return -EINVAL;
	}
	if (*skip_space(s))
		return -EINVAL;
	if (v > UINT64_MAX / mult)
		return -ERANGE;
	*out = v * mult;
	return 0;
}

/* A whole-value number within [min, max]; reports and fails otherwise. */
static int get_number(struct parse_ctx *c, const char *key, const char *val,
		      uint64_t min, uint64_t max, uint64_t *out)
{
	const char *s = val;
	int ret;

	ret = parse_dec(&s, out);
	if (ret == -EDOM) {
		key_err(c, key, "'%.64s': write numbers in plain decimal (no leading zero, no 0x)",
			val);
		return -EINVAL;
	}
	if (ret == -EINVAL || (!ret && *skip_space(s))) {
		key_err(c, key, "bad number '%.64s'", val);
		return -EINVAL;
	}
	if (ret || *out < min || *out > max) {
		key_err(c, key, "value %.64s is out of range (%llu..%llu)", val,
			(unsigned long long)min, (unsigned long long)max);
		return -ERANGE;
	}
	return 0;
}

static int get_choice(struct parse_ctx *c, const char *key, const char *val,
		      const struct choice *ch, size_t n, int *out)
{
	char list[96];
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		if (!strcasecmp(val, ch[i].name)) {
			*out = ch[i].value;
			return 0;
		}
	}
	list[0] = '\0';
	for (i = 0; i < n && len < sizeof(list); i++) {
		snprintf(list + len, sizeof(list) - len, "%s%s",
			 !i ? "" : i + 1 == n ? " or " : ", ", ch[i].name);
		len = strnlen(list, sizeof(list));
	}
	key_err(c, key, "bad value '%.64s' (use %s)", val, list);
	return -EINVAL;
}

#define GET_CHOICE(c, key, val, tbl, out) \
	get_choice(c, key, val, tbl, sizeof(tbl) / sizeof(tbl[0]), out)

static int copy_str(struct parse_ctx *c, const char *key, const char *val,
		    char *dst, size_t size)
{
	size_t len = strlen(val);

	if (len >= size) {
		key_err(c, key, "too long (%u characters, at most %u)",
			(unsigned int)len, (unsigned int)size - 1);
		return -E2BIG;
	}
	memcpy(dst, val, len + 1);
	return 0;
}

/*
 * An affinity list such as "0", "0-1" or "0,2-3". Returns -ERANGE with
 * *bad set when a CPU number is beyond CFG_MAX_CPUS.
 */
int cfg_parse_cpus(const char *s, uint64_t *mask, uint64_t *bad)
{
	uint64_t lo, hi, bit;

	*mask = 0;
	for (;;) {
		int r;

		s = skip_space(s);
		r = parse_dec(&s, &lo);
		if (r)
			return r == -EDOM ? r : -EINVAL;
		hi = lo;
		s = skip_space(s);
		if (*s == '-') {
			s = skip_space(s + 1);
			r = parse_dec(&s, &hi);
			if (r)
				return r == -EDOM ? r : -EINVAL;
			if (hi < lo)
				return -EINVAL;
			s = skip_space(s);
		}
		if (hi >= CFG_MAX_CPUS) {
			*bad = hi;
			return -ERANGE;
		}
		for (bit = lo; bit <= hi; bit++)
			*mask |= 1ULL << bit;
		if (!*s)
			return 0;
		if (*s != ',')
			return -EINVAL;
		s++;
	}
}

static uint64_t all_cpus(uint32_t n)
{
	if (!n || n >= 64)
		return ~0ULL;
	return (1ULL << n) - 1;
}

/* ---- [hypervisor] ------------------------------------------------------ */

static const struct choice consoles[] = {
	{ "serial", CFG_CONSOLE_SERIAL },
	{ "e9", CFG_CONSOLE_E9 },
};

static const struct choice log_levels[] = {
	{ "error", LOG_ERROR },
	{ "warn", LOG_WARN },
	{ "info", LOG_INFO },
	{ "debug", LOG_DEBUG },
};

static const struct choice scheds[] = {
	{ "fair", CFG_SCHED_FAIR },
	{ "rr", CFG_SCHED_RR },
	{ "partition", CFG_SCHED_PARTITION },
};

static const struct choice deliveries[] = {
	{ "auto", CFG_DELIVERY_AUTO },
	{ "posted", CFG_DELIVERY_POSTED },
	{ "vid", CFG_DELIVERY_VID },
	{ "inject", CFG_DELIVERY_INJECT },
};

static void parse_delivery(struct parse_ctx *c, const char *key,
			   const char *val)
{
	int v;

	if (!GET_CHOICE(c, key, val, deliveries, &v))
		c->cfg->hyp.delivery = v;
}

static const struct choice guards[] = {
	{ "auto", CFG_GUARD_AUTO }, { "on", CFG_GUARD_ON },
	{ "off", CFG_GUARD_OFF },
};

static void parse_vid_guard(struct parse_ctx *c, const char *key,
			    const char *val)
{
	int v;

	if (!GET_CHOICE(c, key, val, guards, &v))
		c->cfg->hyp.vid_guard = v;
}

static void parse_console(struct parse_ctx *c, const char *key, const char *val)
{
	int v;

	if (!GET_CHOICE(c, key, val, consoles, &v))
		c->cfg->hyp.console = v;
}

static void parse_log_level(struct parse_ctx *c, const char *key,
			    const char *val)
{
	int v;

	if (!GET_CHOICE(c, key, val, log_levels, &v))
		c->cfg->hyp.log_level = v;
}

static void parse_scheduler(struct parse_ctx *c, const char *key,
			    const char *val)
{
	int v;

	if (!GET_CHOICE(c, key, val, scheds, &v))
		c->cfg->hyp.scheduler = v;
}

static void parse_slice(struct parse_ctx *c, const char *key, const char *val)
{
	uint64_t v;

	if (!get_number(c, key, val, 100, 1000000, &v))
		c->cfg->hyp.slice_us = v;
}

static void parse_latency(struct parse_ctx *c, const char *key,
			  const char *val)
{
	uint64_t v;

	if (!get_number(c, key, val, 10, 1000000, &v))
		c->cfg->hyp.latency_us = v;
}

static void parse_boost(struct parse_ctx *c, const char *key, const char *val)
{
	uint64_t v;

	if (!get_number(c, key, val, 10, 1000000, &v)) {
		c->cfg->hyp.boost_us = v;
		c->boost_line = c->line;
	}
}

/* Records per pCPU: 0 (no rings), or a power of two up to 1 Mi (16 MiB). */
static void parse_trace(struct parse_ctx *c, const char *key, const char *val)
{
	uint64_t v;

	if (get_number(c, key, val, 0, 1u << 20, &v))
		return;
	if (v & (v - 1)) {
		key_err(c, key, "%llu is not 0 or a power of two",
			(unsigned long long)v);
		return;
	}
	c->cfg->hyp.trace_records = v;
}

static const struct choice bools[] = {
	{ "yes", 1 }, { "no", 0 },
	{ "true", 1 }, { "false", 0 },
	{ "1", 1 }, { "0", 0 },
};

/* Record from boot and print the rings at the end (yes), or only for hvctl trace. */
static void parse_trace_boot(struct parse_ctx *c, const char *key,
			     const char *val)
{
	int v;

	if (GET_CHOICE(c, key, val, bools, &v))
		return;
	c->cfg->hyp.trace_boot = v;
	c->trace_boot_line = c->line;
}

/* A yes/no key: *@dst changes only when @val is one of bools[]. */
static void set_bool(struct parse_ctx *c, const char *key, const char *val,
		     bool *dst)
{
	int v;

	if (!GET_CHOICE(c, key, val, bools, &v))
		*dst = v;
}

/* End an interrupt guard when the guest is done with it (src/core/guard.h). */
static void parse_guard_watch(struct parse_ctx *c, const char *key,
			      const char *val)
{
	set_bool(c, key, val, &c->cfg->hyp.guard_watch);
}

/* Move a vCPU whose interrupt would wait to a pCPU that can take it now. */
static void parse_irq_steal(struct parse_ctx *c, const char *key,
			    const char *val)
{
	set_bool(c, key, val, &c->cfg->hyp.irq_steal);
}

static const struct key_desc hyp_keys[HK_N] = {
	[HK_CONSOLE]	= { "console", parse_console, false },
	[HK_LOG_LEVEL]	= { "log_level", parse_log_level, false },
	[HK_SCHEDULER]	= { "scheduler", parse_scheduler, false },
	[HK_SLICE]	= { "slice_us", parse_slice, false },
	[HK_LATENCY]	= { "latency_us", parse_latency, false },
	[HK_BOOST]	= { "boost_us", parse_boost, false },
	[HK_DELIVERY]	= { "apic_delivery", parse_delivery, false },
	[HK_VID_GUARD]	= { "vid_guard", parse_vid_guard, false },
	[HK_TRACE]	= { "trace_records", parse_trace, false },
	[HK_TRACE_BOOT]	= { "trace_boot", parse_trace_boot, false },
	[HK_GUARD_WATCH] = { "guard_watch", parse_guard_watch, false },
	[HK_IRQ_STEAL]	= { "irq_steal", parse_irq_steal, false },
};

/* ---- [guest NAME] ------------------------------------------------------ */

static const struct choice kinds[] = {
	{ "linux", CFG_GUEST_LINUX },
	{ "multiboot2", CFG_GUEST_MULTIBOOT2 },
};

static void parse_kind(struct parse_ctx *c, const char *key, const char *val)
{
	int v;

	if (GET_CHOICE(c, key, val, kinds, &v))
		return;
	c->g->kind = v;
	c->meta[c->g - c->cfg->guests].kind_line = c->line;
}

/*
 * Image @name has to exist on the machine: 0 and its @size (0 when the
 * machine cannot tell), or -1 after an error naming it (@what prefixes
 * the message, e.g. "blk: ").
 */
static int image_exists(struct parse_ctx *c, const char *key,
			const char *what, const char *name, uint64_t *size)
{
	const struct cfg_machine *m = c->m;
	int ret;

	*size = 0;
	if (!m || !m->image_size)
		return 0;
	ret = m->image_size(m->ctx, name, size);
	if (ret == -ENOENT)
		key_err(c, key, "%simage '%s' not found", what, name);
	else if (ret < 0)
		key_err(c, key, "%simage '%s' cannot be read (error %d)", what,
			name, ret);
	return ret < 0 ? -1 : 0;
}

/* An image name: stored as written, and it has to exist. */
static void parse_image(struct parse_ctx *c, const char *key, const char *val,
			char *dst)
{
	uint64_t size;

	if (!copy_str(c, key, val, dst, CFG_PATH_MAX))
		image_exists(c, key, "", val, &size);
}

static void parse_kernel(struct parse_ctx *c, const char *key, const char *val)
{
	if (!*val) {
		key_err(c, key, "empty image name");
		return;
	}
	parse_image(c, key, val, c->g->kernel);
}

static void parse_initrd(struct parse_ctx *c, const char *key, const char *val)
{
	/* An empty initrd means none, as if the key were not there. */
	if (*val)
		parse_image(c, key, val, c->g->initrd);
}

/*
 * The next item of the comma-separated list at *@rest: its start, and its
 * length without the spaces around it in *@len. *@rest moves past the
 * comma, or becomes NULL after the last item.
 */
static const char *list_next(const char **rest, size_t *len)
{
	const char *s = skip_space(*rest), *e, *end;

	for (e = s; *e && *e != ','; e++)
		;
	for (end = e; end > s && isspace((unsigned char)end[-1]); end--)
		;
	*len = end - s;
	*rest = *e ? e + 1 : NULL;
	return s;
}

/*
 * "NAME[, NAME...]": more Multiboot2 modules, each an image name as for
 * initrd. An empty value means none, as for initrd.
 */
static void parse_modules(struct parse_ctx *c, const char *key,
			  const char *val)
{
	struct guest_config *g = c->g;
	const char *rest = val, *s;
	char name[CFG_PATH_MAX];
	size_t len;

	g->n_modules = 0;
	if (!*val)
		return;
	while (rest) {
		s = list_next(&rest, &len);
		if (!len) {
			key_err(c, key, "empty name in the list (write NAME[, NAME...])");
			return;
		}
		if (g->n_modules == CFG_MAX_MODULES) {
			key_err(c, key, "too many modules (at most %d)",
				CFG_MAX_MODULES);
			return;
		}
		if (len >= CFG_PATH_MAX) {
			key_err(c, key, "name '%.32s...' is too long (%u characters, at most %u)",
				s, (unsigned int)len, CFG_PATH_MAX - 1);
			return;
		}
		memcpy(name, s, len);
		name[len] = '\0';
		parse_image(c, key, name, g->modules[g->n_modules++]);
	}
}

static void parse_cmdline(struct parse_ctx *c, const char *key,
			  const char *val)
{
	/* It reaches the guest and the console: printable ASCII only. */
	for (size_t i = 0; val[i]; i++)
		if ((unsigned char)val[i] < 0x20 || (unsigned char)val[i] > 0x7e) {
			key_err(c, key, "byte 0x%02x at character %u: the command line is printable ASCII",
				(unsigned char)val[i], (unsigned int)i + 1);
			return;
		}
	copy_str(c, key, val, c->g->cmdline, CFG_CMDLINE_MAX);
}

static void parse_memory(struct parse_ctx *c, const char *key, const char *val)
{
	uint64_t v;
	int ret;

	ret = cfg_parse_size(val, &v);
	if (ret == -EINVAL) {
		key_err(c, key, "bad size '%.64s' (bytes, or with a K, M or G suffix)",
			val);
		return;
	}
	if (ret) {
		key_err(c, key, "size %.64s is out of range", val);
		return;
	}
	if (v < MIB) {
		key_err(c, key, "size %.64s is out of range (at least 1M)", val);
		return;
	}
	if (v > CFG_MEMORY_MAX) {
		key_err(c, key, "size %.64s is out of range (at most 3G: a guest's RAM ends below its PCI window at 0xC0000000)",
			val);
		return;
	}
	if (v % (4 * KIB)) {
		key_err(c, key, "size %.64s is not a multiple of 4K", val);
		return;
	}
	c->g->memory = v;
	c->meta[c->g - c->cfg->guests].mem_line = c->line;
}

static void parse_vcpus(struct parse_ctx *c, const char *key, const char *val)
{
	uint64_t v;
	const char *s = val;

	/* Zero parses as a number but gets its own, clearer message. */
	if (!parse_dec(&s, &v) && !*skip_space(s) && v < 1) {
		key_err(c, key, "a guest needs at least 1 vCPU");
		return;
	}
	if (get_number(c, key, val, 1, CFG_MAX_VCPUS, &v))
		return;
	c->g->vcpus = v;
	c->meta[c->g - c->cfg->guests].vcpus_line = c->line;
}

static void parse_cpus(struct parse_ctx *c, const char *key, const char *val)
{
	uint32_t n = c->m ? c->m->n_cpus : 0;
	uint64_t mask, bad, cpu;
	int ret;

	ret = cfg_parse_cpus(val, &mask, &bad);
	if (ret == -EDOM) {
		key_err(c, key, "'%.64s': CPU numbers in plain decimal (no leading zero, no 0x): cpus is a list such as 0-1 or 0,2, not a mask",
			val);
		return;
	}
	if (ret == -ERANGE) {
		key_err(c, key, "cpu %llu is out of range (0..%d)",
			(unsigned long long)bad, CFG_MAX_CPUS - 1);
		return;
	}
	if (ret) {
		key_err(c, key, "bad cpus list '%.64s' (e.g. 0 or 0-1 or 0,2-3)",
			val);
		return;
	}
	if (n && (mask & ~all_cpus(n))) {
		for (cpu = n; !(mask & (1ULL << cpu)); cpu++)
			;
		key_err(c, key, "cpu %llu is outside the machine (%u CPU%s)",
			(unsigned long long)cpu, n, n == 1 ? "" : "s");
		return;
	}
	c->g->cpus = mask;
	c->meta[c->g - c->cfg->guests].cpus_line = c->line;
}

static void parse_weight(struct parse_ctx *c, const char *key, const char *val)
{
	uint64_t v;

	if (!get_number(c, key, val, 1, 65535, &v))
		c->g->weight = v;
}

static void parse_watchdog(struct parse_ctx *c, const char *key,
			   const char *val)
{
	uint64_t v;

	if (!get_number(c, key, val, 0, 86400, &v))
		c->g->watchdog_s = v;
}

/* Copy at most @size - 1 of the @len characters at @src, terminated. */
static void copy_cut(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* The KVM paravirtual features by their hvisor.ini names. */
static const struct {
	const char *name;
	uint32_t bit;
} pv_names[] = {
	{ "steal", CFG_PV_STEAL },
	{ "tlb", CFG_PV_TLB },
	{ "yield", CFG_PV_YIELD },
	{ "kick", CFG_PV_KICK },
	{ "ipi", CFG_PV_IPI },
};
#define PV_KNOWN "steal, tlb, yield, kick, ipi; or none"

static uint32_t pv_bit(const char *name)
{
	for (size_t i = 0; i < sizeof(pv_names) / sizeof(pv_names[0]); i++)
		if (!strcasecmp(name, pv_names[i].name))
			return pv_names[i].bit;
	return 0;
}

static void parse_pv(struct parse_ctx *c, const char *key, const char *val)
{
	const char *rest = val, *s;
	uint32_t pv = 0, bit;
	char name[8];
	size_t len;

	while (rest) {
		s = list_next(&rest, &len);
		if (!len) {
			key_err(c, key, "empty name in the list (write " PV_KNOWN ")");
			return;
		}
		copy_cut(name, sizeof(name), s, len);
		bit = len < sizeof(name) ? pv_bit(name) : 0;
		if (bit) {
			pv |= bit;
		} else if (len < sizeof(name) && !strcasecmp(name, "none")) {
			if (pv || rest || s != skip_space(val)) {
				key_err(c, key, "'none' stands alone");
				return;
			}
			break;
		} else {
			key_err(c, key, "unknown feature '%.*s' (known: " PV_KNOWN ")",
				(int)(len > 32 ? 32 : len), s);
			return;
		}
	}
	/* Linux flushes through the steal-time record: no record, no flush. */
	if ((pv & CFG_PV_TLB) && !(pv & CFG_PV_STEAL)) {
		key_err(c, key, "tlb needs steal (the flush request lives in the steal-time record)");
		return;
	}
	c->g->pv = pv;
}

#define VIRTIO_KNOWN	"console, blk:ram:SIZE, blk:IMAGE, net:SWITCH"

/* blk:ram:SIZE, a RAM disk of whole sectors. 0 or -1 (reported). */
static int parse_blk_ram(struct parse_ctx *c, const char *key, const char *s,
			 size_t len)
{
	char size[32];
	uint64_t v;

	if (len >= sizeof(size) + 8) {
		key_err(c, key, "blk:ram: size too long");
		return -1;
	}
	copy_cut(size, sizeof(size), s + 8, len - 8);
	if (cfg_parse_size(size, &v) || v < 4 * KIB || v > CFG_BLK_MAX ||
	    v % 512) {
		key_err(c, key, "blk:ram:%s: want a size from 4K to 256M in whole 512-byte sectors",
			size);
		return -1;
	}
	c->g->blk_size = v;
	return 0;
}

static bool valid_name_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '-';
}

/*
 * blk:IMAGE, a disk image loaded as a boot module: it has to exist and
 * be whole sectors. 0 or -1 (reported).
 */
static int parse_blk_image(struct parse_ctx *c, const char *key, const char *s,
			   size_t len)
{
	const struct cfg_machine *m = c->m;
	char *name = c->g->blk_image;
	uint64_t size;

	if (len - 4 >= CFG_PATH_MAX) {
		key_err(c, key, "blk: image name too long (at most %d characters)",
			CFG_PATH_MAX - 1);
		return -1;
	}
	copy_cut(name, CFG_PATH_MAX, s + 4, len - 4);
	if (image_exists(c, key, "blk: ", name, &size))
		return -1;
	if (m && m->image_size && (!size || size % 512)) {
		key_err(c, key, "blk: image '%s' is %llu bytes; a disk is whole 512-byte sectors",
			name, (unsigned long long)size);
		return -1;
	}
	return 0;
}

/* net:SWITCH, a port on the switch of that name. 0 or -1 (reported). */
static int parse_net(struct parse_ctx *c, const char *key, const char *s,
		     size_t len)
{
	size_t n = len - 4;

	for (size_t i = 4; i < len; i++)
		if (!valid_name_char(s[i]))
			n = 0;
	if (!n || n >= CFG_NET_NAME_MAX) {
		key_err(c, key, "'%.*s': want net:SWITCH, a switch name of 1 to %d letters, digits, '-' or '_'",
			(int)(len > 40 ? 40 : len), s, CFG_NET_NAME_MAX - 1);
		return -1;
	}
	copy_cut(c->g->net_switch, sizeof(c->g->net_switch), s + 4, n);
	return 0;
}

/*
 * virtio = console, blk:ram:SIZE, net:SWITCH: the guest's devices.
 * blk:IMAGE is issue 15's next step: refused by name.
 */
static void parse_virtio(struct parse_ctx *c, const char *key, const char *val)
{
	const char *rest = val, *s;
	uint32_t devs = 0, bit;
	char name[16], kind[5], pre[9];
	size_t len;

	while (rest) {
		s = list_next(&rest, &len);
		if (!len) {
			key_err(c, key, "empty name in the list (write " VIRTIO_KNOWN ")");
			return;
		}
		copy_cut(name, sizeof(name), s, len);
		copy_cut(kind, sizeof(kind), s, len < 4 ? len : 4);
		copy_cut(pre, sizeof(pre), s, len < 8 ? len : 8);
		if (len < sizeof(name) && !strcasecmp(name, "console")) {
			bit = CFG_VIRTIO_CONSOLE;
		} else if (len >= 8 && !strcasecmp(pre, "blk:ram:")) {
			if (parse_blk_ram(c, key, s, len))
				return;
			bit = CFG_VIRTIO_BLK;
		} else if (len >= 4 && !strcasecmp(kind, "net:")) {
			if (parse_net(c, key, s, len))
				return;
			bit = CFG_VIRTIO_NET;
		} else if (len == 3 && !strcasecmp(name, "net")) {
			key_err(c, key, "net wants the switch it plugs into: net:SWITCH (e.g. net:sw0)");
			return;
		} else if (len > 4 && !strcasecmp(kind, "blk:")) {
			if (parse_blk_image(c, key, s, len))
				return;
			bit = CFG_VIRTIO_BLK;
		} else if ((len == 3 && !strcasecmp(name, "blk")) ||
			   (len == 4 && !strcasecmp(kind, "blk:"))) {
			key_err(c, key, "blk wants a disk: blk:IMAGE or blk:ram:SIZE");
			return;
		} else {
			key_err(c, key, "unknown device '%.*s' (known: " VIRTIO_KNOWN ")",
				(int)(len > 32 ? 32 : len), s);
			return;
		}
		if (devs & bit) {
			key_err(c, key, "%s is listed twice",
				bit == CFG_VIRTIO_BLK ? "blk" :
				bit == CFG_VIRTIO_NET ? "net" : "console");
			return;
		}
		devs |= bit;
	}
	c->g->virtio = devs;
	c->meta[c->g - c->cfg->guests].virtio_line = c->line;
}

/* mac = 02:00:00:00:00:01: the virtio-net address, unicast, not zero. */
static void parse_mac(struct parse_ctx *c, const char *key, const char *val)
{
	uint8_t *m = c->g->mac;
	unsigned int i = 0, any = 0;
	const char *p = val;

	for (; i < 6; i++) {
		unsigned int v = 0, digits = 0;

		while (isxdigit((unsigned char)*p) && digits < 3) {
			v = v * 16 + (unsigned int)(isdigit((unsigned char)*p) ?
				*p - '0' : (tolower((unsigned char)*p) - 'a' + 10));
			p++;
			digits++;
		}
		if (digits != 2 || (i < 5 && *p++ != ':'))
			break;
		m[i] = (uint8_t)v;
		any |= v;
	}
	if (i < 6 || *p) {
		key_err(c, key, "'%s': want six hex bytes, 02:00:00:00:00:01", val);
		return;
	}
	if ((m[0] & 1) || !any) {
		key_err(c, key, "%s is a %s address; a NIC needs a unicast one", val,
			any ? "multicast" : "zero");
		return;
	}
	c->g->mac_set = true;
}

static const struct choice transports[] = {
	{ "pci", 0 }, { "mmio", 1 },
};

static void parse_transport(struct parse_ctx *c, const char *key,
			    const char *val)
{
	int v;

	if (!GET_CHOICE(c, key, val, transports, &v))
		c->g->virtio_mmio = v;
}

static const struct choice crash_actions[] = {
	{ "stop", CFG_ON_CRASH_STOP }, { "restart", CFG_ON_CRASH_RESTART },
};

static void parse_on_crash(struct parse_ctx *c, const char *key,
			   const char *val)
{
	int v;

	if (!GET_CHOICE(c, key, val, crash_actions, &v))
		c->g->on_crash = v;
}

static void parse_root(struct parse_ctx *c, const char *key, const char *val)
{
	int idx = c->g - c->cfg->guests;
	int v;

	if (GET_CHOICE(c, key, val, bools, &v))
		return;
	c->g->root = v;
	if (!v)
		return;
	if (c->root_guest >= 0) {
		key_err(c, key, "guests '%s' and '%s' both have root = yes (only one root guest)",
			c->cfg->guests[c->root_guest].name, c->g->name);
		return;
	}
	c->root_guest = idx;
}

static const struct key_desc guest_keys[GK_N] = {
	[GK_KIND]	= { "kind", parse_kind, true },
	[GK_KERNEL]	= { "kernel", parse_kernel, true },
	[GK_INITRD]	= { "initrd", parse_initrd, false },
	[GK_MODULES]	= { "modules", parse_modules, false },
	[GK_CMDLINE]	= { "cmdline", parse_cmdline, false },
	[GK_MEMORY]	= { "memory", parse_memory, true },
	[GK_VCPUS]	= { "vcpus", parse_vcpus, false },
	[GK_CPUS]	= { "cpus", parse_cpus, false },
	[GK_WEIGHT]	= { "weight", parse_weight, false },
	[GK_ROOT]	= { "root", parse_root, false },
	[GK_WATCHDOG]	= { "watchdog_s", parse_watchdog, false },
	[GK_PV]		= { "pv", parse_pv, false },
	[GK_VIRTIO]	= { "virtio", parse_virtio, false },
	[GK_TRANSPORT]	= { "virtio_transport", parse_transport, false },
	[GK_MAC]	= { "mac", parse_mac, false },
	[GK_ON_CRASH]	= { "on_crash", parse_on_crash, false },
};

/* ---- sections ---------------------------------------------------------- */

static void set_key(struct parse_ctx *c, const struct key_desc *keys, int n,
		    const char *key, const char *val)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcasecmp(key, keys[i].name))
			break;
	if (i == n) {
		key_err(c, key, "unknown key");
		return;
	}
	if (c->key_line[i]) {
		key_err(c, key, "duplicate key (first set on line %d)",
			c->key_line[i]);
		return;
	}
	c->key_line[i] = c->line;
	keys[i].parse(c, key, val);
}

/* Keys that depend on kind, which may come after them. */
static void check_guest_kind(struct parse_ctx *c)
{
	const struct guest_config *g = c->g;

	if (!g || !c->meta[g - c->cfg->guests].kind_line)
		return;
	if (g->kind == CFG_GUEST_LINUX && g->n_modules)
		report(c, c->key_line[GK_MODULES], cur_sec(c), "modules",
		       "kind = linux takes one initrd and no modules (modules are for kind = multiboot2)");
}

/*
 * A virtio-net address: mac = ..., else 02:68:76 ("hv", locally
 * administered) and 24 bits of the guest's name (FNV-1a), so it stays
 * the same from boot to boot.
 */
static void check_mac(struct parse_ctx *c)
{
	struct guest_config *g = c->g;
	uint32_t h = 2166136261u;

	if (!g)
		return;
	if (g->mac_set && !(g->virtio & CFG_VIRTIO_NET)) {
		report(c, c->key_line[GK_MAC], cur_sec(c), "mac",
		       "mac without a network device (virtio = net:SWITCH)");
		return;
	}
	if (g->mac_set)
		return;
	for (const char *p = g->name; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	g->mac[0] = 0x02;
	g->mac[1] = 0x68;
	g->mac[2] = 0x76;
	g->mac[3] = (uint8_t)(h >> 16);
	g->mac[4] = (uint8_t)(h >> 8);
	g->mac[5] = (uint8_t)h;
}

/* Checks that need the whole section: required keys, kind's rules. */
static void close_section(struct parse_ctx *c)
{
	const struct key_desc *keys = guest_keys;
	int i, n = GK_N;

	if (c->sec == SEC_HYP) {
		keys = hyp_keys;
		n = HK_N;
	} else if (c->sec != SEC_GUEST) {
		return;
	}
	for (i = 0; i < n; i++)
		if (keys[i].required && !c->key_line[i])
			sec_err(c, c->sec_line, "missing required key '%s'",
				keys[i].name);
	if (c->sec == SEC_GUEST) {
		check_guest_kind(c);
		check_mac(c);
	}
}

static bool valid_guest_name(const char *name)
{
	size_t len = strnlen(name, CFG_NAME_MAX);
	size_t i;

	if (!len || len >= CFG_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!valid_name_char(name[i]))
			return false;
	return true;
}

static void start_guest(struct parse_ctx *c, const char *name)
{
	struct hv_config *cfg = c->cfg;
	struct guest_config *g;
	uint32_t i;

	if (cfg->n_guests == CFG_MAX_GUESTS) {
		sec_err(c, c->line, "too many guests (at most %d)",
			CFG_MAX_GUESTS);
		c->sec = SEC_SKIP;
		return;
	}
	if (!*name) {
		sec_err(c, c->line, "missing guest name (write [guest NAME])");
	} else if (!valid_guest_name(name)) {
		sec_err(c, c->line, "bad guest name (1 to %d of A-Z a-z 0-9 _ -)",
			CFG_NAME_MAX - 1);
	} else {
		for (i = 0; i < cfg->n_guests; i++) {
			if (!strcmp(cfg->guests[i].name, name)) {
				sec_err(c, c->line, "duplicate guest name '%s' (first on line %d)",
					name, cfg->guests[i].line);
				break;
			}
		}
	}

	g = &cfg->guests[cfg->n_guests];
	memcpy(c->meta[cfg->n_guests].sec, c->sec_text, CFG_SEC_TEXT);
	cfg->n_guests++;
	memset(g, 0, sizeof(*g));
	/* The name was checked to fit (and g zeroed, so it ends in NUL). */
	memcpy(g->name, name, strnlen(name, CFG_NAME_MAX - 1));
	g->line = c->line;
	g->vcpus = 1;
	g->weight = 256;
	g->pv = CFG_PV_ALL;
	g->cpus = all_cpus(c->m ? c->m->n_cpus : 0);
	c->g = g;
}


/*
 * A section header: @s points after '[' and @len runs up to the ']'.
 * Called from the reader, before inih sees the line.
 */
static void start_section(struct parse_ctx *c, const char *s, size_t len)
{
	const char *end = s + len, *w;
	char word[16], name[CFG_NAME_MAX + 1];

	close_section(c);
	if (len < CFG_SEC_TEXT) {
		memcpy(c->sec_text, s, len);
		c->sec_text[len] = '\0';
	} else {
		memcpy(c->sec_text, s, CFG_SEC_TEXT - 4);
		strcpy(c->sec_text + CFG_SEC_TEXT - 4, "...");
	}
	c->sec_line = c->line;
	c->sec = SEC_SKIP;
	c->g = NULL;
	memset(c->key_line, 0, sizeof(c->key_line));

	/* "TYPE NAME": a too long word or name is cut, then rejected. */
	while (s < end && isspace((unsigned char)*s))
		s++;
	for (w = s; s < end && !isspace((unsigned char)*s); s++)
		;
	copy_cut(word, sizeof(word), w, s - w);
	while (s < end && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	copy_cut(name, sizeof(name), s, end - s);

	if (!strcasecmp(word, "hypervisor")) {
		if (*name) {
			sec_err(c, c->line, "[hypervisor] takes no name");
		} else if (c->hyp_line) {
			sec_err(c, c->line, "duplicate section (first on line %d)",
				c->hyp_line);
		} else {
			c->hyp_line = c->line;
			c->sec = SEC_HYP;
		}
	} else if (!strcasecmp(word, "guest")) {
		c->sec = SEC_GUEST;
		start_guest(c, name);
	} else if (!strcasecmp(word, "virtio")) {
		sec_err(c, c->line, "no [virtio] sections: list a guest's devices in its own section (virtio = console)");
	} else {
		sec_err(c, c->line, "unknown section (use [hypervisor], [guest NAME])");
	}
}

/* ---- inih glue --------------------------------------------------------- */

/* Where inih would see the closing ']' (it stops at an inline comment). */
static const char *find_bracket(const char *s, const char *end)
{
	bool was_space = false;

	for (; s < end && *s != ']'; s++) {
		if (was_space && *s == ';')
			return end;
		was_space = isspace((unsigned char)*s);
	}
	return s;
}

/* Nothing but blanks and maybe a comment in [@s, @end). */
static bool only_comment(const char *s, const char *end)
{
	while (s < end && isspace((unsigned char)*s))
		s++;
	return s == end || *s == ';' || *s == '#';
}

/* The previous line was not blank/comment/header: inih must have used it. */
static void finish_line(struct parse_ctx *c)
{
	if (c->want_kv && !c->got_kv)
		syntax_err(c, "expected 'key = value', '[section]' or a comment");
	c->want_kv = false;
	c->got_kv = false;
}

/* Sort a line before inih parses it, so that we track sections ourselves. */
static void classify_line(struct parse_ctx *c, const char *p, size_t len,
			  bool too_long)
{
	const char *end = p + len, *br;

	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p == end)
		return;
	if (*p == ';' || *p == '#') {
		/* A comment too: inih would read the rest as a line of its own. */
		if (too_long)
			syntax_err(c, "line too long");
		return;
	}
	if (*p == '[') {
		br = find_bracket(p + 1, end);
		if (br == end) {
			/* Skip its keys: they belong to no section we know. */
			close_section(c);
			c->sec = SEC_SKIP;
			c->sec_text[0] = '\0';
			syntax_err(c, "section header without ']'");
			return;
		}
		start_section(c, p + 1, br - p - 1);
		if (too_long)
			syntax_err(c, "line too long");
		else if (!only_comment(br + 1, end))
			syntax_err(c, "text after ']' (one section header a line)");
		return;
	}
	if (too_long) {
		syntax_err(c, "line too long");
		return;
	}
	/* inih also splits at ':'; the documented syntax is key = value. */
	for (const char *q = p; q < end && *q != '='; q++)
		if (*q == ':') {
			syntax_err(c, "expected 'key = value' ('key: value' is not hvisor.ini's syntax)");
			return;
		}
	c->want_kv = true;
}

/* fgets() for inih, over the text, one line per call. */
static char *read_line(char *buf, int size, void *stream)
{
	struct parse_ctx *c = stream;
	const char *p = c->pos, *nl;
	size_t len;
	bool too_long;

	finish_line(c);
	if (!*p)
		return NULL;
	nl = strchr(p, '\n');
	len = nl ? (size_t)(nl - p) + 1 : strlen(p);
	c->pos = p + len;
	c->line++;
	if (c->line == 1 && len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) {
		p += 3;
		len -= 3;
	}

	/* A CR not before the LF: old Mac line endings make one long line. */
	for (size_t i = 0; i < len; i++)
		if (p[i] == '\r' && i + 1 < len && p[i + 1] != '\n') {
			syntax_err(c, "a carriage return inside the line (CR-only line endings?)");
			break;
		}
	/* Never hand inih part of a line: its next call would miscount. */
	too_long = len + 1 > (size_t)size;
	classify_line(c, p, len, too_long);
	if (too_long)
		len = 0;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return buf;
}

static int on_key(void *user, const char *section, const char *name,
		  const char *value)
{
	struct parse_ctx *c = user;

	c->got_kv = true;
	switch (c->sec) {
	case SEC_NONE:
		key_err(c, name, "key outside any section");
		break;
	case SEC_HYP:
		set_key(c, hyp_keys, HK_N, name, value);
		break;
	case SEC_GUEST:
		set_key(c, guest_keys, GK_N, name, value);
		break;
	case SEC_SKIP:
		break;
	}
	/* Errors are ours to report; inih's count would stop at the first. */
	return 1;
}

/* ---- whole-file checks ------------------------------------------------- */

static void check_memory(struct parse_ctx *c)
{
	const struct hv_config *cfg = c->cfg;
	uint64_t free_mem = c->m ? c->m->free_mem : 0;
	uint64_t total = 0, need;
	uint32_t i, over = cfg->n_guests;

	if (!free_mem)
		return;
	for (i = 0; i < cfg->n_guests; i++) {
		/* A virtio-blk RAM disk comes from the same free memory. */
		uint64_t mem = cfg->guests[i].memory + cfg->guests[i].blk_size;

		total = total + mem < total ? UINT64_MAX : total + mem;
		if (over == cfg->n_guests && total > free_mem)
			over = i;
	}
	if (over == cfg->n_guests)
		return;
	need = total / MIB + !!(total % MIB);
	/* Point at the guest whose memory no longer fits. */
	report(c, c->meta[over].mem_line, c->meta[over].sec, "memory",
	       "guests need %llu MiB but only %llu MiB is free",
	       (unsigned long long)need, (unsigned long long)(free_mem / MIB));
}

/* Bits set in @mask (the hypervisor links no libgcc for popcount). */
static uint32_t count_cpus(uint64_t mask)
{
	uint32_t n = 0;

	for (; mask; mask &= mask - 1)
		n++;
	return n;
}

/* "0-1,3" for a CPU mask. */
static void format_cpus(uint64_t mask, char *buf, size_t size)
{
	size_t len = 0;
	int lo, hi;

	buf[0] = '\0';
	for (lo = 0; lo < 64 && len < size; lo++) {
		if (!(mask & (1ULL << lo)))
			continue;
		for (hi = lo; hi < 63 && (mask & (1ULL << (hi + 1))); hi++)
			;
		if (hi == lo)
			snprintf(buf + len, size - len, "%s%d", len ? "," : "", lo);
		else
			snprintf(buf + len, size - len, "%s%d-%d", len ? "," : "",
				 lo, hi);
		len = strnlen(buf, size);
		lo = hi;
	}
}

/* One disk image, two guests writing it: neither would see a disk. */
static void check_disks(struct parse_ctx *c)
{
	const struct hv_config *cfg = c->cfg;

	for (uint32_t i = 0; i < cfg->n_guests; i++) {
		const struct guest_config *g = &cfg->guests[i];

		if (!g->blk_image[0])
			continue;
		for (uint32_t j = 0; j < i; j++) {
			if (strcmp(cfg->guests[j].blk_image, g->blk_image))
				continue;
			report(c, c->meta[i].virtio_line, c->meta[i].sec, "virtio",
			       "disk image '%s' is guest '%s''s disk already",
			       g->blk_image, cfg->guests[j].name);
			break;
		}
	}
}

/* Two guests on one switch with one MAC address would steal each
 * other's frames. */
static void check_nets(struct parse_ctx *c)
{
	const struct hv_config *cfg = c->cfg;

	for (uint32_t i = 0; i < cfg->n_guests; i++) {
		const struct guest_config *g = &cfg->guests[i];

		if (!(g->virtio & CFG_VIRTIO_NET))
			continue;
		for (uint32_t j = 0; j < i; j++) {
			const struct guest_config *o = &cfg->guests[j];

			if (!(o->virtio & CFG_VIRTIO_NET) ||
			    strcmp(o->net_switch, g->net_switch) ||
			    memcmp(o->mac, g->mac, 6))
				continue;
			report(c, c->meta[i].virtio_line, c->meta[i].sec, "virtio",
			       "guest '%s' has the MAC address of guest '%s' on switch %s (set mac = in one of them)",
			       g->name, o->name, g->net_switch);
			break;
		}
	}
}

/*
 * scheduler = partition gives every vCPU a pCPU of its own. Refuse what
 * would need sharing: a guest with more vCPUs than its own cpus list,
 * guests with more vCPUs than the machine has pCPUs, or a cpus list with
 * no free pCPU left. The last check places vCPUs as the scheduler does:
 * guests in file order, each vCPU on the lowest free pCPU of its list.
 */
/* A trace from boot needs its rings. */
static void check_trace(struct parse_ctx *c)
{
	if (c->cfg->hyp.trace_boot && !c->cfg->hyp.trace_records)
		report(c, c->trace_boot_line, "hypervisor", "trace_boot",
		       "yes, but trace_records = 0 leaves no rings to record into");
}

/*
 * An early run for an interrupt fits in the wake-up latency bound: a
 * boost_us written longer is an error; the default is a quarter of it.
 */
static void check_boost(struct parse_ctx *c)
{
	struct hyp_config *h = &c->cfg->hyp;

	if (!c->boost_line)
		h->boost_us = h->latency_us / 4 ? h->latency_us / 4 : 1;
	else if (h->boost_us > h->latency_us)
		report(c, c->boost_line, "hypervisor", "boost_us",
		       "%u us is longer than latency_us (%u us)", h->boost_us,
		       h->latency_us);
}

static void check_partition(struct parse_ctx *c)
{
	const struct hv_config *cfg = c->cfg;
	uint32_t n = c->m ? c->m->n_cpus : 0;
	uint64_t machine = all_cpus(n);
	uint32_t i, v, total = 0, allowed, over = cfg->n_guests;
	bool sharing = false;
	char list[3 * CFG_MAX_CPUS];
	int line;

	if (cfg->hyp.scheduler != CFG_SCHED_PARTITION)
		return;
	for (i = 0; i < cfg->n_guests; i++) {
		const struct guest_config *g = &cfg->guests[i];
		const struct guest_meta *meta = &c->meta[i];

		line = meta->vcpus_line ? meta->vcpus_line : g->line;
		/* A list the user wrote; the default one is the machine. */
		allowed = count_cpus(g->cpus & machine);
		if (meta->cpus_line && g->vcpus > allowed) {
			format_cpus(g->cpus & machine, list, sizeof(list));
			report(c, line, meta->sec, "vcpus",
			       "partition needs one pCPU per vCPU: %u vCPUs but cpus %s has %u pCPU%s",
			       g->vcpus, list, allowed, allowed == 1 ? "" : "s");
			sharing = true;
		}
		total += g->vcpus;
		if (n && total > n && over == cfg->n_guests)
			over = i;
	}
	if (over < cfg->n_guests) {
		/* Point at the guest that no longer fits. */
		line = c->meta[over].vcpus_line ? c->meta[over].vcpus_line :
						  cfg->guests[over].line;
		report(c, line, c->meta[over].sec, "vcpus",
		       "partition needs one pCPU per vCPU: guests need %u pCPUs but the machine has %u",
		       total, n);
		return;
	}
	if (sharing)
		return;

	i = cfg_partition_place(cfg, n, NULL, &v);
	if (i == cfg->n_guests)
		return;
	format_cpus(cfg->guests[i].cpus & machine, list, sizeof(list));
	report(c, c->meta[i].cpus_line ? c->meta[i].cpus_line : cfg->guests[i].line,
	       c->meta[i].sec, "cpus",
	       "partition needs one pCPU per vCPU: no free pCPU in cpus %s for vCPU %u (vCPUs before it took them)",
	       list, v);
}

uint32_t cfg_partition_place(const struct hv_config *cfg, uint32_t n_cpus,
			     int8_t pin[CFG_MAX_GUESTS][CFG_MAX_CPUS],
			     uint32_t *fail_vcpu)
{
	uint64_t machine = all_cpus(n_cpus), taken = 0, free_cpus;

	for (uint32_t i = 0; i < cfg->n_guests; i++) {
		const struct guest_config *g = &cfg->guests[i];

		for (uint32_t v = 0; v < g->vcpus; v++) {
			free_cpus = g->cpus & machine & ~taken;
			if (!free_cpus) {
				*fail_vcpu = v;
				return i;
			}
			free_cpus &= -free_cpus;
			taken |= free_cpus;
			if (pin)
				pin[i][v] = __builtin_ctzll(free_cpus);
		}
	}
	return cfg->n_guests;
}

static void set_defaults(struct hv_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->hyp.console = CFG_CONSOLE_SERIAL;
	cfg->hyp.log_level = LOG_INFO;
	cfg->hyp.scheduler = CFG_SCHED_FAIR;
	cfg->hyp.slice_us = 1000;
	cfg->hyp.latency_us = 1000;
	cfg->hyp.boost_us = 250;	/* latency_us / 4 unless set */
	cfg->hyp.irq_steal = true;
	cfg->hyp.delivery = CFG_DELIVERY_AUTO;
	cfg->hyp.vid_guard = CFG_GUARD_AUTO;
	cfg->hyp.trace_records = 4096;	/* hvctl trace's rings, 64 KiB a pCPU */
}

/* inih's knobs are globals: pin the ones the line counting relies on. */
static void setup_inih(void)
{
	ini_allow_multiline = false;
	ini_allow_bom = false;		/* read_line() strips it */
	ini_allow_no_value = false;
	ini_allow_inline_comments = true;
	ini_stop_on_first_error = false;
	ini_use_stack = true;		/* no malloc in the hypervisor */
	ini_max_line = CFG_LINE_MAX;
	ini_start_comment_prefixes = ";#";
	ini_inline_comment_prefixes = ";";
}

int config_parse(const char *file, const char *text,
		 const struct cfg_machine *m, struct hv_config *cfg)
{
	struct parse_ctx c;
	int ret;

	if (!text || !cfg)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.file = file ? file : "<config>";
	c.pos = text;
	c.m = m;
	c.cfg = cfg;
	c.root_guest = -1;
	set_defaults(cfg);

	setup_inih();
	ret = ini_parse_stream(read_line, &c, on_key, &c);
	finish_line(&c);
	close_section(&c);
	c.sec = SEC_NONE;
	if (ret > 0 && ret != c.first_syntax)
		report(&c, ret, NULL, NULL, "syntax error");
	else if (ret < 0)
		report(&c, c.line, NULL, NULL, "inih failed (%d)", ret);

	if (!cfg->n_guests)
		report(&c, c.line ? c.line : 1, NULL, NULL,
		       "no guests (add a [guest NAME] section)");
	check_memory(&c);
	check_boost(&c);
	check_trace(&c);
	check_partition(&c);
	check_nets(&c);
	check_disks(&c);
	return c.errors ? -EINVAL : 0;
}

const char *cfg_kind_name(enum cfg_guest_kind kind)
{
	switch (kind) {
	case CFG_GUEST_LINUX:
		return "linux";
	case CFG_GUEST_MULTIBOOT2:
		return "multiboot2";
	}
	return "?";
}

const char *cfg_sched_name(enum cfg_sched s)
{
	switch (s) {
	case CFG_SCHED_FAIR:
		return "fair";
	case CFG_SCHED_RR:
		return "rr";
	case CFG_SCHED_PARTITION:
		return "partition";
	}
	return "?";
}

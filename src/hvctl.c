// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl: hvisor's companion.
 *
 *   hvctl check  [-L DIR]... [--cpus N] [--mem SIZE] FILE.ini
 *   hvctl images [-L DIR]... [--cpus N] [--mem SIZE] FILE.ini
 *   hvctl list | top [-n N] [-d S] | stop GUEST | restart GUEST |
 *         policy fair|rr | set GUEST [weight=N] [cpus=LIST]
 *                                                 (src/hvctl_ctl.c)
 *   hvctl trace [-d SECONDS] -o FILE.json         (src/hvctl_trace.c)
 *
 * check and images run the hypervisor's own parser over FILE.ini, on any
 * machine. Image names resolve against the INI's directory first, then
 * each -L DIR in order. The others talk to a running hvisor from its
 * root guest, over the virtio-console port hvisor.ctl.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "src/core/config.h"
#include "src/hvctl.h"

#define MAX_DIRS	32
#define MAX_INI_SIZE	(1 << 20)

struct opts {
	const char *cmd;
	const char *file;
	char ini_dir[PATH_MAX];
	const char *dirs[MAX_DIRS];
	int n_dirs;
	unsigned int n_cpus;
	uint64_t free_mem;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvctl check  [-L DIR]... [--cpus N] [--mem SIZE] FILE.ini\n"
		"       hvctl images [-L DIR]... [--cpus N] [--mem SIZE] FILE.ini\n"
		"       hvctl list | top [-n COUNT] [-d SECONDS] | stop GUEST | restart GUEST\n"
		"       hvctl policy fair|rr | set GUEST [weight=N] [cpus=LIST]\n"
		"       hvctl trace [-d SECONDS] -o FILE.json\n"
		"\n"
		"  check   validate FILE.ini and print a summary of its guests\n"
		"  images  print NAME<TAB>PATH for every image FILE.ini names\n"
		"  -L DIR  also look for images in DIR (after FILE.ini's folder)\n"
		"  --cpus N    check cpus lists against a machine with N CPUs\n"
		"  --mem SIZE  check guest memory against SIZE free (e.g. 900M)\n"
		"  list    the running hvisor's guests (in its root guest)\n"
		"  top     per-vCPU run/steal/idle %%, switches/s, exits/s, wake-up\n"
		"          latency p50/p99 over SECONDS (1), COUNT times (0: forever)\n"
		"  stop    stop a guest for good; restart: rebuild it from its images\n"
		"  policy  switch every pCPU's scheduler, the vCPUs' queues moved across\n"
		"  set     a guest's vCPUs' weight (fair), kept over its restarts\n");
}

/* Find @name; fills @path (if not NULL) and returns 0, or -ENOENT. */
static int resolve(const struct opts *o, const char *name, char *path,
		   size_t size, uint64_t *bytes)
{
	char buf[PATH_MAX];
	struct stat st;
	int i, len;

	for (i = -1; i < o->n_dirs; i++) {
		const char *dir = i < 0 ? o->ini_dir : o->dirs[i];

		/* An absolute name is looked up as it is, once. */
		if (name[0] == '/' && i >= 0)
			break;
		if (name[0] == '/')
			len = snprintf(buf, sizeof(buf), "%s", name);
		else
			len = snprintf(buf, sizeof(buf), "%s/%s", dir, name);
		if (len >= (int)sizeof(buf))
			continue;
		if (stat(buf, &st) || !S_ISREG(st.st_mode))
			continue;
		if (bytes)
			*bytes = st.st_size;
		if (path)
			snprintf(path, size, "%s", buf);
		return 0;
	}
	return -ENOENT;
}

static int image_size(void *ctx, const char *name, uint64_t *size)
{
	return resolve(ctx, name, NULL, 0, size);
}

static void report(void *ctx, const char *msg)
{
	fprintf(stderr, "%s\n", msg);
}

/* Whole file as a string; NULL after printing why. */
static char *read_file(const char *file)
{
	FILE *f = fopen(file, "rb");
	char *text;
	size_t len;

	if (!f) {
		fprintf(stderr, "hvctl: %s: %s\n", file, strerror(errno));
		return NULL;
	}
	text = malloc(MAX_INI_SIZE + 1);
	if (!text) {
		fprintf(stderr, "hvctl: out of memory\n");
		fclose(f);
		return NULL;
	}
	len = fread(text, 1, MAX_INI_SIZE + 1, f);
	if (ferror(f) || len > MAX_INI_SIZE) {
		fprintf(stderr, "hvctl: %s: %s\n", file,
			ferror(f) ? strerror(errno) : "file too large");
		goto fail;
	}
	text[len] = '\0';
	if (strlen(text) != len) {
		fprintf(stderr, "hvctl: %s: contains a NUL byte\n", file);
		goto fail;
	}
	fclose(f);
	return text;
fail:
	fclose(f);
	free(text);
	return NULL;
}

void format_cpus(uint64_t mask, char *buf, size_t size)
{
	size_t len = 0;
	int cpu, end;

	if (mask == ~0ULL) {
		snprintf(buf, size, "all");
		return;
	}
	buf[0] = '\0';
	for (cpu = 0; cpu < CFG_MAX_CPUS && len < size; cpu = end + 1) {
		if (!(mask & (1ULL << cpu))) {
			end = cpu;
			continue;
		}
		for (end = cpu; end + 1 < CFG_MAX_CPUS &&
		     (mask & (1ULL << (end + 1))); end++)
			;
		if (end == cpu)
			snprintf(buf + len, size - len, "%s%d",
				 len ? "," : "", cpu);
		else
			snprintf(buf + len, size - len, "%s%d-%d",
				 len ? "," : "", cpu, end);
		len = strlen(buf);
	}
}

static const char *console_name(enum cfg_console c)
{
	return c == CFG_CONSOLE_E9 ? "e9" : "serial";
}

static const char *log_level_name(enum log_level l)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };

	return (unsigned int)l < 4 ? names[l] : "?";
}

static void print_summary(const struct opts *o, const struct hv_config *cfg)
{
	char cpus[256], mem[32];
	uint32_t i;

	printf("%s: ok, %u guest%s; console %s, log_level %s, scheduler %s, slice %u us, latency %u us\n",
	       o->file, cfg->n_guests, cfg->n_guests == 1 ? "" : "s",
	       console_name(cfg->hyp.console),
	       log_level_name(cfg->hyp.log_level),
	       cfg_sched_name(cfg->hyp.scheduler), cfg->hyp.slice_us,
	       cfg->hyp.latency_us);
	for (i = 0; i < cfg->n_guests; i++) {
		const struct guest_config *g = &cfg->guests[i];

		format_cpus(g->cpus, cpus, sizeof(cpus));
		/* Sizes are 4K multiples: show KiB when MiB would round. */
		if (g->memory % (1 << 20))
			snprintf(mem, sizeof(mem), "%llu KiB",
				 (unsigned long long)(g->memory >> 10));
		else
			snprintf(mem, sizeof(mem), "%llu MiB",
				 (unsigned long long)(g->memory >> 20));
		printf("  guest %-12s kind %-10s kernel %-16s memory %-9s vcpus %u  cpus %-6s weight %-5u root %s\n",
		       g->name, cfg_kind_name(g->kind), g->kernel, mem,
		       g->vcpus, cpus, g->weight, g->root ? "yes" : "no");
	}
}

/*
 * @g's images: the kernel, the initrd, its disk image, then its modules
 * ("" for none).
 */
static const char *guest_image(const struct guest_config *g, uint32_t i)
{
	if (i == 0)
		return g->kernel;
	if (i == 1)
		return g->initrd;
	if (i == 2)
		return g->blk_image;
	return i - 3 < g->n_modules ? g->modules[i - 3] : "";
}

#define IMAGES_PER_GUEST	(3 + CFG_MAX_MODULES)

/* One line per distinct image: kernel, initrd, disk, modules, in INI order. */
static int print_images(const struct opts *o, const struct hv_config *cfg)
{
	const char *seen[IMAGES_PER_GUEST * CFG_MAX_GUESTS];
	char path[PATH_MAX];
	int n_seen = 0, i, j;
	uint32_t g;

	for (g = 0; g < cfg->n_guests; g++) {
		for (i = 0; i < IMAGES_PER_GUEST; i++) {
			const char *name = guest_image(&cfg->guests[g], i);

			for (j = 0; j < n_seen && strcmp(seen[j], name); j++)
				;
			if (!*name || j < n_seen)
				continue;
			seen[n_seen++] = name;
			/* config_parse() found it: this is only a race */
			if (resolve(o, name, path, sizeof(path), NULL)) {
				fprintf(stderr, "hvctl: image '%s' vanished\n",
					name);
				return 1;
			}
			printf("%s\t%s\n", name, path);
		}
	}
	return 0;
}

/*
 * If @arg is option @name ("-L", "--cpus"), its value: glued on ("-LDIR",
 * "--cpus=2") or the next argument. "" when the value is missing.
 */
static const char *opt_value(const char *name, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];
	size_t len = strlen(name);

	if (strncmp(arg, name, len))
		return NULL;
	arg += len;
	if (name[1] == '-') {
		if (*arg == '=')
			return arg + 1;
		if (*arg)
			return NULL;	/* "--cpusx" */
	} else if (*arg) {
		return arg;
	}
	return ++*i < argc ? argv[*i] : "";
}

static int parse_args(struct opts *o, int argc, char **argv)
{
	const char *val;
	char *end, *slash;
	int i;

	if (argc < 2)
		return -EINVAL;
	o->cmd = argv[1];
	if (strcmp(o->cmd, "check") && strcmp(o->cmd, "images"))
		return -EINVAL;
	for (i = 2; i < argc; i++) {
		if ((val = opt_value("-L", argc, argv, &i))) {
			if (!*val || o->n_dirs == MAX_DIRS)
				return -EINVAL;
			o->dirs[o->n_dirs++] = val;
		} else if ((val = opt_value("--cpus", argc, argv, &i))) {
			errno = 0;
			o->n_cpus = strtoul(val, &end, 10);
			if (errno || *end || !*val || o->n_cpus < 1 ||
			    o->n_cpus > CFG_MAX_CPUS)
				return -EINVAL;
		} else if ((val = opt_value("--mem", argc, argv, &i))) {
			if (cfg_parse_size(val, &o->free_mem) || !o->free_mem)
				return -EINVAL;
		} else if (argv[i][0] == '-' || o->file) {
			return -EINVAL;
		} else {
			o->file = argv[i];
		}
	}
	if (!o->file)
		return -EINVAL;

	/* Images are looked up next to the INI first. */
	snprintf(o->ini_dir, sizeof(o->ini_dir), "%s", o->file);
	slash = strrchr(o->ini_dir, '/');
	if (!slash)
		strcpy(o->ini_dir, ".");
	else if (slash == o->ini_dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	return 0;
}

static bool is_help(int argc, char **argv)
{
	return argc == 2 &&
	       (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"));
}

int main(int argc, char **argv)
{
	static struct opts o;
	static struct hv_config cfg;
	struct cfg_machine m;
	char *text;
	int ret;

	if (is_help(argc, argv)) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && hvctl_ctl_cmd(argv[1]))
		return hvctl_ctl(argc, argv);
	if (parse_args(&o, argc, argv)) {
		usage(stderr);
		return 2;
	}
	text = read_file(o.file);
	if (!text)
		return 1;

	memset(&m, 0, sizeof(m));
	m.n_cpus = o.n_cpus;
	m.free_mem = o.free_mem;
	m.image_size = image_size;
	m.report = report;
	m.ctx = &o;
	ret = config_parse(o.file, text, &m, &cfg);
	free(text);
	if (ret) {
		fprintf(stderr, "%s: invalid configuration\n", o.file);
		return 1;
	}
	if (!strcmp(o.cmd, "images"))
		return print_images(&o, &cfg);
	print_summary(&o, &cfg);
	return 0;
}

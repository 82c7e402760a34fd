// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: hvisor.ini's parser and validator (src/config.c). Any bytes
 * are a file; a NUL in it is refused up front, as hvctl check refuses
 * it. Beyond "no crash, no sanitizer report": every error message is
 * one "FILE:LINE: " line, an accepted file gives a configuration that
 * keeps the documented bounds, and a rejected one reports at least one
 * error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/core/config.h"

static int n_errors;

static void report(void *ctx, const char *msg)
{
	(void)ctx;
	n_errors++;
	if (strncmp(msg, "f.ini:", 6) || strchr(msg, '\n'))
		abort();	/* every error names the file and a line */
}

static int image_size(void *ctx, const char *name, uint64_t *size)
{
	(void)ctx;
	/* Some images exist, some do not. */
	if (name[0] == 'm')
		return -1;
	*size = 4096u << (strlen(name) % 8);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hv_config cfg;
	struct cfg_machine m = {
		.n_cpus = 4, .free_mem = 1ULL << 32,
		.image_size = image_size, .report = report,
	};
	char *text;
	int r;

	if (memchr(data, 0, size))
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	n_errors = 0;
	r = config_parse("f.ini", text, &m, &cfg);
	free(text);
	if (r && !n_errors)
		abort();	/* refused without a word */
	if (r)
		return 0;
	if (!cfg.n_guests || cfg.n_guests > CFG_MAX_GUESTS)
		abort();
	for (uint32_t i = 0; i < cfg.n_guests; i++) {
		const struct guest_config *g = &cfg.guests[i];

		if (!g->vcpus || g->vcpus > CFG_MAX_VCPUS || !g->cpus ||
		    !g->memory || !g->name[0] || !g->weight ||
		    g->weight > 65535)
			abort();
	}
	if (cfg.hyp.boost_us > cfg.hyp.latency_us ||
	    (cfg.hyp.trace_records & (cfg.hyp.trace_records - 1)) ||
	    (cfg.hyp.trace_boot && !cfg.hyp.trace_records))
		abort();
	return 0;
}

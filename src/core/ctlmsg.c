// SPDX-License-Identifier: GPL-2.0
/* hvctl's FDT messages (see ctlmsg.h). */
#include <errno.h>
#include <string.h>
#include <libfdt.h>
#include "src/core/ctlmsg.h"

static const char *const cmd_names[CTL_CMD_N] = {
	[CTL_LIST] = "list", [CTL_STOP] = "stop", [CTL_RESTART] = "restart",
	[CTL_TOP] = "top", [CTL_POLICY] = "policy", [CTL_SET] = "set",
};

const char *ctl_cmd_name(enum ctl_cmd c)
{
	return (unsigned int)c < CTL_CMD_N ? cmd_names[c] : "?";
}

int ctl_cmd_parse(const char *name)
{
	for (int i = 0; i < CTL_CMD_N; i++)
		if (!strcmp(name, cmd_names[i]))
			return i;
	return -1;
}

long ctl_msg_len(const void *buf, size_t have)
{
	size_t n;

	if (have < sizeof(struct fdt_header))
		return 0;
	if (fdt_magic(buf) != FDT_MAGIC)
		return -EINVAL;
	n = fdt_totalsize(buf);
	if (n < sizeof(struct fdt_header) || n > CTL_MSG_MAX)
		return -EINVAL;
	return (long)n;
}

/* libfdt's sequential writer: every call's error ends the message. */
struct writer {
	void *fdt;
	int err;
};

static void w_u32(struct writer *w, const char *name, uint32_t v)
{
	if (!w->err)
		w->err = fdt_property_u32(w->fdt, name, v);
}

static void w_u64(struct writer *w, const char *name, uint64_t v)
{
	if (!w->err)
		w->err = fdt_property_u64(w->fdt, name, v);
}

static void w_str(struct writer *w, const char *name, const char *s)
{
	if (!w->err)
		w->err = fdt_property_string(w->fdt, name, s);
}

static void w_flag(struct writer *w, const char *name, bool on)
{
	if (on && !w->err)
		w->err = fdt_property(w->fdt, name, NULL, 0);
}

static void w_begin(struct writer *w, const char *name)
{
	if (!w->err)
		w->err = fdt_begin_node(w->fdt, name);
}

static void w_end(struct writer *w)
{
	if (!w->err)
		w->err = fdt_end_node(w->fdt);
}

static void w_start(struct writer *w, void *buf, size_t len)
{
	w->fdt = buf;
	w->err = fdt_create(buf, len > CTL_MSG_MAX ? CTL_MSG_MAX : (int)len);
	if (!w->err)
		w->err = fdt_finish_reservemap(buf);
	w_begin(w, "");
	w_u32(w, "hvctl-version", CTL_VERSION);
}

static int w_finish(struct writer *w)
{
	w_end(w);
	if (!w->err)
		w->err = fdt_finish(w->fdt);
	if (w->err)
		return w->err == -FDT_ERR_NOSPACE ? -E2BIG : -EINVAL;
	return (int)fdt_totalsize(w->fdt);
}

static void w_vcpu(struct writer *w, uint32_t i, const struct ctl_vcpu *v)
{
	char node[] = "vcpu@0";

	node[5] = (char)('0' + i);	/* i < CTL_VCPUS_MAX */
	w_begin(w, node);
	w_u64(w, "run-us", v->run_us);
	w_u64(w, "wait-us", v->wait_us);
	w_u64(w, "blocked-us", v->blocked_us);
	w_u64(w, "switches", v->switches);
	w_u64(w, "exits", v->exits);
	w_u32(w, "pcpu", v->pcpu);
	w_u32(w, "wake-p50-us", v->wake_p50_us);
	w_u32(w, "wake-p99-us", v->wake_p99_us);
	w_end(w);
}

int ctl_req_encode(void *buf, size_t len, const struct ctl_req *r)
{
	struct writer w;

	w_start(&w, buf, len);
	w_str(&w, "command", ctl_cmd_name(r->cmd));
	if (r->guest[0])
		w_str(&w, "guest", r->guest);
	if (r->policy[0])
		w_str(&w, "policy", r->policy);
	if (r->weight)
		w_u32(&w, "weight", r->weight);
	return w_finish(&w);
}

int ctl_reply_encode(void *buf, size_t len, const struct ctl_reply *r)
{
	struct writer w;
	char node[] = "guest@0";

	w_start(&w, buf, len);
	w_u32(&w, "status", (uint32_t)r->status);
	if (r->status)
		w_str(&w, "error", r->error);
	if (r->scheduler[0])
		w_str(&w, "scheduler", r->scheduler);
	if (r->now_us)
		w_u64(&w, "now-us", r->now_us);
	if (r->n_guests) {
		w_begin(&w, "guests");
		for (uint32_t i = 0; i < r->n_guests && i < CTL_GUESTS_MAX; i++) {
			const struct ctl_guest *g = &r->guests[i];

			node[6] = (char)('0' + i);	/* i < CTL_GUESTS_MAX */
			w_begin(&w, node);
			w_str(&w, "name", g->name);
			w_str(&w, "state", g->state);
			w_u32(&w, "vcpus", g->vcpus);
			w_u64(&w, "cpus", g->cpus);
			w_u32(&w, "restarts", g->restarts);
			w_u32(&w, "weight", g->weight);
			w_u32(&w, "exit-code", (uint32_t)g->exit_code);
			w_flag(&w, "root", g->root);
			for (uint32_t v = 0; v < g->n_stats && v < CTL_VCPUS_MAX; v++)
				w_vcpu(&w, v, &g->vcpu[v]);
			w_end(&w);
		}
		w_end(&w);
	}
	return w_finish(&w);
}

/* ---- reading ------------------------------------------------------------ */

static int check(const void *buf, size_t len)
{
	long n = ctl_msg_len(buf, len);
	const fdt32_t *v;
	int vl;

	if (n <= 0 || (size_t)n > len || fdt_check_header(buf))
		return -EINVAL;
	v = fdt_getprop(buf, 0, "hvctl-version", &vl);
	if (!v || vl != 4 || fdt32_to_cpu(*v) != CTL_VERSION)
		return -EPROTO;
	return 0;
}

/* A printable string property of at most @max - 1 bytes, copied; -1 if bad. */
static int r_str(const void *fdt, int node, const char *name, char *out,
		 size_t max, bool need)
{
	const char *s;
	int len;

	s = fdt_getprop(fdt, node, name, &len);
	if (!s) {
		out[0] = 0;
		return need ? -1 : 0;
	}
	if (len < 1 || (size_t)len > max || s[len - 1])
		return -1;
	for (int i = 0; i < len - 1; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return -1;
	memcpy(out, s, (size_t)len);
	return 0;
}

static int r_u32(const void *fdt, int node, const char *name, uint32_t *out)
{
	const fdt32_t *v;
	int len;

	v = fdt_getprop(fdt, node, name, &len);
	if (!v || len != 4)
		return -1;
	*out = fdt32_to_cpu(*v);
	return 0;
}

static int r_u64(const void *fdt, int node, const char *name, uint64_t *out)
{
	const void *v;
	fdt64_t raw;
	int len;

	v = fdt_getprop(fdt, node, name, &len);
	if (!v || len != 8)
		return -1;
	/* Properties are 4-byte aligned only. */
	memcpy(&raw, v, sizeof(raw));
	*out = fdt64_to_cpu(raw);
	return 0;
}

/* A guest node's vcpu@N subnodes (top), in order. */
static int r_vcpus(const void *fdt, int guest, struct ctl_guest *g)
{
	int node;

	fdt_for_each_subnode(node, fdt, guest) {
		struct ctl_vcpu *v = &g->vcpu[g->n_stats];

		if (g->n_stats == CTL_VCPUS_MAX)
			return -E2BIG;
		if (r_u64(fdt, node, "run-us", &v->run_us) ||
		    r_u64(fdt, node, "wait-us", &v->wait_us) ||
		    r_u64(fdt, node, "blocked-us", &v->blocked_us) ||
		    r_u64(fdt, node, "switches", &v->switches) ||
		    r_u64(fdt, node, "exits", &v->exits) ||
		    r_u32(fdt, node, "pcpu", &v->pcpu) ||
		    r_u32(fdt, node, "wake-p50-us", &v->wake_p50_us) ||
		    r_u32(fdt, node, "wake-p99-us", &v->wake_p99_us))
			return -EINVAL;
		g->n_stats++;
	}
	return 0;
}

int ctl_req_decode(const void *buf, size_t len, struct ctl_req *r)
{
	char cmd[16];
	int c, err = check(buf, len);

	if (err)
		return err;
	memset(r, 0, sizeof(*r));
	if (r_str(buf, 0, "command", cmd, sizeof(cmd), true) ||
	    r_str(buf, 0, "guest", r->guest, sizeof(r->guest), false) ||
	    r_str(buf, 0, "policy", r->policy, sizeof(r->policy), false))
		return -EINVAL;
	if (fdt_getprop(buf, 0, "weight", NULL) &&
	    r_u32(buf, 0, "weight", &r->weight))
		return -EINVAL;
	c = ctl_cmd_parse(cmd);
	if (c < 0 || (c == CTL_POLICY && !r->policy[0]) ||
	    ((c == CTL_STOP || c == CTL_RESTART || c == CTL_SET) &&
	     !r->guest[0]) || (c == CTL_SET && !r->weight))
		return -EINVAL;
	r->cmd = (enum ctl_cmd)c;
	return 0;
}

int ctl_reply_decode(const void *buf, size_t len, struct ctl_reply *r)
{
	int err = check(buf, len), guests, node;
	uint32_t status;

	if (err)
		return err;
	memset(r, 0, sizeof(*r));
	if (r_u32(buf, 0, "status", &status) ||
	    r_str(buf, 0, "error", r->error, sizeof(r->error), false) ||
	    r_str(buf, 0, "scheduler", r->scheduler, sizeof(r->scheduler),
		  false))
		return -EINVAL;
	r->status = (int32_t)status;
	if (fdt_getprop(buf, 0, "now-us", NULL) &&
	    r_u64(buf, 0, "now-us", &r->now_us))
		return -EINVAL;
	guests = fdt_subnode_offset(buf, 0, "guests");
	if (guests < 0)
		return guests == -FDT_ERR_NOTFOUND ? 0 : -EINVAL;
	fdt_for_each_subnode(node, buf, guests) {
		struct ctl_guest *g = &r->guests[r->n_guests];
		uint32_t code;

		if (r->n_guests == CTL_GUESTS_MAX)
			return -E2BIG;
		if (r_str(buf, node, "name", g->name, sizeof(g->name), true) ||
		    r_str(buf, node, "state", g->state, sizeof(g->state), true) ||
		    r_u32(buf, node, "vcpus", &g->vcpus) ||
		    r_u64(buf, node, "cpus", &g->cpus) ||
		    r_u32(buf, node, "restarts", &g->restarts) ||
		    r_u32(buf, node, "weight", &g->weight) ||
		    r_u32(buf, node, "exit-code", &code))
			return -EINVAL;
		g->exit_code = (int32_t)code;
		g->root = fdt_getprop(buf, node, "root", NULL) != NULL;
		err = r_vcpus(buf, node, g);
		if (err)
			return err;
		r->n_guests++;
	}
	return 0;
}

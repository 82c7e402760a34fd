// SPDX-License-Identifier: GPL-2.0
/* hvctl's FDT messages (see ctlmsg.h). */
#include <errno.h>
#include <string.h>
#include <libfdt.h>
#include "src/core/ctlmsg.h"

static const char *const cmd_names[CTL_CMD_N] = {
	[CTL_LIST] = "list", [CTL_STOP] = "stop", [CTL_RESTART] = "restart",
	[CTL_TOP] = "top", [CTL_POLICY] = "policy", [CTL_SET] = "set",
	[CTL_TRACE_START] = "trace-start", [CTL_TRACE_STOP] = "trace-stop",
	[CTL_TRACE_READ] = "trace-read",
};

static const char *const part_names[] = {
	[CTL_TP_LEGEND] = "legend", [CTL_TP_WINDOWS] = "windows",
	[CTL_TP_RECORDS] = "records",
};

/* A trace record on the wire: big-endian tsc, arg, ent, then type, pad. */
#define REC_BYTES	16

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

/* A property of @len bytes whose value the caller fills at *@val. */
static void *w_space(struct writer *w, const char *name, int len)
{
	void *val = NULL;

	if (!w->err)
		w->err = fdt_property_placeholder(w->fdt, name, len, &val);
	return w->err ? NULL : val;
}

static void w_u32s(struct writer *w, const char *name, const uint32_t *v,
		   uint32_t n)
{
	fdt32_t *out = w_space(w, name, (int)(n * 4));

	for (uint32_t i = 0; out && i < n; i++)
		out[i] = cpu_to_fdt32(v[i]);
}

static void w_u64s(struct writer *w, const char *name, const uint64_t *v,
		   uint32_t n)
{
	uint8_t *out = w_space(w, name, (int)(n * 8));

	for (uint32_t i = 0; out && i < n; i++) {
		fdt64_t be = cpu_to_fdt64(v[i]);

		memcpy(out + i * 8, &be, 8);	/* 4-byte aligned only */
	}
}

/* @n strings @stride bytes apart as one string list. */
static void w_strs(struct writer *w, const char *name, const char *strs,
		   size_t stride, uint32_t n)
{
	size_t len = 0;
	char *out;

	for (uint32_t i = 0; i < n; i++)
		len += strnlen(strs + i * stride, stride - 1) + 1;
	out = w_space(w, name, (int)len);
	for (uint32_t i = 0; out && i < n; i++) {
		size_t l = strnlen(strs + i * stride, stride - 1);

		memcpy(out, strs + i * stride, l);
		out[l] = 0;
		out += l + 1;
	}
}

static void w_recs(struct writer *w, const struct trace_rec *r, uint32_t n)
{
	uint8_t *out = w_space(w, "records", (int)(n * REC_BYTES));

	for (uint32_t i = 0; out && i < n; i++, out += REC_BYTES) {
		fdt64_t tsc = cpu_to_fdt64(r[i].tsc);
		fdt32_t arg = cpu_to_fdt32(r[i].arg);

		memcpy(out, &tsc, 8);
		memcpy(out + 8, &arg, 4);
		out[12] = (uint8_t)(r[i].ent >> 8);
		out[13] = (uint8_t)r[i].ent;
		out[14] = r[i].type;
		out[15] = 0;
	}
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
	if (r->cpus)
		w_u64(&w, "cpus", r->cpus);
	if (r->cmd == CTL_TRACE_STOP || r->cmd == CTL_TRACE_READ)
		w_u32(&w, "session", r->session);
	if (r->cmd == CTL_TRACE_READ) {
		w_u32(&w, "cpu", r->cpu);
		w_u64(&w, "from", r->from);
	}
	return w_finish(&w);
}

static void w_trace(struct writer *w, const struct ctl_trace *t,
		    enum ctl_trace_part part)
{
	uint32_t cpus = t->n_cpus < CTL_CPUS_MAX ? t->n_cpus : CTL_CPUS_MAX;

	w_begin(w, "trace");
	w_str(w, "part", part_names[part]);
	w_u32(w, "session", t->session);
	if (part == CTL_TP_LEGEND) {
		w_u32(w, "capacity", t->capacity);
		w_u32(w, "cpus", t->n_cpus);
		w_u64(w, "tsc-khz", t->tsc_khz);
		w_u32s(w, "running", t->running, cpus);
		w_u32s(w, "ent-ids", t->ent_id,
		       t->n_ents < CTL_TRACE_ENTS ? t->n_ents : CTL_TRACE_ENTS);
		w_strs(w, "ent-names", t->ent_name[0], sizeof(t->ent_name[0]),
		       t->n_ents < CTL_TRACE_ENTS ? t->n_ents : CTL_TRACE_ENTS);
		w_strs(w, "exit-names", t->exit_name[0], sizeof(t->exit_name[0]),
		       t->n_exit_names < CTL_EXIT_NAMES ? t->n_exit_names :
		       CTL_EXIT_NAMES);
	} else if (part == CTL_TP_WINDOWS) {
		w_u32(w, "cpus", t->n_cpus);
		w_u64s(w, "start", t->start, cpus);
		w_u64s(w, "end", t->end, cpus);
	} else {
		w_u32(w, "cpu", t->cpu);
		w_u64(w, "from", t->from);
		w_recs(w, t->recs,
		       t->n_recs < CTL_TRACE_RECS ? t->n_recs : CTL_TRACE_RECS);
	}
	w_end(w);
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
			/* Properties before subnodes, as an FDT has them. */
			if (g->n_reasons) {
				uint32_t n = g->n_reasons < CTL_REASONS_MAX ?
					     g->n_reasons : CTL_REASONS_MAX;

				w_strs(&w, "exit-reasons", g->reason[0],
				       sizeof(g->reason[0]), n);
				w_u64s(&w, "exit-counts", g->reason_exits, n);
			}
			for (uint32_t v = 0; v < g->n_stats && v < CTL_VCPUS_MAX; v++)
				w_vcpu(&w, v, &g->vcpu[v]);
			w_end(&w);
		}
		w_end(&w);
	}
	if (r->trace_part > CTL_TP_NONE && r->trace_part <= CTL_TP_RECORDS)
		w_trace(&w, &r->trace, r->trace_part);
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

/* An array of @n 4- or 8-byte numbers, exactly. */
static int r_nums(const void *fdt, int node, const char *name, void *out,
		  uint32_t n, size_t size)
{
	const uint8_t *v;
	int len;

	v = fdt_getprop(fdt, node, name, &len);
	if (!v || (size_t)len != n * size)
		return -1;
	for (uint32_t i = 0; i < n; i++, v += size) {
		fdt32_t b32;
		fdt64_t b64;

		if (size == 4) {
			memcpy(&b32, v, 4);
			((uint32_t *)out)[i] = fdt32_to_cpu(b32);
		} else {
			memcpy(&b64, v, 8);
			((uint64_t *)out)[i] = fdt64_to_cpu(b64);
		}
	}
	return 0;
}

/* A string list of exactly @n printable strings, each below @stride. */
static int r_strs(const void *fdt, int node, const char *name, char *out,
		  size_t stride, uint32_t n)
{
	int count = fdt_stringlist_count(fdt, node, name);

	if (count < 0 || (uint32_t)count != n)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		int len;
		const char *s = fdt_stringlist_get(fdt, node, name, (int)i, &len);

		if (!s || len < 0 || (size_t)len >= stride)
			return -1;
		for (int k = 0; k < len; k++)
			if ((unsigned char)s[k] < 0x20 || (unsigned char)s[k] > 0x7e)
				return -1;
		memcpy(out + i * stride, s, (size_t)len);
		out[i * stride + (size_t)len] = 0;
	}
	return 0;
}

static int r_recs(const void *fdt, int node, struct ctl_trace *t)
{
	const uint8_t *v;
	int len;

	v = fdt_getprop(fdt, node, "records", &len);
	if (!v || len % REC_BYTES || len / REC_BYTES > CTL_TRACE_RECS)
		return -1;
	t->n_recs = (uint32_t)(len / REC_BYTES);
	for (uint32_t i = 0; i < t->n_recs; i++, v += REC_BYTES) {
		fdt64_t tsc;
		fdt32_t arg;

		memcpy(&tsc, v, 8);
		memcpy(&arg, v + 8, 4);
		t->recs[i].tsc = fdt64_to_cpu(tsc);
		t->recs[i].arg = fdt32_to_cpu(arg);
		t->recs[i].ent = (uint16_t)(v[12] << 8 | v[13]);
		t->recs[i].type = v[14];
		t->recs[i].pad = 0;
	}
	return 0;
}

/* A reply's trace node, if it has one: its part, checked whole. */
static int r_trace(const void *fdt, struct ctl_reply *r)
{
	struct ctl_trace *t = &r->trace;
	int node = fdt_subnode_offset(fdt, 0, "trace");
	char part[16];
	int count;

	if (node < 0)
		return node == -FDT_ERR_NOTFOUND ? 0 : -EINVAL;
	if (r_str(fdt, node, "part", part, sizeof(part), true) ||
	    r_u32(fdt, node, "session", &t->session))
		return -EINVAL;
	for (int p = CTL_TP_LEGEND; p <= CTL_TP_RECORDS; p++)
		if (!strcmp(part, part_names[p]))
			r->trace_part = (enum ctl_trace_part)p;
	switch (r->trace_part) {
	case CTL_TP_LEGEND:
		count = fdt_stringlist_count(fdt, node, "ent-names");
		if (count < 0 || count > CTL_TRACE_ENTS)
			return -EINVAL;
		t->n_ents = (uint32_t)count;
		count = fdt_stringlist_count(fdt, node, "exit-names");
		if (count < 0 || count > CTL_EXIT_NAMES)
			return -EINVAL;
		t->n_exit_names = (uint32_t)count;
		if (r_u32(fdt, node, "capacity", &t->capacity) ||
		    r_u32(fdt, node, "cpus", &t->n_cpus) ||
		    t->n_cpus > CTL_CPUS_MAX ||
		    r_u64(fdt, node, "tsc-khz", &t->tsc_khz) || !t->tsc_khz ||
		    r_nums(fdt, node, "running", t->running, t->n_cpus, 4) ||
		    r_nums(fdt, node, "ent-ids", t->ent_id, t->n_ents, 4) ||
		    r_strs(fdt, node, "ent-names", t->ent_name[0],
			   sizeof(t->ent_name[0]), t->n_ents) ||
		    r_strs(fdt, node, "exit-names", t->exit_name[0],
			   sizeof(t->exit_name[0]), t->n_exit_names))
			return -EINVAL;
		return 0;
	case CTL_TP_WINDOWS:
		if (r_u32(fdt, node, "cpus", &t->n_cpus) ||
		    t->n_cpus > CTL_CPUS_MAX ||
		    r_nums(fdt, node, "start", t->start, t->n_cpus, 8) ||
		    r_nums(fdt, node, "end", t->end, t->n_cpus, 8))
			return -EINVAL;
		for (uint32_t c = 0; c < t->n_cpus; c++)
			if (t->end[c] < t->start[c])
				return -EINVAL;
		return 0;
	case CTL_TP_RECORDS:
		if (r_u32(fdt, node, "cpu", &t->cpu) ||
		    r_u64(fdt, node, "from", &t->from) || r_recs(fdt, node, t))
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
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
	if ((fdt_getprop(buf, 0, "weight", NULL) &&
	     r_u32(buf, 0, "weight", &r->weight)) ||
	    (fdt_getprop(buf, 0, "cpus", NULL) &&
	     r_u64(buf, 0, "cpus", &r->cpus)))
		return -EINVAL;
	c = ctl_cmd_parse(cmd);
	if (c < 0 || (c == CTL_POLICY && !r->policy[0]) ||
	    ((c == CTL_STOP || c == CTL_RESTART || c == CTL_SET) &&
	     !r->guest[0]) || (c == CTL_SET && !r->weight && !r->cpus))
		return -EINVAL;
	if ((c == CTL_TRACE_STOP || c == CTL_TRACE_READ) &&
	    r_u32(buf, 0, "session", &r->session))
		return -EINVAL;
	if (c == CTL_TRACE_READ && (r_u32(buf, 0, "cpu", &r->cpu) ||
				    r_u64(buf, 0, "from", &r->from)))
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
	err = r_trace(buf, r);
	if (err)
		return err;
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
		if (fdt_getprop(buf, node, "exit-reasons", NULL)) {
			int n = fdt_stringlist_count(buf, node, "exit-reasons");

			if (n < 1 || n > CTL_REASONS_MAX ||
			    r_strs(buf, node, "exit-reasons", g->reason[0],
				   sizeof(g->reason[0]), (uint32_t)n) ||
			    r_nums(buf, node, "exit-counts", g->reason_exits,
				   (uint32_t)n, 8))
				return -EINVAL;
			g->n_reasons = (uint32_t)n;
		}
		err = r_vcpus(buf, node, g);
		if (err)
			return err;
		r->n_guests++;
	}
	return 0;
}

# SPDX-License-Identifier: GPL-2.0
#
# steal-window.awk: hvisor's steal % for guest VM between its stats
# marks A and B (the "sched-mark vm=VM tag=T vcpu=..." lines hvisor prints
# when a guest writes T to HV_STATS_MARK_PORT): the sum of its vCPUs' wait
# over their run + wait + blocked in the window. Prints nothing and exits
# 2 when the marks are missing or the window is empty. With -v guest=PCT
# (what the guest saw in /proc/stat) it exits 1 when the two are more
# than 5 points apart.
#
#   awk -v vm=linux -v a=3 -v b=4 [-v guest=PCT] \
#       -f scripts/lib/steal-window.awk CONSOLE
#
# Used by tests/integration/lib.sh (steal_window) and scripts/soak.sh.
$1 == "sched-mark" && $2 == "vm=" vm && $4 ~ /^vcpu=/ {
	t = substr($3, 5)
	for (i = 5; i <= NF; i++) {
		split($i, kv, "=")
		f[kv[1]] = kv[2]
	}
	if (t == a) {
		w0 += f["wait_us"]; n0++
		all0 += f["run_us"] + f["wait_us"] + f["blocked_us"]
	}
	if (t == b) {
		w1 += f["wait_us"]; n1++
		all1 += f["run_us"] + f["wait_us"] + f["blocked_us"]
	}
}
END {
	if (!(n0 && n1 == n0 && all1 > all0))
		exit 2
	h = sprintf("%.1f", 100 * (w1 - w0) / (all1 - all0))
	printf "%s", h
	if (guest != "" && (guest - h > 5 || h - guest > 5))
		exit 1
}

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2154  # prog, ini, libdirs, hvctl: the caller sets them
#
# images.sh: the image list that mkiso.sh and mkesp.sh share. Sourced, not
# run. The caller sets
#
#   prog      its name, for the error messages
#   ini       the INI file
#   libdirs   the -L folders, in order (an array)
#   hvctl     the hvctl to ask
#
# and defines say and die. Image files resolve against the INI's folder
# first, then each -L folder in order, as hvctl does.

# Print "NAME<TAB>PATH" for each image the INI names (PATH empty when not
# found): the fallback for when hvctl cannot list them. A fallback only:
# hvctl runs the real parser.
list_images_awk() {
	local ini_dir
	ini_dir=$(dirname "$ini")
	# kernel/initrd/modules lines of [guest ...] sections, as hvisor.ini's
	# syntax has them: "key = value" (or "key: value"), " ; comment" after
	# a value, whole-line comments starting with # or ;. modules is a
	# comma-separated list.
	awk '
		/^[ \t]*[;#]/ { next }
		/^[ \t]*\[/ {
			s = $0
			sub(/^[ \t]*\[/, "", s)
			guest = (tolower(s) ~ /^guest([ \t]|\]|$)/)
			next
		}
		guest && tolower($0) ~ /^[ \t]*(kernel|initrd|modules)[ \t]*[=:]/ {
			v = $0
			sub(/^[^=:]*[=:]/, "", v)
			sub(/[ \t];.*$/, "", v)
			if (tolower($0) ~ /^[ \t]*modules/)
				n = split(v, part, ",")
			else
				n = split(v, part, "\n")	# the whole value
			for (i = 1; i <= n; i++) {
				sub(/^[ \t]+/, "", part[i])
				sub(/[ \t\r]+$/, "", part[i])
				if (part[i] != "")
					print part[i]
			}
		}' "$ini" | while IFS= read -r name; do
		# Like hvctl: next to the INI first, then each -L DIR.
		path=
		for d in "$ini_dir" "${libdirs[@]}"; do
			case $name in
			/*) f=$name ;;
			*) f=$d/$name ;;
			esac
			if [ -f "$f" ]; then
				path=$f
				break
			fi
		done
		printf '%s\t%s\n' "$name" "$path"
	done
}

# list_images WHAT: sets list to "NAME<TAB>PATH" lines from `$hvctl images`,
# or from list_images_awk when hvctl is not built or rejects the INI (an
# invalid INI still gives a WHAT, so that hvisor reports it at boot).
list_images() {
	local what=$1 rc d
	local -a ldargs=()
	list=
	if [ -x "$hvctl" ]; then
		for d in "${libdirs[@]}"; do
			ldargs+=(-L "$d")
		done
		rc=0
		list=$("$hvctl" images "${ldargs[@]}" "$ini") || rc=$?
		case $rc in
		0) say "images from '$hvctl images'" ;;
		1) say "warning: $hvctl says $ini is invalid; building the $what" \
			"anyway so that hvisor reports it at boot"
		   list=$(list_images_awk) ;;
		*) say "warning: '$hvctl images' failed (exit $rc); listing images" \
			"with awk instead"
		   list=$(list_images_awk) ;;
		esac
	else
		say "note: $hvctl not built; listing images with awk"
		list=$(list_images_awk)
	fi
}

# each_image FUNC: calls FUNC NAME PATH once per image name in list, in
# order, skipping repeated names. Image files that cannot be found are
# reported together afterwards; then the script exits 1.
each_image() {
	local fn=$1 name path m
	local -a missing=()
	local -A seen_name=()
	while IFS=$'\t' read -r name path; do
		[ -n "$name" ] || continue
		[ -z "${seen_name[$name]:-}" ] || continue
		seen_name[$name]=1
		if [ -z "$path" ] || [ ! -f "$path" ]; then
			missing+=("$name")
			continue
		fi
		"$fn" "$name" "$path"
	done <<<"$list"

	if [ ${#missing[@]} -gt 0 ]; then
		echo "$prog: error: image(s) named in $ini not found in" \
			"$(dirname "$ini") ${libdirs[*]:-}:" >&2
		for m in "${missing[@]}"; do
			echo "$prog:   $m" >&2
		done
		exit 1
	fi
}

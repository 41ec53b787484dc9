#!/usr/bin/env bash
# Refreshes the vendored front-end assets of the board from the npm registry.
# Usage: cmd/ledger/board/static/vendor/update.sh   (no arguments; runs from anywhere)
# Needs npm, node and tar. Nothing here is fetched at run time: the Go binary
# embeds the files this script writes.
set -eu

cd "$(dirname "$0")"

# package  version-range  file-in-tarball  local-name  license-name  notice-name(- for none)
packages='
htmx.org     ^2.0.0 dist/htmx.min.js     htmx.min.js    LICENSE.htmx          -
htmx-ext-sse ^2.0.0 dist/sse.min.js      htmx-sse.js    LICENSE.htmx-ext-sse  -
echarts      ^6.0.0 dist/echarts.min.js  echarts.min.js LICENSE.echarts       NOTICE.echarts
'

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# highest version listed by `npm view <pkg>@<range> version --json`
# (the list is not in semver order, and is a bare string when only one matches)
pick_version() {
	npm view "$1@$2" version --json | node -e '
		let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
			let v = s.trim() ? JSON.parse(s) : [];
			if (!Array.isArray(v)) v = [v];
			const key = x => x.split(/[.+-]/).slice(0, 3).map(Number);
			v.sort((a, b) => { const p = key(a), q = key(b);
				for (let i = 0; i < 3; i++) if (p[i] !== q[i]) return p[i] - q[i]; return 0; });
			if (!v.length) process.exit(1);
			console.log(v[v.length - 1]);
		});'
}

sha512_of() {
	node -e '
		const h = require("crypto").createHash("sha512");
		require("fs").createReadStream(process.argv[1]).on("data", d => h.update(d))
			.on("end", () => console.log("sha512-" + h.digest("base64")));' "$1"
}

# Everything is staged in $work/stage first and only copied into the vendor
# folder once every package has been fetched and checked, so a failure halfway
# leaves the folder as it was.
mkdir -p "$work/stage"
stage() { cp "$1" "$work/stage/$2"; }

: > "$work/VERSIONS"
echo "$packages" | while read -r pkg range file local license notice; do
	[ -n "$pkg" ] || continue
	version=$(pick_version "$pkg" "$range") || { echo "no version of $pkg matches $range" >&2; exit 1; }
	want=$(npm view "$pkg@$version" dist.integrity)
	echo "$pkg@$version ($range)"

	dir="$work/$pkg"
	mkdir -p "$dir"
	tgz=$(cd "$dir" && npm pack "$pkg@$version" --silent | tail -n 1)
	got=$(sha512_of "$dir/$tgz")
	if [ "$got" != "$want" ]; then
		echo "integrity mismatch for $pkg@$version: registry $want, tarball $got" >&2
		exit 1
	fi
	tar -xzf "$dir/$tgz" -C "$dir"

	stage "$dir/package/$file" "$local"
	stage "$dir/package/LICENSE" "$license"
	if [ "$notice" != "-" ]; then
		[ ! -f "$dir/package/NOTICE" ] || stage "$dir/package/NOTICE" "$notice"
	fi
	# third-party licences a package ships beside its own (echarts: licenses/LICENSE-d3,
	# whose code is inside echarts.min.js), kept as e.g. LICENSE-d3.echarts
	if [ -d "$dir/package/licenses" ]; then
		for extra in "$dir"/package/licenses/*; do
			[ ! -f "$extra" ] || stage "$extra" "$(basename "$extra").${license#LICENSE.}"
		done
	fi
	printf '%s %s %s %s\n' "$pkg" "$version" "$want" "$file" >> "$work/VERSIONS"
done

{
	echo "# package version tarball-integrity file-taken  (written by update.sh)"
	cat "$work/VERSIONS"
} > "$work/stage/VERSIONS"

changed=0
for f in "$work"/stage/*; do
	name=$(basename "$f")
	if [ -f "$name" ] && cmp -s "$f" "$name"; then
		echo "unchanged $name"
	else
		[ "$name" != VERSIONS ] || [ ! -f VERSIONS ] || diff VERSIONS "$f" || true
		cp "$f" "$name"
		echo "updated   $name ($(wc -c < "$name" | tr -d ' ') bytes)"
		changed=1
	fi
done
# files a package no longer ships (e.g. a NOTICE that went away)
for f in LICENSE* NOTICE*; do
	[ -f "$f" ] || continue
	if [ ! -f "$work/stage/$f" ]; then
		rm "$f"
		echo "removed   $f (no longer shipped)"
		changed=1
	fi
done
if [ "$changed" = 1 ]; then
	echo "vendored files changed; rebuild the binary to embed them"
else
	echo "nothing changed"
fi

#!/bin/sh
# Installs what building and testing cxscan needs on Debian 12 (as root).
set -eu
pkgs="gcc make cmake ninja-build pkg-config git python3 libclang-14-dev libclang-common-14-dev
      libcjson-dev libcmocka-dev libsqlite3-dev libxxhash-dev sqlite3 clang-14
      libclang-rt-14-dev llvm-14 util-linux zlib1g-dev libexpat1-dev"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
fi
# validators of the SARIF output and the configuration schema (npm)
sh "$(dirname "$0")/npm-tools.sh"

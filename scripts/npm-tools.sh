#!/bin/sh
# Installs the validators the tests run, from the npm registry, into
# $CX_NPM_DIR (default /opt/cxscan-npm), with Debian's nodejs and npm when
# there is no npm yet:
#   ajv-cli + ajv-formats          JSON Schema (rules/config.schema.json)
#   @microsoft/sarif-multitool     SARIF 2.1.0 (`cxscan --format=sarif`)
# Versions are pinned; a second run with both present does nothing.
set -eu
dir=${CX_NPM_DIR:-/opt/cxscan-npm}
if ! command -v npm >/dev/null 2>&1; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends nodejs npm
fi
bin=$dir/node_modules/.bin
if [ ! -x "$bin/ajv" ] || [ ! -x "$bin/sarif-multitool" ]; then
	mkdir -p "$dir"
	npm install --no-audit --no-fund --loglevel=error --prefix "$dir" \
		ajv-cli@5.0.0 ajv-formats@2.1.1 @microsoft/sarif-multitool@5.7.0
fi
# newer npm versions skip install scripts: the multitool's one only does this
for f in "$dir"/node_modules/@microsoft/sarif-multitool-linux*/Sarif.Multitool; do
	[ -f "$f" ] && chmod u+x "$f"
done
"$bin/ajv" help >/dev/null
echo "npm tools in $dir: ajv, sarif-multitool"

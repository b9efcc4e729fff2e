#!/usr/bin/env bash
# Brings up a local Flotilla cluster (1 manager + 2 workers on loopback) and runs a
# replicated demo service on it. `deploy/quickstart.sh stop` stops it again.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${FLOTILLA_QUICKSTART_DIR:-/tmp/flotilla-quickstart}
cluster() { node dist/cli/main.js "$@"; }

stop() {
  for node in m1 w1 w2; do
    if [ -f "$DIR/$node/daemon.pid" ]; then kill "$(cat "$DIR/$node/daemon.pid")" 2>/dev/null || true; fi
  done
  # Tasks outlive their node daemon by design; the demo's go with the demo.
  for pidfile in "$DIR"/*/runtime/process/*/pid; do
    [ -f "$pidfile" ] && kill -TERM -- "-$(cat "$pidfile")" 2>/dev/null || true
  done
  rm -rf "$DIR"
}

if [ "${1:-}" = stop ]; then
  stop
  echo "Quickstart cluster stopped and $DIR removed."
  exit 0
fi

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then echo "Flotilla needs Node.js 20 or newer (found $(node --version))." >&2; exit 1; fi

echo "==> Installing dependencies and building"
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build --silent

echo "==> Starting a manager and two workers on loopback (state in $DIR)"
stop
cluster init --data-dir "$DIR/m1" --listen 127.0.0.1:4240 --hostname m1 --dispatcher-heartbeat 1s >/dev/null
token=$(cluster --data-dir "$DIR/m1" join-token worker -q)
cluster join --data-dir "$DIR/w1" --listen 127.0.0.1:4250 --hostname w1 --token "$token" 127.0.0.1:4240
cluster join --data-dir "$DIR/w2" --listen 127.0.0.1:4260 --hostname w2 --token "$token" 127.0.0.1:4240
cluster --data-dir "$DIR/m1" node ls

echo
echo "==> Creating the service 'demo' with 3 replicas"
cluster --data-dir "$DIR/m1" service create --name demo --replicas 3 \
  host sh -c 'while true; do echo "task $FLOTILLA_TASK_SLOT on $FLOTILLA_NODE_ID"; sleep 5; done'
echo
cluster --data-dir "$DIR/m1" service ps demo

cat <<TXT

The cluster is up. Try:
    node dist/cli/main.js --data-dir "$DIR/m1" service scale demo=5
    node dist/cli/main.js --data-dir "$DIR/m1" service ps demo
    node dist/cli/main.js --data-dir "$DIR/m1" node ls
(\`npm link\` puts the same command on your PATH as \`cluster\`.)
Stop it with: deploy/quickstart.sh stop
TXT

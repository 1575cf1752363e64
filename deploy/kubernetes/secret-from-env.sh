#!/usr/bin/env bash
# Turns the .env that ward's setup page wrote into the files of the
# Kubernetes Secret "ward" (one file a key), so the App registered once on a
# laptop can run in a cluster:
#   deploy/kubernetes/secret-from-env.sh .env secret-dir
#   kubectl -n ward create secret generic ward --from-file=secret-dir \
#     --from-literal=database-url='postgres://…'
# Values in .env are Go-quoted ("…\n…"); a PEM, an id and a hex secret hold
# no quote or backslash, so \n is the only escape to undo.
set -euo pipefail
env_file=${1:?usage: secret-from-env.sh ENV_FILE OUT_DIR}
out=${2:?usage: secret-from-env.sh ENV_FILE OUT_DIR}
value() {
  local line
  line=$(grep -m1 "^$1=" "$env_file") || { echo "secret-from-env: $1 not in $env_file" >&2; exit 2; }
  line=${line#"$1="}
  line=${line#\"}
  line=${line%\"}
  case ${line//\\n/} in
    *\\*) echo "secret-from-env: $1 holds an escape other than \\n; copy it by hand" >&2; exit 2 ;;
  esac
  printf '%s' "$line" | sed -e 's/\\n/\n/g'
}
umask 077
mkdir -p "$out"
value WARD_APP_ID > "$out/app-id"
value WARD_PRIVATE_KEY > "$out/private-key.pem"
value WARD_WEBHOOK_SECRET > "$out/webhook-secret"
echo "wrote $out/app-id, $out/private-key.pem, $out/webhook-secret"

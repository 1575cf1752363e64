#!/usr/bin/env bash
# Builds ward's runtime image without a Docker daemon, with Debian's buildah,
# and proves it serves: `ward serve` runs inside the image and the image's own
# `ward healthcheck` answers 0.
#
# deploy/Dockerfile is the image to publish; its base images come from a
# container registry, which this project's CI cannot reach. This script builds
# the same runtime layout (binary at /usr/local/bin/ward built by
# deploy/build.sh, user 65532, WORKDIR /data, the same ENV, ENTRYPOINT, CMD and
# HEALTHCHECK) on an empty base with the shared libraries the binary links,
# so the binary, its flags and its start-up in that layout are what CI tests.
#
# Usage: deploy/image.sh [IMAGE_NAME]   (root, or a user buildah can run as;
# the image is removed at the end unless WARD_IMAGE_KEEP is set)
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILDAH_FORMAT=docker   # OCI images have no HEALTHCHECK
name=${1:-ward:ci}
work=$(mktemp -d)
ctr=""
cleanup() {
  [ -n "$ctr" ] && buildah rm "$ctr" >/dev/null 2>&1 || true
  [ -n "${run_ctr:-}" ] && buildah rm "$run_ctr" >/dev/null 2>&1 || true
  [ -n "${serve_pid:-}" ] && kill "$serve_pid" 2>/dev/null || true
  [ -z "${WARD_IMAGE_KEEP:-}" ] && buildah rmi "$name" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

./deploy/build.sh "$work/ward" ci
ctr=$(buildah from scratch)
root=$(buildah mount "$ctr")
chmod 0755 "$root"   # an empty base's root is 0700: user 65532 could not reach /usr
install -D -m 0755 "$work/ward" "$root/usr/local/bin/ward"
# The C libraries the cgo binary links (glibc), at the paths it expects.
for lib in $(ldd "$work/ward" | grep -oE '/[^ ]+'); do
  install -D -m "$(stat -Lc %a "$lib")" "$lib" "$root$lib"   # the loader must stay executable
done
install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
mkdir -p "$root/etc" "$root/tmp" "$root/data"
chmod 1777 "$root/tmp"
chown 65532:65532 "$root/data"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$root/etc/group"
buildah umount "$ctr" >/dev/null
buildah config --user 65532:65532 --workingdir /data \
  --env WARD_ADDR=:3000 --env WARD_DATABASE_URL=sqlite:///data/ward.db --env WARD_ENV_FILE=/data/.env \
  --port 3000 --volume /data \
  --entrypoint '["/usr/local/bin/ward"]' --cmd serve \
  --healthcheck 'CMD ["/usr/local/bin/ward", "healthcheck"]' --healthcheck-interval 30s \
  --healthcheck-timeout 5s --healthcheck-start-period 20s --healthcheck-retries 3 \
  "$ctr"
buildah commit --quiet --format docker "$ctr" "$name" >/dev/null
echo "built $name"

# Run it: chroot isolation works where crun cannot manage cgroups (this
# sandbox); the process shares the host's loopback.
port=$(( 40000 + RANDOM % 20000 ))
run_ctr=$(buildah from "$name")
buildah run --isolation chroot --user 65532:65532 --env WARD_ADDR=127.0.0.1:$port "$run_ctr" \
  /usr/local/bin/ward serve > "$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 100); do
  if buildah run --isolation chroot --user 65532:65532 "$run_ctr" \
      /usr/local/bin/ward healthcheck "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
    echo "healthcheck inside $name: ok"
    exit 0
  fi
  sleep 0.2
done
echo "healthcheck inside $name failed; ward serve said:" >&2
cat "$work/serve.log" >&2
exit 1

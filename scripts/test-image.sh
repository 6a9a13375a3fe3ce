#!/usr/bin/env bash
# Image test: builds the connector image and the simulator image (Dockerfile target `simulator`), and
# runs spec, check, discover and read INSIDE the connector image, the reads against the simulator
# running inside its own image (both containers share the host network, 127.0.0.1).
# Every stdout line must be an AirbyteMessage valid against the official protocol schema.
#
#   npm run test:image                      (or: bash scripts/test-image.sh)
#
# Engine: docker when a Docker engine answers `docker info`; otherwise buildah (vfs storage, chroot
# isolation), with the base image node:<major>-bookworm-slim assembled by shared/tools/node-base-image,
# which also installs buildah and debootstrap when missing (root and apt needed).
#
# Environment: IMAGE (default source-wolkvox:dev), SIMULATOR_IMAGE (default source-wolkvox-simulator:dev),
# IMAGE_ENGINE (docker|buildah, default: detect),
# AIRBYTE_SHARED_DIR (default ../shared beside the repository), KEEP_WORK=1 keeps the work folder.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
IMAGE="${IMAGE:-source-wolkvox:dev}"
SIMULATOR_IMAGE="${SIMULATOR_IMAGE:-source-wolkvox-simulator:dev}"
export AIRBYTE_SHARED_DIR="${AIRBYTE_SHARED_DIR:-$(cd "$ROOT/.." && pwd)/shared}"
CHECKS=(node "$ROOT/scripts/image-test-checks.mjs")
WORK="$(mktemp -d "${TMPDIR:-/tmp}/source-wolkvox-image-test.XXXXXX")"
SECRETS="$WORK/secrets" # mounted read-only at /secrets in the container
mkdir -p "$SECRETS"
chmod 755 "$WORK" "$SECRETS" # the connector runs as a non-root user: it must be able to read the mounts

STEP="setup"
ENGINE=""
SIM_PID=""
SIM_CONTAINER="source-wolkvox-image-test-simulator-$$" # docker only
CTR=""
SIM_CTR=""
T0=$(date +%s)
step() {
  STEP="$*"
  printf '\n==> [%4ss] %s\n' "$(($(date +%s) - T0))" "$*"
}
fail() {
  echo "test-image: $*" >&2
  exit 1
}
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

cleanup() {
  local rc=$?
  set +e
  if [ -n "$SIM_PID" ]; then
    if [ "$ENGINE" = docker ]; then
      docker rm -f "$SIM_CONTAINER" >/dev/null 2>&1
    else
      # buildah does not pass its end on to the process it runs: stop the one the simulator reported.
      local inner
      inner="$(sed -n 's/^simulator pid \([0-9]*\)$/\1/p' "$WORK/simulator.err" 2>/dev/null | head -n1)"
      if [ -n "$inner" ] && grep -q timeout "/proc/$inner/cmdline" 2>/dev/null; then kill "$inner" 2>/dev/null; fi
    fi
    kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
  fi
  if [ -n "$CTR" ]; then buildah --storage-driver vfs rm "$CTR" >/dev/null 2>&1; fi
  if [ -n "$SIM_CTR" ]; then buildah --storage-driver vfs rm "$SIM_CTR" >/dev/null 2>&1; fi
  if [ "$rc" -ne 0 ]; then
    echo >&2
    echo "test-image: FAILED at step: $STEP (exit $rc)" >&2
    echo "test-image: work folder kept for inspection: $WORK" >&2
  elif [ "${KEEP_WORK:-0}" != 1 ]; then
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT

# ------------------------------------------------------------------------------------------------------
step "choose the image engine"
ENGINE="${IMAGE_ENGINE:-}"
if [ -z "$ENGINE" ]; then
  if command -v docker >/dev/null 2>&1 && timeout 20 docker info >/dev/null 2>&1; then
    ENGINE=docker
  else
    ENGINE=buildah
  fi
fi
echo "engine: $ENGINE"
B=(buildah --storage-driver vfs)

# ------------------------------------------------------------------------------------------------------
step "build the connector on the host (dist/ for the simulator)"
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build

# ------------------------------------------------------------------------------------------------------
if [ "$ENGINE" = buildah ]; then
  step "provide the base image to buildah (shared/tools/node-base-image)"
  NODE_MAJOR="$(sed -n 's/^FROM node:\([0-9]*\)-bookworm-slim.*/\1/p' Dockerfile | head -n1)"
  [ -n "$NODE_MAJOR" ] || fail "no 'FROM node:<major>-bookworm-slim' in the Dockerfile"
  BASE_SCRIPT="$AIRBYTE_SHARED_DIR/tools/node-base-image"
  if [ ! -f "$BASE_SCRIPT" ]; then
    echo "SKIPPED: no Docker engine, and $BASE_SCRIPT (the base-image helper for buildah) is not here;"
    echo "         set AIRBYTE_SHARED_DIR to the folder that holds tools/node-base-image to run the image test."
    exit 0
  fi
  bash "$BASE_SCRIPT" "$NODE_MAJOR"
fi

# ------------------------------------------------------------------------------------------------------
# build_image TAG [BUILD ARGS...]: builds the Dockerfile as TAG with the chosen engine.
build_image() {
  local tag="$1"
  shift
  if [ "$ENGINE" = docker ]; then
    docker build -t "$tag" "$@" .
  else
    local old_id
    old_id="$("${B[@]}" images --quiet --no-trunc "$tag" 2>/dev/null || true)"
    "${B[@]}" bud --pull=never --isolation chroot -t "$tag" "$@" .
    # vfs stores every image in full: drop the previous build of this test once nothing names it any more.
    if [ -n "$old_id" ] && [ "$old_id" != "$("${B[@]}" images --quiet --no-trunc "$tag")" ]; then
      "${B[@]}" rmi "$old_id" >/dev/null 2>&1 || true
    fi
  fi
}

step "build the image $IMAGE ($ENGINE)"
BUILD_START=$(date +%s%N)
build_image "$IMAGE"
BUILD_MS=$(ms_since "$BUILD_START")

step "build the simulator image $SIMULATOR_IMAGE (target simulator)"
build_image "$SIMULATOR_IMAGE" --target simulator

# ------------------------------------------------------------------------------------------------------
step "check the image config (entrypoint, AIRBYTE_ENTRYPOINT, labels, user) against metadata.yaml"
if [ "$ENGINE" = docker ]; then
  docker image inspect --format '{{json .Config}}' "$IMAGE" >"$WORK/image-config.json"
  IMAGE_BYTES="$(docker image inspect --format '{{.Size}}' "$IMAGE")"
  SIMULATOR_BYTES="$(docker image inspect --format '{{.Size}}' "$SIMULATOR_IMAGE")"
else
  "${B[@]}" inspect --type image "$IMAGE" >"$WORK/image-inspect.json"
  node -e 'const fs = require("fs"); const i = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    fs.writeFileSync(process.argv[2], JSON.stringify(i.OCIv1.config))' "$WORK/image-inspect.json" "$WORK/image-config.json"
  CTR="$("${B[@]}" from --pull=never "$IMAGE")"
  MNT="$("${B[@]}" mount "$CTR")"
  IMAGE_BYTES="$(du -sb "$MNT" | cut -f1)"
  APP_BYTES="$(du -sb "$MNT/airbyte/integration_code" | cut -f1)"
  MODULES_BYTES="$(du -sb "$MNT/airbyte/integration_code/node_modules" | cut -f1)"
  DIST_BYTES="$(du -sb "$MNT/airbyte/integration_code/dist" | cut -f1)"
  "${B[@]}" umount "$CTR" >/dev/null
  SIM_CTR="$("${B[@]}" from --pull=never "$SIMULATOR_IMAGE")"
  SIMULATOR_BYTES="$(du -sb "$("${B[@]}" mount "$SIM_CTR")" | cut -f1)"
  "${B[@]}" umount "$SIM_CTR" >/dev/null
fi
"${CHECKS[@]}" image-config "$WORK/image-config.json"
mapfile -t ENTRYPOINT < <(node -e 'for (const p of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).Entrypoint) console.log(p)' "$WORK/image-config.json")

# run_entrypoint ARGS...: the image's ENTRYPOINT with ARGS, as the image's user, host network, /secrets mounted.
run_entrypoint() {
  if [ "$ENGINE" = docker ]; then
    docker run --rm --network host -v "$SECRETS:/secrets:ro" "$IMAGE" "$@"
  else
    "${B[@]}" run --isolation chroot --network host -v "$SECRETS:/secrets:ro" "$CTR" -- "${ENTRYPOINT[@]}" "$@"
  fi
}
# run_raw CMD...: any command in the image (same user, network and mounts).
run_raw() {
  if [ "$ENGINE" = docker ]; then
    docker run --rm --network host -v "$SECRETS:/secrets:ro" --entrypoint "$1" "$IMAGE" "${@:2}"
  else
    "${B[@]}" run --isolation chroot --network host -v "$SECRETS:/secrets:ro" "$CTR" -- "$@"
  fi
}

# ------------------------------------------------------------------------------------------------------
step "the container runs as user airbyte (uid/gid 1000), owning /airbyte, without the simulator or the demo"
IDENTITY="$(run_raw sh -c 'echo "$(id -un) $(id -u):$(id -g) $(stat -c %U:%G /airbyte)"; test -w /airbyte && echo writable')"
echo "inside the container: user, uid:gid, owner of /airbyte: $(echo "$IDENTITY" | tr '\n' ' ')"
[ "$IDENTITY" = "$(printf 'airbyte 1000:1000 airbyte:airbyte\nwritable')" ] ||
  fail "expected user airbyte 1000:1000 owning a writable /airbyte, got: $IDENTITY"
for absent in dist/simulator dist/demo; do
  run_raw sh -c "test ! -e /airbyte/integration_code/$absent" || fail "the connector image ships $absent"
done

# ------------------------------------------------------------------------------------------------------
step "spec"
SPEC_START=$(date +%s%N)
run_entrypoint spec >"$WORK/spec.jsonl"
SPEC_CONTAINER_MS=$(ms_since "$SPEC_START")
"${CHECKS[@]}" messages spec "$WORK/spec.jsonl"

step "spec start time inside the container (7 runs)"
# shellcheck disable=SC2016 # the JavaScript is for node inside the container
SPEC_TIMES="$(run_raw "${ENTRYPOINT[0]}" -e '
  const { execFileSync } = require("node:child_process");
  const [bin, ...args] = process.env.AIRBYTE_ENTRYPOINT.split(" ");
  const times = [];
  for (let i = 0; i < 7; i++) {
    const start = process.hrtime.bigint();
    execFileSync(bin, [...args, "spec"], { stdio: ["ignore", "ignore", "inherit"] });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(`min ${times[0].toFixed(0)} ms, median ${times[3].toFixed(0)} ms, max ${times[6].toFixed(0)} ms`);
')"
echo "spec inside the container: $SPEC_TIMES"

# ------------------------------------------------------------------------------------------------------
step "start the Wolkvox simulator in its image"
# 3 days of the "steady" preset: about 15,000 transfers, a fixed range so the run is reproducible. Its
# entrypoint is replaced to listen on a free loopback port (the image's own listens on 0.0.0.0:8787).
# It reports its process id on stderr (buildah's chroot isolation shares the host's process ids), so
# the cleanup can stop it; `timeout` ends it in any case.
# shellcheck disable=SC2016 # $$ is for the shell inside the container
SIM_ARGS=(sh -c 'echo "simulator pid $$" >&2; exec timeout 900 "$@"' simulator
  /usr/local/bin/node /simulator/dist/simulator/cli.js --host 127.0.0.1 --port 0
  --preset steady --seed 7 --days 3 --end 2026-01-03 --json)
if [ "$ENGINE" = docker ]; then
  docker run --rm --name "$SIM_CONTAINER" --network host --entrypoint "${SIM_ARGS[0]}" "$SIMULATOR_IMAGE" \
    "${SIM_ARGS[@]:1}" >"$WORK/simulator.out" 2>"$WORK/simulator.err" &
else
  "${B[@]}" run --isolation chroot --network host "$SIM_CTR" -- "${SIM_ARGS[@]}" \
    >"$WORK/simulator.out" 2>"$WORK/simulator.err" &
fi
SIM_PID=$!
for _ in $(seq 1 300); do
  [ -s "$WORK/simulator.out" ] && break
  kill -0 "$SIM_PID" 2>/dev/null || { cat "$WORK/simulator.err" >&2; fail "the simulator exited"; }
  sleep 0.1
done
[ -s "$WORK/simulator.out" ] || fail "the simulator printed nothing within 30 s"
# config.json: the simulator's ready-made connector config; bad_token_config.json: the same, wrong token.
# shellcheck disable=SC2016 # JavaScript template literals, not shell expansions
node -e '
  const fs = require("fs");
  const [infoFile, dir] = process.argv.slice(1);
  const info = JSON.parse(fs.readFileSync(infoFile, "utf8").trim().split("\n")[0]);
  if (!info.url || !info.config) throw new Error(`unexpected simulator output: ${JSON.stringify(info)}`);
  fs.writeFileSync(`${dir}/config.json`, JSON.stringify(info.config));
  fs.writeFileSync(`${dir}/bad_token_config.json`, JSON.stringify({ ...info.config, wolkvox_token: "wrong-token" }));
  console.log(`simulator: ${info.url}, config ${JSON.stringify({ ...info.config, wolkvox_token: "***" })}`);
' "$WORK/simulator.out" "$SECRETS"
cp integration_tests/configured_catalog.json "$SECRETS/catalog.json"
chmod 644 "$SECRETS"/*

# ------------------------------------------------------------------------------------------------------
step "check (valid config)"
run_entrypoint check --config /secrets/config.json >"$WORK/check.jsonl"
"${CHECKS[@]}" messages check "$WORK/check.jsonl" --status SUCCEEDED

step "check (wrong token: FAILED status, exit 0)"
run_entrypoint check --config /secrets/bad_token_config.json >"$WORK/check-bad.jsonl"
"${CHECKS[@]}" messages check "$WORK/check-bad.jsonl" --status FAILED

step "discover"
run_entrypoint discover --config /secrets/config.json >"$WORK/discover.jsonl"
"${CHECKS[@]}" messages discover "$WORK/discover.jsonl"
# the read validates records against the schema the connector itself declared
node -e '
  const fs = require("fs");
  const [discoverFile, catalogFile] = process.argv.slice(1);
  const catalog = JSON.parse(fs.readFileSync(discoverFile, "utf8").split("\n").find((l) => l.includes("\"CATALOG\""))).catalog;
  const configured = JSON.parse(fs.readFileSync(catalogFile, "utf8"));
  for (const s of configured.streams) s.stream = catalog.streams.find((d) => d.name === s.stream.name) ?? s.stream;
  fs.writeFileSync(catalogFile, JSON.stringify(configured));
' "$WORK/discover.jsonl" "$SECRETS/catalog.json"

step "read (incremental, from start_date)"
READ_START=$(date +%s%N)
run_entrypoint read --config /secrets/config.json --catalog /secrets/catalog.json >"$WORK/read.jsonl"
READ_MS=$(ms_since "$READ_START")
"${CHECKS[@]}" messages read "$WORK/read.jsonl" --catalog "$SECRETS/catalog.json" --state-out "$WORK/state.json"
cp "$WORK/state.json" "$SECRETS/state.json"
chmod 644 "$SECRETS/state.json"

step "read again from the final state"
run_entrypoint read --config /secrets/config.json --catalog /secrets/catalog.json --state /secrets/state.json >"$WORK/read-2.jsonl"
"${CHECKS[@]}" messages read "$WORK/read-2.jsonl" --catalog "$SECRETS/catalog.json" --min-records 0

# ------------------------------------------------------------------------------------------------------
step "summary"
human() { numfmt --to=iec-i --suffix=B "$1" 2>/dev/null || echo "$1 bytes"; }
echo "image:                $IMAGE, engine $ENGINE"
echo "image size:           $(human "$IMAGE_BYTES") (uncompressed)"
if [ -n "${APP_BYTES:-}" ]; then
  echo "  /airbyte/integration_code: $(human "$APP_BYTES"), of which node_modules $(human "$MODULES_BYTES"), dist $(human "$DIST_BYTES")"
fi
echo "simulator image size: $(human "$SIMULATOR_BYTES") (uncompressed, $SIMULATOR_IMAGE)"
echo "image build:          $((BUILD_MS / 1000)) s"
echo "spec (whole container run): ${SPEC_CONTAINER_MS} ms"
echo "spec inside the container:  $SPEC_TIMES"
echo "read (whole container run): ${READ_MS} ms, $(grep -c '"type":"RECORD"' "$WORK/read.jsonl") records"
echo "total:                $(($(date +%s) - T0)) s"
echo
echo "test-image: OK"

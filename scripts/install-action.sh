#!/usr/bin/env bash
# Install kairos-ci from the action's own checkout into $RUNNER_TEMP/kairos-ci/venv.
#
# Everything installed is pinned by the lock files shipped next to this script, with
# hashes, so pinning the action's commit SHA pins all the code that runs with the
# token: action-uv.lock (uv itself), action-build.lock (the build backend) and
# action-requirements.lock (kairos-ci's runtime dependencies). Each lock names the
# command that regenerates it.
#
# uv does the install: a cold install takes seconds where pip takes tens of
# seconds. uv is not on the hosted runner images, so the locked uv is bootstrapped
# with pip into its own venv unless the uv on PATH is exactly that version. A second
# use of the action in the same job reuses the environment when the action's source
# and locks have not changed.
set -euo pipefail

src="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
root="${RUNNER_TEMP:?RUNNER_TEMP is not set}/kairos-ci"
venv="$root/venv"
stamp="$venv/.kairos-ci-source"
python="${KAIROS_PYTHON_VERSION:-python3}"
uv_lock="$src/scripts/action-uv.lock"
build_lock="$src/scripts/action-build.lock"
runtime_lock="$src/scripts/action-requirements.lock"
started=$(date +%s%N)

source_key() {
  (cd "$src" && find pyproject.toml kairos_ci scripts/*.lock -type f ! -name '*.pyc' -print0 \
    | sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

# The version pinned by a lock line such as `uv==0.13.10 \`.
locked_version() {
  sed -n "s/^$1==\([^ ;\\\\]*\).*/\1/p" "$2" | head -n 1
}

# The uv to install with: the one on PATH if it is the locked version, else the
# locked one bootstrapped from its hashed lock.
locked_uv() {
  local want have
  want="$(locked_version uv "$uv_lock")"
  [ -n "$want" ] || { echo "::error title=kairos-ci::no uv== pin in $uv_lock" >&2; return 1; }
  if command -v uv >/dev/null 2>&1; then
    have="$(uv --version | cut -d' ' -f2)"
    if [ "$have" = "$want" ]; then
      command -v uv
      return 0
    fi
    echo "uv $have on PATH is not the locked $want; installing the locked one" >&2
  fi
  if [ ! -x "$root/uv/bin/uv" ] || [ "$("$root/uv/bin/uv" --version | cut -d' ' -f2)" != "$want" ]; then
    python3 -m venv --clear "$root/uv"
    "$root/uv/bin/python" -m pip install --quiet --disable-pip-version-check \
      --require-hashes --no-deps -r "$uv_lock" >&2
  fi
  echo "$root/uv/bin/uv"
}

key="$(source_key)"
if [ -x "$venv/bin/kairos-ci" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$key" ]; then
  echo "kairos-ci is already installed in $venv"
  exit 0
fi

uv="$(locked_uv)"
"$uv" venv --quiet --allow-existing --python "$python" "$venv"
if ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "::error title=kairos-ci::kairos-ci needs Python 3.11 or newer; set the python-version input"
  exit 1
fi
"$uv" pip install --quiet --python "$venv/bin/python" --require-hashes \
  -r "$build_lock" -r "$runtime_lock"
# The dependencies are all in place; --no-build-isolation builds with the locked backend.
"$uv" pip install --quiet --python "$venv/bin/python" --no-deps --no-build-isolation "$src"
echo "$key" > "$stamp"

elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo "kairos-ci installed in $venv in ${elapsed_ms} ms"

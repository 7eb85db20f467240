#!/usr/bin/env bash
# Install kairos-ci from the action's own checkout into $RUNNER_TEMP/kairos-ci/venv.
#
# uv does the install: a cold install takes seconds where pip takes tens of
# seconds. uv is not on the hosted runner images, so it is bootstrapped from PyPI
# into its own venv unless one is already on PATH. A second use of the action in
# the same job reuses the environment when the action's source has not changed.
set -euo pipefail

src="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
root="${RUNNER_TEMP:?RUNNER_TEMP is not set}/kairos-ci"
venv="$root/venv"
stamp="$venv/.kairos-ci-source"
python="${KAIROS_PYTHON_VERSION:-python3}"
started=$(date +%s%N)

source_key() {
  (cd "$src" && find pyproject.toml kairos_ci -type f ! -name '*.pyc' -print0 | sort -z | xargs -0 sha256sum) \
    | sha256sum | cut -d' ' -f1
}

key="$(source_key)"
if [ -x "$venv/bin/kairos-ci" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$key" ]; then
  echo "kairos-ci is already installed in $venv"
  exit 0
fi

if command -v uv >/dev/null 2>&1; then
  uv="$(command -v uv)"
else
  python3 -m venv "$root/uv"
  "$root/uv/bin/python" -m pip install --quiet --disable-pip-version-check uv
  uv="$root/uv/bin/uv"
fi

"$uv" venv --quiet --allow-existing --python "$python" "$venv"
if ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "::error title=kairos-ci::kairos-ci needs Python 3.11 or newer; set the python-version input"
  exit 1
fi
"$uv" pip install --quiet --python "$venv/bin/python" "$src"
echo "$key" > "$stamp"

elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo "kairos-ci installed in $venv in ${elapsed_ms} ms"

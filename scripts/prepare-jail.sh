#!/usr/bin/env bash
# Make bubblewrap usable for kairos's jail on a hosted runner. Never fails the job:
# without a working jail kairos still runs, never runs model-written code, and says so
# (kairos-ci doctor shows why).
#
# - bubblewrap comes from the distribution when it is missing (hosted runners have
#   passwordless sudo);
# - Ubuntu 23.10+ lets only profiled programs create user namespaces. A profile for
#   bwrap alone allows it, and keeps that restriction for every other program.
set -u

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif sudo -n true 2>/dev/null; then sudo -n "$@"; else return 1; fi
}

works() {
  bwrap --ro-bind / / --dev /dev --proc /proc --unshare-all --die-with-parent true 2>/dev/null
}

if ! command -v bwrap >/dev/null 2>&1; then
  echo "kairos-ci: installing bubblewrap"
  { as_root apt-get install -y -qq bubblewrap >/dev/null 2>&1 \
    || { as_root apt-get update -qq >/dev/null 2>&1 && as_root apt-get install -y -qq bubblewrap >/dev/null 2>&1; }; } \
    || echo "::warning title=kairos-ci::bubblewrap could not be installed; model tasks will not run"
fi

if command -v bwrap >/dev/null 2>&1 && ! works \
  && [ "$(cat /proc/sys/kernel/apparmor_restrict_unprivileged_userns 2>/dev/null)" = 1 ]; then
  echo "kairos-ci: allowing bubblewrap (only) to create user namespaces"
  profile=/etc/apparmor.d/kairos-bwrap
  printf 'abi <abi/4.0>,\ninclude <tunables/global>\n\nprofile kairos-bwrap %s flags=(unconfined) {\n  userns,\n}\n' \
    "$(command -v bwrap)" | as_root tee "$profile" >/dev/null && as_root apparmor_parser -r "$profile"
fi

if command -v bwrap >/dev/null 2>&1 && works; then
  echo "kairos-ci: the sandbox works"
else
  echo "::warning title=kairos-ci::no working sandbox: model tasks will not run (see kairos-ci doctor)"
fi
exit 0

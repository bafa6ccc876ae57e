# Finds (or installs) the headless browser the console's browser tests drive: Debian's chromium
# and chromium-driver (matching versions from one package source; nothing is downloaded by the
# tests themselves). Exports OC_TEST_CHROMIUM and OC_TEST_CHROMEDRIVER.
# shellcheck shell=bash

ensure_browser() {
  local chromium=${OC_TEST_CHROMIUM:-$(command -v chromium || true)}
  local driver=${OC_TEST_CHROMEDRIVER:-$(command -v chromedriver || true)}
  if [ -z "$chromium" ] || [ -z "$driver" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && [ "${OC_NO_INSTALL:-}" != 1 ]; then
      say "Chromium for the console's browser tests not found; installing chromium and chromium-driver with apt-get"
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
        || die "could not install Chromium; install it yourself (apt-get install chromium chromium-driver)"
      chromium=$(command -v chromium) driver=$(command -v chromedriver)
    else
      die "the console's browser tests need Chromium and its driver: apt-get install chromium chromium-driver
  (or set OC_TEST_CHROMIUM and OC_TEST_CHROMEDRIVER)"
    fi
  fi
  export OC_TEST_CHROMIUM=$chromium OC_TEST_CHROMEDRIVER=$driver
}

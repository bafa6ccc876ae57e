# Shared helpers for bin/run and bin/test. Source it; it defines functions only.
# shellcheck shell=bash

OC_ROOT=${OC_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
OC_DATA_DIR=${OC_DATA_DIR:-$OC_ROOT/.data}

say()  { printf '\033[1;34m[opencomputer]\033[0m %s\n' "$*" >&2; }
die()  { printf '\033[1;31m[opencomputer]\033[0m %s\n' "$*" >&2; exit 1; }

# Prints the major version of the java binary given as $1, or nothing.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -1
}

# Exports JAVA_HOME (and PATH) pointing at a JDK >= 21: $JAVA_HOME first, then the java on
# PATH, then every JDK under /usr/lib/jvm (newest first).
find_jdk() {
  local candidates=() c v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in $(ls -d /usr/lib/jvm/*/ /opt/java/*/ /opt/jdk*/ 2>/dev/null | sort -rV); do candidates+=("${c%/}"); done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$(java_major "$c/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then
      export JAVA_HOME=$c PATH=$c/bin:$PATH
      return 0
    fi
  done
  die "OpenComputer needs a JDK 21 or newer (found none in \$JAVA_HOME, on PATH or under /usr/lib/jvm).
  Install one, for example: apt-get install openjdk-21-jdk-headless (or a Temurin 21/25 build),
  then run this again or point JAVA_HOME at it."
}

# private_dir DIR: creates DIR (and its parents) owned by this user and writable by no one else,
# or dies when DIR is a symbolic link or belongs to another user (someone may have planted it).
private_dir() {
  local d=$1
  [ -L "$d" ] && die "$d is a symbolic link; refusing to use it"
  if [ ! -d "$d" ]; then (umask 077; mkdir -p "$d") || die "cannot create $d"; fi
  [ "$(stat -c %u "$d")" = "$(id -u)" ] || die "$d belongs to another user; refusing to use it"
  chmod go-w "$d"
}

# package_server MODULES [maven arguments...]: ./mvnw package -DskipTests -pl MODULES -am, the server jar
# removed first: the jar plugin keeps an up-to-date api-server jar when only another module changed, and
# Spring Boot's repackage then keeps the old libraries inside it.
package_server() {
  local modules=$1; shift
  rm -f "$OC_ROOT/api-server/target/opencomputer.jar"
  (cd "$OC_ROOT" && ./mvnw -B -q -ntp -DskipTests package -pl "$modules" -am "$@")
}

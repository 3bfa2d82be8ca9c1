#!/usr/bin/env bash
# Prints the home of a JDK 25 or newer (the build targets Java 25): $JAVA_HOME when it is one,
# else Temurin 25 where these machines install it, else any /usr/lib/jvm JDK that qualifies.
set -euo pipefail

major() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 |
        awk -F'= ' '/java.specification.version/ { split($2, v, "."); print v[1] == 1 ? v[2] : v[1] }'
}

for home in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if [ -n "$home" ] && [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] && [ "$(major "$home")" -ge 25 ] 2>/dev/null; then
        echo "$home"
        exit 0
    fi
done
echo "trainer: needs a JDK 25 or newer; set JAVA_HOME to one, e.g. /usr/lib/jvm/temurin-25-jdk-amd64" >&2
exit 1

#!/bin/sh
# Builds the files of the demo image's layers below scratch, offline, for the Jib build in
# agentforge-examples/pom.xml:
#   deploy/image/build-runtime.sh <JDK home> <demo jar> <output directory>
# The output directory gets a Java runtime made by jlink in opt/java, the shared libraries that
# runtime links against (under the same paths as on the build machine), a minimal etc/passwd and
# etc/group with the user agentforge (uid and gid 10001), tmp, var/lib/agentforge/audit and the
# demo jar in app/agentforge-demo.jar.
set -eu

if [ "$#" -ne 3 ]; then
  echo "usage: $0 <JDK home> <demo jar> <output directory>" >&2
  exit 2
fi
jdk=$1
jar=$2
out=$3

# The modules the demo service and its libraries use. jdeps --print-module-deps reports only
# java.base for the shaded jar, so the list is kept here. ImageTarTest starts the service on it.
modules=java.base,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,jdk.crypto.ec,jdk.management,jdk.unsupported

rm -rf "$out"
mkdir -p "$out/opt" "$out/app" "$out/etc" "$out/tmp" "$out/proc" "$out/var/lib/agentforge/audit"
out=$(cd "$out" && pwd)

"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --output "$out/opt/java"

# Every shared library that bin/java and the runtime's own libraries load, with the dynamic
# loader, copied under the path ldd reports (symbolic links resolved).
libraries=$(find "$out/opt/java/bin" "$out/opt/java/lib" -type f \( -name java -o -name '*.so' \) \
  -exec ldd {} \; 2>/dev/null | awk '/=> \// { print $3 } /^\t\// { print $1 }' | sort -u)
for library in $libraries; do
  case "$library" in
    "$out"/*) continue ;;
  esac
  mkdir -p "$out$(dirname "$library")"
  cp -L "$library" "$out$library"
done
# glibc loads these by name at run time (user and host look-ups), so ldd does not list them.
for library in /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2 \
  /lib/x86_64-linux-gnu/libresolv.so.2; do
  if [ -e "$library" ] && [ ! -e "$out$library" ]; then
    mkdir -p "$out$(dirname "$library")"
    cp -L "$library" "$out$library"
  fi
done
# Debian's ld-linux path is /lib64/ld-linux-x86-64.so.2, a link into /lib/x86_64-linux-gnu.
if [ -d /lib64 ] && [ -e /lib64/ld-linux-x86-64.so.2 ] && [ ! -e "$out/lib64/ld-linux-x86-64.so.2" ]; then
  mkdir -p "$out/lib64"
  cp -L /lib64/ld-linux-x86-64.so.2 "$out/lib64/ld-linux-x86-64.so.2"
fi

cat > "$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
agentforge:x:10001:10001:agentforge:/var/lib/agentforge:/sbin/nologin
PASSWD
cat > "$out/etc/group" <<'GROUP'
root:x:0:
agentforge:x:10001:
GROUP
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$out/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$out/etc/hosts"

cp "$jar" "$out/app/agentforge-demo.jar"
chmod 1777 "$out/tmp"

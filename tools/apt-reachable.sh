#!/bin/bash
# Exits 0 when the HTTP URL (a Debian mirror's Release file) answers within
# 20 s, 1 otherwise. Uses only bash, so it works on a minbase system.
#   tools/apt-reachable.sh http://deb.debian.org/debian/dists/bookworm/Release
url=${1:?usage: tools/apt-reachable.sh http://HOST[:PORT]/PATH}
rest=${url#http://}
[ "$rest" != "$url" ] || exit 0   # not plain http (https, file, a proxy): let apt judge
hostport=${rest%%/*}
path=/${rest#*/}
host=${hostport%%:*}
port=80
[ "$hostport" = "$host" ] || port=${hostport#*:}
timeout 20 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "HEAD %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$2" "$0" >&3
    read -r status <&3 && [[ $status == HTTP/* ]]' "$host" "$port" "$path" 2>/dev/null

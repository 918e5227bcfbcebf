#!/usr/bin/env bash
# Fabricates the Node base image from the host's own Node installation, for
# machines with no container registry: a root filesystem holding /usr/bin/node,
# the shared libraries `ldd` lists, the dynamic loader and a few /etc files,
# loaded with `docker import`. Usage: deploy/make-base-image.sh [tag]
set -euo pipefail
tag="${1:-rustos/node-base:local}"
node_bin="$(readlink -f "$(command -v node)")"
version="$("$node_bin" --version)"

if docker image inspect "$tag" >/dev/null 2>&1 \
  && [ "$(docker image inspect -f '{{index .Config.Labels "rustos.node"}}' "$tag" 2>/dev/null)" = "$version" ]; then
  echo "base image $tag (node $version) already present"
  exit 0
fi

rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs"/{usr/bin,etc,tmp,var/lib/rustos,app}
chmod 1777 "$rootfs/tmp"
cp "$node_bin" "$rootfs/usr/bin/node"
# Every library node links against, plus the loader, at the same paths.
ldd "$node_bin" | awk '/=>/ && $3 ~ /^\// { print $3 } /^\t\// { print $1 }' | while read -r lib; do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
# Usual symlinks so /lib64 and /lib resolve as on Debian.
[ -e "$rootfs/lib64" ] || ln -s usr/lib64 "$rootfs/lib64" 2>/dev/null || true
cat > "$rootfs/etc/passwd" <<'P'
root:x:0:0:root:/root:/usr/sbin/nologin
node:x:1000:1000:node:/home/node:/usr/sbin/nologin
P
cat > "$rootfs/etc/group" <<'G'
root:x:0:
node:x:1000:
G
echo 'hosts: files dns' > "$rootfs/etc/nsswitch.conf"

tar -C "$rootfs" -c . | docker import \
  -c 'ENV PATH=/usr/bin:/bin' \
  -c "LABEL rustos.node=$version" \
  -c 'WORKDIR /app' \
  -c 'CMD ["node"]' - "$tag" >/dev/null
echo "base image $tag built from host node $version"
docker run --rm "$tag" node -e 'console.log("node", process.version, "runs in the base image")'

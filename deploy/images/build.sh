#!/bin/sh
# Builds Flotilla's small test images from the node's static busybox (Debian: busybox-static),
# with no registry and no container engine: each archive holds an OCI image layout and the
# manifest.json of `docker save`, so `cluster image load` and `docker load` both take it.
#
#   deploy/images/build.sh [OUT_DIR]    (default: deploy/images/out)
#
# Writes busybox.tar (flotilla/busybox:latest, command sh), busybox-2.tar (flotilla/busybox:2,
# the same with a /version file: a second image to update to) and httpd.tar
# (flotilla/httpd:latest, `busybox httpd -f -p 8080` serving /www).
set -eu

out=${1:-$(dirname "$0")/out}
busybox=${BUSYBOX:-/bin/busybox}
if ! "$busybox" --list >/dev/null 2>&1; then
  echo "build.sh: no busybox at $busybox; install Debian's busybox-static (or set BUSYBOX)" >&2
  exit 1
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Fixed times and owners: the same busybox gives the same digests.
epoch=2020-01-01T00:00:00Z

sha() { sha256sum "$1" | cut -d' ' -f1; }

# blob FILE MEDIA_TYPE: stores FILE under blobs/sha256 of the layout in $layout, prints a descriptor.
blob() {
  digest=$(sha "$1")
  cp "$1" "$layout/blobs/sha256/$digest"
  printf '{"mediaType":"%s","digest":"sha256:%s","size":%s}' "$2" "$digest" "$(wc -c <"$1" | tr -d ' ')"
}

# image NAME TAG CONFIG_JSON_FRAGMENT SETUP: builds NAME.tar (NAME-TAG.tar unless TAG is latest);
# SETUP adds files to the root in $root.
image() {
  name=$1 tag=$2 fragment=$3 setup=$4
  file=$name
  [ "$tag" = latest ] || file=$name-$tag
  root=$work/$file/root layout=$work/$file/layout
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root" "$layout/blobs/sha256"
  chmod 1777 "$root/tmp"
  cp "$busybox" "$root/bin/busybox"
  for applet in $("$busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  $setup "$root"
  tar --sort=name --mtime="$epoch" --owner=0 --group=0 --numeric-owner -C "$root" -cf "$work/$file/layer.tar" .
  diff_id=sha256:$(sha "$work/$file/layer.tar")
  layer=$(blob "$work/$file/layer.tar" application/vnd.oci.image.layer.v1.tar)
  printf '{"architecture":"amd64","os":"linux","created":"%s","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],%s},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
    "$epoch" "$fragment" "$diff_id" >"$work/$file/config.json"
  config=$(blob "$work/$file/config.json" application/vnd.oci.image.config.v1+json)
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":%s,"layers":[%s]}' \
    "$config" "$layer" >"$work/$file/manifest.json"
  manifest=$(blob "$work/$file/manifest.json" application/vnd.oci.image.manifest.v1+json)
  ref=flotilla/$name:$tag
  # The index names the image; manifest.json says the same for `docker load`.
  printf '{"schemaVersion":2,"manifests":[%s]}' \
    "$(echo "$manifest" | sed "s|}\$|,\"annotations\":{\"io.containerd.image.name\":\"docker.io/$ref\",\"org.opencontainers.image.ref.name\":\"$tag\"}}|")" \
    >"$layout/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
  config_digest=$(sha "$work/$file/config.json")
  layer_digest=$(sha "$work/$file/layer.tar")
  printf '[{"Config":"blobs/sha256/%s","RepoTags":["%s"],"Layers":["blobs/sha256/%s"]}]' \
    "$config_digest" "$ref" "$layer_digest" >"$layout/manifest.json"
  tar --sort=name --mtime="$epoch" --owner=0 --group=0 --numeric-owner -C "$layout" -cf "$out/$file.tar" .
  echo "built $out/$file.tar ($ref)"
}

no_files() { :; }
version_2() { echo 2 >"$1/version"; }
www() {
  mkdir -p "$1/www"
  echo 'hello from flotilla/httpd' >"$1/www/index.html"
}

image busybox latest '"Cmd":["sh"]' no_files
image busybox 2 '"Cmd":["sh"]' version_2
image httpd latest '"Cmd":["httpd","-f","-p","8080","-h","/www"],"ExposedPorts":{"8080/tcp":{}}' www

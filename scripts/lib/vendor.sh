# Shared by scripts/refresh-*.sh (source it): fetch pinned npm tarballs with `npm pack` (npm
# verifies each against the registry's integrity hash) and copy chosen files, recording each
# file's package, version and sha256 in a VERSIONS file beside them.
# Needs: bash, npm, tar, sha256sum.

for tool in npm tar sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: '$tool' not found in PATH" >&2; exit 1; }
done

vendor_tmp="$(mktemp -d "${TMPDIR:-/tmp}/capgraph-vendor.XXXXXX")"
trap 'rm -rf "$vendor_tmp"' EXIT

# vendor_fetch NAME VERSION: extracts the package into $vendor_tmp/NAME/package.
vendor_fetch() {
  local name="$1" version="$2" tarball
  echo "fetching $name@$version" >&2
  # Run from the temp dir so no surrounding package.json/.npmrc project config applies.
  tarball="$(cd "$vendor_tmp" && npm pack "$name@$version" --pack-destination "$vendor_tmp" --silent | tail -n 1)"
  [[ -f "$vendor_tmp/$tarball" ]] || { echo "error: npm pack did not produce $tarball" >&2; exit 1; }
  mkdir -p "$vendor_tmp/$name"
  tar -xzf "$vendor_tmp/$tarball" -C "$vendor_tmp/$name"
}

# vendor_source PACKAGE SOURCE-PATH: where a fetched package's file is.
vendor_source() {
  echo "$vendor_tmp/$1/package/$2"
}

# vendor_copy DEST TITLE ENTRY...: copies each entry, "package version source-path destination",
# from its fetched package into DEST, and writes DEST/VERSIONS headed by TITLE.
vendor_copy() {
  local dest="$1" title="$2" entry pkg ver src dst from sum
  shift 2
  local versions="$vendor_tmp/VERSIONS"
  {
    echo "# $title do not edit by hand."
    echo "# Source: npm registry tarballs (npm pack). Format: package@version  file  sha256"
  } >"$versions"
  for entry in "$@"; do
    read -r pkg ver src dst <<<"$entry"
    from="$(vendor_source "$pkg" "$src")"
    [[ -f "$from" ]] || { echo "error: $pkg@$ver has no $src" >&2; exit 1; }
    mkdir -p "$(dirname "$dest/$dst")"
    cp "$from" "$dest/$dst"
    chmod 644 "$dest/$dst"
    sum="$(sha256sum "$dest/$dst" | cut -d' ' -f1)"
    printf '%s@%s  %s  %s\n' "$pkg" "$ver" "$dst" "$sum" >>"$versions"
  done
  mv "$versions" "$dest/VERSIONS"
  echo "updated $dest:" >&2
  cat "$dest/VERSIONS" >&2
}

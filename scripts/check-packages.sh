#!/usr/bin/env bash
# Packs every package as it would be published (pnpm applies publishConfig) and checks the tarball with publint
# and Are the Types Wrong. Run after `pnpm build`.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for dir in packages/*/; do
  name=$(node -p "require('./${dir}package.json').name")
  (cd "$dir" && pnpm pack --pack-destination "$out" >/dev/null)
  tarball=$(ls -t "$out"/*.tgz | head -n 1)
  echo "== $name ($(basename "$tarball"))"
  pnpm exec publint run "$tarball" --strict
  # ESM-only packages: CommonJS resolution is out of scope by design.
  pnpm exec attw "$tarball" --profile esm-only --format table-flipped
  rm -f "$tarball"
done

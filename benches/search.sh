#!/usr/bin/env bash
# The search benchmark: generates an archive of POSTS posts (default a million), builds it,
# and prints the index's size, file count and build time, and what typical queries load;
# then, when tests/browser's packages and Chromium are installed, how long the first
# results of some of them take to show in headless Chromium from file://
# (benches/search-browser.mjs).
#
#     bash benches/search.sh [POSTS] [FOLDER]
#     GEN_FLAGS=--forum bash benches/search.sh 1000000 /tmp/forum    # forum-shaped threads
#
# Needs about 1.3 GB of disk and 1.5 GB of memory at a million posts; a few minutes on
# two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
posts="${1:-1000000}"
dir="${2:-$(mktemp -d)}"
target="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet --bin threadarc --example gen_corpus
rm -rf "$dir/threads" "$dir/public"
# shellcheck disable=SC2086 # the flags are words
"$target/release/examples/gen_corpus" "$posts" "$dir" ${GEN_FLAGS:-}
bin="$(realpath "$target/release/threadarc")"
timer=()
[ -x /usr/bin/time ] && timer=(/usr/bin/time -f "peak memory of the build: %M KB")
(cd "$dir" && "${timer[@]}" "$bin" build) 2>&1 | sed 's/^/  /'
echo "index files: $(find "$dir/public/search" -type f | wc -l) ($(find "$dir/public/search/t" -type f | wc -l) term shards, $(find "$dir/public/search/p" -type f | wc -l) postings packs, $(find "$dir/public/search/d" -type f | wc -l) doc shards)"
echo "index size: $(du -sh --apparent-size "$dir/public/search" | cut -f1)"
node benches/search-queries.mjs "$dir/public" \
  "ketamine therapy" "cargo build error" "sourdough starter" "tomato compost" \
  '"rust compiler"' "ben" "the" "author:nune4" "cafe" "東京" \
  "music memory" "sourdogh starter" "ketamnie" "compost after:2024-03" "after:2024-06-15"
if [ -d tests/browser/node_modules/playwright-core ] && [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  node benches/search-browser.mjs "$dir/public" \
    "ketamine therapy" "sourdough starter" "ketamnie" "sourdogh starter" "author:nune4 tomato" \
    "compost after:2024-03" '"rust compiler"' "the"
fi

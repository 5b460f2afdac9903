#!/usr/bin/env bash
# The Reddit dump benchmark: generates a month of one subreddit as Pushshift and Arctic Shift
# publish it (gen_corpus --reddit: RS_ and RC_ files, zstandard NDJSON, POSTS comments,
# default 1,000,000), then builds it RUNS times (default 1) into a new folder and prints
# medians of wall time, CPU time, peak memory (GNU time's maximum RSS), and the dump's
# bytes read per second, compressed and decompressed.
#
#     bash benches/reddit.sh [POSTS] [FOLDER]
#
# The comments file decompresses to more than a dump held in memory may be, so the build
# reads it as it streams: what memory holds is the threads it makes, not the file.
set -euo pipefail
cd "$(dirname "$0")/.."
posts="${1:-1000000}"
dir="${2:-$(mktemp -d)}"
runs="${RUNS:-1}"
target="${CARGO_TARGET_DIR:-target}"
[ -x /usr/bin/time ] || { echo "benches/reddit.sh needs GNU time (apt-get install time)" >&2; exit 1; }

cargo build --release --quiet --bin threadarc --example gen_corpus
bin="$(realpath "$target/release/threadarc")"
mkdir -p "$dir"
dir="$(realpath "$dir")"
if [ ! -f "$dir/.reddit-$posts" ]; then
  rm -rf "$dir/threads" "$dir"/.reddit-*
  "$target/release/examples/gen_corpus" "$posts" "$dir" --reddit
  touch "$dir/.reddit-$posts"
fi
cd "$dir"
compressed=$(du -cb threads/reddit/*.zst | tail -n 1 | cut -f1)
decompressed=$(cat threads/reddit/*.zst | zstd -dc 2>/dev/null | wc -c || echo 0)
: > .times
for run in $(seq "$runs"); do
  rm -rf out .out.threadarc-*
  /usr/bin/time -f "%e %U %S %M" -o .last "$bin" build --quiet --output out
  cat .last >> .times
done
summary=$(python3 -c "
import json
m = json.load(open('out/manifest.json'))
threads = [t for topic in m['topics'] for t in json.load(open('out/' + topic['manifest']))['threads']]
print(len(threads), sum(t['posts'] for t in threads))")
threads=${summary% *}
posts_built=${summary#* }
files=$(find out -type f | wc -l)
bytes=$(du -sb out | cut -f1)
sort -n .times | awk -v runs="$runs" -v c="$compressed" -v d="$decompressed" -v t="$threads" -v p="$posts_built" -v f="$files" -v b="$bytes" '
  { wall[NR] = $1; cpu[NR] = $2 + $3; mem[NR] = $4 }
  END {
    m = int((NR + 1) / 2)
    printf "reddit dump: %d comments and submissions in %d threads; %.0f MB compressed, %.0f MB of JSON lines\n", p, t, c / 1e6, d / 1e6
    printf "build (median of %d): %.2f s wall, %.2f s CPU, peak memory %.0f MB\n", runs, wall[m], cpu[m], mem[m] / 1024
    printf "read: %.1f MB/s compressed, %.1f MB/s of JSON lines, %.0f posts/s\n", c / 1e6 / wall[m], d / 1e6 / wall[m], p / wall[m]
    printf "archive: %d files, %.0f MB\n", f, b / 1e6
    printf "peak memory against the goal: %.0f MB (goal: under 1,024 MB)\n", mem[m] / 1024
  }'
[ "${KEEP:-0}" = 1 ] || rm -rf out .out.threadarc-*

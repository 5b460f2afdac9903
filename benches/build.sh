#!/usr/bin/env bash
# The build benchmark: generates a forum-shaped corpus of POSTS posts (default 100,000) and
# the same threads as a Hugo site, then times, RUNS times each (default 3) and interleaved,
#
#   threadarc cold      a build into a new folder
#   threadarc unchanged a rebuild with nothing changed (and checks that no file was rewritten)
#   threadarc one change a rebuild after one thread got a new post (and counts the files
#                       rewritten)
#   hugo                Debian's `hugo` on the same threads, into a new folder (when installed;
#                       HUGO=0 skips it)
#   floor               reading every dump and `cp -r` of threadarc's output tree
#
# and prints medians: wall time, CPU time (user + system), peak memory, MB of dumps per
# second and pages per second.
#
#     bash benches/build.sh [POSTS] [FOLDER]
#     RUNS=5 HUGO=0 bash benches/build.sh 1000000 /tmp/bench
#
# KEEP=1 leaves the outputs in FOLDER (the next run deletes them before it starts): on
# some file systems creating files soon after deleting many is much slower, so two runs
# in a row are fairer when the first keeps its outputs and they are deleted much later.
#
# The corpus is kept in FOLDER and reused by later runs with the same POSTS. The outputs
# of every run are kept until the end: about 2.5 GB of disk at 100,000 posts with RUNS=3,
# 7 GB at a million with RUNS=1 and HUGO=0 (Hugo needs about 20 GB of memory there).
set -euo pipefail
cd "$(dirname "$0")/.."
posts="${1:-100000}"
dir="${2:-$(mktemp -d)}"
runs="${RUNS:-3}"
hugo="${HUGO:-auto}"
target="${CARGO_TARGET_DIR:-target}"
[ -x /usr/bin/time ] || { echo "benches/build.sh needs GNU time (apt-get install time)" >&2; exit 1; }
[ "$hugo" = auto ] && { command -v hugo >/dev/null && hugo=1 || hugo=0; }

cargo build --release --quiet --bin threadarc --example gen_corpus
bin="$(realpath "$target/release/threadarc")"
mkdir -p "$dir"
dir="$(realpath "$dir")"
if [ ! -f "$dir/.corpus-$posts" ]; then
  rm -rf "$dir/threads" "$dir/hugo" "$dir"/.corpus-*
  "$target/release/examples/gen_corpus" "$posts" "$dir" --forum --hugo
  touch "$dir/.corpus-$posts"
fi
cd "$dir"
# The outputs, and what builds keep beside them (the search store, the archive before).
rm -rf out-* .out-* hugo-out-* copy-* .times
mkdir .times
dumps_mb=$(du -sb threads | awk '{print $1 / 1e6}')
dump_count=$(find threads -type f | wc -l)
# Thread 0 is a Discourse dump: the change is a new reply, which also moves the thread to
# the top of its topic's list and the front page.
changed=$(find threads -type f -name '0.txt' | head -n 1)
cp "$changed" .times/original-dump

# measure NAME COMMAND...: appends "wall cpu peak-KB" to .times/NAME.
measure() {
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o .times/last "$@" >/dev/null 2>.times/stderr || {
    cat .times/stderr >&2
    exit 1
  }
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' .times/last >>".times/$name"
}

# Every file's inode and modification time.
stamps() { find "$1" -type f -printf '%i %T@ %p\n' | sort; }

echo "corpus: $posts posts, $dump_count dumps, $dumps_mb MB under $dir/threads; $runs runs each" >&2
for i in $(seq "$runs"); do
  measure cold "$bin" build --quiet --output "out-$i"
  if [ "$hugo" = 1 ]; then
    measure hugo hugo --quiet -s hugo -d "../hugo-out-$i"
  fi
  measure floor sh -c "find threads -type f -exec cat {} + >/dev/null && cp -r out-$i copy-$i"
done

stamps out-1 >.times/before
for i in $(seq "$runs"); do
  measure unchanged "$bin" build --quiet --output out-1
done
stamps out-1 >.times/after
unchanged_rewritten=$(comm -3 .times/before .times/after | awk '{print $3}' | sort -u | wc -l)

for i in $(seq "$runs"); do
  next=$(($(grep -cE '^.+ \| [0-9-]+ [0-9:]+ UTC \| #[0-9]+$' "$changed") + 1))
  printf 'benchmark | 2025-01-01 00:00:0%d UTC | #%d\n\nA new post, edit %d.\n\n-------------------------\n\n' "$i" "$next" "$i" >>"$changed"
  stamps out-1 >.times/before
  measure change "$bin" build --quiet --output out-1
  stamps out-1 >.times/after
  comm -3 .times/before .times/after | awk '{print $3}' | sort -u | wc -l >>.times/change-files
done
cp .times/original-dump "$changed"
comm -3 .times/before .times/after | awk '{print $3}' | sort -u | sed "s|^out-1/||" >.times/change-list

pages=$(find out-1 -name '*.html' | wc -l)
files=$(find out-1 -type f | wc -l)
out_bytes=$(find out-1 -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
out_mb=$(awk -v b="$out_bytes" 'BEGIN {print b / 1e6}')
dump_bytes=$(find threads -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
largest=$(find out-1 -type f -printf '%s %P\n' | sort -n | tail -n 1)
fullest=$(find out-1 -mindepth 1 -printf '%h\n' | sort | uniq -c | sort -n | tail -n 1 | awk '{sub("^out-1/?", "", $2); print $1, ($2 == "" ? "." : $2)}')
hugo_pages=0
[ "$hugo" = 1 ] && hugo_pages=$(find hugo-out-1 -name '*.html' | wc -l)

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
row() {
  local name=$1 label=$2 pages=$3
  [ -f ".times/$name" ] || return 0
  local wall cpu peak
  wall=$(awk '{print $1}' ".times/$name" | median)
  cpu=$(awk '{print $2}' ".times/$name" | median)
  peak=$(awk '{print $3}' ".times/$name" | median)
  awk -v l="$label" -v w="$wall" -v c="$cpu" -v p="$peak" -v mb="$dumps_mb" -v pg="$pages" 'BEGIN {
    printf "%-22s %8.2f s %8.2f s %8.0f MB %9.0f MB/s %9.0f pages/s\n", l, w, c, p / 1024, mb / w, pg / w }'
}
echo
echo "threadarc: $pages pages in $files files, $out_mb MB; hugo: $hugo_pages pages"
echo "largest file: ${largest#* } ($(awk -v b="${largest%% *}" 'BEGIN {printf "%.1f MiB", b / 1048576}'));" \
  "fullest folder: ${fullest#* } (${fullest%% *} entries)"
printf '%-22s %10s %10s %11s %14s %17s\n' "" wall CPU "peak mem" "dumps" "pages"
row cold "threadarc cold" "$pages"
row unchanged "threadarc unchanged" "$pages"
row change "threadarc one change" "$pages"
row hugo "hugo" "$hugo_pages"
row floor "floor (read + cp -r)" "$pages"
ratios() {
  local cold unchanged hugo_wall floor
  cold=$(awk '{print $1}' .times/cold | median)
  unchanged=$(awk '{print $1}' .times/unchanged | median)
  floor=$(awk '{print $1}' .times/floor | median)
  echo
  peak=$(awk '{print $3}' .times/cold | median)
  awk -v c="$cold" -v u="$unchanged" -v f="$floor" 'BEGIN {
    printf "cold against the floor: %.1fx (goal: at most 2x); unchanged against cold: %.0f%% (goal: at most 10%%)\n",
      c / f, 100 * u / c }'
  awk -v p="$peak" -v n="$posts" 'BEGIN {
    goal = n <= 100000 ? 256 : 1024
    printf "cold peak memory: %.0f MB (goal: at most %d MB)\n", p / 1024, goal }'
  awk -v o="$out_bytes" -v d="$dump_bytes" -v f="$files" -v n="$posts" -v l="${largest%% *}" -v e="${fullest%% *}" 'BEGIN {
    printf "archive against the dumps: %.2fx (goal: at most 2x); posts per file: %.1f (goal: at least 10)\n", o / d, n / f
    printf "largest file: %.1f MiB (goal: at most 25 MiB); fullest folder: %d entries (goal: at most 10,000)\n",
      l / 1048576, e }'
  [ -f .times/hugo ] || return 0
  hugo_wall=$(awk '{print $1}' .times/hugo | median)
  awk -v c="$cold" -v h="$hugo_wall" -v f="$floor" 'BEGIN {
    printf "hugo against cold: %.1fx (goal: at least 4x); hugo against the floor: %.1fx", h / c, h / f
    if (h / f < 4) printf " (hugo / 4 = %.2f s is below the floor, %.2f s)", h / 4, f
    printf "\n" }'
}
ratios
echo
echo "medians of $runs runs; files rewritten by an unchanged rebuild: $unchanged_rewritten;" \
  "by a one-thread change: $(median <.times/change-files) ($(tr '\n' ' ' <.times/change-list | cut -c1-300))"
[ "${KEEP:-0}" = 1 ] || rm -rf out-* .out-* hugo-out-* copy-*

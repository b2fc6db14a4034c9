#!/usr/bin/env bash
# bench-scale: the whole pipeline at scale 1 and scale 10, step by step (issue 13).
#
# For each scale: generate the sample, load it into a fresh database of its own, refresh every
# metric, build the site, publish one monthly bulletin (HTML + PDF, the first generation, which
# freezes the month) and the same month again (warm: read from its snapshot, printed once when the
# contents' page numbers still match the month's earlier PDF). Prints two tables: step | scale 1 |
# scale 10 | ratio | peak RSS of each scale; then each source's rows, seconds and rows/s at each scale
# (the per-path rates of a whole load).
# The times are wall-clock seconds of the whole command (/usr/bin/time); the peak RSS is the
# command's own (the server's memory is not in it: see system.query_log for the queries).
#
# Environment: BENCH_SCALES (default "1 10"), BENCH_DIR (default a new folder under /tmp, kept for
# a look afterwards), BENCH_AS_OF (2026-11-30), BENCH_MONTH (2025-06), SAFETYDW_PII_SALT (a fixed
# bench salt when unset). Databases: bench_scale_<scale> on the project's server (CH_TCP_PORT),
# dropped and made again at the start of each scale.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$repo/bin/safetydw
scales=${BENCH_SCALES:-1 10}
work=${BENCH_DIR:-$(mktemp -d /tmp/safetydw-bench.XXXXXX)}
asof=${BENCH_AS_OF:-2026-11-30}
month=${BENCH_MONTH:-2025-06}
export SAFETYDW_PII_SALT=${SAFETYDW_PII_SALT:-bench-scale-salt-not-a-secret}
mkdir -p "$work"

[ -x "$bin" ] || { echo "bench-scale: $bin missing: run make build (请先编译)" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "bench-scale: /usr/bin/time missing: apt-get install -y time (缺少 time)" >&2; exit 1; }

steps="generate load refresh site bulletin bulletin-warm"
declare -A secs rss

# run times one step of one scale: its wall time and peak RSS go to secs/rss, its output to a log.
run() {
  local step=$1 scale=$2; shift 2
  local log="$work/$step-$scale.log" tf="$work/$step-$scale.time"
  echo "scale $scale: $step ... (log $log)" >&2
  if ! /usr/bin/time -o "$tf" -f "%e %M" "$@" >"$log" 2>&1; then
    echo "bench-scale: $step at scale $scale failed (失败), see $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  read -r secs[$step-$scale] rss[$step-$scale] <"$tf"
}

echo "bench-scale: $(date -u '+%F %T UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), folder $work" >&2
for s in $scales; do
  db=bench_scale_${s//./_}
  dir=$work/scale$s
  rm -rf "$dir"
  mkdir -p "$dir"
  if [ -z "${CLICKHOUSE_ADDR:-}" ]; then
    "$repo/warehouse/clickhouse/server.sh" client --query "DROP DATABASE IF EXISTS $db"
  fi
  export CLICKHOUSE_DB=$db
  "$bin" migrate >"$work/migrate-$s.log" 2>&1
  run generate "$s" "$bin" sample --seed 1 --scale "$s" --out "$dir/drop"
  run load "$s" "$bin" etl run --drop "$dir/drop" --sources "$repo/sample_data/sources.yaml" --landing "$dir/landing"
  run refresh "$s" "$bin" metrics refresh --as-of "$asof"
  run site "$s" "$bin" dashboards build --out "$dir/site"
  run bulletin "$s" "$bin" bulletin --month "$month" --pdf --out "$dir/site"
  run bulletin-warm "$s" "$bin" bulletin --month "$month" --pdf --out "$dir/site"
done

# The table: ratio = last scale / first scale.
set -- $scales
first=$1
last=${!#}
printf '\nload average at the end: %s\n\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '| step |'
for s in $scales; do printf ' scale %s |' "$s"; done
[ "$first" != "$last" ] && printf ' ratio %s/%s |' "$last" "$first"
for s in $scales; do printf ' peak RSS %s |' "$s"; done
printf '\n|---|'
for s in $scales; do printf -- '---:|'; done
[ "$first" != "$last" ] && printf -- '---:|'
for s in $scales; do printf -- '---:|'; done
printf '\n'
for step in $steps; do
  printf '| %s |' "$step"
  for s in $scales; do printf ' %s s |' "${secs[$step-$s]}"; done
  if [ "$first" != "$last" ]; then
    awk -v a="${secs[$step-$first]}" -v b="${secs[$step-$last]}" 'BEGIN { printf " %.1f× |", (a > 0 ? b / a : 0) }'
  fi
  for s in $scales; do awk -v k="${rss[$step-$s]}" 'BEGIN { printf " %.0f MB |", k / 1024 }'; done
  printf '\n'
done

# Rows/s per source at each scale, from the loader's own summary lines; its times are rounded to
# 0.1 s, so a source loaded in under a second gets no rate ("–").
printf '\n| source |'
for s in $scales; do printf ' rows, scale %s | seconds | rows/s |' "$s"; done
printf '\n|---|'
for s in $scales; do printf -- '---:|---:|---:|'; done
printf '\n'
for s in $scales; do
  # "hazards: 1 批 (batches), 跳过已载入 0 (skipped), 读取 313962 行 (read), …, 3.2s"
  sed -n 's/^\([^ :]*\): [0-9]* 批 .*读取 \([0-9]*\) 行 .*, \([0-9.]*\)s$/\1 \2 \3/p' "$work/load-$s.log" | sed "s/^/$s /"
done | awk -v scales="$scales" '
  { k = $2; if (!(k in seen)) { seen[k] = 1; order[++n] = k }; rows[$1, k] = $3; sec[$1, k] = $4 }
  END {
    ns = split(scales, sc, " ")
    for (i = 1; i <= n; i++) {
      k = order[i]; printf "| %s |", k
      for (j = 1; j <= ns; j++) {
        s = sc[j]
        if ((s, k) in rows) printf " %d | %.1f | %s |", rows[s, k], sec[s, k], (sec[s, k] >= 1 ? sprintf("%.0f k", rows[s, k] / sec[s, k] / 1000) : "–")
        else printf " | | |"
      }
      printf "\n"
    }
  }'

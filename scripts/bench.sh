#!/usr/bin/env bash
# make bench: every figure of docs/performance.md, as ratios to one
# variable-base scalar multiplication (SM) timed in the same run.
#
# Each -cpu value runs as its own go test, with GOMAXPROCS set to it from
# the start (golang/go#49980: several -cpu values in one go test measure a
# b.Loop benchmark's first line with the previous GOMAXPROCS), and every
# benchmark fails if it sees another number of Ps (CONCLAVE_BENCH_PROCS).
#
# Usage: scripts/bench.sh [runs] (default 3 runs of each benchmark; the
# table gives the median and the range). BENCH_SCALE=0 skips the command-
# line runs, BENCH_SCALE_PROCS="1" runs them on one core only, and
# CONCLAVE_SCALE_SIZES="200000" at those sizes only (default 100,000,
# 200,000 and 1,000,000); BENCH_KYBER=0 skips kyber. BENCH_RAW=FILE keeps
# the raw lines (and adds to them, so that separate runs make one table).
# BENCH_CEREMONY and BENCH_KYBER_BENCH narrow the benchmarks run (regular
# expressions for -bench), e.g. '^BenchmarkDKG$' and '^BenchmarkKyberDKG$'
# for the DKG comparison alone.
#
# Each run is one go test of the ceremony package then one of kyber's, one
# after the other, so that the DKG's ratio ours/kyber is taken per run, from
# two figures measured a minute apart, each against its own SMs; the table's
# last lines give those ratios, their median and range.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin" CGO_ENABLED=0
runs=${1:-3}
all=$(nproc)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if [ -n "${BENCH_RAW:-}" ]; then
	touch "$BENCH_RAW"
	ln -s "$(realpath "$BENCH_RAW")" "$out/raw"
fi

for p in ${BENCH_PKG_PROCS-1 $all}; do
	for r in $(seq "$runs"); do
		tag="run=$$.$r" # unique across the invocations that share BENCH_RAW
		echo "== $p core(s), run $r of $runs: ceremony package" >&2
		GOMAXPROCS=$p CONCLAVE_BENCH_PROCS=$p go test ./ceremony -run '^$' \
			-bench "${BENCH_CEREMONY:-^Benchmark(Answer|MemberDecrypt|VerifyAnswer|Combine|DKG)\$}" -benchtime 10x -count 1 -cpu "$p" |
			sed "s/^/procs=$p $tag /" >>"$out/raw"
		if [ "${BENCH_KYBER:-1}" != 0 ]; then
			echo "== $p core(s), run $r of $runs: kyber (bench/)" >&2
			(cd bench && GOMAXPROCS=$p CONCLAVE_BENCH_PROCS=$p go test . -run '^$' \
				-bench "${BENCH_KYBER_BENCH:-.}" -benchtime 2x -count 1 -cpu "$p") |
				sed "s/^/procs=$p $tag /" >>"$out/raw"
		fi
	done
done
if [ "${BENCH_SCALE:-1}" != 0 ]; then
	echo "== the command line (app/cli TestScale)" >&2
	go build -tags ci -o "$out/conclave" .
	for p in ${BENCH_SCALE_PROCS:-1 $all}; do
		CONCLAVE_CHECK_CACHE="$out/checked-$p" CONCLAVE_SCALE_BIN="$out/conclave" CONCLAVE_SCALE_PROCS=$p CONCLAVE_SCALE_RUNS=$runs \
			go test -tags ci ./app/cli -run '^TestScale$' -count 1 -v -timeout 60m |
			grep '^SCALE ' | sed "s/^SCALE /procs=$p /" >>"$out/raw"
	done
fi
grep -q . "$out/raw" || { echo "bench: no results" >&2; exit 1; }
# Lines: procs=P [run=R] BenchmarkName[-P] N ns/op value unit value unit ...
awk -v all="$all" '
function median(list,   a, n, i, j, t) {
	n = split(list, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	lo[0] = a[1]; hi[0] = a[n]
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function fmtv(v) { return v >= 1000 ? sprintf("%d", v + 0.5) : v >= 10 ? sprintf("%.1f", v) : sprintf("%.2f", v) }
/^procs=[0-9]+ (run=[0-9.]+ )?Benchmark/ {
	o = ($2 ~ /^run=/) ? 1 : 0 # o: the run tag shifts the fields by one
	p = substr($1, 7); name = $(2 + o); sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name)
	for (i = 4 + o; i < NF; i += 2) {
		if ($(i + 1) ~ /^SM\//) {
			key = name SUBSEP p; vals[key] = vals[key] " " $i; unit[name] = substr($(i + 1), 4)
			if (o && (name == "DKG" || name == "KyberDKG")) { dkg[name, p, $2] = $i; if (!((p, $2) in runseen)) { runseen[p, $2] = 1; runs[p] = runs[p] " " $2 } }
		}
		if ($(i + 1) == "ns/SM") sm[p] = sm[p] " " $i
		if ($(i + 1) == "MiB-peak-RSS") { key = name SUBSEP p; rss[key] = rss[key] " " $i }
	}
	if (!(name in seen)) { seen[name] = 1; order[++n] = name }
}
END {
	printf "| figure | unit | 1 core: median (range) | %d cores: median (range) |\n|---|---|---|---|\n", all
	for (k = 1; k <= n; k++) {
		name = order[k]
		if (!((name SUBSEP 1) in vals) && !((name SUBSEP all) in vals)) continue
		row = "| " name " | SM/" unit[name]
		for (q = 1; q <= 2; q++) {
			p = (q == 1) ? 1 : all
			key = name SUBSEP p
			if (key in vals) { m = median(vals[key]); row = row sprintf(" | %s (%s–%s)", fmtv(m), fmtv(lo[0]), fmtv(hi[0])) }
			else row = row " | —"
		}
		print row " |"
	}
	for (k = 1; k <= n; k++) {
		name = order[k]
		if (!((name SUBSEP 1) in rss) && !((name SUBSEP all) in rss)) continue
		row = "| " name " | MiB peak RSS"
		for (q = 1; q <= 2; q++) {
			p = (q == 1) ? 1 : all
			key = name SUBSEP p
			if (key in rss) { m = median(rss[key]); row = row sprintf(" | %s (%s–%s)", fmtv(m), fmtv(lo[0]), fmtv(hi[0])) }
			else row = row " | —"
		}
		print row " |"
	}
	for (q = 1; q <= 2; q++) {
		p = (q == 1) ? 1 : all
		if (p in sm) { m = median(sm[p]); printf "\nOne SM (%d core%s): median %.1f µs, range %.1f–%.1f µs.", p, (p > 1 ? "s" : ""), m / 1000, lo[0] / 1000, hi[0] / 1000 }
		if (all == 1) break
	}
	print ""
	# The DKG against kyber, per run: both from the same run of this script.
	for (q = 1; q <= 2; q++) {
		p = (q == 1) ? 1 : all
		nr = split(runs[p], rr, " "); list = ""; shown = ""
		for (k = 1; k <= nr; k++) {
			if (!(("DKG", p, rr[k]) in dkg) || !(("KyberDKG", p, rr[k]) in dkg)) continue
			ours = dkg["DKG", p, rr[k]]; theirs = dkg["KyberDKG", p, rr[k]]
			list = list " " ours / theirs
			shown = shown sprintf("%s%.0f / %.0f = %.4f (%.1f×)", (shown == "" ? "" : "; "), ours, theirs, ours / theirs, theirs / ours)
		}
		if (list != "") {
			m = median(list)
			printf "\nDKG n = 25, t = 13, ours / kyber, per run (%d core%s, SM/ceremony): %s.\n", p, (p > 1 ? "s" : ""), shown
			printf "Median %.4f (%.1f× fewer), range %.4f–%.4f (%.1f–%.1f× fewer) over %d runs.\n", m, 1 / m, lo[0], hi[0], 1 / hi[0], 1 / lo[0], split(list, tmp, " ")
		}
		if (all == 1) break
	}
}' "$out/raw"

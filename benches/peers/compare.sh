#!/usr/bin/env bash
# Side-by-side runs of benches/workloads.rs, ANNarchy 4.8.2.6 and Brian2 2.9.0
# on this machine: the same workloads, each run in a fresh process, the
# programs alternated within each repetition. See benches/peers/README.md.
#
# Run from the repository root:
#   benches/peers/compare.sh [--reps N] [--workloads "coba cuba ..."]
#       [--threads "1 2"] [--peers "annarchy brian2"] [--seed S]
#       [--duration-scale F] [--skip-build-times]
set -euo pipefail

usage() {
    cat <<'EOF'
usage: benches/peers/compare.sh [options]   (from the repository root)

  --reps N              repetitions of each run (3)
  --workloads "W ..."   among coba cuba izhikevich rate_sparse rate_dense (all)
  --threads "N ..."     thread counts ("1 2")
  --peers "P ..."       among annarchy brian2 ("annarchy brian2"); ours always runs
  --seed S              seed given to every program (42)
  --duration-scale F    multiplies every simulated length (1): 10 s for coba
                        and cuba, 1 s for izhikevich, 10 000 steps for rate_*
  --skip-build-times    do not measure our cold build and one-equation rebuild

Environment: PEERS_VENV_DIR (target/peers) holds the venvs it creates;
ANNARCHY_VENV, BRIAN2_VENV point to existing venvs instead; PEERS_SCRIPTS
(../shared/peers) holds the peers' scripts. Results: target/peers/results-DATE.jsonl,
summary-DATE.md and logs-DATE/.
EOF
}

die() {
    echo "compare.sh: $*" >&2
    exit 2
}

reps=3
workloads="coba cuba izhikevich rate_sparse rate_dense"
thread_counts="1 2"
peers="annarchy brian2"
seed=42
scale=1
build_times=1

while [[ $# -gt 0 ]]; do
    case "$1" in
    --reps | --workloads | --threads | --peers | --seed | --duration-scale)
        [[ $# -ge 2 ]] || die "$1 needs a value"
        case "$1" in
        --reps) reps=$2 ;;
        --workloads) workloads=$2 ;;
        --threads) thread_counts=$2 ;;
        --peers) peers=$2 ;;
        --seed) seed=$2 ;;
        --duration-scale) scale=$2 ;;
        esac
        shift 2
        ;;
    --skip-build-times)
        build_times=0
        shift
        ;;
    -h | --help)
        usage
        exit 0
        ;;
    *)
        usage >&2
        die "unknown option: $1"
        ;;
    esac
done

[[ $reps =~ ^[1-9][0-9]*$ ]] || die "--reps takes a positive integer, not '$reps'"
[[ $seed =~ ^[0-9]+$ ]] || die "--seed takes a non-negative integer, not '$seed'"
if ! [[ $scale =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)$ ]] || ! awk -v s="$scale" 'BEGIN { exit !(s > 0) }'; then
    die "--duration-scale takes a positive number, not '$scale'"
fi
for w in $workloads; do
    case "$w" in
    coba | cuba | izhikevich | rate_sparse | rate_dense) ;;
    *) die "unknown workload: $w" ;;
    esac
done
for n in $thread_counts; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "--threads takes positive integers, not '$n'"
done
use_annarchy=0
use_brian2=0
for p in $peers; do
    case "$p" in
    annarchy) use_annarchy=1 ;;
    brian2) use_brian2=1 ;;
    *) die "unknown peer: $p (annarchy, brian2)" ;;
    esac
done
# Brian2 runs only COBA and CUBA.
if [[ $use_brian2 == 1 && " $workloads " != *" coba "* && " $workloads " != *" cuba "* ]]; then
    use_brian2=0
fi

[[ -f Cargo.toml && -f benches/workloads.rs ]] || die "run it from the repository root"
command -v python3 >/dev/null || die "python3 is needed"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is needed"

repo=$(pwd)
venv_dir=$(mkdir -p "${PEERS_VENV_DIR:-target/peers}" && cd "${PEERS_VENV_DIR:-target/peers}" && pwd)
scripts=$(cd "${PEERS_SCRIPTS:-../shared/peers}" 2>/dev/null && pwd) ||
    die "no peers' scripts in ${PEERS_SCRIPTS:-../shared/peers} (set PEERS_SCRIPTS)"
out_dir=$repo/target/peers
stamp=$(date +%Y%m%d-%H%M%S)
results=$out_dir/results-$stamp.jsonl
summary=$out_dir/summary-$stamp.md
logs=$out_dir/logs-$stamp
builddir=$out_dir/build

# --- the peers' venvs -------------------------------------------------------

# ensure_venv VAR_NAME DEFAULT_DIR MODULE PACKAGE...: prints the venv to use.
ensure_venv() {
    local var=$1 default=$2 module=$3
    shift 3
    local dir=${!var:-}
    local check="import importlib.util, sys; sys.exit(importlib.util.find_spec('$module') is None)"
    if [[ -n $dir ]]; then
        "$dir/bin/python" -c "$check" 2>/dev/null || die "$var=$dir: no $module in that venv"
    else
        dir=$default
        if ! { [[ -x $dir/bin/python ]] && "$dir/bin/python" -c "$check" 2>/dev/null; }; then
            echo "creating $dir ($*), a few minutes" >&2
            python3 -m venv "$dir"
            "$dir/bin/pip" install --quiet "$@" >&2
        fi
    fi
    (cd "$dir" && pwd)
}

if [[ $use_annarchy == 1 ]]; then
    ann_venv=$(ensure_venv ANNARCHY_VENV "$venv_dir/venv-annarchy" ANNarchy \
        annarchy==4.8.2.6 "numpy<2.4" cython sympy scipy)
    echo "ANNarchy: $ann_venv" >&2
fi
if [[ $use_brian2 == 1 ]]; then
    brian_venv=$(ensure_venv BRIAN2_VENV "$venv_dir/venv-brian2" brian2 \
        brian2==2.9.0 "numpy<2.4")
    echo "Brian2: $brian_venv" >&2
fi

# --- ours -------------------------------------------------------------------

echo "building benches/workloads.rs (release profile)" >&2
ours=$(cargo bench --bench workloads --no-run --message-format=json-render-diagnostics |
    python3 -c '
import json, sys
exe = None
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m.get("target", {}).get("name") == "workloads":
        exe = m.get("executable") or exe
if exe is None:
    sys.exit("no executable for the workloads bench")
print(exe)')
echo "ours: $ours" >&2
mkdir -p "$logs" "$builddir"
: >"$results"

# --- runs -------------------------------------------------------------------

# record KEY WORKLOAD THREADS REP RC LOG: appends the RESULT line of LOG.out,
# with the peak RSS of LOG.rss, to the results (or a line with the error).
record() {
    python3 - "$@" "$results" <<'PY'
import json, sys
key, workload, threads, rep, rc, log, results = sys.argv[1:]
result = None
with open(log + ".out") as f:
    for line in f:
        if line.startswith("RESULT:"):
            result = json.loads(line[len("RESULT:"):])
peak = None
try:
    with open(log + ".rss") as f:
        lines = [l.strip() for l in f if l.strip()]
    peak = int(lines[-1])
except (OSError, ValueError, IndexError):
    pass
if result is None or rc != "0":
    result = dict(result or {}, error=f"exit status {rc}, no RESULT line" if result is None
                  else f"exit status {rc}", log=log)
result.update(peer_key=key, workload=workload, threads=int(threads), rep=int(rep),
              peak_rss_kib=peak)
with open(results, "a") as f:
    f.write(json.dumps(result) + "\n")
status = "FAILED, see " + log + ".err" if "error" in result else \
    f"t_sim {result.get('t_sim', float('nan')):.3f} s"
print(f"  {key:9} {workload:12} {threads} thread(s) rep {rep}: {status}", file=sys.stderr)
PY
}

# run_one KEY WORKLOAD THREADS REP COMMAND...: one run in a fresh process.
run_one() {
    local key=$1 workload=$2 threads=$3 rep=$4
    shift 4
    local log=$logs/$workload-t$threads-$key-$rep rc=0
    /usr/bin/time -f %M -o "$log.rss" "$@" >"$log.out" 2>"$log.err" || rc=$?
    record "$key" "$workload" "$threads" "$rep" "$rc" "$log"
}

scaled() { awk -v x="$1" -v s="$scale" 'BEGIN { printf "%.0f", x * s }'; }

for w in $workloads; do
    case "$w" in
    coba | cuba) length=(--duration "$(scaled 10000)") ;;
    izhikevich) length=(--duration "$(scaled 1000)") ;;
    rate_*) length=(--steps "$(scaled 10000)") ;;
    esac
    for n in $thread_counts; do
        for ((rep = 1; rep <= reps; rep++)); do
            run_one ours "$w" "$n" "$rep" "$ours" --workload "$w" --threads "$n" --seed "$seed" "${length[@]}"
            if [[ $use_annarchy == 1 ]]; then
                case "$w" in
                coba | cuba) script=(ann_coba_cuba.py --model "$w") ;;
                izhikevich) script=(ann_izhikevich.py) ;;
                rate_*) script=(ann_rate.py --net "${w#rate_}") ;;
                esac
                run_one annarchy "$w" "$n" "$rep" env PATH="$ann_venv/bin:$PATH" \
                    "$ann_venv/bin/python" "$scripts/${script[0]}" "${script[@]:1}" \
                    --threads "$n" --seed "$seed" "${length[@]}" --builddir "$builddir/annarchy"
            fi
            if [[ $use_brian2 == 1 && ($w == coba || $w == cuba) ]]; then
                run_one brian2 "$w" "$n" "$rep" "$brian_venv/bin/python" \
                    "$scripts/brian_coba_cuba.py" --model "$w" --mode standalone \
                    --threads "$n" --seed "$seed" "${length[@]}" --builddir "$builddir/brian2"
            fi
        done
    done
done

# --- our build times ----------------------------------------------------------

# seconds_since START: wall time (s) since the $EPOCHREALTIME START.
seconds_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }

if [[ $build_times == 1 ]]; then
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/annarchy-build.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    # A copy of the working tree as it is (tracked files and untracked ones
    # that git does not ignore, plus Cargo.lock), built with a fresh target.
    mkdir "$tmp/src"
    git ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' f; do [[ -f $f ]] && printf '%s\0' "$f"; done |
        tar --null -T - -cf - | tar -xf - -C "$tmp/src"
    [[ -f Cargo.lock ]] && cp Cargo.lock "$tmp/src/"
    echo "cold build: cargo build --release --example coba in $tmp/src (fresh target)" >&2
    start=$EPOCHREALTIME
    (cd "$tmp/src" && CARGO_TARGET_DIR=$tmp/target cargo build --release --example coba) \
        >"$logs/build-cold.log" 2>&1 || die "cold build failed, see $logs/build-cold.log"
    cold=$(seconds_since "$start")

    coba=$tmp/src/examples/coba.rs
    cp "$coba" "$tmp/coba.rs.orig"
    # The equation, not the same text in the //! documentation.
    sed -i '/^[[:space:]]*\/\//!s|tau_inh \* dg_inh/dt = -g_inh$|tau_inh * dg_inh/dt = -g_inh + 0.0|' "$coba"
    changed=$(diff "$tmp/coba.rs.orig" "$coba" | grep -c '^>' || true)
    [[ $changed == 1 ]] || die "the edit of examples/coba.rs changed $changed lines instead of 1"
    echo "rebuild after changing one equation of examples/coba.rs" >&2
    start=$EPOCHREALTIME
    (cd "$tmp/src" && CARGO_TARGET_DIR=$tmp/target cargo build --release --example coba) \
        >"$logs/build-rebuild.log" 2>&1 || die "rebuild failed, see $logs/build-rebuild.log"
    rebuild=$(seconds_since "$start")
    printf '{"peer_key": "ours-build", "t_cold_build": %s, "t_rebuild_one_equation": %s}\n' \
        "$cold" "$rebuild" >>"$results"
fi

# --- summary ----------------------------------------------------------------

python3 - "$results" "$thread_counts" >"$summary" <<'PY'
import json, statistics, sys
from collections import defaultdict

path, thread_list = sys.argv[1], [int(n) for n in sys.argv[2].split()]
rows = [json.loads(l) for l in open(path) if l.strip()]
runs = defaultdict(list)      # (peer_key, workload, threads) -> successful results
failed, builds = [], {}
for r in rows:
    if r.get("peer_key") == "ours-build":
        builds = r
    elif "error" in r:
        failed.append(r)
    else:
        runs[r["peer_key"], r["workload"], r["threads"]].append(r)

def med(key, workload, threads, field):
    xs = [r[field] for r in runs.get((key, workload, threads), []) if r.get(field) is not None]
    return statistics.median(xs) if xs else None

def fmt(x, digits=3):
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    if digits == 0:
        return f"{x:.0f}"
    return f"{x:.{digits}f}" if abs(x) < 1e6 else f"{x:.3g}"

def ratio(a, b):
    return a / b if a is not None and b else None

workloads = list(dict.fromkeys(r["workload"] for r in rows if "workload" in r))
n_reps = max((r["rep"] for r in rows if "rep" in r), default=0)
print(f"# Side-by-side run ({path})\n")
print(f"Medians over {n_reps} repetition(s), fresh processes, programs alternated. "
      "Times in seconds; ratios below 1 mean ours is faster. Our results are the same for "
      "all thread counts when the spike rasters (FNV hashes) or the final mean r are identical.\n")
print("| workload | threads | ours t_sim | ANNarchy t_sim | Brian2 t_sim | ours/ANNarchy "
      "| ours/Brian2 | ours t_build | ANNarchy t_compile | Brian2 t_compile "
      "| our results same for all thread counts | our speed-up 1->2 threads |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for w in workloads:
    # Spiking: the raster hashes; rate: the final mean r, compared exactly.
    ours_runs = [r for n in thread_list for r in runs.get(("ours", w, n), [])]
    field = "spike_hash" if any("spike_hash" in r for r in ours_runs) else "mean_r_final"
    hashes = {r.get(field) for r in ours_runs}
    counted = {n for n in thread_list if runs.get(("ours", w, n))}
    if None in hashes or not hashes:
        same = "n/a"
    elif len(counted) < 2:
        same = "only one thread count" if len(hashes) == 1 else "no (differs between reps)"
    else:
        same = "yes" if len(hashes) == 1 else f"no ({len(hashes)} different)"
    speedup = ratio(med("ours", w, 1, "t_sim"), med("ours", w, 2, "t_sim"))
    for n in thread_list:
        if not any(runs.get((k, w, n)) for k in ("ours", "annarchy", "brian2")):
            continue
        ours, ann, br = (med(k, w, n, "t_sim") for k in ("ours", "annarchy", "brian2"))
        print(f"| {w} | {n} | {fmt(ours)} | {fmt(ann)} | {fmt(br)} | {fmt(ratio(ours, ann), 2)} "
              f"| {fmt(ratio(ours, br), 2)} | {fmt(med('ours', w, n, 't_build'))} "
              f"| {fmt(med('annarchy', w, n, 't_compile'), 1)} "
              f"| {fmt(med('brian2', w, n, 't_compile'), 1)} | {same} | {fmt(speedup, 2)} |")

print("\n## Results of each program (medians)\n")
print("| workload | threads | program | synapses | spikes | rate (Hz) | mean r (final) "
      "| peak RSS (MiB) | bytes/synapse | synaptic events/s |")
print("|---|---|---|---|---|---|---|---|---|---|")
names = {"ours": "annarchy-rs", "annarchy": "ANNarchy 4.8.2.6", "brian2": "Brian2 2.9.0"}
for w in workloads:
    for n in thread_list:
        for k in ("ours", "annarchy", "brian2"):
            if not runs.get((k, w, n)):
                continue
            rss = med(k, w, n, "peak_rss_kib")
            spikes = med(k, w, n, "n_spikes")
            syn = med(k, w, n, "n_synapses")
            print(f"| {w} | {n} | {names[k]} | {fmt(syn, 0)} | {fmt(spikes, 0)} "
                  f"| {fmt(med(k, w, n, 'rate_hz'), 2)} | {fmt(med(k, w, n, 'mean_r_final'), 4)} "
                  f"| {fmt(rss / 1024 if rss else None, 0)} "
                  f"| {fmt(med(k, w, n, 'bytes_per_synapse'), 1)} "
                  f"| {fmt(med(k, w, n, 'synaptic_events_per_s'))} |")

if builds:
    print("\n## Build times (s)\n")
    print("| what | seconds |")
    print("|---|---|")
    print(f"| ours: cold `cargo build --release --example coba` (fresh target dir) "
          f"| {fmt(builds.get('t_cold_build'), 1)} |")
    print(f"| ours: rebuild after changing one equation of examples/coba.rs "
          f"| {fmt(builds.get('t_rebuild_one_equation'), 1)} |")
    ann = [r["t_compile"] for n in thread_list for r in runs.get(("annarchy", "coba", n), [])]
    br = [r["t_compile"] for n in thread_list for r in runs.get(("brian2", "coba", n), [])]
    print(f"| ANNarchy: `compile()` of COBA (median) "
          f"| {fmt(statistics.median(ann), 1) if ann else 'not run'} |")
    print(f"| Brian2: standalone build of COBA (median) "
          f"| {fmt(statistics.median(br), 1) if br else 'not run'} |")

if failed:
    print("\n## Failed runs\n")
    for r in failed:
        print(f"- {r['peer_key']} {r['workload']} {r['threads']} thread(s) rep {r['rep']}: "
              f"{r['error']} ({r['log']}.err)")
PY
cat "$summary"
echo >&2
echo "results: $results" >&2
echo "summary: $summary" >&2

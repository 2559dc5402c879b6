#!/usr/bin/env bash
# Runs every `ngd bench` case and its NumPy reference side by side and prints a Markdown table.
#
#   benches/compare.sh [THREADS]        (default 1; PYTHON=python3, NGD=target/release/ngd)
#
# Build first: cargo build --release -p ngd-experiments. NumPy must be installed
# (pip install numpy; threadpoolctl optional, to report the BLAS kernel). NumPy runs with
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (they slow a current OpenBLAS; see
# docs/performance.md); ngd runs with the environment as it is. Both get OPENBLAS_NUM_THREADS.
# Columns: the contract's seconds_per_step (total / S) and the median step, which is robust to
# other load on the machine; the ratio is NumPy's median over ngd's median.
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${1:-1}"
ngd="${NGD:-target/release/ngd}"
python="${PYTHON:-python3}"
cases=(egd-diag egd-diag-batch ngd-diag-kernel ngd-diag-dense ngd-diag-weighted egd-mf ngd-mf)
log="$(mktemp)"
median() { sed -n 's/.*median \([0-9.e+-]*\),.*/\1/p' | head -1; }
mean() { tail -1 | sed 's/.*seconds_per_step=//'; }
echo "| case | ngd s/step | ngd median | NumPy s/step | NumPy median | NumPy / ngd (median) |"
echo "|---|---|---|---|---|---|"
for c in "${cases[@]}"; do
  a="$("$ngd" bench "$c" --threads "$threads")"
  b="$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$python" benches/numpy_reference.py "$c" --threads "$threads")"
  printf '%s\n%s\n' "$a" "$b" >>"$log"
  am="$(median <<<"$a")"; bm="$(median <<<"$b")"
  ratio="$(awk -v x="$bm" -v y="$am" 'BEGIN { printf "%.2f", x / y }')"
  echo "| $c | $(mean <<<"$a") | $am | $(mean <<<"$b") | $bm | $ratio |"
done
echo
echo "Details (limits, memory, BLAS): $log"
grep -E "^# (limit|peak|BLAS)" "$log" | sort -u

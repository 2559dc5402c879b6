#!/usr/bin/env bash
# Runs every `ngd bench` case and its NumPy and JAX references side by side and prints a
# Markdown table (the JAX columns only where `import jax` works in $PYTHON).
#
#   benches/compare.sh [THREADS]        (default 1; PYTHON=python3, NGD=target/release/ngd,
#                                       CASES="egd-diag egd-mf" for a subset)
#
# Build first: cargo build --release -p ngd-experiments. NumPy must be installed
# (pip install numpy; threadpoolctl optional, to report the BLAS kernel). NumPy runs with
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (they slow a current OpenBLAS; see
# docs/performance.md); ngd runs with the environment as it is. Both get OPENBLAS_NUM_THREADS.
# Columns: the contract's seconds_per_step (total / S) and the median step, which is robust to
# other load on the machine; the ratios are NumPy's and JAX's medians over ngd's median, and
# ngd's median over the limit line `ngd bench` prints for the EGD cases (egd-diag and
# egd-diag-batch: the larger of one timed read of X̃ and the flops at the measured dgemm rate;
# egd-mf: its flops at that rate). JAX: `pip install jax` (float64, jit, one XLA thread at 1).
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${1:-1}"
ngd="${NGD:-target/release/ngd}"
python="${PYTHON:-python3}"
read -r -a cases <<<"${CASES:-egd-diag egd-diag-batch ngd-diag-kernel ngd-diag-dense ngd-diag-weighted egd-mf ngd-mf}"
log="$(mktemp)"
median() { sed -n 's/.*median \([0-9.e+-]*\),.*/\1/p' | head -1; }
mean() { tail -1 | sed 's/.*seconds_per_step=//'; }
have_jax=0
"$python" -c "import jax" 2>/dev/null && have_jax=1
limit() { sed -n 's/.*; limit \([0-9.e+-]*\) s;.*/\1/p' | head -1; }
echo "| case | ngd s/step | ngd median | limit | ngd / limit | NumPy median | NumPy / ngd | JAX median | JAX / ngd |"
echo "|---|---|---|---|---|---|---|---|---|"
for c in "${cases[@]}"; do
  a="$("$ngd" bench "$c" --threads "$threads")"
  b="$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$python" benches/numpy_reference.py "$c" --threads "$threads")"
  j="(no jax)"; jm="—"; jratio="—"
  if [ "$have_jax" = 1 ]; then
    j="$("$python" benches/jax_reference.py "$c" --threads "$threads")"
    jm="$(median <<<"$j")"
    jratio="$(awk -v x="$jm" -v y="$(median <<<"$a")" 'BEGIN { printf "%.2f", x / y }')"
  fi
  printf '%s\n%s\n%s\n' "$a" "$b" "$j" >>"$log"
  am="$(median <<<"$a")"; bm="$(median <<<"$b")"; lim="$(limit <<<"$a")"
  ratio="$(awk -v x="$bm" -v y="$am" 'BEGIN { printf "%.2f", x / y }')"
  lratio="—"; [ -n "$lim" ] && lratio="$(awk -v x="$am" -v y="$lim" 'BEGIN { printf "%.2f", x / y }')"
  echo "| $c | $(mean <<<"$a") | $am | ${lim:-—} | $lratio | $bm | $ratio | $jm | $jratio |"
done
echo
echo "Details (limits, memory, BLAS): $log"
grep -E "^# (limit|peak|BLAS)" "$log" | sort -u

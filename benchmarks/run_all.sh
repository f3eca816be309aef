#!/usr/bin/env bash
# Run every benchmark one after another (they share the machine's two cores), logging each
# to var/bench/NAME.log. Needs the PostgreSQL and Redis of .ci/run.
set -u
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" DEBUG=1
PG=postgres://postgres@127.0.0.1:5432
mkdir -p var/bench
for db in import api_bench claims_bench; do createdb -h 127.0.0.1 -U postgres "$db" 2>/dev/null || true; done
run() { local name=$1; shift; echo "== $name"; "$@" >"var/bench/$name.log" 2>&1; echo "   exit $?"; }
run agreement python -m benchmarks.bench_agreement
run agreement_service env DATABASE_URL=$PG/agreement_bench python -m benchmarks.bench_agreement_service
run extraction python benchmarks/bench_extraction.py
run api_verdicts env DATABASE_URL=$PG/api_bench python benchmarks/bench_api_verdicts.py
run import env DATABASE_URL=$PG/import REDIS_URL=redis://127.0.0.1:6379/0 python benchmarks/bench_import.py --count 10000
run claims_placement env DATABASE_URL=$PG/claims_bench python benchmarks/bench_claims_placement.py
run workspace python benchmarks/bench_workspace.py
run anchoring python benchmarks/bench_anchoring.py
run revise python benchmarks/bench_revise.py
createdb -h 127.0.0.1 -U postgres dev_server_bench 2>/dev/null || true
run dev_server env BENCH_PG_URL=$PG/dev_server_bench BENCH_REDIS_URL=redis://127.0.0.1:6379/0 python benchmarks/bench_dev_server.py

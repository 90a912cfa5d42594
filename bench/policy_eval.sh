#!/usr/bin/env bash
# The judged policy set's rankers table: see bench/policy_eval.py --help.
exec python3 "$(dirname "${BASH_SOURCE[0]}")/policy_eval.py" "$@"

#!/usr/bin/env bash
# Run slurmopt's optimizer from a bash loop (ask/tell on the command line):
#   examples/bash/ask_tell.sh SPEC [ROUNDS] [slurmopt create flags...]
# From a checkout: SLURMOPT="node bin/slurmopt.js" examples/bash/ask_tell.sh examples/python/spec.yaml 10
set -euo pipefail
spec=$1
rounds=${2:-30}
shift $(($# >= 2 ? 2 : 1))
read -r -a slurmopt <<<"${SLURMOPT:-slurmopt}"
here=$(cd "$(dirname "$0")" && pwd)

dir=$("${slurmopt[@]}" create "$spec" "$@")
echo "campaign folder: $dir" >&2
for ((round = 0; round < rounds; round++)); do
  # One line per trial: its index, a tab, then NAME=VALUE pairs.
  trials=$("${slurmopt[@]}" ask "$dir")
  [[ -z $trials ]] && break
  while IFS=$'\t' read -r index params; do
    x='' y=''
    for pair in $params; do
      case $pair in
        x=*) x=${pair#x=} ;;
        y=*) y=${pair#y=} ;;
      esac
    done
    if out=$(python3 "$here/../python/branin.py" "$x" "$y"); then
      "${slurmopt[@]}" tell "$dir" "$index" "RESULT=${out#RESULT: }" >/dev/null
    else
      "${slurmopt[@]}" fail "$dir" "$index" --reason "branin.py exited $?" >/dev/null
    fi
  done <<<"$trials"
done
"${slurmopt[@]}" best "$dir" --n 1
echo "$dir"

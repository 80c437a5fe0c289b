#!/usr/bin/env bash
# usage: run.sh BUILD_DIR SOURCE_DIR — installs BUILD_DIR into a temporary prefix, then
# configures, builds and runs a program outside the tree with find_package(airgrad).
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
test -f "$work/prefix/include/ns3/airgrad-module.h"
test -f "$work/prefix/include/airgrad/round/experiment.h"
cmake -S "$source/tests/out-of-tree" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DAIRGRAD_USER_PROGRAM="$source/ns3-module/examples/airgrad-wifi-example.cc" \
  > "$work/configure.log"
cmake --build "$work/build" > "$work/build.log" || { cat "$work/build.log"; exit 1; }
# The program runs from the prefix's libraries, not the build tree's.
# (ldd's whole output first: grep -q would stop reading, and pipefail fail ldd's SIGPIPE)
libraries=$(ldd "$work/build/user-program")
grep -q "$work/prefix/lib/libairgrad-ns3.so" <<< "$libraries"
"$work/build/user-program" --rounds=10 --out="$work/out"
rows=$(($(wc -l < "$work/out/metrics.csv") - 1))
echo "out-of-tree program wrote $rows metrics rows"
test "$rows" -eq 11

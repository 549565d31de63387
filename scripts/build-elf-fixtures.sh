#!/bin/sh
# Compiles the BPF C fixtures of test/fixtures/elf/src into test/fixtures/elf/*.o with Debian's
# clang, the way 4.8-era loaders expected objects (SEC("maps") struct bpf_map_def, no BTF, no -g).
# The .o files are committed: tests read them, not clang. Rerun after editing a source and
# commit the result. The listings beside them (llvm-objdump -d -r, llvm-readelf -S -s -r) are
# what test/elf checks the parser against.
#
#   scripts/build-elf-fixtures.sh [NAME...]   all sources, or only src/NAME.c
#
# A source may ask for flags of its own on a line `/* cflags: ... */` (jmp32.c: -mcpu=v3).
set -eu
cd "$(dirname "$0")/../test/fixtures/elf"
CLANG=${CLANG:-/usr/bin/clang}
OBJDUMP=${OBJDUMP:-llvm-objdump}
READELF=${READELF:-llvm-readelf}
if [ $# -gt 0 ]; then set -- $(printf 'src/%s.c ' "$@"); else set -- src/*.c; fi
for src in "$@"; do
	name=$(basename "$src" .c)
	cflags=$(sed -n 's|^/\* cflags: \(.*\) \*/$|\1|p' "$src")
	# shellcheck disable=SC2086 # cflags are words
	"$CLANG" -O2 -target bpf $cflags -c "$src" -o "$name.o"
	"$OBJDUMP" -d -r "$name.o" | sed 1,2d > "$name.objdump.txt"
	"$READELF" -S -s -r "$name.o" > "$name.readelf.txt"
	echo "built $name.o"
done

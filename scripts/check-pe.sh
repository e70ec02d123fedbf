#!/usr/bin/env bash
# scripts/check-pe.sh FILE — checks FILE is a PE32+ (x86-64) Windows GUI executable,
# reading the PE header itself (`file`'s verdict is printed too when it is installed).
set -euo pipefail

f=${1:?usage: $0 FILE.exe}
[[ -s "$f" ]] || { echo "check-pe: $f missing or empty" >&2; exit 1; }

# u16/u32 little-endian at a byte offset.
u16() { od -An -tu2 -j "$1" -N2 --endian=little "$f" | tr -d ' '; }
u32() { od -An -tu4 -j "$1" -N4 --endian=little "$f" | tr -d ' '; }

bad() { echo "check-pe: $f: $*" >&2; exit 1; }

[[ $(head -c2 "$f") == MZ ]] || bad "no MZ header"
pe=$(u32 60)                                    # e_lfanew
[[ $(od -An -c -j "$pe" -N4 "$f" | tr -d ' ') == 'PE\0\0' ]] || bad "no PE signature at $pe"
machine=$(u16 $((pe + 4)))                      # IMAGE_FILE_HEADER.Machine
magic=$(u16 $((pe + 24)))                       # optional header magic
subsys=$(u16 $((pe + 24 + 68)))                 # IMAGE_OPTIONAL_HEADER64.Subsystem
((magic == 0x20b)) || bad "optional header magic $(printf %#x "$magic"), not PE32+ (0x20b)"
((machine == 0x8664)) || bad "machine $(printf %#x "$machine"), not x86-64 (0x8664)"
((subsys == 2)) || bad "subsystem $subsys, not Windows GUI (2); was -H=windowsgui lost?"

if command -v file >/dev/null 2>&1; then
	file -b "$f"
fi
echo "check-pe: ok ($f: PE32+ x86-64, Windows GUI, $(du -h "$f" | cut -f1))"

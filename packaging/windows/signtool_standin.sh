#!/bin/sh
# A stand-in for signtool.exe, used only by packaging/check_windows_installer.py (Linux, Wine).
# Takes signtool's "sign" options as packaging/signing.py builds them and signs each file in place
# with osslsigncode and the check's throw-away certificate (no timestamp: /tr is ignored, offline).
# Called by signing.windows_sign_files directly, and by Inno Setup's SignTool from inside Wine
# through signtool_standin.c (signtool.exe), which passes "--done MARKER" first (the file that gets
# this script's exit status) and hands over Windows paths (Z:\...): those become Linux paths.
set -eu
log="$(dirname "$0")/signtool-calls.log"
unix() { case "$1" in [Zz]:*) printf '%s' "${1#??}" | tr '\\' '/' ;; *) printf '%s' "$1" ;; esac; }
if [ "${1:-}" = --done ]; then
  done_file=$(unix "$2")
  shift 2
  trap 'status=$?; echo "$status" > "$done_file.tmp" && mv "$done_file.tmp" "$done_file"' EXIT
fi
[ "${1:-}" = sign ] || { echo "only 'sign' is supported" >&2; exit 2; }
shift
cert="" pass="" files="" nl='
'
while [ $# -gt 0 ]; do
  case "$1" in
    /f) cert=$(unix "$2"); shift 2 ;;
    /p) pass=$2; shift 2 ;;
    /fd|/td|/tr) echo "option $1 $2" >> "$log"; shift 2 ;;
    /*) [ -f "$1" ] || { echo "unknown option $1" >&2; exit 2; }  # a Linux path, from signing.py
        files="$files$1$nl"; shift ;;
    *) files="$files$(unix "$1")$nl"; shift ;;
  esac
done
[ -n "$cert" ] && [ -n "$files" ] || { echo "usage: sign /f PFX [/p PASSWORD] FILE..." >&2; exit 2; }
IFS=$nl
for f in $files; do
  osslsigncode sign -pkcs12 "$cert" -pass "$pass" -h sha256 -n "Aurora Console" -in "$f" -out "$f.signed" >/dev/null
  mv "$f.signed" "$f"
  echo "signed $f (password given: $([ -n "$pass" ] && echo yes || echo no))" >> "$log"
done

#!/usr/bin/env bash
# check-runtime-libs.sh BINARY DOCKERFILE — does the Dockerfile's runtime stage install every
# shared library BINARY links?
#
#   scripts/check-runtime-libs.sh .build/release/understudy Dockerfile
#
# No Docker engine runs in CI, so this stands in for "docker build && docker run": it runs
# `ldd BINARY` on the host (Debian 12, the same release as the runtime image), maps each
# resolved library to the Debian package that ships it (`dpkg -S`), and requires that
# package to be either in the base image (BASE_PACKAGES: what debian:bookworm-slim already
# has) or named on an `apt-get install` line of the Dockerfile's final stage.
# Run-time packages are what count: libssl.so.3 is libssl3 (not libssl-dev), libz.so.1 is
# zlib1g, libsqlite3.so.0 is libsqlite3-0.
#
# Exit status: 0 all provided; 1 a library is missing ("not found" in ldd), belongs to no
# Debian package (e.g. a Swift runtime library: build with --static-swift-stdlib), or its
# package is not installed by the runtime stage; 2 bad usage or unreadable input.
# Packages the runtime stage installs that the binary does not link are listed as a note
# (ca-certificates is expected: it is data, not a library).
set -euo pipefail

# Packages of debian:bookworm-slim that provide shared libraries a Swift binary links.
BASE_PACKAGES=${BASE_PACKAGES:-"libc6 libgcc-s1 libstdc++6"}
# The final stage must start from this image for BASE_PACKAGES to hold.
BASE_IMAGE_PATTERN=${BASE_IMAGE_PATTERN:-'^debian:(bookworm|12)(-[0-9]+)?-slim(@.*)?$'}

usage() { sed -n '2,4p' "$0" >&2; exit 2; }
(($# == 2)) || usage
binary=$1 dockerfile=$2
[[ -f $binary && -r $binary ]] || { echo "check-runtime-libs: no such binary: $binary" >&2; exit 2; }
[[ -f $dockerfile && -r $dockerfile ]] || { echo "check-runtime-libs: no such Dockerfile: $dockerfile" >&2; exit 2; }
if ! command -v ldd >/dev/null || ! command -v dpkg >/dev/null; then
  echo "check-runtime-libs: needs ldd and dpkg (a Debian host)" >&2; exit 2
fi

# --- the Dockerfile's final stage: its base image and the packages it apt-get installs -----
# Logical lines (backslash continuations joined, comment lines dropped) after the last FROM.
final_stage=$(awk '
  /^[[:space:]]*#/ { next }
  {
    line = $0
    if (sub(/\\[[:space:]]*$/, "", line)) { buf = buf line " "; next }
    buf = buf line; print buf; buf = ""
  }
  END { if (buf != "") print buf }
' "$dockerfile" | awk 'toupper($1) == "FROM" { stage = "" } { stage = stage $0 "\n" } END { printf "%s", stage }')
from_line=$(head -n 1 <<<"$final_stage")
[[ $(awk '{print toupper($1)}' <<<"$from_line") == FROM ]] ||
  { echo "check-runtime-libs: $dockerfile has no FROM line" >&2; exit 2; }
# FROM [--platform=...] IMAGE [AS name]
base_image=$(awk '{ for (i = 2; i <= NF; i++) if ($i !~ /^--/) { print $i; exit } }' <<<"$from_line")
if ! [[ $base_image =~ $BASE_IMAGE_PATTERN ]]; then
  echo "check-runtime-libs: FAIL: the final stage of $dockerfile starts FROM $base_image;" \
       "this check knows the libraries of debian:bookworm-slim only (set BASE_PACKAGES and" \
       "BASE_IMAGE_PATTERN for another base)" >&2
  exit 1
fi

declare -A installed=()
while IFS= read -r segment; do
  # one command of a RUN line, e.g. "apt-get install -y --no-install-recommends libssl3 zlib1g"
  read -r -a words <<<"$segment"
  seen_apt=0 seen_install=0 skip_next=0
  for ((i = 0; i < ${#words[@]}; i++)); do
    w=${words[i]}
    if ((!seen_install)); then
      case $w in
        apt-get|apt|*/apt-get|*/apt) seen_apt=1 ;;
        install) ((seen_apt)) && seen_install=1 ;;
      esac
      continue
    fi
    if ((skip_next)); then skip_next=0; continue; fi
    case $w in
      -o|-t|-c) skip_next=1 ;;                 # options that take an argument
      -*) ;;                                   # -y, --no-install-recommends, ...
      *\$*) echo "check-runtime-libs: note: cannot expand '$w' in: $segment" >&2 ;;
      *) w=${w%%=*}; w=${w%%:*}; installed[$w]=1 ;;   # strip =version and :arch
    esac
  done
done < <(grep -E '(^|[^[:alnum:]])apt(-get)?[[:space:]].*install' <<<"$final_stage" |
         sed -E 's/&&|\|\||;|\|/\n/g' | grep -E '(^|[[:space:]])apt(-get)?[[:space:]]' || true)

if ((${#installed[@]} == 0)); then
  echo "check-runtime-libs: FAIL: no 'apt-get install' line in the final stage of $dockerfile ($from_line)" >&2
  exit 1
fi

# --- ldd: library -> Debian package --------------------------------------------------------
ldd_out=$(ldd "$binary" 2>&1) || {
  echo "check-runtime-libs: ldd $binary failed:" >&2; echo "$ldd_out" >&2; exit 1; }
if grep -q 'not a dynamic executable' <<<"$ldd_out"; then
  echo "check-runtime-libs: $binary is statically linked: nothing to provide"; exit 0
fi

# dpkg -S knows the path a package ships; ldd reports the path the loader found. On Debian 12
# (merged /usr) they can differ by a /usr prefix or a symlink, so try each spelling.
package_of() {
  local path=$1 real cand out
  real=$(readlink -f -- "$path" 2>/dev/null || echo "$path")
  for cand in "$path" "${path#/usr}" "/usr$path" "$real" "${real#/usr}" "/usr$real"; do
    [[ $cand == /* ]] || continue
    out=$(dpkg -S -- "$cand" 2>/dev/null | grep -v '^diversion' | head -n 1) || true
    if [[ -n $out ]]; then
      out=${out%%: /*}          # "libssl3:amd64: /usr/lib/..." -> "libssl3:amd64"
      out=${out%%,*}            # "a, b" (shared path) -> first package
      echo "${out%%:*}"         # strip :amd64
      return 0
    fi
  done
  return 1
}

fail=0
declare -A needed=()
printf '%-28s %-52s %-14s %s\n' library path package "provided by"
while IFS= read -r line; do
  line=${line#"${line%%[![:space:]]*}"}
  [[ -n $line ]] || continue
  name=${line%% *}
  case $name in linux-vdso.so*|linux-gate.so*) continue ;; esac
  if [[ $line == *"=> not found"* ]]; then
    printf '%-28s %-52s %-14s %s\n' "$name" "NOT FOUND" "-" "-"
    echo "check-runtime-libs: FAIL: ldd cannot find $name on this host" >&2
    fail=1; continue
  fi
  if [[ $line == *" => "* ]]; then path=${line#* => }; else path=$name; fi
  path=${path%% (*}
  [[ $path == /* ]] || continue
  if ! pkg=$(package_of "$path"); then
    printf '%-28s %-52s %-14s %s\n' "$name" "$path" "?" "MISSING"
    echo "check-runtime-libs: FAIL: $path ($name) belongs to no Debian package; the runtime" \
         "image cannot install it (a Swift runtime library? build with --static-swift-stdlib)" >&2
    fail=1; continue
  fi
  pkg_runtime=$pkg
  if [[ $pkg == *-dev ]]; then
    # a development package's library symlink; the real file belongs to the run-time package
    echo "check-runtime-libs: note: $path resolves to the -dev package $pkg; the image needs the run-time package" >&2
  fi
  needed[$pkg_runtime]=1
  if [[ " $BASE_PACKAGES " == *" $pkg_runtime "* ]]; then
    by="base image ($base_image)"
  elif [[ -n ${installed[$pkg_runtime]:-} ]]; then
    by="apt-get install in the final stage"
  else
    by="MISSING"
    echo "check-runtime-libs: FAIL: $name ($path) comes from the Debian package '$pkg_runtime'," \
         "which the final stage of $dockerfile does not install: add it to its apt-get install line" >&2
    fail=1
  fi
  printf '%-28s %-52s %-14s %s\n' "$name" "$path" "$pkg_runtime" "$by"
done <<<"$ldd_out"

extra=()
for p in "${!installed[@]}"; do
  [[ -n ${needed[$p]:-} || $p == ca-certificates ]] || extra+=("$p")
done
if ((${#extra[@]})); then
  echo "check-runtime-libs: note: the runtime stage also installs ${extra[*]}, which $binary does not link" >&2
fi
if ((fail)); then
  echo "check-runtime-libs: FAIL: $dockerfile's runtime image would not run $binary" >&2
  exit 1
fi
echo "check-runtime-libs: OK: every library $binary links is in $base_image or installed by the final stage of $dockerfile (${!installed[*]})"

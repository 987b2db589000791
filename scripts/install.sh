#!/usr/bin/env bash
# Installs convo: builds release with the static Swift runtime, then puts the binaries, man pages and
# shell completions where each tool looks without configuration. Re-running upgrades in place;
# --uninstall removes exactly what the last install put there (listed in share/convo/install-manifest).
#
# Usage: scripts/install.sh [--prefix DIR] [--bin-dir DIR] [--uninstall]
#   --prefix DIR   where to install (default ~/.local; /usr/local when run as root)
#   --bin-dir DIR  install the convo and convo-emulator already built in DIR instead of building
#   --uninstall    remove what the install put under the prefix
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
bin_dir="" uninstall=0
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a folder" >&2; exit 2; }; prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        --bin-dir) [ $# -ge 2 ] || { echo "install.sh: --bin-dir needs a folder" >&2; exit 2; }; bin_dir="$2"; shift 2 ;;
        --bin-dir=*) bin_dir="${1#--bin-dir=}"; shift ;;
        --uninstall) uninstall=1; shift ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[ -n "$prefix" ] || { echo "install.sh: the prefix is empty" >&2; exit 2; }
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
manifest="$prefix/share/convo/install-manifest"

# Removes the files a manifest lists (lines "f PATH"), then the folders it created (lines "d PATH"),
# deepest first, when they are empty. Never touches anything the manifest does not name.
remove_listed() {
    local list="$1" kind path
    while read -r kind path; do
        [ "$kind" = f ] && rm -f "$path"
    done <"$list"
    tac "$list" | while read -r kind path; do
        [ "$kind" = d ] && rmdir "$path" 2>/dev/null || true
    done
}

if [ "$uninstall" = 1 ]; then
    [ -f "$manifest" ] || { echo "install.sh: nothing to uninstall: $manifest does not exist" >&2; exit 1; }
    count=$(grep -c '^f ' "$manifest" || true)
    saved="$(mktemp)"
    cp "$manifest" "$saved"
    rm -f "$manifest"
    remove_listed "$saved"
    rm -f "$saved"
    echo "removed $count files of convo from $prefix"
    exit 0
fi

if [ -z "$bin_dir" ]; then
    echo "building convo (release, static Swift runtime; the first build takes several minutes)..." >&2
    source scripts/release-flags.sh
    swift build "${release_flags[@]}" --product convo >&2
    swift build "${release_flags[@]}" --product convo-emulator >&2
    bin_dir="$(swift build "${release_flags[@]}" --show-bin-path)"
fi
for tool in convo convo-emulator; do
    [ -x "$bin_dir/$tool" ] || { echo "install.sh: $bin_dir/$tool is not an executable" >&2; exit 1; }
done

# The new manifest lists every folder this install creates and every file it writes.
new_manifest="$(mktemp)"
trap 'rm -f "$new_manifest"' EXIT
# Folders an earlier install created stay ours, so that --uninstall removes them.
if [ -f "$manifest" ]; then grep '^d ' "$manifest" >>"$new_manifest" || true; fi
make_dir() {
    local dir="$1" missing=()
    while [ ! -d "$dir" ]; do missing=("$dir" "${missing[@]}"); dir="$(dirname "$dir")"; done
    for dir in "${missing[@]}"; do mkdir "$dir" && echo "d $dir" >>"$new_manifest"; done
}
put() { # put MODE SOURCE DEST
    make_dir "$(dirname "$3")"
    install -m "$1" "$2" "$3.convo-new" && mv -f "$3.convo-new" "$3"
    echo "f $3" >>"$new_manifest"
}

put 755 "$bin_dir/convo" "$prefix/bin/convo"
put 755 "$bin_dir/convo-emulator" "$prefix/bin/convo-emulator"
for page in man/*.1; do put 644 "$page" "$prefix/share/man/man1/$(basename "$page")"; done
put 644 completions/convo.bash "$prefix/share/bash-completion/completions/convo"
put 644 completions/_convo "$prefix/share/zsh/site-functions/_convo"
put 644 completions/convo.fish "$prefix/share/fish/vendor_completions.d/convo.fish"
make_dir "$prefix/share/convo"

# An upgrade removes what the previous install put there and this one no longer does (a dropped man page).
if [ -f "$manifest" ]; then
    stale="$(mktemp)"
    grep '^f ' "$manifest" | grep -Fxv -f <(grep '^f ' "$new_manifest") >"$stale" || true
    remove_listed "$stale"
    rm -f "$stale"
fi
# Folders in creation order (uninstall removes them deepest first), then files; each once.
{ grep '^d ' "$new_manifest" | awk '!seen[$0]++'; grep '^f ' "$new_manifest" | awk '!seen[$0]++'; } >"$manifest.new"
mv -f "$manifest.new" "$manifest"

cat <<MSG
installed convo into $prefix:
  $prefix/bin/convo, $prefix/bin/convo-emulator
  $prefix/share/man/man1/convo*.1 ($(ls man/*.1 | wc -l) pages)
  bash: $prefix/share/bash-completion/completions/convo
  zsh:  $prefix/share/zsh/site-functions/_convo
  fish: $prefix/share/fish/vendor_completions.d/convo.fish
MSG

# What, if anything, the user's shell needs.
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "add $prefix/bin to PATH, e.g. in ~/.bashrc or ~/.zshrc: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
if command -v zsh >/dev/null 2>&1 && ! zsh -fc 'print -rl -- $fpath' | grep -Fxq "$prefix/share/zsh/site-functions"; then
    echo "zsh: add fpath=($prefix/share/zsh/site-functions \$fpath) before compinit in ~/.zshrc"
fi
if [ ! -f /usr/share/bash-completion/bash_completion ] && [ ! -f /etc/bash_completion ]; then
    echo "bash: install the bash-completion package (it loads $prefix/share/bash-completion/completions), or add eval \"\$(convo completion bash)\" to ~/.bashrc"
fi
echo "uninstall with: scripts/install.sh --prefix $prefix --uninstall"

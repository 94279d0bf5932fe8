#!/usr/bin/env bash
# Installs keyman for the current user: builds the Native AOT binary (unless KEYMAN_BIN names one already built),
# copies it to ~/.local/bin (or $KEYMAN_INSTALL_DIR), adds the aws_okta_keyman name beside it, and says what to add to
# PATH and to the shell's rc file when that is still needed. Usage: bash scripts/install.sh
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${KEYMAN_INSTALL_DIR:-${HOME:?HOME is not set}/.local/bin}
case "$dir" in /*) ;; *) echo "install.sh: the install folder must be an absolute path, not '$dir'" >&2; exit 2 ;; esac

binary=${KEYMAN_BIN:-}
if [ -z "$binary" ]; then
  echo "Building keyman (Native AOT; the first build takes a minute or two)..."
  bash scripts/publish.sh
  binary=artifacts/publish/keyman
fi
[ -x "$binary" ] || { echo "install.sh: $binary is not an executable keyman binary" >&2; exit 1; }

mkdir -p "$dir"
install -m 0755 "$binary" "$dir/keyman.new" && mv -f "$dir/keyman.new" "$dir/keyman"
ln -sfn keyman "$dir/aws_okta_keyman"
echo "Installed $("$dir/keyman" --version) as $dir/keyman (and $dir/aws_okta_keyman)"

case ":${PATH}:" in
  *":$dir:"*) ;;
  *)
    if [ "$(basename "${SHELL:-}")" = fish ]; then
      echo "Add it to your PATH: fish_add_path $dir"
    else
      echo "Add it to your PATH: echo 'export PATH=\"$dir:\$PATH\"' >> ~/.$(basename "${SHELL:-bash}")rc, then open a new terminal"
    fi ;;
esac
case "$(basename "${SHELL:-}")" in
  bash) echo "Tab completion: echo 'source <(keyman completion bash)' >> ~/.bashrc" ;;
  zsh) echo "Tab completion: echo 'source <(keyman completion zsh)' >> ~/.zshrc" ;;
  fish) echo "Tab completion: echo 'keyman completion fish | source' >> ~/.config/fish/config.fish" ;;
esac
echo "Next: keyman config   (then: keyman doctor)"

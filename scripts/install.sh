#!/bin/sh
# install.sh PACKAGE.tar.xz — install the Linux package for the current user,
# under ~/.local: bin/nidan, share/applications/io.github.nidan.Nidan.desktop
# and the icon in share/icons. It runs the package's own `make user-install`
# (what docs/install.md tells users to do), then adds the icon to the hicolor
# theme too, where every desktop looks first.
# install.sh -u — remove what it installed.
set -eu
cd "$(dirname "$0")/.."

app_id=$(sed -n 's/^ID *= *"\(.*\)"$/\1/p' FyneApp.toml)
data=$HOME/.local/share
hicolor_png=$data/icons/hicolor/512x512/apps/$app_id.png
hicolor_svg=$data/icons/hicolor/scalable/apps/$app_id.svg

refresh() { # let menus notice the change now, where the tools exist
	if command -v update-desktop-database >/dev/null 2>&1; then
		update-desktop-database -q "$data/applications" 2>/dev/null || true
	fi
	if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$data/icons/hicolor/index.theme" ]; then
		gtk-update-icon-cache -q -t "$data/icons/hicolor" 2>/dev/null || true
	fi
}

if [ "${1:-}" = -u ]; then
	rm -f "$HOME/.local/bin/nidan" "$data/applications/$app_id.desktop" \
		"$data/icons/$app_id.png" "$hicolor_png" "$hicolor_svg"
	refresh
	echo "uninstalled Nidan from $HOME/.local (your vault in ~/.config/nidan is kept)"
	exit 0
fi

pkg=${1:?usage: install.sh PACKAGE.tar.xz | -u}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$pkg" -C "$tmp"
make -s -C "$tmp/nidan" user-install
install -Dm0644 "$(find "$tmp/nidan/usr" -name "$app_id.png" | head -n 1)" "$hicolor_png"
install -Dm0644 assets/icon.svg "$hicolor_svg"
refresh

echo "installed Nidan in $HOME/.local: bin/nidan, share/applications/$app_id.desktop, share/icons"
case ":$PATH:" in
*":$HOME/.local/bin:"*) ;;
*) echo "note: $HOME/.local/bin is not on your PATH; the menu entry works anyway" ;;
esac
if ! fc-list 2>/dev/null | grep -qi 'CJK\|Noto Sans JP\|IPA'; then
	echo "note: no CJK font found; for Japanese text install one, e.g. sudo apt install fonts-noto-cjk"
fi

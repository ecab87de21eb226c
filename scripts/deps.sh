#!/bin/sh
# deps.sh GROUP... — make sure the Debian packages a make target needs are
# installed. Checks each with dpkg and installs only what is missing, running
# `apt-get update` at most once. Not root: prints the exact apt line and fails.
#
# Groups: build (cgo + fyne GL/X11 headers), test (PostgreSQL, oathtool, Xvfb, keyring,
# zbar, zxing-cpp, CJK font), bench (zbar-tools, zxing-cpp-tools), ui (xvfb, xdotool,
# imagemagick, fonts), windows (`make test-windows`: mingw-w64, Wine,
# NSIS, zip, Xvfb, openbox, xdotool, xclip, imagemagick, oathtool,
# osslsigncode), e2e (headless Chromium and
# chromedriver for the enrollment panel's browser test), package (what `make
# package-linux` and `make package-windows` need besides build: mingw-w64,
# xz), icon (rsvg-convert, to re-render assets/icon.png and icon.ico),
# mobile (EGL/GLES headers for -tags mobile, Xvfb, openbox, xdotool, xclip,
# oathtool for make test-mobile), sync (Syncthing, for make test-sync and
# soak-sync).
set -eu

pkgs_build="gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxext-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev"
pkgs_test="postgresql oathtool xvfb xauth xclip dbus dbus-x11 gnome-keyring zbar-tools zxing-cpp-tools imagemagick fonts-noto-cjk openbox xdotool x11-utils python3-cryptography"
pkgs_ui="xvfb xauth xdotool imagemagick fonts-noto-cjk x11-utils"
pkgs_bench="zbar-tools zxing-cpp-tools xvfb xauth"
pkgs_windows="gcc-mingw-w64-x86-64 wine64 nsis zip unzip xvfb xauth openbox xdotool xclip x11-utils imagemagick zbar-tools oathtool osslsigncode openssl"
pkgs_run="fonts-noto-cjk"
pkgs_e2e="chromium chromium-driver fonts-noto-core"
pkgs_package="gcc-mingw-w64-x86-64 xz-utils"
pkgs_icon="librsvg2-bin"
pkgs_mobile="libegl-dev libgles-dev xvfb xauth openbox xdotool xclip x11-utils oathtool imagemagick fonts-noto-cjk"
pkgs_sync="syncthing xvfb xauth openbox xdotool"

want=""
for group in "$@"; do
	case "$group" in
	build) want="$want $pkgs_build" ;;
	test) want="$want $pkgs_test" ;;
	ui) want="$want $pkgs_ui" ;;
	bench) want="$want $pkgs_bench" ;;
	windows) want="$want $pkgs_windows" ;;
	run) want="$want $pkgs_run" ;;
	e2e) want="$want $pkgs_e2e" ;;
	package) want="$want $pkgs_package" ;;
	icon) want="$want $pkgs_icon" ;;
	mobile) want="$want $pkgs_mobile" ;;
	sync) want="$want $pkgs_sync" ;;
	*) echo "deps.sh: unknown group $group" >&2; exit 2 ;;
	esac
done

missing=""
for p in $want; do
	case " $missing " in *" $p "*) continue ;; esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "Nidan needs these Debian packages:$missing" >&2
	echo "Install them with:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi

echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2

#!/bin/sh
# package.sh OS — build the Nidan package for OS with `fyne package` and put
# it in dist/. OS is linux, windows, darwin, android or ios. The Makefile's
# package-OS targets call this with VERSION, COMMIT and FYNE set.
#
#   linux    dist/nidan-VERSION-linux-ARCH.tar.xz (binary, .desktop, icon,
#            and the Makefile fyne writes, with user-install/install)
#   windows  dist/nidan.exe, cross-built with mingw-w64 (GUI subsystem, icon,
#            version resource, manifest from scripts/winres.sh); `make
#            check-windows` checks it
#   darwin, android, ios
#            need Xcode or the Android SDK+NDK; without them this says
#            exactly what is missing and exits 1 instead of pretending.
#
# `fyne package` builds in the source tree: it writes fyne_metadata_init.go
# (app ID, version and icon for fyne.CurrentApp().Metadata()), the Windows
# build adds rsrc_windows_amd64.syso, and fyne increments Build in
# FyneApp.toml after every package. This script removes the first two and
# restores FyneApp.toml, so a package build leaves the work tree as it found
# it, and takes a lock so two package builds (make -j) never share the tree.
set -eu
cd "$(dirname "$0")/.."

os=${1:?usage: package.sh linux|windows|darwin|android|ios}
fyne=${FYNE:-.cache/bin/fyne}
version=${VERSION:?VERSION not set (run through make)}
commit=${COMMIT:-}
arch=${GOARCH:-$(go env GOARCH)}

toml() { sed -n "s/^$1 *= *\"\{0,1\}\([^\"]*\)\"\{0,1\}$/\1/p" FyneApp.toml | head -n 1; }
app_id=$(toml ID)
app_version=$(toml Version)
icon=$(toml Icon)

need() { # need WHAT HINT... — print what a target needs and fail.
	echo "package-$os: cannot build here: $1" >&2
	shift
	for line in "$@"; do echo "  $line" >&2; done
	exit 1
}

case "$os" in
linux | windows) ;;
darwin)
	[ "$(uname -s)" = Darwin ] && command -v xcrun >/dev/null 2>&1 ||
		need "a macOS package (.app) must be built on macOS with Xcode." \
			"Needs: a Mac, Xcode command line tools (xcode-select --install), Go $(go env GOVERSION | sed 's/^go//')." \
			"Then run: make package-darwin   (fyne package -os darwin -release -app-id $app_id -icon $icon)" \
			"Cross-building from Linux needs a macOS SDK and osxcross, which Nidan does not set up."
	;;
ios)
	[ "$(uname -s)" = Darwin ] && command -v xcrun >/dev/null 2>&1 ||
		need "an iOS package (.app/.ipa) must be built on macOS with Xcode." \
			"Needs: a Mac with Xcode and an iOS SDK, an Apple developer certificate and a provisioning" \
			"profile whose app ID matches $app_id (pass CERTIFICATE=... PROFILE=... to make)." \
			"Then run: make package-ios   (fyne package -os ios -app-id $app_id -icon $icon)"
	;;
android)
	ndk=${ANDROID_NDK_HOME:-}
	[ -n "$ndk" ] && [ -d "$ndk" ] || { [ -n "${ANDROID_HOME:-}" ] && [ -d "$ANDROID_HOME/ndk-bundle" ] && ndk=$ANDROID_HOME/ndk-bundle; } ||
		need "no Android NDK (neither \$ANDROID_NDK_HOME nor \$ANDROID_HOME/ndk-bundle exists)." \
			"Needs: the Android SDK (platform android.jar, API >= 21, and build-tools with aapt2) in \$ANDROID_HOME," \
			"the Android NDK in \$ANDROID_NDK_HOME (e.g. \$ANDROID_HOME/ndk/27.2.12479018), and a JDK." \
			"Install them with Android Studio or sdkmanager; none of them is installed on this machine." \
			"Then run: make package-android   (fyne package -os android -app-id $app_id -icon $icon)" \
			"A Play Store .aab also needs signing: fyne release -os android -keystore ... (see docs/install.md)."
	[ -n "${ANDROID_HOME:-}" ] && [ -d "$ANDROID_HOME/platforms" ] ||
		need "no Android SDK platforms in \$ANDROID_HOME (${ANDROID_HOME:-unset})." \
			"Needs: \$ANDROID_HOME with platforms/android-NN/android.jar (NN >= 21) and build-tools/*/aapt2."
	;;
*)
	echo "package.sh: unknown OS $os (linux, windows, darwin, android, ios)" >&2
	exit 2
	;;
esac

[ -x "$fyne" ] || { echo "package.sh: $fyne missing; run through make" >&2; exit 2; }

mkdir -p dist .cache
exec 9>.cache/package.lock
flock 9
cp FyneApp.toml .cache/FyneApp.toml.orig
cleanup() {
	cp .cache/FyneApp.toml.orig FyneApp.toml
	rm -f fyne_metadata_init.go fyne.syso rsrc_windows_amd64.syso nidan nidan.exe Nidan.exe Nidan.tar.xz Nidan.apk
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# fyne passes -ldflags found in GOFLAGS on to `go build` (one -ldflags=X per
# flag, joined with spaces) and keeps the rest of GOFLAGS, so the package
# binaries get the same version stamp as `make build`. -release adds
# -trimpath, -s -w and the "release" tag; fyneDo = true adds migrated_fynedo.
GOFLAGS="$(go env GOFLAGS) -ldflags=-X=main.version=$version -ldflags=-X=main.commit=$commit"
export GOFLAGS

case "$os" in
linux)
	out=dist/nidan-$version-linux-$arch.tar.xz
	"$fyne" package -os linux -release -app-id "$app_id" -icon "$icon" -app-version "$app_version"
	mv Nidan.tar.xz "$out"
	;;
windows)
	# Not `fyne package -os windows`: its .syso carries one 512 px image
	# as the icon, which Windows shrinks badly to 16 px. windres (from
	# mingw-w64's binutils) compiles our own resources instead: every icon
	# size drawn from the SVG (assets/icon.ico), a version resource and a
	# manifest. `fyne build` then links them into the GUI-subsystem binary
	# (-H windowsgui) with fyne's metadata, the release tag and fyneDo.
	CC=${CC_WINDOWS:-x86_64-w64-mingw32-gcc}
	WINDRES=${WINDRES:-x86_64-w64-mingw32-windres}
	for tool in "$CC" "$WINDRES"; do
		command -v "$tool" >/dev/null 2>&1 ||
			need "no $tool (install Debian's gcc-mingw-w64-x86-64: scripts/deps.sh package)."
	done
	out=dist/nidan.exe
	build=$(toml Build)
	scripts/winres.sh .cache/winres "$app_version" "$build" "$version${commit:+ ($commit)}"
	"$WINDRES" --target=pe-x86-64 -i .cache/winres/nidan.rc -O coff -o rsrc_windows_amd64.syso
	CC=$CC CXX=${CXX_WINDOWS:-x86_64-w64-mingw32-g++} CGO_ENABLED=1 GOOS=windows GOARCH=amd64 \
		"$fyne" build -os windows -release -tags migrated_fynedo -o "$PWD/$out"
	;;
darwin)
	out=dist/Nidan.app
	rm -rf "$out"
	"$fyne" package -os darwin -release -app-id "$app_id" -icon "$icon" -app-version "$app_version"
	mv Nidan.app "$out"
	;;
ios)
	# A development build signed with your certificate and profile; an App
	# Store .ipa comes from `fyne release -os ios` (docs/install.md).
	out=dist/Nidan.app
	rm -rf "$out"
	"$fyne" package -os ios -app-id "$app_id" -icon "$icon" -app-version "$app_version" \
		${CERTIFICATE:+-certificate "$CERTIFICATE"} ${PROFILE:+-profile "$PROFILE"}
	mv Nidan.app "$out"
	;;
android)
	# A debug-signed .apk to sideload; a signed Play Store .aab comes from
	# `fyne release -os android -keystore ...` (docs/install.md).
	out=dist/Nidan.apk
	"$fyne" package -os android -app-id "$app_id" -icon "$icon" -app-version "$app_version"
	mv Nidan.apk "$out"
	;;
esac
echo "package-$os: $out ($(du -h "$out" | cut -f1))"

#!/usr/bin/env bash
# Builds the real tools the real-tool tier (npm run test:e2e), the demo and the benchmarks run, from their Go
# modules at pinned tags, into a cache outside the repository keyed by tool and version. Reuses what is there.
# Prints the folder holding the binaries on its last line. A build that fails names the module and fails the script.
#
# Pins and how each is built come from the tools' own sources at these tags:
#   trivy     github.com/aquasecurity/trivy v0.74.0: go.mod needs go 1.26 and encoding/json/v2 (GOEXPERIMENT=jsonv2);
#             the version is pkg/version/app.ver (magefiles/build.go ldflags).
#   cosign    github.com/sigstore/cosign/v3 v3.0.6 and /v2 v2.6.1: `go install …@tag` records the tag in the build
#             info, which release-utils reports; the gitVersion ldflag (Makefile LDFLAGS) counts only when the
#             module is built as the main module.
#   kyverno   github.com/kyverno/kyverno v1.19.0 and v1.15.2 (cmd/cli/kubectl-kyverno; v1.16.x and v1.17.0 have no
#             checksum-database entry, so the proxy refuses them): go.mod has replace directives, so
#             it is built as the main module from a copy of the module folder; version is
#             github.com/kyverno/kyverno/pkg/version.BuildVersion (Makefile LD_FLAGS).
#   gator     github.com/open-policy-agent/gatekeeper/v3 v3.23.0 (cmd/gator); version is
#             github.com/open-policy-agent/gatekeeper/v3/pkg/version.Version (Makefile LDFLAGS).
set -euo pipefail

CACHE="${VOUCH_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vouch-e2e}"
BIN="$CACHE/bin"
mkdir -p "$BIN" "$CACHE/work"
export CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false" GOTOOLCHAIN="${GOTOOLCHAIN:-local}"

log() { printf 'real-tools: %s\n' "$*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

# build NAME VERSION EXPECT CMD...: runs CMD with $OUT set to the binary's final path, unless it is already there.
build() {
  local name="$1" version="$2" expect="$3"; shift 3
  OUT="$BIN/$name-$version"
  if [ -x "$OUT" ]; then log "$name $version: cached ($OUT)"; return 0; fi
  log "$name $version: building"
  local start=$SECONDS
  rm -f "$OUT.partial"
  "$@" || fail "$name $version: go build failed (module above)"
  [ -x "$OUT.partial" ] || fail "$name $version: build left no binary"
  local reported
  reported="$("$OUT.partial" $expect 2>&1 || true)"
  grep -q -- "${version#v}" <<<"$reported" || fail "$name $version: '$expect' reports '$reported', not $version"
  mv "$OUT.partial" "$OUT"
  log "$name $version: built in $((SECONDS - start)) s"
}

# go_install MODULE/PKG@VERSION LDFLAGS [ENV...]: go install into a private GOBIN, then move the binary to $OUT.partial.
go_install() {
  local target="$1" ldflags="$2"; shift 2
  local gobin; gobin="$(mktemp -d "$CACHE/work/gobin.XXXXXX")"
  env "$@" GOBIN="$gobin" go install -ldflags "-s -w $ldflags" "$target" || { rm -rf "$gobin"; return 1; }
  mv "$gobin"/* "$OUT.partial" && rm -rf "$gobin"
}

# main_module_build MODULE VERSION PKG LDFLAGS: builds PKG with MODULE@VERSION as the main module (honours replace).
main_module_build() {
  local module="$1" version="$2" pkg="$3" ldflags="$4" dir src
  local info; info="$(go mod download -json "$module@$version" 2>&1 || true)"
  src="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$info")"
  [ -n "$src" ] || { log "go mod download $module@$version gave no Dir: $(grep '"Error"' <<<"$info")"; return 1; }
  dir="$CACHE/work/$(basename "$module")-$version"
  rm -rf "$dir" && cp -r "$src" "$dir" && chmod -R u+w "$dir"
  (cd "$dir" && go build -ldflags "-s -w $ldflags" -o "$OUT.partial" "$pkg")
  local rc=$?
  rm -rf "$dir"
  return $rc
}

want() { [ -z "${VOUCH_E2E_TOOLS:-}" ] || grep -qw "$1" <<<"$VOUCH_E2E_TOOLS"; }

want trivy && build trivy v0.74.0 --version go_install github.com/aquasecurity/trivy/cmd/trivy@v0.74.0 \
  "-X github.com/aquasecurity/trivy/pkg/version/app.ver=0.74.0" GOEXPERIMENT=jsonv2
want cosign && build cosign v3.0.6 version go_install github.com/sigstore/cosign/v3/cmd/cosign@v3.0.6 \
  "-X sigs.k8s.io/release-utils/version.gitVersion=v3.0.6"
want cosign && build cosign v2.6.1 version go_install github.com/sigstore/cosign/v2/cmd/cosign@v2.6.1 \
  "-X sigs.k8s.io/release-utils/version.gitVersion=v2.6.1"
# The same Trivy and cosign again, reporting a prerelease version of their tag: vouch pins the sha256 of each upstream
# release asset, and a binary built here is a different file, so vouch rightly refuses it under the pinned tag. Under
# this unpinned label the tier installs it through vouch's real path, with `trivy-sha256`/`cosign-sha256` set to the
# hash of the archive it serves. Only the link step runs again (the packages come from the Go build cache).
E2E_LABEL="${VOUCH_E2E_LABEL:-e2e}"
want trivy && build trivy "v0.74.0-$E2E_LABEL" --version go_install github.com/aquasecurity/trivy/cmd/trivy@v0.74.0 \
  "-X github.com/aquasecurity/trivy/pkg/version/app.ver=0.74.0-$E2E_LABEL" GOEXPERIMENT=jsonv2
# cosign is built as the main module here: sigs.k8s.io/release-utils v0.12.4 (version/version.go, getGitVersion)
# reports the build info's module version whenever there is one, as `go install …@v3.0.6` records, and falls back to
# the gitVersion ldflag only for a "(devel)" main module.
want cosign && build cosign "v3.0.6-$E2E_LABEL" version main_module_build github.com/sigstore/cosign/v3 v3.0.6 ./cmd/cosign \
  "-X sigs.k8s.io/release-utils/version.gitVersion=v3.0.6-$E2E_LABEL"
want cosign && build cosign "v2.6.1-$E2E_LABEL" version main_module_build github.com/sigstore/cosign/v2 v2.6.1 ./cmd/cosign \
  "-X sigs.k8s.io/release-utils/version.gitVersion=v2.6.1-$E2E_LABEL"
want kyverno && build kyverno v1.19.0 version main_module_build github.com/kyverno/kyverno v1.19.0 ./cmd/cli/kubectl-kyverno \
  "-X github.com/kyverno/kyverno/pkg/version.BuildVersion=v1.19.0"
want kyverno && build kyverno v1.15.2 version main_module_build github.com/kyverno/kyverno v1.15.2 ./cmd/cli/kubectl-kyverno \
  "-X github.com/kyverno/kyverno/pkg/version.BuildVersion=v1.15.2"
want gator && build gator v3.23.0 --version go_install github.com/open-policy-agent/gatekeeper/v3/cmd/gator@v3.23.0 \
  "-X github.com/open-policy-agent/gatekeeper/v3/pkg/version.Version=v3.23.0"

echo "$BIN"

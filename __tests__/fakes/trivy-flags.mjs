// The flags of `trivy` (the root, for `--version`) and `trivy image`, with their pflag types, so the stand-in refuses
// what the real Trivy refuses. Read from aquasecurity/trivy pkg/flag/*.go at v0.74.0 (each group names its file):
// a Flag[T] registers as pflag's type for T (options.go Flag.Add: string, []string -> StringSlice, bool, int,
// time.Duration). Every flag vouch passes (src/trivy/args.ts) is here, and the neighbours a typo would hit.

const s = { type: 'string' }
const list = { type: 'stringSlice' }
const b = { type: 'bool' }

// global_flags.go: persistent on the root command, so `trivy image` has them too.
const GLOBAL = {
  config: { ...s, shorthand: 'c', default: 'trivy.yaml' },
  version: { ...b, shorthand: 'v' },
  quiet: { ...b, shorthand: 'q' },
  debug: { ...b, shorthand: 'd' },
  insecure: b,
  cacert: s,
  timeout: { type: 'duration', default: 300_000 },
  'cache-dir': s,
  'generate-default-config': b,
  'trace-http': b,
}

const IMAGE = {
  // report_flags.go
  format: { ...s, shorthand: 'f', default: 'table' },
  report: s,
  template: { ...s, shorthand: 't' },
  'dependency-tree': b,
  'list-all-pkgs': { ...b, default: true },
  ignorefile: { ...s, default: '.trivyignore' },
  'ignore-policy': s,
  'exit-code': { type: 'int' },
  'exit-on-eol': { type: 'int' },
  output: { ...s, shorthand: 'o' },
  'output-plugin-arg': s,
  severity: { ...list, shorthand: 's' },
  compliance: s,
  'show-suppressed': b,
  'table-mode': list,
  // db_flags.go
  reset: b,
  'download-db-only': b,
  'skip-db-update': b,
  'download-java-db-only': b,
  'skip-java-db-update': b,
  'no-progress': b,
  'db-repository': list,
  'java-db-repository': list,
  light: b,
  // scan_flags.go
  'skip-dirs': list,
  'skip-files': list,
  'offline-scan': b,
  scanners: list,
  'file-patterns': list,
  slow: b,
  parallel: { type: 'int', default: 5 },
  'sbom-sources': list,
  'rekor-url': s,
  distro: s,
  'skip-version-check': b,
  'disable-telemetry': b,
  // vulnerability_flags.go
  'ignore-unfixed': b,
  'ignore-status': list,
  vex: list,
  'skip-vex-repo-update': b,
  'vuln-severity-source': list,
  // image_flags.go
  'image-config-scanners': list,
  'removed-pkgs': b,
  input: s,
  platform: s,
  'docker-host': s,
  'podman-host': s,
  'image-src': list,
  'max-image-size': s,
  // registry_flags.go
  username: list,
  password: list,
  'password-stdin': b,
  'registry-token': s,
  // cache_flags.go, package_flags.go, secret_flags.go
  'clear-cache': b,
  'cache-backend': { ...s, default: 'fs' },
  'cache-ttl': { type: 'duration' },
  'include-dev-deps': b,
  'pkg-types': list,
  'pkg-relationships': list,
  'secret-config': { ...s, default: 'trivy-secret.yaml' },
}

export const TRIVY_FLAGS = {
  // pkg/commands/app.go NewRootCommand: the global flags and `--format` for `trivy --version`.
  root: { ...GLOBAL, format: { ...s, shorthand: 'f' } },
  image: { ...GLOBAL, ...IMAGE },
}

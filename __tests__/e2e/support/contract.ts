// What CONTRACT.md ("Signed annotations") says every vouch signature carries, spelled out here rather than taken
// from src/, so the real cosign checks the contract and not the code's idea of it.

/** The signed annotations of a passed image under the default `annotation-key` and budgets. */
export function signedAnnotations(trivyVersion: string): Record<string, string> {
  return {
    'security.example.com/scan-status': 'passed',
    'security.example.com/max-critical': '0',
    'security.example.com/max-high': '0',
    'security.example.com/max-medium': 'unlimited',
    'security.example.com/max-low': 'unlimited',
    'security.example.com/max-unknown': 'unlimited',
    'security.example.com/scanner': `trivy@${trivyVersion}`,
  }
}

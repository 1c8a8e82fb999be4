// What the signing stage hands cosign for the default budgets (signedAnnotations, __tests__/cluster): the signed
// annotations the cosign tests sign with.
export const ANNOTATIONS: [string, string][] = [
  ['security.example.com/scan-status', 'passed'],
  ['security.example.com/max-critical', '0'],
  ['security.example.com/max-high', '0'],
  ['security.example.com/max-medium', 'unlimited'],
  ['security.example.com/max-low', 'unlimited'],
  ['security.example.com/max-unknown', 'unlimited'],
  ['security.example.com/scanner', 'trivy@v0.74.0'],
]

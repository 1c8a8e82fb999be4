// The error model: every error vouch explains is a VouchError (remedy optional), and what lies under one is
// said in the log.
import { describe, expect, it } from 'vitest'
import {
  DownloadError,
  InputError,
  IntegrityError,
  RegistryError,
  ScanError,
  SigningError,
  UnsupportedPlatformError,
  VouchError,
  causeText,
} from '../../src/errors.js'

describe('the error classes', () => {
  it.each([
    new InputError('max-high', '-1', 'must be a whole number'),
    new IntegrityError('sha256 mismatch'),
    new DownloadError('no route', 'https://example.test/a.tar.gz'),
    new RegistryError('denied', 401),
    new ScanError('no report'),
    new SigningError('cosign sign failed'),
    new UnsupportedPlatformError('no trivy for linux/riscv64'),
  ])('%s is a VouchError', (error) => {
    expect(error).toBeInstanceOf(VouchError)
    expect(error).toBeInstanceOf(Error)
  })

  it('carries a remedy only when one is given or its class has one', () => {
    expect(new UnsupportedPlatformError('no trivy for linux/riscv64').remedy).toBeUndefined()
    expect(new VouchError('x', { remedy: 'do y' }).remedy).toBe('do y')
    expect(new ScanError('no report').remedy).toContain('log group')
  })
})

describe('causeText', () => {
  it('is undefined for an error with no cause, and for what is not an error', () => {
    expect(causeText(new Error('plain'))).toBeUndefined()
    expect(causeText('a string')).toBeUndefined()
    expect(causeText(undefined)).toBeUndefined()
  })

  it('names the chain of causes, nearest first', () => {
    const socket = new Error('ECONNRESET')
    const fetch = new TypeError('fetch failed', { cause: socket })
    const download = new DownloadError('could not download', 'https://example.test/a', undefined, { cause: fetch })
    expect(causeText(download)).toBe('fetch failed <- ECONNRESET')
    expect(causeText(new Error('outer', { cause: 'a thrown string' }))).toBe('a thrown string')
  })

  it('stops after five causes, so a cycle cannot run forever', () => {
    const a = new Error('a')
    const b = new Error('b', { cause: a })
    ;(a as { cause?: unknown }).cause = b
    expect(causeText(new Error('top', { cause: a }))).toBe('a <- b <- a <- b <- a')
  })
})

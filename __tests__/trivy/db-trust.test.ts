import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { distrustedDb, parseDbMetadata, type DbMetadata } from '../../src/trivy/db.js'

// Trivy's own metadata.json (pkg/commands/testdata/db): built at 06:07, next update promised six hours later.
const real = parseDbMetadata(readFileSync(new URL('../fixtures/trivy-db/metadata.json', import.meta.url), 'utf8'))
const now = new Date('2022-03-03T00:00:00Z')

describe('a DB restored from the cache', () => {
  test('as Trivy writes it, is used', () => {
    expect(real).toBeDefined()
    expect(distrustedDb(real as DbMetadata, now)).toBeUndefined()
  })

  test.each([
    ['NextUpdate a year ahead (freezes the DB)', { nextUpdate: '2023-03-02T06:07:07Z' }, /NextUpdate/],
    ['NextUpdate 49 hours after UpdatedAt', { nextUpdate: '2022-03-04T07:07:07.99504083Z' }, /more than 48 hours/],
    ['built in the future', { updatedAt: '2022-03-04T00:00:00Z', nextUpdate: undefined }, /future/],
    ['an UpdatedAt that is no time', { updatedAt: 'yesterday' }, /not a time/],
  ])('%s is discarded', (_, change, reason) => {
    const meta = { ...(real as DbMetadata), ...change } as DbMetadata
    expect(distrustedDb(meta, now)).toMatch(reason)
  })

  test('NextUpdate exactly 48 hours after UpdatedAt is still used', () => {
    const meta = { ...(real as DbMetadata), nextUpdate: '2022-03-04T06:07:07.99504083Z' }
    expect(distrustedDb(meta, now)).toBeUndefined()
  })
})

describe('a Java DB restored from the cache', () => {
  // trivy-java-db's metadata.json (pkg/db/metadata.go): Version 1, the same NextUpdate/UpdatedAt/DownloadedAt.
  const java = parseDbMetadata(
    '{"Version":1,"NextUpdate":"2022-03-04T00:00:00Z","UpdatedAt":"2022-03-03T00:00:00Z","DownloadedAt":"2022-03-03T01:00:00Z"}',
  )

  test('as trivy-java-db writes it, is used', () => {
    expect(java).toBeDefined()
    expect(distrustedDb(java as DbMetadata, new Date('2022-03-03T02:00:00Z'))).toBeUndefined()
  })

  test('a DownloadedAt in the future, which freezes it (javadb isNewDB), is discarded', () => {
    const meta = { ...(java as DbMetadata), downloadedAt: '2032-03-03T00:00:00Z' }
    expect(distrustedDb(meta, new Date('2022-03-03T02:00:00Z'))).toMatch(/downloaded in the future/)
  })
})

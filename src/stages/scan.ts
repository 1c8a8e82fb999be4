// Scans the pinned image, or each image of an index by its own digest, reads every report, and holds the findings against the budgets.
import { httpFetch } from '../http.js'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import * as core from '@actions/core'
import { readCapped } from '../capped-body.js'
import { ScanError, errorMessage } from '../errors.js'
import type { Exec } from '../exec.js'
import type { Inputs } from '../inputs.js'
import { withDbCache } from '../cache/actions-cache.js'
import { distrustedDb } from '../trivy/db.js'
import { readDbMetadata, runTrivyScan, type DbState, type PlatformScan } from '../trivy/run.js'
import { readTrivyReport } from '../report/trivy.js'
import { mergeReports } from '../report/merge.js'
import { decide, holdGate } from '../report/gate.js'
import type { ScanReport } from '../report/model.js'
import type { Exception, GateResult, Verdict } from '../report/verdict.js'
import type { InstalledTool } from '../tools/request.js'
import type { ImageTarget } from './resolve.js'

export interface ScanOutcome {
  verdict: Verdict
  gate: GateResult
  /** One per image scanned, with the report file Trivy wrote. */
  scans: PlatformScan[]
  reports: ScanReport[]
  db: DbState
  /** The Trivy release that scanned, `v0.74.0`. */
  trivyVersion: string
  startedAt: Date
  finishedAt: Date
}

export interface ScanRequest {
  inputs: Inputs
  target: ImageTarget
  trivy: InstalledTool
  exceptions: Exception[]
  /** The plan's variables that Trivy must never see. */
  trivyWithheld: string[]
  exec: Exec
  now: () => Date
  /** The step's environment: RUNNER_TEMP, and what Trivy's allowlisted environment is taken from. */
  env: Record<string, string | undefined>
}

export async function scanAndGate(request: ScanRequest): Promise<ScanOutcome> {
  const { inputs, target, trivy, exec, now, env } = request
  const work = path.join(env.RUNNER_TEMP ?? inputs.outputDir, 'vouch-scan')
  const cacheDir = path.join(env.RUNNER_TEMP ?? inputs.outputDir, 'vouch-trivy-cache')
  await mkdir(work, { recursive: true })
  const vex = await localVexDocuments(inputs.vex, work)

  const startedAt = now()
  const scan = () =>
    runTrivyScan({
      trivyPath: trivy.path,
      image: target.pinned,
      images: target.images,
      withheldEnv: request.trivyWithheld,
      outputDir: work,
      cacheDir,
      dbRepositories: inputs.dbRepositories,
      timeoutSeconds: inputs.timeoutSeconds,
      vex,
      insecure: target.insecure,
      // The credentials go to the image's registry only, never to the DB mirrors Trivy also calls.
      ...(inputs.registryCredentials === undefined
        ? {}
        : { registryLogin: { registry: target.reference.registry, credentials: inputs.registryCredentials } }),
      ...(env.RUNNER_TEMP === undefined ? {} : { runnerTemp: env.RUNNER_TEMP }),
      stepEnv: env,
      exec,
      now,
    })
  // A DB restored from the Actions cache is checked before Trivy may trust it.
  const scanRestored = async () => {
    await discardDistrustedDb(cacheDir, now())
    return scan()
  }
  const result = inputs.cache
    ? await withDbCache(
        {
          paths: [path.join(cacheDir, 'db'), path.join(cacheDir, 'java-db')],
          now: now(),
          worthSaving: async () => (await readDbMetadata(cacheDir)) !== undefined,
        },
        scanRestored,
      )
    : await scan()
  const finishedAt = now()

  const reports: ScanReport[] = []
  for (const { platform, digest, reportFile } of result.scans) {
    const text = await readFile(reportFile, 'utf8')
    // Each report must be for the image it scanned: a child's report names the child's digest, not the index's.
    reports.push(readTrivyReport(text, { digest, ...(platform === undefined ? {} : { platform }) }))
  }
  const merged = mergeReports(reports)
  const gate = holdGate({
    ...merged,
    budgets: inputs.budgets,
    exceptions: request.exceptions,
    ignoreUnfixed: inputs.ignoreUnfixed,
    today: now().toISOString().slice(0, 10),
  })
  const verdict = decide(gate)
  core.info(
    `Verdict: ${verdict.status} (${merged.findings.length} findings, ${gate.counted.length} counted, ${gate.ignored.length} ignored)`,
  )
  return {
    verdict,
    gate,
    scans: result.scans,
    reports,
    db: result.db,
    trivyVersion: trivy.version,
    startedAt,
    finishedAt,
  }
}

// Trivy skips updating either DB while its metadata.json says NextUpdate lies ahead (pkg/db/db.go and
// pkg/javadb/client.go isNewDB, v0.74.0), so a forged entry in the cache would freeze the Java DB as surely as the
// vulnerability DB: both are checked.
const CACHED_DBS = [
  { dir: 'db', name: 'Trivy DB' },
  { dir: 'java-db', name: 'Trivy Java DB' },
] as const

async function discardDistrustedDb(cacheDir: string, now: Date): Promise<void> {
  for (const { dir, name } of CACHED_DBS) {
    const meta = await readDbMetadata(cacheDir, dir)
    const reason = meta === undefined ? undefined : distrustedDb(meta, now)
    if (reason === undefined) continue
    core.warning(`Not using the ${name} restored from the cache: ${reason}. Trivy downloads a fresh one.`)
    await rm(path.join(cacheDir, dir), { recursive: true, force: true })
  }
}

// The largest VEX document fetched: far above any product's OpenVEX or CSAF file, far below a runner's memory.
export const VEX_LIMIT = 32 * 1024 * 1024

/** Trivy reads VEX documents from files only: documents given as URLs are fetched first, with a byte cap. */
async function localVexDocuments(documents: string[], work: string): Promise<string[]> {
  return Promise.all(
    documents.map(async (document, index) => {
      if (!/^https?:\/\//.test(document)) return path.resolve(document)
      let response: Response
      try {
        response = await httpFetch(document, { signal: AbortSignal.timeout(60_000) })
      } catch (error) {
        throw new ScanError(`The VEX document ${document} could not be fetched: ${errorMessage(error)}`)
      }
      if (!response.ok) throw new ScanError(`The VEX document ${document} answered ${response.status}`)
      const file = path.join(work, `vex-${index}.json`)
      const body = await readCapped(response, VEX_LIMIT)
      if (body === undefined) throw new ScanError(`The VEX document ${document} is larger than ${VEX_LIMIT} bytes`)
      await writeFile(file, body)
      return file
    }),
  )
}

// A minimal Alpine image that the real Trivy recognises (etc/alpine-release and the apk database), pushed through
// the distribution API to the loopback registry, for the real-tool benchmark.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'

const sha256 = (data: Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`

// Packages of Alpine 3.19 at versions older than their fixes, so that the scan has findings to report.
const INSTALLED = [
  ['musl', '1.2.4_git20230717-r4', 'musl'],
  ['busybox', '1.36.1-r15', 'busybox'],
  ['openssl', '3.1.4-r0', 'openssl'],
  ['libcrypto3', '3.1.4-r0', 'openssl'],
  ['zlib', '1.3-r2', 'zlib'],
]

/** `lib/apk/db/installed` stanzas: `P:` name, `V:` version, `o:` origin (the package Trivy's DB is keyed by). */
function apkInstalled(): string {
  return INSTALLED.map(([name, version, origin]) => `P:${name}\nV:${version}\nA:x86_64\no:${origin}\nL:MIT\n\n`).join(
    '',
  )
}

/** A tar archive of the files, as a layer holds them (built with the system's tar, owned by root). */
function tar(files: Record<string, string>): Buffer {
  const root = mkdtempSync(path.join(tmpdir(), 'vouch-bench-layer-'))
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.join(root, path.dirname(name)), { recursive: true })
      writeFileSync(path.join(root, name), text)
    }
    return execFileSync('tar', ['-cf', '-', '--owner=0', '--group=0', '--numeric-owner', ...Object.keys(files)], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    })
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

async function pushBlob(host: string, repo: string, data: Buffer): Promise<{ digest: string; size: number }> {
  const digest = sha256(data)
  const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: 'POST' })
  const location = start.headers.get('location')
  if (start.status !== 202 || location === null) throw new Error(`blob upload to ${host} answered ${start.status}`)
  const url = new URL(location, `http://${host}`)
  url.searchParams.set('digest', digest)
  const put = await fetch(url, { method: 'PUT', body: data, headers: { 'content-type': 'application/octet-stream' } })
  if (put.status !== 201) throw new Error(`blob PUT to ${host} answered ${put.status}`)
  return { digest, size: data.length }
}

/** Pushes `repo:tag` and returns its manifest digest. */
export async function pushAlpineImage(host: string, repo: string, tag: string): Promise<string> {
  const layerTar = tar({
    'etc/alpine-release': '3.19.1\n',
    'etc/os-release': 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\n',
    'lib/apk/db/installed': apkInstalled(),
  })
  const layer = await pushBlob(host, repo, gzipSync(layerTar))
  const config = await pushBlob(
    host,
    repo,
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: { Cmd: ['/bin/sh'] },
        rootfs: { type: 'layers', diff_ids: [sha256(layerTar)] },
      }),
    ),
  )
  const mediaType = 'application/vnd.oci.image.manifest.v1+json'
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
    }),
  )
  const put = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    body: manifest,
    headers: { 'content-type': mediaType },
  })
  if (put.status !== 201) throw new Error(`manifest PUT to ${host} answered ${put.status}`)
  return sha256(manifest)
}

// Shows job summaries roughly as GitHub does, for reviewing changes to src/render: each Markdown file becomes an HTML
// page (marked, GitHub-flavoured) in a run page's summary card, and with --screenshot a PNG from headless Chromium.
// Not part of `npm test`; Chromium is needed only for --screenshot (Debian: `apt-get install chromium`).
//
//   node scripts/render-summary.mjs [--screenshot] [--open] OUT_DIR [FILE.md ...]
//
// Without files it renders the snapshots in __tests__/fixtures/render/summary/. --open unfolds every <details>.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { marked } from 'marked'

// A small imitation of github.com's light `markdown-body`, in a summary card beside a 300px sidebar at 1280px.
const CSS = `
body { margin: 0; background: #f6f8fa; color: #1f2328; font-family: -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, "Liberation Sans", sans-serif, "Noto Color Emoji"; }
.page { display: flex; } .sidebar { width: 300px; flex: none; min-height: 100vh; background: #fff; border-right: 1px solid #d0d7de; }
.main { flex: 1; min-width: 0; padding: 24px; } .card { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; }
.card-head { padding: 16px; font-size: 14px; font-weight: 600; border-bottom: 1px solid #d0d7de; }
.markdown-body { padding: 16px 24px 24px; font-size: 14px; line-height: 1.5; word-wrap: break-word; }
.markdown-body > :first-child { margin-top: 0; }
.markdown-body h2, .markdown-body h3 { margin: 24px 0 16px; font-weight: 600; line-height: 1.25; }
.markdown-body h2 { font-size: 1.5em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; } .markdown-body h3 { font-size: 1.25em; }
.markdown-body p, .markdown-body ul, .markdown-body table, .markdown-body pre, .markdown-body blockquote, .markdown-body details { margin: 0 0 16px; }
.markdown-body ul { padding-left: 2em; } .markdown-body a { color: #0969da; text-decoration: none; } .markdown-body strong { font-weight: 600; }
.markdown-body code { padding: .2em .4em; font-size: 85%; white-space: break-spaces; background: #818b981f; border-radius: 6px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
.markdown-body pre { padding: 16px; overflow: auto; font-size: 85%; line-height: 1.45; background: #f6f8fa; border-radius: 6px; }
.markdown-body pre code { padding: 0; font-size: 100%; white-space: pre; background: transparent; }
.markdown-body table { display: block; width: max-content; max-width: 100%; overflow: auto; border-spacing: 0; border-collapse: collapse; }
.markdown-body th { font-weight: 600; } .markdown-body th, .markdown-body td { padding: 6px 13px; border: 1px solid #d1d9e0; }
.markdown-body tr { background: #fff; border-top: 1px solid #d1d9e0b3; } .markdown-body tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body blockquote { margin-left: 0; padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
.markdown-body details summary { display: list-item; cursor: pointer; }`

const args = process.argv.slice(2)
const screenshot = args.includes('--screenshot')
const open = args.includes('--open')
const [outArg, ...given] = args.filter((arg) => !arg.startsWith('--'))
if (outArg === undefined) {
  console.error('usage: node scripts/render-summary.mjs [--screenshot] [--open] OUT_DIR [FILE.md ...]')
  process.exit(2)
}
const outDir = path.resolve(outArg)
const snapshots = fileURLToPath(new URL('../__tests__/fixtures/render/summary/', import.meta.url))
const files =
  given.length > 0
    ? given
    : readdirSync(snapshots)
        .filter((name) => name.endsWith('.md'))
        .map((name) => path.join(snapshots, name))
mkdirSync(outDir, { recursive: true })

for (const file of files) {
  let body = marked.parse(readFileSync(file, 'utf8'), { gfm: true })
  if (open) body = body.replaceAll('<details>', '<details open>')
  const name = path.basename(file, '.md')
  const html = path.join(outDir, `${name}.html`)
  writeFileSync(
    html,
    `<!doctype html><html><head><meta charset="utf-8"><title>${name}</title><style>${CSS}</style></head><body><div class="page"><div class="sidebar"></div><div class="main"><div class="card"><div class="card-head">${name}</div><div class="markdown-body">\n${body}</div></div></div></div></body></html>\n`,
  )
  if (!screenshot) {
    console.log(html)
    continue
  }
  const png = path.join(outDir, `${name}.png`)
  const profile = mkdtempSync(path.join(tmpdir(), 'render-summary-chromium-'))
  try {
    // Only a local file is opened; the flags keep Chromium off the network.
    execFileSync(
      'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        `--screenshot=${png}`,
        `--window-size=1280,${process.env.HEIGHT ?? 2000}`,
        `file://${html}`,
      ],
      { stdio: 'ignore' },
    )
  } finally {
    rmSync(profile, { recursive: true, force: true })
  }
  console.log(png)
}

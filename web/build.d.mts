// Types of web/build.mjs for the TypeScript that imports it (cli/demo.ts, cli/serve.ts, tests).

export interface WebBuildOptions {
  /** default web/dist */
  outDir?: string
  /** holds src/main.ts, index.html, styles.css; default web/ */
  srcDir?: string
  /** default: WEB_SOURCEMAP=1 */
  sourcemap?: boolean
  /** default: unless WEB_MINIFY=0 */
  minify?: boolean
}

/** pino's shape, as far as ensureWebBuild uses it */
export interface WebBuildLog {
  info(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface WebBuildResult {
  built: boolean
  /** why it was (or would have been) built; null when current */
  reason: string | null
  ms: number
  outDir: string
  /** the build's error when it failed and a log was given */
  error?: unknown
}

export function buildWeb(options?: WebBuildOptions): Promise<string>
export function webBuildStale(options?: WebBuildOptions): string | null
export function ensureWebBuild(options?: WebBuildOptions & { log?: WebBuildLog }): Promise<WebBuildResult>

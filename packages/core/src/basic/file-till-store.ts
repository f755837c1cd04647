import { statSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import {
  normalizeTillRecords,
  secretCostsOf,
  type TillRecord,
  type TillStore,
} from './till-store.js'
import type { ScryptCost } from './scrypt-params.js'
import { FILE_TILL_STORE_OPTIONS } from '../config/known-keys.js'
import { checkOptionKeys } from '../config/unknown-keys.js'

export interface FileTillStoreOptions {
  /** How often, at most, `find` checks the file's mtime/size/inode. Default 1000 ms. */
  checkIntervalMs?: number
  /**
   * Called when the file cannot be read or is invalid; the last good contents stay in use.
   * Default: `process.emitWarning`. Messages never quote the file's contents.
   */
  onError?: (error: Error) => void
  /**
   * Accept a path where no file exists yet, for a file written after start (by a sidecar, say):
   * until it appears, Basic requests get 503 and `prefetch()` rejects. Default false: a path
   * with nothing there is refused at construction, the usual cause being a wrong path.
   */
  allowMissing?: boolean
}

export interface FileTillStore extends TillStore {
  /**
   * Re-reads the file now if it changed. Rejects only when there never was a good copy, with
   * an Error naming the file and why (never its contents).
   */
  refresh(): Promise<void>
}

/**
 * Parses a till store file: `{ "tills": [ ...records ] }` or a bare array of records.
 * Errors say where, never what: a JSON parser's message can quote a secret.
 */
export async function readTillStoreFile(path: string): Promise<Map<string, TillRecord>> {
  const text = await readFile(path, 'utf8')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new Error(`${path}: not valid JSON`)
  }
  const list = Array.isArray(json) ? json : (json as { tills?: unknown } | null)?.tills
  try {
    return normalizeTillRecords(list, 'tills')
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`)
  }
}

/**
 * Tills read from a JSON file and re-read when it changes, with no restart and no watcher
 * handles to close: `find` stats the file at most once per `checkIntervalMs` (single-flight)
 * and reloads when mtime, size or inode moved (an atomic rename changes the inode).
 */
export function fileTillStore(path: string, options: FileTillStoreOptions = {}): FileTillStore {
  const { interval, onError } = checkOptions(path, options)
  checkPath(path, options.allowMissing === true)
  let tills: Map<string, TillRecord> | undefined
  let costs: readonly ScryptCost[] | undefined
  let version = '' // of the contents in use, or of the last broken contents reported
  let checkedAt = -Infinity
  let inflight: Promise<void> | undefined
  let problem = 'not read yet' // why the last check failed

  // Never rejects: a broken or missing file is reported once per change and the last good
  // contents stay in use.
  const check = async (): Promise<void> => {
    let next = 'missing'
    try {
      const s = await stat(path)
      next = `${s.mtimeMs}:${s.size}:${s.ino}`
      if (next === version) return
      tills = await readTillStoreFile(path)
      costs = secretCostsOf(tills.values())
      version = next
    } catch (error) {
      if (next === version) return
      version = next
      problem = describe(path, error)
      onError(new Error(`till store ${problem}`))
    }
  }

  const refresh = async (): Promise<void> => {
    checkedAt = Date.now()
    await (inflight ??= check().finally(() => (inflight = undefined)))
    if (tills === undefined) throw new Error(`the till store is unavailable: ${problem}`)
  }

  const lookup = (tillId: string): TillRecord | undefined => {
    if (tills === undefined) throw new Error('the till store is unavailable')
    return tills.get(tillId)
  }

  return {
    refresh,
    secretCosts: () => costs,
    // Synchronous between checks of the file; a promise while one is due or under way.
    find(tillId) {
      if (Date.now() - checkedAt >= interval) return refresh().then(() => lookup(tillId))
      if (inflight !== undefined) return inflight.then(() => lookup(tillId))
      return lookup(tillId)
    },
  }
}

/**
 * Fails fast where the problem is certain: nothing at the path (unless the file may come
 * later), or something that is not a file. Contents are read later, asynchronously.
 */
function checkPath(path: string, allowMissing: boolean): void {
  let isFile: boolean
  try {
    isFile = statSync(path).isFile()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    if (code !== 'ENOENT')
      throw new TypeError(`"path" ${JSON.stringify(path)} cannot be read (${code})`)
    if (allowMissing) return
    throw new TypeError(
      `"path" ${JSON.stringify(path)} does not exist; pass { allowMissing: true } if the file is written after start`,
    )
  }
  if (!isFile) throw new TypeError(`"path" ${JSON.stringify(path)} is not a file`)
}

/** Where and why, never what: a file system error's code, or our own message (it names the file). */
function describe(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (typeof code === 'string') return `${path} cannot be read (${code})`
  return error instanceof Error ? error.message : String(error)
}

function checkOptions(
  path: unknown,
  options: FileTillStoreOptions,
): { interval: number; onError: (error: Error) => void } {
  if (typeof path !== 'string' || path.length === 0) {
    throw new TypeError('"path" must be a non-empty string')
  }
  checkOptionKeys(options, FILE_TILL_STORE_OPTIONS)
  const interval = options.checkIntervalMs ?? 1000
  if (typeof interval !== 'number' || !(interval >= 0)) {
    throw new TypeError('"checkIntervalMs" must be a number >= 0')
  }
  if (options.allowMissing !== undefined && typeof options.allowMissing !== 'boolean') {
    throw new TypeError('"allowMissing" must be true or false')
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new TypeError('"onError" must be a function')
  }
  const onError =
    options.onError ?? ((e: Error) => process.emitWarning(e.message, 'M2mAuthWarning'))
  return { interval, onError }
}

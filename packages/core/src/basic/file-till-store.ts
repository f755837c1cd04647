import { readFile, stat } from 'node:fs/promises'
import {
  normalizeTillRecords,
  secretCostsOf,
  type TillRecord,
  type TillStore,
} from './till-store.js'
import type { ScryptCost } from './scrypt-params.js'

export interface FileTillStoreOptions {
  /** How often, at most, `find` checks the file's mtime/size/inode. Default 1000 ms. */
  checkIntervalMs?: number
  /**
   * Called when the file cannot be read or is invalid; the last good contents stay in use.
   * Default: `process.emitWarning`. Messages never quote the file's contents.
   */
  onError?: (error: Error) => void
}

export interface FileTillStore extends TillStore {
  /** Re-reads the file now if it changed. Rejects only when there never was a good copy. */
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
  let tills: Map<string, TillRecord> | undefined
  let costs: readonly ScryptCost[] | undefined
  let version = '' // of the contents in use, or of the last broken contents reported
  let checkedAt = -Infinity
  let inflight: Promise<void> | undefined

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
      onError(new Error(`till store ${error instanceof Error ? error.message : String(error)}`))
    }
  }

  const refresh = async (): Promise<void> => {
    checkedAt = Date.now()
    await (inflight ??= check().finally(() => (inflight = undefined)))
    if (tills === undefined) throw new Error('the till store is unavailable')
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

function checkOptions(
  path: unknown,
  options: FileTillStoreOptions,
): { interval: number; onError: (error: Error) => void } {
  if (typeof path !== 'string' || path.length === 0) {
    throw new TypeError('"path" must be a non-empty string')
  }
  const interval = options.checkIntervalMs ?? 1000
  if (typeof interval !== 'number' || !(interval >= 0)) {
    throw new TypeError('"checkIntervalMs" must be a number >= 0')
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new TypeError('"onError" must be a function')
  }
  const onError =
    options.onError ?? ((e: Error) => process.emitWarning(e.message, 'M2mAuthWarning'))
  return { interval, onError }
}

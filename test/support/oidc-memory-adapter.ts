import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider'

interface Entry {
  payload: AdapterPayload
  /** Epoch ms after which the entry is gone; undefined: it lives as long as the issuer. */
  expiresAt: number | undefined
}

/**
 * In-memory storage for the test issuer, one map per provider instance. It does what
 * oidc-provider's own development adapter does (entries outlive their `expiresIn` by the clock
 * tolerance; the models check expiry themselves); passing it explicitly tells oidc-provider the
 * choice is deliberate, so it does not warn on every start. A test issuer is meant to forget
 * everything when it stops: restarting it (key rotation) starts empty, as before.
 */
export function memoryAdapter(clockToleranceSeconds: number): AdapterFactory {
  const entries = new Map<string, Entry>()
  const live = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key)
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) entries.delete(key)
    else return entry?.payload
  }
  const findBy = (model: string, field: 'uid' | 'userCode', value: string) => {
    for (const key of entries.keys()) {
      const payload = key.startsWith(`${model}:`) ? live(key) : undefined
      if (payload?.[field] === value) return Promise.resolve(payload)
    }
    return Promise.resolve(undefined)
  }

  return (model: string): Adapter => {
    const key = (id: string): string => `${model}:${id}`
    return {
      upsert(id, payload, expiresIn) {
        const expiresAt =
          expiresIn === undefined
            ? undefined
            : Date.now() + (expiresIn + clockToleranceSeconds) * 1000
        entries.set(key(id), { payload, expiresAt })
        return Promise.resolve()
      },
      find: (id) => Promise.resolve(live(key(id))),
      findByUid: (uid) => findBy(model, 'uid', uid),
      findByUserCode: (userCode) => findBy(model, 'userCode', userCode),
      consume(id) {
        const payload = live(key(id))
        if (payload) payload.consumed = Math.floor(Date.now() / 1000)
        return Promise.resolve()
      },
      destroy(id) {
        entries.delete(key(id))
        return Promise.resolve()
      },
      revokeByGrantId(grantId) {
        for (const [k, entry] of entries) if (entry.payload.grantId === grantId) entries.delete(k)
        return Promise.resolve()
      },
    }
  }
}

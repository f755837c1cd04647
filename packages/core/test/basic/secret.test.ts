import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { hashTillSecret, inspectTillSecret } from '@m2m-auth/core'
import { DummySecrets, verifyTillSecret } from '../../src/basic/secret.js'

const md5 = (text: string): string => createHash('md5').update(text).digest('hex')
const COST = { ln: 10, r: 8, p: 1 }
const MD5 = md5('till password')
const PEPPER = 'a server-side pepper of 32 bytes!'

describe('hashTillSecret', () => {
  it('returns a self-describing PHC-style scrypt string', async () => {
    const stored = await hashTillSecret(MD5)
    expect(stored).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
    expect(stored).not.toContain(MD5)
    expect(inspectTillSecret(stored)).toEqual({
      kind: 'scrypt',
      weak: false,
      cost: { ln: 15, r: 8, p: 1 },
    })
  })

  it('salts every hash, and records a custom cost in the string', async () => {
    const [a, b] = await Promise.all([
      hashTillSecret(MD5, { cost: COST }),
      hashTillSecret(MD5, { cost: COST }),
    ])
    expect(a).not.toBe(b)
    expect(a.startsWith('$scrypt$ln=10,r=8,p=1$')).toBe(true)
  })

  it('refuses anything but a 32-character MD5 hex, and bad options, with TypeError', async () => {
    await expect(hashTillSecret('till password')).rejects.toThrow(TypeError)
    await expect(hashTillSecret(MD5, { pepper: 'short' })).rejects.toThrow(/"pepper"/)
    await expect(hashTillSecret(MD5, { cost: { ln: 30 } })).rejects.toThrow(/"cost"/)
  })
})

describe('verifyTillSecret', () => {
  const dummy = new DummySecrets()

  it('accepts the right MD5 hex (either case) and refuses a wrong one', async () => {
    const stored = await hashTillSecret(MD5, { cost: COST })
    expect(await verifyTillSecret(stored, MD5, undefined, dummy)).toEqual({ ok: true, weak: false })
    expect((await verifyTillSecret(stored, MD5.toUpperCase(), undefined, dummy)).ok).toBe(true)
    expect((await verifyTillSecret(stored, md5('other'), undefined, dummy)).ok).toBe(false)
    expect((await verifyTillSecret(stored, 'till password', undefined, dummy)).ok).toBe(false)
  })

  it('with a pepper, verifies only when the same pepper is configured', async () => {
    const stored = await hashTillSecret(MD5, { cost: COST, pepper: PEPPER })
    const pepper = new Uint8Array(Buffer.from(PEPPER))
    expect((await verifyTillSecret(stored, MD5, pepper, dummy)).ok).toBe(true)
    expect((await verifyTillSecret(stored, MD5, undefined, dummy)).ok).toBe(false)
    const unpeppered = await hashTillSecret(MD5, { cost: COST })
    expect((await verifyTillSecret(unpeppered, MD5, pepper, dummy)).ok).toBe(false)
  })

  it('still verifies legacy md5: entries, and flags them weak', async () => {
    const legacy = `md5:${MD5}`
    expect(inspectTillSecret(legacy)).toEqual({ kind: 'md5', weak: true })
    expect(await verifyTillSecret(legacy, MD5, undefined, dummy)).toEqual({ ok: true, weak: true })
    expect(await verifyTillSecret(legacy, md5('x'), undefined, dummy)).toEqual({
      ok: false,
      weak: true,
    })
  })

  it('makes an unknown till pay a full scrypt, like a wrong password', async () => {
    const fresh = new DummySecrets() // default cost ln=15: tens of milliseconds on any machine
    const started = performance.now()
    expect((await verifyTillSecret(undefined, MD5, undefined, fresh)).ok).toBe(false)
    expect(performance.now() - started).toBeGreaterThan(10)
  })

  it('refuses an unknown till and an unusable entry', async () => {
    expect((await verifyTillSecret(undefined, MD5, undefined, dummy)).ok).toBe(false)
    expect((await verifyTillSecret('plaintext', MD5, undefined, dummy)).ok).toBe(false)
    expect(inspectTillSecret('plaintext').kind).toBe('invalid')
    // A hostile entry asking for 2^25 iterations is unusable, not a denial of service.
    expect(
      inspectTillSecret('$scrypt$ln=25,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$' + 'A'.repeat(43)).kind,
    ).toBe('invalid')
  })
})

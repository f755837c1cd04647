import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { hashTillSecret, inspectTillSecret, memoryTillStore } from '@m2m-auth/core'
import { DummyWork, verifyTillSecret } from '../../src/basic/secret.js'

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
  const dummy = new DummyWork()

  it('accepts the right MD5 hex (either case) and refuses a wrong one', async () => {
    const stored = await hashTillSecret(MD5, { cost: COST })
    expect(await verifyTillSecret(stored, MD5, undefined, dummy)).toMatchObject({
      ok: true,
      weak: false,
    })
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
    expect(await verifyTillSecret(legacy, MD5, undefined, dummy)).toMatchObject({
      ok: true,
      weak: true,
    })
    expect(await verifyTillSecret(legacy, md5('x'), undefined, dummy)).toMatchObject({
      ok: false,
      weak: true,
    })
  })

  it('makes an unknown till pay a full scrypt, like a wrong password', async () => {
    const fresh = new DummyWork() // default cost ln=15: tens of milliseconds on any machine
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

describe('the dummy work an unknown till pays', () => {
  const COST_A = { ln: 4, r: 8, p: 1 }
  const COST_B = { ln: 5, r: 8, p: 1 }
  const A = 'ln=4,r=8,p=1'
  const B = 'ln=5,r=8,p=1'

  it("matches the store's cost from the very first request, before any real till is checked", async () => {
    const tills = memoryTillStore([
      { tillId: 'T-1', secret: await hashTillSecret(MD5, { cost: COST_A }), scopes: [] },
    ])
    const work = new DummyWork(() => tills.secretCosts?.())
    expect((await verifyTillSecret(undefined, MD5, undefined, work)).work).toEqual([A])
  })

  it('costs every till the same in a store of mixed costs: known of either cost, unknown, legacy', async () => {
    const records = [
      { tillId: 'A', secret: await hashTillSecret(MD5, { cost: COST_A }), scopes: [] },
      { tillId: 'B', secret: await hashTillSecret(MD5, { cost: COST_B }), scopes: [] },
      { tillId: 'L', secret: `md5:${MD5}`, scopes: [] },
    ]
    const tills = memoryTillStore(records)
    const work = new DummyWork(() => tills.secretCosts?.())
    const paths = [records[0]!.secret, records[1]!.secret, records[2]!.secret, undefined]
    for (const presented of [MD5, md5('wrong')]) {
      for (const stored of paths) {
        const check = await verifyTillSecret(stored, presented, undefined, work)
        expect(check.work, String(stored)).toEqual([A, B])
      }
    }
  })

  it('learns the costs from checked tills when the store cannot tell', async () => {
    const work = new DummyWork()
    expect((await verifyTillSecret(undefined, MD5, undefined, work)).work).toEqual([
      'ln=15,r=8,p=1',
    ])
    const stored = await hashTillSecret(MD5, { cost: COST_A })
    expect((await verifyTillSecret(stored, MD5, undefined, work)).work).toEqual([A])
    expect((await verifyTillSecret(undefined, MD5, undefined, work)).work).toEqual([A])
  })
})

import { describe, expect, it } from 'vitest'
import { NonceMemory } from '../../src/outbound/dpop-nonces.js'

const answer = (nonce: string) => new Response(null, { headers: { 'dpop-nonce': nonce } })

describe('the DPoP nonce memory (RFC 9449 §9)', () => {
  it('keeps the last nonce per origin, for at most 100 origins, forgetting the least recently used', () => {
    const memory = new NonceMemory()
    for (let i = 0; i < 100; i++) memory.remember(`https://api-${i}.test`, answer(`n-${i}`))
    expect(memory.get('https://api-0.test')).toBe('n-0') // used: now the most recent
    memory.remember('https://api-100.test', answer('n-100'))
    expect(memory.get('https://api-1.test')).toBeUndefined() // the least recently used went
    expect(memory.get('https://api-0.test')).toBe('n-0')
    expect(memory.get('https://api-100.test')).toBe('n-100')
    memory.remember('https://api-0.test', answer('n-0b'))
    expect(memory.get('https://api-0.test')).toBe('n-0b')
  })

  it.each([
    ['an empty value', ''],
    ['a space', 'has space'],
    ['a quote', 'has"quote'],
    ['over 1024 characters', 'x'.repeat(1025)],
    ['non-ASCII', 'ünï'],
  ])('does not remember a nonce with %s, which RFC 9449 §8.1 does not allow', (_, nonce) => {
    const memory = new NonceMemory()
    expect(memory.remember('https://api.test', answer(nonce))).toBe(false)
    expect(memory.get('https://api.test')).toBeUndefined()
  })
})

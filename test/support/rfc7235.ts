/**
 * A small, strict parser of `WWW-Authenticate` field values (RFC 7235 §2.1, §4.1, with the
 * list rule of RFC 9110 §5.6.1), for tests only: it throws on anything the grammar does not
 * allow, so a challenge that merely looks right cannot pass.
 *
 *   challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-param  = token BWS "=" BWS ( token / quoted-string )
 *   token68     = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 */
export interface ParsedChallenge {
  scheme: string
  token68?: string
  /** Parameter names lower-cased (RFC 7235 §2.1: case-insensitive), values unescaped. */
  params: Record<string, string>
}

const TCHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/
// RFC 9110 §5.6.4: qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
const QDTEXT = /[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]/
// quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
const QUOTED_PAIR = /[\t \x21-\x7e\x80-\xff]/

export function parseChallenges(value: string): ParsedChallenge[] {
  const p = new Parser(value)
  const challenges: ParsedChallenge[] = []
  p.skipEmptyElements()
  while (!p.done()) {
    challenges.push(p.challenge())
    p.ows()
    if (p.done()) break
    p.expect(',')
    p.skipEmptyElements()
  }
  if (challenges.length === 0) throw new SyntaxError('no challenge')
  return challenges
}

class Parser {
  i = 0
  constructor(readonly s: string) {}

  done(): boolean {
    return this.i >= this.s.length
  }

  fail(what: string): never {
    throw new SyntaxError(`${what} at ${this.i} in ${JSON.stringify(this.s)}`)
  }

  expect(c: string): void {
    if (this.s[this.i] !== c) this.fail(`expected ${JSON.stringify(c)}`)
    this.i++
  }

  ows(): void {
    while (this.s[this.i] === ' ' || this.s[this.i] === '\t') this.i++
  }

  /** RFC 9110 §5.6.1: a recipient accepts empty list elements. */
  skipEmptyElements(): void {
    for (;;) {
      this.ows()
      if (this.s[this.i] !== ',') return
      this.i++
    }
  }

  token(): string {
    const start = this.i
    while (!this.done() && TCHAR.test(this.s[this.i]!)) this.i++
    if (this.i === start) this.fail('expected a token')
    return this.s.slice(start, this.i)
  }

  quotedString(): string {
    this.expect('"')
    let out = ''
    for (;;) {
      const c = this.s[this.i]
      if (c === undefined) this.fail('unterminated quoted-string')
      this.i++
      if (c === '"') return out
      if (c === '\\') {
        const next = this.s[this.i]
        if (next === undefined || !QUOTED_PAIR.test(next)) this.fail('bad quoted-pair')
        out += next
        this.i++
      } else if (QDTEXT.test(c)) out += c
      else this.fail(`character ${c.charCodeAt(0)} not allowed in a quoted-string`)
    }
  }

  challenge(): ParsedChallenge {
    const scheme = this.token()
    const result: ParsedChallenge = { scheme, params: {} }
    if (this.s[this.i] !== ' ') return result
    while (this.s[this.i] === ' ') this.i++
    if (this.done() || this.s[this.i] === ',') return result
    const param = this.tryParam()
    if (param === undefined) {
      const match = TOKEN68.exec(this.s.slice(this.i))
      if (!match) this.fail('expected token68 or auth-param')
      result.token68 = match[0]
      this.i += match[0].length
      return result
    }
    this.addParam(result, param)
    // Further params of this challenge: `, name=` ; anything else starts the next challenge.
    for (;;) {
      const mark = this.i
      this.ows()
      if (this.s[this.i] !== ',') {
        this.i = mark
        return result
      }
      this.skipEmptyElements()
      const next = this.tryParam()
      if (next === undefined) {
        this.i = mark
        return result
      }
      this.addParam(result, next)
    }
  }

  addParam(result: ParsedChallenge, [name, value]: [string, string]): void {
    // RFC 7235 §2.1: each parameter name MUST only occur once per challenge.
    if (Object.hasOwn(result.params, name)) this.fail(`duplicate parameter ${name}`)
    // An own property even for a name like `__proto__`, which plain assignment would swallow.
    Object.defineProperty(result.params, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }

  /** auth-param, or undefined (position restored) when the input is not one here. */
  tryParam(): [string, string] | undefined {
    const mark = this.i
    if (this.done() || !TCHAR.test(this.s[this.i]!)) return undefined
    const name = this.token()
    this.ows()
    if (this.s[this.i] !== '=') {
      this.i = mark
      return undefined
    }
    this.i++
    this.ows()
    if (this.done() || this.s[this.i] === ',') {
      // `name=` alone is a token68 (or an error), never a param without a value.
      this.i = mark
      return undefined
    }
    const value = this.s[this.i] === '"' ? this.quotedString() : this.token()
    return [name.toLowerCase(), value]
  }
}

/** Reads what `m2m-auth dev-issuer` prints, the way a developer copies it. */
export interface Banner {
  readonly issuer: string
  /** The `export NAME=value` lines printed for each audience. */
  readonly env: ReadonlyMap<string, Record<string, string>>
  /** The printed `m2m-auth token` commands for each audience, split into shell words. */
  readonly tokenCommands: ReadonlyMap<string, TokenCommand[]>
}

export interface TokenCommand {
  /** Variables set for the command (`M2M_AUTH_CLIENT_SECRET=…`). */
  readonly env: Record<string, string>
  /** The arguments after `m2m-auth token`. */
  readonly args: string[]
  readonly flags: Record<string, string>
}

/** True once the whole banner has been written (it ends with the last token command). */
export const bannerComplete = (out: string): boolean =>
  /\ntokens for [^\n]+:\n( {2}M2M_AUTH_CLIENT_SECRET=[^\n]+\n)+/.test(out)

export function parseBanner(out: string): Banner {
  const issuer = /^m2m-auth dev-issuer: (\S+)$/m.exec(out)?.[1]
  if (issuer === undefined) throw new Error(`no issuer line in:\n${out}`)
  const env = new Map<string, Record<string, string>>()
  const tokenCommands = new Map<string, TokenCommand[]>()
  let section: { kind: 'env' | 'tokens'; audience: string } | undefined
  for (const line of out.split('\n')) {
    const heading = /^(service env|tokens) for (\S+?)(?: \(.*\))?:$/.exec(line)
    if (heading) {
      section = { kind: heading[1] === 'tokens' ? 'tokens' : 'env', audience: heading[2]! }
      continue
    }
    if (!line.startsWith('  ') || !section) continue
    const words = shellWords(line.trim())
    if (section.kind === 'env' && words[0] === 'export') {
      const [name, ...value] = words[1]!.split('=')
      env.set(section.audience, { ...env.get(section.audience), [name!]: value.join('=') })
    } else if (section.kind === 'tokens') {
      const list = tokenCommands.get(section.audience) ?? []
      tokenCommands.set(section.audience, [...list, tokenCommand(words)])
    }
  }
  return { issuer, env, tokenCommands }
}

function tokenCommand(words: string[]): TokenCommand {
  const env: Record<string, string> = {}
  while (/^[A-Z][A-Z0-9_]*=/.test(words[0]!)) {
    const [name, ...value] = words.shift()!.split('=')
    env[name!] = value.join('=')
  }
  const command = words.splice(0, 4).join(' ')
  if (command !== 'npx --no m2m-auth token') throw new Error('not an npx m2m-auth token command')
  const flags: Record<string, string> = {}
  for (let i = 0; i < words.length; i += 2) flags[words[i]!.slice(2)] = words[i + 1]!
  return { env, args: words, flags }
}

/** POSIX shell words: bare words and single-quoted strings ('\'' is a quote). */
export function shellWords(line: string): string[] {
  const words: string[] = []
  let word: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (c === "'") {
      const end = line.indexOf("'", i + 1)
      word = (word ?? '') + line.slice(i + 1, end)
      i = end
    } else if (c === '\\') {
      word = (word ?? '') + line[++i]!
    } else if (c === ' ') {
      if (word !== undefined) words.push(word)
      word = undefined
    } else word = (word ?? '') + c
  }
  if (word !== undefined) words.push(word)
  return words
}

// The load generators. autocannon (a devDependency, so it works anywhere Node does) is the
// default; wrk is used with --wrk when installed. Each returns requests per second and the
// count of non-2xx answers and socket errors, which the caller treats as fatal.
import { spawn } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'

export const CONNECTIONS = 32

/**
 * `tokens` of length 1 is the hot workload (the same header every time). Longer lists are
 * cycled by ONE counter shared by all connections, so concurrent requests carry different
 * tokens (autocannon's plain `requests` array would walk every connection through the
 * list in lockstep, and the same token would arrive 32 times at once).
 */
export async function autocannonLoad({ url, tokens, durationS }) {
  let next = 0
  const header = (token) => ({ authorization: `Bearer ${token}` })
  const requests =
    tokens.length === 1
      ? [{ method: 'GET', path: '/', headers: header(tokens[0]) }]
      : [
          {
            method: 'GET',
            path: '/',
            setupRequest: (request) => {
              const token = tokens[next]
              next = next + 1 === tokens.length ? 0 : next + 1
              return { ...request, headers: header(token) }
            },
          },
        ]
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: durationS,
    requests,
  })
  return {
    rps: result.requests.total / durationS,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }
}

let scriptDir
/** wrk with a Lua script that cycles the same token list. */
export async function wrkLoad({ url, tokens, durationS, cpu }) {
  scriptDir ??= await mkdtemp(join(tmpdir(), 'm2m-bench-'))
  const tokenFile = join(scriptDir, `tokens-${tokens.length}-${tokens[0].slice(-12)}.txt`)
  const script = join(scriptDir, `cycle-${tokens.length}-${tokens[0].slice(-12)}.lua`)
  await writeFile(tokenFile, tokens.join('\n') + '\n')
  await writeFile(
    script,
    `local tokens = {}
for line in io.lines(${JSON.stringify(tokenFile)}) do tokens[#tokens + 1] = "Bearer " .. line end
local i = 0
request = function()
  i = i % #tokens + 1
  return wrk.format("GET", "/", { Authorization = tokens[i] })
end
-- errors.status counts answers >= 400; a target that starts refusing is caught here.
done = function(summary)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d\\n", summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
end
`,
  )
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${durationS}s`, '-s', script, url]
  const command =
    cpu === undefined ? ['wrk', ...args] : ['taskset', '-c', String(cpu), 'wrk', ...args]
  const output = await run(command)
  const match = /BENCH (\d+) (\d+) (\d+)/.exec(output)
  if (!match) throw new Error(`wrk printed no summary:\n${output}`)
  return { rps: Number(match[1]) / durationS, non2xx: Number(match[2]), errors: Number(match[3]) }
}

function run([command, ...args]) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}`)),
    )
  })
}

import { httpFailure, toTokenError } from './error-mapping.js'
import { TokenRequestError } from './errors.js'
import type { TokenClientConfig } from './options.js'
import { tracedFetch } from '../telemetry/traces.js'
import type { JsonTokenDialect } from './presets.js'
import type { RequestParams } from './request-params.js'
import type { TokenResponse } from './token-response.js'

/**
 * One token request to an issuer whose endpoint takes JSON instead of an RFC 6749 form
 * (LoginRadius, Capillary). The preset's dialect names the body fields and where the answer
 * keeps the token, so no issuer has code of its own here.
 */
export async function requestJsonToken(
  config: TokenClientConfig,
  dialect: JsonTokenDialect,
  params: RequestParams,
): Promise<TokenResponse> {
  const endpoint = config.tokenEndpoint!
  let response: Response
  try {
    response = await tracedFetch(config.fetch, 'token_request')(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(jsonBody(config, dialect, params)),
      redirect: 'error',
      signal: AbortSignal.timeout(config.timeoutMs),
    })
  } catch (error) {
    throw toTokenError(error, 'token endpoint', config.redact)
  }
  const json = await response.json().catch(() => undefined)
  if (!response.ok) {
    const body = isRecord(json) ? json : {}
    throw httpFailure(response.status, response.headers, 'token endpoint', config.redact, {
      error: typeof body.error === 'string' ? body.error : undefined,
      description: typeof body.error_description === 'string' ? body.error_description : undefined,
    })
  }
  const accessToken = pick(json, dialect.response.accessToken)
  if (typeof accessToken !== 'string' || accessToken.length === 0) {
    throw new TokenRequestError({
      code: 'ERR_TOKEN_RESPONSE_INVALID',
      message: `the token endpoint answered HTTP ${response.status} without "${dialect.response.accessToken.join('.')}"`,
      httpStatus: response.status,
    })
  }
  const tokenType = pick(json, ['token_type'])
  return {
    accessToken,
    tokenType: typeof tokenType === 'string' ? tokenType : 'Bearer',
    expiresIn: dialect.response.expiresIn
      .map((path) => pick(json, path))
      .find((v) => v !== undefined && v !== null), // JSON APIs send null for "not given"
  }
}

function jsonBody(
  config: TokenClientConfig,
  dialect: JsonTokenDialect,
  params: RequestParams,
): Record<string, string> {
  const { body } = dialect
  const out: Record<string, string> = { ...config.extraParams }
  if (body.grantType !== undefined) out[body.grantType] = 'client_credentials'
  out[body.clientId] = config.clientId
  out[body.clientSecret] = config.clientSecret!
  if (body.audience !== undefined && params.audience !== undefined)
    out[body.audience] = params.audience
  if (body.scope !== undefined && params.scopes.length > 0)
    out[body.scope] = params.scopes.join(' ')
  return out
}

function pick(value: unknown, path: readonly string[]): unknown {
  let current = value
  for (const key of path) current = isRecord(current) ? current[key] : undefined
  return current
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The `iss` forms of one Microsoft Entra tenant. The configured issuer may be any v2 issuer,
 * `https://<host>/<tenant>/v2.0` with or without a trailing slash: the global cloud
 * (login.microsoftonline.com), a sovereign cloud (login.microsoftonline.us,
 * login.partner.microsoftonline.cn, login.chinacloudapi.cn), Entra External ID
 * (`<tenant>.ciamlogin.com`), Azure AD B2C (`<tenant>.b2clogin.com` or a custom domain), or a
 * v1 issuer of a cloud whose v1 host is known. The other version's form is added only where
 * Microsoft publishes one for that cloud; B2C, External ID and custom domains issue v2 only.
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 */

interface Cloud {
  /** Hosts of the cloud's v2 issuer `https://<host>/<tenant>/v2.0`. */
  readonly v2: readonly string[]
  /** Hosts of its v1 issuer `https://<host>/<tenant>/`. */
  readonly v1: readonly string[]
}

// Microsoft's clouds, the global one first (its v1 host also appears in US Government
// tokens: Microsoft's own Bot Framework accepts both v1 hosts there). China moved its
// sign-in host to login.partner.microsoftonline.cn; both are listed.
const CLOUDS: readonly Cloud[] = [
  { v2: ['login.microsoftonline.com'], v1: ['sts.windows.net'] },
  { v2: ['login.microsoftonline.us'], v1: ['login.microsoftonline.us', 'sts.windows.net'] },
  {
    v2: ['login.partner.microsoftonline.cn', 'login.chinacloudapi.cn'],
    v1: ['sts.chinacloudapi.cn'],
  },
]

// Sign-in audiences, not tenants: no token carries them in `iss`, so an issuer naming one
// would refuse every token (multi-tenant validation is not what the preset does).
const NOT_TENANTS = new Set(['common', 'organizations', 'consumers', '%7btenantid%7d'])

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

export const ENTRA_ISSUER_SHAPES =
  'must be https://login.microsoftonline.com/<tenant>/v2.0, another Entra v2 issuer ' +
  'https://<host>/<tenant>/v2.0 (sovereign cloud, External ID, B2C) ' +
  'or a v1 issuer such as https://sts.windows.net/<tenant>/'

/** The other `iss` forms of the configured issuer's tenant; a TypeError if it is not Entra's. */
export function entraIssuerForms(issuer: string): readonly string[] {
  const url = new URL(issuer)
  // Tests run an issuer on loopback: any path, no other forms (the protocol was checked).
  if (LOOPBACK.has(url.hostname)) return []
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '')
    throw new TypeError(ENTRA_ISSUER_SHAPES)
  const segments = url.pathname.split('/').slice(1)
  const path = segments.at(-1) === '' ? segments.slice(0, -1) : segments
  const https = url.protocol === 'https:'
  // v2: `/<tenant>[/<policy path>]/v2.0`, trailing slash allowed (B2C issues it with one).
  if (path.length >= 2 && path.at(-1) === 'v2.0' && path.every((s) => s !== '')) {
    const tenant = tenantOf(path[0]!)
    const cloud = CLOUDS.find((c) => c.v2.includes(url.host))
    // Only the bare `/<tenant>/v2.0` of a known cloud has other forms.
    return https && cloud !== undefined && path.length === 2 ? cloudForms(cloud, tenant) : []
  }
  // v1: `/<tenant>/` on a known v1 host.
  const cloud = CLOUDS.find((c) => c.v1.includes(url.host))
  if (https && cloud !== undefined && path.length === 1 && segments.length === 2)
    return cloudForms(cloud, tenantOf(path[0]!))
  throw new TypeError(ENTRA_ISSUER_SHAPES)
}

function cloudForms(cloud: Cloud, tenant: string): readonly string[] {
  return [
    ...cloud.v2.map((host) => `https://${host}/${tenant}/v2.0`),
    ...cloud.v1.map((host) => `https://${host}/${tenant}/`),
  ]
}

function tenantOf(segment: string): string {
  if (NOT_TENANTS.has(segment.toLowerCase())) {
    throw new TypeError(
      `names ${JSON.stringify(segment)}, not a tenant: configure one issuer per tenant`,
    )
  }
  return segment
}

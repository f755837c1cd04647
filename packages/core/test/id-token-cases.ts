import type { BearerIssuerOptions } from '@m2m-auth/core'

// Each issuer's access-token shape next to its ID-token shapes (and other near-misses), as
// its documentation shows them; see docs/issuers/*.md. Every refused shape carries the right
// `iss` and an audience the options accept: only the kind of token differs.
export type Options = Omit<BearerIssuerOptions, 'jwksUri'>

export interface PresetCase {
  name: string
  options: Options
  access: Record<string, unknown>
  accessHeader?: Record<string, unknown>
  /** Token shapes that must be refused, each named. */
  refused: Record<string, Record<string, unknown>>
}

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47'
const ENTRA_CLIENT = '6e74172b-be56-4843-9ff4-e66a39bb12e3'
export const AUTH0 = 'https://tenant.eu.auth0.com/'
const OKTA = 'https://dev-1.okta.com/oauth2/default'
const ENTRA_V2 = `https://login.microsoftonline.com/${TENANT}/v2.0`
const ENTRA_V1 = `https://sts.windows.net/${TENANT}/`
const COGNITO = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123'
const KEYCLOAK = 'https://sso.example.com/realms/pos'
const HYDRA = 'https://hydra.example.com/'
const SUPERTOKENS = 'https://api.example.com/auth'
const LOGINRADIUS = 'https://acme.hub.loginradius.com/service/oauth/MyApp'
export const API = 'https://calendar.example.com'
const user = { sub: 'user-1', name: 'Ada', email: 'ada@example.com', auth_time: 1732190000 }

export const CASES: PresetCase[] = [
  {
    name: 'auth0',
    options: { preset: 'auth0', issuer: AUTH0, audience: [API, 'Xq7Ht1'] },
    access: {
      iss: AUTH0,
      sub: 'Xq7Ht1@clients',
      aud: API,
      azp: 'Xq7Ht1',
      gty: 'client-credentials',
      scope: 'a',
    },
    refused: {
      'an ID token with nonce': { iss: AUTH0, aud: 'Xq7Ht1', ...user, sid: 's1', nonce: 'n-0S6' },
      'an ID token without nonce (code flow)': { iss: AUTH0, aud: 'Xq7Ht1', ...user, sid: 's1' },
    },
  },
  {
    name: 'okta',
    options: { preset: 'okta', issuer: OKTA, audience: ['api://default', '0oa1b2c3'] },
    access: {
      ver: 1,
      iss: OKTA,
      aud: 'api://default',
      cid: '0oa1b2c3',
      sub: '0oa1b2c3',
      scp: ['a'],
    },
    refused: {
      'an ID token': {
        ver: 1,
        iss: OKTA,
        aud: '0oa1b2c3',
        ...user,
        amr: ['pwd'],
        idp: '00o1',
        nonce: 'n',
        at_hash: 'h',
      },
      'an ID token without nonce or at_hash': {
        ver: 1,
        iss: OKTA,
        aud: '0oa1b2c3',
        ...user,
        idp: '00o1',
      },
    },
  },
  {
    name: 'entra',
    options: { preset: 'entra', issuer: ENTRA_V2, audience: [ENTRA_CLIENT, 'api://calendar'] },
    access: {
      ver: '2.0',
      iss: ENTRA_V2,
      aud: ENTRA_CLIENT,
      azp: 'a1b2',
      tid: TENANT,
      sub: 'sp',
      roles: ['A'],
    },
    refused: {
      'a v2 ID token with app roles': {
        ver: '2.0',
        iss: ENTRA_V2,
        aud: ENTRA_CLIENT,
        tid: TENANT,
        oid: 'o',
        aio: 'x',
        roles: ['A'],
        ...user,
      },
      'a v2 ID token with nonce': {
        ver: '2.0',
        iss: ENTRA_V2,
        aud: ENTRA_CLIENT,
        tid: TENANT,
        azp: 'a1b2',
        nonce: 'n',
        ...user,
      },
      'a v1 ID token': {
        ver: '1.0',
        iss: ENTRA_V1,
        aud: ENTRA_CLIENT,
        tid: TENANT,
        unique_name: 'ada',
        amr: ['pwd'],
        ...user,
      },
    },
  },
  {
    name: 'cognito',
    options: { preset: 'cognito', issuer: COGNITO, audience: '1example23456789' },
    access: {
      iss: COGNITO,
      sub: 's',
      client_id: '1example23456789',
      token_use: 'access',
      scope: 'a',
    },
    refused: {
      'an ID token': {
        iss: COGNITO,
        aud: '1example23456789',
        client_id: '1example23456789',
        token_use: 'id',
        at_hash: 'h',
        ...user,
      },
    },
  },
  {
    name: 'keycloak',
    options: { preset: 'keycloak', issuer: KEYCLOAK, audience: ['calendar-api', 'task-service'] },
    access: { iss: KEYCLOAK, azp: 'task-service', sub: 'f3c2', typ: 'Bearer', scope: 'a' },
    refused: {
      'an ID token (typ ID)': {
        iss: KEYCLOAK,
        aud: 'task-service',
        azp: 'task-service',
        typ: 'ID',
        sid: 's',
        ...user,
      },
      'a token with no typ': { iss: KEYCLOAK, azp: 'task-service', sub: 'f3c2', scope: 'a' },
    },
  },
  {
    name: 'hydra',
    options: {
      preset: 'hydra',
      issuer: HYDRA,
      audience: [API, 'task-service'],
      introspection: {
        endpoint: 'https://hydra-admin.example.com/admin/oauth2/introspect',
        clientId: 'c',
        clientSecret: 's',
      },
    },
    access: { iss: HYDRA, aud: [API], client_id: 'task-service', sub: 'task-service', scp: ['a'] },
    refused: {
      'an ID token': {
        iss: HYDRA,
        aud: ['task-service'],
        rat: 1732190000,
        sid: 's',
        at_hash: 'h',
        ...user,
      },
      'an ID token without at_hash': {
        iss: HYDRA,
        aud: ['task-service'],
        rat: 1732190000,
        sid: 's',
        ...user,
      },
    },
  },
  {
    name: 'supertokens',
    options: { preset: 'supertokens', issuer: SUPERTOKENS, audience: [API, 'stcl_1'] },
    access: {
      iss: SUPERTOKENS,
      aud: [API],
      client_id: 'stcl_1',
      sub: 'stcl_1',
      scp: ['a'],
      stt: 1,
    },
    refused: {
      'an ID token (stt 2)': { iss: SUPERTOKENS, aud: 'stcl_1', stt: 2, nonce: 'n', ...user },
    },
  },
  {
    name: 'loginradius',
    options: {
      preset: 'loginradius',
      issuer: LOGINRADIUS,
      audience: ['api://payment_gateway', 'lr-client'],
    },
    access: {
      iss: LOGINRADIUS,
      aud: ['api://payment_gateway'],
      scp: ['a'],
      azp: 'lr-client',
      sub: 'e2',
    },
    refused: {
      'an ID token': { iss: LOGINRADIUS, aud: 'lr-client', nonce: 'n', at_hash: 'h', ...user },
    },
  },
  {
    name: 'capillary',
    options: { preset: 'capillary', issuer: 'Capillary', audience: '21' },
    access: { iss: 'Capillary', sub: 'name_1', client_id: 21, token_use: 'token_access' },
    // Capillary issues no ID tokens; its other JWT is the refresh token.
    refused: {
      'a refresh token': {
        iss: 'Capillary',
        sub: 'name_1',
        client_id: 21,
        token_use: 'token_refresh',
      },
    },
  },
  {
    name: 'no preset',
    options: { issuer: 'https://idp.example.com/', audience: [API, 'web-client'] },
    access: { iss: 'https://idp.example.com/', aud: API, sub: 'svc', client_id: 'svc', scope: 'a' },
    accessHeader: { typ: 'JWT' },
    refused: {
      'an ID token with at_hash': {
        iss: 'https://idp.example.com/',
        aud: 'web-client',
        at_hash: 'h',
        ...user,
      },
      'an ID token with c_hash': {
        iss: 'https://idp.example.com/',
        aud: 'web-client',
        c_hash: 'h',
        ...user,
      },
    },
  },
]

// Requests as Node's HTTP parser hands them to a server, for the in-process measurements:
// the header value is one flat string (a template literal would be a rope that every first
// string operation must flatten, a cost no server pays).

export const requestWith = (authorization) => ({
  rawHeaders: ['Host', '127.0.0.1', 'Authorization', authorization, 'Accept', '*/*'],
  method: 'GET',
  url: '/',
})

export const flat = (value) => Buffer.from(value, 'latin1').toString('latin1')

export const bearerHeader = (token) => flat(`Bearer ${token}`)

// A real OpenID Connect provider (npm oidc-provider) for the OIDC end-to-end test.
// Usage: node oidc_provider.mjs PORT AUDIENCE
// Issues RS256 `at+jwt` access tokens with the client_credentials grant for the resource
// AUDIENCE (RFC 8707 resource indicator), carrying a `roles` claim that depends on the client:
//   ccm-admin / ccm-admin-secret -> ["admin"],  ccm-user / ccm-user-secret -> ["user"].
// Prints one JSON line {"issuer": ...} once it listens on 127.0.0.1:PORT.
import { createRequire } from 'node:module';
import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// oidc-provider lives in tests/node/node_modules (installed by scripts/setup --test).
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'node', 'package.json'));
const { default: Provider, errors } = await import(require.resolve('oidc-provider'));

const port = Number(process.argv[2]);
const audience = process.argv[3];
if (!port || !audience) {
  console.error('usage: node oidc_provider.mjs PORT AUDIENCE');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'ccm-e2e-key', alg: 'RS256', use: 'sig' };
const roles = { 'ccm-admin': ['admin'], 'ccm-user': ['user'] };
const client = (id) => ({
  client_id: id,
  client_secret: `${id}-secret`,
  grant_types: ['client_credentials'],
  redirect_uris: [],
  response_types: [],
  token_endpoint_auth_method: 'client_secret_post',
});

const provider = new Provider(issuer, {
  jwks: { keys: [jwk] },
  clients: [client('ccm-admin'), client('ccm-user')],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resource) => {
        if (resource !== audience) throw new errors.InvalidTarget();
        return {
          scope: 'ccm',
          audience,
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  extraTokenClaims: (ctx, token) => ({ roles: roles[token.clientId] ?? [] }),
});

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(JSON.stringify({ issuer }));
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));

// A real OpenID Provider (npm oidc-provider 9.13) for the api integration test. It issues RS256
// `at+jwt` access tokens through the client_credentials grant, for any resource indicator asked
// for (the audience), with the client's roles in realm_access.roles.
// Usage: node oidc_provider.mjs PORT NODE_MODULES_DIR   (prints "READY <issuer>" once listening)
import crypto from 'node:crypto';
import { pathToFileURL } from 'node:url';

const [port, modules] = process.argv.slice(2);
const { default: Provider } =
    await import(pathToFileURL(`${modules}/oidc-provider/lib/index.js`).href);

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'itest-1', use: 'sig', alg: 'RS256' };
const roles = { 'ccm-operator': ['operator'], 'ccm-admin': ['admin', 'offline'], 'ccm-user': [] };
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: Object.keys(roles).map((id) => ({
    client_id: id,
    client_secret: `${id}-secret`,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
  })),
  jwks: { keys: [jwk] },
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      getResourceServerInfo: (ctx, indicator) => ({
        scope: 'api',
        audience: indicator,
        accessTokenFormat: 'jwt',
        accessTokenTTL: 300,
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  extraTokenClaims: (ctx, token) => ({ realm_access: { roles: roles[token.clientId] ?? [] } }),
});

provider.listen(Number(port), '127.0.0.1', () => console.log(`READY ${issuer}`));

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

/**
 * A real OpenID Connect provider for the tests (panva's `oidc-provider`), on an ephemeral 127.0.0.1 port, with one
 * static confidential client and test accounts in groups. Its own login page (the development interactions) takes
 * any password; the consent step is skipped, as a company's provider does for its own apps.
 */

/** The test accounts, by login: their name, email and groups. */
export const TEST_ACCOUNTS = {
  ana: { name: 'Ana Editor', email: 'ana@example.com', groups: ['support'] },
  vic: { name: 'Vic Viewer', email: 'vic@example.com', groups: ['analytics'] },
  adm: { name: 'Adm Admin', email: 'adm@example.com', groups: ['spanpatch-admins', 'support'] },
  nob: { name: 'Nob Nobody', email: 'nob@example.com', groups: ['marketing'] },
} as const;

export type TestLogin = keyof typeof TEST_ACCOUNTS;

/** The mapping the tests configure: admins, support editors, analytics viewers; anyone else has no access. */
export const TEST_ROLE_MAPPING = 'spanpatch-admins:admin,support:editor,analytics:viewer';

export const TEST_CLIENT_ID = 'spanpatch';
export const TEST_CLIENT_SECRET = 'a-test-client-secret-of-some-length';

export interface TestProvider {
  issuer: string;
  close(): Promise<void>;
}

/** Starts the provider, allowing `redirectUris` (each a Spanpatch server's `<public URL>/auth/callback`). */
export async function startTestProvider(redirectUris: readonly string[]): Promise<TestProvider> {
  let handle: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => {
    response.statusCode = 503;
    response.end();
  };
  const server = createServer((request, response) => handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const configuration: Configuration = {
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        client_secret: TEST_CLIENT_SECRET,
        redirect_uris: [...redirectUris],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: {
      openid: ['sub'],
      profile: ['name'],
      email: ['email'],
      groups: ['groups'],
    },
    scopes: ['openid', 'profile', 'email', 'groups'],
    // NOTE: the name, email and groups in the ID token itself, as many company providers put them.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    cookies: { keys: ['a-test-cookie-key-of-some-length'] },
    findAccount(_ctx, sub) {
      const account = TEST_ACCOUNTS[sub as TestLogin] as (typeof TEST_ACCOUNTS)[TestLogin] | undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          name: account?.name ?? sub,
          email: account?.email ?? `${sub}@example.com`,
          groups: [...(account?.groups ?? [])],
        }),
      };
    },
    // Consent is given: a company's provider does not ask its people about the company's own apps.
    async loadExistingGrant(ctx) {
      const session = ctx.oidc.session;
      const client = ctx.oidc.client;
      if (!session?.accountId || !client) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) {
        const found = await ctx.oidc.provider.Grant.find(grantId);
        if (found) return found;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid profile email groups');
      grant.addOIDCClaims(['sub', 'name', 'email', 'groups']);
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  // The provider warns of its development settings (the login page); the tests mean them.
  provider.on('server_error', (_ctx, error) => console.error('test OIDC provider:', error));
  handle = provider.callback();
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// `pnpm try-provider`: the OpenID Provider the tests use, on this machine,
// for trying provider sign-in without registering the app anywhere. Prints
// the AUTH_* lines to start an app with, and serves until Ctrl-C.
import { startTestProvider } from './start-test-provider.ts';

const origin = process.env.ORIGIN || `http://localhost:${process.env.PORT || 3000}`;
const port = Number(process.env.PROVIDER_PORT || 9400);
const clientId = 'local-app';
// A provider for one machine, with no real accounts: a fixed secret keeps
// the printed lines the same from one start to the next.
const clientSecret = 'local-provider-secret';

const provider = await startTestProvider({
  port,
  clients: [{ clientId, clientSecret, redirectUri: `${origin}/signin/local/callback` }],
  claimsInIdToken: true,
  defaultAccount: (login) => ({
    sub: login,
    preferred_username: login,
    email: `${login}@example.test`,
  }),
});

const lines = [
  'AUTH_PROVIDERS=local',
  `AUTH_LOCAL_ISSUER=${provider.issuer}`,
  `AUTH_LOCAL_CLIENT_ID=${clientId}`,
  `AUTH_LOCAL_CLIENT_SECRET=${clientSecret}`,
  "AUTH_LOCAL_LABEL='Local provider'",
];
console.log(`A local OpenID Provider serves ${provider.issuer} for an app at ${origin}.`);
console.log('Start an app with these variables, for example in another terminal:\n');
console.log(`${lines.join(' \\\n')} \\\npnpm start\n`);
console.log(
  `Then open ${origin}/signin and press "Continue with Local provider": any login signs in as the account of that name. Ctrl-C stops the provider.`,
);

const stop = async () => {
  await provider.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { type CBORType, encodeCBOR } from '@levischuck/tiny-cbor';

// A software authenticator for the HTTP tests: it answers the app's
// WebAuthn options as a browser's `PublicKeyCredential.toJSON()` would,
// with an ES256 key of node:crypto and CBOR from the library the server's
// WebAuthn library uses itself. Written here because no maintained npm
// package makes WebAuthn responses for a test without a browser (the
// browser walk uses Chromium's own virtual authenticator instead); it is
// the WebAuthn Level 3 formats (§6.1 authenticator data, §6.5 attestation
// "none", §5.8.1 client data), nothing more.

/** Authenticator data flags (WebAuthn §6.1). */
export const flags = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 } as const;

/** What the options of the app name (as JSON, the way a browser receives them). */
interface CreationOptions {
  challenge: string;
  rp: { id?: string };
  user: { id: string };
}

interface RequestOptions {
  challenge: string;
  rpId?: string;
}

export interface AssertOptions {
  /** The origin the browser would name in the client data; the app's by default. */
  origin?: string;
  /** The RP id whose hash the authenticator data carries; the options' by default. */
  rpId?: string;
  /** Answer another challenge than the options' (a used or made-up one). */
  challenge?: string;
  /** The signature counter to report; one more than the last by default. */
  counter?: number;
  /** User verified (UV); true by default. */
  userVerified?: boolean;
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function sha256(data: Uint8Array | string): Buffer {
  return createHash('sha256').update(data).digest();
}

function clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, origin: string) {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
}

/** rpIdHash | flags | signCount (big-endian), and the attested credential when given. */
export function authenticatorData(
  rpId: string,
  flagBits: number,
  counter: number,
  attested?: Uint8Array,
): Buffer {
  const head = Buffer.alloc(37);
  sha256(rpId).copy(head, 0);
  head.writeUInt8(flagBits, 32);
  head.writeUInt32BE(counter, 33);
  return attested ? Buffer.concat([head, attested]) : head;
}

/** The COSE_Key of an EC2 P-256 public key for ES256 (RFC 9053). */
function coseKeyOf(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' });
  return encodeCBOR(
    new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x ?? '', 'base64url')],
      [-3, Buffer.from(jwk.y ?? '', 'base64url')],
    ]),
  );
}

/**
 * One passkey on a software authenticator: `register` answers creation
 * options, `assert` request options; `counter` is what it reports next
 * (minus one), which a test may set back.
 *
 * @example
 * const passkey = new SoftPasskey('http://localhost:3000');
 * const response = passkey.register(await jsonOf(await client.post('/api/passkeys/options')));
 * await client.post('/api/passkeys', { name: 'Laptop', response });
 */
export class SoftPasskey {
  readonly origin: string;
  readonly credentialId: string;
  counter = 0;
  #userHandle: string | null = null;
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;

  constructor(origin: string, credentialId = base64url(randomBytes(32))) {
    this.origin = origin;
    this.credentialId = credentialId;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#privateKey = privateKey;
    this.#publicKey = publicKey;
  }

  /** A registration response (attestation "none") to the app's creation options. */
  register(options: CreationOptions, { origin = this.origin, rpId }: AssertOptions = {}) {
    this.#userHandle = options.user.id;
    const id = Buffer.from(this.credentialId, 'base64url');
    const length = Buffer.alloc(2);
    length.writeUInt16BE(id.length);
    const attested = Buffer.concat([Buffer.alloc(16), length, id, coseKeyOf(this.#publicKey)]);
    const rp = rpId ?? options.rp.id ?? new URL(this.origin).hostname;
    const bits = flags.UP | flags.UV | flags.BE | flags.BS | flags.AT;
    const authData = authenticatorData(rp, bits, this.counter, attested);
    const attestationObject = encodeCBOR(
      new Map<string, CBORType>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, CBORType>()],
        ['authData', new Uint8Array(authData)],
      ]),
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: {
        clientDataJSON: base64url(clientData('webauthn.create', options.challenge, origin)),
        attestationObject: base64url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** An assertion to the app's request options, signed with this passkey's key. */
  assert(options: RequestOptions, overrides: AssertOptions = {}) {
    const { origin = this.origin, userVerified = true } = overrides;
    const rp = overrides.rpId ?? options.rpId ?? new URL(this.origin).hostname;
    this.counter = overrides.counter ?? this.counter + 1;
    const bits = flags.UP | (userVerified ? flags.UV : 0) | flags.BE | flags.BS;
    const authData = authenticatorData(rp, bits, this.counter);
    const data = clientData('webauthn.get', overrides.challenge ?? options.challenge, origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(data)]), this.#privateKey);
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: {
        clientDataJSON: base64url(data),
        authenticatorData: base64url(authData),
        signature: base64url(signature),
        ...(this.#userHandle ? { userHandle: this.#userHandle } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}

import { argon2Hasher, type PasswordHasher } from '@repo/auth/password-hashing';

/**
 * The real Argon2id hasher, whose verifications can be held once computed:
 * how a test keeps sign-ins in flight (the password checked, the answer not
 * yet given) while something else happens, as a slow hash would.
 *
 * @example
 * passwords.hold();                 // verifications from now on wait...
 * const signins = [...];            // ...once computed
 * await passwords.waitForHeld(4);
 * passwords.stopHolding();          // later ones go through
 * await changeThePassword();
 * passwords.release();              // the held ones go on
 */
export function holdingHasher() {
  let holding = false;
  const held: (() => void)[] = [];
  return {
    hash: (password: string) => argon2Hasher.hash(password),
    async verify(hashed: string, password: string) {
      const hold = holding;
      const matches = await argon2Hasher.verify(hashed, password);
      if (hold) await new Promise<void>((resolve) => held.push(resolve));
      return matches;
    },
    hold() {
      holding = true;
    },
    stopHolding() {
      holding = false;
    },
    async waitForHeld(count: number) {
      while (held.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
    },
    release() {
      holding = false;
      for (const resume of held.splice(0)) resume();
    },
  } satisfies PasswordHasher & Record<string, unknown>;
}

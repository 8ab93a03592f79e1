import { argon2Hasher, type PasswordHasher } from '@repo/auth/password-hashing';

/** The real Argon2id hasher, counting its calls: how a test sees that no password was hashed. */
export function countingHasher(): PasswordHasher & { hashes: number; verifies: number } {
  const counter = {
    hashes: 0,
    verifies: 0,
    hash(password: string) {
      counter.hashes += 1;
      return argon2Hasher.hash(password);
    },
    verify(hashed: string, password: string) {
      counter.verifies += 1;
      return argon2Hasher.verify(hashed, password);
    },
  };
  return counter;
}

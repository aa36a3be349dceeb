import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** How a sealed secret starts in the core store; anything else is a value stored before sealing. */
export const SEALED_PREFIX = 'imbachat-aes256gcm:v1:';

/** A key of our own from Strapi's `admin.secrets.encryptionKey`, so no other use of it can read ours. */
export const deriveKey = (encryptionKey: string) =>
  createHash('sha256').update(`strapi-plugin-imbachat settings\0${encryptionKey}`).digest();

export const isSealed = (value: unknown): value is string => typeof value === 'string' && value.startsWith(SEALED_PREFIX);

/** AES-256-GCM: a fresh IV each time, and the tag makes tampering or a changed key detectable. */
export const seal = (plain: string, key: Buffer): string => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return SEALED_PREFIX + [iv, body, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.');
};

/** Throws when the key is not the one the value was sealed with. */
export const unseal = (sealed: string, key: Buffer): string => {
  const [iv, body, tag] = sealed.slice(SEALED_PREFIX.length).split('.').map((part) => Buffer.from(part, 'base64url'));
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
};

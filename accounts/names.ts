/**
 * What a username, an e-mail address and a shown name may be, in one place: accounts made by
 * an admin (index.ts addUser), by the identity provider (signInExternal) and the names
 * oidc.ts takes from an ID token are held to the same rules.
 */

/** 2 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit. */
export const USERNAME_RULE = 'username must be 2 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit'

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/i
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
// eslint-disable-next-line no-control-regex -- control characters are what is replaced
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f]/g

export const isUsername = (v: unknown): v is string => typeof v === 'string' && USERNAME.test(v)

/** At most 254 characters, and shaped like name@example.org. */
export const isEmail = (v: unknown): v is string => typeof v === 'string' && v.length <= 254 && EMAIL.test(v)

export const hasControlChars = (v: string): boolean => CONTROL.test(v)

/** `v` with each control character as a space. */
export const withoutControlChars = (v: string): string => v.replace(CONTROL_ALL, ' ')

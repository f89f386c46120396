/**
 * The credential form shared by the Credentials screen and the Diagnose screen's
 * "Also check credentials" section: its non-secret half, its secrets, and the request built
 * from both. Pure (no React, no store).
 */
import type { AuthRequestInput, DelegationMethod } from '../../shared/auth.js';

export type CredentialKind = 'password' | 'key' | 'agent';

/** The non-secret half of a credential form. Passwords, keys and passphrases never enter a store. */
export interface CredentialFields {
  port: number;
  user: string;
  kind: CredentialKind;
  delegation: DelegationMethod;
  delegationCommand: string;
  sessions: number;
}

export const DEFAULT_CREDENTIAL_FIELDS: CredentialFields = {
  port: 22,
  user: '',
  kind: 'password',
  delegation: 'sudo-su',
  delegationCommand: '',
  sessions: 10,
};

/** What the check needs besides the form; handed straight to the engine, never stored. */
export interface AuthSecrets {
  password?: string;
  privateKey?: string;
  passphrase?: string;
  delegationPassword?: string;
}

/** The credential part of a check (no host, no profile): `auth` of a diagnosis, or most of an auth request. */
export type CredentialRequest = Omit<AuthRequestInput, 'host' | 'profile'>;

/**
 * Builds the request from the form and the secrets, or says in plain words what is missing.
 * The result holds the secrets: pass it on at once and keep no reference to it.
 */
export function credentialRequest(
  fields: CredentialFields,
  secrets: AuthSecrets,
): { ok: true; value: CredentialRequest } | { ok: false; error: string } {
  const user = fields.user.trim();
  if (!user) return { ok: false, error: 'Give the scan account’s user name.' };
  const request: CredentialRequest = {
    port: fields.port,
    user,
    agent: fields.kind === 'agent',
    delegation: fields.delegation,
    sessions: fields.sessions,
  };
  if (fields.kind === 'password') {
    if (!secrets.password) return { ok: false, error: 'Type the scan account’s login password.' };
    request.password = secrets.password;
  }
  if (fields.kind === 'key') {
    if (!secrets.privateKey) return { ok: false, error: 'Choose the private key file.' };
    request.privateKey = secrets.privateKey;
    if (secrets.passphrase) request.passphrase = secrets.passphrase;
  }
  if (secrets.delegationPassword) request.delegationPassword = secrets.delegationPassword;
  if (fields.delegation === 'custom') request.delegationCommand = fields.delegationCommand;
  return { ok: true, value: request };
}

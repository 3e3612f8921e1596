import type { TokenStore } from '../../core/session/connectionManager.js';

/** The part of VS Code's SecretStorage used here (the extension context's `secrets`). */
export interface SecretStorage {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** Tokens per connection name in VS Code's SecretStorage (the OS keychain); never in settings. */
export class SecretTokenStore implements TokenStore {
  constructor(private readonly secrets: SecretStorage) {}

  private key(profileName: string): string {
    return `sparkWorkbench.token.${profileName}`;
  }

  get(profileName: string): Promise<string | undefined> {
    return Promise.resolve(this.secrets.get(this.key(profileName)));
  }

  /** Stores the token, or removes the stored one when `token` is empty or undefined. */
  async set(profileName: string, token: string | undefined): Promise<void> {
    if (token) await this.secrets.store(this.key(profileName), token);
    else await this.secrets.delete(this.key(profileName));
  }
}

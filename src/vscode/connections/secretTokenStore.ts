import type { TokenStore } from '../../core/session/connectionManager.js';

/** The part of VS Code's SecretStorage used here (the extension context's `secrets`). */
export interface SecretStorage {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** Secrets by name under one prefix in VS Code's SecretStorage (the OS keychain); never in settings or files. */
export class NamedSecrets {
  constructor(
    private readonly secrets: SecretStorage,
    private readonly prefix: string,
  ) {}

  get(name: string): Promise<string | undefined> {
    return Promise.resolve(this.secrets.get(this.prefix + name));
  }

  /** Stores the secret, or removes the stored one when `value` is empty or undefined. */
  async set(name: string, value: string | undefined): Promise<void> {
    if (value) await this.secrets.store(this.prefix + name, value);
    else await this.secrets.delete(this.prefix + name);
  }
}

/** Tokens per connection name. */
export class SecretTokenStore extends NamedSecrets implements TokenStore {
  constructor(secrets: SecretStorage) {
    super(secrets, 'sparkWorkbench.token.');
  }
}

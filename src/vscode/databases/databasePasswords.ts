import type { SecretStorage } from '../connections/secretTokenStore.js';

/** Database passwords per source name in VS Code's SecretStorage (the OS keychain); never in a file or a setting. */
export class DatabasePasswordStore {
  constructor(private readonly secrets: SecretStorage) {}

  private key(name: string): string {
    return `sparkWorkbench.databasePassword.${name}`;
  }

  get(name: string): Promise<string | undefined> {
    return Promise.resolve(this.secrets.get(this.key(name)));
  }

  /** Stores the password, or removes the stored one when it is empty. */
  async set(name: string, password: string | undefined): Promise<void> {
    if (password) await this.secrets.store(this.key(name), password);
    else await this.secrets.delete(this.key(name));
  }
}
